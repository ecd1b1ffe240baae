"""A provider's answer encrypted to the realm: OIDCIdentityProvider.parseTokenInput. An ID token (or an
``application/jwt`` userinfo answer) that is a JWE is decrypted with the realm's encryption key of the header's ``kid``
and ``alg``; its content is the signed JWS checked as usual, or, for userinfo only, the JSON itself ("the token is only
a encrypted JWE")."""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable
from typing import Any

from jwcrypto import jwe, jwk
from jwcrypto.common import JWException

from doorkeep.broker.calls import BrokerError

# The realm's private encryption key for a JWE's ``kid`` (None: the header names none) and ``alg``; None if none.
KeyFinder = Callable[[str | None, str], Awaitable[Any | None]]
RSA1_5 = "RSA1_5"


def header(token: str) -> dict[str, Any]:
    """JOSEParser.parse's look at the first segment; {} when it is no JOSE header (JSON nested past the recursion
    limit included: a hostile provider's header is a refusal, never a 500)."""
    first = token.split(".", 1)[0]
    try:
        found = json.loads(_b64(first))
    except (ValueError, RecursionError):
        return {}
    return found if isinstance(found, dict) else {}


def is_jwe(token: str) -> bool:
    """A JWE's header names its content encryption (``enc``); a JWS's does not."""
    return token.count(".") == 4 and "enc" in header(token)


def is_jws(content: str) -> bool:
    return content.count(".") == 2 and "alg" in header(content) and "enc" not in header(content)


async def decrypted(token: str, find: KeyFinder | None) -> str:
    """The JWE's content, decrypted with the realm's key: "Private key not found in the realm to decrypt token
    algorithm …" when the realm has none for its ``alg`` (and ``kid``)."""
    head = header(token)
    alg, kid = head.get("alg"), head.get("kid")
    alg = alg if isinstance(alg, str) else ""
    key = None if find is None else await find(kid if isinstance(kid, str) else None, alg)
    if key is None:
        raise BrokerError(f"Private key not found in the realm to decrypt token algorithm {alg}")
    if "zip" in head:  # Keycloak's JWE never inflates (its content would be no token); jwcrypto would, to 100 MB
        raise BrokerError("the provider's encrypted token could not be decrypted")
    allowed = [a for a in jwe.default_allowed_algs if a != RSA1_5] + ([RSA1_5] if alg == RSA1_5 else [])
    try:
        found = jwe.JWE(algs=allowed)
        found.deserialize(token, key=jwk.JWK.from_pyca(key))
        return bytes(found.payload).decode()
    except (JWException, ValueError, TypeError, KeyError, UnicodeDecodeError):
        raise BrokerError("the provider's encrypted token could not be decrypted") from None


async def signed_content(token: str, find: KeyFinder | None) -> str:
    """parseTokenInput(token, true) for an ID token: a JWE must hold a JWS ("Token is not a signed JWS")."""
    if not is_jwe(token):
        return token
    content = await decrypted(token, find)
    if not is_jws(content):
        raise BrokerError("Token is not a signed JWS")
    return content


def _b64(segment: str) -> str:
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)).decode()
