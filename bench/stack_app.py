"""The stack's ceiling: a token endpoint with nothing but what any would need, on Doorkeep's own stack.

Served by uvicorn (uvloop, httptools) and Starlette, as Doorkeep is: it reads the form, reads one row
from SQLite (a realm by name, as every Doorkeep request does), compares the client secret, builds
claims shaped like Doorkeep's client_credentials access token and signs them RS256 with PyJWT's
``RSAAlgorithm`` over ``cryptography``, Doorkeep's own signing path. No sessions, no service-account user,
no roles, no mappers, no events. Started by bench/stack.py; nothing here is used outside the benchmark.

Environment: ``STACK_DB`` (a SQLite file this app creates), ``STACK_SECRET`` (the client secret).
"""

from __future__ import annotations

import base64
import hmac
import json
import os
import sqlite3
import time
import uuid
from urllib.parse import parse_qsl

from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
_RS256 = RSAAlgorithm(RSAAlgorithm.SHA256)
_SECRET = os.environ.get("STACK_SECRET", "")
_DB = sqlite3.connect(os.environ.get("STACK_DB", ":memory:"), isolation_level=None, check_same_thread=False)
_DB.execute("CREATE TABLE IF NOT EXISTS realms (name TEXT PRIMARY KEY, config_version INTEGER, config TEXT)")
_DB.execute("INSERT OR REPLACE INTO realms VALUES ('bench', 1, '{\"accessTokenLifespan\": 300}')")


def _b64(data: bytes) -> bytes:
    return base64.urlsafe_b64encode(data).rstrip(b"=")


_HEADER = _b64(json.dumps({"alg": "RS256", "typ": "JWT", "kid": "stack"}, separators=(",", ":")).encode())


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


app = Starlette(routes=[Route("/token", token, methods=["POST"])])
