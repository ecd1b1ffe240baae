"""Authentication → Flows of the Admin Console, the list and a flow's own actions, over HTTP against the real app
(both engines): the flows as ``ui-ext/authentication-management/flows`` tells them (what uses each), created,
duplicated, deleted and bound as Keycloak's console does it (CreateFlow, DuplicateFlowModal, BindFlowDialog)
through the REST API's own functions, recorded as those calls; a binding Doorkeep cannot run is refused with
flow_support's reason; view-realm reads, manage-realm changes; every alias and description escaped."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from admin_support import admin_events, client_uuid, enable_admin_events, make_admin
from console_support import HTML, ORIGIN, csrf, sign_in
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
CONSOLE = "/admin/test/console/test"
LIST = f"{CONSOLE}/authentication/flows"
REST = "/admin/realms/test/authentication"


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    await make_admin(realm, "test", "boss", "realm-admin")
    async with client_at(realm, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        yield http


async def rest(env: Env, method: str, path: str, body: object = None) -> httpx.Response:
    headers = await env.admin_headers()
    response = await env.http.request(method, path, json=body, headers=headers)
    assert response.status_code < 300, response.text
    return response


async def flows(env: Env) -> dict[str, dict[str, Any]]:
    listed: list[dict[str, Any]] = (await rest(env, "GET", f"{REST}/flows")).json()
    return {f["alias"]: f for f in listed}


async def realm_rep(env: Env) -> dict[str, Any]:
    found: dict[str, Any] = (await rest(env, "GET", "/admin/realms/test")).json()
    return found


async def copy(env: Env, source: str, name: str) -> str:
    """A copy of ``source`` made through the REST API; its id."""
    await rest(env, "POST", f"{REST}/flows/{source}/copy", {"newName": name})
    return str((await flows(env))[name]["id"])


async def post(http: httpx.AsyncClient, path: str, **fields: str) -> httpx.Response:
    page = await http.get(LIST, headers=HTML)
    return await http.post(path, data={"csrf_token": csrf(page), **fields}, headers=ORIGIN)


def row(page: str, alias: str) -> str:
    """The list's table row of the flow ``alias`` (as the page writes it)."""
    start = page.index(f">{alias}</a>")
    return page[page.rindex("<tr>", 0, start) : page.index("</tr>", start)]


async def test_the_list_shows_the_top_level_flows_with_what_uses_each_bound_ones_first(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    """AuthenticationSection / AuthenticationMapper: saml ecp left out, DEFAULT before not in use."""
    await rest(realm, "POST", f"{REST}/flows", {"alias": "aaa spare", "providerId": "basic-flow", "topLevel": True})
    page = await admin.get(LIST, headers=HTML)
    assert page.status_code == 200
    listed = await flows(realm)
    for alias, flow in listed.items():
        assert f'href="{LIST}/{flow["id"]}">{alias}</a>' in page.text
    assert "saml ecp" not in page.text
    browser = row(page.text, "browser")
    assert "Built-in" in browser and "Browser flow" in browser and listed["browser"]["description"] in browser
    assert "Client authentication flow" in row(page.text, "clients")
    spare = row(page.text, "aaa spare")
    assert "Not in use" in spare and "Bind flow" in spare and ">Delete</button>" in spare and "Built-in" not in spare
    assert "Bind flow" not in browser and ">Delete</button>" not in browser  # bound and built-in
    assert page.text.index(">registration</a>") < page.text.index(">aaa spare</a>")  # in use first
    assert 'href="/admin/test/console/test/authentication/flows" aria-current="page">Flows</a>' in page.text
    assert 'aria-current="page">Authentication</a>' in page.text
    assert "Create flow" in page.text


async def test_a_flow_a_client_overrides_its_browser_flow_with_is_used_by_that_client(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    flow_id = await copy(realm, "browser", "per client")
    app = await client_uuid(realm, "test", "app")
    client = (await rest(realm, "GET", f"/admin/realms/test/clients/{app}")).json()
    client["authenticationFlowBindingOverrides"] = {"browser": flow_id}
    await rest(realm, "PUT", f"/admin/realms/test/clients/{app}", client)
    page = (await admin.get(LIST, headers=HTML)).text
    used = row(page, "per client")
    assert "Specific clients" in used and f'href="{CONSOLE}/clients/{app}">app</a>' in used
    assert ">Delete</button>" not in used and "Bind flow" in used
    refused = await post(admin, f"{LIST}/{flow_id}/delete", confirmed="yes")
    assert refused.status_code == 400
    assert "Could not delete flow: Cannot remove authentication flow, it is currently in use" in refused.text
    assert "per client" in await flows(realm)


async def test_create_flow_posts_the_flow_as_keycloaks_console_and_records_the_create(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    """CreateFlow.tsx: ``{alias, description, providerId, builtIn: false, topLevel: true}``."""
    form = await admin.get(f"{CONSOLE}/authentication/create-flow", headers=HTML)
    assert form.status_code == 200 and 'value="client-flow"' in form.text and "Basic flow" in form.text
    await enable_admin_events(realm)
    done = await post(
        admin, f"{CONSOLE}/authentication/create-flow", alias="my clients", description="mine", providerId="client-flow"
    )
    assert done.status_code == 303
    made = (await flows(realm))["my clients"]
    assert done.headers["location"].endswith(f"/authentication/flows/{made['id']}")
    assert made | {"id": ""} == {
        "id": "",
        "alias": "my clients",
        "description": "mine",
        "providerId": "client-flow",
        "topLevel": True,
        "builtIn": False,
        "authenticationExecutions": [],
    }
    shown = await admin.get(done.headers["location"], headers=HTML)
    assert "Flow created" in shown.text and "No steps" in shown.text
    event = (await admin_events(realm))[0]
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "CREATE",
        "AUTH_FLOW",
        f"authentication/flows/{made['id']}",
    )
    assert json.loads(event["representation"]) == {
        "id": made["id"],
        "alias": "my clients",
        "description": "mine",
        "providerId": "client-flow",
        "topLevel": True,
        "builtIn": False,
    }


async def test_create_flow_refusals_are_keycloaks_and_keep_what_was_typed(realm: Env, admin: httpx.AsyncClient) -> None:
    before = await flows(realm)
    taken = await post(admin, f"{CONSOLE}/authentication/create-flow", alias="browser", providerId="basic-flow")
    assert taken.status_code == 409 and "Could not create flow: Flow browser already exists" in taken.text
    slash = await post(admin, f"{CONSOLE}/authentication/create-flow", alias="a/b", description="kept")
    assert slash.status_code == 400 and "Character &#39;/&#39; not allowed." in slash.text
    assert 'value="a/b"' in slash.text and 'value="kept"' in slash.text
    empty = await post(admin, f"{CONSOLE}/authentication/create-flow", alias=" ")
    assert empty.status_code == 409 and "Failed to create flow with empty alias name" in empty.text
    assert await flows(realm) == before


async def test_duplicate_copies_the_flow_then_puts_the_new_description_recording_both_calls(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    """DuplicateFlowModal: ``POST flows/{alias}/copy`` with ``{newName}``, then ``PUT flows/{id}``."""
    browser = (await flows(realm))["browser"]
    form = await admin.get(f"{LIST}/{browser['id']}/duplicate", headers=HTML)
    assert 'value="Copy of browser"' in form.text
    await enable_admin_events(realm)
    done = await post(admin, f"{LIST}/{browser['id']}/duplicate", alias="my browser", description="Mine now")
    assert done.status_code == 303
    listed = await flows(realm)
    made = listed["my browser"]
    assert done.headers["location"].endswith(made["id"])
    assert (made["description"], made["builtIn"], made["topLevel"]) == ("Mine now", False, True)
    assert [e.get("flowAlias") for e in made["authenticationExecutions"]][-1] == "my browser forms"
    assert "Flow successfully duplicated" in (await admin.get(done.headers["location"], headers=HTML)).text
    put, created = (await admin_events(realm))[:2]
    assert (created["operationType"], created["resourcePath"]) == ("CREATE", "authentication/flows/browser/copy")
    assert json.loads(created["representation"]) == {"newName": "my browser", "id": made["id"]}
    assert (put["operationType"], put["resourceType"], put["resourcePath"]) == (
        "UPDATE",
        "AUTH_FLOW",
        f"authentication/flows/{made['id']}",
    )
    assert json.loads(put["representation"]) == made
    same = await post(admin, f"{LIST}/{browser['id']}/duplicate", alias="kept", description=browser["description"])
    assert same.status_code == 303 and len(await admin_events(realm)) == 4  # events/config, copy, put, the copy only
    again = await post(admin, f"{LIST}/{browser['id']}/duplicate", alias="my browser", description="")
    assert again.status_code == 409
    assert "Could not duplicate flow: New flow alias name already exists" in again.text


async def test_edit_info_puts_the_flow_as_listed_with_its_new_name_and_description(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    """EditFlowModal: ``PUT flows/{id}`` with ``{...flow, alias, description}``."""
    flow_id = await copy(realm, "direct grant", "to rename")
    shown = await admin.get(f"{LIST}/{flow_id}", headers=HTML)
    assert f'href="{LIST}/{flow_id}/edit">Edit info</a>' in shown.text
    form = await admin.get(f"{LIST}/{flow_id}/edit", headers=HTML)
    assert 'value="to rename"' in form.text
    await enable_admin_events(realm, clear=True)
    done = await post(admin, f"{LIST}/{flow_id}/edit", alias="renamed", description="New words")
    assert done.status_code == 303 and done.headers["location"].endswith(flow_id)
    listed = await flows(realm)
    assert "to rename" not in listed and (listed["renamed"]["id"], listed["renamed"]["description"]) == (
        flow_id,
        "New words",
    )
    event = (await admin_events(realm))[0]
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "UPDATE",
        "AUTH_FLOW",
        f"authentication/flows/{flow_id}",
    )
    assert json.loads(event["representation"]) == listed["renamed"]
    taken = await post(admin, f"{LIST}/{flow_id}/edit", alias="browser", description="")
    assert taken.status_code == 409 and "Could not update flow: Flow alias name already exists" in taken.text
    browser = (await flows(realm))["browser"]["id"]
    assert f"{browser}/edit" not in (await admin.get(f"{LIST}/{browser}", headers=HTML)).text  # built-in


async def test_delete_asks_first_then_deletes_an_unused_flow_and_refuses_built_in_ones(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    flow_id = await copy(realm, "direct grant", "spare")
    asked = await post(admin, f"{LIST}/{flow_id}/delete")
    assert asked.status_code == 200
    assert "Are you sure you want to permanently delete the flow &#34;spare&#34;." in asked.text
    assert 'name="confirmed" value="yes"' in asked.text and "spare" in await flows(realm)
    await enable_admin_events(realm)
    done = await post(admin, f"{LIST}/{flow_id}/delete", confirmed="yes")
    assert done.status_code == 303 and done.headers["location"].endswith("/authentication/flows")
    assert "spare" not in await flows(realm)
    assert "Flow successfully deleted" in (await admin.get(LIST, headers=HTML)).text
    event = (await admin_events(realm))[0]
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "DELETE",
        "AUTH_FLOW",
        f"authentication/flows/{flow_id}",
    )
    docker = (await flows(realm))["docker auth"]["id"]
    built_in = await post(admin, f"{LIST}/{docker}/delete", confirmed="yes")
    assert built_in.status_code == 400 and "Could not delete flow: Can&#39;t delete built in flow" in built_in.text
    assert len(await admin_events(realm)) == 2  # events/config and the delete


async def test_bind_flow_puts_the_realm_with_the_binding_and_records_the_realm_update(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    """BindFlowDialog: ``PUT /admin/realms/{realm}`` with ``{...realm, [bindingType]: alias}``."""
    flow_id = await copy(realm, "browser", "bound browser")
    form = await admin.get(f"{LIST}/{flow_id}/bind", headers=HTML)
    assert form.status_code == 200 and "Choose binding type" in form.text
    assert '<option value="browserFlow" selected>Browser flow</option>' in form.text
    assert 'value="dockerAuthenticationFlow"' not in form.text  # BindFlowDialog leaves docker out
    await enable_admin_events(realm)
    done = await post(admin, f"{LIST}/{flow_id}/bind", bindingType="browserFlow")
    assert done.status_code == 303 and done.headers["location"].endswith(flow_id)
    after = await realm_rep(realm)
    assert after["browserFlow"] == "bound browser"
    event = (await admin_events(realm))[0]
    assert (event["operationType"], event["resourceType"], event.get("resourcePath")) == ("UPDATE", "REALM", None)
    assert json.loads(event["representation"])["browserFlow"] == "bound browser"
    shown = (await admin.get(done.headers["location"], headers=HTML)).text
    assert "Flow successfully updated" in shown and f"{flow_id}/bind" not in shown  # bound: no Bind flow
    page = (await admin.get(LIST, headers=HTML)).text
    assert "Browser flow" in row(page, "bound browser") and "Not in use" in row(page, "browser")


async def test_a_binding_doorkeep_cannot_run_is_shown_with_its_reason_and_refused_with_it(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    flow_id = await copy(realm, "browser", "wrong kind")
    shown = (await admin.get(f"{LIST}/{flow_id}", headers=HTML)).text
    assert "Doorkeep can run it as: Browser flow." in shown  # beside Bind flow
    made = await rest(realm, "POST", f"{REST}/flows", {"alias": "empty", "providerId": "client-flow", "topLevel": True})
    empty = (await admin.get(f"{LIST}/{made.headers['location'].rsplit('/', 1)[1]}", headers=HTML)).text
    assert "Doorkeep cannot bind it yet: Doorkeep cannot run flow &#39;empty&#39; as the clients flow yet" in empty
    await enable_admin_events(realm, clear=True)
    form = await admin.get(f"{LIST}/{flow_id}/bind", headers=HTML)
    reason = "Doorkeep cannot run flow &#39;wrong kind&#39; as the registration flow yet"
    assert "Registration flow (Doorkeep cannot run it there)" in form.text and reason in form.text
    before = await realm_rep(realm)
    refused = await post(admin, f"{LIST}/{flow_id}/bind", bindingType="registrationFlow")
    assert refused.status_code == 400 and f"Could not update flow: {reason}" in refused.text
    assert '<option value="registrationFlow" selected>' in refused.text
    assert (await realm_rep(realm))["registrationFlow"] == before["registrationFlow"] == "registration"
    unknown = await post(admin, f"{LIST}/{flow_id}/bind", bindingType="nonsense")
    assert unknown.status_code == 400 and "Unknown binding type nonsense" in unknown.text
    assert await admin_events(realm) == []


async def test_the_list_pages_and_searches(realm: Env, admin: httpx.AsyncClient) -> None:
    for n in range(6):
        await rest(
            realm, "POST", f"{REST}/flows", {"alias": f"zz extra {n}", "providerId": "basic-flow", "topLevel": True}
        )
    total = len(await flows(realm))
    first = await admin.get(LIST, params={"max": "10"}, headers=HTML)
    assert f"Page 1 · {total} in all" in first.text and ">zz extra 5</a>" not in first.text
    assert "first=10&amp;max=10" in first.text
    second = await admin.get(LIST, params={"first": "10", "max": "10"}, headers=HTML)
    assert ">zz extra 5</a>" in second.text and ">browser</a>" not in second.text
    found = await admin.get(LIST, params={"search": "EXTRA 3"}, headers=HTML)
    assert ">zz extra 3</a>" in found.text and ">zz extra 2</a>" not in found.text and "1 in all" in found.text


async def test_a_view_realm_administrator_sees_flows_without_forms_and_a_forged_change_is_refused(
    realm: Env,
) -> None:
    await make_admin(realm, "test", "watcher", "view-realm")
    flow_id = await copy(realm, "browser", "watched")
    before = await flows(realm)
    async with client_at(realm, "127.0.0.4") as http:
        await sign_in(http, "/admin/test/console/", "watcher")
        page = await http.get(LIST, headers=HTML)
        assert page.status_code == 200 and ">watched</a>" in page.text and "needs the manage-realm role" in page.text
        assert "Create flow" not in page.text and "/delete" not in page.text and "/duplicate" not in page.text
        details = await http.get(f"{LIST}/{flow_id}", headers=HTML)
        assert details.status_code == 200 and "Username Password Form" in details.text
        assert "/executions/" not in details.text and "/bind" not in details.text and "/add" not in details.text
        for path in (
            f"{CONSOLE}/authentication/create-flow",
            f"{LIST}/{flow_id}/bind",
            f"{LIST}/{flow_id}/duplicate",
            f"{LIST}/{flow_id}/edit",
        ):
            assert (await http.get(path, headers=HTML)).status_code == 403
        token = csrf(page)
        for path, data in (
            (f"{CONSOLE}/authentication/create-flow", {"alias": "nope"}),
            (f"{LIST}/{flow_id}/bind", {"bindingType": "browserFlow"}),
            (f"{LIST}/{flow_id}/duplicate", {"alias": "nope"}),
            (f"{LIST}/{flow_id}/delete", {"confirmed": "yes"}),
            (f"{LIST}/{flow_id}/edit", {"alias": "nope"}),
        ):
            refused = await http.post(path, data={"csrf_token": token, **data}, headers=ORIGIN)
            assert refused.status_code == 403 and "manage-realm" in refused.text, path
    assert await flows(realm) == before


async def test_a_flow_not_listed_is_a_missing_page(realm: Env, admin: httpx.AsyncClient) -> None:
    listed = await rest(realm, "GET", f"{REST}/flows/browser/executions")
    forms = next(e for e in listed.json() if e["displayName"] == "forms")["flowId"]
    for flow_id in ("no-such-flow", forms):  # a sub-flow is no top-level flow
        missing = await admin.get(f"{LIST}/{flow_id}", headers=HTML)
        assert missing.status_code == 404 and "Could not find flow with id" in missing.text


async def test_aliases_and_descriptions_are_escaped_everywhere(realm: Env, admin: httpx.AsyncClient) -> None:
    alias, description = "<em>x\"'", "<script>alert(1)</script>"
    made = await rest(realm, "POST", f"{REST}/flows", {"alias": alias, "description": description, "topLevel": True})
    flow_id = made.headers["location"].rsplit("/", 1)[1]
    await rest(realm, "POST", f"{REST}/flows/{alias}/executions/flow", {"alias": "<u>sub", "description": "<i>d"})
    for path in (
        "",
        f"/{flow_id}",
        f"/{flow_id}/duplicate",
        f"/{flow_id}/edit",
        f"/{flow_id}/bind",
        f"/{flow_id}/add?kind=flow",
    ):
        page = await admin.get(LIST + path, headers=HTML)
        assert page.status_code == 200, path
        for raw in ("<em>", "<script>", "<u>", "<i>d"):
            assert raw not in page.text, (path, raw)
    shown = (await admin.get(f"{LIST}/{flow_id}", headers=HTML)).text
    assert "&lt;em&gt;x&#34;&#39;" in shown and "&lt;u&gt;sub" in shown and "&lt;i&gt;d" in shown
    listed = (await admin.get(LIST, headers=HTML)).text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in listed
