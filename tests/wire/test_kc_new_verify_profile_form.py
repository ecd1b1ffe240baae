"""The rest of Keycloak's new-framework VerifyProfileTest (tests/base/.../tests/forms/VerifyProfileTest.java) over
HTTP, beside test_kc_new_verify_profile.py: the page's layout (groups, order, input types), which of the username
and e-mail the page offers (editUsernameAllowed, registrationEmailAsUsername, UPDATE_EMAIL, the username's
permissions), the attributes a scope selects, an e-mail validator's local-part length, and a user profile that
ignores an attribute it does not declare. One app for the module (``group_port.shared_env``),
``VerifyProfileRealmConfig``'s realm imported anew for each test with VERIFY_PROFILE enabled.

Ported: testAttributeGrouping, testAttributeGuiOrder, testAttributeInputTypes, testIgnoreCustomAttributeWhenUser
ProfileIsDisabled (its run-on-server write made in the store), testUsernameOnlyIfEditAllowed, testUsernameOnlyIfEmail
AsUsernameIsDisabled, testUsernameOnlyIfEmailAsUsernameIsDisabledWithUpdateEmailFeature, testDoNotValidateUsername
WhenRegistrationAsEmailEnabled, testUsernameReadOnlyInProfile, testUsernameReadNotVisibleInProfile,
testEMailRequiredInProfileWithLocalPartLength, testAttributeRequiredButNotSelectedByScopeDoesntForceVerification
Screen, testAttributeRequiredAndSelectedByScope, testAttributeNotRequiredAndSelectedByScopeCanBeUpdatedFrom
VerificationScreenForcedByAnotherAttribute, testAttributeRequiredButNotSelectedByScopeIsNotRenderedOnVerification
ScreenForcedByAnotherAttribute.

Not ported: testConfigurationPersisted and testConfigurationEmitsAdminEvent (the users/profile resource, ported
with the user-profile admin tests).
"""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator
from typing import Any

import pytest

import group_port
from group_port import fresh_realm
from keycloak_port import get, put, update_realm, user_id
from login_test_realm import auth_response
from profile_form_port import INPUT_TYPES, assert_field_types, form_elements
from update_profile_port import input_error, is_update_profile_page, value
from verify_profile_port import (
    ADMIN_EDITABLE,
    ADMIN_ONLY,
    ALL,
    DEPARTMENT,
    attribute,
    department_present,
    input_enabled,
    input_present,
    length_validated,
    prepare_user,
    realm_rep,
    refresh,
    required,
    reset_profile,
    set_profile,
    signed_in,
    submitted,
    user_rep,
    verify_page,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

TRIGGER = "requiredAttrToTriggerVerifyPage"


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    env.http.cookies.clear()
    await fresh_realm(env, realm_rep(), verify_profile=True)  # the new framework keeps the action enabled
    yield env
    env.http.cookies.clear()


def selected(attribute: dict[str, Any], scope: str = DEPARTMENT) -> dict[str, Any]:
    """``selectedByScope(attribute, scope)``."""
    return {**attribute, "selector": {"scopes": [scope]}}


async def set_update_email(kc: Env, *, enabled: bool) -> None:
    rep = await get(kc, "/authentication/required-actions/UPDATE_EMAIL")
    await put(kc, "/authentication/required-actions/UPDATE_EMAIL", {**rep, "enabled": enabled})


# --- the page's layout --------------------------------------------------------------------------------------


async def test_attribute_grouping(kc: Env) -> None:
    """VerifyProfileTest#testAttributeGrouping: attributes without a group first, in the configuration's order; a
    group's header and description labels before its first attribute."""
    await prepare_user(kc, "login-test5", "ExistingFirst", "ExistingLast", None)
    config = {
        "attributes": [
            attribute("lastName", ALL),
            attribute("username", ALL),
            required("firstName"),
            required(DEPARTMENT, group="company"),
            attribute("email", ALL, group="contact"),
        ],
        "groups": [{"name": "company", "displayDescription": "Company field desc"}, {"name": "contact"}],
    }
    await put(kc, "/users/profile", config, status=200)
    page = await verify_page(kc, "login-test5")
    elements = form_elements(page.text, "kc-update-profile-form")
    ids = {e.get("id") for e in elements if e.get("id")}
    labels = []
    for element in (e for e in elements if e.tag == "label"):
        target = element.get("for")
        assert target is None or target in ids, target  # a label's element is on the page
        labels.append(target or element.get("id"))
    order = ["lastName", "username", "firstName", "header-company", "description-company", DEPARTMENT]
    assert labels == [*order, "header-contact", "email"]


async def test_attribute_gui_order(kc: Env) -> None:
    """VerifyProfileTest#testAttributeGuiOrder: the inputs in the configuration's order."""
    await prepare_user(kc, "login-test5", "ExistingFirst", "ExistingLast", None)
    await set_profile(
        kc,
        attribute("lastName", ALL),
        required(DEPARTMENT),
        attribute("username", ALL),
        required("firstName"),
        attribute("email", ALL),
    )
    page = await verify_page(kc, "login-test5")
    inputs = [e.get("id") for e in form_elements(page.text, "kc-update-profile-form") if e.tag == "input"]
    assert inputs[:5] == ["lastName", DEPARTMENT, "username", "firstName", "email"]


async def test_attribute_input_types(kc: Env) -> None:
    """VerifyProfileTest#testAttributeInputTypes: the ``inputType`` annotations rendered as the UPDATE_PROFILE
    page renders them (the legacy RegisterWithUserProfileTest's types)."""
    await prepare_user(kc, "login-test5", "ExistingFirst", "ExistingLast", None)
    await set_profile(kc, required(DEPARTMENT), *INPUT_TYPES)
    page = await verify_page(kc, "login-test5")
    assert_field_types(form_elements(page.text, "kc-update-profile-form"))


# --- the default profile and an attribute it does not declare ----------------------------------------------


async def test_ignore_custom_attribute_when_user_profile_is_disabled(kc: Env) -> None:
    """VerifyProfileTest#testIgnoreCustomAttributeWhenUserProfileIsDisabled: a blank first name and an attribute the
    default profile does not declare, written to the user as run-on-server writes them; the undeclared one neither
    shows nor stops the page, the first name does until given."""
    uid = await user_id(kc, "login-test")
    async with kc.db.transaction() as tx:
        user = await tx.users.get(uid)
        assert user is not None
        await tx.users.update(
            dataclasses.replace(user, first_name="", attributes={**user.attributes, "test": ["test"]})
        )
    await reset_profile(kc)
    page = await verify_page(kc, "login-test")
    assert not department_present(page) and not input_present(page, "test")
    page = await submitted(kc, page, "First", " ")
    assert is_update_profile_page(page) and input_error(page, "lastName") == "Please specify this field."
    assert "code" in auth_response(await submitted(kc, page, "First", "Last"))
    rep = await user_rep(kc, "login-test")
    assert (rep["firstName"], rep["lastName"]) == ("First", "Last")


# --- the username and the e-mail -----------------------------------------------------------------------------


async def test_username_only_if_edit_allowed(kc: Env) -> None:
    """VerifyProfileTest#testUsernameOnlyIfEditAllowed."""
    await prepare_user(kc, "login-test5", None, "ExistingLast", None)
    await reset_profile(kc)
    await update_realm(kc, editUsernameAllowed=False)
    page = await verify_page(kc, "login-test5")
    assert not input_present(page, "username") and input_present(page, "email")
    await update_realm(kc, editUsernameAllowed=True)
    assert input_present(await refresh(kc, page), "username")


async def test_username_only_if_email_as_username_is_disabled(kc: Env) -> None:
    """VerifyProfileTest#testUsernameOnlyIfEmailAsUsernameIsDisabled: with the e-mail as username the page asks
    for the e-mail alone, and for neither while usernames may not be edited."""
    await prepare_user(kc, "login-test5", None, "ExistingLast", None)
    await reset_profile(kc)
    await update_realm(kc, editUsernameAllowed=True, registrationEmailAsUsername=True)
    page = await verify_page(kc, "login-test5")
    assert (input_present(page, "username"), input_present(page, "email")) == (False, True)
    await update_realm(kc, editUsernameAllowed=False, registrationEmailAsUsername=True)
    page = await refresh(kc, page)
    assert (input_present(page, "username"), input_present(page, "email")) == (False, False)
    await update_realm(kc, editUsernameAllowed=True, registrationEmailAsUsername=False)
    page = await refresh(kc, page)
    assert (input_present(page, "username"), input_present(page, "email")) == (True, True)


async def test_username_only_if_email_as_username_is_disabled_with_update_email_feature(kc: Env) -> None:
    """VerifyProfileTest#testUsernameOnlyIfEmailAsUsernameIsDisabledWithUpdateEmailFeature: with UPDATE_EMAIL
    enabled the e-mail is changed by that action only, never on this page."""
    await prepare_user(kc, "login-test5", None, "ExistingLast", None)
    await set_update_email(kc, enabled=True)
    await reset_profile(kc)
    await update_realm(kc, editUsernameAllowed=True, registrationEmailAsUsername=True)
    page = await verify_page(kc, "login-test5")
    assert (input_present(page, "username"), input_present(page, "email")) == (False, False)
    await update_realm(kc, editUsernameAllowed=False, registrationEmailAsUsername=True)
    page = await refresh(kc, page)
    assert (input_present(page, "username"), input_present(page, "email")) == (False, False)
    await update_realm(kc, editUsernameAllowed=True, registrationEmailAsUsername=False)
    page = await refresh(kc, page)
    assert (input_present(page, "username"), input_present(page, "email")) == (True, False)


async def test_do_not_validate_username_when_registration_as_email_enabled(kc: Env) -> None:
    """VerifyProfileTest#testDoNotValidateUsernameWhenRegistrationAsEmailEnabled: the user logs in by e-mail and
    nothing is asked although the username is no e-mail address."""
    await prepare_user(kc, "login-test6", "ExistingFirst", "ExistingLast", "Department")
    await update_realm(kc, registrationEmailAsUsername=True)
    await set_profile(kc, required("firstName"), length_validated("lastName"))
    assert "code" in auth_response(await signed_in(kc, "login6@test.com"))


async def test_username_read_only_in_profile(kc: Env) -> None:
    """VerifyProfileTest#testUsernameReadOnlyInProfile: a username only administrators edit is shown disabled."""
    await set_profile(
        kc,
        required("firstName"),
        attribute("lastName", ALL),
        attribute("username", ADMIN_EDITABLE),
        required(TRIGGER),
    )
    page = await verify_page(kc, "login-test6")
    assert value(page, "lastName") == "ExistingLast"
    assert not input_enabled(page, "username")


async def test_username_read_not_visible_in_profile(kc: Env) -> None:
    """VerifyProfileTest#testUsernameReadNotVisibleInProfile: a username only administrators see is not shown."""
    await set_profile(
        kc, required("firstName"), attribute("lastName", ALL), attribute("username", ADMIN_ONLY), required(TRIGGER)
    )
    page = await verify_page(kc, "login-test6")
    assert value(page, "lastName") == "ExistingLast"
    assert not input_present(page, "username")


async def test_email_required_in_profile_with_local_part_length(kc: Env) -> None:
    """VerifyProfileTest#testEMailRequiredInProfileWithLocalPartLength: the e-mail validator's
    ``max-local-length`` refuses a local part of 17 characters and takes one of 16."""
    email = attribute("email", ALL, required={"roles": ["user"]}, validations={"email": {"max-local-length": "16"}})
    await set_profile(kc, required("firstName"), attribute("lastName", ALL), attribute("username", ADMIN_ONLY), email)
    page = await verify_page(kc, "login-nomail")
    names = {"firstName": "HasNowMailFirst", "lastName": "HasNowMailLast"}
    page = await submitted(kc, page, names["firstName"], names["lastName"], email="abcdefg0123456789@bar.com")
    assert is_update_profile_page(page) and input_error(page, "email") == "Invalid email address."
    answer = await submitted(kc, page, names["firstName"], names["lastName"], email="abcdef0123456789@bar.com")
    assert "code" in auth_response(answer)
    rep = await user_rep(kc, "login-nomail")
    assert (rep["firstName"], rep["lastName"], rep["email"]) == (*names.values(), "abcdef0123456789@bar.com")


# --- attributes a scope selects --------------------------------------------------------------------------------


async def test_attribute_required_but_not_selected_by_scope_doesnt_force_verification_screen(kc: Env) -> None:
    """VerifyProfileTest#testAttributeRequiredButNotSelectedByScopeDoesntForceVerificationScreen."""
    await prepare_user(kc, "login-test5", "ExistingFirst", "ExistingLast", None)
    await set_profile(kc, required("firstName"), attribute("lastName", ALL), selected(required(DEPARTMENT)))
    assert "code" in auth_response(await signed_in(kc, "login-test5", "client-b"))


async def test_attribute_required_and_selected_by_scope(kc: Env) -> None:
    """VerifyProfileTest#testAttributeRequiredAndSelectedByScope."""
    await prepare_user(kc, "login-test5", "ExistingFirst", "ExistingLast", None)
    await set_profile(kc, required("firstName"), attribute("lastName", ALL), selected(required(DEPARTMENT)))
    page = await verify_page(kc, "login-test5", "client-b", scope=f"openid {DEPARTMENT}")
    answer = await submitted(kc, page, "FirstAA", "LastAA", department="DepartmentAA")
    assert "code" in auth_response(answer)
    rep = await user_rep(kc, "login-test5")
    assert (rep["firstName"], rep["lastName"], rep["attributes"][DEPARTMENT]) == ("FirstAA", "LastAA", ["DepartmentAA"])


async def test_attribute_not_required_and_selected_by_scope_can_be_updated_on_a_page_another_forced(kc: Env) -> None:
    """VerifyProfileTest#testAttributeNotRequiredAndSelectedByScopeCanBeUpdatedFromVerificationScreenForcedBy
    AnotherAttribute: the missing last name brings the page, which offers the department the scope selects."""
    await prepare_user(kc, "login-test5", "ExistingFirst", None, None)
    await set_profile(kc, required("firstName"), required("lastName"), selected(attribute(DEPARTMENT, ALL)))
    page = await verify_page(kc, "login-test5", "client-b", scope=f"openid {DEPARTMENT}")
    assert department_present(page)
    assert "code" in auth_response(await submitted(kc, page, "FirstAA", "LastAA", department="Department AA"))
    rep = await user_rep(kc, "login-test5")
    assert (rep["firstName"], rep["lastName"], rep["attributes"][DEPARTMENT]) == (
        "FirstAA",
        "LastAA",
        ["Department AA"],
    )


async def test_attribute_required_but_not_selected_by_scope_is_not_rendered_on_a_page_another_forced(kc: Env) -> None:
    """VerifyProfileTest#testAttributeRequiredButNotSelectedByScopeIsNotRenderedOnVerificationScreenForcedBy
    AnotherAttribute: without the scope the required department is neither shown nor asked for."""
    await prepare_user(kc, "login-test5", "ExistingFirst", None, None)
    await set_profile(kc, required("firstName"), required("lastName"), selected(required(DEPARTMENT)))
    page = await verify_page(kc, "login-test5", "client-b")
    assert not department_present(page)
    assert "code" in auth_response(await submitted(kc, page, "FirstAA", "LastAA"))
    rep = await user_rep(kc, "login-test5")
    assert (rep["firstName"], rep["lastName"]) == ("FirstAA", "LastAA")
    assert DEPARTMENT not in (rep.get("attributes") or {})
