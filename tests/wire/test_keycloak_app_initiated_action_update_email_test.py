"""Keycloak's AppInitiatedActionUpdateEmailTest with its AbstractAppInitiatedActionUpdateEmailTest (tests/base/.../
tests/actions/, formerly testsuite/integration-arquillian/.../actions/) over HTTP: the application asks for
``kc_action=UPDATE_EMAIL`` (``doAIA``), which UpdateEmail supports; without verification the address is written at
once. ``beforeTest``'s users (no required action) are imported with the realm anew for each test, the action
enabled (``update_email_port``).

All 11 Java methods are ported. The last three click the account console's "Update email" button
(``update-email-btn``), which starts the same ``kc_action=UPDATE_EMAIL`` authorization request; here the request is
made directly, and test_account_console_update_email.py covers Doorkeep's console button. "Account Management" as
the final page's title is the client's redirect here. testAlwaysReAuthenticateBeforeUpdateEmail moves the clock one
second past the login, as the browser's clicks take time: the configured ``max_auth_age`` of 0 then asks for the
password again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

import group_port
import update_email_port as ue
from keycloak_port import get, poll, put
from login_test_realm import auth_response, is_login_page, login, open_login_form, set_time_offset
from mail_sink import Sink
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env
TEST_USER, NEW = ue.TEST_USER, "new@email.com"


@pytest.fixture
async def kc(env: Env, mail: Sink) -> AsyncIterator[Env]:
    await ue.import_realm(env, mail, verify=False, actions=[])
    await ue.enable_update_email(env)
    yield env
    env.http.cookies.clear()


async def change_email_using_aia(kc: Env, new: str) -> httpx.Response:
    """``changeEmailUsingAIA``: log in with ``kc_action``, the page with its cancel button, the address sent."""
    return await ue.change_email(kc, await ue.aia_page(kc), new)


async def set_email_validations(kc: Env, validations: dict[str, object]) -> None:
    config = await get(kc, "/users/profile")
    attributes = [{**a, "validations": validations} if a["name"] == "email" else a for a in config["attributes"]]
    await put(kc, "/users/profile", {**config, "attributes": attributes}, status=200)


# --- AbstractAppInitiatedActionUpdateEmailTest ------------------------------------------------------------------
async def test_cancel_update_email(kc: Env) -> None:
    await ue.assert_cancel_update_email(kc)


async def test_update_to_existing_email(kc: Env) -> None:
    await ue.assert_update_to_existing_email(kc)


async def test_update_to_invalid_email(kc: Env) -> None:
    await ue.assert_update_to_invalid_email(kc)


async def test_update_to_blank_email(kc: Env) -> None:
    await ue.assert_update_to_blank_email(kc)


async def test_update_with_email_as_username_enabled(kc: Env) -> None:
    await ue.set_email_as_username(kc, True)
    auth_response(await change_email_using_aia(kc, NEW))
    assert (await ue.find_user(kc, NEW))["username"] == NEW


# --- AppInitiatedActionUpdateEmailTest --------------------------------------------------------------------------
async def test_update_email(kc: Env) -> None:
    await poll(kc)
    done = await change_email_using_aia(kc, NEW)
    found = await poll(kc)
    ue.assert_update_email_event(found[0], TEST_USER, NEW)
    ue.assert_kc_action_status(done, "success")
    user = await ue.find_user(kc, TEST_USER)
    assert (user["email"], user["firstName"], user["lastName"]) == (NEW, "Tom", "Brady")


async def test_custom_email_validator(kc: Env) -> None:
    """The configuration's length validator on the e-mail applies in the UPDATE_EMAIL context."""
    await set_email_validations(kc, {"email": {}, "length": {"min": "1", "max": "1"}})
    refused = await change_email_using_aia(kc, NEW)
    assert "Length must be between 1 and 1." in (ue.email_error(refused) or ""), refused.text[:1500]
    await set_email_validations(kc, {"email": {}})
    kc.http.cookies.clear()
    await poll(kc)
    await change_email_using_aia(kc, NEW)
    ue.assert_update_email_event((await poll(kc))[0], TEST_USER, NEW)


async def test_only_email_supported_in_context(kc: Env) -> None:
    """A required attribute the user cannot view is no obstacle: only the e-mail is validated."""
    config = await get(kc, "/users/profile")
    extra = {
        "name": "unexpectedAttribute",
        "permissions": {"view": [], "edit": ["user"]},
        "required": {"roles": ["user"]},
    }
    await put(kc, "/users/profile", {**config, "attributes": [*config["attributes"], extra]}, status=200)
    page = await ue.aia_page(kc)
    assert "unexpectedAttribute" not in page.text
    await poll(kc)
    await ue.change_email(kc, page, NEW)
    ue.assert_update_email_event((await poll(kc))[0], TEST_USER, NEW)


async def test_update_email_re_authentication(kc: Env) -> None:
    """A login 400 s old: the kc_action asks for the password again, then shows the page."""
    auth_response(await login(kc, await open_login_form(kc), TEST_USER))
    set_time_offset(kc, 400)
    page = await ue.do_aia(kc)
    assert is_login_page(page), page.text[:1500]
    page = await login(kc, page, TEST_USER)
    assert ue.is_update_email_page(page), page.text[:1500]
    auth_response(await ue.change_email(kc, page, "test-user2@localhost"))


async def test_no_re_authentication_if_max_age_not_reached(kc: Env) -> None:
    auth_response(await login(kc, await open_login_form(kc), TEST_USER))
    page = await ue.do_aia(kc)
    assert ue.is_update_email_page(page), page.text[:1500]
    ue.assert_kc_action_status(await ue.change_email(kc, page, "test-user2@localhost"), "success")


async def test_always_re_authenticate_before_update_email(kc: Env) -> None:
    await ue.enable_update_email(kc, max_auth_age="0")
    auth_response(await login(kc, await open_login_form(kc), TEST_USER))
    set_time_offset(kc, 1)
    page = await ue.do_aia(kc)
    assert is_login_page(page), page.text[:1500]
    page = await login(kc, page, TEST_USER)
    assert ue.is_update_email_page(page), page.text[:1500]
    auth_response(await ue.change_email(kc, page, "test-user2@localhost"))
