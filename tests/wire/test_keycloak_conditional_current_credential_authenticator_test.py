"""Keycloak's old-testsuite login/ConditionalCurrentCredentialAuthenticatorTest over HTTP: ``browser`` copied as
``test``, a second ``conditional-credential`` condition (ConditionalCurrentCredentialAuthenticator, the factory's
``included`` and ``credentials``) added REQUIRED to "test Browser - Conditional 2FA", where it is evaluated beside
the copy's own conditions (the user has OTP; no passkey used). With the password among the credentials used so
far, the user's OTP is asked when ``included`` is true and skipped when false; a credential the login did not use
(a passkey) with ``included`` false matches, so the OTP is asked; no config at all matches too (nothing wanted,
nothing found). The realm's OTP codes are reusable, as the class sets them."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import otp_port
from browser_flow import code_from, exchange, submit
from flow_builder import AUTH, REQ, add, admin, bind
from keycloak_port import poll, user_id
from otp_port import is_login_totp_page, login, open_login, otp_credential, totp, user_rep
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = otp_port.anyio_backend, otp_port.shared_env
imported, kc = otp_port.imported, otp_port.kc

ONE_OTP = "user-with-one-configured-otp"
OTP_SECRET = "DJmQfC73VGFhw7D4QJ8A"  # UserWithOneConfiguredOtp.OTP_SECRET
TWO_FA = "test Browser - Conditional 2FA"
PASSWORD, PASSKEY = "password", "webauthn-passwordless"  # PasswordCredentialModel.TYPE, TYPE_PASSWORDLESS


@pytest.fixture(scope="module")
def otp_realm() -> dict[str, Any]:
    return otp_port.realm_rep(otpPolicyCodeReusable=True)


@pytest.fixture
def otp_users() -> list[dict[str, Any]]:
    return [user_rep(ONE_OTP, otp_credential(OTP_SECRET), email=f"{ONE_OTP}@localhost")]


@pytest.fixture
async def flows(kc: Env) -> Env:
    """``browser`` bound and no ``test`` flow left from another test (the class's revert of the flows); the
    reusable codes the class's realm sets (fresh_users puts Keycloak's default policy back)."""
    await admin(kc, "PUT", "/admin/realms/test", {"otpPolicyCodeReusable": True}, 204)
    await bind(kc, "browserFlow", "browser")
    for flow in (await admin(kc, "GET", f"{AUTH}/flows", status=200)).json():
        if flow["alias"] == "test":
            await admin(kc, "DELETE", f"{AUTH}/flows/{flow['id']}", status=204)
    return kc


async def configure(env: Env, included: bool | None, *credentials: str) -> None:
    """``configureConditionalCurrentCredentialFlow``: the condition added to the copy's 2FA sub-flow, REQUIRED,
    with a config only when ``included`` or ``credentials`` are given."""
    await admin(env, "POST", f"{AUTH}/flows/browser/copy", {"newName": "test"}, 201)
    config: dict[str, str] = {}
    if included is not None:
        config["included"] = "true" if included else "false"
    if credentials:
        config["credentials"] = "##".join(credentials)  # Constants.CFG_DELIMITER
    await add(env, TWO_FA, "conditional-credential", REQ, config or None)
    await bind(env, "browserFlow", "test")


async def sign_in(env: Env) -> httpx.Response:
    return await login(env, await open_login(env), ONE_OTP, "password")


async def otp(env: Env, page: httpx.Response) -> httpx.Response:
    """The OTP page shown, the user's code sent (``loginTotpPage.assertCurrent``, ``oneTimeCodePage.sendCode``)."""
    assert is_login_totp_page(page), (page.status_code, page.text[:300])
    return await submit(env.http, page, otp=totp(OTP_SECRET, env.clock.now()))


async def check_login_ok(env: Env, page: httpx.Response) -> None:
    """``checkLoginOk``: a code, a token for it, and the LOGIN event of the user."""
    code = code_from(page)["code"]
    tokens = await exchange(env.http, "test", otp_port.APP, code, otp_port.SECRET)
    assert tokens.status_code == 200 and "access_token" in tokens.json(), tokens.text
    found = next(e for e in await poll(env) if e["type"] == "LOGIN")
    assert (found["userId"], found["details"]["username"]) == (await user_id(env, ONE_OTP), ONE_OTP)


async def test_password_included(flows: Env) -> None:
    """ConditionalCurrentCredentialAuthenticatorTest#testPasswordIncluded: the password was used, the OTP asked."""
    await configure(flows, True, PASSWORD)
    await check_login_ok(flows, await otp(flows, await sign_in(flows)))


async def test_password_not_included(flows: Env) -> None:
    """ConditionalCurrentCredentialAuthenticatorTest#testPasswordNotIncluded: the password was used, so the
    condition fails and the OTP is not asked."""
    await configure(flows, False, PASSWORD)
    await check_login_ok(flows, await sign_in(flows))


async def test_webauthn_not_included(flows: Env) -> None:
    """ConditionalCurrentCredentialAuthenticatorTest#testWebAuthnNotIncluded: no passkey used, the OTP asked."""
    await configure(flows, False, PASSKEY)
    await check_login_ok(flows, await otp(flows, await sign_in(flows)))


async def test_password_and_webauthn_not_included(flows: Env) -> None:
    """ConditionalCurrentCredentialAuthenticatorTest#testPasswordAndWebAuthnNotIncluded: the password is among
    them, the OTP not asked."""
    await configure(flows, False, PASSKEY, PASSWORD)
    await check_login_ok(flows, await sign_in(flows))


async def test_no_config(flows: Env) -> None:
    """ConditionalCurrentCredentialAuthenticatorTest#testNoConfig: no config, the OTP asked."""
    await configure(flows, None)
    await check_login_ok(flows, await otp(flows, await sign_in(flows)))
