"""Verifying a refresh or offline token before its session is looked at (KEYCLOAK.md §6.1 #1–#6).

Keycloak's verifyRefreshToken: signature, type, issuer, then not-before, expiry and the client the
token was issued to. Used by the refresh grant, introspection and logout (which, as Keycloak's
``checkExpiration=false``, skips not-before and expiry); the session checks that follow are
``sessions.resume``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep import errors as e
from doorkeep import policy
from doorkeep.model import Client
from doorkeep.oauth import dpop, mtls
from doorkeep.tokens import TYPE_OFFLINE, TYPE_REFRESH

if TYPE_CHECKING:
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx


@dataclass(frozen=True)
class RefreshClaims:
    """A verified refresh or offline token's claims, typed (``raw``: all of them, for introspection)."""

    typ: str
    sid: str
    iat: int
    sub: str
    jti: str
    azp: str | None
    exp: int | None
    scope: str
    reuse_id: str | None
    raw: dict[str, Any]

    @property
    def offline(self) -> bool:
        return self.typ == TYPE_OFFLINE


async def decode(tx: Tx, services: Services, req: OAuthRequest, token: str) -> RefreshClaims:
    """Signature, type and issuer checks shared by refresh, introspection and logout."""
    claims = await services.codec.verify(tx, req.realm.id, token, internal=True)
    if claims is None or claims.get("typ") not in (TYPE_REFRESH, TYPE_OFFLINE):
        raise e.InvalidGrant(e.INVALID_REFRESH_TOKEN)
    if claims.get("iss") != req.issuer:
        raise e.InvalidGrant(e.INVALID_ISSUER.format(req.issuer))
    sid, iat = claims.get("sid"), claims.get("iat")
    if not isinstance(sid, str) or not isinstance(iat, int):
        raise e.InvalidGrant(e.INVALID_REFRESH_TOKEN)
    azp, exp, reuse_id = claims.get("azp"), claims.get("exp"), claims.get("reuse_id")
    return RefreshClaims(
        typ=str(claims["typ"]),
        sid=sid,
        iat=iat,
        sub=str(claims.get("sub")),
        jti=str(claims.get("jti")),
        azp=azp if isinstance(azp, str) else None,
        exp=exp if isinstance(exp, int) else None,
        scope=str(claims.get("scope", "")),
        reuse_id=str(reuse_id) if reuse_id else None,
        raw=claims,
    )


INVALID_CONFIRMATION = "Invalid refresh token confirmation"
DPOP_BINDING_REQUIRED = "DPoP proof key binding is required"  # [UNVERIFIED] any words after these


def check_dpop(claims: RefreshClaims, req: OAuthRequest, client: Client) -> None:
    """verifyRefreshToken's DPoP step: a refresh token bound to a key (a public client's) needs a proof made with
    that key; both refusals are ``invalid_grant``.

    Keycloak 26.8's verifyConfirmationBinding (PR 50927, issue 50459) comes first, its client guards before the
    token's ``cnf``: an unbound token of a public client that has since turned DPoP binding on is refused (a
    confidential client's refresh tokens are never bound), even when it carries a ``cnf`` binding nothing; then a
    ``cnf`` that binds neither a key nor a certificate is refused."""
    bound = dpop.bound_thumbprint(claims.raw)
    if bound is None and client.public_client and dpop.required(client):
        raise e.InvalidGrant(DPOP_BINDING_REQUIRED)
    cnf = claims.raw.get("cnf")
    if cnf is not None and not (isinstance(cnf, dict) and (cnf.get("jkt") or cnf.get(mtls.THUMBPRINT))):
        raise e.InvalidGrant(INVALID_CONFIRMATION)
    if bound is None:
        return
    if req.dpop is None:
        raise e.InvalidGrant("DPoP proof is missing")
    try:
        dpop.check_binding(claims.raw, req.dpop)
    except dpop.InvalidProof as err:
        raise e.InvalidGrant(err.message) from None


def check_certificate(claims: RefreshClaims, req: OAuthRequest, client: Client) -> None:
    """verifyRefreshToken's certificate step (RFC 8705 §3): a client with certificate-bound tokens presents the
    certificate its refresh token names; else 401 ``unauthorized_client``, event error ``not_allowed``."""
    if mtls.required(client) and not mtls.bound_to(claims.raw, req.client_certificates):
        raise e.UnauthorizedClient(mtls.MISMATCH, event_error="not_allowed")


def check_binding(
    claims: RefreshClaims, req: OAuthRequest, client: Client, now: int, *, check_expiration: bool = True
) -> None:
    """Not-before (realm and client) and expiry, then the token's client.

    ``check_expiration=False`` is logout's verifyRefreshToken: Keycloak adds NotBeforeCheck and
    IS_ACTIVE only when it checks expiration, so a stale or expired token still logs out."""
    if check_expiration:
        if claims.iat < max(req.realm.not_before, client.not_before):
            raise e.InvalidGrant(e.STALE_TOKEN)
        if not policy.token_active(claims.raw, now):  # IS_ACTIVE: still valid in its exp second
            raise e.InvalidGrant(e.TOKEN_NOT_ACTIVE)
    if claims.azp != client.client_id:
        raise e.InvalidGrant(e.CLIENT_MISMATCH)
