"""Keycloak's FlowTest (tests/base/.../admin/authentication/), over HTTP as master's admin against realm ``test``
(admin events on, as AbstractAuthenticationTest's realm). Every @Test method of the copy it was made from is
ported; the methods Keycloak's newest FlowTest adds are in test_kc_s71i_flows.py."""

from __future__ import annotations

import pytest

from auth_flow_port import (
    auth,
    compare_execution,
    compare_flows,
    copy,
    create_flow,
    executions,
    flow_by_alias,
    flows,
    new_flow,
    setup,
)
from role_port import assert_event, clear_events
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _add_child(env: Env, parent: str, child: str) -> None:
    data = {"alias": child, "type": "generic", "description": f"{child} flow"}
    response = await auth(env, "POST", f"/flows/{parent}/executions/flow", data)
    assert response.status_code == 201, response.text


async def test_remove_subflows(env: Env) -> None:
    """testRemoveSubflows: deleting a top flow deletes its sub-flows, so their aliases are free again."""
    await setup(env)
    await create_flow(env, new_flow("Foo", "Foo flow", "generic", True, False))
    await _add_child(env, "Foo", "child")
    await _add_child(env, "child", "grandchild")
    found = await flow_by_alias(env, "Foo")
    assert found is not None
    assert (await auth(env, "DELETE", f"/flows/{found['id']}")).status_code == 204
    await create_flow(env, new_flow("Foo", "Foo flow", "generic", True, False))
    await _add_child(env, "Foo", "child")
    await _add_child(env, "child", "grandchild")


async def test_add_flow_with_restricted_char_in_alias(env: Env) -> None:
    await setup(env)
    response = await auth(env, "POST", "/flows", new_flow("fo]o", "Browser flow", "basic-flow", True, False))
    assert (response.status_code, response.json()) == (400, {"error": "Character ']' not allowed."})


async def test_add_remove_flow(env: Env) -> None:
    realm_id = await setup(env)
    browser = await flow_by_alias(env, "browser")
    assert browser is not None
    refused = await auth(env, "DELETE", f"/flows/{browser['id']}")
    assert (refused.status_code, refused.json()) == (400, {"error": "Can't delete built in flow"})

    taken = await auth(env, "POST", "/flows", new_flow("browser", "Browser flow", "basic-flow", True, False))
    assert (taken.status_code, taken.json()) == (409, {"errorMessage": "Flow browser already exists"})
    nameless = await auth(env, "POST", "/flows", new_flow(None, "Browser flow", "basic-flow", True, False))
    assert nameless.status_code == 409

    rep = new_flow("browser-2", "Browser flow", "basic-flow", True, False)
    await create_flow(env, rep)
    found = await flow_by_alias(env, "browser-2")
    assert found is not None
    compare_flows(rep, found)
    assert (await auth(env, "GET", "/flows/id-123-notExistent")).status_code == 404
    direct = await auth(env, "GET", f"/flows/{found['id']}")
    compare_flows(rep, direct.json())
    await clear_events(env)

    data = {"alias": "SomeFlow", "type": "basic-flow", "description": "Test flow", "provider": "registration-page-form"}
    data2 = {**data, "alias": "SomeFlow2", "type": "form-flow", "description": "Test flow 2"}
    orphan = await auth(env, "POST", "/flows/inexistent-parent-flow-alias/executions/flow", data)
    assert (orphan.status_code, orphan.json()) == (400, {"errorMessage": "Parent flow doesn't exist"})
    taken = await auth(env, "POST", "/flows/browser-2/executions/flow", {**data, "alias": "browser"})
    assert (taken.status_code, taken.json()) == (409, {"errorMessage": "New flow alias name already exists"})

    for body in (data, data2):
        added = await auth(env, "POST", "/flows/browser-2/executions/flow", body)
        assert added.status_code == 201, added.text
        sub = await flow_by_alias(env, body["alias"])
        assert sub is None  # a sub-flow is no top-level flow
        assert str(added.headers["location"]).endswith(
            "/admin/realms/test/authentication/flows/" + added.headers["location"].rsplit("/", 1)[-1]
        )
        await assert_event(
            env, realm_id, "CREATE", "authentication/flows/browser-2/executions/flow", "AUTH_EXECUTION_FLOW", body
        )

    listed = await flow_by_alias(env, "browser-2")
    assert listed is not None
    execs = listed["authenticationExecutions"]
    assert len(execs) == 2
    compare_execution(
        {"flowAlias": "SomeFlow", "authenticatorFlow": True, "requirement": "DISABLED", "priority": 0}, execs[0]
    )
    compare_execution(
        {
            "flowAlias": "SomeFlow2",
            "authenticator": "registration-page-form",
            "authenticatorFlow": True,
            "requirement": "DISABLED",
            "priority": 1,
        },
        execs[1],
    )

    assert (await auth(env, "DELETE", f"/flows/{found['id']}")).status_code == 204
    await assert_event(env, realm_id, "DELETE", f"authentication/flows/{found['id']}", "AUTH_FLOW")
    assert await flow_by_alias(env, "browser-2") is None
    gone = await auth(env, "DELETE", "/flows/id-123-notExistent")
    assert (gone.status_code, gone.json()) == (404, {"error": "Flow not found"})


async def test_copy_flow(env: Env) -> None:
    realm_id = await setup(env)
    taken = await copy(env, "browser", "clients")
    assert taken.status_code == 409
    assert "already exists" in taken.text and "flow alias" in taken.text
    assert (await auth(env, "POST", "/flows/non-existent/copy", {})).status_code == 404

    made = await copy(env, "browser", "Copy of browser")
    assert made.status_code == 201
    await assert_event(
        env, realm_id, "CREATE", "authentication/flows/browser/copy", "AUTH_FLOW", {"newName": "Copy of browser"}
    )
    browser = await flow_by_alias(env, "browser")
    copied = await flow_by_alias(env, "Copy of browser")
    assert browser is not None and copied is not None
    browser["alias"], browser["builtIn"] = "Copy of browser", False
    forms = next(e for e in browser["authenticationExecutions"] if e.get("flowAlias") == "forms")
    forms["flowAlias"] = "Copy of browser forms"
    organization = next(e for e in browser["authenticationExecutions"] if e.get("flowAlias") == "Organization")
    organization["flowAlias"] = "Copy of browser Organization"
    compare_flows(browser, copied)
    direct = (await auth(env, "GET", f"/flows/{copied['id']}")).json()
    compare_flows(browser, direct)
    assert (await auth(env, "DELETE", f"/flows/{copied['id']}")).status_code == 204


async def test_add_execution_flow(env: Env) -> None:
    """addExecutionFlow (KEYCLOAK-2580): a sub-flow added to a copy, its event carrying the body."""
    realm_id = await setup(env)
    assert (await copy(env, "browser", "parent")).status_code == 201
    await assert_event(env, realm_id, "CREATE", "authentication/flows/browser/copy", "AUTH_FLOW", {"newName": "parent"})
    params = {
        "alias": "child",
        "description": "Description",
        "provider": "registration-page-form",
        "type": "basic-flow",
    }
    added = await auth(env, "POST", "/flows/parent/executions/flow", params)
    assert added.status_code == 201, added.text
    await assert_event(
        env, realm_id, "CREATE", "authentication/flows/parent/executions/flow", "AUTH_EXECUTION_FLOW", params
    )


async def test_edit_flow(env: Env) -> None:
    """editFlowTest (KEYCLOAK-12741): renaming and re-describing flows; a taken alias is refused."""
    realm_id = await setup(env)
    assert (await copy(env, "browser", "Copy of browser")).status_code == 201
    await clear_events(env)
    test_flow = await flow_by_alias(env, "Copy of browser")
    assert test_flow is not None
    test_flow["alias"] = "Copy of browser2"
    renamed = await auth(env, "PUT", f"/flows/{test_flow['id']}", test_flow)
    assert renamed.status_code == 202
    answered = renamed.json()  # the body as bound: id, alias, …, the primitive booleans, the executions sent
    assert (answered["id"], answered["alias"], answered["topLevel"], answered["builtIn"]) == (
        test_flow["id"],
        "Copy of browser2",
        True,
        False,
    )
    assert answered["authenticationExecutions"] == test_flow["authenticationExecutions"]
    await assert_event(env, realm_id, "UPDATE", f"authentication/flows/{test_flow['id']}", "AUTH_FLOW")
    assert await flow_by_alias(env, "Copy of browser2") is not None

    rep = new_flow("New Flow", "Test description", "basic-flow", True, False)
    await create_flow(env, rep)
    found = await flow_by_alias(env, "New Flow")
    assert found is not None
    compare_flows(rep, found)
    await clear_events(env)

    test_flow["alias"] = "New Flow"
    taken = await auth(env, "PUT", f"/flows/{found['id']}", test_flow)
    assert taken.status_code == 202  # the same flow's own alias: nothing refused, FlowTest's catch never runs
    assert await flow_by_alias(env, "Copy of browser2") is not None
    taken = await auth(env, "PUT", f"/flows/{test_flow['id']}", test_flow)
    assert (taken.status_code, taken.json()) == (409, {"errorMessage": "Flow alias name already exists"})
    await clear_events(env)

    found = await flow_by_alias(env, "New Flow")
    assert found is not None
    found["description"] = "New description"
    assert (await auth(env, "PUT", f"/flows/{found['id']}", found)).status_code == 202
    assert (await flow_by_alias(env, "New Flow") or {})["description"] == "New description"
    await assert_event(env, realm_id, "UPDATE", f"authentication/flows/{found['id']}", "AUTH_FLOW")

    found["alias"], found["description"] = "New Flow2", "New description2"
    assert (await auth(env, "PUT", f"/flows/{found['id']}", found)).status_code == 202
    after = await flow_by_alias(env, "New Flow2")
    assert after is not None and after["description"] == "New description2"
    await assert_event(env, realm_id, "UPDATE", f"authentication/flows/{found['id']}", "AUTH_FLOW")
    assert await flow_by_alias(env, "New Flow") is None
    assert (await auth(env, "DELETE", f"/flows/{test_flow['id']}")).status_code == 204
    assert (await auth(env, "DELETE", f"/flows/{found['id']}")).status_code == 204


async def test_edit_execution_flow(env: Env) -> None:
    """editExecutionFlowTest: a sub-flow renamed and re-described through PUT …/executions."""
    realm_id = await setup(env)
    await create_flow(env, new_flow("Parent-Flow", "This is a parent flow", "basic-flow", True, False))
    params = {"alias": "Child-Flow", "description": "This is a child flow", "provider": "registration-page-form"}
    params["type"] = "basic-flow"
    assert (await auth(env, "POST", "/flows/Parent-Flow/executions/flow", params)).status_code == 201
    await clear_events(env)
    rows = await executions(env, "Parent-Flow")

    again = await auth(env, "POST", "/flows/Parent-Flow/executions/flow", {**params, "description": "another"})
    assert again.status_code == 409

    found = rows[0]
    found["displayName"] = "Parent-Flow"
    taken = await auth(env, "PUT", "/flows/Parent-Flow/executions", found)
    assert (taken.status_code, taken.json()) == (409, {"errorMessage": "Flow alias name already exists"})

    found["displayName"], found["description"] = "Child-Flow2", "This is another child flow2"
    updated = await auth(env, "PUT", "/flows/Parent-Flow/executions", found)
    assert updated.status_code == 202 and updated.json()["alias"] == "Parent-Flow"
    await assert_event(env, realm_id, "UPDATE", "authentication/flows/Parent-Flow/executions", "AUTH_EXECUTION")
    rows = await executions(env, "Parent-Flow")
    assert (rows[0]["displayName"], rows[0]["description"]) == ("Child-Flow2", "This is another child flow2")

    found["description"] = "This is another child flow3"
    assert (await auth(env, "PUT", "/flows/Parent-Flow/executions", found)).status_code == 202
    await assert_event(env, realm_id, "UPDATE", "authentication/flows/Parent-Flow/executions", "AUTH_EXECUTION")
    rows = await executions(env, "Parent-Flow")
    assert (rows[0]["displayName"], rows[0]["description"]) == ("Child-Flow2", "This is another child flow3")
    assert [f["alias"] for f in await flows(env)].count("Parent-Flow") == 1
