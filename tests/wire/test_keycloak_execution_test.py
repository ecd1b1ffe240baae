"""Keycloak's ExecutionTest (tests/base/.../admin/authentication/), over HTTP as master's admin against realm ``test``
(admin events on, as AbstractAuthenticationTest's realm). Every @Test method is ported.

testUpdateExecution makes the built-in ``browser`` flow's Cookie DISABLED, as Keycloak allows: a browser flow
is compiled onto the login (realms/flow_plan.py), so the bound flow may change; the same on an unbound copy too.
"""

from __future__ import annotations

import pytest

from auth_flow_port import auth, by_provider, copy, create_flow, executions, flow_by_alias, new_flow, setup
from role_port import assert_event, clear_events
from wire_env import Env

pytestmark = pytest.mark.anyio
R, A, D, C = "REQUIRED", "ALTERNATIVE", "DISABLED", "CONDITIONAL"


async def _add(env: Env, flow: str, provider: str) -> None:
    response = await auth(env, "POST", f"/flows/{flow}/executions/execution", {"provider": provider})
    assert response.status_code == 201, response.text


async def test_update_authenticator_config(env: Env) -> None:
    """testUpdateAuthenticatorConfig (KEYCLOAK-7975): a config made for a new execution, then updated."""
    realm_id = await setup(env)
    assert (await copy(env, "browser", "new-browser-flow")).status_code == 201
    await clear_events(env)
    params = {"newName": "new-browser-flow", "provider": "auth-conditional-otp-form"}
    added = await auth(env, "POST", "/flows/new-browser-flow/executions/execution", params)
    assert added.status_code == 201, added.text
    await assert_event(
        env, realm_id, "CREATE", "authentication/flows/new-browser-flow/executions/execution", "AUTH_EXECUTION", params
    )
    row = by_provider(await executions(env, "new-browser-flow"), "auth-conditional-otp-form")
    assert row is not None
    config = {
        "defaultOtpOutcome": "skip",
        "otpControlAttribute": "test",
        "forceOtpForHeaderPattern": "",
        "skipOtpRole": "",
    }
    rep = {"alias": "conditional-otp-form-config-alias", "config": config}
    made = await auth(env, "POST", f"/executions/{row['id']}/config", rep)
    assert made.status_code == 201, made.text
    config_id = str(made.headers["location"]).rsplit("/", 1)[-1]
    rep["config"] = {**config, "otpControlAttribute": "test-updated"}
    assert (await auth(env, "PUT", f"/config/{config_id}", rep)).status_code == 204
    updated = (await auth(env, "GET", f"/config/{config_id}")).json()
    assert set(updated["config"].values()) >= {"test-updated", "skip"}
    assert updated["config"] == {"defaultOtpOutcome": "skip", "otpControlAttribute": "test-updated"}  # empties dropped


async def test_add_remove_execution(env: Env) -> None:
    realm_id = await setup(env)
    params = {"provider": "idp-review-profile"}
    built_in = await auth(env, "POST", "/flows/browser/executions/execution", params)
    assert (built_in.status_code, built_in.json()) == (
        400,
        {"error": "It is illegal to add execution to a built in flow"},
    )
    missing = await auth(env, "POST", "/flows/not-existent/executions/execution", params)
    assert (missing.status_code, missing.json()) == (400, {"error": "Parent flow doesn't exist"})

    assert (await copy(env, "browser", "Copy-of-browser")).status_code == 201
    await clear_events(env)
    unknown = await auth(env, "POST", "/flows/Copy-of-browser/executions/execution", {"provider": "test-execution"})
    assert (unknown.status_code, unknown.json()) == (
        400,
        {"error": "No authentication provider found for id: test-execution"},
    )

    await _add(env, "Copy-of-browser", "idp-review-profile")
    await assert_event(
        env, realm_id, "CREATE", "authentication/flows/Copy-of-browser/executions/execution", "AUTH_EXECUTION", params
    )
    rows = await executions(env, "Copy-of-browser")
    exec_row = by_provider(rows, "idp-review-profile")
    cookie = by_provider(rows, "auth-cookie")
    assert exec_row is not None and cookie is not None
    assert {k: exec_row[k] for k in ("displayName", "configurable", "level", "index", "requirement")} == {
        "displayName": "Review Profile",
        "configurable": True,
        "level": 0,
        "index": 5,  # after Cookie, Kerberos, the IdP Redirector, Organization and forms (4 without organizations)
        "requirement": D,
    }
    assert exec_row["requirementChoices"] == [R, A, D]

    assert (await auth(env, "DELETE", f"/executions/{exec_row['id']}")).status_code == 204
    await assert_event(env, realm_id, "DELETE", f"authentication/executions/{exec_row['id']}", "AUTH_EXECUTION")
    assert by_provider(await executions(env, "Copy-of-browser"), "idp-review-profile") is None
    assert (await auth(env, "DELETE", f"/executions/{cookie['id']}")).status_code == 204
    await assert_event(env, realm_id, "DELETE", f"authentication/executions/{cookie['id']}", "AUTH_EXECUTION")

    rep = {"priority": 10, "authenticator": "auth-cookie", "requirement": C}
    no_parent = await auth(env, "POST", "/executions", rep)
    assert (no_parent.status_code, no_parent.json()) == (400, {"error": "parent flow not set on new execution"})
    rep["parentFlow"] = "not-existent-id"
    bad_parent = await auth(env, "POST", "/executions", rep)
    assert (bad_parent.status_code, bad_parent.json()) == (400, {"error": "execution parent flow does not exist"})
    browser = await flow_by_alias(env, "browser")
    assert browser is not None
    rep["parentFlow"] = browser["id"]
    assert (await auth(env, "POST", "/executions", rep)).status_code == 400
    copied = await flow_by_alias(env, "Copy-of-browser")
    assert copied is not None
    rep["parentFlow"] = copied["id"]
    added = await auth(env, "POST", "/executions", rep)
    assert added.status_code == 201, added.text
    new_id = str(added.headers["location"]).rsplit("/", 1)[-1]
    await assert_event(env, realm_id, "CREATE", f"authentication/executions/{new_id}", "AUTH_EXECUTION", rep)
    row = by_provider(await executions(env, "Copy-of-browser"), "auth-cookie")
    assert row is not None
    # No check that the requirement is one of the choices: CONDITIONAL it is; at the priority 10 the body names,
    # so first (Keycloak 25+; keycloak@898fdedc asserts index 0, priority 10).
    assert (row["displayName"], row["requirement"], row["level"], row["index"]) == ("Cookie", C, 0, 0)
    assert row["priority"] == 10


async def test_update_execution(env: Env) -> None:
    """testUpdateExecution: the bound built-in ``browser``'s Cookie step DISABLED (a browser flow Doorkeep
    runs: realms/flow_plan.py), then the same on an unbound copy; the event carries the row."""
    realm_id = await setup(env)
    cookie = by_provider(await executions(env, "browser"), "auth-cookie")
    assert cookie is not None and cookie["requirement"] == A
    cookie["requirement"] = D
    changed = await auth(env, "PUT", "/flows/browser/executions", cookie)
    assert changed.status_code == 202, changed.text
    assert (by_provider(await executions(env, "browser"), "auth-cookie") or {})["requirement"] == D
    assert (await auth(env, "PUT", "/flows/browser/executions", {**cookie, "requirement": A})).status_code == 202

    assert (await copy(env, "browser", "unbound")).status_code == 201
    await clear_events(env)
    row = by_provider(await executions(env, "unbound"), "auth-cookie")
    assert row is not None
    row["requirement"] = D
    updated = await auth(env, "PUT", "/flows/unbound/executions", row)
    assert updated.status_code == 202 and updated.json()["alias"] == "unbound"
    await assert_event(env, realm_id, "UPDATE", "authentication/flows/unbound/executions", "AUTH_EXECUTION", row)
    assert by_provider(await executions(env, "unbound"), "auth-cookie") == row


async def test_client_flow_executions(env: Env) -> None:
    realm_id = await setup(env)
    await create_flow(env, new_flow("new-client-flow", "desc", "client-flow", True, False))
    await clear_events(env)
    await _add(env, "new-client-flow", "client-secret")
    await assert_event(
        env,
        realm_id,
        "CREATE",
        "authentication/flows/new-client-flow/executions/execution",
        "AUTH_EXECUTION",
        {"provider": "client-secret"},
    )
    assert (await auth(env, "GET", "/flows/not-existent/executions")).status_code == 404
    row = by_provider(await executions(env, "new-client-flow"), "client-secret")
    assert row is not None
    wrong_flow = await auth(env, "PUT", "/flows/not-existent/executions", row)
    assert (wrong_flow.status_code, wrong_flow.json()) == (404, {"error": "flow not found"})
    wrong_id = await auth(env, "PUT", "/flows/new-client-flow/executions", {"id": "not-existent"})
    assert (wrong_id.status_code, wrong_id.json()) == (404, {"error": "Illegal execution"})
    row["requirement"] = A
    assert (await auth(env, "PUT", "/flows/new-client-flow/executions", row)).status_code == 202
    await assert_event(
        env, realm_id, "UPDATE", "authentication/flows/new-client-flow/executions", "AUTH_EXECUTION", row
    )
    assert (by_provider(await executions(env, "new-client-flow"), "client-secret") or {})["requirement"] == A
    assert (await auth(env, "DELETE", "/executions/not-existent")).status_code == 404
    assert (await auth(env, "DELETE", f"/executions/{row['id']}")).status_code == 204
    await assert_event(env, realm_id, "DELETE", f"authentication/executions/{row['id']}", "AUTH_EXECUTION")
    flow = await flow_by_alias(env, "new-client-flow")
    assert flow is not None
    assert (await auth(env, "DELETE", f"/flows/{flow['id']}")).status_code == 204
    await assert_event(env, realm_id, "DELETE", f"authentication/flows/{flow['id']}", "AUTH_FLOW")


async def test_requirements_in_execution(env: Env) -> None:
    """testRequirementsInExecution: a provider with one requirement choice starts with it, others DISABLED."""
    await setup(env)
    assert (await copy(env, "browser", "new-exec-flow")).status_code == 201
    for provider, expected in (("auth-username-form", R), ("webauthn-authenticator", D), ("no-cookie-redirect", R)):
        await _add(env, "new-exec-flow", provider)
        row = by_provider(await executions(env, "new-exec-flow"), provider)
        assert row is not None and row["requirement"] == expected, (provider, row)
        assert (await auth(env, "DELETE", f"/executions/{row['id']}")).status_code == 204
    flow = await flow_by_alias(env, "new-exec-flow")
    assert flow is not None
    assert (await auth(env, "DELETE", f"/flows/{flow['id']}")).status_code == 204
