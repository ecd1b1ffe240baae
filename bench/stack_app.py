"""The stack's ceiling: token endpoints with nothing but what any would need, on Doorkeep's own stack.

Served by uvicorn (uvloop, httptools) and Starlette, as Doorkeep is. Both read the form and compare the
client secret; PyJWT's algorithm objects over ``cryptography`` sign, Doorkeep's own signing path.

- ``/token``, client_credentials: reads one row from SQLite (a realm by name, as every Doorkeep request
  does), builds claims shaped like Doorkeep's client_credentials access token and signs them RS256.
- ``/refresh``, an offline refresh with scope openid: verifies the HS512 refresh token, then in one SQLite
  transaction reads the session and its user (one joined row) and records the refresh; builds access and
  ID claims shaped like Doorkeep's, signs both RS256 (ES256 at ``/refresh-es256``) and a new HS512 refresh
  token, answers the JSON Doorkeep answers. The token to send is written next to the database
  (``STACK_DB`` + ``.refresh``).

No realm settings, no client lookup, no roles or scopes worked out, no mappers, no events, no checks of
expiry, revocation or rotation. Started by bench/stack.py; nothing here is used outside the benchmark.

Environment: ``STACK_DB`` (a SQLite file this app creates), ``STACK_SECRET`` (the client secret).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import sqlite3
import time
import uuid
from typing import Any
from urllib.parse import parse_qsl

from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwt.algorithms import ECAlgorithm, HMACAlgorithm, RSAAlgorithm
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
_RS256 = RSAAlgorithm(RSAAlgorithm.SHA256)
_EC_KEY = ec.generate_private_key(ec.SECP256R1())
_ES256 = ECAlgorithm(ECAlgorithm.SHA256)
_HS512 = HMACAlgorithm(HMACAlgorithm.SHA512)
_HMAC_KEY = _HS512.prepare_key(os.urandom(64))
_SECRET = os.environ.get("STACK_SECRET", "")
_DB_PATH = os.environ.get("STACK_DB", ":memory:")
_DB = sqlite3.connect(_DB_PATH, isolation_level=None, check_same_thread=False)
_DB.execute("PRAGMA journal_mode=WAL")
_DB.execute("PRAGMA synchronous=NORMAL")
_DB.execute("CREATE TABLE IF NOT EXISTS realms (name TEXT PRIMARY KEY, config_version INTEGER, config TEXT)")
_DB.execute("INSERT OR REPLACE INTO realms VALUES ('bench', 1, '{\"accessTokenLifespan\": 300}')")
_DB.execute("CREATE TABLE IF NOT EXISTS users (id TEXT PRIMARY KEY, username TEXT, email TEXT, first TEXT, last TEXT)")
_DB.execute("CREATE TABLE IF NOT EXISTS sessions (id TEXT PRIMARY KEY, user_id TEXT, started INTEGER, last INTEGER)")


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


def _unb64(data: bytes) -> bytes:
    return base64.urlsafe_b64decode(data + b"=" * (-len(data) % 4))


def _header(alg: str) -> bytes:
    return _b64(json.dumps({"alg": alg, "typ": "JWT", "kid": "stack"}, separators=(",", ":")).encode())


_HEADER = _header("RS256")
_ES_HEADER = _header("ES256")
_HS_HEADER = _header("HS512")


def _sign_hs512(claims: dict[str, object]) -> str:
    signing_input = _HS_HEADER + b"." + _b64(json.dumps(claims, separators=(",", ":")).encode())
    return (signing_input + b"." + _b64(_HS512.sign(signing_input, _HMAC_KEY))).decode()


def _sign_rs256(claims: dict[str, object]) -> str:
    signing_input = _HEADER + b"." + _b64(json.dumps(claims, separators=(",", ":")).encode())
    return (signing_input + b"." + _b64(_RS256.sign(signing_input, _KEY))).decode()


def _sign_es256(claims: dict[str, object]) -> str:
    signing_input = _ES_HEADER + b"." + _b64(json.dumps(claims, separators=(",", ":")).encode())
    return (signing_input + b"." + _b64(_ES256.sign(signing_input, _EC_KEY))).decode()


def _first_session() -> None:
    """A user, an offline session, and its refresh token written next to the database."""
    user, sid, now = str(uuid.uuid4()), str(uuid.uuid4()), int(time.time())
    _DB.execute("INSERT INTO users VALUES (?, 'bench-user', 'bench-user@example.com', 'Bench', 'User')", (user,))
    _DB.execute("INSERT INTO sessions VALUES (?, ?, ?, ?)", (sid, user, now, now))
    issuer = "http://127.0.0.1/realms/bench"
    claims = {"iat": now, "jti": str(uuid.uuid4()), "iss": issuer, "aud": issuer, "sub": user, "typ": "Offline"}
    claims |= {"azp": "bench-app", "sid": sid, "scope": "openid acr basic email offline_access profile roles"}
    if _DB_PATH != ":memory:":
        with open(_DB_PATH + ".refresh", "w") as out:
            out.write(_sign_hs512(claims))


_first_session()


async def token(request: Request) -> Response:
    form = dict(parse_qsl((await request.body()).decode()))
    row = _DB.execute("SELECT config_version, config FROM realms WHERE name = ?", ("bench",)).fetchone()
    if row is None or not hmac.compare_digest(form.get("client_secret", "").encode(), _SECRET.encode()):
        return Response('{"error":"invalid_client"}', 401, media_type="application/json")
    lifespan = json.loads(row[1])["accessTokenLifespan"]
    now = int(time.time())
    client_id = form.get("client_id", "")
    claims = {
        "exp": now + lifespan,
        "iat": now,
        "jti": f"trrtcc:{uuid.uuid4()}",
        "iss": f"http://{request.url.netloc}/realms/bench",
        "aud": "account",
        "sub": "7f1c8a52-3c9e-4d3b-9d8e-2a6f0b1c4d5e",
        "typ": "Bearer",
        "azp": client_id,
        "acr": "1",
        "allowed-origins": ["/*"],
        "realm_access": {"roles": ["offline_access", "uma_authorization", "default-roles-bench"]},
        "resource_access": {"account": {"roles": ["manage-account", "manage-account-links", "view-profile"]}},
        "scope": "profile email",
        "email_verified": False,
        "clientHost": request.client.host if request.client else "",
        "preferred_username": f"service-account-{client_id}",
        "clientAddress": request.client.host if request.client else "",
        "client_id": client_id,
    }
    signing_input = _HEADER + b"." + _b64(json.dumps(claims, separators=(",", ":")).encode())
    jwt = signing_input + b"." + _b64(_RS256.sign(signing_input, _KEY))
    body = {
        "access_token": jwt.decode(),
        "expires_in": lifespan,
        "refresh_expires_in": 0,
        "token_type": "Bearer",
        "not-before-policy": 0,
        "scope": "profile email",
    }
    return Response(
        json.dumps(body, separators=(",", ":")),
        media_type="application/json",
        headers={"Cache-Control": "no-store", "Pragma": "no-cache"},
    )


def _refresh(path: str, raw: bytes, netloc: str) -> tuple[int, bytes]:
    """The refresh itself, free of any framework: the status and the JSON answer."""
    sign = _sign_es256 if path.endswith("-es256") else _sign_rs256
    form = dict(parse_qsl(raw.decode()))
    if not hmac.compare_digest(form.get("client_secret", "").encode(), _SECRET.encode()):
        return 401, b'{"error":"invalid_client"}'
    try:
        signing_input, signature = form.get("refresh_token", "").encode().rsplit(b".", 1)
        if not _HS512.verify(signing_input, _HMAC_KEY, _unb64(signature)):
            return 400, b'{"error":"invalid_grant"}'
        old = json.loads(_unb64(signing_input.split(b".")[1]))
    except ValueError:
        return 400, b'{"error":"invalid_grant"}'
    now = int(time.time())
    _DB.execute("BEGIN IMMEDIATE")
    try:
        row = _DB.execute(
            "SELECT s.started, u.id, u.username, u.email, u.first, u.last FROM sessions s "
            "JOIN users u ON u.id = s.user_id WHERE s.id = ?",
            (old["sid"],),
        ).fetchone()
        if row is not None:
            _DB.execute("UPDATE sessions SET last = ? WHERE id = ?", (now, old["sid"]))
    finally:
        _DB.execute("COMMIT")
    if row is None:
        return 400, b'{"error":"invalid_grant"}'
    started, user, username, email, first, last = row
    issuer = f"http://{netloc}/realms/bench"
    common = {"exp": now + 300, "iat": now, "auth_time": started}
    person = {"email": email, "email_verified": True, "family_name": last, "name": f"{first} {last}"}
    person |= {"given_name": first, "preferred_username": username}
    access = common | {"jti": f"ofrtrt:{uuid.uuid4()}", "iss": issuer, "aud": "account", "sub": user}
    access |= {"typ": "Bearer", "azp": "bench-app", "sid": old["sid"], "acr": "1"}
    access |= {"realm_access": {"roles": ["default-roles-bench", "offline_access", "uma_authorization"]}}
    access |= {"resource_access": {"account": {"roles": ["manage-account", "manage-account-links", "view-profile"]}}}
    access |= {"scope": "openid email offline_access profile"} | person
    access_token = sign(access)
    digest = hashlib.sha256(access_token.encode()).digest()
    id_claims = common | {"jti": str(uuid.uuid4()), "iss": issuer, "aud": "bench-app", "sub": user, "typ": "ID"}
    id_claims |= {"azp": "bench-app", "sid": old["sid"], "acr": "1", "at_hash": _b64(digest[:16]).decode()} | person
    new = {"iat": now, "jti": str(uuid.uuid4()), "iss": issuer, "aud": issuer, "sub": user, "typ": "Offline"}
    new |= {"azp": "bench-app", "sid": old["sid"], "scope": old["scope"]}
    body = {
        "access_token": access_token,
        "expires_in": 300,
        "refresh_expires_in": 0,
        "refresh_token": _sign_hs512(new),
        "token_type": "Bearer",
        "id_token": sign(id_claims),
        "not-before-policy": 0,
        "session_state": old["sid"],
        "scope": "openid email offline_access profile",
    }
    return 200, json.dumps(body, separators=(",", ":")).encode()


async def refresh(request: Request) -> Response:
    status, answer = _refresh(request.url.path, await request.body(), request.url.netloc)
    return Response(answer, status, media_type="application/json", headers=dict(_NO_STORE))


_NO_STORE = [("Cache-Control", "no-store"), ("Pragma", "no-cache")]
_RAW_HEADERS = [(b"content-type", b"application/json"), (b"cache-control", b"no-store"), (b"pragma", b"no-cache")]


async def raw_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """The same refresh as a bare ASGI app (no Starlette): what the endpoint's own work costs on uvicorn alone."""
    if scope["type"] != "http":
        return
    chunks = []
    while True:
        message = await receive()
        chunks.append(message.get("body", b""))
        if not message.get("more_body"):
            break
    host = next((value.decode() for key, value in scope["headers"] if key == b"host"), "127.0.0.1")
    if scope["method"] != "POST":
        status, answer = 405, b'{"error":"method_not_allowed"}'
    else:
        status, answer = _refresh(scope["path"], b"".join(chunks), host)
    await send({"type": "http.response.start", "status": status, "headers": _RAW_HEADERS})
    await send({"type": "http.response.body", "body": answer})


app = Starlette(
    routes=[
        Route("/token", token, methods=["POST"]),
        Route("/refresh", refresh, methods=["POST"]),
        Route("/refresh-es256", refresh, methods=["POST"]),
    ]
)
