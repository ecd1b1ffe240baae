"""The e-mail of an organization invitation, checked and built without HTTP (Keycloak 26.4's
OrganizationInvitationResource.inviteUser / inviteExistingUser up to the send): the invitee's checks in Keycloak's
order, the stored invitation (OrganizationInvitationModel) with the InviteOrgActionToken and its link, and the
message in the invitee's language. The Admin REST's ``members/invite-*`` and ``invitations/{id}/resend`` and the
Admin Console's Invite member call ``prepare`` in a reading transaction, send the mail after it ends, and then
``stored_invitations.save`` the invitation (a mail that could not be sent leaves none, as Keycloak's rollback does).
"""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep.email import action_tokens, messages, smtp
from doorkeep.errors import AdminError
from doorkeep.model import Realm, User
from doorkeep.organizations import invitations
from doorkeep.organizations.model import Invitation, Organization
from doorkeep.users.profile import valid_email

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
    replacing: str | None = None  # the invitation a resend replaces: removed first, so it is no pending one
    attributes: dict[str, list[str]] | None = None  # kept on the invitation (invitation_attributes.cleaned)
    client_id: str | None = None  # the link's client (the ``client_id`` query parameter), None: ``account``
    roles: tuple[str, ...] = ()  # ids of the realm and client roles granted on acceptance (invitation_roles)


@dataclass(frozen=True)
class Prepared:
    """The mail to send, the invitation to store once it is sent, and the invitations that go then (the one a
    resend replaces, and expired ones to the same address, which inviteUser removes)."""

    mail: smtp.Mail
    invitation: Invitation
    stale: tuple[str, ...]
    roles: tuple[str, ...] = ()  # the roles the invitation grants (invitation_roles)


async def _stale(tx: Tx, org: Organization, email: str, who: Invitee, now: int) -> tuple[str, ...]:
    """inviteUser's check of the address's invitations: a pending one is 409, expired ones are removed."""
    stale = []
    for found in await tx.org_invitations.with_email(org.id, email):
        if found.id == who.replacing or found.expired(now):
            stale.append(found.id)
        else:
            raise AdminError(409, invitations.PENDING)
    if who.replacing is not None and who.replacing not in stale:
        stale.append(who.replacing)
    return tuple(stale)


async def _checked(tx: Tx, realm: Realm, org: Organization, who: Invitee) -> tuple[User | None, str, bool]:
    """The user (None: an address no user has), the address the mail goes to, and whether it is personalized."""
    if who.user_id is not None:
        if not who.user_id.strip():
            raise AdminError(400, invitations.NO_ID, key="error")  # jakarta's BadRequestException(message)
        user = await tx.users.get(who.user_id)
        if user is None or user.realm_id != realm.id:
            raise AdminError(400, "User does not exist")
        return user, user.email or "", user.first_name is not None and user.last_name is not None
    email = (who.email or "").strip().lower()
    if not email:
        raise AdminError(400, invitations.NO_EMAIL)
    if not valid_email(email):
        raise AdminError(400, invitations.INVALID_EMAIL)
    found = await tx.users.ids_with_email(realm.id, email)
    user = await tx.users.get(found[0]) if found else None
    if user is not None:
        if await tx.organizations.membership(org.id, user.id) is not None:
            raise AdminError(409, invitations.ALREADY_MEMBER)
        return user, user.email or "", user.first_name is not None and user.last_name is not None
    return None, email, who.first_name is not None and who.last_name is not None


async def prepare(
    tx: Tx, services: Services, realm: Realm, org: Organization, who: Invitee, base: str, issuer: str
) -> Prepared:
    """The invitation and its mail, after the checks; its link an action token valid for the admin-generated
    lifespan, whose ``jti`` is the invitation's id and whose expiry is the invitation's."""
    invitations.require_enabled(org)
    to = await invitations.target(tx, realm.id, realm.name, org, who.client_id, base)
    now = services.clock.now()
    user, email, named = await _checked(tx, realm, org, who)
    stale = await _stale(tx, org, email, who, now) if who.user_id is None else ()
    lifespan = realm.action_token_generated_by_admin_lifespan
    invitation_id = str(uuid.uuid4())
    token = invitations.new_token(org, user.id if user else "", email, now, lifespan, to, invitation_id)
    key = await action_tokens.serialize(tx, services, realm.id, issuer, token)
    if user is not None:
        link = invitations.action_link(base, realm.name, key)
        names = (user.first_name or "", user.last_name or "") if named else None
        ui = messages.language(realm, user)
    else:
        link = invitations.registration_link(base, realm.name, key, to.client_id)
        names = (who.first_name or "", who.last_name or "") if named else None
        ui = messages.language(realm, User(id="", realm_id=realm.id, username=""))
    mail = messages.org_invite(ui, realm, email, names, link, lifespan // 60, org.name)
    first, last = (None, None) if names is None else (names[0].strip(), names[1].strip())
    if user is not None:  # the user's own names, as sendInvitation reads them from the UserModel
        first, last = user.first_name, user.last_name
    # the link (a bearer of the signed token) goes only into the mail, never into the store (Keycloak 26.6.7)
    record = Invitation(invitation_id, org.id, realm.id, email.strip(), first, last, now, token.expires)
    record = dataclasses.replace(record, attributes=who.attributes, client_id=to.client_id)
    return Prepared(mail, record, stale, who.roles)
