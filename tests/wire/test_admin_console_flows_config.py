"""Authentication → Flows of the Admin Console, a configurable step's config (Keycloak's ExecutionConfigModal),
over HTTP against the real app (both engines): the factory's properties with the stored values, saved as
``PUT config/{id}`` (the alias kept) or, for a step without one, ``POST executions/{id}/config``, cleared as
``DELETE config/{id}``, through the REST API's functions and recorded as those calls; manage-realm only."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from admin_support import admin_events, enable_admin_events, make_admin
from console_support import HTML, ORIGIN, csrf, sign_in
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
LIST = "/admin/test/console/test/authentication/flows"
REST = "/admin/realms/test/authentication"


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    await make_admin(realm, "test", "boss", "realm-admin")
    async with client_at(realm, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        yield http


async def rest(env: Env, method: str, path: str, body: object = None) -> httpx.Response:
    response = await env.http.request(method, path, json=body, headers=await env.admin_headers())
    assert response.status_code < 300, response.text
    return response


async def copy(env: Env, source: str, name: str) -> str:
    await rest(env, "POST", f"{REST}/flows/{source}/copy", {"newName": name})
    listed = (await rest(env, "GET", f"{REST}/flows")).json()
    return str(next(f["id"] for f in listed if f["alias"] == name))


async def step(env: Env, alias: str, name: str) -> dict[str, Any]:
    rows: list[dict[str, Any]] = (await rest(env, "GET", f"{REST}/flows/{alias}/executions")).json()
    return next(r for r in rows if r["displayName"] == name)


async def post(http: httpx.AsyncClient, path: str, data: list[tuple[str, str]]) -> httpx.Response:
    """POST a form whose fields may repeat (a multivalued list), as a browser encodes it."""
    page = await http.get(LIST, headers=HTML)
    body = urlencode([("csrf_token", csrf(page)), *data])
    return await http.post(path, content=body, headers={**ORIGIN, "Content-Type": "application/x-www-form-urlencoded"})


async def test_a_stored_config_shows_its_values_and_is_put_with_its_alias_kept(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    flow_id = await copy(realm, "browser", "tuned")
    condition = await step(realm, "tuned", "Condition - credential")
    config_id = condition["authenticationConfig"]
    before = (await rest(realm, "GET", f"{REST}/config/{config_id}")).json()
    flow_page = (await admin.get(f"{LIST}/{flow_id}", headers=HTML)).text
    path = f"{LIST}/{flow_id}/executions/{condition['id']}/config"
    assert f'href="{path}" aria-label="Config of Condition - credential"' in flow_page
    form = await admin.get(path, headers=HTML)
    assert form.status_code == 200 and "Condition - credential config" in form.text
    assert f'value="{before["alias"]}" aria-describedby="h-alias" readonly' in form.text
    assert '<option value="webauthn-passwordless" selected>' in form.text and "Included" in form.text
    await enable_admin_events(realm, clear=True)
    data = [("alias", "ignored"), ("config.credentials", "otp"), ("config.credentials", "password")]
    done = await post(admin, path, data)
    assert done.status_code == 303 and done.headers["location"].endswith(flow_id)
    assert "Successfully saved the execution config" in (await admin.get(done.headers["location"], headers=HTML)).text
    after = (await rest(realm, "GET", f"{REST}/config/{config_id}")).json()
    assert after == {
        "id": config_id,
        "alias": before["alias"],
        "config": {"credentials": "otp##password", "included": "false"},
    }
    event = (await admin_events(realm))[0]
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "UPDATE",
        "AUTHENTICATOR_CONFIG",
        f"authentication/config/{config_id}",
    )
    assert json.loads(event["representation"]) == after


async def test_a_step_without_a_config_gets_one_posted_with_the_alias_typed_then_cleared(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    flow_id = await copy(realm, "browser", "guarded")
    await rest(realm, "POST", f"{REST}/flows/guarded forms/executions/execution", {"provider": "conditional-user-role"})
    role = await step(realm, "guarded", "Condition - user role")
    assert "authenticationConfig" not in role
    path = f"{LIST}/{flow_id}/executions/{role['id']}/config"
    form = await admin.get(path, headers=HTML)
    assert "User role" in form.text and "Negate output" in form.text and " readonly" not in form.text
    missing = await post(admin, path, [("alias", " "), ("config.condUserRole", "admin")])
    assert missing.status_code == 400 and "Could not save the execution config: Alias: Required field" in missing.text
    assert 'value="admin"' in missing.text
    reserved = await post(admin, path, [("alias", "a/b")])
    assert reserved.status_code == 400 and "Character &#39;/&#39; not allowed." in reserved.text
    await enable_admin_events(realm, clear=True)
    done = await post(
        admin, path, [("alias", "admins only"), ("config.condUserRole", "admin"), ("config.negate", "on")]
    )
    assert done.status_code == 303
    config_id = (await step(realm, "guarded", "Condition - user role"))["authenticationConfig"]
    made = (await rest(realm, "GET", f"{REST}/config/{config_id}")).json()
    assert made == {"id": config_id, "alias": "admins only", "config": {"condUserRole": "admin", "negate": "true"}}
    event = (await admin_events(realm))[0]
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "CREATE",
        "AUTHENTICATOR_CONFIG",
        f"authentication/executions/{role['id']}/config",
    )
    assert json.loads(event["representation"]) == {"alias": "admins only", "config": made["config"], "id": config_id}
    cleared = await post(admin, f"{path}/clear", [])
    assert cleared.status_code == 303
    assert "authenticationConfig" not in await step(realm, "guarded", "Condition - user role")
    event = (await admin_events(realm))[0]
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "DELETE",
        "AUTHENTICATOR_CONFIG",
        f"authentication/config/{config_id}",
    )
    again = await post(admin, f"{path}/clear", [])
    assert again.status_code == 404


async def test_a_step_that_takes_no_config_has_no_config_page(realm: Env, admin: httpx.AsyncClient) -> None:
    flow_id = await copy(realm, "browser", "plain")
    cookie = await step(realm, "plain", "Cookie")
    page = (await admin.get(f"{LIST}/{flow_id}", headers=HTML)).text
    assert f"{cookie['id']}/config" not in page
    missing = await admin.get(f"{LIST}/{flow_id}/executions/{cookie['id']}/config", headers=HTML)
    assert missing.status_code == 404 and "Illegal execution" in missing.text


async def test_a_view_realm_administrator_may_not_open_or_save_a_config(realm: Env) -> None:
    await make_admin(realm, "test", "watcher", "view-realm")
    flow_id = await copy(realm, "browser", "watched")
    condition = await step(realm, "watched", "Condition - credential")
    before = (await rest(realm, "GET", f"{REST}/config/{condition['authenticationConfig']}")).json()
    path = f"{LIST}/{flow_id}/executions/{condition['id']}/config"
    async with client_at(realm, "127.0.0.4") as http:
        await sign_in(http, "/admin/test/console/", "watcher")
        assert (await http.get(path, headers=HTML)).status_code == 403
        for target in (path, f"{path}/clear"):
            refused = await post(http, target, [("config.credentials", "otp")])
            assert refused.status_code == 403 and "manage-realm" in refused.text
    assert (await rest(realm, "GET", f"{REST}/config/{condition['authenticationConfig']}")).json() == before
