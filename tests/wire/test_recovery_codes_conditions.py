"""conditional-credential after the 2FA step: the credential type each step validated counts (AuthenticatorUtil's
AUTHN_CREDENTIALS, ``context.success(type)``), so a later sub-flow sees ``recovery-authn-codes`` once a recovery code
was used, ``otp`` once the OTP form was, and the password always (ConditionalCredentialAuthenticatorTest's shape:
a CONDITIONAL sub-flow after the 2FA one, holding the condition and Deny Access)."""

from __future__ import annotations

import httpx
import pytest

from browser_flow import code_from, submit
from doorkeep.users import recovery_codes
from flow_builder import COND, REQ, add, add_flow, add_otp, is_otp_form, totp
from recovery_flow import (
    OTP_FORM,
    RECOVERY,
    asked_number,
    choose,
    give_codes,
    password_page,
    seed,
    try_another_way,
    two_factor_flow,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
DENIED = "Denied after the second factor."


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed(env)
    return env


async def flow_denying(env: Env, credentials: str, *, included: bool) -> dict[str, str]:
    """Browser flow ``rc``: password, the 2FA sub-flow (OTP or recovery code), then a sub-flow denying access when
    ``credentials`` were (``included``) or were not used."""
    ids = await two_factor_flow(env, OTP_FORM, RECOVERY)
    await add_flow(env, "rc forms", "rc after", COND)
    config = {"credentials": credentials, "included": "true" if included else "false"}
    await add(env, "rc after", "conditional-credential", REQ, config)
    await add(env, "rc after", "deny-access-authenticator", REQ, {"denyErrorMessage": DENIED})
    return ids


async def second_factor(env: Env, ids: dict[str, str], step: str, codes: list[str]) -> httpx.Response:
    """The password given, then ``step`` taken (through "Try Another Way" when the other one is shown first)."""
    env.http.cookies.clear()
    page = await password_page(env)
    shown = RECOVERY if asked_number(page) is not None else OTP_FORM
    if shown != step:
        page = await choose(env, await try_another_way(env, page), ids[step])
    if step == RECOVERY:
        assert asked_number(page) is not None, page.text[:300]
        return await submit(env.http, page, recoveryCodeInput=codes[0])
    assert is_otp_form(page), page.text[:300]
    return await submit(env.http, page, otp=totp(env.clock.now()))


def denied(response: httpx.Response) -> bool:
    return response.status_code != 302 and DENIED in response.text


@pytest.mark.parametrize("included", [True, False])
async def test_a_recovery_code_counts_as_the_credential_used(realm: Env, included: bool) -> None:
    """``recovery-authn-codes`` included: a login with a recovery code is denied, one with OTP is not; not
    included: the reverse."""
    ids = await flow_denying(realm, recovery_codes.TYPE, included=included)
    codes = await give_codes(realm)
    await add_otp(realm)
    with_code = await second_factor(realm, ids, RECOVERY, codes)
    assert denied(with_code) is included, with_code.text[:300]
    realm.clock.advance(30)  # a fresh OTP time step
    with_otp = await second_factor(realm, ids, OTP_FORM, codes)
    assert denied(with_otp) is not included, with_otp.text[:300]
    if not included:
        assert "code" in code_from(with_code)
    else:
        assert "code" in code_from(with_otp)


async def test_the_password_still_counts_after_a_recovery_code(realm: Env) -> None:
    ids = await flow_denying(realm, "password", included=True)
    codes = await give_codes(realm)
    await add_otp(realm)
    assert denied(await second_factor(realm, ids, RECOVERY, codes))
