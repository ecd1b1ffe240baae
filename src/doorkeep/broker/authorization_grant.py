"""The identity provider side of the JWT authorization grant (RFC 7523 §2.1, Keycloak's JWTAuthorizationGrantProvider):
which provider an assertion's ``iss`` names, the limits it sets on the assertion, and its signature checked with
the provider's key.

Two provider types trust assertions: an OpenID Connect one (``oidc``, ``keycloak-oidc``, Google) with
``jwtAuthorizationGrantEnabled`` on (OIDCIdentityProvider), and Keycloak 26.5's ``jwt-authorization-grant`` type,
which does nothing else (JWTAuthorizationGrantIdentityProvider). The configuration keys are Keycloak's
(JWTAuthorizationGrantConfig). Only an enabled provider of one of those types is found for an issuer
(DefaultAlternativeLookupProvider.lookupIdentityProviderFromIssuer with IdentityProviderType.JWT_AUTHORIZATION_GRANT);
an OpenID Connect one is found with its switch off too, and refuses the assertion itself
(OIDCIdentityProvider.validateAuthorizationGrantAssertion).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep.broker import social, token_checks
from doorkeep.broker.calls import BrokerError
from doorkeep.broker.oidc import Config
from doorkeep.model import JSON

if TYPE_CHECKING:
    from doorkeep.broker.token_checks import KeyLookup

GRANT_PROVIDER = "jwt-authorization-grant"  # JWTAuthorizationGrantIdentityProviderFactory.PROVIDER_ID
OIDC_TYPES = frozenset({"oidc", "keycloak-oidc", social.GOOGLE})
ENABLED = "jwtAuthorizationGrantEnabled"
REUSE_ALLOWED = "jwtAuthorizationGrantAssertionReuseAllowed"
MAX_EXPIRATION = "jwtAuthorizationGrantMaxAllowedAssertionExpiration"
SIGNATURE_ALG = "jwtAuthorizationGrantAssertionSignatureAlg"
LIMIT_ACCESS_TOKEN_EXP = "jwtAuthorizationGrantLimitAccessTokenExp"
GRANT_CLOCK_SKEW = "jwtAuthorizationGrantAllowedClockSkew"
DEFAULT_MAX_EXPIRATION = 300  # JWTAuthorizationGrantConfig.getJWTAuthorizationGrantMaxAllowedAssertionExpiration


class Ambiguous(Exception):
    """Two enabled providers trust the same issuer: Keycloak's lookup throws, which the grant answers as its
    ``invalid_grant`` with this text."""


def config_on(config: JSON, key: str) -> bool:
    """A provider setting read as Boolean.parseBoolean reads it: only ``true``, in any case."""
    return str(config.get(key) or "").lower() == "true"  # Boolean.parseBoolean


def _number(config: JSON, key: str, default: int) -> int:
    try:
        return int(str(config.get(key) or "").strip())
    except ValueError:
        return default


def trusts_assertions(provider: JSON) -> bool:
    """IdentityProvider.isType(JWT_AUTHORIZATION_GRANT): a JWTAuthorizationGrantProvider's class."""
    return provider.get("providerId") == GRANT_PROVIDER or provider.get("providerId") in OIDC_TYPES


def grant_enabled(provider: JSON) -> bool:
    """Whether the provider takes assertions: always for the grant type, with its switch for OpenID Connect."""
    return provider.get("providerId") == GRANT_PROVIDER or config_on(provider.get("config") or {}, ENABLED)


def _issuer(provider: JSON) -> str | None:
    """Google's issuer is its own (GoogleIdentityProviderConfig), the others' configured."""
    if provider.get("providerId") == social.GOOGLE:
        return social.GOOGLE_URLS["issuer"]
    found = (provider.get("config") or {}).get("issuer")
    return found if isinstance(found, str) else None


def find(providers: tuple[JSON, ...], issuer: str) -> JSON | None:
    """The realm's one enabled provider trusting assertions of ``issuer``, or None; two are ``Ambiguous``."""
    found = [p for p in providers if _issuer(p) == issuer and p.get("enabled", True) and trusts_assertions(p)]
    if len(found) > 1:
        raise Ambiguous(f"Multiple IDPs match the same issuer: [{', '.join(str(p.get('alias')) for p in found)}]")
    return found[0] if found else None


@dataclass(frozen=True)
class Limits:
    """What the provider allows of an assertion (JWTAuthorizationGrantProvider's getters)."""

    clock_skew: int
    max_expiration: int
    reuse_allowed: bool
    signature_alg: str | None
    limit_access_token_exp: bool


def limits(provider: JSON) -> Limits:
    """The provider's limits: an OpenID Connect provider reads its ``allowedClockSkew``, the grant type its own
    key; the others are the same keys for both. A blank algorithm is none required."""
    config = provider.get("config") or {}
    skew_key = GRANT_CLOCK_SKEW if provider.get("providerId") == GRANT_PROVIDER else "allowedClockSkew"
    alg = str(config.get(SIGNATURE_ALG) or "").strip()
    return Limits(
        clock_skew=max(_number(config, skew_key, 0), 0),
        max_expiration=_number(config, MAX_EXPIRATION, DEFAULT_MAX_EXPIRATION),
        reuse_allowed=config_on(config, REUSE_ALLOWED),
        signature_alg=alg or None,
        limit_access_token_exp=config_on(config, LIMIT_ACCESS_TOKEN_EXP),
    )


def audiences(provider: JSON, issuer: str) -> list[str]:
    """getAllowedAudienceForJWTGrant: the realm's issuer and token endpoint; an OpenID Connect provider with
    ``allowClientIdAsAudience`` its ``clientId`` instead (OIDCIdentityProviderJWTAuthorizationGrantTest)."""
    config = provider.get("config") or {}
    if provider.get("providerId") in OIDC_TYPES and config_on(config, "allowClientIdAsAudience"):
        return [str(config.get("clientId") or "")]
    return [issuer, f"{issuer}/protocol/openid-connect/token"]


def _key_config(provider: JSON) -> Config:
    """The provider's key settings as the broker's checks read them, the signature always checked. The grant type
    reads ``useJwksUrl`` as Keycloak's JWTAuthorizationGrantConfig does (off unless ``true``)."""
    config = Config.of(provider)
    use_jwks_url = config.use_jwks_url
    if provider.get("providerId") == GRANT_PROVIDER:
        use_jwks_url = config_on(provider.get("config") or {}, "useJwksUrl")
    return dataclasses.replace(config, validate_signature=True, use_jwks_url=use_jwks_url)


async def signature_valid(provider: JSON, assertion: str, lookup: KeyLookup | None) -> bool:
    """validateAuthorizationGrantAssertion's signature check: the provider's key (its JWK set, or the validating
    public key pasted in its configuration) verifies the assertion, whatever an OpenID Connect provider's
    ``validateSignature`` says (OIDCIdentityProviderJWTAuthorizationGrantTest#testValidateSignatureDisabled). Federated
    client authentication checks an OpenID Connect provider's client assertions here too (oauth/client_federated.py),
    having required ``validateSignature`` first."""
    try:
        await token_checks.jws_payload(_key_config(provider), assertion, lookup)
    except (BrokerError, ValueError):  # ValueError: a header the JWS library cannot read
        return False
    return True
