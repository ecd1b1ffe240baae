"""Keycloak's AppInitiatedActionUpdateProfileTest (testsuite/integration-arquillian/tests/base/.../actions/
AppInitiatedActionUpdateProfileTest.java) over HTTP, one test per Java method: the application asks for the
profile page with ``kc_action=UPDATE_PROFILE`` (``doAIA``), before or after the user logged in; the answer
carries ``kc_action_status`` (``assertKcActionStatus``). One app for the module (``group_port.shared_env``),
the realm imported anew for each test with test-user@localhost and john-doh@localhost (``beforeTest``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

import group_port
from browser_flow import REDIRECT
from keycloak_port import poll, user_id
from login_test_realm import APP_BASE, auth_response, back_to_application, login, open_login_form
from update_profile_port import (
    JOHN,
    TEST_USER,
    assert_refused,
    assert_update_profile_event,
    cancel,
    cancel_displayed,
    find_user,
    form,
    import_realm,
    input_error,
    is_update_profile_page,
    update,
    user,
    value,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

NEW = form(TEST_USER, "New first", "New last", "new@email.com")
CHANGES = {
    "previous_first_name": "Tom",
    "updated_first_name": "New first",
    "previous_last_name": "Brady",
    "updated_last_name": "New last",
    "previous_email": TEST_USER,
    "updated_email": "new@email.com",
}


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    await import_realm(env, [user(TEST_USER, "Tom", "Brady"), user(JOHN, "John", "Doh")])
    yield env
    env.http.cookies.clear()


async def do_aia(kc: Env) -> httpx.Response:
    """``doAIA()``: the authorization request with ``kc_action=UPDATE_PROFILE``."""
    return await open_login_form(kc, kc_action="UPDATE_PROFILE")


def assert_kc_action_status(response: httpx.Response, status: str) -> dict[str, str]:
    params = auth_response(response)
    assert (params.get("kc_action"), params.get("kc_action_status")) == ("UPDATE_PROFILE", status), params
    return params


async def profile_page(kc: Env, username: str) -> httpx.Response:
    page = await login(kc, await do_aia(kc), username)
    assert is_update_profile_page(page), page.text[:1500]
    await poll(kc)
    return page


async def test_update_profile(kc: Env) -> None:
    page = await login(kc, await do_aia(kc), TEST_USER)
    assert is_update_profile_page(page) and cancel_displayed(page)
    assert_kc_action_status(await update(kc, page, **NEW), "success")
    [changed, logged_in] = await poll(kc)
    assert_update_profile_event(changed, **CHANGES)
    assert logged_in["type"] == "LOGIN"
    found = await find_user(kc, TEST_USER)
    assert (found["firstName"], found["lastName"], found["email"]) == ("New first", "New last", "new@email.com")
    assert found["username"] == TEST_USER


async def test_update_profile_login_first(kc: Env) -> None:
    """Already logged in, the page comes straight away; LOGIN, UPDATE_PROFILE and LOGIN again."""
    auth_response(await login(kc, await open_login_form(kc), TEST_USER))
    page = await do_aia(kc)
    assert is_update_profile_page(page), page.text[:1500]
    assert_kc_action_status(await update(kc, page, **NEW), "success")
    [first, changed, again] = await poll(kc)
    assert first["type"] == "LOGIN" and again["type"] == "LOGIN"
    assert_update_profile_event(changed, **CHANGES)
    found = await find_user(kc, TEST_USER)
    assert (found["firstName"], found["lastName"], found["email"]) == ("New first", "New last", "new@email.com")
    assert found["username"] == TEST_USER


async def test_cancel_update_profile(kc: Env) -> None:
    page = await login(kc, await do_aia(kc), TEST_USER)
    assert is_update_profile_page(page)
    assert_kc_action_status(await cancel(kc, page), "cancelled")
    found = await find_user(kc, TEST_USER)
    assert (found["firstName"], found["lastName"], found["email"]) == ("Tom", "Brady", TEST_USER)
    assert found["username"] == TEST_USER


async def test_update_username(kc: Env) -> None:
    page = await profile_page(kc, JOHN)
    john = await user_id(kc, JOHN)
    answer = await update(kc, page, **form("new", "New first", "New last", JOHN))
    [changed, logged_in] = await poll(kc)
    assert_update_profile_event(
        changed,
        previous_first_name="John",
        updated_first_name="New first",
        previous_last_name="Doh",
        updated_last_name="New last",
        username=JOHN,
        redirect_uri=REDIRECT,
    )
    assert changed["userId"] == john and changed.get("sessionId") is None
    assert "consent" not in changed["details"]
    assert_kc_action_status(answer, "success")
    assert logged_in["type"] == "LOGIN" and logged_in["userId"] == john
    assert logged_in["details"]["username"] == JOHN
    found = await find_user(kc, "new")
    assert (found["firstName"], found["lastName"], found["email"], found["username"]) == (
        "New first",
        "New last",
        JOHN,
        "new",
    )


async def test_update_profile_missing_first_name(kc: Env) -> None:
    page = await update(kc, await profile_page(kc, TEST_USER), **form("new", "", "New last", "new@email.com"))
    assert is_update_profile_page(page)
    assert [value(page, n) for n in ("firstName", "lastName", "email")] == ["", "New last", "new@email.com"]
    assert input_error(page, "firstName") == "Please specify this field."
    assert await poll(kc) == []


async def test_update_profile_missing_last_name(kc: Env) -> None:
    page = await update(kc, await profile_page(kc, TEST_USER), **form("new", "New first", "", "new@email.com"))
    assert is_update_profile_page(page)
    assert [value(page, n) for n in ("firstName", "lastName", "email")] == ["New first", "", "new@email.com"]
    assert input_error(page, "lastName") == "Please specify this field."
    assert await poll(kc) == []


async def test_update_profile_missing_email(kc: Env) -> None:
    page = await update(kc, await profile_page(kc, TEST_USER), **form("new", "New first", "New last", ""))
    assert is_update_profile_page(page)
    assert [value(page, n) for n in ("firstName", "lastName", "email")] == ["New first", "New last", ""]
    shown = input_error(page, "email") or ""
    assert "Please specify email" in shown or "Please specify this field" in shown, shown
    assert await poll(kc) == []


async def test_update_profile_invalid_email(kc: Env) -> None:
    page = await profile_page(kc, TEST_USER)
    page = await update(kc, page, **form("invalid", "New first", "New last", "invalidemail"))
    assert is_update_profile_page(page)
    assert [value(page, n) for n in ("firstName", "lastName", "email")] == ["New first", "New last", "invalidemail"]
    assert input_error(page, "email") == "Invalid email address."
    assert await poll(kc) == []


async def test_update_profile_missing_username(kc: Env) -> None:
    page = await update(kc, await profile_page(kc, JOHN), **form("", "New first", "New last", "new@email.com"))
    await assert_refused(
        kc,
        page,
        {"firstName": "New first", "lastName": "New last", "email": "new@email.com", "username": ""},
        "username",
        "Please specify username.",
    )


async def test_update_profile_duplicate_username(kc: Env) -> None:
    page = await update(kc, await profile_page(kc, JOHN), **form(TEST_USER, "New first", "New last", "new@email.com"))
    await assert_refused(
        kc,
        page,
        {"firstName": "New first", "lastName": "New last", "email": "new@email.com", "username": TEST_USER},
        "username",
        "Username already exists.",
    )


async def test_update_profile_duplicated_email(kc: Env) -> None:
    page = await profile_page(kc, TEST_USER)
    page = await update(kc, page, **form(TEST_USER, "New first", "New last", "keycloak-user@localhost"))
    await assert_refused(
        kc,
        page,
        {"firstName": "New first", "lastName": "New last", "email": "keycloak-user@localhost"},
        "email",
        "Email already exists.",
    )


async def test_update_profile_expired_cookies(kc: Env) -> None:
    page = await profile_page(kc, JOHN)
    kc.http.cookies.clear()  # driver.manage().deleteAllCookies()
    answer = await update(kc, page, **form(TEST_USER, "New first", "New last", "keycloak-user@localhost"))
    assert answer.status_code == 400 and 'id="kc-error-message"' in answer.text, answer.text[:1500]
    assert back_to_application(answer) == APP_BASE
