"""Every server option, declared once: its flag, its documentation, its ``DOORKEEP_*`` environment variable,
its Keycloak spelling, its default and its ``--help`` heading.

``Settings`` is what the running server reads. Each field that an operator sets carries its ``Option`` in
the field's metadata; ``OPTIONS`` lists them with the options Keycloak has and Doorkeep only accepts
(``ACCEPTED_ONLY``). ``doorkeep.cli`` generates the click options (and so ``--help`` and the environment
variables) from this table, ``server.option_groups`` its headings, and ``server.keycloak_options`` maps
``KC_*`` variables and Keycloak's spellings onto the options it generated. This module stays free of
click: it is data.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from doorkeep import features
from doorkeep import vault as vaults
from doorkeep.event_metrics import UserEventMetrics

# The --help headings, in Keycloak's order; an option without one falls under "Other".
GROUPS: tuple[str, ...] = ("Cache", "Database", "Hostname", "HTTP(S)", "Health", "Management", "Metrics", "Proxy")
GROUPS += ("Vault",)
GROUPS += ("Logging", "Import", "Bootstrap Admin")
NO_CACHE = (
    "Accepted for Keycloak compatibility; no effect: Doorkeep keeps no session cache, every request reads the database."
)
OTHER_NO_EFFECT = "Accepted for Keycloak compatibility; no effect."


@dataclass(frozen=True)
class Option:
    """One command-line option of the server commands.

    ``kind`` names how the command line reads it (see ``doorkeep.cli``): ``text``, ``port``, ``count`` (an
    integer from 1), ``size`` (an integer from -1), ``bool``, ``choice``, ``file`` (a readable file),
    ``files`` (repeatable), ``duration`` (Keycloak's ``1s``, ``PT1M``), ``db_url``, ``log_level``, ``events``
    (comma-separated event types), ``param_sizes`` (repeatable ``NAME=CHARS``).
    ``keycloak`` is false for an option Keycloak does not have (its ``KC_*`` variable is still read).
    """

    flag: str
    help: str
    kind: str = "text"
    default: Any = None  # the command line's default, as --help shows it
    group: str = "Other"
    aliases: tuple[str, ...] = ()
    choices: tuple[str, ...] = ()
    param: str = ""  # the click parameter name when it is not the flag's (``--import-realm`` → import_realms)
    keycloak: bool = True
    secret: bool = False
    show_default: bool = False

    @property
    def name(self) -> str:
        """The click parameter name: ``--http-port`` → ``http_port``."""
        return self.param or self.flag.lstrip("-").replace("-", "_")

    @property
    def env(self) -> str:
        """``DOORKEEP_`` + the flag in upper snake case: ``--http-port`` → ``DOORKEEP_HTTP_PORT``."""
        return "DOORKEEP_" + self.flag.lstrip("-").upper().replace("-", "_")

    @property
    def keycloak_env(self) -> str | None:
        """Keycloak's variable for the same option (``KC_HTTP_PORT``), when Keycloak has it."""
        return "KC_" + self.flag.lstrip("-").upper().replace("-", "_") if self.keycloak else None


def _option(value: Any, flag: str, help: str, **declared: Any) -> Any:
    """A Settings field (default ``value``) with its option; the command line's default is ``value`` unless
    ``default=`` says otherwise (None: the command decides, e.g. start-dev's database under ./data/)."""
    declared.setdefault("default", value)
    return field(default=value, metadata={"option": Option(flag, help, **declared)})


def _cache_size(flag: str, what: str) -> Any:
    return _option(
        10000,
        flag,
        f"Keycloak: {what} kept in each node's memory. {NO_CACHE}",
        kind="size",
        group="Cache",
        show_default=True,
    )


def _lifespan(what: str) -> Any:
    flag = f"--spi-user-sessions-infinispan-offline-{what}-cache-entry-lifespan-override"
    aliases = (flag.replace("-infinispan-", "--infinispan--"), f"--offline-{what}-cache-lifespan-override")
    help = f"Keycloak: seconds an imported offline {what.replace('-', ' ')} stays in memory. {NO_CACHE}"
    return _option(
        None,
        flag,
        help,
        kind="size",
        group="Cache",
        aliases=aliases,
        param=f"offline_{what.replace('-', '_')}_cache_lifespan_override",
    )


OIDC_PREFIX = "--spi-login-protocol-openid-connect-"  # Keycloak's OIDCLoginProtocolFactory options
OIDC_PREFIX_NEW = "--spi-login-protocol--openid-connect--"  # the same in Keycloak 26's new SPI syntax
PARAM_SIZE_FLAG = "--oidc-req-params-max-size"  # Doorkeep's spelling of req-params-max-size--<name>


def _oidc(value: Any, name: str, help: str, kind: str = "bool") -> Any:
    """One option of Keycloak's OpenID Connect login protocol (OIDCProviderConfig), in both SPI spellings."""
    return _option(
        value,
        OIDC_PREFIX + name,
        help,
        kind=kind,
        aliases=(OIDC_PREFIX_NEW + name,),
        param="oidc_" + name.replace("-", "_"),
        show_default=True,
    )


KNOWN_FEATURES = tuple(features.KNOWN)  # the Keycloak feature names --features-disabled may name (features.py)
# Keycloak's X509ClientCertificateLookup providers (oauth/certificate_lookup.py) and each one's options.
X509_LOOKUP_PROVIDERS = ("default", "haproxy", "apache", "nginx", "envoy", "traefik")
_CHAIN_OPTIONS = ("ssl-client-cert", "ssl-cert-chain-prefix", "certificate-chain-length")
X509_LOOKUP_OPTION_NAMES: dict[str, tuple[str, ...]] = {
    "apache": _CHAIN_OPTIONS,
    "haproxy": _CHAIN_OPTIONS,
    "nginx": (*_CHAIN_OPTIONS, "trust-proxy-verification", "cert-is-url-encoded"),
    "traefik": ("ssl-client-cert",),
}
_X509_HELP = {
    "ssl-client-cert": "the request header holding the client's certificate",
    "ssl-cert-chain-prefix": "the prefix of the headers holding its chain (<prefix>_0, <prefix>_1, ...)",
    "certificate-chain-length": "how many chain headers are read (default 1)",
    "trust-proxy-verification": "true: certificates count only beside ssl-client-verify: SUCCESS",
    "cert-is-url-encoded": "false: the certificate is not URL-encoded ($ssl_client_cert; default true)",
}


@dataclass(frozen=True)
class Settings:
    """Server settings. Flag names follow Keycloak's (``--http-port`` ⇔ ``DOORKEEP_HTTP_PORT``)."""

    cache_offline_sessions_max_count: int = _cache_size(
        "--cache-embedded-offline-sessions-max-count", "offline user sessions"
    )
    cache_offline_client_sessions_max_count: int = _cache_size(
        "--cache-embedded-offline-client-sessions-max-count", "offline client sessions"
    )
    cache_sessions_max_count: int = _cache_size("--cache-embedded-sessions-max-count", "online user sessions")
    cache_client_sessions_max_count: int = _cache_size(
        "--cache-embedded-client-sessions-max-count", "online client sessions"
    )
    offline_session_cache_lifespan_override: int | None = _lifespan("session")
    offline_client_session_cache_lifespan_override: int | None = _lifespan("client-session")
    db_url: str = _option(
        "sqlite:///data/doorkeep.db",
        "--db-url",
        "Database URL: sqlite:///path or postgresql://user:pw@host/db.",
        kind="db_url",
        default=None,
        group="Database",
    )
    hostname: str | None = _option(
        None,
        "--hostname",
        "Address at which the server is exposed: a full URL (https://id.example.com/auth), which then fixes the "
        "scheme, host, port and path of the issuer and browser URLs, or just a hostname, which replaces the "
        "request's host only.",
        group="Hostname",
    )
    hostname_admin: str | None = _option(
        None,
        "--hostname-admin",
        "Address of the admin console, a full URL; needs --hostname as a full URL.",
        group="Hostname",
    )
    hostname_backchannel_dynamic: bool = _option(
        False,
        "--hostname-backchannel-dynamic",
        "Backchannel URLs (token, introspection, userinfo, certs, registration, PAR) follow each request's URL "
        "when it did not come to --hostname's; needs --hostname as a full URL.",
        kind="bool",
        group="Hostname",
        show_default=True,
    )
    hostname_debug: bool = _option(
        False,
        "--hostname-debug",
        "Serve the hostname debug page at /realms/{realm}/hostname-debug: the frontend, backchannel and admin "
        "URLs a request gets, the options and proxy headers they come from.",
        kind="bool",
        group="Hostname",
        show_default=True,
    )
    hostname_strict: bool | None = _option(
        None,
        "--hostname-strict",
        "Require --hostname (default: true for start, "
        "false for start-dev); false takes the base URL from each request's Host "
        "header.",
        kind="bool",
        group="Hostname",
    )
    http_relative_path: str = _option(
        "/",
        "--http-relative-path",
        "Path under which every endpoint is served (/auth: Keycloak's layout before 17); requests outside it "
        "answer 404, a GET of / redirects to it.",
        group="HTTP(S)",
        show_default=True,
    )
    http_host: str = _option("127.0.0.1", "--http-host", "Address to listen on.", group="HTTP(S)", show_default=True)
    http_port: int = _option(8080, "--http-port", "Port to listen on.", kind="port", group="HTTP(S)", show_default=True)
    http_enabled: bool = _option(
        True,
        "--http-enabled",
        "Allow plain HTTP on a non-loopback address (a proxy terminates TLS).",
        kind="bool",
        default=None,
        group="HTTP(S)",
    )
    https_certificate_file: str | None = _option(
        None, "--https-certificate-file", "PEM certificate for HTTPS.", kind="file", group="HTTP(S)"
    )
    https_certificate_key_file: str | None = _option(
        None, "--https-certificate-key-file", "PEM private key for HTTPS.", kind="file", group="HTTP(S)"
    )
    http_access_log_enabled: bool = _option(
        False,
        "--http-access-log-enabled",
        "Log one line per HTTP request (uvicorn's access log, query values masked).",
        kind="bool",
        group="HTTP(S)",
        show_default=True,
    )
    http_accept_non_normalized_paths: bool = _option(
        False,
        "--http-accept-non-normalized-paths",
        "If the server should accept paths that are not normalized according to RFC3986 or that contain a double "
        "slash ('//') or semicolon (';'). While accepting those requests might be relevant for legacy "
        "applications, it is recommended to disable it to allow for more concise URL filtering. Keycloak "
        "deprecates it.",
        kind="bool",
        group="HTTP(S)",
        show_default=True,
    )
    workers: int = _option(
        1,
        "--workers",
        "Worker processes (PostgreSQL only).",
        kind="count",
        group="HTTP(S)",
        keycloak=False,
        show_default=True,
    )
    shutdown_delay: float = _option(
        1.0,
        "--shutdown-delay",
        "After SIGTERM, keep serving this long (readiness reports DOWN) before closing the listener.",
        kind="duration",
        default="1s",
        group="HTTP(S)",
        show_default=True,
    )
    shutdown_timeout: float = _option(
        1.0,
        "--shutdown-timeout",
        "After the listener closes, how long in-flight requests get to finish before the process exits.",
        kind="duration",
        default="1s",
        group="HTTP(S)",
        show_default=True,
    )
    health_enabled: bool = _option(
        False,
        "--health-enabled",
        "Serve /health, /health/started, /health/live and /health/ready on the management interface "
        "(--http-management-port). The main port serves them whatever this says (Keycloak 26 answers 404 there).",
        kind="bool",
        group="Health",
        show_default=True,
    )
    http_management_port: int = _option(
        9000,
        "--http-management-port",
        "Port of the management interface, which serves health (--health-enabled) and metrics "
        "(--metrics-enabled); it is open when either is on, unless --legacy-observability-interface. Its TLS is "
        "the main port's.",
        kind="port",
        group="Management",
        show_default=True,
    )
    http_management_relative_path: str | None = _option(
        None,
        "--http-management-relative-path",
        "Path of the management interface's endpoints (/management: /management/health/ready); a GET of / on "
        "its port redirects to it. Default: --http-relative-path.",
        group="Management",
    )
    http_management_host: str | None = _option(
        None,
        "--http-management-host",
        "Address the management interface listens on. Default: --http-host.",
        group="Management",
    )
    http_management_health_enabled: bool = _option(
        True,
        "--http-management-health-enabled",
        "Serve health on the management interface; false leaves it to the main port only.",
        kind="bool",
        group="Management",
        show_default=True,
    )
    legacy_observability_interface: bool = _option(
        False,
        "--legacy-observability-interface",
        "No management interface: health and metrics only on the main port (Keycloak deprecates this).",
        kind="bool",
        group="Management",
        show_default=True,
    )
    metrics_enabled: bool = _option(
        False,
        "--metrics-enabled",
        "Serve Prometheus metrics at /metrics, on the management interface and the main port (with --workers N: "
        "multiprocess mode).",
        kind="bool",
        group="Metrics",
        show_default=True,
    )
    event_metrics_user_enabled: bool = _option(
        False,
        "--event-metrics-user-enabled",
        "Count user events (login, code_to_token, refresh_token, ... and their errors) in the "
        "keycloak_user_events_total metric; needs --metrics-enabled.",
        kind="bool",
        group="Metrics",
        show_default=True,
    )
    event_metrics_user_tags: tuple[str, ...] = _option(
        ("realm",),
        "--event-metrics-user-tags",
        "Comma-separated tags of keycloak_user_events_total besides event and error: realm, idp, clientId. Only "
        "'realm' by default, to keep the number of series low.",
        kind="metric_tags",
        default=None,
        group="Metrics",
    )
    event_metrics_user_events: tuple[str, ...] | None = _option(
        None,
        "--event-metrics-user-events",
        "Comma-separated user events counted (lower case, without _error: login, refresh_token, ...); every event "
        "when unset.",
        kind="metric_events",
        group="Metrics",
    )
    proxy_headers: str | None = _option(
        None,
        "--proxy-headers",
        "Trust Forwarded or X-Forwarded-* headers from a reverse proxy "
        "(xforwarded: X-Forwarded-Host, -Proto, -Port and -Prefix).",
        kind="choice",
        choices=("forwarded", "xforwarded"),
        group="Proxy",
    )
    proxy_trusted_addresses: tuple[str, ...] = _option(
        (),
        "--proxy-trusted-addresses",
        "Comma-separated IPs or CIDRs of the proxies whose headers count; by default every peer's.",
        default=None,
        group="Proxy",
    )
    log_level: str = _option(
        "info",
        "--log-level",
        "Level of Doorkeep's and uvicorn's logs (off, fatal, error, warn, info, debug, trace, all; any case), "
        "optionally with categories as Keycloak: info,doorkeep.web:debug. Keycloak's --log-level-<category>=<level> "
        "(KC_LOG_LEVEL_<CATEGORY>) sets one category over it. Database drivers stay at warning.",
        kind="log_level",
        group="Logging",
        show_default=True,
    )
    log_format: str = _option(
        "text",
        "--log-format",
        "Format of every log line, Doorkeep's and uvicorn's: text, or "
        "json (one JSON object per line); --log-console-output is Keycloak's spelling (default "
        "= text).",
        kind="choice",
        choices=("text", "json", "default"),
        group="Logging",
        aliases=("--log-console-output",),
        keycloak=False,
        show_default=True,
    )
    features_disabled: str | None = _option(
        None,
        "--features-disabled",
        "Comma-separated Keycloak features to turn off: impersonation (users/{id}/impersonation answers 501 "
        '"Feature not enabled"), ciba, par, device-flow (their endpoints and grants answer as Keycloak\'s do '
        "without them), recovery-codes (no recovery authentication codes are asked, set up or listed), "
        "client-secret-rotation (a client's rotated secret no longer authenticates it), jwt-authorization-grant (the "
        "urn:ietf:params:oauth:grant-type:jwt-bearer grant is unsupported_grant_type).",
        kind="features",
    )
    features: str | None = _option(
        None,
        "--features",
        "Comma-separated Keycloak features to turn on that are off unless named: resource-indicators (RFC 8707's "
        "resource parameter narrows the access token's audience, as Keycloak's experimental feature). Other names "
        "are ignored with a warning.",
        kind="features_enabled",
    )
    import_realms: tuple[str, ...] = _option(
        (),
        "--import-realm",
        "Import a Keycloak realm JSON file at start (repeatable); existing realms are skipped.",
        kind="files",
        param="import_realms",
        default=None,
        group="Import",
    )
    bootstrap_admin_username: str | None = _option(
        None,
        "--bootstrap-admin-username",
        "Username of the master realm's first admin, created on the first start (start-dev: admin).",
        group="Bootstrap Admin",
    )
    bootstrap_admin_password: str | None = _option(
        None,
        "--bootstrap-admin-password",
        "Its password (start-dev: admin); prefer the environment variable to the command line.",
        group="Bootstrap Admin",
        secret=True,
    )
    client_searchable_attributes: tuple[str, ...] = _option(
        (),
        "--spi-client-jpa-searchable-attributes",
        "Comma-separated client attributes the admin API's client search (GET clients?q=key:value) may name, "
        "besides the ones Keycloak always allows.",
        default=None,
        aliases=("--spi-client--jpa--searchable-attributes",),
    )
    group_searchable_attributes: tuple[str, ...] = _option(
        (),
        "--spi-group-jpa-searchable-attributes",
        "Comma-separated group attributes the admin API's group search (GET groups?q=key:value) matches; "
        "other keys are left out of the search. None: every key is matched.",
        default=None,
        aliases=("--spi-group--jpa--searchable-attributes",),
    )
    user_profile_read_only_attributes: tuple[str, ...] = _option(
        (),
        "--spi-user-profile-declarative-user-profile-read-only-attributes",
        "Comma-separated user attributes no user may change (the Account API, the login's profile pages), besides "
        "Keycloak's built-in ones (LDAP_ID, KERBEROS_PRINCIPAL, ...); a trailing * makes a name a prefix.",
        default=None,
        aliases=("--spi-user-profile--declarative-user-profile--read-only-attributes",),
    )
    cors_allowed_headers: tuple[str, ...] = _option(
        (),
        "--spi-cors-default-allowed-headers",
        "Comma-separated request headers every CORS preflight allows besides Keycloak's default ones "
        "(DefaultCorsFactory's allowedHeaders), e.g. tracing headers a JavaScript app sends.",
        default=None,
        aliases=("--spi-cors--default--allowed-headers",),
    )
    cookie_prefix: str = _option(
        "",
        "--spi-cookie-default-cookie-prefix",
        "A prefix to every cookie's name (KC26_: KC26_AUTH_SESSION_ID, ...), so that two servers on one host keep "
        "their cookies apart; cookies without it are not read. Empty: Keycloak's names.",
        aliases=("--spi-cookie--default--cookie-prefix",),
    )
    user_profile_admin_read_only_attributes: tuple[str, ...] = _option(
        (),
        "--spi-user-profile-declarative-user-profile-admin-read-only-attributes",
        "Comma-separated user attributes no administrator may change through the admin API, besides Keycloak's "
        "built-in ones; a trailing * makes a name a prefix.",
        default=None,
        aliases=("--spi-user-profile--declarative-user-profile--admin-read-only-attributes",),
    )
    auth_sessions_limit: int = _option(
        300,
        "--spi-authentication-sessions-infinispan-auth-sessions-limit",
        "Most logins in progress (tabs) one browser's root authentication session keeps; a new tab beyond it "
        "drops the oldest (Keycloak's authSessionsLimit).",
        kind="count",
        aliases=("--spi-authentication-sessions--infinispan--auth-sessions-limit",),
        show_default=True,
    )
    password_blacklists_path: str | None = _option(
        None,
        "--spi-password-policy-password-blacklist-blacklists-path",
        "The folder of the password denylists a realm's passwordBlacklist(<file>) policy names (one password a "
        "line, compared in lower case). Unset: data/password-blacklists under the working directory.",
        aliases=("--spi-password-policy--password-blacklist--blacklists-path",),
    )
    password_blacklists_check_interval: int = _option(
        60,
        "--spi-password-policy-password-blacklist-check-interval-seconds",
        "Seconds between two looks at a password denylist file for changes (it is read again when its size or "
        "modification time changed); 0: never.",
        kind="size",
        aliases=("--spi-password-policy--password-blacklist--check-interval-seconds",),
        show_default=True,
    )
    x509cert_lookup_provider: str = _option(
        "default",
        "--spi-x509cert-lookup-provider",
        "Where a mutual TLS client certificate comes from: default (nowhere: Doorkeep terminates no client TLS, "
        "so no client authenticates by certificate), or the headers of the TLS-terminating proxy in front of it: "
        "haproxy, apache, nginx, envoy, traefik (docs/operations.md). Only then are those headers trusted.",
        kind="choice",
        choices=X509_LOOKUP_PROVIDERS,
        aliases=("--spi-x509cert-lookup--provider",),
        group="Proxy",
        show_default=True,
    )
    vault: str | None = _option(
        None,
        "--vault",
        "Enables a vault provider: file (one file a secret, under --vault-dir) or keystore (the secret entries of a "
        "PKCS12 keystore, --vault-file). A ${vault.<key>} client secret, identity provider client secret or SMTP "
        "password is then read from it at each use (docs/keycloak-configuration.md).",
        kind="choice",
        choices=("file", "keystore"),
        group="Vault",
    )
    vault_dir: str | None = _option(
        None,
        "--vault-dir",
        "If set, secrets can be obtained by reading the content of files within the given directory "
        "(--vault=file; the file of ${vault.key} in realm R is R_key, an underscore in R or key doubled).",
        group="Vault",
    )
    vault_file: str | None = _option(
        None, "--vault-file", "Path to the keystore file (--vault=keystore).", group="Vault"
    )
    vault_pass: str | None = _option(
        None, "--vault-pass", "Password for the vault keystore (--vault=keystore).", group="Vault", secret=True
    )
    vault_type: str = _option(
        "PKCS12",
        "--vault-type",
        "Specifies the type of the keystore file; Doorkeep reads PKCS12.",
        group="Vault",
        show_default=True,
    )
    vault_key_resolvers: str | None = _option(
        None,
        "--spi-vault-file-key-resolvers",
        "The vault's key resolvers, comma-separated, tried in order: REALM_UNDERSCORE_KEY (the default: "
        "<realm>_<key>), KEY_ONLY (<key>), REALM_FILESEPARATOR_KEY (<realm>/<key>). Unknown names are skipped.",
        aliases=(
            "--spi-vault--file--key-resolvers",
            "--spi-vault-keystore-key-resolvers",
            "--spi-vault--keystore--key-resolvers",
        ),
        group="Vault",
    )
    ciba_auth_channel_uri: str | None = _option(
        None,
        "--spi-ciba-auth-channel-ciba-http-auth-channel-http-authentication-channel-uri",
        "Where CIBA backchannel authentication requests go: the authentication device's HTTP endpoint, POSTed "
        "JSON with a bearer token (Keycloak's ciba-http-auth-channel). Unset: every CIBA request answers 503.",
        aliases=("--spi-ciba-auth-channel--ciba-http-auth-channel--http-authentication-channel-uri",),
    )
    email_sender_enabled: bool = _option(
        True,
        "--spi-email-sender-default-enabled",
        "Keycloak's switch for its SMTP e-mail sender. false: nothing is mailed; every e-mail fails with "
        "'Email sender provider is disabled or not configured' (a realm update carrying SMTP settings and "
        "testSMTPConnection answer 400 with it, a sign-in page's e-mail records it as the _ERROR event's reason).",
        kind="bool",
        show_default=True,
        aliases=("--spi-email-sender--default--enabled",),
    )
    email_include_events: tuple[str, ...] | None = _option(
        None,
        "--spi-events-listener-email-include-events",
        "Comma-separated user event types (any case) the realms' email event listener mails to the user (a realm "
        "lists it as 'email' among its event listeners; the user needs a verified e-mail address, the realm SMTP "
        "settings). Unset: LOGIN_ERROR, UPDATE_PASSWORD, REMOVE_TOTP, UPDATE_TOTP, UPDATE_CREDENTIAL, "
        "REMOVE_CREDENTIAL. A type the email theme has no template for sends nothing.",
        kind="events",
        aliases=("--spi-events-listener--email--include-events",),
    )
    email_exclude_events: tuple[str, ...] = _option(
        (),
        "--spi-events-listener-email-exclude-events",
        "Comma-separated user event types the email event listener does not mail, taken out of the included ones.",
        kind="events",
        default=None,
        aliases=("--spi-events-listener--email--exclude-events",),
    )
    oidc_allow_client_initiated_account_linking: bool = _oidc(
        False,
        "allow-client-initiated-account-linking",
        "Serve the legacy client-initiated account linking endpoint (/realms/{realm}/broker/{alias}/link); off, it "
        "answers 404 as in Keycloak 26.7.2+. Deprecated by Keycloak: use kc_action=idp_link.",
    )
    oidc_allow_oidc_params_in_redirect_uris: bool = _oidc(
        False,
        "allow-oidc-params-in-redirect-uris",
        "Accept a redirect_uri or post_logout_redirect_uri that carries a response parameter (state, code, "
        "session_state, ...), refused by default since Keycloak 26.7.3; the client attribute "
        "allow.oidc.params.in.redirect.uris does it for one client. Deprecated by Keycloak.",
    )
    oidc_allow_initiating_idp_logout_param: bool = _oidc(
        False,
        "allow-initiating-idp-logout-param",
        "Honour logout's initiating_idp parameter (no logout at that identity provider), ignored by default "
        "since Keycloak 26.8. Deprecated by Keycloak.",
    )
    oidc_allow_multiple_audiences_for_jwt_client_authentication: bool = _oidc(
        False,
        "allow-multiple-audiences-for-jwt-client-authentication",
        "Accept a client assertion (private_key_jwt, client_secret_jwt) naming several audiences, one of them the "
        "realm's. Deprecated by Keycloak.",
    )
    oidc_allow_token_introspection_without_audience_check: bool = _oidc(
        False,
        "allow-token-introspection-without-audience-check",
        "Let any authenticated client introspect any token, as before Keycloak 26.6.2; by default a token whose "
        "aud lacks the calling client is inactive to it (the client attribute "
        "allow.token.introspection.without.audience.check lifts that for one caller). Warned about on every such "
        "request. Deprecated by Keycloak.",
    )
    oidc_allow_userinfo_with_lightweight_access_token: bool = _oidc(
        False,
        "allow-userinfo-with-lightweight-access-token",
        "Let the userinfo endpoint take lightweight access tokens, as before Keycloak 26.6.2 (by default 401; the "
        "issuing client's attribute allow.userinfo.with.lightweight.access.token lifts it for its tokens). Warned "
        "about on every such request. Deprecated by Keycloak.",
    )
    oidc_req_params_default_max_size: int = _oidc(
        4000,
        "req-params-default-max-size",
        "Most characters of an authorization or token request parameter (login_hint: 255); a longer one is "
        "ignored (or refused with add-req-params-fail-fast).",
        kind="size",
    )
    oidc_req_token_params_default_max_size: int = _oidc(
        20000,
        "req-token-params-default-max-size",
        "Most characters of a token request parameter carrying a token (refresh_token, subject_token, "
        "actor_token); a longer one is refused (or ignored without add-req-token-params-fail-fast).",
        kind="size",
    )
    oidc_req_params_max_sizes: tuple[str, ...] = _option(
        (),
        PARAM_SIZE_FLAG,
        "NAME=CHARS (repeatable): the most characters of request parameter NAME, overriding the defaults above; "
        "Keycloak's --spi-login-protocol--openid-connect--req-params-max-size--NAME=CHARS (and its KC_SPI_* "
        "variable) is read as this.",
        kind="param_sizes",
        default=None,
        keycloak=False,
    )
    oidc_add_req_params_max_number: int = _oidc(
        5,
        "add-req-params-max-number",
        "Keycloak: most additional (non-standard) authorization request parameters kept in the client session. "
        "Accepted for Keycloak compatibility; no effect: Doorkeep keeps no additional parameters.",
        kind="size",
    )
    oidc_add_req_params_max_size: int = _oidc(
        2000,
        "add-req-params-max-size",
        "Keycloak: most characters of one additional request parameter. Accepted for Keycloak compatibility; no "
        "effect: Doorkeep keeps no additional parameters.",
        kind="size",
    )
    oidc_add_req_params_max_overall_size: int = _oidc(
        2147483647,
        "add-req-params-max-overall-size",
        "Keycloak: most characters of all additional request parameters together. Accepted for Keycloak "
        "compatibility; no effect: Doorkeep keeps no additional parameters.",
        kind="size",
    )
    oidc_add_req_params_fail_fast: bool = _oidc(
        False,
        "add-req-params-fail-fast",
        "Refuse an authorization or token request whose parameter is longer than its limit (invalid_request) "
        "instead of ignoring the parameter.",
    )
    oidc_add_req_token_params_fail_fast: bool = _oidc(
        True,
        "add-req-token-params-fail-fast",
        "Refuse a token request whose token parameter is longer than its limit (invalid_request); false ignores "
        "the parameter instead.",
    )
    # Not options: set by the command (dev_mode), or fixed until someone needs them changed.
    x509cert_lookup_options: dict[str, str] = field(default_factory=dict)  # "nginx-ssl-client-cert" → value
    dev_mode: bool = False
    max_body_bytes: int = 1_048_576
    session_cleaner_interval: int = 900
    # The periodic sync of OpenID Connect providers from their discovery documents (broker/well_known_refresh.py);
    # Keycloak's interval was not in its stored source: a day, 0 off.
    idp_well_known_sync_interval: int = 86400
    extra: dict[str, str] = field(default_factory=dict)

    def configured_vault(self) -> vaults.Vault:
        """The vault --vault and its options describe (vault.configured); VaultConfigError when Keycloak would
        not start with them."""
        return vaults.configured(
            self.vault, self.vault_dir, self.vault_file, self.vault_pass, self.vault_type, self.vault_key_resolvers
        )

    def user_event_metrics(self) -> UserEventMetrics | None:
        """What keycloak_user_events_total counts (event_metrics.py); None unless metrics and user event metrics
        are both on."""
        if not (self.metrics_enabled and self.event_metrics_user_enabled):
            return None
        chosen = self.event_metrics_user_events
        return UserEventMetrics(tuple(self.event_metrics_user_tags), None if chosen is None else frozenset(chosen))

    def feature_disabled(self, feature: str) -> bool:
        """Is ``feature`` named in --features-disabled (Keycloak's Profile.isFeatureEnabled, negated)?"""
        return feature in self.disabled_features()

    def enabled_features(self) -> frozenset[str]:
        """The opt-in features --features turns on (features.py), ``resource-indicators:v1`` read as the bare name."""
        return features.parse_enabled(self.features)[0]

    def disabled_features(self) -> frozenset[str]:
        """The features --features-disabled names (features.py), ``ciba:v1`` read as ``ciba``."""
        return features.parse(self.features_disabled)[0]


def _other_size(flag: str, what: str) -> Option:
    return Option(flag, f"Keycloak: {what} kept in memory. {OTHER_NO_EFFECT}", kind="size", group="Cache")


# Keycloak's other local caches: accepted so a Keycloak start command starts Doorkeep; they set nothing.
# (Doorkeep's configuration cache, store/config_cache.py, is per realm and invalidated by version stamp.)
ACCEPTED_ONLY = (
    _other_size("--cache-embedded-realms-max-count", "realms, clients, roles and groups"),
    _other_size("--cache-embedded-users-max-count", "users"),
    _other_size("--cache-embedded-keys-max-count", "external public keys"),
    _other_size("--cache-embedded-authorization-max-count", "authorization-services entries"),
    _other_size("--cache-embedded-crl-max-count", "X.509 revocation lists"),
)


def _x509_option(provider: str, name: str) -> Option:
    """One provider's lookup option, in Keycloak 26's two spellings; it lands in x509cert_lookup_options."""
    flag = f"--spi-x509cert-lookup-{provider}-{name}"
    return Option(
        flag,
        f"The {provider} client certificate lookup: {_X509_HELP[name]}.",
        group="Proxy",
        aliases=(f"--spi-x509cert-lookup--{provider}--{name}",),
    )


X509_LOOKUP_OPTIONS = tuple(_x509_option(p, n) for p, names in X509_LOOKUP_OPTION_NAMES.items() for n in names)
# Which Settings field each option sets (the cache sizes' flags are Keycloak's, the fields shorter).
FIELD_OF = {f.metadata["option"].name: f.name for f in fields(Settings) if "option" in f.metadata}
_SETTINGS_OPTIONS = tuple(f.metadata["option"] for f in fields(Settings) if "option" in f.metadata)
OPTIONS: tuple[Option, ...] = (*_SETTINGS_OPTIONS[:4], *ACCEPTED_ONLY, *_SETTINGS_OPTIONS[4:], *X509_LOOKUP_OPTIONS)


def option(name: str) -> Option:
    """The option whose click parameter is ``name``."""
    return next(o for o in OPTIONS if o.name == name)
