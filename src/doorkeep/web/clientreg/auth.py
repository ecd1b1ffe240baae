"""Who is registering, viewing, updating or deleting a client (Keycloak's ClientRegistrationAuth).

No token: an anonymous registration. An initial access token with uses left: an authenticated one. A bearer
access token of this realm: authenticated with ``create-client`` or ``manage-clients`` (view: also
``view-clients``), else 403. A registration access token: the client whose stored id it names, with the
registration kind it carries. Then the realm's client registration policies for that kind have their say.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from doorkeep.admin.permissions import Grantor
from doorkeep.clientreg import policies
from doorkeep.clientreg import tokens as rt
from doorkeep.clientreg.tokens import RegistrationError, Verified, unauthorized
from doorkeep.errors import AdminError, OAuthError
from doorkeep.model import Client, InitialAccess, Realm
from doorkeep.oauth import access, client_auth
from doorkeep.oauth.context import Form
from doorkeep.tokens import TYPE_BEARER
from doorkeep.web.admin.auth import AdminIdentity, identity_of
from doorkeep.web.http import client_ip, issuer, oauth_request, state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

FORBIDDEN = RegistrationError(403, "insufficient_scope", "Forbidden", "not_allowed")
CLIENT_NOT_FOUND = RegistrationError(404, "invalid_request", "Client not found", "client_not_found")
WRONG_PROTOCOL = AdminError(400, "invalid_client", key="error", description="Wrong client protocol.")
NOT_VIEW = "Not authorized to view client. Not valid token or client credentials provided."
NOT_UPDATE = "Not authorized to update client. Maybe missing token or bad token type."


def _bearer(header: str | None) -> str | None:
    """The bearer token of the header, as ClientRegistrationAuth.init reads it through AppAuthManager: the scheme
    ``Bearer`` in any case, one space and a token without spaces; anything else (two spaces, a tab, no token) is
    no token at all, so the call is anonymous (ClientRegistrationAuthTest)."""
    presented = access.presentation(header)
    return presented.token if presented is not None and presented.scheme.lower() == "bearer" else None


@dataclass
class RegistrationAuth:
    """One request's caller, as ClientRegistrationAuth.init found it."""

    request: Request
    tx: Tx
    realm: Realm
    provider: str  # "default", "openid-connect" or "install"
    token: str | None = None
    verified: Verified | None = None
    initial: InitialAccess | None = None
    event_client: str | None = None  # the clientId the success event names, once known
    event_kind: str = policies.ANONYMOUS  # the kind whose policies judged the call
    secret_masked: bool = False  # a bearer token that may view but not manage clients (requireView)

    @property
    def issuer(self) -> str:
        return issuer(self.request, self.realm.name)

    def _is(self, typ: str) -> bool:
        return self.verified is not None and self.verified.type == typ

    @property
    def bearer(self) -> bool:
        """An access token of this realm (an administrator's, once its roles are checked)."""
        return self._is(TYPE_BEARER)

    @property
    def initial_access(self) -> bool:
        return self._is(rt.TYPE_INITIAL_ACCESS)

    @property
    def registration_access(self) -> bool:
        return self._is(rt.TYPE_REGISTRATION_ACCESS)

    @property
    def claims(self) -> dict[str, Any]:
        return self.verified.claims if self.verified is not None else {}

    def registration_kind(self) -> str:
        """getRegistrationAuth: the kind a registration access token carries."""
        kind = str(self.claims.get(rt.REGISTRATION_AUTH, "")).lower()
        return policies.AUTHENTICATED if kind == policies.AUTHENTICATED else policies.ANONYMOUS

    def policy_request(self, kind: str, rep: dict[str, Any]) -> policies.Request:
        return policies.Request(self.realm, kind, client_ip(self.request), rep)

    async def _identity(self) -> AdminIdentity | None:
        """The bearer token's holder as an administrator of this realm; None when it cannot be resolved (its
        session gone, the user disabled)."""
        try:
            valid = await access.holder(self.tx, state(self.request).services, self.realm, self.claims)
        except access.InvalidAccess:
            return None
        return await identity_of(self.tx, valid.user, self.realm, valid.client, valid.claims.get("scope"))

    async def _has_role(self, *roles: str) -> bool:
        """hasRole: the bearer token's holder holds one of these realm-management roles here; any failure
        to resolve the holder is "no"."""
        identity = await self._identity()
        return identity is not None and any(identity.can(self.realm, role) for role in roles)

    async def grantor(self) -> Grantor | None:
        """The caller as the admin-role rule sees them (doorkeep.admin.permissions): a bearer token's holder;
        None for a registration or initial access token, or no token, which hand out no admin role."""
        if not self._is(TYPE_BEARER):
            return None
        identity = await self._identity()
        return identity.grantor if identity is not None else None

    async def _check_protocol(self, client: Client | None) -> None:
        """checkClientProtocol: the OpenID Connect endpoint serves OpenID Connect clients only."""
        if self.provider == "openid-connect" and client is not None and client.protocol != "openid-connect":
            raise WRONG_PROTOCOL

    async def _token_client(self) -> Client | None:
        return await self.tx.clients.get_by_client_id(self.realm.id, str(self.claims.get("azp", "")))

    def _holds(self, client: Client | None) -> bool:
        """The registration access token is the client's current one, and not one the ``default`` provider
        issued presented to the ``openid-connect`` provider (DcrSsfPrivilegeEscalationTest)."""
        if self.provider == "openid-connect" and self.claims.get(rt.REGISTRATION_PROVIDER) == "default":
            return False
        return (
            client is not None
            and client.registration_token is not None
            and (client.registration_token == self.claims.get("jti"))
        )

    async def require_create(self, rep: dict[str, Any]) -> str:
        """requireCreate: the registration's kind, once its token and the policies allow it."""
        kind = policies.ANONYMOUS
        if self._is(TYPE_BEARER):
            if not await self._has_role("manage-clients", "create-client"):
                raise FORBIDDEN
            kind = policies.AUTHENTICATED
        elif self.initial is not None:
            if self.initial.remaining_count <= 0:
                raise unauthorized("No remaining count on initial access token")
            if self.initial.expired(state(self.request).services.clock.now()):
                raise unauthorized("Expired initial access token")
            kind = policies.AUTHENTICATED
        self.event_kind = kind
        await policies.before_register(self.tx, self.policy_request(kind, rep))
        return kind

    async def _authenticate_client(self, client: Client | None) -> bool:
        """authenticatePublicClient: a public client needs nothing; a confidential one must authenticate itself
        through the client authenticators (its id and secret, a client assertion) as that very client."""
        if client is None:
            return False
        if client.public_client:
            return True
        try:
            found = await client_auth.authenticate_client(self.tx, oauth_request(self.request, self.realm, Form([])))
        except OAuthError:
            raise unauthorized("Failed to authenticate client") from None
        if found.client_id != client.client_id:
            raise unauthorized("Different client authenticated")
        await self._check_protocol(found)
        return True

    async def require_view(self, client: Client | None, *, allow_public_client: bool = False) -> str:
        """requireView: the kind whose policies then look at the caller. ``allow_public_client`` (the adapter
        installation provider): without a token, the client itself may look (authenticatePublicClient)."""
        kind: str | None = None
        if self._is(TYPE_BEARER):
            await self._check_protocol(await self._token_client())
            if not await self._has_role("manage-clients", "view-clients"):
                raise FORBIDDEN
            if client is None:
                raise CLIENT_NOT_FOUND
            kind = policies.AUTHENTICATED
            # CVE-2026-89298 (#52692): view-clients alone sees the secret masked; manage-clients and the
            # client's registration access token see it (ClientRegistrationSecretVisibilityTest)
            self.secret_masked = not await self._has_role("manage-clients")
        elif self.registration_access:
            if self._holds(client):
                await self._check_protocol(client)
                kind = self.registration_kind()
        elif self.initial_access:
            raise unauthorized("Not initial access token allowed")
        elif self.token is None and allow_public_client and await self._authenticate_client(client):
            kind = policies.AUTHENTICATED
        if kind is None or client is None:
            raise unauthorized(NOT_VIEW)
        self.event_kind = kind
        await policies.before_view_or_delete(self.tx, self.policy_request(kind, {}))
        return kind

    async def require_update(self, client: Client | None) -> tuple[str, Client]:
        """requireUpdateAuth (the policies' checks on the change are the provider's, once it has read it)."""
        if self._is(TYPE_BEARER):
            await self._check_protocol(await self._token_client())
            if not await self._has_role("manage-clients"):
                raise FORBIDDEN
            if client is None:
                raise CLIENT_NOT_FOUND
            return policies.AUTHENTICATED, client
        if self.registration_access and client is not None and self._holds(client):
            return self.registration_kind(), client
        raise unauthorized(NOT_UPDATE)


async def authenticate(request: Request, tx: Tx, realm: Realm, provider: str) -> RegistrationAuth:
    """ClientRegistrationAuth.init: no bearer header is anonymous; a token must verify (401 otherwise), and an
    initial access token must name a record of this realm."""
    auth = RegistrationAuth(request, tx, realm, provider)
    token = _bearer(request.headers.get("authorization"))
    if token is None:
        return auth
    auth.token = token
    previous = tx.config.bind(realm)  # the realm's cached keys: a token naming an unknown kid reads none again
    try:
        auth.verified = await rt.verify(tx, state(request).services, realm.id, auth.issuer, token)
    finally:
        tx.config.bind(previous)
    if auth.initial_access:
        auth.initial = await tx.initial_access.get(realm.id, str(auth.claims.get("jti", "")))
        if auth.initial is None:
            raise unauthorized("Initial Access Token not found")
    return auth
