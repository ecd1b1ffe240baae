"""JWTs a caller sends before anyone is authenticated (a client assertion, a request object pushed or sent to
the authorization endpoint, a client's fetched JWK set) nested too deeply for the JSON parser are answered as
any unparseable one is, never a 500 (a RecursionError escaped from ``json.loads`` in client_assertion.parse).
"""

from __future__ import annotations

import base64

import httpx
import pytest

from browser_flow import REDIRECT
from support import seed_client, seed_realm, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

OIDC = "/realms/test/protocol/openid-connect"
BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
DEEP = b'{"a":' + b"[" * 20_000 + b"]" * 20_000 + b"}"


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt_with(claims: bytes) -> str:
    return _b64(b'{"alg":"none"}') + "." + _b64(claims) + "."


DEEP_JWT, GARBAGE_JWT = jwt_with(DEEP), jwt_with(b"not json")


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app", redirect_uris=(REDIRECT,))
    return env


def same_answer(deep: httpx.Response, garbage: httpx.Response) -> None:
    assert deep.status_code != 500, deep.text
    assert (deep.status_code, deep.text) == (garbage.status_code, garbage.text)


async def test_a_deep_client_assertion_fails_as_a_garbage_one(realm: Env) -> None:
    async def token(assertion: str) -> httpx.Response:
        form = {"grant_type": "client_credentials", "client_assertion_type": BEARER, "client_assertion": assertion}
        return await realm.http.post(f"{OIDC}/token", data=form)

    same_answer(await token(DEEP_JWT), await token(GARBAGE_JWT))


async def test_a_deep_pushed_request_object_is_invalid_request_object(realm: Env) -> None:
    async def push(request: str) -> httpx.Response:
        form = {"client_id": "app", "client_secret": "secret", "response_type": "code", "request": request}
        return await realm.http.post(f"{OIDC}/ext/par/request", data=form)

    deep = await push(DEEP_JWT)
    assert (deep.status_code, deep.json()["error"]) == (400, "invalid_request_object"), deep.text
    same_answer(deep, await push(GARBAGE_JWT))


async def test_a_deep_request_object_is_the_invalid_request_page(realm: Env) -> None:
    async def authorize(request: str) -> httpx.Response:
        form = {"client_id": "app", "response_type": "code", "redirect_uri": REDIRECT, "request": request}
        return await realm.http.post(f"{OIDC}/auth", data=form)

    deep = await authorize(DEEP_JWT)
    assert deep.status_code == 400 and "location" not in deep.headers and "Invalid Request" in deep.text
    assert (await authorize(GARBAGE_JWT)).status_code == 400


async def test_a_deep_fetched_jwk_set_is_no_key(realm: Env) -> None:
    async def fetch(url: str) -> bytes:
        return b'{"keys":' + b"[" * 20_000 + b"]" * 20_000 + b"}"

    for app in realm.apps:
        app.state.doorkeep.services.client_keys.fetch = fetch
    attributes = {"use.jwks.url": "true", "jwks.url": "https://app.example/jwks"}
    await update_client(realm.db, "test", "app", client_authenticator_type="client-jwt", attributes=attributes)
    signed = _b64(b'{"alg":"RS256","kid":"k1"}') + "." + _b64(b'{"iss":"app","sub":"app"}') + "." + _b64(b"sig")
    form = {"grant_type": "client_credentials", "client_assertion_type": BEARER, "client_assertion": signed}
    response = await realm.http.post(f"{OIDC}/token", data=form)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_client"
