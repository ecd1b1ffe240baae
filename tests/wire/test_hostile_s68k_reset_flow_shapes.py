"""Hostile variants of AltSubflowForCredentialResetTest's reset credentials flow (test_kc_s68k_alt_subflow_credential
_reset.py): Doorkeep reads a lone ALTERNATIVE or REQUIRED sub-flow as its steps, and a DISABLED or absent
"Reset - Conditional OTP" as none; every other shape near those stays refused with a 400 naming the flow (never
bound and silently run otherwise), an edit that would make the bound flow such a shape is refused, and a User
Session Count Limiter inside the lone sub-flow is one Doorkeep runs, not one it skips."""

from __future__ import annotations

import pytest

from doorkeep.realms import flow_support
from flow_builder import ALT, AUTH, COND, DIS, REQ, add, add_flow, admin, bind, executions, set_requirement
from session_limits_port import DEFAULTS, LIMITER
from wire_env import Env

pytestmark = pytest.mark.anyio

STEPS = ("reset-credentials-choose-user", "reset-credential-email", "reset-password")


async def lone_sub_flow(env: Env, alias: str, requirement: str, *steps: str) -> str:
    """A top-level flow whose one step is a sub-flow (``requirement``) holding ``steps`` REQUIRED; its alias."""
    body = {"alias": alias, "providerId": "basic-flow", "topLevel": True, "builtIn": False}
    await admin(env, "POST", f"{AUTH}/flows", body, 201)
    inner = f"{alias} steps"
    await add_flow(env, alias, inner, requirement)
    for provider in steps:
        await add(env, inner, provider, REQ)
    return inner


async def refused(env: Env, alias: str) -> None:
    answer = await bind(env, "resetCredentialsFlow", alias, status=400)
    assert f"Doorkeep cannot run flow '{alias}'" in answer.text, answer.text
    realm = (await admin(env, "GET", "/admin/realms/test", None, 200)).json()
    assert realm["resetCredentialsFlow"] == "reset credentials"


@pytest.mark.parametrize("requirement", [COND, DIS])
async def test_a_lone_sub_flow_neither_alternative_nor_required_is_refused(realm: Env, requirement: str) -> None:
    await lone_sub_flow(realm, "odd reset", requirement, *STEPS)
    await refused(realm, "odd reset")


async def test_a_lone_sub_flow_missing_a_step_or_with_one_more_is_refused(realm: Env) -> None:
    await lone_sub_flow(realm, "short reset", ALT, *STEPS[:2])
    await refused(realm, "short reset")
    await lone_sub_flow(realm, "long reset", ALT, *STEPS, "reset-otp")
    await refused(realm, "long reset")


async def test_a_sub_flow_inside_the_lone_sub_flow_is_not_unwrapped_again(realm: Env) -> None:
    body = {"alias": "deep reset", "providerId": "basic-flow", "topLevel": True, "builtIn": False}
    await admin(realm, "POST", f"{AUTH}/flows", body, 201)
    await add_flow(realm, "deep reset", "deep reset outer", ALT)
    await add_flow(realm, "deep reset outer", "deep reset inner", ALT)
    for provider in STEPS:
        await add(realm, "deep reset inner", provider, REQ)
    await refused(realm, "deep reset")


async def test_a_required_otp_sub_flow_forcing_the_otp_reset_is_refused(realm: Env) -> None:
    """ "Set to REQUIRED to force": ResetOTP for every user, which Doorkeep does not run; refused."""
    alias = "forced otp reset"
    await admin(realm, "POST", f"{AUTH}/flows/reset credentials/copy", {"newName": alias}, 201)
    (otp_flow,) = [e for e in await executions(realm, alias) if e.get("authenticationFlow") and e["level"] == 0]
    await set_requirement(realm, alias, otp_flow, REQ)
    await refused(realm, alias)


async def test_an_edit_that_makes_the_bound_lone_sub_flow_unrunnable_is_refused(realm: Env) -> None:
    inner = await lone_sub_flow(realm, "bound reset", ALT, *STEPS)
    await bind(realm, "resetCredentialsFlow", "bound reset")
    (row,) = [e for e in await executions(realm, "bound reset") if e.get("displayName") == inner]
    answer = await admin(realm, "PUT", f"{AUTH}/flows/bound reset/executions", {**row, "requirement": COND})
    assert answer.status_code == 400, answer.text
    after = [e for e in await executions(realm, "bound reset") if e.get("displayName") == inner]
    assert after[0]["requirement"] == ALT


async def test_a_limiter_inside_the_lone_sub_flow_is_one_doorkeep_runs(realm: Env) -> None:
    """A REQUIRED limiter after the e-mail step inside the sub-flow binds and is among the flow's limiters (run
    once the link is followed); an ALTERNATIVE one there is refused as at the top level."""
    inner = await lone_sub_flow(realm, "limited reset", ALT, *STEPS)
    await add(realm, inner, LIMITER, REQ, DEFAULTS)
    await bind(realm, "resetCredentialsFlow", "limited reset")
    async with realm.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        (config,) = flow_support.reset_limiters(test)
    assert config is not None and dict(config)["userClientLimit"] == "1"
    other = await lone_sub_flow(realm, "loose limiter", ALT, *STEPS)
    await add(realm, other, LIMITER, ALT, DEFAULTS)
    answer = await bind(realm, "resetCredentialsFlow", "loose limiter", status=400)
    assert "Doorkeep cannot run flow 'loose limiter'" in answer.text
