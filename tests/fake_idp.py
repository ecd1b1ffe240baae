"""A hostile OpenID Connect provider for the brokering tests: a real HTTP server on 127.0.0.1 whose token endpoint
answers whatever ID token the test builds (its alg, kid, claims), with a JWK set, a userinfo and a discovery
document, and which counts the requests it was sent."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import anyio
import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from served_app import serving

KID = "fake-idp-key"
CLIENT_ID, CLIENT_SECRET = "broker-app", "idp-client-secret-4711-aaaaaaaaaaaaaaaaaaaa"
ATTACKER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
WRONG_SHAPE_HEADERS: tuple[dict[str, Any], ...] = (
    {"alg": "RS256", "kid": 123},
    {"alg": "RS256", "kid": [KID]},
    {"alg": "RS256", "kid": KID, "crit": ["exp"]},
    {"alg": "RS256", "kid": KID, "typ": {"a": 1}},
    {"alg": "RS256", "kid": KID, "b64": False, "crit": ["b64"]},
)
"""JWS headers a JWS library may choke on once the claims are good (a numeric or list ``kid``, a ``crit`` it cannot
honour, an object ``typ``, ``b64``)."""
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def jwk() -> dict[str, Any]:
    """The public JWK of the key the FakeIdp signs with."""
    return _jwk()


def _jwk() -> dict[str, Any]:
    public: dict[str, Any] = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(KEY.public_key()))
    return public | {"kid": KID, "use": "sig", "alg": "RS256"}


@dataclass
class FakeIdp:
    base: str
    # The test's ID token for the next code: a function of the nonce the consumer sent to /auth.
    id_token: Callable[[str], str] = field(default=lambda nonce: "")
    nonce: str = ""
    token_requests: list[dict[str, str]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)  # more members of the token response
    fetched: list[str] = field(default_factory=list)  # the paths of the GETs it answered
    keys: list[dict[str, Any]] | None = None  # the JWK set it publishes, when not its one signing key's
    certs_delay: float = 0.0  # seconds its JWK set takes to answer (a slow provider)
    userinfo_answer: tuple[str, bytes] | None = None  # (content type, body) of userinfo, when not its JSON

    @property
    def issuer(self) -> str:
        return self.base

    def rep(self, alias: str = "kc", **config: str) -> dict[str, Any]:
        return {
            "alias": alias,
            "displayName": "Fake IdP",
            "providerId": "oidc",
            "enabled": True,
            "storeToken": True,
            "config": {
                "clientId": CLIENT_ID,
                "clientSecret": CLIENT_SECRET,
                "authorizationUrl": f"{self.base}/auth",
                "tokenUrl": f"{self.base}/token",
                "userInfoUrl": f"{self.base}/userinfo",
                "jwksUrl": f"{self.base}/certs",
                "issuer": self.issuer,
                "validateSignature": "true",
                "useJwksUrl": "true",
                "disableUserInfo": "true",
                "syncMode": "IMPORT",
                **config,
            },
        }

    def claims(self, now: int, **changes: Any) -> dict[str, Any]:
        base: dict[str, Any] = {
            "iss": self.issuer,
            "sub": "mallory-sub",
            "aud": CLIENT_ID,
            "azp": CLIENT_ID,
            "exp": now + 300,
            "iat": now,
            "nonce": self.nonce,
            "preferred_username": "mallory",
            "email": "mallory@idp.example",
            "given_name": "Mal",
            "family_name": "Lory",
        }
        base.update(changes)
        return {k: v for k, v in base.items() if v is not None}

    def signed(self, claims: dict[str, Any], key: Any = KEY, kid: str | None = KID, alg: str = "RS256") -> str:
        headers = {"kid": kid} if kid is not None else {}
        return jwt.encode(claims, key, algorithm=alg, headers=headers)


def _part(value: dict[str, Any]) -> str:
    raw = json.dumps(value, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def hs256(claims: dict[str, Any], secret: bytes, kid: str | None = KID) -> str:
    """An HMAC-signed token built by hand (PyJWT refuses a PEM public key as an HMAC secret): the classic
    algorithm confusion of a verifier that keys HS256 with whatever key the ``kid`` names."""
    header = {"alg": "HS256", "typ": "JWT", **({"kid": kid} if kid else {})}
    signing = f"{_part(header)}.{_part(claims)}"
    mac = hmac.new(secret, signing.encode(), hashlib.sha256).digest()
    return signing + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()


def public_pem() -> bytes:
    return KEY.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)


def unsigned(claims: dict[str, Any]) -> str:
    """An ``alg: none`` token with an empty signature."""
    return f"{_part({'alg': 'none', 'typ': 'JWT'})}.{_part(claims)}."


def _app(idp: FakeIdp) -> Starlette:
    async def token(request: Request) -> Response:
        form = await request.form()
        idp.token_requests.append({k: str(v) for k, v in form.items()})
        body = {"access_token": "idp-access-token-0815", "token_type": "Bearer", **idp.extra}
        body["id_token"] = idp.id_token(idp.nonce)
        return JSONResponse(body)

    async def certs(request: Request) -> Response:
        idp.fetched.append(request.url.path)
        if idp.certs_delay:
            await anyio.sleep(idp.certs_delay)
        return JSONResponse({"keys": idp.keys if idp.keys is not None else [_jwk()]})

    async def userinfo(request: Request) -> Response:
        if idp.userinfo_answer is not None:
            return Response(idp.userinfo_answer[1], media_type=idp.userinfo_answer[0])
        return JSONResponse({"sub": "mallory-sub"})

    async def discovery(request: Request) -> Response:
        return JSONResponse({"issuer": idp.issuer, "authorization_endpoint": f"{idp.base}/auth"})

    async def huge(request: Request) -> Response:
        return Response(b'{"issuer": "' + b"x" * (2 * 1024 * 1024) + b'"}', media_type="application/json")

    async def elsewhere(request: Request) -> Response:  # a key set a token's own header points to
        idp.fetched.append(request.url.path)
        return JSONResponse({"keys": []})

    async def to_file(request: Request) -> Response:
        return Response(status_code=302, headers={"Location": "file:///etc/passwd"})

    return Starlette(
        routes=[
            Route("/token", token, methods=["POST"]),
            Route("/certs", certs),
            Route("/userinfo", userinfo),
            Route("/.well-known/openid-configuration", discovery),
            Route("/huge", huge),
            Route("/to-file", to_file),
            Route("/elsewhere", elsewhere),
        ]
    )


@contextlib.asynccontextmanager
async def fake_idp() -> AsyncIterator[FakeIdp]:
    idp = FakeIdp("")
    async with serving(_app(idp)) as base:
        idp.base = base
        yield idp
