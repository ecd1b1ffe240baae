"""CONFIGURE_TOTP asked for by the client (``kc_action=CONFIGURE_TOTP``), as Keycloak 26 runs it
(AppInitiatedActionTotpSetupTest): UpdateTotp's InitiatedActionSupport.SUPPORTED, the ``cancel-aia`` button of
login-config-totp.ftl, ``kc_action_status`` success or cancelled, and the re-authentication a kc_action asks
for once the login is older than five minutes (OIDCLoginProtocol.isReAuthRequiredForKcAction)."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from browser_flow import code_from, login, start, submit
from support import seed_login_realm, update_user
from totp_codes import totp
from wire_env import Env

pytestmark = pytest.mark.anyio
CANCEL_BUTTON = 'id="cancelTOTPBtn" name="cancel-aia" value="true"'


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock, events=True)
    return env


async def events(env: Env, type: str) -> list[Any]:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        return await tx.events.find(test.id, types=[type])


async def otp_labels(env: Env) -> list[str | None]:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        user = await tx.users.get_by_username(test.id, "user1")
        assert user is not None
        return [c.user_label for c in await tx.users.credentials(user.id) if c.type == "otp"]


def page_error(page: httpx.Response) -> str:
    found = re.search(r'<div id="input-error" class="error">([^<]*)</div>', page.text)
    return found.group(1) if found else ""


def page_secret(page: httpx.Response) -> str:
    found = re.search(r'name="totpSecret" value="([^"]+)"', page.text)
    assert found, page.text[:800]
    return found.group(1)


async def aia(env: Env) -> httpx.Response:
    """AbstractAppInitiatedActionTest.doAIA: the authorization request with the kc_action."""
    return await start(env.http, "test", "app", kc_action="CONFIGURE_TOTP")


async def test_kc_action_configure_totp_stores_the_device_and_answers_success(realm: Env) -> None:
    await login(realm.http, "test", "app")
    page = await aia(realm)
    assert "Mobile Authenticator Setup" in page.text and CANCEL_BUTTON in page.text
    secret = page_secret(page)
    done = await submit(realm.http, page, totp=totp(secret.encode(), realm.clock.now()))
    params = code_from(done)
    assert (params["kc_action"], params["kc_action_status"]) == ("CONFIGURE_TOTP", "success") and "code" in params
    assert [e.details["credential_type"] for e in await events(realm, "UPDATE_TOTP")] == ["otp"]
    assert await otp_labels(realm) == [None]
    realm.http.cookies.clear()  # setupTotpExisting: the next login asks for the code
    realm.clock.advance(30)
    page = await submit(realm.http, await start(realm.http, "test", "app"), username="user1", password="password")
    assert 'name="otp"' in page.text
    params = code_from(await submit(realm.http, page, otp=totp(secret.encode(), realm.clock.now())))
    assert "code" in params and "kc_action_status" not in params


async def test_the_setup_asked_for_before_the_login_comes_after_the_login_form(realm: Env) -> None:
    page = await aia(realm)
    page = await submit(realm.http, page, username="user1", password="password")
    assert CANCEL_BUTTON in page.text
    empty = await submit(realm.http, page, totp="")
    assert page_error(empty) == "Please specify authenticator code." and CANCEL_BUTTON in empty.text
    params = code_from(await submit(realm.http, empty, totp=totp(page_secret(empty).encode(), realm.clock.now())))
    assert params["kc_action_status"] == "success"


async def test_cancelled_setup_stores_nothing_and_answers_cancelled(realm: Env) -> None:
    await login(realm.http, "test", "app")
    params = code_from(await submit(realm.http, await aia(realm), **{"cancel-aia": "true"}))
    assert (params["kc_action"], params["kc_action_status"]) == ("CONFIGURE_TOTP", "cancelled") and "code" in params
    [event] = await events(realm, "CUSTOM_REQUIRED_ACTION_ERROR")
    assert (event.error, event.details["custom_required_action"]) == ("rejected_by_user", "CONFIGURE_TOTP")
    assert await otp_labels(realm) == [] and await events(realm, "UPDATE_TOTP") == []


async def test_a_second_device_with_the_same_name_is_refused(realm: Env) -> None:
    """setupTotpRegisterDuplicateUserLabel."""
    await login(realm.http, "test", "app")
    page = await aia(realm)
    code = totp(page_secret(page).encode(), realm.clock.now())
    assert code_from(await submit(realm.http, page, totp=code, userLabel="otp"))["kc_action_status"] == "success"
    page = await aia(realm)
    again = await submit(realm.http, page, totp=totp(page_secret(page).encode(), realm.clock.now()), userLabel="otp")
    assert again.status_code == 200 and page_error(again) == "Device already exists with the same name"
    assert await otp_labels(realm) == ["otp"]


async def test_the_setup_asks_for_the_password_after_five_minutes(realm: Env) -> None:
    await login(realm.http, "test", "app")
    realm.clock.advance(301)
    page = await aia(realm)
    assert re.search(r'id="kc-attempted-username">user1<', page.text) and "Mobile Authenticator Setup" not in page.text
    page = await submit(realm.http, page, password="password")
    assert CANCEL_BUTTON in page.text


async def test_the_users_own_required_setup_cannot_be_cancelled(realm: Env) -> None:
    await update_user(realm.db, "test", "user1", required_actions=("CONFIGURE_TOTP",))
    page = await submit(realm.http, await aia(realm), username="user1", password="password")
    assert "Mobile Authenticator Setup" in page.text and CANCEL_BUTTON not in page.text
    refused = await submit(realm.http, page, **{"cancel-aia": "true"})
    assert refused.status_code == 200 and page_error(refused) == "Please specify authenticator code."
    assert await events(realm, "CUSTOM_REQUIRED_ACTION_ERROR") == []
