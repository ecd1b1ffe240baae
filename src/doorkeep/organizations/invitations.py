"""Organization invitations as Keycloak 26 sends them (OrganizationInvitationResource, InviteOrgActionToken).

An invitation is an ``ORGIVT`` action token for the ``account`` client naming the organization (``org_id``), the
address it was sent to (``eml``) and where the invitee goes once a member (``reduri``: the organization's
``redirectUrl``, else the account console). It expires after the realm's ``actionTokenGeneratedByAdminLifespan``
and may be used again (AbstractActionTokenHandler's canUseTokenRepeatedly): a second use finds a member already.
An existing user's link goes to the action-token endpoint (InviteOrgActionTokenHandler); an address no user has
gets a link to the registrations endpoint carrying the token as ``token``, whose registration makes the new user
a MANAGED member (RegistrationUserCreation).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from doorkeep import policy
from doorkeep.email import action_tokens
from doorkeep.email.action_tokens import ActionToken
from doorkeep.errors import AdminError
from doorkeep.model import Client
from doorkeep.oauth import redirect_uris
from doorkeep.organizations.model import Organization

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx

ACCOUNT = "account"  # Constants.ACCOUNT_MANAGEMENT_CLIENT_ID
NO_EMAIL = "Email is required to invite a member"  # Keycloak 26.4
INVALID_EMAIL = "Invalid email format"
PENDING = "User already has a pending invitation"
NO_ID = "To invite a member you need to provide the user id"
ALREADY_MEMBER = "User already a member of the organization"
SEND_FAILED = "Failed to send invite email"
DISABLED = "Organization is disabled"  # OrganizationInvitationResource.validateOrganization (Keycloak 26.7)


def require_enabled(org: Organization) -> None:
    """OrganizationInvitationResource.validateOrganization (Keycloak 26.7): a disabled organization invites nobody,
    nor resends an invitation (400, before the invitation a resend names is looked up)."""
    if not org.enabled:
        raise AdminError(400, DISABLED)


def redirect_uri(org: Organization, base: str, realm_name: str) -> str:
    """createToken: the organization's ``redirectUrl``, else the account console's URL."""
    if org.redirect_url and org.redirect_url.strip():
        return org.redirect_url
    return account_console(base, realm_name)


def account_console(base: str, realm_name: str) -> str:
    """Where an invitee goes by default: the account console."""
    return f"{base}/realms/{realm_name}/account/"


def landing(uri: str | None, client: Client, base: str) -> str | None:
    """Where an invitation may send its invitee after joining (the token's ``reduri``, the organization's
    ``redirectUrl`` on the already-a-member page): ``uri`` when the link's client (``account``) allows it as a
    redirect URI, through the one validator every redirect goes through (RedirectUtils.verifyRedirectUri,
    keycloak@5f8e11f2's OrganizationInvitationLinkTest malicious-redirect cases); None when it does not, and the
    invitee lands on the account console instead."""
    return redirect_uris.resolve(uri, client, base) if uri else None


def new_token(
    org: Organization, user_id: str, email: str, now: int, lifespan: int, redirect: str, invitation_id: str
) -> ActionToken:
    """InviteOrgActionToken(userId, now + lifespan, email, "account") with ``org_id`` and ``reduri``; its id is
    the stored invitation's (``token.id(invitation.getId())``), by which accepting it removes the invitation."""
    return action_tokens.new(
        action_tokens.INVITE_ORG,
        user_id,
        ACCOUNT,
        now,
        lifespan,
        email=email,
        redirect_uri=redirect,
        org_id=org.id,
        token_id=invitation_id,
    )


def action_link(base: str, realm_name: str, key: str) -> str:
    """createInvitationLink: LoginActionsService.actionTokenProcessor with ``key``."""
    return f"{base}/realms/{realm_name}/login-actions/action-token?{urlencode({'key': key})}"


def registration_link(base: str, realm_name: str, key: str) -> str:
    """createRegistrationLink: the registrations endpoint for the account client, the token as ``token``, and a
    fresh ``state`` (Keycloak 26.7's OrganizationInvitationLinkTest#testRegistrationLinkForNewUserCarriesState: the
    response is callback-shaped, so a client strips its ``code`` and ``state`` from the URL it lands on)."""
    query = urlencode({"response_type": "code", "client_id": ACCOUNT, "token": key, "state": str(uuid.uuid4())})
    return f"{base}/realms/{realm_name}/protocol/openid-connect/registrations?{query}"


async def pending(tx: Tx, org_id: str, token_id: str) -> bool:
    """InvitationManager.getById: the link's invitation is still kept for the organization (a link whose
    invitation was deleted, resent or accepted no longer works; its token's own expiry is checked before)."""
    return bool(token_id) and await tx.org_invitations.get(org_id, token_id) is not None


async def read_registration(
    tx: Tx, services: Services, realm_id: str, issuer: str, key: str, *, kept: bool = True
) -> ActionToken | None:
    """The invitation a registration carries (Organizations.parseInvitationToken), or None when it is not one of
    this realm's, or has expired, or (``kept``) its stored invitation is gone."""
    claims = await services.codec.verify(tx, realm_id, key, internal=True)
    if claims is None or claims.get("iss") != issuer or claims.get("typ") != action_tokens.INVITE_ORG:
        return None
    expires, org_id, email = claims.get("exp"), claims.get("org_id"), claims.get("eml")
    if not isinstance(expires, int) or not policy.token_active(claims, services.clock.now()):
        return None
    if not isinstance(org_id, str) or not isinstance(email, str):
        return None
    if kept and not await pending(tx, org_id, str(claims.get("jti") or "")):
        return None  # RegistrationUserCreation: the invitation deleted, resent or used already
    redirect = claims.get("reduri")
    return ActionToken(
        action=action_tokens.INVITE_ORG,
        user_id="",
        expires=expires,
        client_id=str(claims.get("azp") or ""),
        nonce=str(claims.get("nonce") or ""),
        issued_at=int(claims.get("iat") or 0),
        email=email,
        redirect_uri=redirect if isinstance(redirect, str) else None,
        token_id=str(claims.get("jti") or ""),
        org_id=org_id,
    )
