"""The client registration service's own tokens (Keycloak's ClientRegistrationTokenUtils).

An initial access token (typ ``InitialAccessToken``) names a ``client_initial_access`` row; a registration
access token (typ ``RegistrationAccessToken``) names the one id its client stores, so minting a new one
voids the last. Both are signed like Keycloak's other internal tokens (the realm's HMAC key) and never
stored. ``verify`` also accepts the realm's ordinary access tokens (typ ``Bearer``), as verifyToken does.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep import policy
from doorkeep.errors import AdminError
from doorkeep.keys.material import HMAC_ALG
from doorkeep.model import InitialAccess
from doorkeep.tokens import TYPE_BEARER, new_id, unverified

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx

TYPE_INITIAL_ACCESS = "InitialAccessToken"
TYPE_REGISTRATION_ACCESS = "RegistrationAccessToken"
TYPES = frozenset({TYPE_BEARER, TYPE_INITIAL_ACCESS, TYPE_REGISTRATION_ACCESS})
REGISTRATION_AUTH = "registration_auth"  # RegistrationAccessToken's claim: "anonymous" or "authenticated"
# The provider that issued a registration access token (DcrSsfPrivilegeEscalationTest: a token the ``default``
# provider issued is refused by the ``openid-connect`` one). The admin API's regenerated tokens carry none.
REGISTRATION_PROVIDER = "registration_provider"


class RegistrationError(AdminError):
    """A refusal ClientRegistrationAuth also reports as the request's ``*_ERROR`` event: ``event_error`` is
    the Errors value it records, ``reason`` the Details.REASON it adds."""

    def __init__(self, status: int, error: str, description: str, event_error: str, reason: str | None = None):
        super().__init__(status, error, key="error", description=description)
        self.event_error = event_error
        self.reason = reason


def unauthorized(description: str) -> RegistrationError:
    """ClientRegistrationAuth.unauthorized: 401 ``invalid_token``, the event's error ``invalid_token`` with
    the description as its reason."""
    return RegistrationError(401, "invalid_token", description, "invalid_token", description)


@dataclass(frozen=True)
class Verified:
    """A token that passed verifyToken: its claims and the key id that signed it."""

    claims: dict[str, Any]
    kid: str

    @property
    def type(self) -> str:
        return str(self.claims.get("typ"))


async def _sign(
    tx: Tx, services: Services, realm_id: str, issuer: str, jti: str, typ: str, exp: int, **extra: Any
) -> str:
    """setupToken: type, id, issued now, expiry (0: none), the realm as issuer and audience."""
    now = services.clock.now()
    claims = {"exp": exp, "iat": now, "jti": jti, "iss": issuer, "aud": issuer, "typ": typ, **extra}
    return await services.codec.sign_internal(tx, realm_id, claims, now)


async def initial_access_token(tx: Tx, services: Services, issuer: str, record: InitialAccess) -> str:
    """createInitialAccessToken: expires with its record (never when ``expiration`` is 0)."""
    exp = record.timestamp + record.expiration if record.expiration > 0 else 0
    return await _sign(tx, services, record.realm_id, issuer, record.id, TYPE_INITIAL_ACCESS, exp)


async def registration_access_token(
    tx: Tx, services: Services, realm_id: str, issuer: str, registration_auth: str, provider: str | None = None
) -> tuple[str, str]:
    """updateRegistrationAccessToken: a new id (for the client to store, voiding the last) and its token, stamped
    with the registration provider that issued it, if any."""
    jti = new_id()
    stamp = {REGISTRATION_PROVIDER: provider} if provider is not None else {}
    token = await _sign(
        tx,
        services,
        realm_id,
        issuer,
        jti,
        TYPE_REGISTRATION_ACCESS,
        0,
        **{REGISTRATION_AUTH: registration_auth},
        **stamp,
    )
    return jti, token


async def same_registration_token(tx: Tx, services: Services, realm_id: str, token: str, verified: Verified) -> str:
    """updateTokenSignature: the token presented, or the same id signed again when the realm's key changed."""
    key = await services.keyring.signing_key(tx, realm_id, HMAC_ALG, services.clock.now())
    if key.kid == verified.kid:
        return token
    claims = verified.claims
    stamp = {REGISTRATION_PROVIDER: str(claims[REGISTRATION_PROVIDER])} if REGISTRATION_PROVIDER in claims else {}
    return await _sign(
        tx,
        services,
        realm_id,
        str(claims.get("iss")),
        str(claims.get("jti")),
        str(claims.get("typ")),
        0,
        **{REGISTRATION_AUTH: str(claims.get(REGISTRATION_AUTH, "")).lower()},
        **stamp,
    )


async def verify(tx: Tx, services: Services, realm_id: str, issuer: str, token: str | None) -> Verified:
    """verifyToken: signature by a key of this realm, issuer, not expired, not revoked, a known type.
    Every failure is a 401, worded as Keycloak words it."""
    if token is None:
        raise unauthorized("Missing token")
    parsed = unverified(token)
    alg = parsed[0].get("alg") if parsed is not None else None
    kid = parsed[0].get("kid") if parsed is not None else None
    claims = None
    if isinstance(alg, str) and isinstance(kid, str):
        claims = await services.codec.verify(tx, realm_id, token, internal=alg.startswith("HS"))
    if claims is None or claims.get("iss") != issuer or not policy.token_active(claims, services.clock.now()):
        raise unauthorized("Failed decode token")
    if await tx.revoked.is_revoked(str(claims.get("jti", ""))):  # TokenRevocationCheck
        raise unauthorized("Failed decode token")
    if claims.get("typ") not in TYPES:
        raise unauthorized("Invalid type of token")
    return Verified(claims, str(kid))
