"""Access-token validation for a resource server, against Doorkeep's published keys (``.../certs``).

Checks, in order, each with the reason given back in the 401: a well-formed JWT; an asymmetric algorithm
the key allows; a key of the realm (keys are fetched again once when an unknown ``kid`` appears, so a key
rotation needs no restart); the signature; ``typ`` ``Bearer`` (no ID or refresh tokens); the issuer; expiry
(against an injected clock); and the audience: ``aud`` names this service or ``azp`` is an allowed client.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import httpx
import jwt

ALGORITHMS = frozenset({"RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"})


class InvalidToken(Exception):
    """The token is refused; ``str(exc)`` is the reason, safe to return to the caller."""


@dataclass(frozen=True)
class Policy:
    issuer: str
    audience: str
    allowed_azp: Collection[str]


class TokenVerifier:
    """Verifies bearer tokens of one issuer; the key set is cached and refetched on an unknown ``kid``."""

    def __init__(self, policy: Policy, http: httpx.AsyncClient, clock: Callable[[], float] = time.time) -> None:
        self.policy = policy
        self.http = http
        self.clock = clock
        self.jwks_url = policy.issuer + "/protocol/openid-connect/certs"
        self._keys: dict[str, jwt.PyJWK] = {}

    async def _key(self, kid: str) -> jwt.PyJWK:
        if kid not in self._keys:
            response = await self.http.get(self.jwks_url)
            response.raise_for_status()
            self._keys = {
                k["kid"]: jwt.PyJWK(k)
                for k in response.json()["keys"]
                if k.get("use", "sig") == "sig" and k.get("alg") in ALGORITHMS and "kid" in k
            }
        if kid not in self._keys:
            raise InvalidToken("unknown signing key")
        return self._keys[kid]

    async def verify(self, token: str) -> dict[str, Any]:
        """The token's claims if every check passes; ``InvalidToken`` with the first failed check otherwise."""
        try:
            header = jwt.get_unverified_header(token)
        except jwt.DecodeError:
            raise InvalidToken("malformed token") from None
        alg, kid = header.get("alg"), header.get("kid")
        if alg not in ALGORITHMS:
            raise InvalidToken(f"algorithm not allowed: {alg}")
        key = await self._key(str(kid))
        if key.algorithm_name != alg:
            raise InvalidToken("algorithm does not match the key")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[alg],
                options={
                    "verify_exp": False,
                    "verify_iat": False,
                    "verify_nbf": False,
                    "verify_aud": False,
                    "verify_iss": False,
                    "require": ["exp", "iss"],
                },
            )
        except jwt.InvalidSignatureError:
            raise InvalidToken("bad signature") from None
        except jwt.PyJWTError as exc:
            raise InvalidToken(f"invalid token: {exc}") from None
        self._check_claims(claims)
        return claims

    def _check_claims(self, claims: dict[str, Any]) -> None:
        if claims.get("typ") != "Bearer":
            raise InvalidToken("not an access token")
        if claims.get("iss") != self.policy.issuer:
            raise InvalidToken("wrong issuer")
        if int(claims["exp"]) <= self.clock():
            raise InvalidToken("token expired")
        aud = claims.get("aud")
        audiences = aud if isinstance(aud, list) else [aud]
        if self.policy.audience not in audiences and claims.get("azp") not in self.policy.allowed_azp:
            raise InvalidToken("wrong audience: neither aud nor azp is accepted here")
