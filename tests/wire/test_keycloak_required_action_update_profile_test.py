"""Keycloak's RequiredActionUpdateProfileTest (testsuite/integration-arquillian/tests/base/.../actions/
RequiredActionUpdateProfileTest.java) over HTTP, one test per Java method: the UPDATE_PROFILE required action
of test-user@localhost and john-doh@localhost (both with it pending, e-mail verified), its validation
messages with the typed values kept, its events, and an expired browser session. One app for the module
(``group_port.shared_env``), the realm imported anew for each test (``update_profile_port``).

testMultivaluedAttributes clicks the multivalued inputs' JavaScript add and remove buttons; the port posts
what those leave in the form (one input per value, all under the attribute's name) and reads the inputs the
page renders back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

import group_port
from keycloak_port import get, poll, put, user_id
from login_test_realm import APP_BASE, auth_response, back_to_application, login, open_login_form
from update_profile_port import (
    JOHN,
    TEST_USER,
    assert_refused,
    assert_update_profile_event,
    cancel_displayed,
    find_user,
    form,
    import_realm,
    input_error,
    input_values,
    is_update_profile_page,
    post_pairs,
    update,
    user,
    value,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

PENDING = {"emailVerified": True, "requiredActions": ["UPDATE_PROFILE"]}


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    """``beforeTest``: both users made anew with UPDATE_PROFILE pending."""
    await import_realm(env, [user(TEST_USER, "Tom", "Brady", **PENDING), user(JOHN, "John", "Doh", **PENDING)])
    yield env
    env.http.cookies.clear()


async def profile_page(kc: Env, username: str) -> httpx.Response:
    page = await login(kc, await open_login_form(kc), username)
    assert is_update_profile_page(page), page.text[:1500]
    await poll(kc)  # nothing is looked at before the form is sent
    return page


async def test_update_profile(kc: Env) -> None:
    page = await login(kc, await open_login_form(kc), TEST_USER)
    assert is_update_profile_page(page) and not cancel_displayed(page)
    await poll(kc)
    auth_response(await update(kc, page, **form(TEST_USER, "New first", "New last", "new@email.com")))
    [changed, logged_in] = await poll(kc)
    assert_update_profile_event(
        changed,
        previous_first_name="Tom",
        updated_first_name="New first",
        previous_last_name="Brady",
        updated_last_name="New last",
        previous_email=TEST_USER,
        updated_email="new@email.com",
    )
    assert logged_in["type"] == "LOGIN"
    found = await find_user(kc, TEST_USER)
    assert (found["firstName"], found["lastName"], found["email"]) == ("New first", "New last", "new@email.com")
    assert found["username"] == TEST_USER
    assert found["emailVerified"] is False  # the e-mail changed, so it is no longer verified


async def test_update_username(kc: Env) -> None:
    page = await profile_page(kc, JOHN)
    john = await user_id(kc, JOHN)
    auth_response(await update(kc, page, **form("new", "New first", "New last", JOHN)))
    [changed, logged_in] = await poll(kc)
    assert_update_profile_event(changed, updated_first_name="New first", updated_last_name="New last", username=JOHN)
    assert changed["userId"] == john and changed.get("sessionId") is None
    assert "consent" not in changed["details"]
    assert logged_in["type"] == "LOGIN" and logged_in["userId"] == john
    assert logged_in["details"]["username"] == JOHN
    found = await find_user(kc, "new")
    assert (found["firstName"], found["lastName"], found["email"]) == ("New first", "New last", JOHN)
    assert found["username"] == "new"
    assert found["emailVerified"] is True  # the e-mail did not change


async def test_update_profile_missing_first_name(kc: Env) -> None:
    page = await update(kc, await profile_page(kc, TEST_USER), **form("new", "", "New last", "new@email.com"))
    assert is_update_profile_page(page)
    assert (value(page, "firstName"), value(page, "lastName"), value(page, "email")) == (
        "",
        "New last",
        "new@email.com",
    )
    assert input_error(page, "firstName") == "Please specify this field."
    assert await poll(kc) == []


async def test_update_profile_missing_last_name(kc: Env) -> None:
    page = await update(kc, await profile_page(kc, TEST_USER), **form("new", "New first", "", "new@email.com"))
    assert is_update_profile_page(page)
    assert (value(page, "firstName"), value(page, "lastName"), value(page, "email")) == (
        "New first",
        "",
        "new@email.com",
    )
    assert input_error(page, "lastName") == "Please specify this field."
    assert await poll(kc) == []


async def test_update_profile_missing_email(kc: Env) -> None:
    page = await update(kc, await profile_page(kc, TEST_USER), **form("new", "New first", "New last", ""))
    assert is_update_profile_page(page)
    assert (value(page, "firstName"), value(page, "lastName"), value(page, "email")) == ("New first", "New last", "")
    shown = input_error(page, "email") or ""
    assert "Please specify email" in shown or "Please specify this field" in shown, shown
    assert await poll(kc) == []


async def test_update_profile_invalid_email(kc: Env) -> None:
    page = await update(
        kc, await profile_page(kc, TEST_USER), **form("invalid", "New first", "New last", "invalidemail")
    )
    assert is_update_profile_page(page)
    assert (value(page, "firstName"), value(page, "lastName"), value(page, "email")) == (
        "New first",
        "New last",
        "invalidemail",
    )
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


async def _create_user1(kc: Env) -> None:
    """``createUser(TEST_REALM_NAME, "user1@local.com", ..., "user1", "user1", "user1@local.org")``."""
    rep = user("user1@local.com", "user1", "user1", email="user1@local.org")
    response = await kc.http.post("/admin/realms/test/users", json=rep, headers=await kc.admin_headers())
    assert response.status_code == 201, response.text


async def test_update_profile_duplicate_username_with_email(kc: Env) -> None:
    await _create_user1(kc)
    page = await profile_page(kc, JOHN)
    page = await update(kc, page, **form("user1@local.org", "New first", "New last", "new@email.com"))
    await assert_refused(
        kc,
        page,
        {"firstName": "New first", "lastName": "New last", "email": "new@email.com", "username": "user1@local.org"},
        "username",
        "Username already exists.",
    )


async def test_update_profile_duplicated_email_with_username(kc: Env) -> None:
    await _create_user1(kc)
    page = await profile_page(kc, TEST_USER)
    page = await update(kc, page, **form(TEST_USER, "New first", "New last", "user1@local.com"))
    assert is_update_profile_page(page)
    assert [value(page, n) for n in ("firstName", "lastName", "email")] == ["New first", "New last", "user1@local.com"]
    assert input_error(page, "email") == "Email already exists."
    assert await poll(kc) == []


async def test_update_profile_expired_cookies(kc: Env) -> None:
    page = await profile_page(kc, JOHN)
    kc.http.cookies.clear()  # driver.manage().deleteAllCookies()
    answer = await update(kc, page, **form(TEST_USER, "New first", "New last", "keycloak-user@localhost"))
    assert answer.status_code == 400 and 'id="kc-error-message"' in answer.text, answer.text[:1500]
    assert back_to_application(answer) == APP_BASE


async def test_update_profile_without_remove_custom_attributes(kc: Env) -> None:
    config = await get(kc, "/users/profile")
    await put(kc, "/users/profile", {**config, "unmanagedAttributePolicy": "ADMIN_EDIT"}, status=200)
    uid = await user_id(kc, TEST_USER)
    await put(kc, f"/users/{uid}", {**await get(kc, f"/users/{uid}"), "attributes": {"custom": ["custom"]}})
    page = await login(kc, await open_login_form(kc), TEST_USER)
    assert is_update_profile_page(page) and not cancel_displayed(page)
    await poll(kc)
    auth_response(await update(kc, page, **form(TEST_USER, "New first", "New last", "new@email.com")))
    [changed, logged_in] = await poll(kc)
    assert_update_profile_event(
        changed, context="UPDATE_PROFILE", previous_email=TEST_USER, updated_email="new@email.com"
    )
    assert logged_in["type"] == "LOGIN"
    found = await find_user(kc, TEST_USER)
    assert (found["firstName"], found["lastName"], found["email"]) == ("New first", "New last", "new@email.com")
    assert found["username"] == TEST_USER
    assert "custom" in found["attributes"]


async def test_multivalued_attributes(kc: Env) -> None:
    """Three multivalued attributes; for each, five values sent, rendered back one input each, all but one
    removed, then five again; at the end every attribute holds the five."""
    config = await get(kc, "/users/profile")
    both = {"view": [], "edit": ["user", "admin"]}
    names = ["foo", "bar", "zar"]
    config["attributes"] += [{"name": n, "multivalued": True, "permissions": both} for n in names]
    await put(kc, "/users/profile", config, status=200)
    values = [str(i) for i in range(5)]
    names_form = list(form(JOHN, "f", "l", "e@keycloak.org").items())
    page = await login(kc, await open_login_form(kc), JOHN)
    uid = await user_id(kc, JOHN)
    for name in names:
        assert is_update_profile_page(page), page.text[:1500]
        auth_response(await post_pairs(kc, page, [*names_form, *kept_except(page, names, name), *pairs(name, values)]))
        assert sorted((await find_user(kc, JOHN))["attributes"][name]) == values
        page = await update_profile_again(kc, uid)
        assert sorted(input_values(page, name)) == values  # one input per value
        auth_response(await post_pairs(kc, page, [*names_form, *kept_except(page, names, name), (name, values[-1])]))
        assert (await find_user(kc, JOHN))["attributes"][name] == [values[-1]]  # the last value cannot go
        page = await update_profile_again(kc, uid)
        auth_response(await post_pairs(kc, page, [*names_form, *kept_except(page, names, name), *pairs(name, values)]))
        page = await update_profile_again(kc, uid)
    attributes = (await find_user(kc, JOHN))["attributes"]
    assert {n: sorted(attributes[n]) for n in names} == {n: values for n in names}


def pairs(name: str, values: list[str]) -> list[tuple[str, str]]:
    return [(name, v) for v in values]


def kept_except(page: httpx.Response, names: list[str], name: str) -> list[tuple[str, str]]:
    """The other attributes' inputs as the page holds them (the browser posts them unchanged)."""
    return [(n, v) for n in names if n != name for v in input_values(page, n)]


async def update_profile_again(kc: Env, uid: str) -> httpx.Response:
    """``userRep.setRequiredActions([UPDATE_PROFILE]); update(userRep); loginPage.open()``: the SSO session
    goes straight to the profile page."""
    await put(kc, f"/users/{uid}", {**await get(kc, f"/users/{uid}"), "requiredActions": ["UPDATE_PROFILE"]})
    page = await open_login_form(kc)
    assert is_update_profile_page(page), page.text[:1500]
    return page
