"""Security sweep (session 46): oversized and malformed input to the organization Admin REST on both engines.
Names, aliases, attribute keys and values too long for their columns, NUL characters in paths, bodies and query
parameters, and out-of-range paging numbers are each a 4xx answer, never a 500, and leave nothing written."""

from __future__ import annotations

from typing import Any

import pytest

from org_invitations import ORGS, create_org
from support import seed_realm
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def org(env: Env) -> tuple[Env, str]:
    await seed_realm(env.db, env.clock)
    h = await env.admin_headers()
    assert (await env.http.put("/admin/realms/test", json={"organizationsEnabled": True}, headers=h)).status_code == 204
    return env, await create_org(env)


@pytest.mark.parametrize(
    "rep",
    [
        {"name": "n" * 256},
        {"name": "short", "alias": "a" * 256},
        {"name": "short", "attributes": {"k" * 300: ["v"]}},
        {"name": "short", "attributes": {"k": ["v" * 100_000]}},
        {"name": "short", "description": "d" * 100_000},
        {"name": "short", "redirectUrl": "https://x.example/" + "p" * 100_000},
        {"name": "short\x00"},
        {"name": "short", "alias": "al\x00ias"},
        {"name": "short", "attributes": {"k\x00": ["v\x00"]}},
        {"name": "short", "description": "\x00"},
    ],
)
async def test_oversized_or_nul_fields_are_no_500(org: tuple[Env, str], rep: dict[str, Any]) -> None:
    env, acme = org
    h = await env.admin_headers()
    made = await env.http.post(ORGS, json=rep, headers=h)
    assert made.status_code < 500, made.text
    changed = await env.http.put(f"{ORGS}/{acme}", json={**rep, "name": rep["name"], "alias": "neworg"}, headers=h)
    assert changed.status_code < 500, changed.text


@pytest.mark.parametrize(
    ("method", "path", "params", "body"),
    [
        ("GET", "{orgs}/%00", {}, None),
        ("GET", "{orgs}/{acme}/members/%00", {}, None),
        ("DELETE", "{orgs}/{acme}/members/%00", {}, None),
        ("POST", "{orgs}/{acme}/members", {}, "\x00"),
        ("POST", "{orgs}/{acme}/identity-providers", {}, "\x00"),
        ("GET", "{orgs}/{acme}/identity-providers/%00", {}, None),
        ("GET", "{orgs}/members/%00/organizations", {}, None),
        ("GET", "{orgs}", {"search": "\x00"}, None),
        ("GET", "{orgs}", {"q": "\x00:\x00"}, None),
        ("GET", "{orgs}", {"q": '"'}, None),
        ("GET", "{orgs}", {"q": ':::"a b" c:"'}, None),
        ("GET", "{orgs}", {"q": "k:" + "v" * 6000}, None),
        ("GET", "{orgs}", {"search": "%_*.*[(" * 1000, "exact": "maybe"}, None),
        ("GET", "{orgs}/count?q=alias:%ED%A0%80&search=%FF", {}, None),
        ("GET", "{orgs}", {"first": "99999999999999999999999", "max": "-5"}, None),
        ("GET", "{orgs}/{acme}/members", {"first": "-1", "max": "99999999999999999999999"}, None),
        ("GET", "{orgs}/{acme}/members", {"search": "\x00", "membershipType": "\x00"}, None),
        ("GET", "/admin/realms/test/users", {"q": "kc.org:\x00"}, None),
    ],
)
async def test_nul_and_odd_numbers_in_paths_and_queries_are_no_500(
    org: tuple[Env, str], method: str, path: str, params: dict[str, str], body: str | None
) -> None:
    env, acme = org
    h = await env.admin_headers()
    url = path.format(orgs=ORGS, acme=acme)
    answer = await env.http.request(method, url, params=params, content=body, headers=h)
    assert answer.status_code < 500, (method, url, answer.text)


@pytest.mark.parametrize(
    "url",
    ["javascript:alert(1)//", "data:text/html,<script>alert(1)</script>", "//evil.example/", "file:///etc/passwd"],
)
async def test_a_redirect_url_that_is_no_http_url_is_refused(org: tuple[Env, str], url: str) -> None:
    """The organization's redirectUrl becomes an invitation's ``reduri`` and a page's link: http(s) only."""
    env, acme = org
    h = await env.admin_headers()
    made = await env.http.post(ORGS, json={"name": "x", "redirectUrl": url}, headers=h)
    assert (made.status_code, made.json()) == (400, {"errorMessage": "Organization redirect URL is not valid."})
    changed = await env.http.put(f"{ORGS}/{acme}", json={"name": "neworg", "redirectUrl": url}, headers=h)
    assert changed.status_code == 400, changed.text
    assert "redirectUrl" not in (await env.http.get(f"{ORGS}/{acme}", headers=h)).json()


@pytest.mark.parametrize(
    "rep",
    [
        {"name": "short\x00"},
        {"name": "short", "alias": "short", "description": "\x00"},
        {"name": "short", "alias": "short", "attributes": {"k\x00": ["v"]}},
        {"name": "short", "alias": "short", "attributes": {"k": ["v", "w\x00"]}},
    ],
    ids=["name", "description", "attribute-key", "attribute-value"],
)
async def test_a_nul_in_an_organization_is_postgresql_s_400_on_both_engines_and_nothing_is_written(
    org: tuple[Env, str], rep: dict[str, Any]
) -> None:
    """Keycloak keeps organizations in text columns PostgreSQL refuses a NUL in (its 400 ``Invalid input``); SQLite
    stored one. Both engines now answer that 400, before anything is written, to a create and to an update. (A NUL
    in ``redirectUrl`` is refused sooner, by the URL check, as Keycloak's java.net.URI does: the next test.)"""
    await _refused_before_any_write(*org, rep, INVALID_INPUT)


async def test_a_nul_in_the_redirect_url_is_no_url_and_nothing_is_written(org: tuple[Env, str]) -> None:
    """OrganizationsValidation.validateUrl runs first and java.net.URI refuses the NUL."""
    rep = {"name": "short", "alias": "short", "redirectUrl": "https://x.example/\x00"}
    await _refused_before_any_write(*org, rep, {"errorMessage": "Organization redirect URL is not valid."})


INVALID_INPUT = {"error": "invalid_request", "error_description": "Invalid input"}


async def _refused_before_any_write(env: Env, acme: str, rep: dict[str, Any], answer: dict[str, str]) -> None:
    h = await env.admin_headers()
    before = (await env.http.get(f"{ORGS}/{acme}", headers=h)).json()
    made = await env.http.post(ORGS, json=rep, headers=h)
    assert (made.status_code, made.json()) == (400, answer)
    changed = await env.http.put(f"{ORGS}/{acme}", json={**before, **rep, "alias": before["alias"]}, headers=h)
    assert (changed.status_code, changed.json()) == (400, answer)
    listed = (await env.http.get(ORGS, headers=h)).json()
    assert [o["id"] for o in listed] == [acme]
    assert (await env.http.get(f"{ORGS}/{acme}", headers=h)).json() == before
