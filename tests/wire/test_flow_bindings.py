"""A realm's flow bindings and a client's ``authenticationFlowBindingOverrides`` are writable, but only to flows
Doorkeep runs (realms/flow_support.py): a copy of a built-in flow may be bound, and a bound flow edited, only
while it stays the built-in flow's equal; the rest is a 400 naming what Doorkeep cannot run, never a binding
kept and ignored."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import pytest

from auth_flow_port import auth, copy, executions, flow_by_alias, flows, setup
from doorkeep.realms.exportimport.files import export_realm, import_realm
from keycloak_port import admin_headers
from role_port import call
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _realm(env: Env) -> dict[str, Any]:
    found: dict[str, Any] = (await call(env, "GET", "")).json()
    return found


def _otp(rows: list[dict[str, Any]]) -> dict[str, Any]:
    return next(r for r in rows if r.get("providerId") == "auth-otp-form")


def _redirector(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The Identity Provider Redirector: REQUIRED, it would be the sign-in step, which Doorkeep does not run."""
    return next(r for r in rows if r.get("providerId") == "identity-provider-redirector")


async def test_a_copy_of_browser_is_bound_and_stays_bound_only_while_doorkeep_runs_it(env: Env) -> None:
    await setup(env)
    assert (await copy(env, "browser", "my browser")).status_code == 201
    assert (await call(env, "PUT", "", {"browserFlow": "my browser"})).status_code == 204
    assert (await _realm(env))["browserFlow"] == "my browser"

    redirector = _redirector(await executions(env, "my browser"))
    refused = await auth(env, "PUT", "/flows/my browser/executions", {**redirector, "requirement": "REQUIRED"})
    assert refused.status_code == 400
    message = refused.json()["errorMessage"]
    assert message.startswith("Doorkeep cannot run flow 'my browser' as the browser flow yet: ") and (
        "identity-provider-redirector" in message
    )
    assert _redirector(await executions(env, "my browser"))["requirement"] == "ALTERNATIVE"
    otp = _otp(await executions(env, "my browser"))
    forced = await auth(env, "PUT", "/flows/my browser/executions", {**otp, "requirement": "REQUIRED"})
    assert forced.status_code == 202, forced.text  # a browser flow Doorkeep runs (realms/flow_plan.py)
    back = await auth(env, "PUT", "/flows/my browser/executions", {**otp, "requirement": "ALTERNATIVE"})
    assert back.status_code == 202, back.text

    bound = await flow_by_alias(env, "my browser")
    assert bound is not None
    in_use = await auth(env, "DELETE", f"/flows/{bound['id']}")
    assert (in_use.status_code, in_use.json()["error_description"]) == (
        400,
        "Cannot remove authentication flow, it is currently in use",
    )

    assert (await call(env, "PUT", "", {"browserFlow": "browser"})).status_code == 204
    assert (
        await auth(env, "PUT", "/flows/my browser/executions", {**redirector, "requirement": "REQUIRED"})
    ).status_code == 202
    again = await call(env, "PUT", "", {"browserFlow": "my browser"})
    assert again.status_code == 400 and "identity-provider-redirector" in again.json()["errorMessage"]
    assert (await _realm(env))["browserFlow"] == "browser"
    assert (await auth(env, "DELETE", f"/flows/{bound['id']}")).status_code == 204


async def test_binding_an_unknown_alias_or_another_kind_of_flow_is_refused(env: Env) -> None:
    await setup(env)
    unknown = await call(env, "PUT", "", {"directGrantFlow": "nope"})
    assert (unknown.status_code, unknown.json()) == (400, {"errorMessage": "Flow nope not found"})
    wrong_kind = await call(env, "PUT", "", {"directGrantFlow": "browser"})
    assert wrong_kind.status_code == 400
    assert wrong_kind.json()["errorMessage"].startswith("Doorkeep cannot run flow 'browser' as the direct grant flow")
    assert (await _realm(env))["directGrantFlow"] == "direct grant"


async def test_a_clients_override_is_stored_shown_and_checked(env: Env) -> None:
    await setup(env)
    assert (await copy(env, "browser", "client browser")).status_code == 201
    flow = await flow_by_alias(env, "client browser")
    assert flow is not None
    made = await call(
        env, "POST", "/clients", {"clientId": "app", "authenticationFlowBindingOverrides": {"browser": flow["id"]}}
    )
    assert made.status_code == 201, made.text
    client_id = str(made.headers["location"]).rsplit("/", 1)[-1]
    shown = (await call(env, "GET", f"/clients/{client_id}")).json()
    assert shown["authenticationFlowBindingOverrides"] == {"browser": flow["id"]}

    unknown = await call(env, "PUT", f"/clients/{client_id}", {"authenticationFlowBindingOverrides": {"browser": "x"}})
    assert (unknown.status_code, unknown.json()) == (400, {"errorMessage": "Flow x does not exist"})
    wrong = await call(
        env, "PUT", f"/clients/{client_id}", {"authenticationFlowBindingOverrides": {"direct_grant": flow["id"]}}
    )
    assert wrong.status_code == 400 and "as the direct grant flow" in wrong.json()["errorMessage"]

    redirector = _redirector(await executions(env, "client browser"))
    refused = await auth(env, "PUT", "/flows/client browser/executions", {**redirector, "requirement": "REQUIRED"})
    assert refused.status_code == 400 and refused.json()["errorMessage"].endswith("(client app's browser override)")
    assert (await auth(env, "DELETE", f"/flows/{flow['id']}")).status_code == 400

    cleared = await call(env, "PUT", f"/clients/{client_id}", {"authenticationFlowBindingOverrides": {"browser": ""}})
    assert cleared.status_code == 204
    assert (await call(env, "GET", f"/clients/{client_id}")).json()["authenticationFlowBindingOverrides"] == {}
    assert (await auth(env, "DELETE", f"/flows/{flow['id']}")).status_code == 204


async def test_an_import_keeps_custom_flows_and_configs_and_binds_only_what_doorkeep_runs(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    await setup(env)
    assert (await copy(env, "browser", "my browser")).status_code == 201
    assert (await copy(env, "direct grant", "strict grant")).status_code == 201
    otp = next(r for r in await executions(env, "strict grant") if r.get("providerId") == "direct-grant-validate-otp")
    made = await auth(env, "POST", f"/executions/{otp['id']}/config", {"alias": "strict", "config": {"k": "v"}})
    assert made.status_code == 201, made.text
    exported = await export_realm(env.db, "test")
    exported["realm"], exported["id"] = "imported", "imported-id"
    exported["browserFlow"], exported["directGrantFlow"] = "my browser", "strict grant"
    strict = next(f for f in exported["authenticationFlows"] if f["alias"] == "strict grant")
    strict["authenticationExecutions"][0]["requirement"] = "DISABLED"  # no ValidateUsername: Doorkeep cannot run it

    with caplog.at_level(logging.WARNING, logger="doorkeep.import"):
        async with env.db.transaction() as tx:
            await import_realm(tx, exported, env.clock.now(), skip_existing=False)
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == [
        "realm 'imported': skipped fields Doorkeep does not support: directGrantFlow"
    ]
    rep = (await env.http.get("/admin/realms/imported", headers=await admin_headers(env))).json()
    assert (rep["browserFlow"], rep["directGrantFlow"]) == ("my browser", "direct grant")
    again = await export_realm(env.db, "imported")
    assert {f["alias"] for f in again["authenticationFlows"]} == {f["alias"] for f in exported["authenticationFlows"]}
    assert {c["alias"]: c["config"] for c in again["authenticatorConfig"]}["strict"] == {"k": "v"}
    ours = next(f for f in again["authenticationFlows"] if f["alias"] == "strict grant")
    assert ours == next(f for f in exported["authenticationFlows"] if f["alias"] == "strict grant")


async def test_concurrent_flow_writes_all_land(env: Env) -> None:
    """Each write reads, changes and stores the realm's whole flow set under the realm row's lock: six copies at
    once all stay (without the lock, PostgreSQL's concurrent read-modify-writes would lose some)."""
    await setup(env)
    names = [f"copy {n}" for n in range(6)]
    answers = await asyncio.gather(*(copy(env, "browser", name) for name in names))
    assert [a.status_code for a in answers] == [201] * 6, [a.text for a in answers]
    listed = {f["alias"] for f in await flows(env)}
    assert set(names) <= listed


async def test_an_imported_clients_override_follows_its_flow_by_alias_or_is_warned_of(
    env: Env, caplog: pytest.LogCaptureFixture
) -> None:
    """A realm with only the built-in flows computes them under ids of its own: a client's override naming the
    file's ``browser`` id follows it to the new realm's; one naming a flow Doorkeep does not run there is
    dropped with the import's warning."""
    await setup(env)
    browser = await flow_by_alias(env, "browser")
    grant = await flow_by_alias(env, "direct grant")
    assert browser is not None and grant is not None
    for client_id, overrides in (("a", {"browser": browser["id"]}), ("b", {"browser": browser["id"]})):
        made = await call(
            env, "POST", "/clients", {"clientId": client_id, "authenticationFlowBindingOverrides": overrides}
        )
        assert made.status_code == 201, made.text
    exported = await export_realm(env.db, "test")
    exported["realm"], exported["id"] = "elsewhere", "elsewhere-id"
    second = next(c for c in exported["clients"] if c["clientId"] == "b")
    second["authenticationFlowBindingOverrides"] = {"direct_grant": browser["id"]}  # browser is no direct grant

    with caplog.at_level(logging.WARNING, logger="doorkeep.import"):
        async with env.db.transaction() as tx:
            await import_realm(tx, exported, env.clock.now(), skip_existing=False)
    assert [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING] == [
        "realm 'elsewhere': skipped fields Doorkeep does not support: clients[].authenticationFlowBindingOverrides"
    ]
    headers = await admin_headers(env)
    base = "/admin/realms/elsewhere"
    theirs = {f["alias"]: f["id"] for f in (await env.http.get(base + "/authentication/flows", headers=headers)).json()}
    assert theirs["browser"] != browser["id"]
    found = {
        c["clientId"]: c["authenticationFlowBindingOverrides"]
        for c in (await env.http.get(base + "/clients", headers=headers)).json()
    }
    assert (found["a"], found["b"]) == ({"browser": theirs["browser"]}, {})


async def test_an_execution_naming_no_flow_or_its_own_parent_is_refused_not_stored(env: Env) -> None:
    """Keycloak stores such an execution and then fails every read of the flow (an NPE, or an endless walk);
    Doorkeep refuses it with a 400 and the flow stays readable."""
    await setup(env)
    assert (await copy(env, "browser", "loop")).status_code == 201
    loop = await flow_by_alias(env, "loop")
    assert loop is not None
    base = {"authenticatorFlow": True, "requirement": "DISABLED", "parentFlow": loop["id"]}
    for flow_id in ("nowhere", loop["id"]):
        refused = await auth(env, "POST", "/executions", {**base, "flowId": flow_id})
        assert refused.status_code == 400, refused.text
        assert refused.json()["error"] == "unknown_error"
    assert len(await executions(env, "loop")) == len(await executions(env, "browser"))


async def test_other_realm_writes_running_alongside_never_put_old_flows_back(env: Env) -> None:
    """A realm write that read the realm before a flow write committed (here, required-action updates) keeps the
    flows as committed: only the flow writes and PUT realm, which lock and read first, write them."""
    await setup(env)
    action = (await call(env, "GET", "/authentication/required-actions/UPDATE_PROFILE")).json()
    names = [f"beside {n}" for n in range(5)]
    writes = [copy(env, "browser", name) for name in names]
    writes += [
        call(env, "PUT", "/authentication/required-actions/UPDATE_PROFILE", {**action, "priority": n}) for n in range(5)
    ]
    answers = await asyncio.gather(*writes)
    assert [a.status_code for a in answers] == [201] * 5 + [204] * 5, [a.text for a in answers]
    assert set(names) <= {f["alias"] for f in await flows(env)}
