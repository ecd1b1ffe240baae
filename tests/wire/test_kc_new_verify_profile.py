"""Keycloak's new-framework VerifyProfileTest (tests/base/.../tests/forms/VerifyProfileTest.java) over HTTP: the
VERIFY_PROFILE required action (VerifyUserProfile), enabled in every new realm, shows the update-profile page at
login while the user's values fail the declarative user profile in the UPDATE_PROFILE context (a required
attribute missing, a validator failing), with the errors found, after a VERIFY_PROFILE event naming the fields to
update; its form is UPDATE_PROFILE's. A profile that passes logs in without a page. One app for the module
(``group_port.shared_env``), ``VerifyProfileRealmConfig``'s realm imported anew for each test (``editUsernameAllowed``,
the users login-test ... login-test6 and login-nomail, the client scope ``department``, ``client-a`` with it by
default and ``client-b`` optionally, and the framework's ``test-app``); ``setUserProfileConfiguration`` is
``PUT users/profile`` with a username and a user-required e-mail added where the configuration leaves them out.

Ported: testDisplayName, testEvents, testDefaultProfile (the user's first name removed through the admin API
rather than run-on-server), testOptionalAttribute, testCustomValidationLastName, testNoActionIfNoValidationError,
testRequiredReadOnlyAttribute, testAdminOnlyAttributeNotVisibleToUser, testAttributeNotVisible,
testRequiredAttribute, testRequiredOnlyIfUser, testAttributeNotRequiredWhenMissingScope,
testAttributeRequiredForScope, testAttributeRequiredForDefaultScope, testNoActionIfValidForScope,
testCustomValidationInCustomAttribute, testEmailChangeSetsEmailVerified,
testNoActionIfSuccessfulValidationForCustomAttribute; and Doorkeep's own: the action set by an administrator on a
user whose profile passes goes away unseen (evaluateTriggers), a client may not ask for it (``kc_action``,
InitiatedActionSupport.NOT_SUPPORTED), a disabled action is passed over.

Not ported: testAttributeGrouping, testAttributeGuiOrder and testAttributeInputTypes (the page's layout, covered
for UPDATE_PROFILE's same page by the RequiredActionUpdateProfileWithUserProfileTest port);
testIgnoreCustomAttributeWhenUserProfileIsDisabled (run-on-server writes an attribute the profile refuses);
testUsernameOnlyIfEditAllowed, testUsernameOnlyIfEmailAsUsernameIsDisabled(WithUpdateEmailFeature),
testUsernameReadOnlyInProfile, testUsernameReadNotVisibleInProfile, testDoNotValidateUsernameWhenRegistrationAs
EmailEnabled, testEMailRequiredInProfileWithLocalPartLength and the ...SelectedByScope methods (left for a later
session); testConfigurationPersisted and testConfigurationEmitsAdminEvent (the users/profile resource, ported with
the user-profile admin tests).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

import group_port
from group_port import fresh_realm
from keycloak_port import get, poll, put, user_id
from login_test_realm import auth_response, login, open_login_form
from update_profile_port import input_error, is_update_profile_page, value
from verify_profile_port import (
    ADMIN_EDITABLE,
    ADMIN_ONLY,
    ALL,
    DEPARTMENT,
    MESSAGE,
    PASSWORD,
    attribute,
    department_enabled,
    department_present,
    label,
    length_validated,
    prepare_user,
    realm_rep,
    required,
    set_profile,
    signed_in,
    submitted,
    user_rep,
    verify_page,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    env.http.cookies.clear()
    await fresh_realm(env, realm_rep(), verify_profile=True)  # the new framework keeps the action enabled
    yield env
    env.http.cookies.clear()


async def test_display_name(kc: Env) -> None:
    """VerifyProfileTest#testDisplayName."""
    await prepare_user(kc, "login-test5", "ExistingFirst", "ExistingLast", None)
    await set_profile(
        kc,
        required("firstName", displayName="${firstName}"),
        attribute("lastName", ALL),
        required(DEPARTMENT, displayName="Department"),
    )
    page = await verify_page(kc, "login-test5")
    assert (label(page, "firstName"), label(page, "lastName"), label(page, DEPARTMENT)) == (
        "First name",
        "lastName",
        "Department",
    )


async def test_events(kc: Env) -> None:
    """VerifyProfileTest#testEvents: VERIFY_PROFILE with ``fields_to_update`` when the page shows, then
    UPDATE_PROFILE (context UPDATE_PROFILE) with the names' previous and updated values."""
    uid = await prepare_user(kc, "login-test5", "ExistingFirst", "ExistingLast", None)
    await set_profile(kc, required("firstName"), attribute("lastName", ALL), required(DEPARTMENT))
    await poll(kc)
    page = await verify_page(kc, "login-test5")
    [shown] = await poll(kc)
    assert (shown["type"], shown["userId"], shown["details"]["fields_to_update"]) == ("VERIFY_PROFILE", uid, DEPARTMENT)
    assert shown.get("error") is None and shown["clientId"] == "test-app"
    answer = await submitted(kc, page, "First", "Last", department="Department")
    assert "code" in auth_response(answer)
    updated = next(e for e in await poll(kc) if e["type"] == "UPDATE_PROFILE")
    assert updated["userId"] == uid and updated["details"]["context"] == "UPDATE_PROFILE"
    details = updated["details"]
    assert (details["previous_first_name"], details["updated_first_name"]) == ("ExistingFirst", "First")
    assert (details["previous_last_name"], details["updated_last_name"]) == ("ExistingLast", "Last")
    assert (await user_rep(kc, "login-test5"))["attributes"][DEPARTMENT] == ["Department"]


async def test_default_profile(kc: Env) -> None:
    """VerifyProfileTest#testDefaultProfile: the default configuration requires the names; a blank last name is
    refused on the page, then the login ends with both stored."""
    page = await verify_page(kc, "login-test")
    assert not department_present(page)
    page = await submitted(kc, page, "First", " ")
    assert is_update_profile_page(page) and not department_present(page)
    assert input_error(page, "lastName") == "Please specify this field."
    assert "code" in auth_response(await submitted(kc, page, "First", "Last"))
    rep = await user_rep(kc, "login-test")
    assert (rep["firstName"], rep["lastName"]) == ("First", "Last")


async def test_default_profile_errors_show_on_the_first_page(kc: Env) -> None:
    """VerifyUserProfile.requiredActionChallenge passes the errors found to the page it shows: each missing name
    says so before anything is typed, and the page's warning (Messages.UPDATE_PROFILE) gives way to them as
    LoginFormsProvider.createResponse sets it only without messages."""
    page = await verify_page(kc, "login-test")
    assert MESSAGE not in page.text
    assert input_error(page, "firstName") == "Please specify this field."
    assert input_error(page, "lastName") == "Please specify this field."
    assert value(page, "email") == "login@test.com"
    assert page.text.count(' aria-invalid="true"') == 2  # the inputs in error, marked as the theme marks them


async def test_optional_attribute(kc: Env) -> None:
    """VerifyProfileTest#testOptionalAttribute."""
    await set_profile(kc, required("firstName"), attribute("lastName", ALL))
    page = await verify_page(kc, "login-test2")
    assert "code" in auth_response(await submitted(kc, page, "First", ""))
    rep = await user_rep(kc, "login-test2")
    assert rep["firstName"] == "First" and not (rep.get("lastName") or "").strip()


async def test_custom_validation_last_name(kc: Env) -> None:
    """VerifyProfileTest#testCustomValidationLastName: a last name too short is refused, the admin-only department
    stays as it was."""
    await prepare_user(kc, "login-test5", "ExistingFirst", "La", "Department")
    await set_profile(kc, required("firstName"), length_validated("lastName"), attribute(DEPARTMENT, ADMIN_ONLY))
    page = await verify_page(kc, "login-test5")
    page = await submitted(kc, page, "First", "L")
    assert is_update_profile_page(page), page.text[:800]
    assert "code" in auth_response(await submitted(kc, page, "First", "Last"))
    rep = await user_rep(kc, "login-test5")
    assert (rep["firstName"], rep["lastName"], rep["attributes"][DEPARTMENT]) == ("First", "Last", ["Department"])


async def test_no_action_if_no_validation_error(kc: Env) -> None:
    """VerifyProfileTest#testNoActionIfNoValidationError."""
    await prepare_user(kc, "login-test5", "ExistingFirst", "ExistingLast", "Department")
    await set_profile(kc, required("firstName"), length_validated("lastName"))
    await poll(kc)
    assert "code" in auth_response(await signed_in(kc, "login-test5"))
    assert [e["type"] for e in await poll(kc)] == ["LOGIN"]


async def test_required_read_only_attribute(kc: Env) -> None:
    """VerifyProfileTest#testRequiredReadOnlyAttribute: the department the user may not edit is shown disabled and
    the other attributes' update succeeds."""
    await set_profile(kc, required("firstName"), attribute("lastName", ALL), required(DEPARTMENT, ADMIN_EDITABLE))
    page = await verify_page(kc, "login-test3")
    assert value(page, "lastName") == "ExistingLast" and not department_enabled(page)
    assert "code" in auth_response(await submitted(kc, page, "First", "Last"))
    rep = await user_rep(kc, "login-test3")
    assert (rep["firstName"], rep["lastName"]) == ("First", "Last")


async def test_admin_only_attribute_not_visible_to_user(kc: Env) -> None:
    """VerifyProfileTest#testAdminOnlyAttributeNotVisibleToUser."""
    await set_profile(
        kc,
        required("firstName"),
        attribute("lastName", ALL),
        attribute(DEPARTMENT, ADMIN_ONLY),
        required("requiredAttrToTriggerVerifyPage"),
    )
    page = await verify_page(kc, "login-test6")
    assert value(page, "lastName") == "ExistingLast" and not department_present(page)


async def test_attribute_not_visible(kc: Env) -> None:
    """VerifyProfileTest#testAttributeNotVisible."""
    await set_profile(kc, required("firstName"), attribute("lastName", ALL), required(DEPARTMENT, ADMIN_ONLY))
    page = await verify_page(kc, "login-test4")
    assert value(page, "lastName") == "ExistingLast" and not department_present(page)
    assert "code" in auth_response(await submitted(kc, page, "First", "Last"))
    rep = await user_rep(kc, "login-test4")
    assert (rep["firstName"], rep["lastName"]) == ("First", "Last")


@pytest.mark.parametrize("department", [required(DEPARTMENT), attribute(DEPARTMENT, ALL, required={"roles": ["user"]})])
async def test_required_attribute(kc: Env, department: dict[str, Any]) -> None:
    """VerifyProfileTest#testRequiredAttribute and #testRequiredOnlyIfUser: a blank department is refused."""
    await prepare_user(kc, "login-test5", "ExistingFirst", "ExistingLast", None)
    await set_profile(kc, required("firstName"), attribute("lastName", ALL), department)
    page = await verify_page(kc, "login-test5")
    page = await submitted(kc, page, "FirstCC", "LastCC", department=" ")
    assert is_update_profile_page(page), page.text[:800]
    answer = await submitted(kc, page, "FirstCC", "LastCC", department="DepartmentCC")
    assert "code" in auth_response(answer)
    rep = await user_rep(kc, "login-test5")
    assert (rep["firstName"], rep["lastName"], rep["attributes"][DEPARTMENT]) == ("FirstCC", "LastCC", ["DepartmentCC"])


async def test_attribute_not_required_when_missing_scope(kc: Env) -> None:
    """VerifyProfileTest#testAttributeNotRequiredWhenMissingScope: required for the ``profile`` scope, which
    client-b's login does not request."""
    await prepare_user(kc, "login-test5", "ExistingFirst", "ExistingLast", None)
    scoped = attribute(DEPARTMENT, ALL, required={"scopes": ["profile"]})
    await set_profile(kc, required("firstName"), attribute("lastName", ALL), scoped)
    assert "code" in auth_response(await signed_in(kc, "login-test5", "client-b"))


async def test_attribute_required_for_scope(kc: Env) -> None:
    """VerifyProfileTest#testAttributeRequiredForScope: client-b's login asking for the scope."""
    await prepare_user(kc, "login-test5", "ExistingFirst", "ExistingLast", None)
    scoped = attribute(DEPARTMENT, ALL, required={"scopes": [DEPARTMENT]})
    await set_profile(kc, required("firstName"), attribute("lastName", ALL), scoped)
    page = await verify_page(kc, "login-test5", "client-b", scope=DEPARTMENT)
    answer = await submitted(kc, page, "FirstAA", "LastAA", department="DepartmentAA")
    assert "code" in auth_response(answer)
    assert (await user_rep(kc, "login-test5"))["attributes"][DEPARTMENT] == ["DepartmentAA"]


async def test_attribute_required_for_default_scope(kc: Env) -> None:
    """VerifyProfileTest#testAttributeRequiredForDefaultScope: client-a has the scope by default."""
    await prepare_user(kc, "login-test5", "ExistingFirst", "ExistingLast", None)
    scoped = attribute(DEPARTMENT, ALL, required={"scopes": [DEPARTMENT]})
    await set_profile(kc, required("firstName"), attribute("lastName", ALL), scoped)
    page = await verify_page(kc, "login-test5", "client-a")
    page = await submitted(kc, page, "FirstBB", "LastBB", department=" ")
    assert is_update_profile_page(page), page.text[:800]
    assert "code" in auth_response(await submitted(kc, page, "FirstBB", "LastBB", department="DepartmentBB"))
    assert (await user_rep(kc, "login-test5"))["attributes"][DEPARTMENT] == ["DepartmentBB"]


async def test_no_action_if_valid_for_scope(kc: Env) -> None:
    """VerifyProfileTest#testNoActionIfValidForScope."""
    await prepare_user(kc, "login-test5", "ExistingFirst", "ExistingLast", "ExistingDepartment")
    scoped = attribute(DEPARTMENT, ALL, required={"scopes": [DEPARTMENT]})
    await set_profile(kc, required("firstName"), attribute("lastName", ALL), scoped)
    assert "code" in auth_response(await signed_in(kc, "login-test5", "client-a"))
    assert (await user_rep(kc, "login-test5"))["attributes"][DEPARTMENT] == ["ExistingDepartment"]


async def test_custom_validation_in_custom_attribute(kc: Env) -> None:
    """VerifyProfileTest#testCustomValidationInCustomAttribute."""
    await prepare_user(kc, "login-test5", "ExistingFirst", "ExistingLast", "D")
    await set_profile(kc, required("firstName"), attribute("lastName", ALL), length_validated(DEPARTMENT))
    page = await verify_page(kc, "login-test5")
    page = await submitted(kc, page, "FirstCC", "LastCC", department="De")
    assert is_update_profile_page(page), page.text[:800]
    assert "code" in auth_response(await submitted(kc, page, "FirstCC", "LastCC", department="DepartmentCC"))
    assert (await user_rep(kc, "login-test5"))["attributes"][DEPARTMENT] == ["DepartmentCC"]


async def test_email_change_sets_email_verified_false(kc: Env) -> None:
    """VerifyProfileTest#testEmailChangeSetsEmailVerified: a verified user whose first name is missing changes
    the e-mail on the page; the new one is not verified."""
    uid = await prepare_user(kc, "login-test5", "", "ExistingLast", None)
    rep = await get(kc, f"/users/{uid}")
    await put(kc, f"/users/{uid}", {**rep, "emailVerified": True})
    await set_profile(kc, required("firstName"), attribute("lastName", ALL))
    page = await verify_page(kc, "login-test5")
    answer = await submitted(kc, page, "FirstCC", "LastCC", email="newemail@test.org")
    assert "code" in auth_response(answer)
    rep = await user_rep(kc, "login-test5")
    assert (rep["email"], rep["emailVerified"]) == ("newemail@test.org", False)


async def test_no_action_if_successful_validation_for_custom_attribute(kc: Env) -> None:
    """VerifyProfileTest#testNoActionIfSuccessfulValidationForCustomAttribute."""
    await prepare_user(kc, "login-test5", "ExistingFirst", "ExistingLast", "Department")
    await set_profile(kc, required("firstName"), attribute("lastName", ALL), length_validated(DEPARTMENT))
    assert "code" in auth_response(await signed_in(kc, "login-test5"))


async def test_an_action_set_on_a_user_whose_profile_passes_goes_away_unseen(kc: Env) -> None:
    """VerifyUserProfile.evaluateTriggers: a valid profile takes VERIFY_PROFILE off the user (set by an
    administrator) before the actions run; no page, no VERIFY_PROFILE event."""
    uid = await user_id(kc, "login-test5")
    rep = await get(kc, f"/users/{uid}")
    await put(kc, f"/users/{uid}", {**rep, "requiredActions": ["VERIFY_PROFILE"]})
    await poll(kc)
    assert "code" in auth_response(await signed_in(kc, "login-test5"))
    assert (await get(kc, f"/users/{uid}"))["requiredActions"] == []
    assert [e["type"] for e in await poll(kc)] == ["LOGIN"]


async def test_an_action_set_on_a_user_whose_profile_fails_shows_the_page_and_leaves_once_done(kc: Env) -> None:
    """An administrator's VERIFY_PROFILE on a user without names: the page, and once the form passes the action
    is gone from the user."""
    uid = await user_id(kc, "login-test2")
    rep = await get(kc, f"/users/{uid}")
    await put(kc, f"/users/{uid}", {**rep, "requiredActions": ["VERIFY_PROFILE"]})
    page = await verify_page(kc, "login-test2")
    assert "code" in auth_response(await submitted(kc, page, "First", "Last"))
    assert (await get(kc, f"/users/{uid}"))["requiredActions"] == []


async def test_a_client_may_not_ask_for_it(kc: Env) -> None:
    """``kc_action=VERIFY_PROFILE``: VerifyUserProfile does not support application-initiated actions; a user
    whose profile passes logs in and the client learns ``kc_action_status=error``."""
    page = await login(kc, await open_login_form(kc, kc_action="VERIFY_PROFILE"), "login-test5", PASSWORD)
    params = auth_response(page)
    assert "code" in params and params["kc_action_status"] == "error", params


async def test_a_disabled_action_is_passed_over(kc: Env) -> None:
    """The realm's VERIFY_PROFILE disabled: no trigger runs, a user without names logs in."""
    rep = await get(kc, "/authentication/required-actions/VERIFY_PROFILE")
    await put(kc, "/authentication/required-actions/VERIFY_PROFILE", {**rep, "enabled": False})
    assert "code" in auth_response(await signed_in(kc, "login-test"))
