"""The domain as frozen dataclasses. Storage returns these; the protocol core consumes them."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import Any, NamedTuple

JSON = dict[str, Any]


@dataclass(frozen=True)
class Realm:
    """A realm and every setting the protocol reads (KEYCLOAK.md §5.1 defaults)."""

    id: str
    name: str
    enabled: bool = True
    display_name: str | None = None
    # The theme names (RealmRepresentation loginTheme, accountTheme, adminTheme, emailTheme): kept and shown, unused.
    login_theme: str | None = None
    account_theme: str | None = None
    admin_theme: str | None = None
    email_theme: str | None = None
    ssl_required: str = "external"
    default_signature_algorithm: str = "RS256"
    access_token_lifespan: int = 300
    access_token_lifespan_for_implicit_flow: int = 900
    access_code_lifespan: int = 60
    access_code_lifespan_user_action: int = 300
    access_code_lifespan_login: int = 1800
    sso_session_idle_timeout: int = 1800
    sso_session_max_lifespan: int = 36000
    sso_session_idle_timeout_remember_me: int = 0
    sso_session_max_lifespan_remember_me: int = 0
    offline_session_idle_timeout: int = 2592000
    offline_session_max_lifespan_enabled: bool = False
    offline_session_max_lifespan: int = 5184000
    client_session_idle_timeout: int = 0
    client_session_max_lifespan: int = 0
    client_offline_session_idle_timeout: int = 0
    client_offline_session_max_lifespan: int = 0
    revoke_refresh_token: bool = False
    refresh_token_max_reuse: int = 0
    not_before: int = 0
    remember_me: bool = False
    events_enabled: bool = False
    events_expiration: int = 0  # seconds; 0 keeps events forever
    enabled_event_types: tuple[str, ...] = ()  # empty: Keycloak's saved-by-default types
    events_listeners: tuple[str, ...] = ("jboss-logging",)
    admin_events_enabled: bool = False
    admin_events_details_enabled: bool = False
    registration_allowed: bool = False
    registration_email_as_username: bool = False  # users are named by their e-mail (admin create and update too)
    login_with_email_allowed: bool = True
    duplicate_emails_allowed: bool = False
    reset_password_allowed: bool = False
    verify_email: bool = False
    edit_username_allowed: bool = False
    brute_force_protected: bool = False
    # Brute Force Detection (Keycloak's RealmRepresentation names and defaults; see users/brute_force.py).
    permanent_lockout: bool = False
    max_temporary_lockouts: int = 0
    brute_force_strategy: str = "MULTIPLE"  # or "LINEAR"
    max_failure_wait_seconds: int = 900
    minimum_quick_login_wait_seconds: int = 60
    wait_increment_seconds: int = 60
    quick_login_check_milli_seconds: int = 1000
    max_delta_time_seconds: int = 43200
    failure_factor: int = 30
    # Brute force lockout by user property (users/brute_force_keys.py): USER, PROPERTIES or ANY; the properties
    # counted; the failures that lock a property's counter (None: ``failure_factor``). A policy never set counts
    # as USER; only a set one adds the per-property ``properties`` to the attack-detection status.
    brute_force_lock_policy: str | None = None
    brute_force_protected_user_properties: tuple[str, ...] = ()
    brute_force_property_failure_factor: int | None = None
    # OAuth 2.0 Device Authorization Grant (Keycloak's OAuth2DeviceConfig; per-client attributes override them).
    oauth2_device_code_lifespan: int = 600
    oauth2_device_polling_interval: int = 5
    # Action tokens (RealmModel's lifespans): 12 hours for the admin's e-mails (execute-actions-email); for the
    # user's own, None follows ``access_code_lifespan_user_action`` as Keycloak's RealmAdapter getter does.
    action_token_generated_by_admin_lifespan: int = 43200
    action_token_generated_by_user_lifespan: int | None = None
    user_managed_access_allowed: bool = False  # stored and shown; Doorkeep has no UMA to allow
    organizations_enabled: bool = False  # organizationsEnabled: opens admin/realms/{r}/organizations
    internationalization_enabled: bool = False
    supported_locales: tuple[str, ...] = ()
    default_locale: str | None = None
    # Keycloak's policy string (``length(8) and digits(1)``), kept as given; None: no policy (users/password_policy.py)
    password_policy: str | None = None
    # The OTP policy (Keycloak's OTPPolicy; see users/otp.py): what new OTP credentials are made with.
    otp_policy_type: str = "totp"  # or "hotp"
    otp_policy_algorithm: str = "HmacSHA1"  # HmacSHA256, HmacSHA512
    otp_policy_initial_counter: int = 0
    otp_policy_digits: int = 6
    otp_policy_look_ahead_window: int = 1
    otp_policy_period: int = 30
    otp_policy_code_reusable: bool = False
    # The WebAuthn policies (users/webauthn_policy.py): the representation's ``webAuthnPolicy*`` fields, defaults
    # filled in; empty: Keycloak's defaults.
    webauthn_policies: JSON = field(default_factory=dict)
    # Keycloak's ``smtpServer`` map (host, port, from, fromDisplayName, replyTo, envelopeFrom, ssl, starttls, auth,
    # user, password, ...), string values as RealmModel.getSmtpConfig keeps them (email/smtp.py reads it). The
    # admin API never shows the password (representations.mask_smtp_secrets).
    smtp_server: dict[str, str] = field(default_factory=dict)
    # ``browserSecurityHeaders`` as the realm's representation last gave it; a missing key has Keycloak's default
    # (realms/browser_headers.py).
    browser_security_headers: dict[str, str] = field(default_factory=dict)
    # The registered required actions (realms/required_actions.py), RequiredActionProviderRepresentations with
    # their ids; None until the realm changes them: Keycloak's defaults.
    required_action_providers: tuple[JSON, ...] | None = None
    # The realm's authentication flows (realms/flow_model.py), each with its executions, and the authenticator
    # configs; None until an admin writes one: Keycloak's built-in set, computed. ``flow_bindings``: binding
    # (``browserFlow`` ...) -> flow id where it is not the built-in flow of that name.
    authentication_flows: tuple[JSON, ...] | None = None
    authenticator_configs: tuple[JSON, ...] = ()
    flow_bindings: dict[str, str] = field(default_factory=dict)
    # The realm's own localization texts, by locale then key (realms/localization.py): Keycloak's
    # RealmModel.getRealmLocalizationTexts, set through the admin API's ``localization`` resource or an import.
    localization_texts: dict[str, dict[str, str]] = field(default_factory=dict)
    # The realm's identity providers (broker/providers.py): IdentityProviderRepresentations as the admin API
    # stored them, each with its ``internalId``, in the order they were added.
    identity_providers: tuple[JSON, ...] = ()
    # Their mappers (broker/idp_mapper_types.py): IdentityProviderMapperRepresentations, in the order added.
    identity_provider_mappers: tuple[JSON, ...] = ()
    # The default role's id once its name may differ from ``default-roles-<realm>`` (realms/default_role.py); None:
    # found by that name. Written only by RealmRepo.set_default_role, never by a realm update.
    default_role_id: str | None = None
    # Advanced by clear-keys-cache through any process (RealmRepo.clear_keys_cache): a process reading another value
    # drops the JWK sets it fetched (oauth/client_keys.py). Not what the realm is: left out of equality.
    keys_cache_epoch: int = field(default=0, compare=False)
    # What the caches of each process go by (store/config_cache.py), not what the realm is: left out of equality.
    config_version: int = field(default=0, compare=False)  # bumped by the store on every client, scope or role change
    # advanced by triggers on every write to a user, its role mappings or its groups
    user_version: int = field(default=0, compare=False)
    attributes: JSON = field(default_factory=dict)


@dataclass(frozen=True)
class ProtocolMapper:
    """A protocol mapper of a client or client scope (Keycloak's ProtocolMapperModel)."""

    id: str
    name: str
    mapper: str  # the type, Keycloak's ``protocolMapper`` (e.g. ``oidc-audience-mapper``)
    protocol: str = "openid-connect"
    config: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Group:
    """A group; ``path`` is ``/parent/child`` (Keycloak's ``ModelToRepresentation.buildGroupPath``)."""

    id: str
    realm_id: str
    name: str
    parent_id: str | None = None
    path: str = ""
    description: str | None = None
    attributes: dict[str, list[str]] = field(default_factory=dict)


# The client authenticators Doorkeep runs (oauth/client_auth.py), in the order of Keycloak's "clients" flow.
CLIENT_AUTHENTICATORS = ("client-secret", "client-jwt", "client-secret-jwt", "client-x509", "federated-jwt")
# The client attribute federated-jwt finds its client by (FederatedJWTClientAuthenticator.JWT_CREDENTIAL_SUBJECT_KEY):
# the client's id at the identity provider that signs its assertions; the store indexes it (its hash).
CLIENT_CREDENTIAL_SUBJECT = "jwt.credential.sub"


@dataclass(frozen=True)
class Client:
    """An OIDC client. ``attributes`` holds Keycloak's string-valued client attributes."""

    id: str
    realm_id: str
    client_id: str
    name: str | None = None
    description: str | None = None
    enabled: bool = True
    secret: str | None = None
    # The one authenticator its confidential client authenticates with (ClientModel.getClientAuthenticatorType):
    # client-secret, client-jwt, client-secret-jwt, client-x509; any other id is kept, and nothing authenticates it.
    client_authenticator_type: str = "client-secret"
    public_client: bool = False
    bearer_only: bool = False
    protocol: str = "openid-connect"
    root_url: str | None = None
    base_url: str | None = None
    admin_url: str | None = None
    redirect_uris: tuple[str, ...] = ()
    web_origins: tuple[str, ...] = ()
    standard_flow_enabled: bool = True
    implicit_flow_enabled: bool = False
    direct_access_grants_enabled: bool = False
    service_accounts_enabled: bool = False
    consent_required: bool = False
    full_scope_allowed: bool = True
    always_display_in_console: bool = False
    frontchannel_logout: bool = False  # Keycloak's ClientEntity default: import, built-in clients, admin create
    not_before: int = 0
    attributes: JSON = field(default_factory=dict)
    protocol_mappers: tuple[ProtocolMapper, ...] = ()  # stored in their own table
    # The id (``jti``) of the one registration access token that manages this client through the client
    # registration service (Keycloak's ClientModel.getRegistrationToken); a new one voids the old.
    registration_token: str | None = None
    # authenticationFlowBindingOverrides: ``browser`` / ``direct_grant`` -> flow id (realms/flow_support.py)
    flow_overrides: dict[str, str] = field(default_factory=dict)

    def attr(self, key: str, default: str = "") -> str:
        value = self.attributes.get(key)
        return default if value is None else str(value)

    def attr_bool(self, key: str, default: bool = False) -> bool:
        value = self.attributes.get(key)
        if value is None or value == "":
            return default
        return str(value).lower() == "true"


@dataclass(frozen=True)
class InitialAccess:
    """An initial access token's record (Keycloak's ClientInitialAccessModel): the token itself is a JWT
    naming this id, never stored. ``expiration`` 0 never expires; each registration spends one of ``count``."""

    id: str
    realm_id: str
    timestamp: int  # epoch seconds
    expiration: int  # seconds after ``timestamp``
    count: int
    remaining_count: int

    def expired(self, now: int) -> bool:
        return self.expiration != 0 and self.timestamp + self.expiration <= now


@dataclass(frozen=True)
class Role:
    id: str
    realm_id: str
    name: str
    client_id: str | None = None  # the owning client's UUID for a client role
    description: str | None = None
    composite: bool = False
    attributes: JSON = field(default_factory=dict)


@dataclass(frozen=True)
class ClientScope:
    id: str
    realm_id: str
    name: str
    description: str | None = None
    protocol: str = "openid-connect"
    attributes: JSON = field(default_factory=dict)
    protocol_mappers: tuple[ProtocolMapper, ...] = ()  # stored in their own table

    @property
    def include_in_token_scope(self) -> bool:
        return str(self.attributes.get("include.in.token.scope", "true")).lower() == "true"


@dataclass(frozen=True)
class User:
    id: str
    realm_id: str
    username: str
    enabled: bool = True
    email: str | None = None
    email_verified: bool = False
    first_name: str | None = None
    last_name: str | None = None
    created_timestamp: int = 0  # ms
    not_before: int = 0
    service_account_client_id: str | None = None
    attributes: JSON = field(default_factory=dict)
    required_actions: tuple[str, ...] = ()
    # A MANAGED member of a disabled organization, or of any organization while the realm's organizations are
    # off (Keycloak 26's UserStorageManager.isReadOnlyOrganizationMember): read back disabled (``enabled`` False)
    # and read-only. Computed by the store on every read, never stored; the stored ``enabled`` is left as it is.
    read_only: bool = False


@dataclass(frozen=True)
class FederatedIdentity:
    """A user's link to one identity provider of the realm (Keycloak's FederatedIdentityModel)."""

    user_id: str
    alias: str
    federated_user_id: str | None
    federated_username: str | None = None
    token: str | None = None  # the provider's token response, kept when the provider's ``storeToken`` is on


@dataclass(frozen=True)
class LoginFailure:
    """Keycloak's UserLoginFailure: one user's recent failed logins (``last_failure`` in ms)."""

    realm_id: str
    user_id: str
    num_failures: int = 0
    num_temporary_lockouts: int = 0
    last_failure: int = 0
    last_ip_failure: str | None = None
    failed_login_not_before: int = 0  # epoch seconds; locked until then


UPDATE_PASSWORD = "UPDATE_PASSWORD"


def with_password_update(user: User, required: bool) -> User:
    """The user with the UPDATE_PASSWORD required action added (a temporary password) or removed."""
    others = tuple(a for a in user.required_actions if a != UPDATE_PASSWORD)
    actions = (*others, UPDATE_PASSWORD) if required else others
    return user if actions == user.required_actions else dataclasses.replace(user, required_actions=actions)


@dataclass(frozen=True)
class Credential:
    id: str
    user_id: str
    type: str
    secret_data: JSON
    credential_data: JSON
    created_date: int  # ms
    user_label: str | None = None


@dataclass(frozen=True)
class PasswordRetention:
    """What a password update keeps of the user's previous hashes (PasswordCredentialProvider.createCredential): the
    ``newest`` ones (``passwordHistory(N)``'s N-1) and, with ``passwordAge(D)`` above 0, every one created since
    ``since`` (ms: the update's time less D days). The old hash moves to the history when either keeps any."""

    newest: int = 0
    since: int | None = None

    @property
    def moves(self) -> bool:
        return self.newest > 0 or self.since is not None


NO_HISTORY = PasswordRetention()  # no policy keeps a previous password


class SessionView(NamedTuple):
    """What the admin API shows of a user session (UserSessionRepresentation), read without the rest of the row.

    The field names are UserSession's, so a renderer takes either. ``notes`` are read for offline sessions only
    (their device label); an online session's are left empty. A named tuple: a user's thousand sessions are
    built per read, and a frozen dataclass's ``__init__`` was a sixth of that read's cost (issue #8)."""

    id: str
    user_id: str
    offline: bool
    login_username: str
    ip_address: str
    remember_me: bool
    started: int
    last_session_refresh: int
    notes: JSON


@dataclass(frozen=True)
class UserSession:
    """An online or offline user session; an offline one shares the id of the online one it came from."""

    id: str
    realm_id: str
    user_id: str
    offline: bool
    login_username: str
    ip_address: str
    auth_method: str
    remember_me: bool
    started: int
    last_session_refresh: int
    broker_session_id: str | None = None
    notes: JSON = field(default_factory=dict)

    @property
    def auth_time(self) -> int:
        """When the user last gave credentials: Keycloak's ``AUTH_TIME`` note, rewritten by a re-authentication
        that joins the session (``prompt=login``, ``max_age``), else the session's start."""
        noted = self.notes.get(AUTH_TIME_NOTE)
        return int(noted) if isinstance(noted, str | int) and str(noted).isdigit() else self.started


AUTH_TIME_NOTE = "AUTH_TIME"  # Keycloak's AuthenticationManager.AUTH_TIME user-session note
ISSUER_NOTE = "iss"  # Keycloak's OIDCLoginProtocol.ISSUER client-session note
# Keycloak's AdapterConstants.CLIENT_SESSION_STATE / CLIENT_SESSION_HOST: the adapter's own session id and host,
# sent with the code (keycloak-connect, the Java adapters) and noted on the client session
ADAPTER_STATE_NOTE = "client_session_state"
ADAPTER_HOST_NOTE = "client_session_host"


@dataclass(frozen=True)
class ClientSession:
    """One client's part of a user session (online or offline)."""

    user_session_id: str
    offline: bool
    client_id: str  # the client's UUID
    started: int
    timestamp: int
    redirect_uri: str | None = None
    notes: JSON = field(default_factory=dict)

    @property
    def scope_param(self) -> str:
        return str(self.notes.get("scope", ""))

    @property
    def issuer(self) -> str | None:
        """The realm issuer the client logged in at (noted at login; absent on sessions from before)."""
        value = self.notes.get(ISSUER_NOTE)
        return value if isinstance(value, str) and value else None

    @property
    def adapter_session(self) -> str | None:
        """The adapter's session id its code exchange or refresh sent as ``client_session_state``, if any."""
        value = self.notes.get(ADAPTER_STATE_NOTE)
        return value if isinstance(value, str) else None


@dataclass(frozen=True)
class RefreshFamily:
    """Rotation bookkeeping of one ``reuse_id`` family inside a client session (KEYCLOAK.md §6.3)."""

    reuse_key: str
    current_jti: str | None
    use_count: int
    last_refresh: int
    latest_jti: str | None
    # The newest token's iat and exp (None: no exp), so a retry inside the grace period gets it again
    # (issue #13), and whether this chain was revoked on reuse; None iat: minted before migration 0011.
    latest_iat: int | None = None
    latest_exp: int | None = None
    revoked: bool = False


@dataclass(frozen=True)
class Consent:
    user_id: str
    client_id: str  # the client's UUID
    granted_scopes: tuple[str, ...]  # client scope ids
    created_date: int  # ms
    last_updated_date: int  # ms


@dataclass(frozen=True)
class RealmKey:
    """A signing key of a realm. ``private`` never leaves the server."""

    kid: str
    realm_id: str
    algorithm: str
    use: str
    status: str  # "active", "passive" or "disabled" (keys/components.py derives it from ``config``)
    public_pem: str | None
    private: str  # PEM for asymmetric keys, base64url secret for HMAC
    created: int
    priority: int = 100
    # The Keycloak key-provider component that holds the key (one key per component, as Keycloak's
    # generated and imported providers have): its id, name, provider id and the config it was given
    # (only the provider's declared properties; the key material lives in ``private``/``public_pem``).
    component_id: str = ""
    name: str = ""
    provider_id: str = ""
    config: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class RegistrationPolicy:
    """A client registration policy: a Keycloak component of type ``ClientRegistrationPolicy`` whose
    ``sub_type`` ("anonymous" or "authenticated") says which registrations it judges
    (clientreg/policy_components.py). ``position`` keeps the order they were added in, the order they run."""

    id: str
    realm_id: str
    name: str
    provider_id: str
    sub_type: str | None
    config: dict[str, list[str]] = field(default_factory=dict)
    position: int = 0


@dataclass(frozen=True)
class AuthSession:
    """A browser login in progress in one tab (Keycloak's AuthenticationSessionModel): ``id`` is its ``tab_id``,
    ``root_id`` the browser's root authentication session that the AUTH_SESSION_ID cookie names, so that every
    tab of a browser keeps a login of its own."""

    id: str
    realm_id: str
    client_id: str
    form_token: str
    request: JSON
    user_id: str | None
    expires: int
    step: str = "authenticate"  # what the flow accepts next: authenticate, otp, a required action or consent
    # Keycloak's auth notes: what a later step needs (the OTP step's remember-me box, the TOTP setup's secret)
    notes: JSON = field(default_factory=dict)
    root_id: str = ""  # the AUTH_SESSION_ID cookie's value; "" stands for ``id`` (a login of one tab)
    started: int = 0  # the tab's creation (AuthenticationSessionEntity.timestamp)
    # the root's last step (RootAuthenticationSessionEntity.timestamp): each login action's lifespan runs from it
    step_time: int = 0

    @property
    def root(self) -> str:
        """The root authentication session this tab belongs to."""
        return self.root_id or self.id


@dataclass(frozen=True)
class StoredCode:
    """An authorization code as stored (by hash); ``used`` makes it single-use."""

    realm_id: str
    client_id: str
    user_session_id: str
    data: JSON
    expires: int
    used: bool


DEVICE_PENDING, DEVICE_APPROVED, DEVICE_DENIED = "pending", "approved", "denied"


@dataclass(frozen=True)
class DeviceCode:
    """A device authorization (RFC 8628 §3.2) as stored; the device and user codes are keys, kept as hashes.

    ``expires`` is when the codes stop working (``expired_token``); the row is kept until ``keep_until``
    (Keycloak keeps it ``interval + 10`` seconds longer) so a late poll still learns that, not ``invalid_grant``.
    Polling before ``next_poll`` is ``slow_down``."""

    realm_id: str
    client_id: str  # the client's UUID
    scope: str
    expires: int
    interval: int
    keep_until: int
    status: str = DEVICE_PENDING
    user_session_id: str | None = None
    next_poll: int = 0
    data: JSON = field(default_factory=dict)  # nonce, code_challenge, code_challenge_method


@dataclass(frozen=True)
class Event:
    """A user event (Keycloak's Event): what happened, when (ms), through which client, to whom."""

    id: str
    realm_id: str
    time: int  # ms
    type: str
    client_id: str | None = None  # the clientId, not the UUID
    user_id: str | None = None
    session_id: str | None = None
    ip_address: str | None = None
    error: str | None = None
    details: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SessionEnded:
    """A client of a user session that ended and is to be told after commit: by a logout token at its backchannel
    logout URL, or, with none but an admin URL and an adapter session noted, by Keycloak's LogoutAction naming
    that adapter session (``adapter_session``) at ``{adminUrl}/k_logout``."""

    realm_id: str
    user_id: str
    session_id: str
    client: Client
    issuer: str | None = None  # the client session's issuer note: the logout token's ``iss``
    # All of the user's sessions with this client ended at once (an admin logout of the user, more than one session
    # with the client): one logout token, without ``sid``, covers them (keycloak#22914)
    every_session: bool = False
    adapter_session: str | None = None  # the client session's ADAPTER_STATE_NOTE, for a LogoutAction
    adapter_host: str | None = None  # its ADAPTER_HOST_NOTE: ``${application.session.host}`` in the admin URL


@dataclass(frozen=True)
class PushedRequest:
    """A pushed authorization request (RFC 9126): who pushed it, its form (first values), when."""

    realm_id: str
    client_id: str  # the pushing client's internal id
    params: dict[str, str]
    created: int


def pushed_request_digest(key: str) -> str:
    """How a pushed request's id is kept (its store row, the login that began with it): the SHA-256 of the id in
    its ``request_uri``, which is what lets a browser start the login."""
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
