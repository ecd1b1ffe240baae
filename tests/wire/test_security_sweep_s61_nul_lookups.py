"""Security sweep s61 (hostile input on both engines): a NUL character where the engines disagreed.

PostgreSQL refuses a NUL in a text parameter (SQLSTATE 22021, which the last line of defence answers 400 "Invalid
input"); SQLite compares it and finds nothing, or stores it. Every answer here is now one answer on both engines:

* a lookup by a value holding a NUL finds nothing, as it does on a database that takes the value (Keycloak keeps
  login tabs in memory, where an unknown tab id is the restart it always is): a realm path segment is Keycloak's
  404 "Realm does not exist", a ``tab_id`` is an unknown tab, an admin-event or login-event filter matches no
  event (SQLite's LIKE also ended an admin event's ``resourcePath`` at the NUL: ``*\\0`` matched every event);
* a protocol mapper named with a NUL is refused before the write (400 "Invalid input", PostgreSQL's answer) on
  client create and update, the client registration service, a scope's create and the mapper endpoint; SQLite
  stored it."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from browser_flow import start
from wire_env import Env

pytestmark = pytest.mark.anyio
ADMIN = "/admin/realms/test"
BAD_INPUT = {"error": "invalid_request", "error_description": "Invalid input"}
NUL_MAPPER = {
    "name": "a\x00b",
    "protocol": "openid-connect",
    "protocolMapper": "oidc-hardcoded-claim-mapper",
    "config": {"claim.name": "c", "claim.value": "v"},
}


@pytest.mark.parametrize("segment", ["%00", "te%00st", "test%00"])
@pytest.mark.parametrize(
    "tail",
    [
        "",
        "/.well-known/openid-configuration",
        "/protocol/openid-connect/certs",
        "/protocol/openid-connect/auth?client_id=app",
        "/broker/x/endpoint",
    ],
)
async def test_a_realm_named_with_a_nul_does_not_exist(realm: Env, segment: str, tail: str) -> None:
    answer = await realm.http.get(f"/realms/{segment}{tail}")
    assert answer.status_code == 404, answer.text
    assert "Realm does not exist" in answer.text  # the JSON, or the error page of a browser endpoint


async def test_a_realm_named_with_a_nul_does_not_exist_for_the_token_endpoint_or_a_browser(realm: Env) -> None:
    token = await realm.http.post(
        "/realms/te%00st/protocol/openid-connect/token", data={"grant_type": "password", "client_id": "app"}
    )
    assert token.status_code == 404, token.text
    assert token.json() == {"error": "Realm does not exist"}
    page = await realm.http.get("/realms/te%00st/protocol/openid-connect/auth", headers={"Accept": "text/html"})
    assert page.status_code == 404, page.text
    assert "Page not found" in page.text
    discovery = await realm.http.get("/.well-known/oauth-authorization-server/realms/te%00st")
    assert discovery.status_code == 404, discovery.text


def _shape(answer: httpx.Response) -> tuple[int, str]:
    """Status and where it leads, without the new tab's random id."""
    location = re.sub(r"tab_id=[^&]+", "tab_id=T", answer.headers.get("location", ""))
    return answer.status_code, re.sub(r"client_data=[^&]+", "client_data=D", location)


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("action", ["authenticate", "required-action", "consent", "registration", "restart"])
async def test_a_tab_id_with_a_nul_is_an_unknown_tab(realm: Env, method: str, action: str) -> None:
    await _browser_client(realm)
    answers = []
    for tab in ["no-such-tab", "a\x00b"]:
        page = await start(realm.http, "test", "browser")
        assert page.status_code == 200, page.text
        url = f"/realms/test/login-actions/{action}"
        answer = await realm.http.request(method, url, params={"client_id": "browser", "tab_id": tab})
        assert answer.status_code < 500, answer.text
        answers.append(_shape(answer))
    assert answers[1] == answers[0]


async def test_a_tab_id_with_a_nul_in_a_login_form_is_an_unknown_tab(realm: Env) -> None:
    await _browser_client(realm)
    answers = []
    for tab in ["no-such-tab", "\x00"]:
        page = await start(realm.http, "test", "browser")
        query = {"client_id": "browser", "tab_id": tab, "execution": "authenticate", "session_code": "x"}
        answer = await realm.http.post(
            "/realms/test/login-actions/authenticate",
            params=query,
            data={"username": "user1", "password": "password"},
        )
        assert page.status_code == 200 and answer.status_code < 500, answer.text
        answers.append(_shape(answer))
    assert answers[1] == answers[0]


async def _browser_client(env: Env) -> None:
    rep = {"clientId": "browser", "secret": "secret", "redirectUris": ["http://127.0.0.1:9999/*"]}
    created = await env.http.post(f"{ADMIN}/clients", json=rep, headers=await env.admin_headers())
    assert created.status_code == 201, created.text


@pytest.mark.parametrize("name", ["resourcePath", "authRealm", "authClient", "authUser", "authIpAddress"])
async def test_an_admin_event_filter_with_a_nul_matches_no_event(realm: Env, name: str) -> None:
    headers = await realm.admin_headers()
    on = await realm.http.put(ADMIN, json={"adminEventsEnabled": True}, headers=headers)
    assert on.status_code == 204, on.text
    made = await realm.http.post(f"{ADMIN}/roles", json={"name": "recorded"}, headers=headers)
    assert made.status_code == 201, made.text
    everything = await realm.http.get(f"{ADMIN}/admin-events", headers=headers)
    assert everything.status_code == 200 and everything.json(), everything.text
    for value in ["\x00", "roles\x00", "*\x00*"]:
        answer = await realm.http.get(f"{ADMIN}/admin-events", params={name: value}, headers=headers)
        assert answer.status_code == 200, answer.text
        assert answer.json() == []


@pytest.mark.parametrize("name", ["client", "user", "ipAddress"])
async def test_a_login_event_filter_with_a_nul_matches_no_event(realm: Env, name: str) -> None:
    headers = await realm.admin_headers()
    on = await realm.http.put(ADMIN, json={"eventsEnabled": True}, headers=headers)
    assert on.status_code == 204, on.text
    failed = await realm.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={"grant_type": "password", "client_id": "app", "client_secret": "secret", "username": "user1"},
    )
    assert failed.status_code == 400, failed.text
    everything = await realm.http.get(f"{ADMIN}/events", headers=headers)
    assert everything.status_code == 200 and everything.json(), everything.text
    for value in ["\x00", "app\x00"]:
        answer = await realm.http.get(f"{ADMIN}/events", params={name: value}, headers=headers)
        assert answer.status_code == 200, answer.text
        assert answer.json() == []


async def _refused(env: Env, method: str, url: str, rep: Any, headers: dict[str, str]) -> None:
    answer = await env.http.request(method, url, json=rep, headers=headers)
    assert answer.status_code == 400, answer.text
    assert answer.json() == BAD_INPUT


async def test_a_mapper_named_with_a_nul_is_invalid_input_and_nothing_is_written(realm: Env) -> None:
    headers = await realm.admin_headers()
    await _refused(
        realm, "POST", f"{ADMIN}/clients", {"clientId": "nul-mapper", "protocolMappers": [NUL_MAPPER]}, headers
    )
    assert (await realm.http.get(f"{ADMIN}/clients", params={"clientId": "nul-mapper"}, headers=headers)).json() == []
    app = (await realm.http.get(f"{ADMIN}/clients", params={"clientId": "app"}, headers=headers)).json()[0]
    await _refused(realm, "PUT", f"{ADMIN}/clients/{app['id']}", {"protocolMappers": [NUL_MAPPER]}, headers)
    await _refused(realm, "POST", f"{ADMIN}/clients/{app['id']}/protocol-mappers/models", NUL_MAPPER, headers)
    mappers = await realm.http.get(f"{ADMIN}/clients/{app['id']}/protocol-mappers/models", headers=headers)
    assert [m for m in mappers.json() if "\x00" in m["name"]] == []
    scope = {"name": "nul-scope", "protocol": "openid-connect", "protocolMappers": [NUL_MAPPER]}
    await _refused(realm, "POST", f"{ADMIN}/client-scopes", scope, headers)
    scopes = (await realm.http.get(f"{ADMIN}/client-scopes", headers=headers)).json()
    assert "nul-scope" not in [s["name"] for s in scopes]


async def test_a_registered_client_with_a_mapper_named_with_a_nul_is_invalid_input(realm: Env) -> None:
    headers = await realm.admin_headers()
    made = await realm.http.post(f"{ADMIN}/clients-initial-access", json={"count": 2}, headers=headers)
    assert made.status_code in (200, 201), made.text
    bearer = {"Authorization": f"Bearer {made.json()['token']}"}
    mapper = {**NUL_MAPPER, "protocolMapper": "oidc-usermodel-property-mapper", "config": {"user.attribute": "email"}}
    rep = {"clientId": "reg-nul", "protocolMappers": [mapper]}
    await _refused(realm, "POST", "/realms/test/clients-registrations/default", rep, bearer)
    assert (await realm.http.get(f"{ADMIN}/clients", params={"clientId": "reg-nul"}, headers=headers)).json() == []
