"""Hostile requests against Authentication → Flows of the Admin Console (pages_flows.py, pages_flow_steps.py):
a flow or execution id of another realm in a console POST (cross-realm IDOR), a view-only administrator's
POSTs, a POST without the CSRF token or from another origin, markup in a flow's alias and description, and junk
ids. Every refusal leaves the flows as they were (read back through the REST API)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from admin_support import make_admin
from console_support import HTML, ORIGIN, csrf, sign_in
from support import seed_realm
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
LIST = "/admin/test/console/test/authentication/flows"


@pytest.fixture
async def two_realms(realm: Env) -> Env:
    await seed_realm(realm.db, realm.clock, "other")
    return realm


@pytest.fixture
async def boss(two_realms: Env) -> AsyncIterator[httpx.AsyncClient]:
    await make_admin(two_realms, "test", "boss", "realm-admin")
    async with client_at(two_realms, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        yield http


async def rest(env: Env, method: str, path: str, body: object = None) -> httpx.Response:
    response = await env.http.request(method, path, json=body, headers=await env.admin_headers())
    assert response.status_code < 300, response.text
    return response


async def flows(env: Env, realm: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = (await rest(env, "GET", f"/admin/realms/{realm}/authentication/flows")).json()
    return found


async def flow_id(env: Env, realm: str, alias: str) -> str:
    return str(next(f["id"] for f in await flows(env, realm) if f["alias"] == alias))


async def rows(env: Env, realm: str, alias: str) -> list[dict[str, Any]]:
    path = f"/admin/realms/{realm}/authentication/flows/{alias}/executions"
    found: list[dict[str, Any]] = (await rest(env, "GET", path)).json()
    return found


async def post(http: httpx.AsyncClient, path: str, **fields: str) -> httpx.Response:
    page = await http.get(LIST, headers=HTML)
    return await http.post(path, data={"csrf_token": csrf(page), **fields}, headers=ORIGIN)


def refused(response: httpx.Response, *statuses: int) -> None:
    assert response.status_code in statuses, (response.status_code, response.text[:300])


async def test_another_realm_s_flow_id_is_not_found(two_realms: Env, boss: httpx.AsyncClient) -> None:
    other = await flow_id(two_realms, "other", "browser")
    before = await rows(two_realms, "other", "browser")
    refused(await boss.get(f"{LIST}/{other}", headers=HTML), 404)
    first = before[0]["id"]
    for action, extra in [
        ("raise-priority", {}),
        ("lower-priority", {}),
        ("requirement", {"requirement": "DISABLED"}),
        ("delete", {"confirmed": "yes"}),
        ("config", {"alias": "x"}),
        ("config/clear", {}),
    ]:
        refused(await post(boss, f"{LIST}/{other}/executions/{first}/{action}", **extra), 404)
    for action, extra in [
        ("edit", {"alias": "hijacked", "description": ""}),
        ("delete", {"confirmed": "yes"}),
        ("duplicate", {"name": "stolen", "description": ""}),
        ("bind", {"bindingType": "browserFlow"}),
        ("add", {"kind": "execution", "provider": "auth-cookie"}),
    ]:
        refused(await post(boss, f"{LIST}/{other}/{action}", **extra), 404)
    assert await rows(two_realms, "other", "browser") == before
    assert "stolen" not in {f["alias"] for f in await flows(two_realms, "test")}


async def test_another_realm_s_execution_under_this_realm_s_flow_changes_nothing(
    two_realms: Env, boss: httpx.AsyncClient
) -> None:
    """This realm's copied flow in the path, the other realm's execution id: no change to either realm."""
    await rest(two_realms, "POST", "/admin/realms/test/authentication/flows/browser/copy", {"newName": "mine"})
    await rest(two_realms, "POST", "/admin/realms/other/authentication/flows/browser/copy", {"newName": "theirs"})
    mine = await flow_id(two_realms, "test", "mine")
    theirs_before, mine_before = await rows(two_realms, "other", "theirs"), await rows(two_realms, "test", "mine")
    for row in theirs_before:
        base = f"{LIST}/{mine}/executions/{row['id']}"
        for action, extra in [
            ("raise-priority", {}),
            ("lower-priority", {}),
            ("requirement", {"requirement": "DISABLED"}),
            ("delete", {"confirmed": "yes"}),
            ("config", {"alias": "x"}),
            ("config/clear", {}),
        ]:
            response = await post(boss, f"{base}/{action}", **extra)
            assert response.status_code != 500, response.text[:300]
    assert await rows(two_realms, "other", "theirs") == theirs_before
    assert await rows(two_realms, "test", "mine") == mine_before


async def test_another_realm_as_target_is_refused(two_realms: Env, boss: httpx.AsyncClient) -> None:
    """A test-realm administrator's console naming realm ``other``: neither its flows nor a change to them."""
    other = await flow_id(two_realms, "other", "browser")
    before = await rows(two_realms, "other", "browser")
    path = f"/admin/test/console/other/authentication/flows/{other}"
    refused(await boss.get(path, headers=HTML), 403, 404)
    refused(await post(boss, f"{path}/executions/{before[0]['id']}/lower-priority"), 403, 404)
    assert await rows(two_realms, "other", "browser") == before


async def test_a_view_only_administrator_changes_nothing(two_realms: Env) -> None:
    await rest(two_realms, "POST", "/admin/realms/test/authentication/flows/browser/copy", {"newName": "mine"})
    mine = await flow_id(two_realms, "test", "mine")
    before = await rows(two_realms, "test", "mine")
    await make_admin(two_realms, "test", "peek", "view-realm")
    async with client_at(two_realms, "127.0.0.3") as viewer:
        await sign_in(viewer, "/admin/test/console/", "peek")
        assert (await viewer.get(f"{LIST}/{mine}", headers=HTML)).status_code == 200
        first = before[0]["id"]
        configurable = next(r["id"] for r in before if r.get("configurable"))
        for execution, action, extra in [
            (first, "raise-priority", {}),
            (first, "lower-priority", {}),
            (first, "requirement", {"requirement": "DISABLED"}),
            (first, "delete", {"confirmed": "yes"}),
            (configurable, "config", {"alias": "x"}),
            (configurable, "config/clear", {}),
        ]:
            refused(await post(viewer, f"{LIST}/{mine}/executions/{execution}/{action}", **extra), 403)
        for action, extra in [
            ("edit", {"alias": "renamed", "description": ""}),
            ("delete", {"confirmed": "yes"}),
            ("duplicate", {"name": "copied", "description": ""}),
            ("bind", {"bindingType": "browserFlow"}),
            ("add", {"kind": "execution", "provider": "auth-cookie"}),
        ]:
            refused(await post(viewer, f"{LIST}/{mine}/{action}", **extra), 403)
        create = "/admin/test/console/test/authentication/create-flow"
        refused(await post(viewer, create, alias="new", description="", providerId="basic-flow"), 403)
    assert await rows(two_realms, "test", "mine") == before
    assert {f["alias"] for f in await flows(two_realms, "test")} >= {"mine"}
    assert not {"renamed", "copied", "new"} & {f["alias"] for f in await flows(two_realms, "test")}


async def test_a_post_without_the_csrf_token_or_from_another_origin_is_refused(
    two_realms: Env, boss: httpx.AsyncClient
) -> None:
    await rest(two_realms, "POST", "/admin/realms/test/authentication/flows/browser/copy", {"newName": "mine"})
    mine = await flow_id(two_realms, "test", "mine")
    before = await rows(two_realms, "test", "mine")
    target = f"{LIST}/{mine}/executions/{before[0]['id']}/delete"
    page = await boss.get(LIST, headers=HTML)
    token = csrf(page)
    refused(await boss.post(target, data={"confirmed": "yes"}, headers=ORIGIN), 403)
    refused(await boss.post(target, data={"confirmed": "yes", "csrf_token": "x" * 40}, headers=ORIGIN), 403)
    evil = {"Origin": "https://evil.example"}
    refused(await boss.post(target, data={"confirmed": "yes", "csrf_token": token}, headers=evil), 403)
    twice = [("csrf_token", "junk"), ("csrf_token", token), ("confirmed", "yes")]
    response = await boss.post(
        target,
        content=urlencode(twice),
        headers={**ORIGIN, "Content-Type": "application/x-www-form-urlencoded"},
    )
    refused(response, 403)  # the first of two csrf_token values is the one compared
    assert await rows(two_realms, "test", "mine") == before


async def test_markup_in_alias_and_description_is_escaped(two_realms: Env, boss: httpx.AsyncClient) -> None:
    """The alias refuses reserved characters (ReservedCharValidator); the description and a step's config value
    take any text, and each page shows them escaped."""
    description = '"><img src=x onerror=alert(1)><script>alert("d")</script>'
    body = {"alias": "<b>marked<i>", "description": description, "providerId": "basic-flow", "topLevel": True}
    bad = await two_realms.http.post(
        "/admin/realms/test/authentication/flows",
        json={**body, "alias": "<script>x</script>"},
        headers=await two_realms.admin_headers(),
    )
    assert bad.status_code == 400, bad.text
    await rest(two_realms, "POST", "/admin/realms/test/authentication/flows", body)
    made = await flow_id(two_realms, "test", "<b>marked<i>")
    await rest(two_realms, "POST", "/admin/realms/test/authentication/flows/browser/copy", {"newName": "mine"})
    mine = await flow_id(two_realms, "test", "mine")
    redirector = next(r for r in await rows(two_realms, "test", "mine") if r.get("configurable"))
    config = {"alias": "cfg", "config": {"defaultProvider": '"><script>alert("c")</script>'}}
    await rest(two_realms, "POST", f"/admin/realms/test/authentication/executions/{redirector['id']}/config", config)
    pages = [LIST, f"{LIST}/{made}", f"{LIST}/{made}/edit", f"{LIST}/{made}/duplicate", f"{LIST}/{made}/bind"]
    pages += [f"{LIST}/{mine}", f"{LIST}/{mine}/executions/{redirector['id']}/config"]
    for path in pages:
        page = await boss.get(path, headers=HTML)
        assert page.status_code == 200, (path, page.status_code)
        assert "<script>alert(" not in page.text and "<img src=x" not in page.text, path
        assert "<b>marked" not in page.text, path


async def test_junk_ids_are_404_without_a_500(two_realms: Env, boss: httpx.AsyncClient) -> None:
    browser = await flow_id(two_realms, "test", "browser")
    for junk in ["%00", "%E2%80%AE", "x" * 5000, "..%2F..%2Fusers", "%F0%9F%98%80", "'%20OR%201=1--"]:
        refused(await boss.get(f"{LIST}/{junk}", headers=HTML), 404)
        refused(await post(boss, f"{LIST}/{junk}/executions/{junk}/lower-priority"), 404)
        response = await post(boss, f"{LIST}/{browser}/executions/{junk}/requirement", requirement="DISABLED")
        assert response.status_code in (400, 404), (junk, response.status_code, response.text[:300])


async def test_the_add_form_s_parameters_name_only_this_flow_s_parts(two_realms: Env, boss: httpx.AsyncClient) -> None:
    """``to`` names a sub-flow of this flow, ``kind`` one of the three: anything else is 404, and nothing of it
    is echoed unescaped; ``to`` naming a sub-flow of another flow (or of another realm) adds nothing there."""
    await rest(two_realms, "POST", "/admin/realms/test/authentication/flows/browser/copy", {"newName": "mine"})
    mine = await flow_id(two_realms, "test", "mine")
    before = await rows(two_realms, "test", "browser")
    other_before = await rows(two_realms, "other", "browser")
    for query in (
        {"kind": "execution", "to": "<script>alert(1)</script>"},
        {"kind": "<script>alert(1)</script>"},
        {"kind": "execution", "to": "forms"},  # the built-in browser flow's sub-flow, not mine's
        {"kind": "execution", "to": "https://evil.example/"},
    ):
        page = await boss.get(f"{LIST}/{mine}/add", params=query, headers=HTML)
        assert page.status_code == 404, (query, page.status_code)
        assert "<script>alert(1)" not in page.text
    posted = await post(boss, f"{LIST}/{mine}/add", kind="execution", to="forms", provider="auth-otp-form")
    assert posted.status_code in (400, 404), (posted.status_code, posted.text[:300])
    assert await rows(two_realms, "test", "browser") == before
    assert await rows(two_realms, "other", "browser") == other_before
