"""Request objects at the authorization endpoint, replaying Keycloak 26's OIDCAdvancedRequestParamsTest.

``request`` (and a registered ``request_uri``) as ``AuthorizationEndpointRequestParserProcessor`` reads them:
unsigned (``none``) or signed with the client's keys or secret, ``request.object.signature.alg`` and
``request.object.required`` honoured, the request object's parameters replacing the query's. Every refusal
is the "Invalid Request" page, never a redirect (the parser's ``ErrorPageException``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from browser_flow import REDIRECT, code_from, exchange, start, submit
from support import claims, seed_client, seed_realm, seed_user, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

AUTH = "/realms/test/protocol/openid-connect/auth"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER = rsa.generate_private_key(public_exponent=65537, key_size=2048)
REQUEST_URI = "https://client.example/ro/1.jwt"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def unsigned(**claims_: Any) -> str:
    return _b64(b'{"alg":"none"}') + "." + _b64(json.dumps(claims_).encode()) + "."


def hs256(secret: str, **claims_: Any) -> str:
    head = _b64(b'{"alg":"HS256"}') + "." + _b64(json.dumps(claims_).encode())
    return head + "." + _b64(hmac.new(secret.encode(), head.encode(), hashlib.sha256).digest())


def jwks(key: rsa.RSAPrivateKey) -> str:
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update(kid="k1", use="sig")
    return json.dumps({"keys": [jwk]})


def ro(**over: Any) -> dict[str, Any]:
    """The request object Keycloak's tests build: client, type, redirect URI, scope, state."""
    base = {"client_id": "app", "response_type": "code", "redirect_uri": REDIRECT, "scope": "openid", "state": "ro"}
    base.update(over)
    return {k: v for k, v in base.items() if v is not None}


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(
        env.db,
        "test",
        "app",
        redirect_uris=(REDIRECT,),
        attributes={"use.jwks.string": "true", "jwks.string": jwks(KEY), "request.uris": "https://client.example/ro/*"},
    )
    await seed_user(env.db, env.clock, "test", "user1")
    return env


def invalid_request_page(response: httpx.Response) -> None:
    assert response.status_code == 400, (response.status_code, response.headers.get("location"))
    assert "location" not in response.headers
    assert "Invalid Request" in response.text


def sent_back(response: httpx.Response) -> dict[str, str]:
    assert response.status_code == 302, response.text[:300]
    location = response.headers["location"]
    assert location.startswith(REDIRECT), location
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


async def log_in(env: Env, page: httpx.Response) -> dict[str, str]:
    assert page.status_code == 200, page.text[:400]
    return code_from(await submit(env.http, page, username="user1", password="password"))


async def test_an_unsigned_request_object_is_read(realm: Env) -> None:  # requestParamUnsigned
    page = await start(realm.http, "test", "app", state="query", request=unsigned(**ro(state="from-ro", nonce="n1")))
    answer = await log_in(realm, page)
    assert answer["state"] == "from-ro"  # the request object's state replaces the query's
    tokens = await exchange(realm.http, "test", "app", answer["code"])
    assert tokens.status_code == 200, tokens.text
    assert claims(tokens.json()["id_token"])["nonce"] == "n1"


async def test_a_request_object_signed_with_the_clients_key_is_read(realm: Env) -> None:  # requestParamSigned
    signed = jwt.encode(ro(nonce="signed"), KEY, algorithm="RS256", headers={"kid": "k1"})
    answer = await log_in(realm, await start(realm.http, "test", "app", request=signed))
    tokens = await exchange(realm.http, "test", "app", answer["code"])
    assert claims(tokens.json()["id_token"])["nonce"] == "signed"


async def test_a_request_object_signed_with_another_key_is_the_invalid_request_page(realm: Env) -> None:
    signed = jwt.encode(ro(), OTHER, algorithm="RS256", headers={"kid": "k1"})
    invalid_request_page(await start(realm.http, "test", "app", request=signed))


async def test_an_hs256_request_object_is_checked_with_the_client_secret(realm: Env) -> None:
    answer = await log_in(realm, await start(realm.http, "test", "app", request=hs256("secret", **ro())))
    assert answer["state"] == "ro"
    invalid_request_page(await start(realm.http, "test", "app", request=hs256("wrong", **ro())))


async def test_the_clients_signature_algorithm_is_required(realm: Env) -> None:  # requestParamSigned (alg)
    await update_client(
        realm.db,
        "test",
        "app",
        attributes={"jwks.string": jwks(KEY), "use.jwks.string": "true", "request.object.signature.alg": "RS256"},
    )
    invalid_request_page(await start(realm.http, "test", "app", request=unsigned(**ro())))
    signed = jwt.encode(ro(), KEY, algorithm="RS256", headers={"kid": "k1"})
    assert (await start(realm.http, "test", "app", request=signed)).status_code == 200
    await update_client(
        realm.db, "test", "app", attributes={"request.object.signature.alg": "none"}
    )  # "none" only: a signed one is refused
    invalid_request_page(await start(realm.http, "test", "app", request=signed))
    assert (await start(realm.http, "test", "app", request=unsigned(**ro()))).status_code == 200


async def test_the_request_object_may_not_name_another_client(realm: Env) -> None:
    """Since keycloak/keycloak#14255 a request object need not name the client; naming another is refused."""
    page = await start(realm.http, "test", "app", request=unsigned(**ro(client_id=None)))
    assert "code" in await log_in(realm, page)
    invalid_request_page(await start(realm.http, "test", "app", request=unsigned(**ro(client_id="other"))))
    invalid_request_page(await start(realm.http, "test", "app", request=unsigned(**ro(request_uri=REQUEST_URI))))


async def test_garbage_and_encrypted_request_objects_are_the_invalid_request_page(realm: Env) -> None:
    invalid_request_page(await start(realm.http, "test", "app", request="abc"))  # requestParam: not a JWT
    jwe_header = _b64(json.dumps({"alg": "RSA-OAEP", "enc": "A256GCM"}).encode())
    invalid_request_page(await start(realm.http, "test", "app", request=f"{jwe_header}.a.b.c.d"))  # undecryptable
    no_alg = _b64(b"{}") + "." + _b64(json.dumps(ro()).encode()) + "."
    invalid_request_page(await start(realm.http, "test", "app", request=no_alg))


async def test_request_and_request_uri_together_are_refused(realm: Env) -> None:
    page = await start(realm.http, "test", "app", request=unsigned(**ro()), request_uri=REQUEST_URI)
    invalid_request_page(page)


async def test_a_query_response_type_that_differs_is_sent_back(realm: Env) -> None:
    page = await start(realm.http, "test", "app", response_type="code", request=unsigned(**ro(response_type="none")))
    back = sent_back(page)
    assert back["error"] == "invalid_request"
    assert back["error_description"] == "Parameter response_type does not match"
    assert back["state"] == "ro"


async def test_query_parameters_the_request_object_lacks_are_kept(realm: Env) -> None:
    page = await start(realm.http, "test", "app", state="q", request=unsigned(**ro(state=None)))
    assert (await log_in(realm, page))["state"] == "q"


async def test_prompt_and_max_age_inside_the_request_object_apply(realm: Env) -> None:
    await log_in(realm, await start(realm.http, "test", "app"))  # an SSO session
    page = await start(realm.http, "test", "app", request=unsigned(**ro(prompt="none")))
    assert sent_back(page)["state"] == "ro" and "code" in sent_back(page)
    page = await start(realm.http, "test", "app", request=unsigned(**ro(prompt="login")))
    assert page.status_code == 200 and "password" in page.text  # a new login asked for
    invalid_request_page(await start(realm.http, "test", "app", request=unsigned(**ro(max_age="x"))))


@pytest.mark.parametrize(
    ("required", "sent", "ok"),
    [
        ("request or request_uri", {}, False),
        ("request or request_uri", {"request": "ro"}, True),
        ("request only", {}, False),
        ("request only", {"request_uri": REQUEST_URI}, False),
        ("request only", {"request": "ro"}, True),
        ("request_uri only", {"request": "ro"}, False),
        ("request_uri only", {"request_uri": REQUEST_URI}, True),
        ("not required", {}, True),
    ],
)
async def test_request_object_required(realm: Env, required: str, sent: dict[str, str], ok: bool) -> None:
    await update_client(
        realm.db,
        "test",
        "app",
        attributes={"request.object.required": required, "request.uris": "https://client.example/ro/*"},
    )

    async def fetch(url: str) -> bytes:
        return unsigned(**ro()).encode()

    for app in realm.apps:
        app.state.doorkeep.services.client_keys.fetch_request = fetch
    params = {k: unsigned(**ro()) if v == "ro" else v for k, v in sent.items()}
    page = await start(realm.http, "test", "app", **params)
    if ok:
        assert page.status_code == 200, page.text[:300]
    else:
        invalid_request_page(page)


async def test_a_registered_request_uri_is_fetched(realm: Env) -> None:  # requestUriParamWithAllowedRequestUris
    fetched: list[str] = []

    async def fetch(url: str) -> bytes:
        fetched.append(url)
        return unsigned(**ro(state="fetched")).encode()

    for app in realm.apps:
        app.state.doorkeep.services.client_keys.fetch_request = fetch
    answer = await log_in(realm, await start(realm.http, "test", "app", request_uri=REQUEST_URI))
    assert answer["state"] == "fetched"
    invalid_request_page(await start(realm.http, "test", "app", request_uri="https://evil.example/ro.jwt"))
    invalid_request_page(await start(realm.http, "test", "app", request_uri="https://client.example/ro/../x"))
    assert fetched == [REQUEST_URI]  # nothing outside request.uris is ever fetched


async def test_no_registered_request_uris_fetch_nothing(realm: Env) -> None:
    await update_client(realm.db, "test", "app", attributes={})

    async def fetch(url: str) -> bytes:
        raise AssertionError(url)

    for app in realm.apps:
        app.state.doorkeep.services.client_keys.fetch_request = fetch
    invalid_request_page(await start(realm.http, "test", "app", request_uri=REQUEST_URI))


async def test_a_request_uri_that_cannot_be_fetched_is_the_invalid_request_page(realm: Env) -> None:
    async def fetch(url: str) -> bytes:
        raise ValueError("404")

    for app in realm.apps:
        app.state.doorkeep.services.client_keys.fetch_request = fetch
    invalid_request_page(await start(realm.http, "test", "app", request_uri=REQUEST_URI))


async def test_an_unknown_client_is_named_before_the_request_object(realm: Env) -> None:
    page = await start(realm.http, "test", "nobody", request="abc")
    assert page.status_code == 400 and "Client not found." in page.text


async def test_discovery_lists_request_objects_as_keycloak(realm: Env) -> None:
    doc = (await realm.http.get("/realms/test/.well-known/openid-configuration")).json()
    assert doc["request_parameter_supported"] is True
    assert doc["request_uri_parameter_supported"] is True
    assert doc["require_request_uri_registration"] is True
    assert doc["request_object_signing_alg_values_supported"][-1] == "none"
    assert "RS256" in doc["request_object_signing_alg_values_supported"]
    assert "RSA-OAEP" in doc["request_object_encryption_alg_values_supported"]
    assert "A256GCM" in doc["request_object_encryption_enc_values_supported"]
