"""Keycloak's old-testsuite user/profile/UIRealmResourceTest, its two registration methods over HTTP: the user
profile changed so that users may not read or write an attribute, then a registration. The Java class writes the
configuration through the admin console's ``PUT ui-ext`` (UIRealmResource, the realm and its user profile in one
call); Doorkeep's console does not use that endpoint, so the configuration goes through ``PUT users/profile`` and the
realm through ``PUT /admin/realms/test``, the two writes UIRealmResource makes.

Not ported: testNoUpdateUserProfile, testSameUpdateUserProfile, testUpdateUserProfileModification and
testRenameRealm (the ``ui-ext`` endpoint and its admin events), uiRealmInfoSucceedsWithAnyAdminRole and
uiRealmInfoFailsWhenNoAdminRoleIsAssigned (``ui-ext/info``): admin-ui-ext endpoints Doorkeep does not serve."""

from __future__ import annotations

from typing import Any

import pytest

import group_port
import register_port
from keycloak_port import get, put, update_realm
from register_port import (
    auth_response,
    expect_register,
    open_register,
    register,
    register_email_as_username,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env
kc = register_port.kc
ADMIN_ONLY = {"view": ["admin"], "edit": ["admin"]}
ADMIN_EDITABLE = {"view": ["user", "admin"], "edit": ["admin"]}


async def replace_attribute(kc: Env, name: str, permissions: dict[str, list[str]]) -> None:
    """``upConfig.addOrReplaceAttribute(new UPAttribute(name, permissions))``: the attribute replaced by one with
    only a name and these permissions, the rest of the configuration kept."""
    config: dict[str, Any] = await get(kc, "/users/profile")
    attributes = [a for a in config["attributes"] if a["name"] != name]
    config["attributes"] = [*attributes, {"name": name, "permissions": permissions}]
    await put(kc, "/users/profile", config, status=200)


async def user_rep(kc: Env, username: str) -> dict[str, Any]:
    [found] = await get(kc, "/users", username=username, exact="true")
    return dict(found)


async def test_registration_form_with_not_readable_or_writable_required_email(kc: Env) -> None:
    """UIRealmResourceTest#testRegistrationFormWithNotReadableOrWritableRequiredEmail: e-mail as username, the
    e-mail's permissions only the admin's: the form still asks for it (it is the username), the user is made."""
    await update_realm(kc, registrationEmailAsUsername=True)
    await replace_attribute(kc, "email", ADMIN_ONLY)
    page = await open_register(kc)
    assert 'name="email"' in page.text, "Email is missing on the registration page."
    done = await register_email_as_username(kc, page, "Tom", "Brady", "tbrady@email.com", "password", "password")
    assert "code" in auth_response(done)
    await expect_register(kc, "tbrady@email.com", "tbrady@email.com")
    user = await user_rep(kc, "tbrady@email.com")
    assert (user["firstName"], user["lastName"]) == ("Tom", "Brady")


async def test_registration_form_with_readonly_username_and_email(kc: Env) -> None:
    """UIRealmResourceTest#testRegistrationFormWithReadonlyUsernameAndEmail: username and e-mail viewable but
    editable only by the admin: the form asks for the username (registration writes it all the same) and not for
    the e-mail; the user is made without one."""
    await replace_attribute(kc, "username", ADMIN_EDITABLE)
    await replace_attribute(kc, "email", ADMIN_EDITABLE)
    page = await open_register(kc)
    assert 'name="username"' in page.text, "Username is missing on the registration page."
    assert 'name="email"' not in page.text, "Email should not be present on the registration page."
    done = await register(kc, page, "Alice", "Wood", None, "awood", "password", "password")
    assert "code" in auth_response(done)
    event = await expect_register(kc, "awood", None)
    assert "email" not in event.get("details", {}), sorted(event["details"].items())
    user = await user_rep(kc, "awood")
    assert (user["username"], user["firstName"], user["lastName"]) == ("awood", "Alice", "Wood")
    assert "email" not in user
