"""Pushed authorization requests (RFC 9126), replaying Keycloak 26's ParTest.

``POST .../ext/par/request`` authenticates the client as the token endpoint does, checks what was pushed as the
authorization endpoint would (each failure a 400 JSON error), and answers 201 ``request_uri`` + ``expires_in``
(the realm's ``parRequestUriLifespan``). The authorization endpoint uses a ``request_uri`` once; unknown, used,
another client's or expired, it is the "Invalid Request" page, never a redirect.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import pytest

from browser_flow import REDIRECT, code_from, exchange, submit
from support import seed_client, seed_realm, seed_user, update_client, update_realm
from wire_env import Env, another_worker

pytestmark = pytest.mark.anyio

PAR = "/realms/test/protocol/openid-connect/ext/par/request"
AUTH = "/realms/test/protocol/openid-connect/auth"
PREFIX = "urn:ietf:params:oauth:request_uri:"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app", redirect_uris=(REDIRECT,), web_origins=("http://spa.example",))
    await seed_client(env.db, "test", "other", redirect_uris=(REDIRECT,))
    await seed_user(env.db, env.clock, "test", "user1")
    return env


def basic(client_id: str = "app", secret: str = "secret") -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


async def push(env: Env, headers: dict[str, str] | None = None, **form: str | None) -> httpx.Response:
    data = {"client_id": "app", "response_type": "code", "redirect_uri": REDIRECT, "scope": "openid", **form}
    return await env.http.post(PAR, data={k: v for k, v in data.items() if v is not None}, headers=headers or basic())


def error(response: httpx.Response, status: int, code: str, description: str | None = None) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == code, body
    if description is not None:
        assert body["error_description"] == description, body


async def authorize(env: Env, request_uri: str, client_id: str = "app", **query: str) -> httpx.Response:
    return await env.http.get(AUTH, params={"client_id": client_id, "request_uri": request_uri, **query})


def invalid_request_page(response: httpx.Response) -> None:
    assert response.status_code == 400, (response.status_code, response.headers.get("location"))
    assert "location" not in response.headers  # never redirected (ParTest: isRedirected() is false)
    assert "Invalid Request" in response.text


async def test_successful_single_par(realm: Env) -> None:  # testSuccessfulSinglePar
    await update_realm(realm.db, "test", attributes={"parRequestUriLifespan": "45"})
    pushed = await push(realm, nonce="n1")
    assert pushed.status_code == 201, pushed.text
    body: dict[str, Any] = pushed.json()
    assert list(body) == ["request_uri", "expires_in"]
    assert body["request_uri"].startswith(PREFIX) and body["expires_in"] == 45
    assert pushed.headers["cache-control"] == "no-store"
    page = await authorize(realm, body["request_uri"], state="from-query")  # no response_type needed
    assert page.status_code == 200, page.text[:300]
    answer = code_from(await submit(realm.http, page, username="user1", password="password"))
    assert answer["state"] == "from-query"  # not pushed: the query's
    tokens = await exchange(realm.http, "test", "app", answer["code"])
    assert tokens.status_code == 200, tokens.text


async def test_the_pushed_parameters_replace_the_querys(realm: Env) -> None:
    body = (await push(realm, state="pushed")).json()
    page = await authorize(realm, body["request_uri"], state="query", redirect_uri="http://evil.example/cb")
    answer = code_from(await submit(realm.http, page, username="user1", password="password"))
    assert answer["state"] == "pushed"


async def test_a_pushed_request_object_replaces_every_parameter(realm: Env) -> None:
    # testRequestParameterPrecedenceOverOtherParameters / testIgnoreParameterIfNotSetinRequestObject
    claims = {"client_id": "app", "response_type": "code", "redirect_uri": REDIRECT, "scope": "openid", "nonce": "n"}
    request = base64.urlsafe_b64encode(b'{"alg":"none"}').rstrip(b"=").decode() + "."
    request += base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode() + "."
    pushed = await push(realm, request=request, response_type="code id_token", redirect_uri="http://invalid")
    assert pushed.status_code == 201, pushed.text
    page = await authorize(realm, pushed.json()["request_uri"], response_type="invalid", state="wrongState")
    answer = code_from(await submit(realm.http, page, username="user1", password="password"))
    assert "state" not in answer  # not in the request object: none, not the query's


async def test_request_uri_is_single_use(realm: Env) -> None:  # testFailureParUsedTwice
    """Keycloak 26.8's testFailureParUsedTwice: once a login that began with the request_uri has ended with a
    code, the request_uri begins no other login."""
    request_uri = (await push(realm)).json()["request_uri"]
    page = await authorize(realm, request_uri, state="first")
    answer = code_from(await submit(realm.http, page, username="user1", password="password"))
    assert (await exchange(realm.http, "test", "app", answer["code"])).status_code == 200
    invalid_request_page(await authorize(realm, request_uri, state="second"))


async def test_a_request_uri_begins_logins_until_the_first_of_them_ends(realm: Env) -> None:
    """RFC 9126 §4 and Keycloak 26.8 (issues 48072 and 51761, OIDCLoginProtocol.authenticationComplete): the
    request_uri is used up when a login ends, not when the authorization endpoint reads it. Two browsers (two
    workers) begin a login with it, both get the login form; the first to sign in gets its code, the other's
    sign-in ends on Keycloak's AuthenticationFlowException INTERNAL_ERROR (LOGIN_ERROR
    ``invalid_user_credentials``, the 400 "Unexpected error" page), and no third login begins with it."""
    await update_realm(realm.db, "test", events_enabled=True)
    request_uri = (await push(realm)).json()["request_uri"]
    first = await authorize(realm, request_uri, state="first")
    assert first.status_code == 200 and 'name="password"' in first.text
    async with another_worker(realm) as other:
        second = await other.get(AUTH, params={"client_id": "app", "request_uri": request_uri, "state": "second"})
        assert second.status_code == 200 and 'name="password"' in second.text
        answer = code_from(await submit(other, second, username="user1", password="password"))
    assert answer["state"] == "second"
    late = await submit(realm.http, first, username="user1", password="password")
    assert late.status_code == 400 and "location" not in late.headers, (late.status_code, late.headers)
    assert "Unexpected error when handling authentication request to identity provider." in late.text
    async with realm.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        errors = await tx.events.find(test.id, types=["LOGIN_ERROR"])
    assert [(e.error, e.client_id) for e in errors] == [("invalid_user_credentials", "app")], errors
    invalid_request_page(await authorize(realm, request_uri, state="third"))
    assert (await exchange(realm.http, "test", "app", answer["code"])).status_code == 200


async def test_a_request_uri_not_issued_or_of_another_client_is_refused(realm: Env) -> None:
    invalid_request_page(await authorize(realm, PREFIX + "A" * 40))  # testFailureNotIssuedParUsed
    request_uri = (await push(realm)).json()["request_uri"]
    invalid_request_page(await authorize(realm, request_uri, client_id="other"))  # testFailureParUsedByOtherClient
    assert (await authorize(realm, request_uri)).status_code == 200  # still the pushing client's


async def test_an_expired_request_uri_is_refused(realm: Env) -> None:  # testFailureParExpired
    body = (await push(realm)).json()
    assert body["expires_in"] == 60  # the default lifespan
    realm.clock.advance(body["expires_in"] + 5)
    invalid_request_page(await authorize(realm, body["request_uri"]))


async def test_par_required_client_without_a_request_uri(realm: Env) -> None:  # testFailureNotParByParRequiredCilent
    await update_client(realm.db, "test", "app", attributes={"require.pushed.authorization.requests": "true"})
    response = await realm.http.get(
        AUTH,
        params={"client_id": "app", "redirect_uri": REDIRECT, "response_type": "code", "scope": "openid", "state": "s"},
    )
    assert response.status_code == 302
    location = response.headers["location"]
    assert location.startswith(REDIRECT)
    assert "error=invalid_request" in location
    assert "error_description=Pushed+Authorization+Request+is+only+allowed." in location
    request_uri = (await push(realm)).json()["request_uri"]
    assert (await authorize(realm, request_uri)).status_code == 200


async def test_client_authentication_failed(realm: Env) -> None:  # testFailureClientAuthnFailed
    error(await push(realm, headers=basic(secret="wrong")), 401, "invalid_request", "Authentication failed.")


async def test_request_uri_inside_par_is_refused(realm: Env) -> None:  # testFailureParIncludesRequestUri
    response = await push(realm, request_uri=PREFIX + "A" * 40)
    error(response, 400, "invalid_request", "It is not allowed to include request_uri to PAR.")


async def test_invalid_pushed_parameters(realm: Env) -> None:
    error(
        await push(realm, redirect_uri="http://invalid.example"),
        400,
        "invalid_request",
        "Invalid parameter: redirect_uri",
    )
    error(await push(realm, response_type=None), 400, "invalid_request", "Missing parameter: response_type")
    error(await push(realm, response_type="bogus"), 400, "invalid_request", "Unsupported response type")
    error(
        await push(realm, scope="openid not_registered_scope"),
        400,
        "invalid_request",
        "Invalid scopes: openid not_registered_scope",
    )
    await update_client(realm.db, "test", "app", attributes={"pkce.code.challenge.method": "S256"})
    error(await push(realm), 400, "invalid_request", "Missing parameter: code_challenge_method")


async def test_a_client_requiring_a_request_object_fails_without_one(realm: Env) -> None:  # testFailureInvalidPar
    await update_client(realm.db, "test", "app", attributes={"request.object.required": "request only"})
    error(await push(realm), 400, "invalid_request", "invalidRequestMessage")
    error(await push(realm, request="abc"), 400, "invalid_request_object", "invalidRequestMessage")


async def test_par_cors_for_the_clients_web_origins(realm: Env) -> None:  # testParCorsRequestWith*
    """An origin the client does not allow: the request was pushed (201, no CORS) until Keycloak 26.6.3, which
    refuses it (403 "Invalid origin", no CORS) once the client is authenticated (#45957, PR #48469)."""
    allowed = await realm.http.post(
        PAR,
        data={"client_id": "app", "response_type": "code", "redirect_uri": REDIRECT, "scope": "openid"},
        headers={**basic(), "Origin": "http://spa.example"},
    )
    assert allowed.status_code == 201
    assert allowed.headers["access-control-allow-origin"] == "http://spa.example"
    assert allowed.headers["access-control-allow-credentials"] == "true"
    assert allowed.headers["access-control-expose-headers"] == "Access-Control-Allow-Methods"
    other = await realm.http.post(
        PAR,
        data={"client_id": "app", "response_type": "code", "redirect_uri": REDIRECT, "scope": "openid"},
        headers={**basic(), "Origin": "http://invalid.example"},
    )
    assert other.status_code == 403 and other.json() == {"error": "Invalid origin"}, other.text
    assert "access-control-allow-origin" not in other.headers


async def test_discovery_lists_the_par_endpoint(realm: Env) -> None:
    doc = (await realm.http.get("/realms/test/.well-known/openid-configuration")).json()
    assert doc["pushed_authorization_request_endpoint"] == "http://localhost" + PAR
    assert doc["require_pushed_authorization_requests"] is False


async def test_the_clients_credentials_are_not_kept_with_the_pushed_request(realm: Env) -> None:
    """A push authenticated in the form (client_secret_post, or a JWT assertion) leaves no bearer secret in the
    pushed request's row, and the request still serves the login."""
    from sqlalchemy import select

    from doorkeep.store.tables import pushed_authorization_requests

    data = {"client_id": "app", "client_secret": "secret", "response_type": "code", "redirect_uri": REDIRECT}
    pushed = await realm.http.post(PAR, data={**data, "scope": "openid", "state": "s1"})
    assert pushed.status_code == 201, pushed.text
    async with realm.db.engine.connect() as conn:
        rows = (await conn.execute(select(pushed_authorization_requests.c.params))).scalars().all()
    assert len(rows) == 1
    assert "client_secret" not in rows[0] and "secret" not in rows[0].values(), rows[0]
    assert rows[0]["state"] == "s1" and rows[0]["client_id"] == "app"
    page = await authorize(realm, pushed.json()["request_uri"])
    answer = code_from(await submit(realm.http, page, username="user1", password="password"))
    assert answer["state"] == "s1"
    assert (await exchange(realm.http, "test", "app", answer["code"])).status_code == 200
