"""What minting produces: the typed claims of a refresh token, the token response, and ``Minted``.

``Minted`` carries the unsigned tokens (signed by ``response()`` after the commit, issue #8) and the
facts the grant's event needs (user, session, token ids), so nothing decodes a token just minted.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NotRequired, TypedDict

from doorkeep.keys import material
from doorkeep.keys.material import LoadedKey
from doorkeep.tokens import encode

if TYPE_CHECKING:
    from doorkeep.oauth.refresh_tokens import RefreshClaims
    from doorkeep.oauth.token_encryption import Encrypter


class RefreshTokenClaims(TypedDict):
    """The claims of a refresh or offline token Doorkeep mints, in Keycloak's JSON order."""

    exp: NotRequired[int]  # absent: an offline token without a max lifespan never expires
    iat: int
    jti: str
    iss: str
    aud: str
    sub: str
    typ: str
    azp: str
    sid: str
    scope: str
    reuse_id: NotRequired[str]  # the rotation family, while rotation is in force
    cnf: NotRequired[dict[str, str]]  # a public client's DPoP key (``jkt``), as its access token has it
    resource: NotRequired[str]  # the resource-indicators feature: the resource the grant is bound to
    organization: NotRequired[str]  # the alias of the organization the login selected (organizations/selected.py)


# Keycloak's AccessTokenResponse, in its JSON order (a hyphenated field, hence this form).
TokenResponse = TypedDict(
    "TokenResponse",
    {
        "access_token": str,
        "expires_in": int,
        "refresh_expires_in": int,
        "refresh_token": NotRequired[str],
        "token_type": str,
        "id_token": NotRequired[str],
        "not-before-policy": int,
        "session_state": NotRequired[str],
        "scope": str,
        "issued_token_type": NotRequired[str],  # token exchange (RFC 8693 §2.2.1), one of Keycloak's other claims
    },
)


@dataclass(frozen=True)
class Unsigned:
    """One token of the response: its claims and the key (loaded in the transaction) that signs it."""

    claims: Mapping[str, Any]
    key: LoadedKey
    alg: str
    encrypter: Encrypter | None = None  # the client's key it is then encrypted to (oauth/token_encryption.py)
    typ: str = "JWT"  # the JWS header's ``typ``: ``at+jwt`` for an RFC 9068 client's access token


@dataclass(frozen=True)
class Minted:
    """A token response still to sign (``unsigned``, by response field in signing order), and what
    the grant's event needs to know of it, so that nothing decodes the tokens again."""

    user_id: str
    session_id: str | None
    access_jti: str
    expires_in: int
    token_type: str
    not_before_policy: int
    scope: str
    unsigned: dict[str, Unsigned]
    refresh_jti: str | None = None  # None: no refresh token in the response
    refresh_type: str | None = None
    refresh_expires_in: int = 0
    refreshed: RefreshClaims | None = None  # the refresh grant: the token this response replaces
    issued_token_type: str | None = None  # token exchange: what ``access_token`` holds
    event_details: Mapping[str, str] = field(default_factory=dict)  # what the grant adds to its success event
    # What the mappers add to the answer (``access.tokenResponse.claim``): AccessTokenResponse's other claims,
    # written after its own fields; one of those names is never replaced.
    response_claims: Mapping[str, Any] = field(default_factory=dict)

    def response(self) -> TokenResponse:
        """Sign the tokens (no database access) and return the AccessTokenResponse."""
        signed: dict[str, str] = {}
        for name, token in self.unsigned.items():
            claims = token.claims
            if "at_hash" in claims:  # the ID token hashes the access token signed just before it
                claims = {**claims, "at_hash": token_hash(signed["access_token"], token.alg, token.key)}
            signed[name] = encode(token.key, claims, token.alg, token.typ)
        for name, token in self.unsigned.items():  # encrypted once every hash over the signed tokens is made
            if token.encrypter is not None:
                signed[name] = token.encrypter.encrypt(signed[name])
        body: TokenResponse = {
            "access_token": signed["access_token"],
            "expires_in": self.expires_in,
            "refresh_expires_in": self.refresh_expires_in,
        }  # type: ignore[typeddict-item]  # completed below, in Keycloak's field order
        if "refresh_token" in signed:
            body["refresh_token"] = signed["refresh_token"]
        body["token_type"] = self.token_type
        if "id_token" in signed:
            body["id_token"] = signed["id_token"]
        body["not-before-policy"] = self.not_before_policy
        if self.session_id is not None:
            body["session_state"] = self.session_id
        body["scope"] = self.scope
        if self.issued_token_type is not None:
            body["issued_token_type"] = self.issued_token_type
        for name, value in self.response_claims.items():
            body.setdefault(name, value)  # type: ignore[misc]  # Keycloak's @JsonAnyGetter otherClaims
        return body


def token_hash(token: str, alg: str, key: LoadedKey | None = None) -> str:
    """OIDC Core §3.3.2.11: the left half of the hash the signature's algorithm names, base64url
    (``at_hash``, ``c_hash``, and Keycloak's ``s_hash``). For EdDSA the hash follows the signing key's curve
    (JavaAlgorithm.getJavaAlgorithmForHash): SHA-512 for Ed25519, SHAKE256 for Ed448, whose digest Keycloak takes
    from Bouncy Castle's MessageDigest at its default length of 64 bytes."""
    data = token.encode()
    if alg == "EdDSA":
        shake = key is not None and material.eddsa_curve_of(key) == "Ed448"
        digest = hashlib.shake_256(data).digest(64) if shake else hashlib.sha512(data).digest()
    else:
        digest = {"256": hashlib.sha256, "384": hashlib.sha384, "512": hashlib.sha512}[alg[-3:]](data).digest()
    return base64.urlsafe_b64encode(digest[: len(digest) // 2]).rstrip(b"=").decode()
