"""Step-up flows beyond LevelOfAssuranceFlowTest's browser logins (tests/loa_realm.py's realm, oauth/loa.py):
the levels in discovery's ``acr_values_supported``, a passive login that would need a step up, a direct grant
flow with a level sub-flow, the level kept in the SSO session for a refresh, and a level sub-flow Doorkeep does
not run refused when it is bound."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

import group_port
from browser_flow import REDIRECT, code_from, exchange, start, submit
from group_port import fresh_realm
from keycloak_port import add_totp, get, poll, update_realm
from loa_realm import APP, PASSWORD, SECRET, TOTP_SECRET, USER, level_config, loa_realm
from support import claims, password_grant
from totp_codes import totp
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env
DIRECT = "direct grant levels"
NO_OTP_USER = "no-otp@localhost"


def direct_grant_flow() -> list[dict[str, Any]]:
    """ValidateUsername, ValidatePassword, then a level 2 sub-flow: conditional-user-configured, the level, and
    ValidateOTP (Keycloak's "Direct Grant - Conditional OTP" with a level condition added)."""

    def step(priority: int, authenticator: str, requirement: str = "REQUIRED", **more: Any) -> dict[str, Any]:
        found = {"authenticator": authenticator, "authenticatorFlow": False, "requirement": requirement}
        return found | {"priority": priority, "userSetupAllowed": False} | more

    flow = {"providerId": "basic-flow", "builtIn": False, "description": ""}
    sub = {"authenticatorFlow": True, "requirement": "CONDITIONAL", "priority": 30, "flowAlias": f"{DIRECT} otp"}
    return [
        flow
        | {
            "alias": DIRECT,
            "topLevel": True,
            "authenticationExecutions": [
                step(10, "direct-grant-validate-username"),
                step(20, "direct-grant-validate-password"),
                sub | {"userSetupAllowed": False},
            ],
        },
        flow
        | {
            "alias": f"{DIRECT} otp",
            "topLevel": False,
            "authenticationExecutions": [
                step(10, "conditional-user-configured"),
                step(20, "conditional-level-of-authentication", authenticatorConfig="direct2"),
                step(30, "direct-grant-validate-otp"),
            ],
        },
    ]


@pytest.fixture(scope="module")
async def realm_env(shared_env: Env) -> Env:
    rep = loa_realm()
    rep["authenticationFlows"] += direct_grant_flow()
    rep["authenticatorConfig"].append({**level_config(2, 0), "alias": "direct2"})
    rep["directGrantFlow"] = DIRECT
    rep["users"].append({**rep["users"][0], "username": NO_OTP_USER, "email": NO_OTP_USER})
    await fresh_realm(shared_env, rep)
    await add_totp(shared_env, USER, TOTP_SECRET)
    return shared_env


@pytest.fixture
async def env(realm_env: Env) -> AsyncIterator[Env]:
    realm_env.http.cookies.clear()
    await poll(realm_env)
    yield realm_env
    await update_realm(realm_env, attributes={"acr.loa.map": ""})


def code(env: Env) -> str:
    return totp(TOTP_SECRET.encode(), now=env.clock.now())


async def test_acr_values_supported_lists_the_browser_flow_levels(env: Env) -> None:
    """OIDCWellKnownProvider: the realm map's ACRs, then 0 and the levels of the realm's browser flow."""
    url = "/realms/test/.well-known/openid-configuration"
    assert (await env.http.get(url)).json()["acr_values_supported"] == ["0", "1", "2", "3"]
    await update_realm(env, attributes={"acr.loa.map": '{"realm:gold":2}'})
    assert (await env.http.get(url)).json()["acr_values_supported"] == ["realm:gold", "0", "1", "2", "3"]


async def test_a_passive_login_that_needs_a_step_up_is_login_required(env: Env) -> None:
    """prompt=none over an SSO session short of the level asked for: the flow would need a page, so the client gets
    ``login_required``; asking for the level the session holds, the code."""
    page = await submit(env.http, await start(env.http, "test", APP), username=USER, password=PASSWORD)
    assert code_from(page)["code"]
    failed = await start(env.http, "test", APP, prompt="none", acr_values="gold")
    assert failed.status_code == 302 and failed.headers["location"].startswith(REDIRECT)
    assert code_from(failed)["error"] == "login_required"
    passive = await start(env.http, "test", APP, prompt="none", acr_values="silver")
    assert code_from(passive)["code"]


async def test_a_refresh_keeps_the_level_of_the_step_up(env: Env) -> None:
    """The level a login reached is the client session's: a refresh names it again; the SSO session keeps
    level 1 (36000 seconds) but not level 2 (max age 0)."""
    page = await start(env.http, "test", APP, acr_values="gold")
    page = await submit(env.http, await submit(env.http, page, username=USER, password=PASSWORD), otp=code(env))
    tokens = (await exchange(env.http, "test", APP, code_from(page)["code"], secret=SECRET)).json()
    assert claims(tokens["access_token"])["acr"] == "gold"
    form = {"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    refreshed = await env.http.post("/realms/test/protocol/openid-connect/token", data=form, auth=(APP, SECRET))
    assert refreshed.status_code == 200 and claims(refreshed.json()["access_token"])["acr"] == "gold"
    sid = claims(tokens["access_token"])["sid"]
    async with env.db.transaction(write=False) as tx:
        session = await tx.sessions.get_user_session(sid, False)
    assert session is not None and list(json.loads(session.notes["loa-map"])) == ["1"]


async def test_a_direct_grant_runs_the_first_level_sub_flow(env: Env) -> None:
    """The token endpoint asks for no level: the first level sub-flow whose conditions hold runs (ValidateOTP for
    a user with OTP) and its level names the acr; a user without OTP skips it, level 1 by default."""
    missing = await password_grant(env.http, "test", APP, USER, PASSWORD, secret=SECRET)
    assert missing.status_code == 400 and missing.json()["error"] == "invalid_grant"
    granted = await password_grant(env.http, "test", APP, USER, PASSWORD, secret=SECRET, otp=code(env))
    assert granted.status_code == 200, granted.text
    assert claims(granted.json()["access_token"])["acr"] == "gold"
    plain = await password_grant(env.http, "test", APP, NO_OTP_USER, PASSWORD, secret=SECRET)
    assert plain.status_code == 200 and claims(plain.json()["access_token"])["acr"] == "silver"


async def test_a_level_sub_flow_doorkeep_does_not_run_is_refused(env: Env) -> None:
    """A sub-flow inside a level sub-flow (its conditions would no longer decide once for all its steps): added
    DISABLED it is harmless, but the edit making it REQUIRED would make the bound browser flow one Doorkeep cannot
    run, and is refused with a 400 naming why (realms/flow_support.py)."""
    headers = await env.admin_headers()
    base = "/admin/realms/test/authentication/flows/level2-subflow/executions"
    sub = {"alias": "inner", "type": "basic-flow", "provider": "registration-page-form", "description": ""}
    assert (await env.http.post(f"{base}/flow", json=sub, headers=headers)).status_code == 201
    (added,) = [
        e for e in await get(env, "/authentication/flows/level2-subflow/executions") if e.get("authenticationFlow")
    ]
    refused = await env.http.put(base, json={**added, "requirement": "REQUIRED"}, headers=headers)
    assert refused.status_code == 400, refused.text
    assert "level sub-flow 'level2-subflow' must hold REQUIRED steps and no sub-flow" in refused.text
    (kept,) = [
        e for e in await get(env, "/authentication/flows/level2-subflow/executions") if e.get("authenticationFlow")
    ]
    assert kept["requirement"] == "DISABLED"


async def admin(env: Env, method: str, path: str, body: Any = None, status: int | None = None) -> httpx.Response:
    response = await env.http.request(method, f"/admin/realms/test{path}", json=body, headers=await env.admin_headers())
    if status is not None:
        assert response.status_code == status, (method, path, response.status_code, response.text)
    return response


async def add_step(env: Env, flow: str, provider: str, requirement: str, config: dict[str, str] | None = None) -> None:
    """The console's "Add step" / "Add condition", then the requirement and the config set."""
    base = f"/authentication/flows/{quote(flow)}/executions"
    await admin(env, "POST", f"{base}/execution", {"provider": provider}, 201)
    added = [e for e in await get(env, f"/authentication/flows/{flow}/executions") if e.get("providerId") == provider]
    await admin(env, "PUT", base, {**added[-1], "requirement": requirement}, 202)
    if config is not None:
        body = {"alias": f"{flow} {provider}", "config": config}
        await admin(env, "POST", f"/authentication/executions/{added[-1]['id']}/config", body, 201)


async def add_sub_flow(env: Env, parent: str, alias: str, requirement: str) -> None:
    body = {"alias": alias, "type": "basic-flow", "provider": "registration-page-form", "description": alias}
    await admin(env, "POST", f"/authentication/flows/{quote(parent)}/executions/flow", body, 201)
    added = next(
        e for e in await get(env, f"/authentication/flows/{parent}/executions") if e.get("displayName") == alias
    )
    await admin(
        env, "PUT", f"/authentication/flows/{quote(parent)}/executions", {**added, "requirement": requirement}, 202
    )


async def test_an_admin_builds_keycloaks_documented_step_up_flow(env: Env) -> None:
    """Server admin guide, "Creating a browser login flow with step-up mechanism", built through the Admin REST
    API (its "Auth Flow" named "Step-up Auth Flow", as the realm has an "Auth Flow"): Cookie, then that sub-flow with "1st Condition Flow" (level 1, the password) and "2nd Condition Flow" (level
    2, the OTP form); bound, a login asking for gold runs both, the SSO login asking for silver neither."""
    top = "Browser Incl Step up Mechanism"
    body = {"alias": top, "providerId": "basic-flow", "topLevel": True, "builtIn": False, "description": top}
    await admin(env, "POST", "/authentication/flows", body, 201)
    await add_step(env, top, "auth-cookie", "ALTERNATIVE")
    await add_sub_flow(env, top, "Step-up Auth Flow", "ALTERNATIVE")
    for level, name, step in (
        (1, "1st Condition Flow", "auth-username-password-form"),
        (2, "2nd Condition Flow", "auth-otp-form"),
    ):
        await add_sub_flow(env, "Step-up Auth Flow", name, "CONDITIONAL")
        config = {"loa-condition-level": str(level), "loa-max-age": "36000"}
        await add_step(env, name, "conditional-level-of-authentication", "REQUIRED", config)
        await add_step(env, name, step, "REQUIRED")
    await admin(env, "PUT", "", {"browserFlow": top}, 204)
    try:
        page = await start(env.http, "test", APP, acr_values="gold")
        page = await submit(env.http, await submit(env.http, page, username=USER, password=PASSWORD), otp=code(env))
        tokens = (await exchange(env.http, "test", APP, code_from(page)["code"], secret=SECRET)).json()
        assert claims(tokens["id_token"])["acr"] == "gold"
        sso = await start(env.http, "test", APP, acr_values="silver")
        tokens = (await exchange(env.http, "test", APP, code_from(sso)["code"], secret=SECRET)).json()
        assert claims(tokens["id_token"])["acr"] == "silver"  # level 2 held, the ACR asked for is the one named
    finally:
        await admin(env, "PUT", "", {"browserFlow": "browser -  Level of Authentication FLow"}, 204)
