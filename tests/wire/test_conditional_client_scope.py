"""The Condition - client scope (``conditional-client-scope``, Keycloak's ConditionalClientScopeAuthenticator) in a
browser and a direct grant flow: a CONDITIONAL sub-flow of the condition and the OTP form runs when the named
client scope is among the login's requested ones (a default scope of the client always; an optional one when the
``scope`` parameter names it), the other way round with ``negate``; a name no client scope of the realm has matches
nothing. The cases are those of Keycloak's KcOidcPostBrokerLoginTest#testPostBrokerLoginFlowWithOTP (profile as a
default scope, phone as an optional one, asked or not, negated), which runs the condition in a post broker login
flow; here in the flows Doorkeep compiles (realms/flow_plan.py)."""

from __future__ import annotations

import httpx
import pytest

from browser_flow import code_from, start, submit
from flow_builder import AUTH, COND, REQ, add, add_flow, add_otp, admin, bind, executions, is_otp_form, totp
from support import seed_login_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
FLOW, DIRECT = "scope browser", "scope direct grant"


async def scope_flows(env: Env, scope: str, negate: bool = False) -> None:
    """Both flows made (the username and password form, or ValidateUsername and ValidatePassword, then a
    CONDITIONAL sub-flow of the condition and the OTP step) and bound."""
    for alias, steps, otp in (
        (FLOW, ("auth-username-password-form",), "auth-otp-form"),
        (DIRECT, ("direct-grant-validate-username", "direct-grant-validate-password"), "direct-grant-validate-otp"),
    ):
        body = {"alias": alias, "providerId": "basic-flow", "topLevel": True, "builtIn": False}
        await admin(env, "POST", f"{AUTH}/flows", body, 201)
        for step in steps:
            await add(env, alias, step, REQ)
        sub = f"{alias} otp when scope"
        await add_flow(env, alias, sub, COND)
        await add(env, sub, "conditional-client-scope", REQ, {"client_scope": scope, "negate": str(negate).lower()})
        await add(env, sub, otp, REQ)
    await bind(env, "browserFlow", FLOW)
    await bind(env, "directGrantFlow", DIRECT)


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock)
    await add_otp(env)
    return env


async def password_page(env: Env, **params: str) -> httpx.Response:
    page = await start(env.http, "test", "app", **params)
    return await submit(env.http, page, username="user1", password="password")


async def direct_grant(env: Env, **extra: str) -> httpx.Response:
    data = {"grant_type": "password", "client_id": "app", "client_secret": "secret", "username": "user1"}
    return await env.http.post(
        "/realms/test/protocol/openid-connect/token", data={**data, "password": "password", **extra}
    )


@pytest.mark.parametrize(
    ("scope", "negate", "params", "asked"),
    [
        ("profile", False, {}, True),  # a default client scope of the client: always requested
        ("phone", False, {}, False),  # an optional one the scope parameter does not name
        ("phone", False, {"scope": "openid phone"}, True),  # named
        ("phone", True, {"scope": "openid phone"}, False),  # named, negated
        ("phone", True, {}, True),  # not named, negated
        ("no-such-scope", False, {}, False),  # no such client scope in the realm
        ("no-such-scope", True, {}, False),  # ... negated or not
    ],
)
async def test_otp_runs_as_the_client_scope_condition_says(
    realm: Env, scope: str, negate: bool, params: dict[str, str], asked: bool
) -> None:
    await scope_flows(realm, scope, negate)
    page = await password_page(realm, **params)
    if asked:
        assert is_otp_form(page), page.text[:400]
        assert "code" in code_from(await submit(realm.http, page, otp=totp(realm.clock.now())))
    else:
        assert "code" in code_from(page)
    realm.http.cookies.clear()
    granted = await direct_grant(realm, **({"scope": params["scope"]} if "scope" in params else {}))
    if asked:  # ValidateOTP runs: without a code the grant is refused
        assert granted.status_code == 400 and granted.json()["error"] == "invalid_grant"
        realm.clock.advance(30)  # the browser login spent this period's code
        assert (await direct_grant(realm, otp=totp(realm.clock.now()), **params)).status_code == 200
    else:
        assert granted.status_code == 200, granted.text


async def test_a_user_without_otp_is_asked_to_configure_it_when_the_scope_is_requested(realm: Env) -> None:
    """The OTP form REQUIRED under the condition: a user without OTP sets it up (CONFIGURE_TOTP)."""
    await seed_user(realm.db, realm.clock, "test", "user2")
    await scope_flows(realm, "profile")
    page = await start(realm.http, "test", "app")
    answer = await submit(realm.http, page, username="user2", password="password")
    assert answer.status_code == 200 and 'name="totpSecret"' in answer.text


async def test_the_condition_is_listed_with_its_factory_metadata(realm: Env) -> None:
    """ConditionalClientScopeAuthenticatorFactory: display type, REQUIRED/DISABLED, configurable; both properties
    required."""
    await scope_flows(realm, "profile")
    (row,) = [
        e for e in await executions(realm, f"{FLOW} otp when scope") if e["providerId"] == "conditional-client-scope"
    ]
    assert (row["displayName"], row["requirementChoices"], row["configurable"]) == (
        "Condition - client scope",
        ["REQUIRED", "DISABLED"],
        True,
    )
    described = (await admin(realm, "GET", f"{AUTH}/config-description/conditional-client-scope", status=200)).json()
    assert [(p["name"], p["type"], p["required"]) for p in described["properties"]] == [
        ("client_scope", "String", True),
        ("negate", "boolean", True),
    ]
