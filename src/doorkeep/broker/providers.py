"""The realm's identity providers as the admin API sees them (IdentityProvidersResource, IdentityProviderResource,
RepresentationToModel.toModel and ModelToRepresentation.toRepresentation for an IdentityProviderModel).

A provider is kept as its IdentityProviderRepresentation in the realm's configuration (``Realm.identity_providers``),
in the shape Keycloak answers with; its ``clientSecret`` is kept as given and answered ``**********``
(StripSecretsUtils). Doorkeep brokers OpenID Connect providers (``oidc``, ``keycloak-oidc``), GitHub, GitLab, Google,
Facebook, Microsoft, Bitbucket, LinkedIn, PayPal, Stack Overflow, OpenShift 3 and 4 and the generic OAuth v2 provider
(broker/social.py, broker/social_others.py); Twitter (OAuth 1.0a) and Instagram (deprecated in Keycloak) are stored
but never run (``STORED_ONLY``), as is the ``kubernetes`` provider, which only client assertions use
(broker/kubernetes.py, oauth/client_federated.py); SAML and the other provider ids Keycloak knows are refused with a
501, an unknown one as Keycloak refuses it.
"""

from __future__ import annotations

import copy
import dataclasses
import ipaddress
import re
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from doorkeep.admin.reserved_chars import reserved_message
from doorkeep.broker import kubernetes, social
from doorkeep.errors import AdminError
from doorkeep.jackson import string_field
from doorkeep.model import JSON, Realm
from doorkeep.realms import flow_model, flow_support

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

PROVIDER_IDS = ("oidc", "keycloak-oidc", *social.IDS)  # the types Doorkeep logs in with
# Keycloak 26's social IdentityProviderFactory ids Doorkeep does not log in with: Twitter speaks OAuth 1.0a, and
# Instagram's provider is deprecated in Keycloak (a preview feature off by default). Stored, listed, exported and
# imported as Keycloak keeps them (a realm file or an admin script naming one works), but no login runs them:
# ``runs`` is false, so the login page shows no button for them, kc_idp_hint and account linking ignore them, as
# for a disabled provider.
STORED_ONLY = frozenset({"instagram", "twitter", kubernetes.KUBERNETES})
# Keycloak 26.5's provider that only trusts JWT authorization grant assertions (JWTAuthorizationGrantIdentityProvider:
# an issuer and its keys, no login): stored and used by the grant (broker/authorization_grant.py), never a login.
GRANT_ONLY = "jwt-authorization-grant"
# The other IdentityProviderFactory ids of a Keycloak 26 server: known there, refused here with a 501.
KEYCLOAK_ONLY = frozenset({"saml", "spiffe"})
SECRET_VALUE = "**********"  # ComponentRepresentation.SECRET_VALUE
FIRST_BROKER_LOGIN = "first broker login"  # DefaultAuthenticationFlows.FIRST_BROKER_LOGIN_FLOW
BOOLEANS = (
    ("enabled", True),
    ("trustEmail", False),
    ("storeToken", False),
    ("addReadTokenRoleOnCreate", False),
    ("authenticateByDefault", False),
    ("linkOnly", False),
    ("hideOnLogin", False),
)
REPRESENTATION = frozenset(
    {
        "alias",
        "displayName",
        "internalId",
        "providerId",
        "enabled",
        "updateProfileFirstLoginMode",
        "updateProfileFirstLogin",
        "trustEmail",
        "storeToken",
        "addReadTokenRoleOnCreate",
        "authenticateByDefault",
        "linkOnly",
        "hideOnLogin",
        "firstBrokerLoginFlowAlias",
        "postBrokerLoginFlowAlias",
        "organizationId",
        "organizationLinks",
        "autoMembership",  # read through an organization (organization_identity_providers.scoped); ignored on writes
        "orgMembershipType",
        "config",
        "types",
    }
)
# OIDCIdentityProviderConfig.validateUrl: the URLs checked, by the name its messages give them.
CHECKED_URLS = (
    ("authorizationUrl", "authorization_url"),
    ("tokenUrl", "token_url"),
    ("jwksUrl", "jwks_url"),
    ("logoutUrl", "logout_url"),
    ("userInfoUrl", "userinfo_url"),
)
# What the stored client secret is sent to or bound with: a PUT that changes one of these must send the secret
# again, not the mask (OAuth2IdentityProviderConfig.canReuseMaskedClientSecret, IdentityProviderOidcTest
# #maskedClientSecretNotReused*): the token and introspection endpoints it is posted to, the client id it is the
# secret of, how it is sent, the audience a client_secret_jwt assertion signed with it names, and the base URL a
# provider such as GitHub derives its token URL from. Every type Doorkeep stores has an OAuth2 config in Keycloak,
# so the check holds for each; Microsoft adds its tenant and PayPal its ``sandbox`` switch (SECRET_BOUND_BY_TYPE).
SECRET_BOUND = (
    "tokenUrl",
    "tokenIntrospectionUrl",
    "clientId",
    "clientAuthMethod",
    "clientAssertionAudience",
    "baseUrl",
)
# MicrosoftIdentityProviderConfig and PayPalIdentityProviderConfig.getClientSecretDestinationConfigKeys: the key
# their token endpoint is derived from, compared only for a provider of that type.
SECRET_BOUND_BY_TYPE = {"microsoft": "tenantId", "paypal": "sandbox"}
SECRET_REENTRY = (
    "Client secret must be re-entered when the token URL, client ID, authentication method, or related destination"
    " settings are changed"
)
DEFAULT_AUTH_METHOD = "client_secret_post"  # OAuth2IdentityProviderConfig.getClientAuthMethod without one


JAVA_SPACE = re.compile(r"[ \t\n\x0b\f\r]")  # java.util.regex ``\s``: ASCII white space only


def bad(message: str) -> AdminError:
    """IllegalArgumentException and ReservedCharException as the resource answers them: 400 ``errorMessage``."""
    return AdminError(400, message)


def not_implemented(provider_id: str) -> AdminError:
    return AdminError(
        501,
        "HTTP 501 Not Implemented",
        key="error",
        description=f"Doorkeep does not broker '{provider_id}' identity providers",
    )


def runs(provider: JSON) -> bool:
    """Whether a login may use the provider: enabled, and of a type Doorkeep logs in with (not STORED_ONLY)."""
    return bool(provider.get("enabled")) and provider.get("providerId") in PROVIDER_IDS


def all_of(realm: Realm) -> list[JSON]:
    return [dict(p) for p in realm.identity_providers]


def find(realm: Realm, alias_or_id: str) -> JSON | None:
    """IdentityProviderStorageProvider.getByIdOrAlias: by internal id first, then by alias."""
    for provider in realm.identity_providers:
        if provider.get("internalId") == alias_or_id:
            return dict(provider)
    return by_alias(realm, alias_or_id)


def by_alias(realm: Realm, alias: str) -> JSON | None:
    return next((dict(p) for p in realm.identity_providers if p.get("alias") == alias), None)


def display_name(realm: Realm, alias: str) -> str:
    """The name pages show for a provider: its ``displayName``, else its alias (also for a provider now gone)."""
    provider = by_alias(realm, alias) or {}
    return str(provider.get("displayName") or alias)


def with_providers(realm: Realm, providers: list[JSON]) -> Realm:
    return dataclasses.replace(realm, identity_providers=tuple(providers))


async def save(tx: Tx, realm_id: str, providers: list[JSON]) -> None:
    """Store the realm's providers under its row lock (a read-modify-write of its configuration)."""
    realm = await tx.realms.lock(realm_id)
    assert realm is not None
    await tx.realms.update(with_providers(realm, providers))


def masked(provider: JSON) -> JSON:
    """StripSecretsUtils.stripSecrets for an IdentityProviderRepresentation: a set ``clientSecret`` that is not a
    vault reference is ``**********``."""
    out = copy.deepcopy(provider)
    config = out.get("config")
    if isinstance(config, dict):
        secret = config.get("clientSecret")
        if isinstance(secret, str) and secret and not secret.startswith("${vault."):
            config["clientSecret"] = SECRET_VALUE
    return out


def brief(provider: JSON) -> JSON:
    """ModelToRepresentation.toBriefRepresentation: names and switches, an empty config."""
    keys = ("alias", "displayName", "internalId", "providerId", "enabled", "hideOnLogin")
    return {k: provider[k] for k in keys if k in provider} | {"config": {}}


# IdentityProviderType's values (ANY aside) and the one IdentityProviderCapability, by their Java enum names.
USER_AUTHENTICATION, CLIENT_ASSERTION = "USER_AUTHENTICATION", "CLIENT_ASSERTION"
EXCHANGE_EXTERNAL_TOKEN, JWT_AUTHORIZATION_GRANT = "EXCHANGE_EXTERNAL_TOKEN", "JWT_AUTHORIZATION_GRANT"
TYPES = ("ANY", USER_AUTHENTICATION, CLIENT_ASSERTION, EXCHANGE_EXTERNAL_TOKEN, JWT_AUTHORIZATION_GRANT)
USER_LINKING_TYPES = frozenset({USER_AUTHENTICATION, EXCHANGE_EXTERNAL_TOKEN, JWT_AUTHORIZATION_GRANT})
# The social providers whose class is an OIDCIdentityProvider, so a JWTAuthorizationGrantProvider.
_OIDC_SOCIAL = frozenset({social.GOOGLE, social.GITLAB, "linkedin-openid-connect"})


def types_of(provider_id: str) -> frozenset[str]:
    """The IdentityProviderTypes a provider of this type is listed under, as IdentityProviderTypeUtil
    .listFactoriesByType finds them: the interfaces its class implements (OIDCIdentityProvider all four; the
    generic OAuth v2 provider, an AbstractOAuth2IdentityProvider, user authentication and external token
    exchange), where a social provider is only looked for under USER_AUTHENTICATION and JWT_AUTHORIZATION_GRANT
    (every one an AbstractIdentityProvider, so a UserAuthenticationIdentityProvider)."""
    if provider_id in ("oidc", "keycloak-oidc"):
        return frozenset({USER_AUTHENTICATION, CLIENT_ASSERTION, EXCHANGE_EXTERNAL_TOKEN, JWT_AUTHORIZATION_GRANT})
    if provider_id == social.OAUTH2:
        return frozenset({USER_AUTHENTICATION, EXCHANGE_EXTERNAL_TOKEN})
    if provider_id in _OIDC_SOCIAL:
        return frozenset({USER_AUTHENTICATION, JWT_AUTHORIZATION_GRANT})
    if provider_id == GRANT_ONLY:
        return frozenset({JWT_AUTHORIZATION_GRANT})
    if provider_id == kubernetes.KUBERNETES:  # KubernetesIdentityProvider: a ClientAssertionIdentityProvider only
        return frozenset({CLIENT_ASSERTION})
    return frozenset({USER_AUTHENTICATION})


def of_type(providers: list[JSON], kind: str | None, capability: str | None) -> list[JSON]:
    """getIdentityProviders' ``type`` (``kind``: IdentityProviderType.valueOf, ``ANY`` for all) or, without one,
    ``capability`` (IdentityProviderCapability.valueOf: ``USER_LINKING``, the types that have it); a name that is
    no constant is refused with the exception's message (case matters, as in valueOf)."""
    if kind is not None:
        if kind not in TYPES:
            raise bad(f"No enum constant org.keycloak.models.IdentityProviderType.{kind}")
        wanted = frozenset(TYPES[1:]) if kind == "ANY" else frozenset({kind})
    elif capability is not None:
        if capability != "USER_LINKING":
            raise bad(f"No enum constant org.keycloak.models.IdentityProviderCapability.{capability}")
        wanted = USER_LINKING_TYPES
    else:
        return providers
    return [p for p in providers if types_of(str(p.get("providerId"))) & wanted]


def search(providers: list[JSON], pattern: str | None) -> list[JSON]:
    """The ``search`` of getIdentityProviders on alias or display name: ``"exact"``, ``*infix*``, ``prefix*`` (the
    default, a bare word being a prefix); case-insensitive as Keycloak's JPA ``lower(...) like``. Ordered by alias,
    as the JPA query orders its pages (IdentityProviderTest#testFind pages through them in that order)."""
    providers = sorted(providers, key=lambda p: str(p.get("alias")))
    if pattern is None or not pattern.strip():
        return providers
    text = pattern.strip()
    if len(text) >= 2 and text.startswith('"') and text.endswith('"'):
        exact = text[1:-1]
        return [p for p in providers if p.get("alias") == exact]
    needle = text.strip("*").lower()
    infix = text.startswith("*")

    def hit(value: Any) -> bool:
        if not isinstance(value, str):
            return False
        return needle in value.lower() if infix else value.lower().startswith(needle)

    return [p for p in providers if hit(p.get("alias")) or hit(p.get("displayName"))]


def _bool(value: Any, where: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise AdminError(400, "unknown_error", key="error", description="Cannot parse the JSON")


def _ssl_required(realm: Realm, host: str) -> bool:
    """SslRequired.isRequired for the URL's host: ``all`` always, ``external`` unless the host is local."""
    if realm.ssl_required == "all":
        return True
    if realm.ssl_required != "external":
        return False
    if host == "localhost":
        return False
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return True
    return not (address.is_loopback or address.is_unspecified or address.is_private)


def check_urls(realm: Realm, config: dict[str, str]) -> None:
    """OIDCIdentityProviderConfig.validate: each URL well formed, over https where the realm requires it."""
    for key, name in CHECKED_URLS:
        value = config.get(key)
        if value:
            _check_url(realm, value, name)


def _check_url(realm: Realm, value: str, name: str) -> None:
    """UriUtils.checkUrl: well formed, over https where the realm requires it."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad(f"The url [{name}] is malformed")
    if parts.scheme == "http" and _ssl_required(realm, parts.hostname):
        raise bad(f"The url [{name}] requires secure connections")


def _on(config: dict[str, str], key: str) -> bool:
    return config.get(key, "").lower() == "true"  # Boolean.parseBoolean


def _issuer(provider_id: str, config: dict[str, str]) -> str | None:
    """The provider's issuer: Google's is its own (GoogleIdentityProviderConfig sets it), the others' configured."""
    return social.GOOGLE_URLS["issuer"] if provider_id == social.GOOGLE else config.get("issuer")


def check_issuer(realm: Realm, provider: JSON) -> None:
    """IssuerValidation.validateIssuer, which OIDCIdentityProviderConfig.validate runs for an OpenID Connect
    provider with the JWT authorization grant or client assertions on, and GoogleIdentityProviderConfig.validate
    with the grant on (IdentityProviderIssuerTest): an issuer is required and must be a URL; an enabled provider's
    issuer must be no other enabled provider's of the realm (DefaultAlternativeLookupProvider
    .lookupIdentityProviderFromIssuer). Where two others already share it, Keycloak's lookup throws (a 500);
    Doorkeep names the first."""
    provider_id, config = provider["providerId"], provider["config"]
    grant, assertions = _on(config, "jwtAuthorizationGrantEnabled"), _on(config, "supportsClientAssertions")
    grant = grant or provider_id == GRANT_ONLY  # JWTAuthorizationGrantIdentityProviderConfig: IssuerValidation
    assertions = assertions or provider_id == kubernetes.KUBERNETES  # validateIssuer(realm, CLIENT_ASSERTION)
    issuing = ("oidc", "keycloak-oidc", social.GOOGLE, GRANT_ONLY, kubernetes.KUBERNETES)
    if not (grant or assertions) or provider_id not in issuing:
        return
    if provider_id == social.GOOGLE and not grant:
        return
    issuer = _issuer(provider_id, config)
    if not issuer:
        raise bad("Issuer is required")
    _check_url(realm, issuer, "Issuer")
    if not provider["enabled"]:
        return
    for other in realm.identity_providers:
        if other.get("internalId") == provider["internalId"] or not other.get("enabled", True):
            continue
        if _issuer(str(other.get("providerId")), other.get("config") or {}) == issuer:
            raise bad(
                f"Issuer URL already used for IDP '{other['alias']}', Issuer must be unique if the idp supports "
                "JWT Authorization Grant or Federated Client Authentication"
            )


def check_keys(config: dict[str, str]) -> None:
    """OIDCIdentityProviderConfig.validate's key checks (IdentityProviderOidcTest#testOIDCKeysRequired...):
    checked signatures need a key: the JWKS URL when ``useJwksUrl`` is on, else a validating public key
    (``publicKeySignatureVerifier``, broker/oidc.py); the JWT authorization grant and client assertions need
    the JWKS URL. ``useJwksUrl`` is read as Keycloak reads it, off unless it says ``true``."""
    on = {key: config.get(key, "").lower() == "true" for key in ("validateSignature", "useJwksUrl")}
    has_jwks = bool(config.get("jwksUrl"))
    if on["validateSignature"] and not on["useJwksUrl"] and not config.get("publicKeySignatureVerifier"):
        raise bad(
            "The 'Validating public key' is required when 'Validate signatures' enabled and 'Use JWKS URL' disabled"
        )
    needing = (
        ("validateSignature", "Validate signatures"),
        ("jwtAuthorizationGrantEnabled", "JWT Authorization Grant"),
        ("supportsClientAssertions", "Supports client assertions"),
    )
    for key, name in needing:
        if config.get(key, "").lower() == "true" and on["useJwksUrl"] and not has_jwks:
            raise bad(f"JWKS URL is required when '{name}' enabled and 'Use JWKS URL' enabled")


def _destination(provider_id: str, key: str, value: str | None) -> str:
    """isClientSecretDestinationChanged's reading of one bound field: unset and blank alike (but spaces count),
    no auth method is client_secret_post, Microsoft's tenant is ``common`` when unset and trimmed otherwise
    (MicrosoftIdentityProviderConfig.tenant), PayPal's ``sandbox`` is the boolean targetSandbox reads."""
    found = value or ""
    if key == "clientAuthMethod":
        return found or DEFAULT_AUTH_METHOD
    if SECRET_BOUND_BY_TYPE.get(provider_id) != key:
        return found
    if key == "tenantId":
        return found.strip() if found else "common"
    return str(found.lower() == "true")  # sandbox: Boolean.valueOf, so ``true `` is false


def keep_masked_secret(provider_id: str, stored: dict[str, str], changed: dict[str, str]) -> None:
    """A PUT whose ``clientSecret`` is the mask keeps the stored secret, unless it also changes where that secret
    goes or whose it is (``SECRET_BOUND`` and the type's own key): then the secret must be sent again, the update
    is refused with Keycloak's 400, and nothing is stored."""
    secret = stored.get("clientSecret")
    if secret is None:
        changed.pop("clientSecret")
        return
    keys = (*SECRET_BOUND, *filter(None, [SECRET_BOUND_BY_TYPE.get(provider_id)]))
    if any(
        _destination(provider_id, key, stored.get(key)) != _destination(provider_id, key, changed.get(key))
        for key in keys
    ):
        raise bad(SECRET_REENTRY)
    changed["clientSecret"] = secret


def check_same_provider(stored: JSON, rep: JSON) -> None:
    """IdentityProviderResource.updateIdpFromRep: an update names the provider it updates, or leaves the name out.
    A new alias is refused, and so is a new type (``providerId``): the type chooses which fields bind the stored
    secret (a ``saml`` one would bind none), while Keycloak's store never changes a provider's type."""
    if rep.get("alias") is not None and rep.get("alias") != stored["alias"]:
        raise bad("Identity Provider alias cannot be changed")
    if rep.get("providerId") is not None and rep.get("providerId") != stored["providerId"]:
        raise bad("Identity Provider providerId cannot be changed")


def _config(value: Any) -> dict[str, str]:
    """The string map of ``config`` (RepresentationToModel.removeEmptyString drops empty values)."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise AdminError(400, "unknown_error", key="error", description="Cannot parse the JSON")
    out: dict[str, str] = {}
    for key, item in value.items():
        if item is None or item == "":
            continue
        out[str(key)] = item if isinstance(item, str) else str(item).lower() if isinstance(item, bool) else str(item)
    return out


def bound_provider_id(rep: JSON) -> str | None:
    """``providerId`` as Jackson binds the String field: an array or an object is its MismatchedInputException
    (Keycloak 26 answers 400 "Cannot parse the JSON" before the resource method runs), a number its text."""
    provider_id = rep.get("providerId")
    if isinstance(provider_id, list | dict):
        raise AdminError(400, "unknown_error", key="error", description="Cannot parse the JSON")
    return string_field(provider_id)


def model(realm: Realm, rep: JSON, *, internal_id: str | None = None) -> JSON:
    """RepresentationToModel.toModel: the provider as stored, or the 400/501 Keycloak's refusal maps to."""
    alias = rep.get("alias")
    if not isinstance(alias, str) or not alias:
        raise bad("Invalid identity provider alias")  # IdentityProviderModel requires one
    if JAVA_SPACE.search(alias):
        raise bad("Empty Space not allowed.")  # ReservedCharValidator.validateNoSpace (Java's \s)
    if reserved := reserved_message(alias):  # ReservedCharValidator.validate
        raise bad(reserved)
    provider_id = bound_provider_id(rep)
    if provider_id not in PROVIDER_IDS and provider_id not in STORED_ONLY and provider_id != GRANT_ONLY:
        if isinstance(provider_id, str) and provider_id in KEYCLOAK_ONLY:
            raise not_implemented(provider_id)
        raise bad(f"Invalid identity provider id [{provider_id if isinstance(provider_id, str) else 'null'}]")
    config = _config(rep.get("config"))
    if why := social.validate(provider_id, config):
        raise bad(why)
    if provider_id == GRANT_ONLY:  # JWTAuthorizationGrantIdentityProviderConfig.validate: the two URLs it has
        for key in ("issuer", "jwksUrl"):
            if config.get(key):
                _check_url(realm, config[key], key)
    else:
        if provider_id == kubernetes.KUBERNETES:  # KubernetesIdentityProviderConfig.validate
            if why := kubernetes.config_error(config):
                raise bad(why)
            _check_url(realm, config["issuer"], "issuer")
        check_urls(realm, config)
    if provider_id not in (social.GOOGLE, GRANT_ONLY):  # GoogleIdentityProviderConfig.validate checks no keys
        check_keys(config)
    out: JSON = {"alias": alias}
    if isinstance(rep.get("displayName"), str):
        out["displayName"] = rep["displayName"]
    out["internalId"] = internal_id or str(uuid.uuid4())
    out["providerId"] = provider_id
    out["updateProfileFirstLoginMode"] = "on"
    for key, default in BOOLEANS:
        value = rep.get(key)
        out[key] = default if value is None else _bool(value, key)
    if provider_id == kubernetes.KUBERNETES:
        out["hideOnLogin"] = True  # KubernetesIdentityProviderConfig.isHideOnLogin
    first = rep.get("firstBrokerLoginFlowAlias")
    if isinstance(first, str) and first.strip():
        _check_first_login_flow(realm, first)
    elif first is not None:
        first = None
    post = rep.get("postBrokerLoginFlowAlias")
    if isinstance(post, str) and post.strip() and (why := flow_support.why_not_post_login(flow_model.of(realm), post)):
        raise bad(why)
    if first is not None:
        out["firstBrokerLoginFlowAlias"] = first
    if isinstance(post, str) and post.strip():
        out["postBrokerLoginFlowAlias"] = post
    out["config"] = config
    check_issuer(realm, out)
    return out


def _check_first_login_flow(realm: Realm, alias: str) -> None:
    """RepresentationToModel: the alias must name a flow of the realm (ModelException, a 400); Doorkeep also
    refuses one it could not run (realms/broker_flow_plan.py), naming the step, rather than half-run it."""
    flows = flow_model.of(realm)
    flow = flows.by_alias(alias)
    if flow is None:
        raise bad(f"No available authentication flow with alias: {alias}")
    if why := flow_support.why_not_runnable(flows, flow, flow_support.FIRST_BROKER_LOGIN):
        raise bad(why)


def representation(provider: JSON) -> JSON:
    """What GET answers: the stored representation, its secret masked."""
    return masked(provider)


def discovered(document: Any, from_url: str) -> dict[str, str]:
    """OIDCIdentityProviderFactory.parseConfig of an OpenID Provider's discovery document, as
    ``import-config`` answers it: the endpoints, the issuer, signature checks by the ``jwks_uri`` when it has one,
    and ``metadataDescriptorUrl``."""
    if not isinstance(document, dict):
        raise AdminError(400, "unknown_error", key="error", description="Cannot parse the JSON")
    names = {
        "issuer": "issuer",
        "logoutUrl": "end_session_endpoint",
        "authorizationUrl": "authorization_endpoint",
        "tokenUrl": "token_endpoint",
        "userInfoUrl": "userinfo_endpoint",
    }
    out = {key: str(document[name]) for key, name in names.items() if document.get(name) is not None}
    if document.get("jwks_uri") is not None:
        out |= {"validateSignature": "true", "useJwksUrl": "true", "jwksUrl": str(document["jwks_uri"])}
    out["metadataDescriptorUrl"] = from_url
    return out
