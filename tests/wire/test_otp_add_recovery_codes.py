"""UpdateTotp's ``add-recovery-codes`` (Keycloak 26): with it on in CONFIGURE_TOTP's config, configuring OTP at
sign-in leads straight to the recovery codes setup; not while the option is off, while the user already has
codes, while no flow uses the recovery codes form, or while CONFIGURE_RECOVERY_AUTHN_CODES is disabled."""

from __future__ import annotations

import httpx
import pytest

from doorkeep.users import recovery_codes
from flow_builder import ADMIN, DIS, admin, executions, set_requirement
from otp_port import configure, is_config_totp_page, totp, totp_secret
from recovery_flow import OTP_FORM, RECOVERY, TWO_FA, give_codes, password_page, seed, two_factor_flow, user_rep
from wire_env import Env

pytestmark = pytest.mark.anyio
ACTIONS = f"{ADMIN}/authentication/required-actions"


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed(env)
    await two_factor_flow(env, OTP_FORM, RECOVERY)
    user = await user_rep(env)
    await admin(env, "PUT", f"{ADMIN}/users/{user['id']}", {**user, "requiredActions": ["CONFIGURE_TOTP"]}, 204)
    return env


async def add_recovery_codes(env: Env, on: bool) -> None:
    body = {"config": {"add-recovery-codes": "true" if on else "false"}}
    await admin(env, "PUT", f"{ACTIONS}/CONFIGURE_TOTP/config", body, 204)


async def otp_configured(env: Env, *, codes_meanwhile: bool = False) -> httpx.Response:
    """Sign in as user1, configure OTP on the page the login shows (``codes_meanwhile``: the user gets recovery
    codes while the page is open): the page after it."""
    page = await password_page(env)
    assert is_config_totp_page(page), page.text[:500]
    if codes_meanwhile:
        await give_codes(env)
    return await configure(env, page, totp(totp_secret(page), env.clock.now()))


def codes_setup(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'id="kc-recovery-codes-list"' in page.text


async def test_with_the_option_on_the_recovery_codes_setup_follows(realm: Env) -> None:
    await add_recovery_codes(realm, True)
    assert codes_setup(await otp_configured(realm))
    assert recovery_codes.CONFIGURE in (await user_rep(realm))["requiredActions"]


async def test_with_the_option_off_the_login_completes(realm: Env) -> None:
    await add_recovery_codes(realm, False)
    done = await otp_configured(realm)
    assert done.status_code in (302, 303) and "code=" in done.headers["location"]
    assert (await user_rep(realm))["requiredActions"] == []


async def test_a_user_with_codes_is_not_asked_again(realm: Env) -> None:
    await add_recovery_codes(realm, True)
    assert not codes_setup(await otp_configured(realm, codes_meanwhile=True))
    assert (await user_rep(realm))["requiredActions"] == []


async def test_nothing_is_added_while_no_flow_uses_the_recovery_codes_form(realm: Env) -> None:
    await add_recovery_codes(realm, True)
    [step] = [e for e in await executions(realm, TWO_FA) if e.get("providerId") == RECOVERY]
    await set_requirement(realm, TWO_FA, step, DIS)
    assert not codes_setup(await otp_configured(realm))
    assert (await user_rep(realm))["requiredActions"] == []


async def test_nothing_is_added_while_the_recovery_codes_action_is_disabled(realm: Env) -> None:
    await add_recovery_codes(realm, True)
    rep = (await admin(realm, "GET", f"{ACTIONS}/{recovery_codes.CONFIGURE}", status=200)).json()
    await admin(realm, "PUT", f"{ACTIONS}/{recovery_codes.CONFIGURE}", {**rep, "enabled": False}, 204)
    assert not codes_setup(await otp_configured(realm))
    assert (await user_rep(realm))["requiredActions"] == []
