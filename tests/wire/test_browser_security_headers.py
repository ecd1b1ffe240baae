"""A realm's browser security headers (``browserSecurityHeaders``), as Keycloak 26 keeps and sends them: the
realm representation shows Keycloak's defaults merged with what was set; JSON answers get the REST set, HTML
pages all of them, other answers the generic set (DefaultSecurityHeadersProvider); an empty value sends no such
header; a change through the admin API applies to the next answer; a realm file round-trips the map."""

from __future__ import annotations

import dataclasses
from typing import Any

import httpx
import pytest

from browser_flow import start
from support import password_grant, seed_login_realm, token_url
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio

ADMIN = "/admin/realms/test"
DEFAULTS = {
    "contentSecurityPolicyReportOnly": "",
    "xContentTypeOptions": "nosniff",
    "referrerPolicy": "no-referrer",
    "xRobotsTag": "none",
    "xFrameOptions": "SAMEORIGIN",
    "contentSecurityPolicy": "frame-src 'self'; frame-ancestors 'self'; object-src 'none';",
    "strictTransportSecurity": "max-age=31536000; includeSubDomains",
}
REST = {
    "strict-transport-security": DEFAULTS["strictTransportSecurity"],
    "x-frame-options": "SAMEORIGIN",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-robots-tag": "none",
}


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock)
    return env


async def _realm_rep(env: Env) -> dict[str, Any]:
    response = await env.http.get(ADMIN, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _set(env: Env, values: dict[str, str]) -> None:
    rep = await _realm_rep(env)
    response = await env.http.put(
        ADMIN, json={**rep, "browserSecurityHeaders": values}, headers=await env.admin_headers()
    )
    assert response.status_code == 204, response.text


def _has(response: httpx.Response, expected: dict[str, str]) -> None:
    for name, value in expected.items():
        assert response.headers.get(name) == value, (name, response.request.url, dict(response.headers))


async def test_the_realm_shows_keycloaks_defaults(realm: Env) -> None:
    assert (await _realm_rep(realm))["browserSecurityHeaders"] == DEFAULTS


async def test_json_answers_get_the_rest_set_and_no_page_headers(realm: Env) -> None:
    for response in (
        await realm.http.get("/realms/test/.well-known/openid-configuration"),
        await password_grant(realm.http, "test", "app"),
        await password_grant(realm.http, "test", "app", password="wrong"),
        await realm.http.get(ADMIN + "/clients", headers=await realm.admin_headers()),
    ):
        assert response.headers["content-type"].startswith("application/json"), response.headers
        _has(response, REST)
        assert "content-security-policy" not in response.headers


async def test_other_answers_get_the_generic_set(realm: Env) -> None:
    """An answer neither JSON/XML nor HTML to a request that is no form: HSTS, nosniff, referrer and robots only."""
    refused = await realm.http.get(token_url("test", "userinfo"))  # 401, text/plain
    assert refused.status_code == 401 and refused.headers["content-type"].startswith("text/plain")
    _has(refused, {k: v for k, v in REST.items() if k != "x-frame-options"})
    assert "x-frame-options" not in refused.headers and "content-security-policy" not in refused.headers
    # The same kind of answer to a form POST gets the page set (Keycloak's isHtml: a form request).
    form = await realm.http.post(token_url("test", "userinfo"), data={"x": "y"})
    assert form.status_code == 401 and not form.headers["content-type"].startswith("application/json")
    _has(form, {**REST, "content-security-policy": DEFAULTS["contentSecurityPolicy"]})


async def test_a_change_applies_to_the_next_answer_and_an_empty_value_drops_the_header(realm: Env) -> None:
    custom_csp = "frame-src 'self'; frame-ancestors 'self' https://portal.example; object-src 'none';"
    await _set(realm, {"xFrameOptions": "", "contentSecurityPolicy": custom_csp, "xRobotsTag": "noindex"})
    rep = await _realm_rep(realm)
    # What was not given keeps Keycloak's default; what was given shows as given.
    assert rep["browserSecurityHeaders"] == {
        **DEFAULTS,
        "xFrameOptions": "",
        "contentSecurityPolicy": custom_csp,
        "xRobotsTag": "noindex",
    }
    page = await start(realm.http, "test", "app")
    assert page.headers["content-type"].startswith("text/html")
    assert "x-frame-options" not in page.headers
    assert page.headers["content-security-policy"] == custom_csp
    assert page.headers["x-robots-tag"] == "noindex"
    token = await password_grant(realm.http, "test", "app")
    assert "x-frame-options" not in token.headers and token.headers["x-robots-tag"] == "noindex"
    # Another realm (or none) keeps the defaults.
    other = await realm.http.get("/realms/master/.well-known/openid-configuration")
    _has(other, REST)
    unknown = await realm.http.get("/realms/nowhere/.well-known/openid-configuration")
    _has(unknown, REST)
    # A report-only policy is sent on pages once set.
    await _set(realm, {"contentSecurityPolicyReportOnly": "default-src 'self'"})
    page = await start(realm.http, "test", "app")
    assert page.headers["content-security-policy-report-only"] == "default-src 'self'"
    assert page.headers["x-frame-options"] == "SAMEORIGIN"  # the new map replaced the old one


async def test_a_bad_map_is_refused_and_nothing_changes(realm: Env) -> None:
    rep = await _realm_rep(realm)
    for bad in ("SAMEORIGIN", ["x"], {"xFrameOptions": {"nested": "x"}}):
        response = await realm.http.put(
            ADMIN, json={**rep, "browserSecurityHeaders": bad}, headers=await realm.admin_headers()
        )
        assert response.status_code == 400, response.text
    assert (await _realm_rep(realm))["browserSecurityHeaders"] == DEFAULTS


async def test_a_realm_file_round_trips_the_map(realm: Env) -> None:
    await _set(realm, {"xFrameOptions": "DENY"})
    headers = await realm.admin_headers()
    exported = await realm.http.post(ADMIN + "/partial-export", headers=headers)
    assert exported.status_code == 200, exported.text
    data = exported.json()
    assert data["browserSecurityHeaders"]["xFrameOptions"] == "DENY"
    data["realm"] = data["id"] = "copy"
    created = await realm.http.post("/admin/realms", json=data, headers=headers)
    assert created.status_code == 201, created.text
    copy = (await realm.http.get("/admin/realms/copy", headers=headers)).json()
    assert copy["browserSecurityHeaders"]["xFrameOptions"] == "DENY"
    discovery = await realm.http.get("/realms/copy/.well-known/openid-configuration")
    assert discovery.headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize(
    "value",
    [
        "DENY\r\nSet-Cookie: stolen=1",
        "DENY\nX-Injected: 1",
        "DENY\rX",
        "DENY\x00",
        "DENY\x7f",
        "DENY\u2028",
        "sameorigin \u20ac",
    ],
)
async def test_a_header_value_that_would_split_or_break_answers_is_refused(realm: Env, value: str) -> None:
    """A CR or LF would start a header of the admin's choosing in every answer of the realm; a control character
    or one outside ASCII cannot be sent. The admin API and a realm file refuse them, and nothing changes."""
    rep = await _realm_rep(realm)
    headers = await realm.admin_headers()
    changed = {**rep, "browserSecurityHeaders": {"xFrameOptions": value}}
    response = await realm.http.put(ADMIN, json=changed, headers=headers)
    assert response.status_code == 400, response.text
    assert (await _realm_rep(realm))["browserSecurityHeaders"] == DEFAULTS
    imported = {"realm": "hostile", "enabled": True, "browserSecurityHeaders": {"contentSecurityPolicy": value}}
    refused = await realm.http.post("/admin/realms", json=imported, headers=headers)
    assert refused.status_code == 400, refused.text
    assert (await realm.http.get("/admin/realms/hostile", headers=headers)).status_code == 404
    page = await start(realm.http, "test", "app")
    assert page.status_code == 200 and "x-injected" not in page.headers and "stolen" not in str(page.headers)


async def test_a_bad_value_already_stored_is_never_sent(realm: Env) -> None:
    """A value written into the database by hand (or before values were checked) is left out of the answers;
    the other headers still go out."""
    async with realm.db.transaction() as tx:
        stored = await tx.realms.get_by_name("test")
        assert stored is not None
        bad = {"xFrameOptions": "DENY\r\nX-Injected: 1", "xRobotsTag": "noindex"}
        await tx.realms.update(dataclasses.replace(stored, browser_security_headers=bad))
    page = await start(realm.http, "test", "app")
    assert page.status_code == 200
    assert "x-frame-options" not in page.headers and "x-injected" not in page.headers
    assert page.headers["x-robots-tag"] == "noindex"


async def test_a_change_reaches_another_worker_at_its_next_answer(realm: Env) -> None:
    """Each answer takes the headers of the realm its own transaction read: a second process on the same
    database (a second worker) sends the new value at once, with nothing to expire."""
    async with client_at(realm, "127.0.0.1") as other:
        before = await other.get("/realms/test/.well-known/openid-configuration")
        assert before.headers["x-frame-options"] == "SAMEORIGIN"
        await _set(realm, {"xFrameOptions": "DENY"})
        after = await other.get("/realms/test/.well-known/openid-configuration")
        assert after.headers["x-frame-options"] == "DENY"
