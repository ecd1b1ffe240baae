"""The methods Keycloak's newest FlowTest (tests/base/.../tests/admin/authentication/FlowTest.java, keycloak@110a6242)
has that test_keycloak_flow_test.py, ported from an older copy, does not: over HTTP as master's admin against realm
``test`` (admin events on, as AbstractAuthenticationTest's realm), one test per Java method.

testRemoveUsedFlow, a deliberate difference: Keycloak's RealmAdapter.removeAuthenticationFlow throws a bare
ModelException for a flow in use, which KeycloakErrorHandler answers 500 ``unknown_error`` "For more on this error
consult the server log."; Doorkeep answers 400 ``unknown_error`` with the ModelException's own text (never a 500;
test_flow_bindings.py pins it). failWithLongDescription likewise: Keycloak's 500 (the column's 255 characters
overflowing) is Doorkeep's 400, whose body, as the Java test asks of the 500's, names no exception.
"""

from __future__ import annotations

import pytest

from auth_flow_port import auth, create_flow, executions, flow_by_alias, flows, new_flow, setup
from role_port import assert_event, call, clear_events
from wire_env import Env

pytestmark = pytest.mark.anyio

IN_USE = "Cannot remove authentication flow, it is currently in use"
REALM_BINDINGS = (
    "browserFlow",
    "registrationFlow",
    "clientAuthenticationFlow",
    "directGrantFlow",
    "resetCredentialsFlow",
    "dockerAuthenticationFlow",
    "firstBrokerLoginFlow",
)


async def _add_child(env: Env, parent: str, child: str) -> None:
    """FlowTest.addFlowToParent: a generic sub-flow ``child`` under ``parent``."""
    data = {"alias": child, "type": "generic", "description": f"{child} flow"}
    response = await auth(env, "POST", f"/flows/{parent}/executions/flow", data)
    assert response.status_code == 201, response.text


async def _assert_remove_fails(env: Env, flow_id: str) -> None:
    refused = await auth(env, "DELETE", f"/flows/{flow_id}")
    assert refused.status_code == 400, refused.text  # Keycloak: 500 (the module docstring)
    assert refused.json() == {"error": "unknown_error", "error_description": IN_USE}


async def test_remove_execution_subflow(env: Env) -> None:
    """testRemoveExecutionSubflow: removing the execution of sub-flow ``child`` removes ``child`` and its own
    sub-flow ``grandchild``, so both aliases can be made again."""
    await setup(env)
    await create_flow(env, new_flow("Foo", "Foo flow", "generic", True, False))
    await _add_child(env, "Foo", "child")
    await _add_child(env, "child", "grandchild")
    rows = await executions(env, "Foo")
    (child,) = [r for r in rows if r.get("displayName") == "child" and r.get("level") == 0]
    removed = await auth(env, "DELETE", f"/executions/{child['id']}")
    assert removed.status_code == 204, removed.text
    await _add_child(env, "Foo", "child")
    await _add_child(env, "child", "grandchild")


async def _copy_of(env: Env, alias: str, name: str) -> str:
    """A copy of flow ``alias`` named ``name``; its id."""
    made = await auth(env, "POST", f"/flows/{alias}/copy", {"newName": name})
    assert made.status_code == 201, made.text
    found = await flow_by_alias(env, name)
    assert found is not None
    return str(found["id"])


async def test_remove_used_flow(env: Env) -> None:
    """testRemoveUsedFlow: a flow bound to any of the realm's seven bindings, a client's browser override, or an
    identity provider's first or post broker login flow cannot be deleted; once unbound it can. Keycloak binds
    one empty generic flow everywhere; Doorkeep binds only a flow it runs (realms/flow_support.py), so each
    binding gets a copy of the flow it had (the post broker login flow an empty basic flow)."""
    await setup(env)
    realm = (await call(env, "GET", "")).json()
    for binding in REALM_BINDINGS:
        name = f"test {binding}"
        flow_id = await _copy_of(env, realm[binding], name)
        bound = await call(env, "PUT", "", {binding: name})
        assert bound.status_code == 204, (binding, bound.text)
        await _assert_remove_fails(env, flow_id)
        back = await call(env, "PUT", "", {binding: realm[binding]})
        assert back.status_code == 204, (binding, back.text)
        assert (await auth(env, "DELETE", f"/flows/{flow_id}")).status_code == 204

    flow_id = await _copy_of(env, realm["browserFlow"], "test override")
    (account,) = (await call(env, "GET", "/clients", clientId="account")).json()
    path = f"/clients/{account['id']}"
    overridden = await call(env, "PUT", path, {**account, "authenticationFlowBindingOverrides": {"browser": flow_id}})
    assert overridden.status_code == 204, overridden.text
    await _assert_remove_fails(env, flow_id)
    cleared = await call(env, "PUT", path, {**account, "authenticationFlowBindingOverrides": {"browser": ""}})
    assert cleared.status_code == 204, cleared.text
    assert (await auth(env, "DELETE", f"/flows/{flow_id}")).status_code == 204

    made = await call(env, "POST", "/identity-provider/instances", {"alias": "idp", "providerId": "oidc"})
    assert made.status_code == 201, made.text
    idp = (await call(env, "GET", "/identity-provider/instances/idp")).json()
    first = await _copy_of(env, realm["firstBrokerLoginFlow"], "test idp")
    post = await create_flow(env, new_flow("test post", "Test flow", "basic-flow", True, False))
    for key, alias, flow_id in (
        ("firstBrokerLoginFlowAlias", "test idp", first),
        ("postBrokerLoginFlowAlias", "test post", post),
    ):
        updated = await call(env, "PUT", "/identity-provider/instances/idp", {**idp, key: alias})
        assert updated.status_code == 204, (key, updated.text)
        await _assert_remove_fails(env, flow_id)
        restored = await call(env, "PUT", "/identity-provider/instances/idp", idp)
        assert restored.status_code == 204, (key, restored.text)
        assert (await auth(env, "DELETE", f"/flows/{flow_id}")).status_code == 204


async def test_priority_set(env: Env) -> None:
    """prioritySetTest: sub-flows added with priorities 50, 10, 20 are listed by priority; giving the last one
    priority 5 moves it first."""
    realm_id = await setup(env)
    await create_flow(env, new_flow("Parent-Flow", "This is a parent flow", "basic-flow", True, False))
    await clear_events(env)
    for alias, description, priority in (
        ("Child-Flow1", "This is a child flow", 50),
        ("Child-Flow2", "This is a second child flow", 10),
        ("Child-Flow3", "This is a third child flow", 20),
    ):
        params = {
            "alias": alias,
            "description": description,
            "provider": "registration-page-form",
            "type": "basic-flow",
            "priority": priority,
        }
        added = await auth(env, "POST", "/flows/Parent-Flow/executions/flow", params)
        assert added.status_code == 201, added.text
        await assert_event(
            env, realm_id, "CREATE", "authentication/flows/Parent-Flow/executions/flow", "AUTH_EXECUTION_FLOW", params
        )

    rows = await executions(env, "Parent-Flow")
    assert [(r["displayName"], r["priority"]) for r in rows] == [
        ("Child-Flow2", 10),
        ("Child-Flow3", 20),
        ("Child-Flow1", 50),
    ]
    moved = await auth(env, "PUT", "/flows/Parent-Flow/executions", {**rows[2], "priority": 5})
    assert moved.status_code == 202, moved.text
    rows = await executions(env, "Parent-Flow")
    assert [(r["displayName"], r["priority"]) for r in rows] == [
        ("Child-Flow1", 5),
        ("Child-Flow2", 10),
        ("Child-Flow3", 20),
    ]


async def test_fail_with_long_description(env: Env) -> None:
    """failWithLongDescription: a description past the column's 255 characters is refused, and the answer names
    no exception (Keycloak: a 500; Doorkeep: a 400, the module docstring); the flow keeps its description."""
    await setup(env)
    docker = await flow_by_alias(env, "docker auth")
    assert docker is not None
    description = "invalid" * 43  # 301 characters, as the Java loop makes
    refused = await auth(env, "PUT", f"/flows/{docker['id']}", {**docker, "description": description})
    assert refused.status_code == 400, refused.text
    assert "exception" not in refused.text.lower()
    assert (await flow_by_alias(env, "docker auth") or {})["description"] == docker["description"]


async def test_add_remove_executions_fail_in_builtin_flow(env: Env) -> None:
    """testAddRemoveExecutionsFailInBuiltinFlow: a built-in flow takes no execution, no sub-flow, and loses none."""
    await setup(env)
    builtin = next(f for f in await flows(env) if f["builtIn"])
    alias = builtin["alias"]
    added = await auth(env, "POST", f"/flows/{alias}/executions/execution", {"provider": "allow-access-authenticator"})
    assert (added.status_code, added.json()) == (400, {"error": "It is illegal to add execution to a built in flow"})
    data = {"alias": "child", "type": "generic", "description": "child flow"}
    sub = await auth(env, "POST", f"/flows/{alias}/executions/flow", data)
    assert (sub.status_code, sub.json()) == (400, {"error": "It is illegal to add sub-flow to a built in flow"})
    rows = await executions(env, alias)
    assert rows, "The builtin flow has no executions"
    removed = await auth(env, "DELETE", f"/executions/{rows[0]['id']}")
    assert (removed.status_code, removed.json()) == (
        400,
        {"error": "It is illegal to remove execution from a built in flow"},
    )


async def test_execution_config_duplicated(env: Env) -> None:
    """testExecutionConfigDuplicated: copying ``browser`` gives the copy's executions configurations of their
    own, none shared with the original's."""
    realm_id = await setup(env)
    await clear_events(env)
    rows = await executions(env, "browser")
    redirector = next(r for r in rows if r.get("providerId") == "identity-provider-redirector")
    config = {"alias": "test-execution-config", "config": {"key": "value"}}
    made = await auth(env, "POST", f"/executions/{redirector['id']}/config", config)
    assert made.status_code == 201, made.text
    await assert_event(
        env, realm_id, "CREATE", f"authentication/executions/{redirector['id']}/config", "AUTHENTICATOR_CONFIG", config
    )
    params = {"newName": "Duplicated of browser"}
    assert (await auth(env, "POST", "/flows/browser/copy", params)).status_code == 201
    await assert_event(env, realm_id, "CREATE", "authentication/flows/browser/copy", "AUTH_FLOW", params)

    existing = {r["authenticationConfig"] for r in await executions(env, "browser") if r.get("authenticationConfig")}
    copied = {
        r["authenticationConfig"]
        for r in await executions(env, "Duplicated of browser")
        if r.get("authenticationConfig")
    }
    assert existing and copied
    assert not existing & copied, "Execution config not duplicated"


async def test_a_new_execution_takes_the_priority_the_body_names(env: Env) -> None:
    """Not a Java assertion; AuthenticationManagementResource (Keycloak 25+) as prioritySetTest relies on it:
    ``addExecutionToFlow`` and ``addExecution`` take the body's ``priority``, else one after the last; a
    priority that is no integer is Keycloak's ClassCastException (a 500), here a 400."""
    realm_id = await setup(env)
    await create_flow(env, new_flow("Parent-Flow", "This is a parent flow", "basic-flow", True, False))
    parent = await flow_by_alias(env, "Parent-Flow")
    assert parent is not None
    await clear_events(env)
    first = {"provider": "auth-cookie", "priority": 30}
    assert (await auth(env, "POST", "/flows/Parent-Flow/executions/execution", first)).status_code == 201
    await assert_event(
        env, realm_id, "CREATE", "authentication/flows/Parent-Flow/executions/execution", "AUTH_EXECUTION", first
    )
    rep = {"parentFlow": parent["id"], "authenticator": "auth-otp-form", "requirement": "DISABLED", "priority": 20}
    assert (await auth(env, "POST", "/executions", rep)).status_code == 201
    last = {"provider": "auth-username-password-form"}
    assert (await auth(env, "POST", "/flows/Parent-Flow/executions/execution", last)).status_code == 201
    rows = await executions(env, "Parent-Flow")
    assert [(r["providerId"], r["priority"]) for r in rows] == [
        ("auth-otp-form", 20),
        ("auth-cookie", 30),
        ("auth-username-password-form", 31),
    ]
    await clear_events(env)
    for body in ({"provider": "auth-cookie", "priority": "first"}, {"provider": "auth-cookie", "priority": None}):
        refused = await auth(env, "POST", "/flows/Parent-Flow/executions/execution", body)
        assert refused.status_code == 400, refused.text
        assert refused.json()["error"] == "unknown_error"
    assert len(await executions(env, "Parent-Flow")) == 3


async def test_an_execution_update_without_a_priority_moves_it_to_zero(env: Env) -> None:
    """Not a Java assertion; Keycloak 25+'s updateExecutions compares the representation's ``int priority``, 0
    when the body has none: such a body moves the execution to priority 0 (recorded as an update) and renames
    nothing; the same body with the row's priority renames the sub-flow."""
    realm_id = await setup(env)
    await create_flow(env, new_flow("Parent-Flow", "This is a parent flow", "basic-flow", True, False))
    for alias in ("Child-A", "Child-B"):
        data = {"alias": alias, "description": alias, "provider": "registration-page-form", "type": "basic-flow"}
        assert (await auth(env, "POST", "/flows/Parent-Flow/executions/flow", data)).status_code == 201
    await clear_events(env)
    row = (await executions(env, "Parent-Flow"))[1]
    assert (row["displayName"], row["priority"]) == ("Child-B", 1)
    without = {k: v for k, v in row.items() if k != "priority"}
    moved = await auth(env, "PUT", "/flows/Parent-Flow/executions", {**without, "displayName": "Renamed"})
    assert moved.status_code == 202, moved.text
    await assert_event(env, realm_id, "UPDATE", "authentication/flows/Parent-Flow/executions", "AUTH_EXECUTION")
    rows = await executions(env, "Parent-Flow")
    assert {(r["displayName"], r["priority"]) for r in rows} == {("Child-A", 0), ("Child-B", 0)}  # ties: any order
    row = next(r for r in rows if r["displayName"] == "Child-B")
    renamed = await auth(env, "PUT", "/flows/Parent-Flow/executions", {**row, "displayName": "Renamed"})
    assert renamed.status_code == 202, renamed.text
    assert {r["displayName"] for r in await executions(env, "Parent-Flow")} == {"Child-A", "Renamed"}


async def test_update_execution_priority_moves_it_last(env: Env) -> None:
    """ExecutionTest.testUpdateExecution (keycloak@898fdedc, newer than test_keycloak_execution_test.py's copy):
    the built-in ``browser`` flow's Cookie DISABLED with priority Integer.MAX_VALUE is last of its level; the
    event carries the row."""
    realm_id = await setup(env)
    await clear_events(env)
    rows = await executions(env, "browser")
    cookie = next(r for r in rows if r.get("providerId") == "auth-cookie")
    assert (cookie["requirement"], cookie["index"]) == ("ALTERNATIVE", 0)
    cookie = {**cookie, "requirement": "DISABLED", "priority": 2**31 - 1}
    changed = await auth(env, "PUT", "/flows/browser/executions", cookie)
    assert changed.status_code == 202, changed.text
    await assert_event(env, realm_id, "UPDATE", "authentication/flows/browser/executions", "AUTH_EXECUTION", cookie)
    rows = await executions(env, "browser")
    after = next(r for r in rows if r.get("providerId") == "auth-cookie")
    last = sum(1 for r in rows if r["level"] == after["level"]) - 1
    assert after == {**cookie, "index": last}
