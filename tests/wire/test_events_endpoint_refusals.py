"""The error events of the introspection, revocation and PAR endpoints' refusals, as Keycloak records them.

* TokenIntrospectionEndpoint: ``throwErrorResponseException`` puts ``detail`` (the answer's description) on the
  event and records ``invalid_request``; a failed client authentication records the flow's error first, then
  "Authentication failed." as a second event with the first's details.
* TokenRevocationEndpoint: checkToken, checkIssuedFor and checkUser record their Errors value with a ``reason``
  where Keycloak sets one; a bearer-only client and repeated parameters are refused without an event.
* ParEndpoint: every refusal after the client authenticated records PUSHED_AUTHORIZATION_REQUEST_ERROR with
  ``detail``, the checker's own error event first; a request kept records nothing (no ``event.success()``).

Every event is read from the admin events API of a realm that keeps these types.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from keycloak_port import import_realm, poll, put
from support import claims
from wire_env import Env

pytestmark = pytest.mark.anyio

REDIRECT = "http://127.0.0.1:9999/callback"
OIDC = "/realms/test/protocol/openid-connect"
KEPT = [
    "INTROSPECT_TOKEN_ERROR",
    "REVOKE_GRANT_ERROR",
    "PUSHED_AUTHORIZATION_REQUEST",
    "PUSHED_AUTHORIZATION_REQUEST_ERROR",
]
APP = {"client_id": "app", "client_secret": "secret"}
WRONG = {"client_id": "app", "client_secret": "wrong"}
FORM = "application/x-www-form-urlencoded"
SECRET_METHOD = {"client_auth_method": "client-secret"}


@pytest.fixture
async def kc(env: Env) -> Env:
    confidential = {"secret": "secret", "directAccessGrantsEnabled": True, "redirectUris": [REDIRECT]}
    await import_realm(
        env,
        {
            "realm": "test",
            "enabled": True,
            "eventsEnabled": True,
            "enabledEventTypes": KEPT,
            "clients": [
                {"clientId": "app", **confidential},
                {"clientId": "other", **confidential},
                {"clientId": "pub", "publicClient": True, "redirectUris": [REDIRECT]},
                {"clientId": "bearer", "secret": "secret", "bearerOnly": True},
                {"clientId": "saml", "secret": "secret", "protocol": "saml"},
            ],
            "users": [
                {
                    "username": "user1",
                    "enabled": True,
                    "email": "user1@localhost",
                    "firstName": "User",
                    "lastName": "One",
                    "credentials": [{"type": "password", "value": "password", "temporary": False}],
                }
            ],
        },
    )
    await poll(env)
    return env


async def send(env: Env, path: str, *pairs: tuple[str, str], **form: str) -> httpx.Response:
    """A POST of ``form`` plus ``pairs`` (a parameter may repeat there)."""
    body = urlencode([*form.items(), *pairs])
    return await env.http.post(f"{OIDC}/{path}", content=body, headers={"Content-Type": FORM})


async def tokens(env: Env, client_id: str = "app", **form: str) -> dict[str, Any]:
    response = await send(
        env,
        "token",
        client_id=client_id,
        client_secret="secret",
        grant_type="password",
        username="user1",
        password="password",
        **form,
    )
    assert response.status_code == 200, response.text
    await poll(env)
    return dict(response.json())


def answer(response: httpx.Response, status: int, error: str, description: str) -> None:
    assert response.status_code == status, response.text
    assert response.json() == {"error": error, "error_description": description}


async def recorded(env: Env) -> list[tuple[str, str | None, str | None, dict[str, str]]]:
    """The events since the last poll, oldest first: (type, error, clientId, details)."""
    return [(e["type"], e.get("error"), e.get("clientId"), e.get("details", {})) for e in await poll(env)]


def no_user_or_session(events: list[dict[str, Any]]) -> None:
    for event in events:
        assert "userId" not in event and "sessionId" not in event, event


# --- introspection ---------------------------------------------------------------------------------------


async def test_introspection_without_a_token_records_the_missing_token(kc: Env) -> None:
    answer(await send(kc, "token/introspect", **APP), 400, "invalid_request", "Token not provided.")
    assert await recorded(kc) == [
        ("INTROSPECT_TOKEN_ERROR", "invalid_request", "app", {**SECRET_METHOD, "detail": "Token not provided."})
    ]


async def test_introspection_with_a_repeated_parameter_records_it(kc: Env) -> None:
    token = (await tokens(kc))["access_token"]
    response = await send(kc, "token/introspect", ("token", token), ("token", token), **APP)
    answer(response, 400, "invalid_request", "duplicated parameter")
    assert await recorded(kc) == [
        ("INTROSPECT_TOKEN_ERROR", "invalid_request", "app", {**SECRET_METHOD, "detail": "duplicated parameter"})
    ]


async def test_introspection_with_an_unknown_hint_records_the_answer(kc: Env) -> None:
    response = await send(kc, "token/introspect", token="x", token_type_hint="id_token", **APP)
    answer(response, 400, "invalid_request", "Unsupported token type [id_token].")
    assert await recorded(kc) == [
        (
            "INTROSPECT_TOKEN_ERROR",
            "invalid_request",
            "app",
            {**SECRET_METHOD, "detail": "Unsupported token type [id_token]."},
        )
    ]


async def test_a_public_client_is_not_allowed_once_authenticated(kc: Env) -> None:
    response = await send(kc, "token/introspect", token="x", client_id="pub")
    answer(response, 403, "invalid_request", "Client not allowed.")
    assert await recorded(kc) == [
        ("INTROSPECT_TOKEN_ERROR", "invalid_request", "pub", {**SECRET_METHOD, "detail": "Client not allowed."})
    ]


@pytest.mark.parametrize(
    ("auth", "flow_error", "named"),
    [
        (WRONG, "invalid_client_credentials", "app"),
        ({"client_id": "nobody", "client_secret": "secret"}, "client_not_found", "nobody"),
    ],
)
async def test_a_failed_client_authentication_records_the_flow_s_error_then_authentication_failed(
    kc: Env, auth: dict[str, str], flow_error: str, named: str
) -> None:
    """No ``client_auth_method``: no authenticator succeeded."""
    answer(await send(kc, "token/introspect", token="x", **auth), 401, "invalid_request", "Authentication failed.")
    assert await recorded(kc) == [
        ("INTROSPECT_TOKEN_ERROR", flow_error, named, {}),
        ("INTROSPECT_TOKEN_ERROR", "invalid_request", named, {"detail": "Authentication failed."}),
    ]


async def test_a_client_of_another_protocol_records_invalid_client_once(kc: Env) -> None:
    """AuthorizeClientUtil's protocol check throws an ErrorResponseException, which introspection lets through."""
    response = await send(kc, "token/introspect", token="x", client_id="saml", client_secret="secret")
    answer(response, 400, "invalid_client", "Wrong client protocol.")
    assert await recorded(kc) == [("INTROSPECT_TOKEN_ERROR", "invalid_client", "saml", SECRET_METHOD)]


# --- revocation ------------------------------------------------------------------------------------------


async def test_revocation_without_a_token_records_the_reason(kc: Env) -> None:
    answer(await send(kc, "revoke", **APP), 400, "invalid_request", "Token not provided")
    found = await poll(kc)
    assert [(e["type"], e["error"], e["clientId"], e["details"]) for e in found] == [
        ("REVOKE_GRANT_ERROR", "invalid_request", "app", {**SECRET_METHOD, "reason": "Token not provided"})
    ]
    no_user_or_session(found)


async def test_revoking_an_id_token_records_invalid_token_type(kc: Env) -> None:
    id_token = (await tokens(kc, scope="openid"))["id_token"]
    response = await send(kc, "revoke", token=id_token, **APP)
    answer(response, 400, "unsupported_token_type", "Unsupported token type")
    assert await recorded(kc) == [
        ("REVOKE_GRANT_ERROR", "invalid_token_type", "app", {**SECRET_METHOD, "reason": "Unsupported token type"})
    ]


async def test_revoking_another_client_s_token_records_unmatching_clients(kc: Env) -> None:
    refresh = (await tokens(kc, client_id="other"))["refresh_token"]
    answer(await send(kc, "revoke", token=refresh, **APP), 400, "invalid_request", "Unmatching clients")
    assert await recorded(kc) == [
        ("REVOKE_GRANT_ERROR", "invalid_request", "app", {**SECRET_METHOD, "reason": "Unmatching clients"})
    ]


async def test_revoking_a_token_that_does_not_decode_records_invalid_token(kc: Env) -> None:
    answer(await send(kc, "revoke", token="not-a-token", **APP), 200, "invalid_token", "Invalid token")
    assert await recorded(kc) == [("REVOKE_GRANT_ERROR", "invalid_token", "app", SECRET_METHOD)]


async def test_revoking_a_refresh_token_twice_records_no_error(kc: Env) -> None:
    """The first revocation detached the client from the session: findValidSession finds none holding it, which
    checkUser answers 200 invalid_token without a REVOKE_GRANT_ERROR (USER_SESSION_NOT_FOUND is not reported since
    Keycloak PR #50828: the token is as good as revoked)."""
    refresh = (await tokens(kc))["refresh_token"]
    assert (await send(kc, "revoke", token=refresh, **APP)).status_code == 200
    assert await recorded(kc) == []  # REVOKE_GRANT itself is not kept here
    answer(await send(kc, "revoke", token=refresh, **APP), 200, "invalid_token", "Invalid token")
    assert await poll(kc) == []
    assert claims(refresh)["azp"] == "app"


async def test_a_failed_client_authentication_at_revocation_records_the_flow_s_error_only(kc: Env) -> None:
    answer(
        await send(kc, "revoke", token="x", **WRONG),
        401,
        "unauthorized_client",
        "Invalid client or Invalid client credentials",
    )
    assert await recorded(kc) == [("REVOKE_GRANT_ERROR", "invalid_client_credentials", "app", {})]


async def test_bearer_only_clients_and_repeated_parameters_are_refused_without_an_event(kc: Env) -> None:
    bearer = await send(kc, "revoke", token="x", client_id="bearer", client_secret="secret")
    answer(bearer, 400, "invalid_client", "Bearer-only not allowed")
    repeated = await send(kc, "revoke", ("token", "x"), ("token", "y"), **APP)
    answer(repeated, 400, "invalid_request", "duplicated parameter")
    assert await recorded(kc) == []


# --- pushed authorization requests -----------------------------------------------------------------------


async def push(kc: Env, *pairs: tuple[str, str], **form: str) -> httpx.Response:
    params = {"response_type": "code", "redirect_uri": REDIRECT, "scope": "openid", **APP, **form}
    return await send(kc, "ext/par/request", *pairs, **params)


async def test_a_kept_request_records_no_event(kc: Env) -> None:
    response = await push(kc)
    assert response.status_code == 201, response.text
    assert await recorded(kc) == []


async def test_a_pushed_request_uri_records_the_refusal(kc: Env) -> None:
    response = await push(kc, request_uri="urn:ietf:params:oauth:request_uri:x")
    answer(response, 400, "invalid_request", "It is not allowed to include request_uri to PAR.")
    found = await poll(kc)
    assert [(e["type"], e["error"], e["clientId"], e["details"]) for e in found] == [
        (
            "PUSHED_AUTHORIZATION_REQUEST_ERROR",
            "invalid_request",
            "app",
            {**SECRET_METHOD, "detail": "It is not allowed to include request_uri to PAR."},
        )
    ]
    no_user_or_session(found)


@pytest.mark.parametrize(
    ("auth", "flow_error", "named", "method"),
    [
        (WRONG, "invalid_client_credentials", "app", {}),
        ({"client_id": "saml", "client_secret": "secret"}, "invalid_client", "saml", SECRET_METHOD),
    ],
)
async def test_a_client_refused_at_par_records_its_error_then_authentication_failed(
    kc: Env, auth: dict[str, str], flow_error: str, named: str, method: dict[str, str]
) -> None:
    """AbstractParEndpoint catches every exception of authorizeClient, the protocol refusal too."""
    answer(await push(kc, **auth), 401, "invalid_request", "Authentication failed.")
    assert await recorded(kc) == [
        ("PUSHED_AUTHORIZATION_REQUEST_ERROR", flow_error, named, method),
        (
            "PUSHED_AUTHORIZATION_REQUEST_ERROR",
            "invalid_request",
            named,
            {**method, "detail": "Authentication failed."},
        ),
    ]


async def test_an_unregistered_redirect_uri_records_the_checker_s_error_then_the_answer(kc: Env) -> None:
    bad = "http://evil.example/cb"
    answer(await push(kc, redirect_uri=bad), 400, "invalid_request", "Invalid parameter: redirect_uri")
    first = {**SECRET_METHOD, "redirect_uri": bad}
    assert await recorded(kc) == [
        ("PUSHED_AUTHORIZATION_REQUEST_ERROR", "invalid_redirect_uri", "app", first),
        (
            "PUSHED_AUTHORIZATION_REQUEST_ERROR",
            "invalid_request",
            "app",
            {**first, "detail": "Invalid parameter: redirect_uri"},
        ),
    ]


async def test_an_unknown_response_type_records_the_checker_s_reason_then_the_answer(kc: Env) -> None:
    answer(await push(kc, response_type="bogus"), 400, "invalid_request", "Unsupported response type")
    first = {
        **SECRET_METHOD,
        "redirect_uri": REDIRECT,
        "response_type": "bogus",
        "reason": "Unsupported response_type",
    }
    assert await recorded(kc) == [
        ("PUSHED_AUTHORIZATION_REQUEST_ERROR", "invalid_request", "app", first),
        (
            "PUSHED_AUTHORIZATION_REQUEST_ERROR",
            "invalid_request",
            "app",
            {**first, "detail": "Unsupported response type"},
        ),
    ]


async def test_events_are_not_kept_when_the_realm_does_not_keep_the_type(kc: Env) -> None:
    """A refusal still answers the same; the event goes only where the realm keeps its type."""
    await put(kc, "/events/config", {"eventsEnabled": True, "enabledEventTypes": ["LOGIN"]})
    answer(await send(kc, "revoke", **APP), 400, "invalid_request", "Token not provided")
    answer(await send(kc, "token/introspect", **APP), 400, "invalid_request", "Token not provided.")
    answer(await push(kc, **WRONG), 401, "invalid_request", "Authentication failed.")
    assert await recorded(kc) == []
