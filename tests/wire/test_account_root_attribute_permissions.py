"""The configured permissions of the e-mail and the names hold on the Account REST API's update, as Keycloak's
ImmutableAttributeValidator holds them: an attribute the ``user`` role may not edit is refused when the request
changes it ("error-user-attribute-read-only", 400, nothing written), and kept as the user has it when the
request leaves it out (DefaultAttributes.isIncludeAttributeIfNotProvided), whether the user may view it or not.
The realm and token are AccountRestServiceWithUserProfileTest's (``account_rest_service_port``); the
UPDATE_PROFILE page's checks use RequiredActionUpdateProfileWithUserProfileTest's realm and helpers."""

from __future__ import annotations

from typing import Any

import pytest

import group_port
import update_profile_port as page_port
from account_rest_service_port import account_realm, call, token
from keycloak_port import get, put
from login_test_realm import login, open_login_form
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

READ_ONLY = "error-user-attribute-read-only"
ALL = {"view": ["admin", "user"], "edit": ["admin", "user"]}
ADMIN_EDITABLE = {"view": ["admin", "user"], "edit": ["admin"]}
ADMIN_ONLY = {"view": ["admin"], "edit": ["admin"]}
TOM = {"firstName": "Tom", "lastName": "Brady", "email": "test-user@localhost"}


def _names(permissions: dict[str, list[str]]) -> list[dict[str, Any]]:
    first = {"name": "firstName", "displayName": "${profile.firstName}", "permissions": permissions, "required": {}}
    return [first, {"name": "lastName", "displayName": "Last name", "permissions": permissions}]


async def set_profile(env: Env, attributes: list[dict[str, Any]]) -> None:
    """The user-profile configuration: ``attributes``, a username, and an e-mail unless given."""
    config = [*attributes, {"name": "username"}]
    if all(a["name"] != "email" for a in attributes):
        config.append({"name": "email", "permissions": ALL, "required": {"roles": ["user"]}})
    await put(env, "/users/profile", {"attributes": config}, status=200)


async def get_user(env: Env, access: str) -> dict[str, Any]:
    response = await call(env, "GET", "", access, userProfileMetadata="true")
    assert response.status_code == 200, response.text
    user: dict[str, Any] = response.json()
    return user


@pytest.fixture
async def access(env: Env) -> str:
    await account_realm(env)
    return await token(env)


def _body(user: dict[str, Any], **changes: Any) -> dict[str, Any]:
    body = {k: v for k, v in user.items() if k != "userProfileMetadata"}
    body.update(changes)
    return {k: v for k, v in body.items() if v is not None}


async def _stored(env: Env, access: str) -> dict[str, Any]:
    """The user as the admin API sees it (the account may hide the names)."""
    user = await get_user(env, access)
    found: dict[str, Any] = await get(env, f"/users/{user['id']}")
    return {k: found.get(k) for k in TOM}


DISPLAY = {"firstName": "${profile.firstName}", "lastName": "Last name", "email": "${email}"}


def _refused(response: Any, field: str) -> None:
    """One error, its parameter the attribute's display name (as every Account API error)."""
    assert response.status_code == 400, response.text
    body = response.json()
    assert (body["field"], body["errorMessage"], body["params"]) == (field, READ_ONLY, [DISPLAY[field]]), body
    assert len(body["errors"]) == 1, body


@pytest.mark.parametrize("permissions", [ADMIN_EDITABLE, ADMIN_ONLY], ids=["admin-editable", "admin-only"])
async def test_changed_name_is_refused(env: Env, access: str, permissions: dict[str, list[str]]) -> None:
    await set_profile(env, _names(permissions))
    user = await get_user(env, access)
    _refused(await call(env, "POST", "", access, _body(user, firstName="Mallory")), "firstName")
    _refused(await call(env, "POST", "", access, _body(user, lastName="Mallory")), "lastName")
    assert await _stored(env, access) == TOM


@pytest.mark.parametrize("permissions", [ADMIN_EDITABLE, ADMIN_ONLY], ids=["admin-editable", "admin-only"])
async def test_left_out_names_are_kept(env: Env, access: str, permissions: dict[str, list[str]]) -> None:
    await set_profile(env, _names(permissions))
    user = await get_user(env, access)
    body = {k: v for k, v in _body(user).items() if k not in ("firstName", "lastName")}
    response = await call(env, "POST", "", access, body)
    assert response.status_code == 204, response.text
    assert await _stored(env, access) == TOM


async def test_unchanged_read_only_names_pass(env: Env, access: str) -> None:
    await set_profile(env, _names(ADMIN_EDITABLE))
    user = await get_user(env, access)
    assert (user["firstName"], user["lastName"]) == ("Tom", "Brady")
    response = await call(env, "POST", "", access, _body(user))
    assert response.status_code == 204, response.text
    assert await _stored(env, access) == TOM


async def test_editable_names_still_change(env: Env, access: str) -> None:
    await set_profile(env, _names(ALL))
    user = await get_user(env, access)
    response = await call(env, "POST", "", access, _body(user, firstName="Thomas"))
    assert response.status_code == 204, response.text
    assert (await _stored(env, access))["firstName"] == "Thomas"


async def test_email_the_user_may_not_edit(env: Env, access: str) -> None:
    email = {"name": "email", "permissions": ADMIN_EDITABLE, "required": {"roles": ["user"]}}
    await set_profile(env, [*_names(ALL), email])
    user = await get_user(env, access)
    _refused(await call(env, "POST", "", access, _body(user, email="mallory@localhost")), "email")
    same_in_capitals = await call(env, "POST", "", access, _body(user, email="Test-User@localhost"))
    assert same_in_capitals.status_code == 204, same_in_capitals.text
    assert await _stored(env, access) == TOM


# --- the UPDATE_PROFILE required action's page: the same rule on a form post that changes the name anyway ------
async def test_update_profile_refuses_a_read_only_name(env: Env) -> None:
    tom = page_port.user(page_port.TEST_USER, "Tom", "Brady", emailVerified=True, requiredActions=["UPDATE_PROFILE"])
    await page_port.import_realm(env, [tom])
    await set_profile(
        env, [{"name": "firstName", "permissions": ADMIN_EDITABLE}, {"name": "lastName", "permissions": ALL}]
    )
    page = await login(env, await open_login_form(env), page_port.TEST_USER)
    assert page_port.is_update_profile_page(page), page.text[:1500]
    form = page_port.form(page_port.TEST_USER, "Mallory", "Last", page_port.TEST_USER)
    refused = await page_port.update(env, page, **form)
    assert page_port.is_update_profile_page(refused), refused.text[:1500]
    assert page_port.input_error(refused, "firstName") == "This field is read only."
    found = await page_port.find_user(env, page_port.TEST_USER)
    assert (found["firstName"], found["lastName"]) == ("Tom", "Brady")
    env.http.cookies.clear()
