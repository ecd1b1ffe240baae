"""The OpenID Connect protocol with an identity provider (Keycloak's AbstractOAuth2IdentityProvider,
OIDCIdentityProvider and KeycloakOIDCIdentityProvider): the authorization request Doorkeep sends the browser
to, the code exchanged at the provider's token endpoint, the ID token checked, the userinfo read, and the
brokered identity made of them (BrokeredIdentityContext).

No HTTP framework here; the calls to the provider go out with httpx, never inside a database transaction.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import secrets
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote_plus, urlencode

from doorkeep.broker import claim_filter, client_assertion, forwarding, jwe_input, social
from doorkeep.broker.calls import BrokerError as BrokerError  # re-exported: the callers catch oidc.BrokerError
from doorkeep.broker.calls import bounded_json, call
from doorkeep.broker.token_checks import KeyLookup as KeyLookup
from doorkeep.broker.token_checks import id_token_claims as id_token_claims
from doorkeep.broker.token_checks import jws_payload
from doorkeep.broker.token_checks import token_claims as token_claims
from doorkeep.model import JSON
from doorkeep.oauth import pkce
from doorkeep.oauth.auth_request import AuthRequest
from doorkeep.vault import Vault


@dataclass(frozen=True)
class Config:
    """What the login needs of an IdentityProviderRepresentation (OIDCIdentityProviderConfig)."""

    alias: str
    provider_id: str
    client_id: str
    client_secret: str = field(repr=False)
    authorization_url: str
    token_url: str
    userinfo_url: str
    jwks_url: str
    issuer: str
    default_scope: str
    client_auth_method: str
    validate_signature: bool
    use_jwks_url: bool
    pkce: bool
    pkce_method: str
    disable_userinfo: bool
    disable_nonce: bool
    login_hint: bool
    prompt: str
    clock_skew: int
    trust_email: bool
    store_token: bool
    add_read_token_role: bool = False  # addReadTokenRoleOnCreate: a user the first broker login creates may read it
    allow_admin_role_mapping: bool = False  # allowAdminRoleMapping: its mappers may hand out admin roles
    sync_mode: str = "LEGACY"  # IdentityProviderModel.getSyncMode: IMPORT, LEGACY or FORCE, LEGACY when unset
    extra: JSON = field(default_factory=dict)
    # private_key_jwt: the realm's key the client assertion is signed with (``with_client_key``), and the realm's
    # accessCodeLifespan, the assertion's lifetime
    assertion_key: client_assertion.RealmKey | None = None
    assertion_lifespan: int = 60

    @staticmethod
    def of(provider: JSON) -> Config:
        c = provider.get("config") or {}

        def flag(key: str, default: bool = False) -> bool:
            value = c.get(key)
            return default if value is None else str(value).lower() == "true"

        skew = str(c.get("allowedClockSkew") or "0")
        c = {**c, **social.endpoints(provider["providerId"], c)}
        return Config(
            alias=provider["alias"],
            provider_id=provider["providerId"],
            client_id=c.get("clientId", ""),
            client_secret=c.get("clientSecret", ""),
            authorization_url=c.get("authorizationUrl", ""),
            token_url=c.get("tokenUrl", ""),
            userinfo_url=c.get("userInfoUrl", ""),
            jwks_url=c.get("jwksUrl", ""),
            issuer=c.get("issuer", ""),
            default_scope=c.get("defaultScope", ""),
            client_auth_method=c.get("clientAuthMethod", "client_secret_post"),
            validate_signature=flag("validateSignature"),
            use_jwks_url=flag("useJwksUrl", True),
            pkce=flag("pkceEnabled"),
            pkce_method=c.get("pkceMethod") or "plain",
            disable_userinfo=flag("disableUserInfo"),
            disable_nonce=flag("disableNonce"),
            login_hint=flag("loginHint"),
            prompt=c.get("prompt", ""),
            clock_skew=int(skew) if skew.isdigit() else 0,
            trust_email=bool(provider.get("trustEmail")),
            store_token=bool(provider.get("storeToken")),
            add_read_token_role=bool(provider.get("addReadTokenRoleOnCreate")),
            allow_admin_role_mapping=flag("allowAdminRoleMapping"),
            sync_mode=str(c.get("syncMode") or "LEGACY"),
            extra=dict(c),
        )

    @property
    def oauth2_only(self) -> bool:
        """A provider that answers no ID token (broker/social.py): who the user is comes from its profile."""
        return self.provider_id in social.OAUTH2_ONLY


def with_vault(config: Config, vault: Vault, realm: str) -> Config:
    """The config with its ``clientSecret`` as Keycloak sends it: a ``${vault.<key>}`` read from the vault (at each
    use), the stored value when the vault has no entry (``getStringSecret(secret).get().orElse(secret)``)."""
    return dataclasses.replace(config, client_secret=vault.secret_or_stored(realm, config.client_secret))


def with_client_key(config: Config, key: client_assertion.RealmKey | None, lifespan: int) -> Config:
    """The config with what a signed client assertion needs of the realm: its key (``private_key_jwt``) and its
    ``accessCodeLifespan`` (the assertion's ``exp``)."""
    return dataclasses.replace(config, assertion_key=key, assertion_lifespan=lifespan)


async def prepared(provider: JSON) -> Config | BrokerError:
    """``Config.of`` with the endpoints its provider reads from its server each time it is used (OpenShift 4's
    metadata, as its constructor reads them), or why they could not be read. Call it outside any transaction: for
    such a provider it asks the provider."""
    config = Config.of(provider)
    try:
        found = await social.discover(config.provider_id, config.extra)
    except BrokerError as err:
        return err
    if not found:
        return config
    return dataclasses.replace(
        config,
        authorization_url=found["authorizationUrl"],
        token_url=found["tokenUrl"],
        extra={**config.extra, **found},
    )


PKCE_PARAMS = frozenset({"code_challenge", "code_challenge_method"})


@dataclass(frozen=True)
class Started:
    """The redirect to the provider and what the endpoint checks its answer against (the auth notes)."""

    url: str
    state: str
    nonce: str
    verifier: str | None


def scope(config: Config) -> str:
    """OIDCIdentityProvider.getDefaultScopes: ``openid`` first, then the configured scopes. A plain OAuth 2.0
    provider sends its configured scope, else its own default (AbstractOAuth2IdentityProvider's constructor)."""
    if config.oauth2_only:
        return config.default_scope.strip() or social.DEFAULT_SCOPES[config.provider_id]
    configured = config.default_scope.split()
    return " ".join(["openid", *[s for s in configured if s != "openid"]])


def start(
    config: Config, redirect_uri: str, state: str, asked: AuthRequest | None, locale: str | None = None
) -> Started:
    """AbstractOAuth2IdentityProvider.createAuthorizationUrl: code flow, the scope, the state, a nonce, PKCE, and
    what the client's request ``asked`` passes on (broker/forwarding.py; ``locale``: the login's language)."""
    nonce = secrets.token_urlsafe(16)
    params = {
        "scope": scope(config),
        "state": state,
        "response_type": "code",
        "client_id": config.client_id,
        "redirect_uri": redirect_uri,
    }
    if not config.disable_nonce:
        params["nonce"] = nonce
    # what the client's request adds never replaces the broker's own protocol parameters (a ``forwardParameters``
    # naming ``state``, ``nonce`` or ``redirect_uri`` would break the callback's checks or send the code elsewhere),
    # nor doubles one in another case (a provider reading names case-insensitively would see two), nor the PKCE the
    # broker owns toward the provider (a client's challenge binds the code to a verifier the broker never has)
    reserved = {k.lower() for k in params} | PKCE_PARAMS
    forwarded = forwarding.params(config.extra, asked, locale)
    params |= {k: v for k, v in forwarded.items() if k.lower() not in reserved}
    params |= social.authorization_params(config.provider_id, config.extra)
    verifier = None
    if config.pkce:
        verifier = secrets.token_urlsafe(48)
        method = "S256" if config.pkce_method == "S256" else "plain"
        params["code_challenge"] = pkce.s256(verifier) if method == "S256" else verifier
        params["code_challenge_method"] = method
    separator = "&" if "?" in config.authorization_url else "?"
    return Started(config.authorization_url + separator + urlencode(params), state, nonce, verifier)


async def exchange(config: Config, code: str, redirect_uri: str, verifier: str | None, now: int) -> dict[str, Any]:
    """AbstractOAuth2IdentityProvider.Endpoint.generateTokenRequest: the code for tokens, the client
    authenticated by ``clientAuthMethod`` (``token_request``)."""
    form = {"code": code, "grant_type": "authorization_code", "redirect_uri": redirect_uri}
    if verifier is not None:
        form["code_verifier"] = verifier
    status, _, body = await token_request(config, form, now)
    if status != 200:
        raise BrokerError(f"token endpoint answered {status}")
    return social.token_response(body) if config.oauth2_only else bounded_json(body, "token response")


async def token_request(config: Config, form: dict[str, str], now: int) -> tuple[int, str, bytes]:
    """A POST to the provider's token endpoint, the client authenticated by ``clientAuthMethod``
    (authenticateTokenRequest): client_secret_post, the default; client_secret_basic, the id and secret
    form-encoded first (RFC 6749 §2.3.1), or as they are with Keycloak 26.5's client_secret_basic_unencoded; a
    signed client assertion with client_secret_jwt and private_key_jwt (broker/client_assertion.py)."""
    headers = {"Accept": "application/json"}
    method = config.client_auth_method
    if method in client_assertion.JWT_METHODS:
        form = form | client_assertion.params(
            method=method,
            client_id=config.client_id,
            client_secret=config.client_secret,
            token_url=config.token_url,
            extra=config.extra,
            key=config.assertion_key,
            lifespan=config.assertion_lifespan,
            now=now,
        )
    elif method in ("client_secret_basic", "client_secret_basic_unencoded"):
        encoded = method == "client_secret_basic"
        pair = f"{_form(config.client_id, encoded)}:{_form(config.client_secret, encoded)}"
        headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
    elif method in ("client_secret_post", ""):
        form = {**form, "client_id": config.client_id, "client_secret": config.client_secret}
    else:
        raise BrokerError(f"client authentication {config.client_auth_method} is not supported")
    return await call("POST", config.token_url, headers, form, "token request")


def _form(value: str, encoded: bool) -> str:
    """RFC 6749 §2.3.1: the client id and secret form-encoded before they go into Basic (BasicAuthHelper.RFC6749);
    unencoded, as SimpleHttp.authBasic sends them."""
    return quote_plus(value) if encoded else value


async def userinfo(
    config: Config, access_token: str, find: jwe_input.KeyFinder | None = None, lookup: KeyLookup | None = None
) -> dict[str, Any]:
    """OIDCIdentityProvider.doGetFederatedIdentity's userinfo request with the access token: JSON, or an
    ``application/jwt`` answer (parseTokenInput(…, false)) signed, encrypted to the realm (``find``), or both."""
    headers = {"Authorization": f"Bearer {access_token}", "Accept": "application/json"}
    status, content_type, body = await call("GET", config.userinfo_url, headers, None, "userinfo request")
    if status != 200:
        raise BrokerError(f"userinfo endpoint answered {status}")
    if "jwt" not in content_type:
        return bounded_json(body, "userinfo response")
    text = body.decode(errors="replace").strip()
    content = await jwe_input.decrypted(text, find) if jwe_input.is_jwe(text) else text
    if jwe_input.is_jws(content):
        return bounded_json(await jws_payload(config, content, lookup), "userinfo response")
    if content is text:  # neither a JWE nor a JWS
        raise BrokerError("userinfo answer is no JWT")
    return bounded_json(content.encode(), "userinfo response")  # only encrypted: its content is the JSON


@dataclass(frozen=True)
class Identity:
    """BrokeredIdentityContext: who the provider says the user is."""

    id: str
    username: str
    email: str | None
    first_name: str | None
    last_name: str | None
    token: str | None  # the token response, kept on the link when the provider's storeToken is on
    claims: dict[str, Any] = field(default_factory=dict)  # the ID token's and userinfo's claims, for the mappers
    attributes: dict[str, list[str]] = field(default_factory=dict)  # the mappers' user attributes for a new user
    model_username: str | None = None  # the username a new user gets, when a username template set it
    email_verified: bool | None = None  # the ID token's ``email_verified`` (Boolean.valueOf of its text), if any
    # the validated access token's claims (VALIDATED_ACCESS_TOKEN), which the claim mappers search first
    access_claims: dict[str, Any] = field(default_factory=dict)


def identity(claims: dict[str, Any], info: dict[str, Any] | None, token_response: dict[str, Any]) -> Identity:
    """OIDCIdentityProvider.extractIdentity: the user as userinfo says when it was read (``info``; its ``sub``,
    names, username and e-mail replace the ID token's, and its ``sub`` must be the ID token's), else as the ID token
    says; the username is ``preferred_username``, else the e-mail, else the id. The mappers read both."""
    source = claims if info is None else info
    merged = claims if info is None else {**claims, **{k: v for k, v in info.items() if v is not None}}

    def text(key: str) -> str | None:
        value = source.get(key)
        return value if isinstance(value, str) and value else None

    subject = text("sub")
    if info is not None and subject != claims.get("sub"):  # getFederatedIdentity's check (a missing sub too)
        raise BrokerError("Mismatch between the subject in the id_token and the subject from the user_info endpoint")
    if subject is None:
        raise BrokerError("no subject")
    email = text("email")
    username = text("preferred_username") or email or subject
    token = json.dumps(token_response)
    verified = claims.get("email_verified")
    flag = None if verified is None else str(verified).lower() == "true"
    first, last = text("given_name"), text("family_name")
    if first is None and last is None:
        first, last = split_name(text("name"))
    return Identity(subject, username, email, first, last, token, merged, email_verified=flag)


def split_name(name: str | None) -> tuple[str | None, str | None]:
    """BrokeredIdentityContext.setName, used when neither ``given_name`` nor ``family_name`` came: the first name up
    to the last space, the last name after it; a name without a space is the first name only."""
    if name is None or " " not in name:
        return name, None
    first, _, last = name.rpartition(" ")
    return first, last


def reads_userinfo(config: Config) -> bool:
    """OIDCIdentityProvider.extractIdentity reads userinfo whenever it is on and has a URL: since KEYCLOAK-14039
    (keycloak#7214), not only when the ID token lacks a claim."""
    return not config.disable_userinfo and bool(config.userinfo_url)


async def authenticate(
    config: Config,
    code: str,
    redirect_uri: str,
    verifier: str | None,
    nonce: str,
    now: int,
    asked: AuthRequest | None = None,
    lookup: KeyLookup | None = None,
    find: jwe_input.KeyFinder | None = None,
) -> Identity:
    """AbstractOAuth2IdentityProvider.Endpoint.authResponse after its checks: the code exchanged, the ID token
    checked (its ``auth_time`` against the client's ``max_age`` with ``passMaxAge``; its key through ``lookup``, the
    provider's kept JWK set; encrypted to the realm, decrypted with the key ``find`` gives), userinfo read if needed,
    the brokered identity; any failure a BrokerError."""
    tokens = await exchange(config, code, redirect_uri, verifier, now)
    if config.oauth2_only:
        return await _from_profile(config, tokens, now)
    id_token = tokens.get("id_token")
    if not isinstance(id_token, str):
        raise BrokerError("No token from server.")
    id_token = await jwe_input.signed_content(id_token, find)
    claims = await id_token_claims(config, id_token, nonce, now, lookup)
    if forwarding.auth_time_expired(config.extra, asked, claims, now):
        raise BrokerError("User not re-authenticated by the target OpenID Provider")
    if config.provider_id in social.PROFILE_AFTER_ID_TOKEN:
        return await _from_profile(config, tokens, now)
    info: dict[str, Any] | None = None
    access = tokens.get("access_token")
    if reads_userinfo(config) and isinstance(access, str):
        info = await userinfo(config, access, find, lookup)
    expires_in = tokens.get("expires_in")
    if config.store_token and isinstance(expires_in, int) and expires_in > 0:
        # OIDCIdentityProvider.getFederatedIdentity: a stored response notes when its access token expires
        tokens = {**tokens, ACCESS_TOKEN_EXPIRATION: now + expires_in}
    found = identity(claims, info, tokens)
    claim_filter.check(config.extra, claims)
    if reads_access_token(config):
        access_claims = await _access_token_claims(config, access, now, lookup, find)
        found = dataclasses.replace(found, access_claims=access_claims)
    return found


def reads_access_token(config: Config) -> bool:
    """processAccessTokenResponse: keycloak-oidc always validates the access token; oidc when ``isAccessTokenJWT``."""
    return config.provider_id == "keycloak-oidc" or str(config.extra.get("isAccessTokenJWT")).lower() == "true"


async def _access_token_claims(
    config: Config, access: Any, now: int, lookup: KeyLookup | None, find: jwe_input.KeyFinder | None
) -> dict[str, Any]:
    """validateToken(accessToken, ignoreAudience): signature, lifetime and issuer; a failure fails the login."""
    if not isinstance(access, str):
        raise BrokerError("No access token from server.")
    content = await jwe_input.signed_content(access, find)
    return await token_claims(config, content, now, require_exp=False, lookup=lookup, ignore_audience=True)


ACCESS_TOKEN_EXPIRATION = "accessTokenExpiration"  # AbstractOAuth2IdentityProvider.ACCESS_TOKEN_EXPIRATION


async def _from_profile(config: Config, tokens: dict[str, Any], now: int) -> Identity:
    """AbstractOAuth2IdentityProvider.getFederatedIdentity for a plain OAuth 2.0 provider: the profile read with the
    access token; its fields are the claims the mappers read."""
    found = await social.profile(config.provider_id, config.extra, social.access_token(tokens))
    got = social.fields(config.provider_id, config.extra, found)
    subject = got["id"]
    if not subject:
        raise BrokerError("no user id in the profile")
    expires_in = tokens.get("expires_in")
    if config.store_token and isinstance(expires_in, int) and expires_in > 0:
        tokens = {**tokens, ACCESS_TOKEN_EXPIRATION: now + expires_in}
    username = got["username"] or subject
    return Identity(subject, username, got["email"], got["first_name"], got["last_name"], json.dumps(tokens), found)
