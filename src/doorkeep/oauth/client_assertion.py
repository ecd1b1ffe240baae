"""JWT client authentication (RFC 7523 §2.2): Keycloak's client-jwt and client-secret-jwt authenticators.

``private_key_jwt`` (JWTClientAuthenticator, signed with one of the client's public keys, see
``oauth/client_keys.py``) and ``client_secret_jwt`` (JWTClientSecretAuthenticator, HS256/384/512 with the
client secret). Both run AbstractJWTClientValidator.validate, in its order, each check's failure a 400
``invalid_client`` with Keycloak's description: the assertion parameters; the client (``sub``, the
``client_id`` parameter, ``iss`` = ``sub``, found, enabled, configured for this authenticator); the
signature algorithm (never ``none``; asymmetric for client-jwt; ``token.endpoint.auth.signing.alg`` when
set); the signature; one audience among the realm's issuer and its token, introspection, PAR and CIBA
endpoints; ``exp`` (required, exact: valid in its own second), ``nbf`` and ``iat`` with 15 s of skew and
``token.endpoint.auth.signing.max.exp`` (default 60 s); and a ``jti`` used once (AbstractBaseJWTValidator,
store/client_assertions.py). An exception inside an authenticator becomes its prefixed message (400
``invalid_client`` "Client authentication with signed JWT failed: ...", 400 ``unauthorized_client`` "Client
authentication with client secret signed JWT failed: ...").
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jwt

from doorkeep import jackson, policy
from doorkeep.clientpolicies import secret_rotation
from doorkeep.clock import SystemClock
from doorkeep.errors import INVALID_CLIENT_CREDENTIALS, InvalidClient, OAuthError, UnauthorizedClient
from doorkeep.model import Client
from doorkeep.numbers import loads
from doorkeep.oauth.client_keys import ClientKeys

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest
    from doorkeep.store.tx import Tx

CLIENT_JWT = "client-jwt"
CLIENT_SECRET_JWT = "client-secret-jwt"
AUTHENTICATORS = (CLIENT_JWT, CLIENT_SECRET_JWT)  # after client-secret, in Keycloak's "clients" flow
JWT_BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

# ClientSignatureVerifierProvider ids, in the order a Keycloak 26 discovery document lists them.
SIGNING_ALGS: tuple[str, ...] = (
    "PS384",
    "RS384",
    "EdDSA",
    "ES384",
    "HS256",
    "HS512",
    "ES256",
    "RS256",
    "HS384",
    "ES512",
    "PS256",
    "PS512",
    "RS512",
)
SYMMETRIC = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}
ASYMMETRIC = frozenset(SIGNING_ALGS) - SYMMETRIC.keys()
# org.keycloak.jose.jws.Algorithm: an ``alg`` outside it fails JWSHeader.getAlgorithm().
KNOWN_ALGS = frozenset(SIGNING_ALGS) | {"none", "Ed25519", "Ed448"}

CLOCK_SKEW = 15  # JWTClientValidator.getAllowedClockSkew
DEFAULT_MAX_EXP = 60  # OIDCAdvancedConfigWrapper.getTokenEndpointAuthSigningMaxExp
# AbstractBaseJWTValidator.getJtiCacheKeyPrefix: the validator's class name, lower-cased.
JTI_PREFIX = {CLIENT_JWT: "jwtclientvalidator", CLIENT_SECRET_JWT: "jwtclientsecretvalidator"}
# The prefix and error code of each authenticator's catch-all (its ``catch (Exception e)``).
CAUGHT = {
    CLIENT_JWT: ("invalid_client", "Client authentication with signed JWT failed: "),
    CLIENT_SECRET_JWT: ("unauthorized_client", "Client authentication with client secret signed JWT failed: "),
}


class Attempted:
    """The authenticator neither succeeded nor failed (``context.attempted()`` and nothing else)."""


@dataclass(frozen=True)
class Outcome:
    client: Client | None  # the client the authenticator named, if it got that far
    result: Client | OAuthError | Attempted


class Malformed(Exception):
    """JWSInput or Jackson refusing the assertion."""


@dataclass(frozen=True)
class Assertion:
    """A parsed client assertion (JWSInput and its JsonWebToken)."""

    header: dict[str, Any]
    claims: dict[str, Any]
    signing_input: bytes
    signature: bytes

    def text(self, name: str) -> str | None:
        value = self.claims.get(name)
        return None if value is None else str(value)

    def number(self, name: str) -> int | None:
        return jackson.long_field(self.claims.get(name))  # never raises: parse bound the claims already

    def audiences(self) -> list[str]:
        aud = self.claims.get("aud")
        if aud is None:
            return []
        return [str(a) for a in aud] if isinstance(aud, list) else [str(aud)]


@dataclass(frozen=True)
class State:
    """ClientAssertionState: the assertion parameters, read and parsed once per request."""

    assertion_type: str | None
    assertion: str | None
    token: Assertion | None
    malformed: str | None  # why the assertion could not be read
    client: Client | None  # the client its ``sub`` names


def _b64(segment: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
    except (binascii.Error, ValueError) as err:
        raise Malformed("Parsing error") from err


def _object(segment: str) -> dict[str, Any]:
    """One segment's JSON object; nested too deeply it is unparseable, as Jackson's nesting limit makes it
    (a RecursionError here was a 500 before any client was authenticated)."""
    try:
        value = loads(_b64(segment))
    except (ValueError, UnicodeDecodeError) as err:
        raise Malformed("Parsing error") from err
    if not isinstance(value, dict):
        raise Malformed("Parsing error")
    return value


def parse(text: str, *, token_class: bool = True) -> Assertion:
    """JWSInput and readJsonContent(JsonWebToken): claims of the wrong JSON type fail as Jackson does, and the
    numeric ones are read as it reads them (``jackson.json_web_token``). ``token_class`` False: the claims are read
    as a JsonNode (a request object's), which takes any JSON but ``NaN`` and ``Infinity``."""
    parts = text.split(".")
    if len(parts) < 2 or len(parts) > 3:
        raise Malformed("Parsing error")
    header, claims = _object(parts[0]), _object(parts[1])
    try:  # NaN, Infinity or 1e309 in exp was a 500 when the lifetime was computed (int() of it)
        if token_class:
            jackson.json_web_token(claims)
        elif any(isinstance(v, float) and not math.isfinite(v) for v in claims.values()):
            raise jackson.Unbound("not a number")
    except jackson.Unbound as err:
        raise Malformed("Parsing error") from err
    signature = _b64(parts[2]) if len(parts) == 3 else b""
    return Assertion(header, claims, f"{parts[0]}.{parts[1]}".encode(), signature)


def parsed(req: OAuthRequest) -> Assertion | None:
    """The request's ``client_assertion`` parsed, or None when it has none or it cannot be read."""
    text = req.form.get("client_assertion")
    if not text:
        return None
    try:
        return parse(text)
    except Malformed:
        return None


def claimed_subject(req: OAuthRequest) -> str | None:
    """The client an assertion names, before authentication: its ``sub`` when its ``iss`` is the same
    (AbstractJWTClientValidator.validateClient names no client for an assertion of another issuer)."""
    token = parsed(req)
    if token is None or token.text("iss") != token.text("sub"):
        return None
    return token.text("sub")


def event_details(req: OAuthRequest) -> dict[str, str]:
    """Details.CLIENT_ASSERTION_ID, _ISSUER and _SUB: the parsed assertion's ``jti``, ``iss`` and ``sub``, which
    ClientAssertionState's supplier puts on the request's event once a JWT authenticator reads the assertion
    (a claim it lacks is no detail, as EventBuilder.detail drops nulls)."""
    token = parsed(req)
    if token is None:
        return {}
    found = {
        "client_assertion_id": token.text("jti"),
        "client_assertion_issuer": token.text("iss"),
        "client_assertion_sub": token.text("sub"),
    }
    return {name: value for name, value in found.items() if value is not None}


async def read_state(tx: Tx, req: OAuthRequest) -> State:
    kind, text = req.form.get("client_assertion_type"), req.form.get("client_assertion")
    if text is None:
        return State(kind, None, None, None, None)
    try:
        token = parse(text)
    except Malformed as err:
        return State(kind, text, None, str(err), None)
    sub = token.text("sub")
    client = await tx.config.client(req.realm.id, sub) if sub is not None else None
    return State(kind, text, token, None, client)


def _failure(description: str) -> InvalidClient:
    """AbstractJWTClientValidator.failure: 400 invalid_client, the description as is."""
    return InvalidClient(description, status=400, event_error="invalid_client_credentials")


def _caught(authenticator: str, message: str) -> OAuthError:
    """The authenticator's ``catch (Exception e)``: 400, its own error code and prefix."""
    code, prefix = CAUGHT[authenticator]
    cls = InvalidClient if code == "invalid_client" else UnauthorizedClient
    return cls(prefix + message, status=400, event_error="invalid_client_credentials")


def expected_audiences(issuer: str) -> list[str]:
    """JWTClientValidator.getExpectedAudiences: the issuer, the token, introspection, PAR and CIBA endpoints."""
    oidc = f"{issuer}/protocol/openid-connect"
    return [issuer, f"{oidc}/token", f"{oidc}/token/introspect", f"{oidc}/ext/par/request", f"{oidc}/ext/ciba/auth"]


def _signature_algorithm(authenticator: str, token: Assertion, client: Client) -> str | OAuthError:
    """AbstractBaseJWTValidator.validateSignatureAlgorithm."""
    alg = token.header.get("alg")
    if not isinstance(alg, str):
        return _failure("Invalid signature algorithm")
    if alg not in KNOWN_ALGS:  # Algorithm.valueOf, inside the authenticator's try
        return _caught(authenticator, f"No enum constant org.keycloak.jose.jws.Algorithm.{alg}")
    if alg.lower() == "none":
        return _failure("Invalid signature algorithm")
    if authenticator == CLIENT_JWT and alg not in ASYMMETRIC:  # isSymmetricAlgorithmAllowed() is false
        return _failure("Invalid signature algorithm")
    expected = client.attr("token.endpoint.auth.signing.alg")
    if expected and expected != alg:
        return _failure("Invalid signature algorithm")
    return alg


async def _verify_private_key_jwt(keys: ClientKeys, token: Assertion, client: Client, alg: str) -> OAuthError | None:
    """JWTClientAuthenticator.verifySignature."""
    kid = token.header.get("kid")
    key = await keys.find(client, kid if isinstance(kid, str) else None, alg)
    if key is None:
        return InvalidClient("Unable to load public key", status=400, event_error="client_credentials_setup_required")
    try:
        valid = bool(jwt.get_algorithm_by_name(alg).verify(token.signing_input, key, token.signature))
    except (ValueError, TypeError, NotImplementedError, jwt.InvalidKeyError):
        valid = False
    return None if valid else _caught(CLIENT_JWT, "Signature on JWT token failed validation")


def _verify_client_secret_jwt(
    token: Assertion, client: Client, alg: str, now: int, primary: str | None, rotated_secrets: bool
) -> OAuthError | None:
    """JWTClientSecretAuthenticator.verifySignature: HMAC with the client secret (``primary``: a ``${vault.<key>}``
    secret as the vault resolved it), else with the rotated secret while it lasts (toRotatedClientModel), unless
    the client-secret-rotation feature is off (``rotated_secrets``; hasRotatedSecret, keycloak#50855)."""
    if not client.secret:
        return InvalidClient(INVALID_CLIENT_CREDENTIALS, event_error="invalid_client_credentials")
    digest = SYMMETRIC.get(alg)
    if digest is None:  # an asymmetric alg: "Algorithm is not symmetric", wrapped
        return _caught(CLIENT_SECRET_JWT, "Signature on JWT token by client secret failed validation")
    rotated = secret_rotation.live_rotated_secret(client.attributes, now) if rotated_secrets else None
    for secret in (*([primary] if primary else []), *([rotated] if rotated else [])):
        if hmac.compare_digest(hmac.new(secret.encode(), token.signing_input, digest).digest(), token.signature):
            return None
    return _caught(CLIENT_SECRET_JWT, "Signature on JWT token by client secret  failed validation")


def _audience(token: Assertion, issuer: str, multiple_allowed: bool = False) -> OAuthError | None:
    """AbstractBaseJWTValidator.validateTokenAudience: one of the expected audiences, and no other unless the server
    allows several (``allow-multiple-audiences-for-jwt-client-authentication``, off by default)."""
    audiences = token.audiences()
    if not set(audiences) & set(expected_audiences(issuer)):
        return _failure("Invalid token audience")
    if len(audiences) > 1 and not multiple_allowed:
        return _failure("Multiple audiences not allowed")
    return None


def _lifespan(token: Assertion, client: Client, now: int) -> int | OAuthError:
    """JWTClientValidator's validateTokenActive: 15 s of skew, the client's max lifetime (60 s by default)."""
    try:
        max_exp = int(client.attr("token.endpoint.auth.signing.max.exp"))
    except ValueError:
        max_exp = DEFAULT_MAX_EXP
    return active_lifespan(token, now, CLOCK_SKEW, max_exp if max_exp > 0 else DEFAULT_MAX_EXP)


def active_lifespan(token: Assertion, now: int, skew: int, max_exp: int) -> int | OAuthError:
    """AbstractBaseJWTValidator.validateTokenActive: how long the ``jti`` is kept, or the failure."""
    exp, iat, nbf = token.number("exp"), token.number("iat"), token.number("nbf")
    if exp is None:
        return _failure("Token exp claim is required")
    # isActive(skew): the skew widens nbf only; exp is exact (valid in its own second, not one after).
    if policy.token_expired(exp, now) or not policy.token_not_before(nbf, now, skew):
        return _failure("Token is not active")
    lifespan = exp - now
    if iat is None:
        if lifespan > max_exp:
            return _failure("Token expiration is too far in the future and iat claim not present in token")
        return lifespan
    if iat - skew > now:
        return _failure("Token was issued in the future")
    lifespan = min(lifespan, max_exp)
    if lifespan <= 0:
        return _failure("Token is not active")
    if now > iat + max_exp:
        return _failure("Token was issued too far in the past to be used now")
    return lifespan


async def jti_fresh(tx: Tx, key: str, until: int, now: int, record: bool) -> bool:
    """validateTokenReuse's single-use store: whether ``key`` (a validator's prefix and the ``jti``) is unused, and
    with ``record`` it is used from now until ``until``. Client assertions, federated ones and JWT authorization
    grant assertions all spend their ``jti`` here, each under its own prefix."""
    if record:
        return await tx.client_assertions.put_if_absent(key, until, now)
    return not await tx.client_assertions.is_used(key, now)


async def spend_jti(tx: Tx, prefix: str, token: Assertion, lifespan: int, now: int, record: bool) -> OAuthError | None:
    """The ``jti`` is required and used once (validateTokenReuse: the single-use store, for the lifespan, under the
    validator's own prefix: ``client-jwt``, ``client-secret-jwt`` and ``federated-jwt`` keep apart)."""
    jti = token.text("jti")
    if jti is None:
        return _failure("Token jti claim is required")
    fresh = await jti_fresh(tx, f"{prefix}:{jti}", now + max(lifespan, 0), now, record)
    return None if fresh else _failure("Token reuse detected")


async def run(
    tx: Tx, req: OAuthRequest, authenticator: str, state: State, found: Client | None, *, record: bool
) -> Outcome:
    """One JWT authenticator's outcome for this request (JWTClientAuthenticator / JWTClientSecretAuthenticator
    .authenticateClient with AbstractJWTClientValidator.validate)."""
    if state.malformed is not None:
        return Outcome(None, _caught(authenticator, state.malformed))
    token = state.token
    if token is not None and token.text("iss") != token.text("sub"):
        return Outcome(None, Attempted())  # an assertion signed by a third party: not this authenticator's
    if state.assertion_type is None:
        return Outcome(None, _failure("Parameter client_assertion_type is missing"))
    if state.assertion_type != JWT_BEARER:
        return Outcome(
            None,
            _failure(
                f"Parameter client_assertion_type has value '{state.assertion_type}' but expected is '{JWT_BEARER}'"
            ),
        )
    if state.assertion is None or token is None:
        return Outcome(None, _failure("client_assertion parameter missing"))
    # validateClient
    if token.text("sub") is None:
        return Outcome(None, _failure("Token sub claim is required"))
    client_id = req.form.get("client_id")
    if client_id is not None and client_id != token.text("sub"):
        return Outcome(None, _failure("client_id parameter does not match sub claim"))
    client = state.client
    if client is None:
        return Outcome(None, InvalidClient(INVALID_CLIENT_CREDENTIALS, event_error="client_not_found"))
    if not client.enabled:
        return Outcome(client, InvalidClient(INVALID_CLIENT_CREDENTIALS, event_error="client_disabled"))
    if client.client_authenticator_type != authenticator:
        return Outcome(client, Attempted())
    return Outcome(client, await _validate(tx, req, authenticator, token, client, record))


async def _validate(
    tx: Tx, req: OAuthRequest, authenticator: str, token: Assertion, client: Client, record: bool
) -> Client | OAuthError:
    """The rest of validate(), for the client the assertion names: algorithm, signature, audience, time, jti."""
    alg = _signature_algorithm(authenticator, token, client)
    if isinstance(alg, OAuthError):
        return alg
    keys = req.client_keys or ClientKeys(SystemClock())
    now = keys.clock.now()
    if authenticator == CLIENT_JWT:
        refused = await _verify_private_key_jwt(keys, token, client, alg)
    else:
        refused = _verify_client_secret_jwt(token, client, alg, now, req.secret(client.secret), req.rotated_secrets)
    refused = refused or _audience(token, req.issuer, req.oidc.allow_multiple_audiences_for_jwt_client_authentication)
    if refused is not None:
        return refused
    lifespan = _lifespan(token, client, now)
    if isinstance(lifespan, OAuthError):
        return lifespan
    return await spend_jti(tx, JTI_PREFIX[authenticator], token, lifespan, now, record) or client
