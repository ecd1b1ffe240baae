"""An organization's Members tab, as Keycloak 26's console shows it (Members.tsx, MemberModal): the members with
their membership type (search, paging), "Add realm user" (users of the realm who are not members yet) and
"Remove", through ``organizations.writes`` as ``organizations/{id}/members`` does them; each write is recorded as
that call (CREATE / DELETE ORGANIZATION_MEMBERSHIP, the organization's brief representation). manage-organizations
(or manage-realm), and the users' roles the REST calls ask."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from doorkeep.admin import user_search
from doorkeep.errors import AdminError
from doorkeep.model import User
from doorkeep.oauth.context import Services
from doorkeep.organizations import invitation_mail, rules, writes
from doorkeep.organizations.model import MANAGED, UNMANAGED, Organization
from doorkeep.web.admin.audit import Change, about_user
from doorkeep.web.admin_console.context import Console, Page, page_of
from doorkeep.web.admin_console.forms import FormErrors, FormState
from doorkeep.web.admin_console.views_organizations import require

KINDS = (MANAGED, UNMANAGED)


async def members(
    c: Console, org: Organization, search: str, kind: str, first: int, size: int
) -> Page[tuple[User, str]]:
    """``GET organizations/{id}/members?search=&membershipType=&first=&max=``: the members and their membership
    types; ``kind`` other than MANAGED or UNMANAGED is every member. The members' representations ask view-users,
    as the REST call's do."""
    require(c)
    c.require("view-users")
    found = await c.tx.organizations.members(org.id)
    if search:
        found = [(u, t) for u, t in found if rules.member_matches(u, search, False)]
    if kind in KINDS:
        found = [(u, t) for u, t in found if t == kind]
    return page_of(found[first : first + size + 1], first, size, len(found))


async def candidates(c: Console, org: Organization, search: str, first: int, size: int) -> Page[User]:
    """The realm's users (``GET users?search=``, view-users) with those already members left out of the page."""
    require(c)
    c.require("view-users")
    params = {"search": search} if search else {}
    found = await user_search.list_users(c.tx, c.realm, params, first, size + 1)
    page = page_of(found, first, size)
    kept = [u for u in page.items if await c.tx.organizations.membership(org.id, u.id) is None]
    return Page(kept, page.first, page.size, page.has_next)


async def add(c: Console, org: Organization, user_ids: Sequence[str]) -> list[str]:
    """``POST organizations/{id}/members`` for each chosen user; the usernames added. Every choice is checked
    before the first is added, so a refusal (no user of this realm, a member already) adds no one. manage-users
    too, as the REST call asks."""
    require(c)
    c.require("manage-users")
    user_ids = list(dict.fromkeys(user_ids))  # a user ticked twice is added once
    if not user_ids:
        raise AdminError(400, "Choose at least one user.")
    for user_id in user_ids:
        user = await c.tx.users.get(user_id)
        if user is None or user.realm_id != c.realm.id:
            raise writes.NO_USER
        if await c.tx.organizations.membership(org.id, user.id) is not None:
            raise writes.ALREADY_MEMBER
    added = []
    for user_id in user_ids:
        user = await writes.add_member(c.tx, c.realm, org, user_id)
        event = rules.to_json(org, brief=True)
        segments = ("organizations", org.id, "members")
        c.changes.append(Change("POST", segments, event, writes.MEMBERSHIP, "CREATE", about_user(user)))
        added.append(user.username)
    return added


async def remove(c: Console, org: Organization, user_id: str) -> None:
    """``DELETE organizations/{id}/members/{userId}``; a user who is not a member is the REST call's 404."""
    require(c)
    user = await c.tx.users.get(user_id)  # read first: removing a managed member deletes the user
    if user is None or not await writes.remove_member(c.tx, org, user_id):
        raise AdminError(404, "The user is not a member of this organization.")
    segments = ("organizations", org.id, "members", user_id)
    event = rules.to_json(org, brief=True)
    c.changes.append(Change("DELETE", segments, event, writes.MEMBERSHIP, "DELETE", about_user(user)))


async def invitation(
    c: Console, org: Organization, form: Mapping[str, str], services: Services, issuer: str
) -> invitation_mail.Prepared:
    """Invite member (Keycloak's InviteMemberModal): ``POST …/members/invite-user`` with the e-mail and, when given,
    the first and last name; the mail to send once this reading transaction ends, and the invitation to store."""
    require(c)
    typed = FormState({k: form.get(k, "").strip() for k in ("email", "firstName", "lastName")})
    who = invitation_mail.Invitee(
        None, str(typed.values["email"]), str(typed.values["firstName"]) or None, str(typed.values["lastName"]) or None
    )
    try:
        return await invitation_mail.prepare(c.tx, services, c.realm, org, who, c.base_url or "", issuer)
    except AdminError as err:
        typed.errors["email"] = err.message
        raise FormErrors(typed) from None
