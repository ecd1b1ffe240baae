"""DPoP proofs as Keycloak's tests make them (ClientPoliciesUtil.generateSignedDPoPProof, DPoPGenerator), for the
port of DPoPTest: keys of the three kinds the Java test uses, their public JWKs and RFC 7638 thumbprints
(computed here, independently of Doorkeep's), and proofs signed as asked, wrong ones included."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

BASE = "http://localhost"
TOKEN_URL = f"{BASE}/realms/test/protocol/openid-connect/token"
USERINFO_URL = f"{BASE}/realms/test/protocol/openid-connect/userinfo"
REVOKE_URL = f"{BASE}/realms/test/protocol/openid-connect/revoke"
ACCOUNT_URL = f"{BASE}/realms/test/account"


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _int(value: int) -> str:
    return b64(value.to_bytes((value.bit_length() + 7) // 8, "big"))


@dataclass
class ProofKey:
    """A client's DPoP key pair: ``ec`` (P-256, ES256), ``rsa`` (2048 bits, PS256) or ``ed`` (Ed25519, EdDSA)."""

    kind: str
    private: Any = field(init=False)
    alg: str = field(init=False)

    def __post_init__(self) -> None:
        if self.kind == "ec":
            self.private, self.alg = ec.generate_private_key(ec.SECP256R1()), "ES256"
        elif self.kind == "rsa":
            self.private, self.alg = rsa.generate_private_key(public_exponent=65537, key_size=2048), "PS256"
        else:
            self.private, self.alg = ed25519.Ed25519PrivateKey.generate(), "EdDSA"

    @property
    def jwk(self) -> dict[str, str]:
        public = self.private.public_key()
        if self.kind == "ec":
            numbers = public.public_numbers()
            return {"kty": "EC", "crv": "P-256", "x": _pad32(numbers.x), "y": _pad32(numbers.y)}
        if self.kind == "rsa":
            numbers = public.public_numbers()
            return {"kty": "RSA", "n": _int(numbers.n), "e": _int(numbers.e)}
        raw = public.public_bytes_raw()
        return {"kty": "OKP", "crv": "Ed25519", "x": b64(raw)}

    @property
    def jkt(self) -> str:
        """RFC 7638: the required members, sorted, no whitespace, SHA-256, base64url."""
        members = {"EC": ("crv", "kty", "x", "y"), "RSA": ("e", "kty", "n"), "OKP": ("crv", "kty", "x")}
        jwk = self.jwk
        canonical = json.dumps({m: jwk[m] for m in members[jwk["kty"]]}, separators=(",", ":"), sort_keys=True)
        return b64(hashlib.sha256(canonical.encode()).digest())

    def proof(
        self,
        method: str,
        url: str,
        iat: int,
        *,
        access_token: str | None = None,
        jti: str | None = "",
        header: dict[str, Any] | None = None,
        sign_alg: str | None = None,
        signer: Any = None,
    ) -> str:
        """generateSignedDPoPProof: ``header`` replaces the usual one (typ, alg, jwk); ``signer``/``sign_alg`` sign
        with another key or algorithm than the header says (DPoPTest's TestingDPoPGenerator)."""
        claims: dict[str, Any] = {"htm": method, "htu": url, "iat": iat}
        if jti is not None:
            claims["jti"] = jti or str(uuid.uuid4())
        if access_token is not None:
            claims["ath"] = b64(hashlib.sha256(access_token.encode()).digest())
        head = header if header is not None else {"typ": "dpop+jwt", "alg": self.alg, "jwk": self.jwk}
        signing_input = f"{b64(json.dumps(head).encode())}.{b64(json.dumps(claims).encode())}".encode()
        algorithm = jwt.get_algorithm_by_name(sign_alg or self.alg)
        signature = algorithm.sign(signing_input, signer if signer is not None else self.private)
        return f"{signing_input.decode()}.{b64(signature)}"


def _pad32(value: int) -> str:
    return b64(value.to_bytes(32, "big"))


def payload(token: str) -> dict[str, Any]:
    """A JWT's claims, unverified (``oauth.verifyToken`` / ``parseRefreshToken`` for what the tests read)."""
    part = token.split(".")[1]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded
