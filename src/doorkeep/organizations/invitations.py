"""Organization invitations as Keycloak 26 sends them (OrganizationInvitationResource, InviteOrgActionToken).

An invitation is an ``ORGIVT`` action token for a client naming the organization (``org_id``), the address it was
sent to (``eml``) and where the invitee goes once a member (``reduri``). The client is ``account``, or the one
the admin names by ``client_id`` (``invite-user`` since keycloak#48535, merged in August 2026; Keycloak 27.0's
``invite-existing-user`` too): an unknown one is 400 ``Client doesn't exist``, a disabled one 400 ``Client is not
enabled`` (execute-actions-email's answers, which the pull request mirrored). For ``account`` the ``reduri`` is
the organization's ``redirectUrl``, else the account client's home URL, else the account console; for another
client the organization's ``redirectUrl`` is ignored and the ``reduri`` is the client's home URL (else its one
registered redirect URI, else 400 ``Unable to resolve a redirect uri for the client``).

The token expires after the realm's ``actionTokenGeneratedByAdminLifespan`` and may be used again
(AbstractActionTokenHandler's canUseTokenRepeatedly): a second use finds a member already. An existing user's
link goes to the action-token endpoint (InviteOrgActionTokenHandler); an address no user has gets a link to the
registrations endpoint carrying the token as ``token``, whose registration makes the new user a MANAGED member
(RegistrationUserCreation).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from doorkeep import policy
from doorkeep.email import action_tokens
from doorkeep.email.action_tokens import ActionToken
from doorkeep.errors import AdminError
from doorkeep.model import Client
from doorkeep.oauth import redirect_uris
from doorkeep.organizations.model import Organization
from doorkeep.users.account import effective_url

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
CLIENT_MISSING = "Client doesn't exist"  # [UNVERIFIED] keycloak#48535: "a 400 Bad Request"; execute-actions-email's
CLIENT_DISABLED = "Client is not enabled"  # [UNVERIFIED] texts for the same two cases
NO_REDIRECT = "Unable to resolve a redirect uri for the client"  # keycloak#48535 (review of 2026-06-17)


def require_enabled(org: Organization) -> None:
    """OrganizationInvitationResource.validateOrganization (Keycloak 26.7): a disabled organization invites nobody,
    nor resends an invitation (400, before the invitation a resend names is looked up)."""
    if not org.enabled:
        raise AdminError(400, DISABLED)


@dataclass(frozen=True)
class Target:
    """The client an invitation's link is for and where its invitee goes once a member (the token's ``reduri``)."""

    client_id: str
    redirect_uri: str


async def target(tx: Tx, realm_id: str, realm_name: str, org: Organization, client_id: str | None, base: str) -> Target:
    """The invitation's client (``client_id``, ``account`` when absent or blank) and its ``reduri``."""
    if client_id is None or not client_id.strip():
        account = await tx.clients.get_by_client_id(realm_id, ACCOUNT)
        return Target(ACCOUNT, redirect_uri(org, account, base, realm_name))
    client = await tx.clients.get_by_client_id(realm_id, client_id)
    if client is None:
        raise AdminError(400, CLIENT_MISSING)
    if not client.enabled:
        raise AdminError(400, CLIENT_DISABLED)
    if client.client_id == ACCOUNT:
        return Target(ACCOUNT, redirect_uri(org, client, base, realm_name))
    home = client_home(client, base) or redirect_uris.resolve(None, client, base)
    if home is None:
        raise AdminError(400, NO_REDIRECT)
    return Target(client.client_id, home)


def client_home(client: Client, base: str) -> str | None:
    """The client's home URL (``baseUrl``, resolved against its root URL), None when it has none."""
    home = effective_url(client, base)
    return home if home and home.strip() else None


def redirect_uri(org: Organization, account: Client | None, base: str, realm_name: str) -> str:
    """createToken for the ``account`` client: the organization's ``redirectUrl``, else the account client's home
    URL (resolveAccountClientBaseUrl, Keycloak 26.6), else the account console's URL."""
    if org.redirect_url and org.redirect_url.strip():
        return org.redirect_url
    home = client_home(account, base) if account is not None else None
    return home or account_console(base, realm_name)


def account_console(base: str, realm_name: str) -> str:
    """Where an invitee goes by default: the account console."""
    return f"{base}/realms/{realm_name}/account/"


def landing(uri: str | None, client: Client, base: str) -> str | None:
    """Where an invitation may send its invitee after joining (the token's ``reduri``, the organization's
    ``redirectUrl`` on the already-a-member page): ``uri`` when the link's client allows it as a
    redirect URI, through the one validator every redirect goes through (RedirectUtils.verifyRedirectUri,
    keycloak@5f8e11f2's OrganizationInvitationLinkTest malicious-redirect cases); None when it does not, and the
    invitee lands on the account console instead."""
    return redirect_uris.resolve(uri, client, base) if uri else None


def new_token(
    org: Organization, user_id: str, email: str, now: int, lifespan: int, to: Target, invitation_id: str
) -> ActionToken:
    """InviteOrgActionToken(userId, now + lifespan, email, clientId) with ``org_id`` and ``reduri``; its id is
    the stored invitation's (``token.id(invitation.getId())``), by which accepting it removes the invitation."""
    return action_tokens.new(
        action_tokens.INVITE_ORG,
        user_id,
        to.client_id,
        now,
        lifespan,
        email=email,
        redirect_uri=to.redirect_uri,
        org_id=org.id,
        token_id=invitation_id,
    )


def action_link(base: str, realm_name: str, key: str) -> str:
    """createInvitationLink: LoginActionsService.actionTokenProcessor with ``key``."""
    return f"{base}/realms/{realm_name}/login-actions/action-token?{urlencode({'key': key})}"


def registration_link(base: str, realm_name: str, key: str, client_id: str = ACCOUNT) -> str:
    """createRegistrationLink: the registrations endpoint for the invitation's client, the token as ``token``, and a
    fresh ``state`` (Keycloak 26.7's OrganizationInvitationLinkTest#testRegistrationLinkForNewUserCarriesState: the
    response is callback-shaped, so a client strips its ``code`` and ``state`` from the URL it lands on)."""
    query = urlencode({"response_type": "code", "client_id": client_id, "token": key, "state": str(uuid.uuid4())})
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
