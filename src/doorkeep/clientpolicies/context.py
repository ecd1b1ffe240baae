"""What a client policy run looks at (Keycloak's ClientPolicyContext and its events) and how it refuses
(ClientPolicyException)."""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeAlias

if TYPE_CHECKING:
    from doorkeep.oauth.context import Form


Params: TypeAlias = "Form | Mapping[str, str]"
"""The request's parameters (first values)."""


class Event(enum.Enum):
    """ClientPolicyEvent: the points where Doorkeep runs the policies."""

    REGISTER = "REGISTER"
    UPDATE = "UPDATE"
    # after the client is written (AdminClientRegisteredContext, AdminClientUpdatedContext and its
    # ClientSecretRotationContext, DynamicClientUpdatedContext): the executors may still change it
    REGISTERED = "REGISTERED"
    UPDATED = "UPDATED"
    UNREGISTER = "UNREGISTER"  # before an administrator deletes a client (AdminClientUnregisterContext)
    # AuthorizationEndpoint.process, before the client is checked and the request parsed (secure-par-content)
    PRE_AUTHORIZATION_REQUEST = "PRE_AUTHORIZATION_REQUEST"
    AUTHORIZATION_REQUEST = "AUTHORIZATION_REQUEST"
    PUSHED_AUTHORIZATION_REQUEST = "PUSHED_AUTHORIZATION_REQUEST"
    TOKEN_REQUEST = "TOKEN_REQUEST"
    TOKEN_REFRESH = "TOKEN_REFRESH"
    RESOURCE_OWNER_PASSWORD_CREDENTIALS_REQUEST = "RESOURCE_OWNER_PASSWORD_CREDENTIALS_REQUEST"
    SERVICE_ACCOUNT_TOKEN_REQUEST = "SERVICE_ACCOUNT_TOKEN_REQUEST"
    TOKEN_INTROSPECT = "TOKEN_INTROSPECT"
    TOKEN_REVOKE = "TOKEN_REVOKE"
    USERINFO_REQUEST = "USERINFO_REQUEST"
    LOGOUT_REQUEST = "LOGOUT_REQUEST"
    BACKCHANNEL_AUTHENTICATION_REQUEST = "BACKCHANNEL_AUTHENTICATION_REQUEST"  # CIBA (oauth/ciba/endpoint.py)
    BACKCHANNEL_TOKEN_REQUEST = "BACKCHANNEL_TOKEN_REQUEST"  # CIBA's grant (oauth/grants/ciba.py)
    DEVICE_AUTHORIZATION_REQUEST = "DEVICE_AUTHORIZATION_REQUEST"  # DeviceEndpoint (oauth/device_authorization.py)
    DEVICE_TOKEN_REQUEST = "DEVICE_TOKEN_REQUEST"  # DeviceGrantType (oauth/grants/device_code.py)
    # TokenExchangeGrantType, once StandardTokenExchangeProvider supports the request (oauth/grants/token_exchange.py)
    TOKEN_EXCHANGE_REQUEST = "TOKEN_EXCHANGE_REQUEST"
    # JWTAuthorizationGrantType, once the assertion's user is found, before its audience is checked
    # (oauth/grants/jwt_authorization.py, JWTAuthorizationGrantContext)
    JWT_AUTHORIZATION_GRANT = "JWT_AUTHORIZATION_GRANT"
    # Keycloak 26.8 (issue #50131, pull request #50205): the admin API's protocol mapper CRUD on a client (not on a
    # client scope), ClientProtocolMapperContext; its user and group role mappings, RoleMapperAssignmentContext; a
    # client's or client scope's scope mappings, ClientScopeMappingContext; a client's key pair and certificate
    # generated or uploaded, ClientCertificateContext
    REGISTER_PROTOCOL_MAPPER = "REGISTER_PROTOCOL_MAPPER"
    UPDATE_PROTOCOL_MAPPER = "UPDATE_PROTOCOL_MAPPER"
    UNREGISTER_PROTOCOL_MAPPER = "UNREGISTER_PROTOCOL_MAPPER"
    REGISTER_ROLE_MAPPING = "REGISTER_ROLE_MAPPING"
    UNREGISTER_ROLE_MAPPING = "UNREGISTER_ROLE_MAPPING"
    REGISTER_SCOPE_MAPPING = "REGISTER_SCOPE_MAPPING"
    UNREGISTER_SCOPE_MAPPING = "UNREGISTER_SCOPE_MAPPING"
    UPDATE_CLIENT_CERTIFICATE = "UPDATE_CLIENT_CERTIFICATE"


ADMIN_CRUD_EVENTS = frozenset(
    {
        Event.REGISTER_PROTOCOL_MAPPER,
        Event.UPDATE_PROTOCOL_MAPPER,
        Event.UNREGISTER_PROTOCOL_MAPPER,
        Event.REGISTER_ROLE_MAPPING,
        Event.UNREGISTER_ROLE_MAPPING,
        Event.UPDATE_CLIENT_CERTIFICATE,
    }
)
"""The admin API's events besides a client's own CRUD that are ClientPolicyCRUDContexts: the updater conditions
judge the administrator."""
ADMIN_EVENTS = ADMIN_CRUD_EVENTS | {Event.REGISTER_SCOPE_MAPPING, Event.UNREGISTER_SCOPE_MAPPING}
"""Every such admin event: the client conditions judge the target client (a realm role's mapping has none, and a
scope mapping's context carries none: they abstain)."""


# ClientUpdaterContextConditionFactory's sources
BY_ANONYMOUS = "ByAnonymous"
BY_INITIAL_ACCESS_TOKEN = "ByInitialAccessToken"
BY_REGISTRATION_ACCESS_TOKEN = "ByRegistrationAccessToken"
BY_AUTHENTICATED_USER = "ByAuthenticatedUser"


class ClientPolicyViolation(Exception):
    """ClientPolicyException: ``error`` is the OAuth error code, ``description`` Keycloak's detail."""

    def __init__(self, error: str, description: str, status: int = 400) -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status  # getErrorStatus: 400 but where an executor asks for another (holder-of-key's 401)


@dataclasses.dataclass(frozen=True)
class ClientFacts:
    """What the conditions and executors read of a stored client."""

    public: bool
    bearer_only: bool
    client_id: str = ""  # the clientId (jwt-authorization-grant-audience's key)
    dpop_bound: bool = False  # "dpop.bound.access.tokens" (OIDCAdvancedConfigWrapper.isUseDPoP)
    consent_required: bool = False
    full_scope_allowed: bool = True
    role_names: frozenset[str] = frozenset()
    default_scopes: frozenset[str] = frozenset()
    optional_scopes: frozenset[str] = frozenset()
    attributes: Mapping[str, str] = dataclasses.field(default_factory=dict)
    protocol: str = "openid-connect"
    secret_expires: bool = False  # "client.secret.expiration.time" set (hasClientSecretExpirationTime)
    standard_flow: bool = True  # standardFlowEnabled
    implicit_flow: bool = False  # implicitFlowEnabled
    # the default client scopes left out of a token's ``scope`` (include.in.token.scope false): downscope's
    default_scopes_outside_token: frozenset[str] = frozenset()


@dataclasses.dataclass(frozen=True)
class UpdaterFacts:
    """Who registers or updates a client (REGISTER, UPDATE), as the client-updater-source-* conditions see them:
    the user (the administrator, or the subject of a registration's bearer token) when they belong to the realm,
    and where the request comes from."""

    group_paths: frozenset[str] = frozenset()  # the user's own groups, as paths (``/top``, ``/top/sub``)
    role_names: frozenset[str] = frozenset()  # every role the user has, ``name`` or ``clientId.name``
    remote_addr: str | None = None
    # each trusted host of the realm's client-updater-source-host conditions with the addresses it resolves to,
    # and the remote address's host name when a ``*.domain`` entry needs it (None: unknown)
    resolved_hosts: Mapping[str, frozenset[str]] = dataclasses.field(default_factory=dict)
    remote_hostname: str | None = None


@dataclasses.dataclass(frozen=True)
class RequestFacts:
    """What the FAPI executors (executors_fapi.py) read of a protocol request besides its parameters: the HTTP
    form (a token or pushed authorization request: ``client_assertion``), the query as sent (authorization
    request: ``context.getRequestParameters()``), the request object read from it (the session attributes
    AUTHZ_REQUEST_OBJECT and AUTHZ_REQUEST_OBJECT_ENCRYPTED), the realm's issuer URL (Urls.realmIssuer), the
    client's certificate chain (mTLS), and, at PRE_AUTHORIZATION_REQUEST, the names of the pushed request's
    parameters (None: no pushed request found)."""

    form: Params | None = None
    query: Params | None = None
    request_object: Mapping[str, Any] | None = None
    request_object_encrypted: bool = False
    issuer: str = ""
    certificates: tuple[Any, ...] = ()
    pushed_names: frozenset[str] | None = None


@dataclasses.dataclass
class PolicyContext:
    """ClientPolicyContext. ``proposed`` (REGISTER, UPDATE) is the client representation sent, which
    auto-configuring executors change in place; ``client`` the stored client (None at REGISTER)."""

    event: Event
    client: ClientFacts | None = None
    proposed: dict[str, Any] | None = None
    updater: str | None = None
    updater_facts: UpdaterFacts | None = None
    params: Params = dataclasses.field(default_factory=dict)
    scope: str | None = None  # the requested scope (authorization request) or the session's (token request)
    implicit_or_hybrid: bool = False
    dpop_proof: bool = False
    requested_acr: tuple[str, ...] = ()  # AcrUtils.getAcrValues of an authorization request
    # what the executors of executors_uris.py and executors_session.py read: the server's base URL a relative
    # redirect URI without a root URL resolves against (RedirectUtils.resolveValidRedirects); the HTTP method of a
    # logout request; at AUTHORIZATION_REQUEST the verified redirect URI
    base_url: str | None = None
    http_method: str | None = None
    redirect_uri: str | None = None
    # set by dpop-bind-enforcer (DPOP_BINDING_ONLY_REFRESH_TOKEN_SESSION_ATTRIBUTE): the proof binds the refresh
    # token only, the access token stays a Bearer one
    bind_only_refresh_token: bool = False
    # set by use-lightweight-access-token (the session attribute USE_LIGHTWEIGHT_ACCESS_TOKEN_ENABLED): the access
    # tokens of this request are lightweight, as if the client's attribute asked for it
    lightweight_access_token: bool = False
    # REGISTERED and UPDATED: the written client's ``secret`` and ``attributes``, which secret-rotation changes in
    # place; ``rotating_from`` the secret a regeneration replaced (ClientSecretRotationContext's current secret);
    # ``new_secret`` makes a secret (KeycloakModelUtils.generateSecret)
    now: int = 0
    target: dict[str, Any] | None = None
    rotating_from: str | None = None
    dynamic: bool = False  # written through the client registration service (DynamicClientUpdatedContext)
    new_secret: Callable[[], str] | None = None
    # set by secret-rotation whenever it runs for a confidential client (the session attribute
    # CLIENT_SECRET_ROTATION_ENABLED), and on a request of a client without an expiry, the expiry to give it
    secret_rotation_enabled: bool = False
    secret_expiration: int | None = None
    request: RequestFacts = RequestFacts()  # the FAPI executors' view of a protocol request
    # BACKCHANNEL_AUTHENTICATION_REQUEST (BackchannelAuthenticationRequestContext): the request's binding message
    # (form or request object), the signed request object's claims when one was read, the realm's issuer
    backchannel: Backchannel | None = None

    # set by auth-flow-enforcer at an authorization request (the REQUESTED_AUTHENTICATION_FLOW and
    # AUTHENTICATION_FLOW_LEVEL_OF_AUTHENTICATION auth notes): the browser flow to run, and the level it grants
    auth_flow_alias: str | None = None
    auth_flow_loa: int | None = None

    # set by downscope-assertion-grant-enforcer at a token exchange (TokenExchangeContext.setRestrictedScopes):
    # the only client scopes the exchanged token may carry
    restricted_scopes: frozenset[str] | None = None
    # JWT_AUTHORIZATION_GRANT (JWTAuthorizationGrantContext): the alias of the provider the assertion's issuer names;
    # set by jwt-authorization-grant-audience, the assertion's audience is one it allows (setAudienceAlreadyValidated)
    identity_provider: str | None = None
    audience_validated: bool = False

    # REGISTER_PROTOCOL_MAPPER and UPDATE_PROTOCOL_MAPPER (ClientProtocolMapperContext.getProposedProtocolMappers):
    # the mapper representations sent; at these and at REGISTER and UPDATE, the target client's stored mappers by
    # id, their config (ProtocolMapperPolicyValidator's container lookup)
    proposed_mappers: tuple[dict[str, Any], ...] | None = None
    stored_mappers: Mapping[str, Mapping[str, str]] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass(frozen=True)
class Backchannel:
    """What the CIBA executors read of a backchannel authentication request."""

    binding_message: str | None = None
    signed: Mapping[str, Any] | None = None
    issuer: str = ""
    client_id: str = ""  # the client's clientId, which the request object's ``iss`` must be
