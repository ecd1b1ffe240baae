"""L1: bad integers and deeply nested JSON get Keycloak's 4xx, never a 500 (security review L1)."""

from __future__ import annotations

import base64
import json

import pytest

from browser_flow import REDIRECT, login, start
from support import password_grant, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

ADMIN = "/admin/realms/test"
NOT_FOUND = {"error": "HTTP 404 Not Found"}
BAD_INTS = ["x", "²", "٣", "1.5", "1e3", " 1", "2147483648", "-2147483649", "9" * 25, "9" * 5000, "0x10"]
DEEP = "[" * 20_000 + "]" * 20_000  # under the 64 KB body limit of the tests, over the recursion limit


async def _setup(env: Env) -> dict[str, str]:
    await seed_realm(env.db, env.clock)
    app = await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_user(env.db, env.clock, "test", "user1")
    await env.http.post(f"{ADMIN}/roles", json={"name": "viewer"}, headers=await env.admin_headers())
    assert app.id
    return await env.admin_headers()


async def _list_urls(env: Env, headers: dict[str, str]) -> list[str]:
    clients = (await env.http.get(f"{ADMIN}/clients", params={"clientId": "app"}, headers=headers)).json()
    app = clients[0]["id"]
    viewer = (await env.http.get(f"{ADMIN}/roles/viewer", headers=headers)).json()["id"]
    return [
        f"{ADMIN}/clients",
        f"{ADMIN}/roles",
        f"{ADMIN}/clients/{app}/roles",
        f"{ADMIN}/roles/viewer/users",
        f"{ADMIN}/roles-by-id/{viewer}/composites",  # by name, Keycloak takes no first/max (they are ignored)
        f"{ADMIN}/users",
        f"{ADMIN}/events",
        f"{ADMIN}/clients/{app}/offline-sessions",
        f"{ADMIN}/clients/{app}/user-sessions",
    ]


async def test_bad_first_or_max_on_an_admin_list_without_a_token_is_401_not_500(env: Env) -> None:
    headers = await _setup(env)
    for url in await _list_urls(env, headers):
        for name in ("first", "max"):
            response = await env.http.get(url, params={name: "x"})
            assert response.status_code == 401, (url, name, response.status_code, response.text)


async def test_bad_first_or_max_on_every_admin_list_is_keycloaks_404(env: Env) -> None:
    headers = await _setup(env)
    for url in await _list_urls(env, headers):
        for bad in BAD_INTS:
            for name in ("first", "max"):
                response = await env.http.get(url, params={name: bad}, headers=headers)
                assert response.status_code == 404 and response.json() == NOT_FOUND, (url, name, bad, response.text)


async def test_first_and_max_at_the_ends_of_the_int_range_page_normally(env: Env) -> None:
    headers = await _setup(env)
    for url in await _list_urls(env, headers):
        for params in (
            {"first": "2147483647"},
            {"max": "2147483647"},
            {"first": "-2147483648", "max": "-1"},
            {"first": "+0", "max": "0"},
        ):
            response = await env.http.get(url, params=params, headers=headers)
            assert response.status_code == 200, (url, params, response.text)
            assert isinstance(response.json(), list)


async def test_a_huge_event_max_is_a_404_and_the_events_still_list(env: Env) -> None:
    headers = await _setup(env)
    response = await env.http.get(f"{ADMIN}/events", params={"max": "9999999999999999999999999"}, headers=headers)
    assert response.status_code == 404 and response.json() == NOT_FOUND
    assert (await env.http.get(f"{ADMIN}/events", headers=headers)).status_code == 200


async def test_a_max_age_that_is_not_a_java_int_shows_the_invalid_request_page(env: Env) -> None:
    await _setup(env)
    # Integer.valueOf("") fails too: an empty max_age is Keycloak's error page, not "no max_age"
    for max_age in ("²", "٣", "x", "1.5", "99999999999999999999", "2147483648", "-2147483649", "9" * 5000, ""):
        page = await start(env.http, "test", "app", max_age=max_age)
        assert page.status_code == 400, (max_age, page.text[:300])
        assert "Invalid Request" in page.text


async def test_a_max_age_that_is_an_int_starts_the_login(env: Env) -> None:
    await _setup(env)
    for max_age in ("0", "300", "-1", "2147483647"):
        env.http.cookies.clear()
        code = await login(env.http, "test", "app", max_age=max_age)
        assert "code" in code, max_age


async def test_realm_integers_outside_java_int_are_a_400_and_not_stored(env: Env) -> None:
    headers = await _setup(env)
    before = (await env.http.get(ADMIN, headers=headers)).json()
    for field in (
        "accessCodeLifespanLogin",
        "accessTokenLifespan",
        "ssoSessionMaxLifespan",
        "offlineSessionIdleTimeout",
        "notBefore",
        "refreshTokenMaxReuse",
    ):
        for value in (10**23, 2**31, -(2**31) - 1, "²", "٣", "1e3", 1.5, True, [1], {"a": 1}):
            response = await env.http.put(
                ADMIN, content=json.dumps({field: value}), headers={**headers, "Content-Type": "application/json"}
            )
            assert response.status_code == 400, (field, value, response.status_code, response.text)
    # RealmRepresentation.eventsExpiration is a Long: refused only outside Java's long range
    for value in (10**23, 2**63, -(2**63) - 1, "²", "٣", "1e3", 1.5, True, [1], {"a": 1}):
        response = await env.http.put(
            ADMIN,
            content=json.dumps({"eventsExpiration": value}),
            headers={**headers, "Content-Type": "application/json"},
        )
        assert response.status_code == 400, (value, response.status_code, response.text)
    after = (await env.http.get(ADMIN, headers=headers)).json()
    assert after == before
    config = await env.http.put(f"{ADMIN}/events/config", json={"eventsExpiration": 10**23}, headers=headers)
    assert config.status_code == 400, config.text


async def test_a_huge_login_lifespan_cannot_break_the_realms_login(env: Env) -> None:
    headers = await _setup(env)
    body = '{"accessCodeLifespanLogin": 100000000000000000000000}'
    response = await env.http.put(ADMIN, content=body, headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 400
    assert "code" in await login(env.http, "test", "app")


async def test_the_largest_int_lifespans_are_stored_and_the_login_still_works(env: Env) -> None:
    headers = await _setup(env)
    big = 2**31 - 1
    response = await env.http.put(
        ADMIN,
        json={
            "accessCodeLifespanLogin": big,
            "ssoSessionMaxLifespan": big,
            "ssoSessionIdleTimeout": big,
            "accessTokenLifespan": "300",
        },
        headers=headers,
    )
    assert response.status_code == 204, response.text
    realm = (await env.http.get(ADMIN, headers=headers)).json()
    assert realm["accessCodeLifespanLogin"] == big and realm["accessTokenLifespan"] == 300
    assert "code" in await login(env.http, "test", "app")


async def test_client_and_user_integers_out_of_range_are_a_400(env: Env) -> None:
    headers = {**await _setup(env), "Content-Type": "application/json"}
    for url, rep in (
        (f"{ADMIN}/users", {"username": "someone", "createdTimestamp": 10**30}),
        (f"{ADMIN}/clients", {"clientId": "someone", "notBefore": 10**30}),
        (f"{ADMIN}/clients", {"clientId": "someone", "notBefore": "²"}),
    ):
        response = await env.http.post(url, content=json.dumps(rep), headers=headers)
        assert response.status_code == 400, (url, rep, response.text)


async def test_junk_or_huge_client_timeout_attributes_are_ignored_not_a_500(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    await seed_user(env.db, env.clock, "test", "user1")
    attributes = (
        "client.session.idle.timeout",
        "client.session.max.lifespan",
        "client.offline.session.idle.timeout",
        "client.offline.session.max.lifespan",
        "access.token.lifespan",
        "refresh.token.max.reuse",
    )
    for n, value in enumerate(("99999999999999999999999", "²", "٣", "-99999999999999999999", "9" * 5000)):
        await seed_client(env.db, "test", f"app{n}", attributes=dict.fromkeys(attributes, value))
        response = await password_grant(env.http, "test", f"app{n}", "user1", scope="offline_access")
        assert response.status_code == 200, (value[:30], response.text)
        refreshed = await env.http.post(
            "/realms/test/protocol/openid-connect/token",
            data={
                "grant_type": "refresh_token",
                "refresh_token": response.json()["refresh_token"],
                "client_id": f"app{n}",
                "client_secret": "secret",
            },
        )
        assert refreshed.status_code == 200, (value[:30], refreshed.text)


async def test_deeply_nested_json_is_a_400_on_admin_and_account(env: Env) -> None:
    headers = {**await _setup(env), "Content-Type": "application/json"}
    tokens = (await password_grant(env.http, "test", "app", "user1")).json()
    user = {"Authorization": f"Bearer {tokens['access_token']}", "Content-Type": "application/json"}
    calls = [
        ("PUT", ADMIN, headers),
        ("POST", f"{ADMIN}/users", headers),
        ("POST", f"{ADMIN}/clients", headers),
        ("POST", "/admin/realms", headers),
        ("POST", f"{ADMIN}/roles", headers),
        ("PUT", f"{ADMIN}/events/config", headers),
        ("POST", "/realms/test/account", user),
        ("POST", "/realms/test/account/applications/app/consent", user),
    ]
    for nested in (DEEP, "[" * 60_000, '{"a":' * 65 + "1" + "}" * 65, '{"attributes": ' + "[" * 5000):
        for method, url, hdrs in calls:
            response = await env.http.request(method, url, content=nested, headers=hdrs)
            assert 400 <= response.status_code < 500, (method, url, response.status_code, response.text[:200])
    shallow = json.dumps({"attributes": {"x": [[[[[[[[]]]]]]]]}})
    for method, url, hdrs in calls:
        response = await env.http.request(method, url, content=shallow, headers=hdrs)
        assert response.status_code < 500, (method, url, response.status_code, response.text[:200])
    response = await env.http.post("/realms/test/account", content=DEEP, headers=user)
    assert response.json() == {"error": "invalid_request", "error_description": "Cannot parse the JSON"}


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


async def test_tokens_with_deeply_nested_json_parts_are_refused_not_a_500(env: Env) -> None:
    await _setup(env)
    nested = _b64(b"[" * 3000 + b"]" * 3000)
    for token in (f"{nested}.{nested}.sig", f"{_b64(b'{}')}.{nested}.sig", f"{nested}.{_b64(b'{}')}.x"):
        for url in ("/realms/test/protocol/openid-connect/userinfo", f"{ADMIN}/users", "/realms/test/account"):
            response = await env.http.get(url, headers={"Authorization": f"Bearer {token}"})
            assert response.status_code == 401, (url, response.status_code, response.text)
        form = {"client_id": "app", "client_secret": "secret"}
        for path, extra in (
            ("token", {"grant_type": "refresh_token", "refresh_token": token}),
            ("token/introspect", {"token": token}),
            ("revoke", {"token": token}),
            ("logout", {"refresh_token": token}),
        ):
            response = await env.http.post(f"/realms/test/protocol/openid-connect/{path}", data={**form, **extra})
            assert response.status_code < 500, (path, response.status_code, response.text)


async def test_a_huge_content_length_header_is_not_a_500(env: Env) -> None:
    await _setup(env)
    response = await env.http.post(
        "/realms/test/protocol/openid-connect/token",
        content=b"grant_type=password",
        headers={"Content-Type": "application/x-www-form-urlencoded", "Content-Length": "9" * 30},
    )
    assert response.status_code < 500
    assert REDIRECT


async def test_nul_bytes_and_overlong_names_are_client_errors_on_every_engine(env: Env) -> None:
    """PostgreSQL refuses NUL bytes in text and strings longer than their column; SQLite does not.
    Either way the answer is a 4xx (a 400 "Invalid input" where the database refused it)."""
    headers = await _setup(env)
    calls: list[tuple[str, str, dict[str, object] | None]] = [
        ("GET", "/admin/realms/%00", None),
        ("GET", f"{ADMIN}/users/%00", None),
        ("GET", f"{ADMIN}/roles/a%00b", None),
        ("GET", f"{ADMIN}/clients/%00/roles", None),
        ("POST", "/admin/realms", {"realm": "y" * 300}),
        ("POST", f"{ADMIN}/clients", {"clientId": "c" * 300}),
        ("POST", f"{ADMIN}/roles", {"name": "r" * 300}),
        ("POST", f"{ADMIN}/clients", {"clientId": "nul\u0000id"}),
        ("POST", f"{ADMIN}/roles", {"name": "n\u0000"}),
        ("POST", f"{ADMIN}/users", {"username": "nul\u0000user"}),
    ]
    for method, url, body in calls:
        response = await env.http.request(method, url, json=body, headers=headers)
        assert 400 <= response.status_code < 500 or response.status_code == 201, (method, url, response.text)
        if response.status_code == 400 and response.json().get("error_description") == "Invalid input":
            assert response.json() == {"error": "invalid_request", "error_description": "Invalid input"}
    for username in ("nul\u0000user", "u" * 300):
        response = await password_grant(env.http, "test", "app", username)
        assert response.status_code in (400, 401), response.text
    page = await env.http.get(
        "/realms/test/protocol/openid-connect/auth",
        params={"client_id": "app\u0000", "redirect_uri": REDIRECT, "response_type": "code"},
    )
    assert 400 <= page.status_code < 500


async def test_event_dates_that_are_neither_epoch_ms_nor_a_day_are_a_400(env: Env) -> None:
    headers = await _setup(env)
    for bad in ("9" * 5000, "9" * 20, "²", "-5", "2024-13-01", "x"):
        response = await env.http.get(f"{ADMIN}/events", params={"dateFrom": bad}, headers=headers)
        assert response.status_code == 400, (bad[:20], response.text)
    # Long.parseLong reads any digit Character.digit knows, so an Arabic-Indic three is 3 ms.
    for good in ("0", "+5", "٣", "1700000000000", "2024-02-29", str(2**63 - 1)):
        response = await env.http.get(f"{ADMIN}/events", params={"dateTo": good}, headers=headers)
        assert response.status_code == 200, (good, response.text)
