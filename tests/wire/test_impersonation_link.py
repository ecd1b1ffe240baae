"""The impersonation link (web/impersonation_link.py; Keycloak's ImpersonateActionTokenHandler, keycloak#10655 and
ImpersonationHostnameTest): ``POST users/{id}/impersonation`` answers a one-time link on the realm's frontend URL;
opening it in a browser sets the SSO cookies of the session the call made there and goes on to the account
console. Each way the link is refused, and a browser signed in as someone else is logged out first."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from browser_flow import login
from interop.server import DoorkeepProcess
from support import claims, seed_client, seed_user, update_realm, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
ACCOUNT = "http://localhost/realms/test/account"
LINK = "http://localhost/realms/test/login-actions/action-token"
EXPIRED_ACTION = "Action expired. Please continue with login now."


async def _impersonate(env: Env, user_id: str) -> str:
    response = await env.http.post(f"{REALM}/users/{user_id}/impersonation", headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    redirect: str = response.json()["redirect"]
    return redirect


async def _sessions(env: Env, user_id: str) -> list[dict[str, Any]]:
    response = await env.http.get(f"{REALM}/users/{user_id}/sessions", headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    body: list[dict[str, Any]] = response.json()
    return body


async def _open(env: Env, link: str) -> httpx.Response:
    """The link opened in a browser that holds no cookie of the realm (the admin host's are not the frontend's)."""
    env.http.cookies.clear()
    return await env.http.get(link.removeprefix("http://localhost"))


def _identity(response: httpx.Response) -> dict[str, Any]:
    """The identity cookie the browser keeps: the last one set (an expiry may come before it)."""
    cookie = [c for c in response.headers.get_list("set-cookie") if c.startswith("KEYCLOAK_IDENTITY=")][-1]
    assert "Path=/realms/test/" in cookie
    return claims(cookie.split("=", 1)[1].split(";", 1)[0])


async def test_the_call_answers_a_link_on_the_frontend_url_carrying_no_client(realm: Env) -> None:
    user = await seed_user(realm.db, realm.clock, "test", "victim")
    link = await _impersonate(realm, user.id)
    assert link.startswith(LINK + "?key=")
    token = claims(parse_qs(urlsplit(link).query)["key"][0])
    assert token["typ"] == "impersonate" and token["sub"] == user.id and "azp" not in token
    assert token["exp"] - token["iat"] == 60  # UserResource.impersonate: Time.currentTime() + 60
    assert token["impersonator"] == "admin" and token["impersonatorRealm"] == "master"
    assert token["reduri"] == ACCOUNT


async def test_opening_the_link_sets_the_cookies_of_the_impersonated_session_and_opens_the_account_console(
    realm: Env,
) -> None:
    user = await seed_user(realm.db, realm.clock, "test", "victim")
    link = await _impersonate(realm, user.id)
    [session] = await _sessions(realm, user.id)
    opened = await _open(realm, link)
    assert opened.status_code == 302 and opened.headers["location"] == ACCOUNT
    identity = _identity(opened)
    assert identity["sub"] == user.id and identity["sid"] == session["id"]
    assert any(c.startswith("KEYCLOAK_SESSION=") for c in opened.headers.get_list("set-cookie"))
    assert [s["id"] for s in await _sessions(realm, user.id)] == [session["id"]]  # no second session


async def test_the_link_works_once(realm: Env) -> None:
    await update_realm(realm.db, "test", events_enabled=True)
    user = await seed_user(realm.db, realm.clock, "test", "victim")
    link = await _impersonate(realm, user.id)
    assert (await _open(realm, link)).status_code == 302
    again = await _open(realm, link)
    assert again.status_code == 400 and EXPIRED_ACTION in again.text
    assert not any(c.startswith("KEYCLOAK_IDENTITY=") for c in again.headers.get_list("set-cookie"))
    listed = await realm.http.get(f"{REALM}/events", headers=await realm.admin_headers())
    [error] = [e for e in listed.json() if e["type"] == "IMPERSONATE_ERROR"]
    assert error["error"] == "expired_code" and error["userId"] == user.id


async def test_the_link_expires_after_a_minute(realm: Env) -> None:
    user = await seed_user(realm.db, realm.clock, "test", "victim")
    link = await _impersonate(realm, user.id)
    realm.clock.advance(61)
    expired = await _open(realm, link)
    assert expired.status_code == 400 and "Action expired." in expired.text
    assert not any(c.startswith("KEYCLOAK_IDENTITY=") for c in expired.headers.get_list("set-cookie"))


async def test_the_link_is_refused_once_its_session_has_ended(realm: Env) -> None:
    user = await seed_user(realm.db, realm.clock, "test", "victim")
    link = await _impersonate(realm, user.id)
    [session] = await _sessions(realm, user.id)
    headers = await realm.admin_headers()
    assert (await realm.http.delete(f"{REALM}/sessions/{session['id']}", headers=headers)).status_code == 204
    refused = await _open(realm, link)
    assert refused.status_code == 400 and EXPIRED_ACTION in refused.text
    assert await _sessions(realm, user.id) == []  # nothing made again


async def test_the_link_is_refused_for_a_user_disabled_meanwhile(realm: Env) -> None:
    user = await seed_user(realm.db, realm.clock, "test", "victim")
    link = await _impersonate(realm, user.id)
    await update_user(realm.db, "test", "victim", enabled=False)
    refused = await _open(realm, link)
    assert refused.status_code == 400 and "User is disabled" in refused.text


async def test_a_link_of_another_realm_or_a_forged_one_is_refused(realm: Env) -> None:
    user = await seed_user(realm.db, realm.clock, "test", "victim")
    link = await _impersonate(realm, user.id)
    key = parse_qs(urlsplit(link).query)["key"][0]
    elsewhere = await realm.http.get("/realms/master/login-actions/action-token", params={"key": key})
    assert elsewhere.status_code == 400 and "KEYCLOAK_IDENTITY=" not in ";".join(
        elsewhere.headers.get_list("set-cookie")
    )
    header, body, signature = key.split(".")
    forged = await realm.http.get(
        "/realms/test/login-actions/action-token", params={"key": f"{header}.{body}.{signature[::-1]}"}
    )
    assert forged.status_code == 400 and "KEYCLOAK_IDENTITY=" not in ";".join(forged.headers.get_list("set-cookie"))
    assert (await _open(realm, link)).status_code == 302  # neither spent the real link


async def test_a_browser_signed_in_as_another_user_is_logged_out_of_that_session_first(realm: Env) -> None:
    await seed_client(realm.db, "test", "web", redirect_uris=("http://127.0.0.1:9999/*",))
    other = await seed_user(realm.db, realm.clock, "test", "other")
    user = await seed_user(realm.db, realm.clock, "test", "victim")
    link = await _impersonate(realm, user.id)
    realm.http.cookies.clear()
    await login(realm.http, "test", "web", username="other")  # this browser's own session
    [own] = await _sessions(realm, other.id)
    opened = await realm.http.get(link.removeprefix("http://localhost"))
    assert opened.status_code == 302 and opened.headers["location"] == ACCOUNT
    assert _identity(opened)["sub"] == user.id
    assert await _sessions(realm, other.id) == [], own  # backchannelLogout of the browser's session
    assert len(await _sessions(realm, user.id)) == 1


def test_with_an_admin_hostname_the_link_is_on_the_frontend_hostname(tmp_path: Any) -> None:
    """ImpersonationHostnameTest#impersonationLinkIsEmittedOnFrontendHostname."""
    frontend, admin = "http://localtest.me:8080", "https://admin.localtest.me:8443"
    server = DoorkeepProcess(tmp_path, options=(f"--hostname={frontend}", f"--hostname-admin={admin}"))
    server.start()
    try:
        headers = {"Authorization": f"Bearer {server.admin_token()}"}
        users = f"{server.base_url}/admin/realms/master/users"
        created = httpx.post(users, json={"username": "impersonated", "enabled": True}, headers=headers, timeout=30)
        assert created.status_code == 201, created.text
        user_id = created.headers["location"].rsplit("/", 1)[1]
        answer = httpx.post(f"{users}/{user_id}/impersonation", headers=headers, timeout=30)
        assert answer.status_code == 200, answer.text
        redirect = answer.json()["redirect"]
        assert redirect.startswith(f"{frontend}/realms/master/") and "/login-actions/" in redirect
        assert "admin.localtest.me" not in redirect
    finally:
        server.stop()
