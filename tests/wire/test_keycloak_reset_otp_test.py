"""Keycloak's ResetOtpTest (testsuite/integration-arquillian/tests/base/.../forms/ResetOtpTest.java) and what it
rests on, over HTTP.

Not ported, each because it first builds a reset-credentials flow of its own (choose user, conditional user
configured, ``reset-otp`` with the ``action_on_otp_reset_flag`` config), which Doorkeep's fixed login steps do
not run (binding one is refused, realms/flow_support.py): noOtpIsRemovedOnResetWithoutConfig_LegacyBehaviour,
noOtpIsRemovedOnResetWithConfig, removeOneSpecificOtpOnReset, removeAllOtpsOnReset.

Ported instead is the behaviour of Keycloak's default reset-credentials flow that the first of them names
"legacy": its "Reset - Conditional OTP" sub-flow is CONDITIONAL (DefaultAuthenticationFlows.resetCredentialsFlow),
conditional-user-configured holds for a user with an OTP credential, and ResetOTP without a configuration removes
none of them and adds CONFIGURE_TOTP to the login (AbstractSetRequiredActionAuthenticator). So the password reset
of a user with OTP asks, after the new password, for another authenticator; with the realm's default priorities
(CONFIGURE_TOTP 10, UPDATE_PASSWORD 30) that page comes first. A user without OTP is asked for the password only.
"""

from __future__ import annotations

import html
import re

import httpx
import pytest

from account_forms_port import follow, is_console, open_console
from browser_flow import form_action, form_fields
from login_test_realm import is_config_totp_page
from mail_sink import Sink
from support import update_realm
from totp_codes import totp
from wire_env import Env

pytestmark = pytest.mark.anyio


async def otp_credentials(env: Env) -> list[str]:
    """``credentials().stream().filter(type == otp)``: the user's OTP credentials' labels, as the admin API
    lists them."""
    headers = await env.admin_headers()
    (user,) = (await env.http.get("/admin/realms/test/users?username=user1&exact=true", headers=headers)).json()
    listed = await env.http.get(f"/admin/realms/test/users/{user['id']}/credentials", headers=headers)
    return [c.get("userLabel", "") for c in listed.json() if c["type"] == "otp"]


async def add_otp(env: Env) -> None:
    """The user's authenticator app, labelled ``phone`` (secret ``DJmQfC73VGFhw7D4QJ8C``, as ResetOtpTest's)."""
    from doorkeep.users import otp

    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        user = await tx.users.get_by_username(realm.id, "user1")
        assert user is not None
        cred = otp.new_credential(user.id, otp.policy(realm), "DJmQfC73VGFhw7D4QJ8C", "phone", env.clock.now_ms())
        await tx.users.add_credential(cred)


async def follow_reset_link(env: Env, mail: Sink) -> httpx.Response:
    """``loginPage.resetPassword(); resetPasswordPage.changePassword(user1)``, then the mailed link opened."""
    login = await open_console(env.http)
    forgot = re.search(r'<a id="kc-forgot-password" href="([^"]+)"', login.text)
    assert forgot, login.text[:800]
    page = await env.http.get(html.unescape(forgot[1]))
    sent = await env.http.post(form_action(page.text), data={**form_fields(page.text), "username": "user1"})
    assert sent.status_code == 200, sent.text[:500]
    (mailed,) = mail.received
    return await env.http.get(mailed.link())


def is_update_password(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'name="password-new"' in page.text


async def post(env: Env, page: httpx.Response, **fields: str) -> httpx.Response:
    return await env.http.post(form_action(page.text), data={**form_fields(page.text), **fields})


@pytest.fixture
async def resettable(realm: Env, mail: Sink) -> Env:
    await update_realm(realm.db, "test", reset_password_allowed=True, smtp_server=mail.settings())
    return realm


async def test_a_password_reset_asks_a_user_with_otp_to_set_up_another_and_keeps_the_old_one(
    resettable: Env, mail: Sink
) -> None:
    env = resettable
    await add_otp(env)
    page = await follow_reset_link(env, mail)
    assert is_config_totp_page(page), page.text[:600]
    assert "You need to set up Mobile Authenticator to activate your account." in page.text
    assert await otp_credentials(env) == ["phone"]  # "Remove none": the reset removed nothing
    secret = re.search(r'name="totpSecret" value="([^"]+)"', page.text)
    assert secret
    code = totp(html.unescape(secret[1]).encode(), now=env.clock.now())
    page = await post(env, page, totp=code, userLabel="tablet")
    assert is_update_password(page), page.text[:600]
    done = await follow(
        env.http, await post(env, page, **{"password-new": "N3w-pass!", "password-confirm": "N3w-pass!"})
    )
    assert is_console(done), done.text[:600]
    assert sorted(await otp_credentials(env)) == ["phone", "tablet"]


async def test_a_password_reset_asks_a_user_without_otp_for_the_password_only(resettable: Env, mail: Sink) -> None:
    env = resettable
    page = await follow_reset_link(env, mail)
    assert is_update_password(page), page.text[:600]
    done = await follow(
        env.http, await post(env, page, **{"password-new": "N3w-pass!", "password-confirm": "N3w-pass!"})
    )
    assert is_console(done), done.text[:600]
    assert await otp_credentials(env) == []
