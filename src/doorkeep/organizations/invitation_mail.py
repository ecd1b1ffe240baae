"""The e-mail of an organization invitation, checked and built without HTTP (Keycloak 26's
OrganizationInvitationResource.inviteUser / inviteExistingUser up to the send): the invitee's checks in Keycloak's
order, the InviteOrgActionToken and its link, and the message in the invitee's language. The Admin REST's
``members/invite-*`` and the Admin Console's Invite member both call ``prepare`` in a reading transaction and send
the mail after it ends.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep.email import action_tokens, messages, smtp
from doorkeep.errors import AdminError
from doorkeep.model import Realm, User
from doorkeep.organizations import invitations
from doorkeep.organizations.model import Organization

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx


@dataclass(frozen=True)
class Invitee:
    """Who is invited: an existing user by ``user_id``, or an address (``email``, names None when not given)."""

    user_id: str | None = None
    email: str | None = None
    first_name: str | None = None
    last_name: str | None = None


async def _checked(tx: Tx, realm: Realm, org: Organization, who: Invitee) -> tuple[User | None, str, bool]:
    """The user (None: an address no user has), the address the mail goes to, and whether it is personalized."""
    if who.user_id is not None:
        if not who.user_id.strip():
            raise AdminError(400, invitations.NO_ID, key="error")  # jakarta's BadRequestException(message)
        user = await tx.users.get(who.user_id)
        if user is None or user.realm_id != realm.id:
            raise AdminError(400, "User does not exist")
        return user, user.email or "", user.first_name is not None and user.last_name is not None
    email = who.email or ""
    if not email.strip():
        raise AdminError(400, invitations.NO_EMAIL)
    found = await tx.users.ids_with_email(realm.id, email.strip().lower())
    user = await tx.users.get(found[0]) if found else None
    if user is not None:
        if await tx.organizations.membership(org.id, user.id) is not None:
            raise AdminError(409, invitations.ALREADY_MEMBER)
        return user, user.email or "", user.first_name is not None and user.last_name is not None
    return None, email, who.first_name is not None and who.last_name is not None


async def prepare(
    tx: Tx, services: Services, realm: Realm, org: Organization, who: Invitee, base: str, issuer: str
) -> smtp.Mail:
    """The invitation's mail, after the checks; its link an action token valid for the admin-generated lifespan."""
    user, email, named = await _checked(tx, realm, org, who)
    lifespan = realm.action_token_generated_by_admin_lifespan
    redirect = invitations.redirect_uri(org, base, realm.name)
    token = invitations.new_token(org, user.id if user else "", email, services.clock.now(), lifespan, redirect)
    key = await action_tokens.serialize(tx, services, realm.id, issuer, token)
    if user is not None:
        link = invitations.action_link(base, realm.name, key)
        names = (user.first_name or "", user.last_name or "") if named else None
        ui = messages.language(realm, user)
    else:
        link = invitations.registration_link(base, realm.name, key)
        names = (who.first_name or "", who.last_name or "") if named else None
        ui = messages.language(realm, User(id="", realm_id=realm.id, username=""))
    return messages.org_invite(ui, realm, email, names, link, lifespan // 60, org.name)
