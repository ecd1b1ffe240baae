"""Federated client authentication (Keycloak 26.6, supported): the ``federated-jwt`` client authenticator.

A client whose ``clientAuthenticatorType`` is ``federated-jwt`` authenticates with a ``client_assertion`` (type
jwt-bearer) that an identity provider of the realm issued and signed, not the client itself
(FederatedJWTClientAuthenticator, last in Keycloak's ``clients`` flow). DefaultClientAssertionStrategy.lookup finds
the one enabled provider whose ``issuer`` is the assertion's ``iss`` among those that take client assertions (an
OpenID Connect provider with ``supportsClientAssertions``: DefaultAlternativeLookupProvider
.lookupIdentityProviderFromIssuer with IdentityProviderType.CLIENT_ASSERTION), then the one enabled client whose
``jwt.credential.issuer`` is that provider's alias and whose ``jwt.credential.sub`` is the assertion's ``sub``.
Without both the authenticator only attempted: the request fails as "client not found" unless another authenticator
succeeded. A client found whose authenticator is another is not this authenticator's.

Then OIDCIdentityProvider.verifyClientAssertion with FederatedJWTClientValidator, in AbstractJWTClientValidator
.validate's order, each named failure a 400 ``invalid_client``: the ``client_id`` parameter, if sent, must be the
assertion's ``sub``; the provider must validate signatures (else a failure without description, as the exception
the authenticator catches); the algorithm; the signature, with the provider's keys (its JWK set through the
per-process key cache, or its configured key: broker/token_checks.py); one audience, the realm's issuer and no
other; ``exp`` required, ``nbf`` and ``iat`` within the provider's ``allowedClockSkew`` (0 when unset), a lifetime
of at most 300 s (``federatedClientAssertionMaxExpiration`` when set); and, unless the provider has
``supportsClientAssertionReuse``, a ``jti`` used once. A failure without description is 401 ``invalid_client``
"Invalid client or Invalid client credentials" (the authenticator's ``context.failure(INVALID_CLIENT_CREDENTIALS)``).

A ``kubernetes`` provider (broker/kubernetes.py) takes client assertions always: KubernetesIdentityProvider
.verifyClientAssertion runs the same validator with the provider's ``issuer``, the keys of the issuer's discovery
document, a lifetime of at most an hour (``federatedClientAssertionMaxExpiration`` when set) and reuse permitted
(a projected service-account token is sent many times while it lives).

Deliberate difference: OIDCIdentityProvider.verify would check an HS256/384/512 assertion with the provider's
client secret (a secret Doorkeep holds to call the provider); Doorkeep's broker never verifies a provider's token
with a symmetric key (broker/token_checks.py), so such an assertion is refused as an invalid signature.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import jwt

from doorkeep.broker import authorization_grant, kubernetes
from doorkeep.clock import SystemClock
from doorkeep.errors import INVALID_CLIENT_CREDENTIALS, InvalidClient, OAuthError
from doorkeep.model import JSON, Client
from doorkeep.oauth import client_assertion
from doorkeep.oauth.client_assertion import Assertion, Attempted, Outcome, State
from doorkeep.oauth.client_keys import ClientKeys

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest
    from doorkeep.store.tx import Tx

FEDERATED_JWT = "federated-jwt"  # FederatedJWTClientAuthenticator.PROVIDER_ID
ISSUER_KEY = "jwt.credential.issuer"  # JWT_CREDENTIAL_ISSUER_KEY: the identity provider's alias
SUPPORTS = "supportsClientAssertions"  # OIDCIdentityProviderConfig.SUPPORTS_CLIENT_ASSERTIONS
REUSE = "supportsClientAssertionReuse"  # OIDCIdentityProviderConfig.SUPPORTS_CLIENT_ASSERTION_REUSE
MAX_EXP = "federatedClientAssertionMaxExpiration"  # IdentityProviderModel: 0 or unset, the validator's default
DEFAULT_MAX_EXP = 300  # FederatedJWTClientValidator.maximumExpirationTime
OIDC_TYPES = ("oidc", "keycloak-oidc")  # OIDCIdentityProvider and its Keycloak subclass take client assertions
JTI_PREFIX = "federatedjwtclientvalidator"


@dataclass(frozen=True)
class Found:
    """DefaultClientAssertionStrategy.lookup's result: the provider and the client."""

    provider: JSON
    client: Client


def _config(provider: JSON) -> JSON:
    config = provider.get("config")
    return config if isinstance(config, dict) else {}


def _takes_assertions(provider: JSON) -> bool:
    """IdentityProvider.isType(CLIENT_ASSERTION) of an enabled provider: an OpenID Connect one with
    ``supportsClientAssertions``, or a ``kubernetes`` one (the preview ``spiffe`` type is not brokered here)."""
    if not provider.get("enabled", True):
        return False
    if provider.get("providerId") == kubernetes.KUBERNETES:
        return True
    return provider.get("providerId") in OIDC_TYPES and authorization_grant.config_on(_config(provider), SUPPORTS)


def _is_kubernetes(provider: JSON) -> bool:
    return provider.get("providerId") == kubernetes.KUBERNETES


def _validates_signatures(provider: JSON) -> bool:
    """Whether verifyClientAssertion gets to the validator: an OpenID Connect provider must validate signatures
    (else it throws "Signature validation not enabled for issuer"); a Kubernetes one always checks them."""
    return _is_kubernetes(provider) or authorization_grant.config_on(_config(provider), "validateSignature")


def provider_of(req: OAuthRequest, issuer: str) -> JSON | None:
    """lookupIdentityProviderFromIssuer: the one provider taking client assertions whose ``issuer`` is ``issuer``;
    none when two are (Keycloak throws, which the authenticator catches: no client is authenticated either way)."""
    matches = [p for p in req.realm.identity_providers if _takes_assertions(p) and _config(p).get("issuer") == issuer]
    return dict(matches[0]) if len(matches) == 1 else None


async def lookup(tx: Tx, req: OAuthRequest, token: Assertion | None) -> Found | None:
    """DefaultClientAssertionStrategy.lookup: the provider of the assertion's ``iss``, then the one enabled client
    bound to it with the assertion's ``sub`` (lookupClientFromClientAttributes), found by the subject's index."""
    if token is None:
        return None
    issuer, subject = token.text("iss"), token.text("sub")
    if issuer is None or subject is None:
        return None
    provider = provider_of(req, issuer)
    if provider is None:
        return None
    alias = provider.get("alias")
    candidates = await tx.config.clients_with_credential_subject(req.realm, subject)
    bound = [c for c in candidates if c.enabled and c.attributes.get(ISSUER_KEY) == alias]
    return Found(provider, bound[0]) if len(bound) == 1 else None


def _generic() -> InvalidClient:
    """The authenticator's ``context.failure(INVALID_CLIENT_CREDENTIALS)`` without a response of its own."""
    return InvalidClient(INVALID_CLIENT_CREDENTIALS, event_error="invalid_client_credentials")


def _failure(description: str) -> InvalidClient:
    """AbstractJWTClientValidator.failure: 400 invalid_client with the description."""
    return InvalidClient(description, status=400, event_error="invalid_client_credentials")


def _skew(config: JSON) -> int:
    """OIDCIdentityProviderConfig.getAllowedClockSkew: 0 when unset or not a number."""
    try:
        return int(str(config.get("allowedClockSkew") or "0"))
    except ValueError:
        return 0


def _max_exp(provider: JSON) -> int:
    """The provider's ``federatedClientAssertionMaxExpiration`` when set and not 0, else 300 s (an hour for a
    Kubernetes provider: KubernetesIdentityProvider.verifyClientAssertion)."""
    try:
        configured = int(str(_config(provider).get(MAX_EXP) or "0"))
    except ValueError:
        configured = 0
    default = kubernetes.DEFAULT_MAX_EXP if _is_kubernetes(provider) else DEFAULT_MAX_EXP
    return configured if configured != 0 else default


def named_client(req: OAuthRequest, found: Found | None) -> Client | None:
    """The client a failed federated authentication's event names: the one found, once validateClient set it
    (the provider validates signatures, and any ``client_id`` parameter is the assertion's ``sub``)."""
    if found is None or found.client.public_client or found.client.client_authenticator_type != FEDERATED_JWT:
        return None
    if req.form.get("client_assertion_type") != client_assertion.JWT_BEARER:
        return None  # no strategy took the assertion
    if not _validates_signatures(found.provider):
        return None
    token = client_assertion.parsed(req)
    client_id = req.form.get("client_id")
    if token is None or (client_id is not None and client_id != token.text("sub")):
        return None
    return found.client


async def run(tx: Tx, req: OAuthRequest, state: State, *, record: bool) -> Outcome:
    """FederatedJWTClientAuthenticator.authenticateClient for this request."""
    if state.assertion_type != client_assertion.JWT_BEARER or state.token is None:
        return Outcome(None, Attempted())  # DefaultClientAssertionStrategy takes only jwt-bearer
    found = await lookup(tx, req, state.token)
    if found is None:
        return Outcome(None, Attempted())
    if found.client.client_authenticator_type != FEDERATED_JWT:
        return Outcome(None, Attempted())  # only ClientAssertionState's client: the flow's client is not set
    # Before validateClient sets the flow's client these failures count only for a client the request's
    # ``client_id`` named; else the flow ends with no client (client_not_found).
    if not _validates_signatures(found.provider):
        return Outcome(None, _generic())  # "Signature validation not enabled for issuer", caught
    client_id = req.form.get("client_id")
    if client_id is not None and client_id != state.token.text("sub"):
        return Outcome(None, _failure("client_id parameter does not match sub claim"))
    return Outcome(found.client, await _verify(tx, req, state.token, found, record))


async def _verify(tx: Tx, req: OAuthRequest, token: Assertion, found: Found, record: bool) -> Client | OAuthError:
    """FederatedJWTClientValidator.validate past validateClient: algorithm, signature, audience, time, jti."""
    config = _config(found.provider)
    alg = token.header.get("alg")
    if not isinstance(alg, str) or alg == "none":
        return _failure("Invalid signature algorithm")
    if alg not in client_assertion.KNOWN_ALGS:
        return _generic()  # Algorithm.valueOf throws inside the authenticator's try
    assertion = str(req.form.get("client_assertion") or "")
    if _is_kubernetes(found.provider):
        valid = await _kubernetes_signature_valid(req, found.provider, token, alg)
    else:
        keys = req.client_keys
        lookup = functools.partial(keys.provider_key, req.realm.id, found.provider) if keys is not None else None
        valid = await authorization_grant.signature_valid(found.provider, assertion, lookup)
    if not valid:
        return _generic()  # the validator's validateSignature is false without a failure of its own
    audiences = token.audiences()
    if req.issuer not in audiences:
        return _failure("Invalid token audience")
    if len(audiences) > 1:
        return _failure("Multiple audiences not allowed")
    keys = req.client_keys or ClientKeys(SystemClock())
    now = keys.clock.now()
    lifespan = client_assertion.active_lifespan(token, now, _skew(config), _max_exp(found.provider))
    if isinstance(lifespan, OAuthError):
        return lifespan
    # a Kubernetes service-account token is used many times
    if _is_kubernetes(found.provider) or authorization_grant.config_on(config, REUSE):
        return found.client
    return await client_assertion.spend_jti(tx, JTI_PREFIX, token, lifespan, now, record) or found.client


async def _kubernetes_signature_valid(req: OAuthRequest, provider: JSON, token: Assertion, alg: str) -> bool:
    """KubernetesIdentityProvider.verifySignature: the issuer's key for the token's ``kid`` and ``alg`` (found
    through its discovery document) checks the signature; an algorithm without a public key checks nothing."""
    if alg not in client_assertion.ASYMMETRIC:
        return False
    issuer = str(_config(provider).get("issuer") or "")
    kid = token.header.get("kid")
    keys = req.client_keys or ClientKeys(SystemClock())
    key = await keys.discovered_provider_key(
        req.realm.id,
        provider,
        kubernetes.discovery_url(issuer),
        kubernetes.fetch_keys,
        kid if isinstance(kid, str) else None,
        alg,
    )
    if key is None:
        return False
    try:
        return bool(jwt.get_algorithm_by_name(alg).verify(token.signing_input, key, token.signature))
    except (ValueError, TypeError, NotImplementedError, jwt.InvalidKeyError):
        return False
