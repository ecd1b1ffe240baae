"""The username's configured permissions in each context, as Keycloak's DeclarativeUserProfileProvider applies them
(decorateUserProfileForCache adds the configured read and write conditions to the username's own
readUsernameCondition and editUsernameCondition; no permissions, or both lists empty, leave them as they are;
ImmutableAttributeValidator refuses a changed username that may not be edited, "error-user-attribute-read-only").

With editUsernameAllowed on: the Account REST API's metadata marks the username read-only where the ``user`` role
may not edit it and leaves it out where the role may not view it, and a new username posted there is refused
(the one left out, or the same in capitals, passes), and GET leaves out a username the user may not view; the
account console's form shows it read-only (or not at all) and a username posted anyway is not written; the UPDATE_PROFILE page shows it disabled or not at all and refuses a new one posted
anyway; the admin API (role ``admin``) follows the same rule with its own role: metadata read-only or absent, a
rename refused. The realm and token are AccountRestServiceWithUserProfileTest's (``account_rest_service_port``);
the page's checks use RequiredActionUpdateProfileTest's realm and helpers (``update_profile_port``)."""

from __future__ import annotations

from typing import Any

import pytest

import group_port
import update_profile_port as page_port
from account_rest_service_port import account_realm, call, token
from console_support import act, sign_in
from keycloak_port import admin_headers, get, put
from login_test_realm import auth_response, login, open_login_form
from verify_profile_port import input_enabled, input_present
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

READ_ONLY = "error-user-attribute-read-only"
ALL = {"view": ["admin", "user"], "edit": ["admin", "user"]}
ADMIN_EDITABLE = {"view": ["admin", "user"], "edit": ["admin"]}
ADMIN_ONLY = {"view": ["admin"], "edit": ["admin"]}
USER_EDITABLE = {"view": ["admin", "user"], "edit": ["user"]}
USER_ONLY = {"view": ["user"], "edit": ["user"]}
ME = "test-user@localhost"
KEPT = [ADMIN_EDITABLE, ADMIN_ONLY]
KEPT_IDS = ["admin-editable", "admin-only"]


async def set_username(env: Env, permissions: dict[str, list[str]] | None) -> None:
    """The user-profile configuration: the username with ``permissions`` (none: no ``permissions`` at all), the
    e-mail and the names open to both roles."""
    username: dict[str, Any] = {"name": "username"}
    if permissions is not None:
        username["permissions"] = permissions
    others = [{"name": name, "permissions": ALL} for name in ("email", "firstName", "lastName")]
    await put(env, "/users/profile", {"attributes": [username, *others]}, status=200)


@pytest.fixture
async def access(env: Env) -> str:
    env.http.cookies.clear()
    await account_realm(env, editUsernameAllowed=True)
    return await token(env)


async def me(env: Env, access: str) -> dict[str, Any]:
    response = await call(env, "GET", "", access, userProfileMetadata="true")
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


def username_metadata(rep: dict[str, Any]) -> dict[str, Any] | None:
    return next((a for a in rep["userProfileMetadata"]["attributes"] if a["name"] == "username"), None)


async def stored_username(env: Env, user_id: str) -> str:
    """The username as stored (the admin API's GET leaves out one administrators may not view)."""
    async with env.db.transaction() as tx:
        user = await tx.users.get(user_id)
    assert user is not None
    return user.username


def _body(user: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {**{k: v for k, v in user.items() if k != "userProfileMetadata"}, **changes}


# --- the Account REST API (ACCOUNT) ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("permissions", "shown", "read_only"),
    [
        (None, True, False),
        (ALL, True, False),
        ({"view": [], "edit": []}, True, False),
        (ADMIN_EDITABLE, True, True),
        (ADMIN_ONLY, False, None),
    ],
    ids=["none", "all", "empty", "admin-editable", "admin-only"],
)
async def test_account_metadata_follows_the_username_permissions(
    env: Env, access: str, permissions: dict[str, list[str]] | None, shown: bool, read_only: bool | None
) -> None:
    await set_username(env, permissions)
    rep = await me(env, access)
    found = username_metadata(rep)
    assert (found is not None) is shown, found
    assert rep.get("username") == (ME if shown else None)  # toRepresentation: the readable attributes only
    if found is not None:
        assert found["readOnly"] is read_only


@pytest.mark.parametrize("permissions", KEPT, ids=KEPT_IDS)
async def test_account_refuses_a_new_username_the_user_may_not_edit(
    env: Env, access: str, permissions: dict[str, list[str]]
) -> None:
    await set_username(env, permissions)
    user = await me(env, access)
    refused = await call(env, "POST", "", access, _body(user, username="mallory"))
    assert refused.status_code == 400, refused.text
    error = {"field": "username", "errorMessage": READ_ONLY, "params": ["${username}"]}
    assert refused.json() == {**error, "errors": [error]}
    assert await stored_username(env, user["id"]) == ME
    for body in (_body(user, username=ME.upper()), {k: v for k, v in _body(user).items() if k != "username"}):
        response = await call(env, "POST", "", access, body)  # unchanged, or left out: kept
        assert response.status_code == 204, response.text
    assert await stored_username(env, user["id"]) == ME


async def test_account_renames_where_the_permissions_let_the_user(env: Env, access: str) -> None:
    await set_username(env, ALL)
    user = await me(env, access)
    response = await call(env, "POST", "", access, _body(user, username="Renamed"))
    assert response.status_code == 204, response.text
    assert await stored_username(env, user["id"]) == "renamed"


# --- the account console's personal info form ------------------------------------------------------------------
@pytest.mark.parametrize("permissions", KEPT, ids=KEPT_IDS)
async def test_console_form_keeps_a_username_the_user_may_not_edit(
    env: Env, access: str, permissions: dict[str, list[str]]
) -> None:
    await set_username(env, permissions)
    user_id = (await me(env, access))["id"]
    page = await sign_in(env.http, "/realms/test/account/", ME, "password")
    assert page.status_code == 200, page.text[:500]
    if permissions is ADMIN_ONLY:
        assert not input_present(page, "username")
    else:
        assert not input_enabled(page, "username")
    names = {"email": ME, "firstName": "Tom", "lastName": "Brady"}
    response = await act(env.http, page, "/realms/test/account/", username="mallory", **names)
    assert response.status_code in (200, 302, 303), response.text[:500]
    assert await stored_username(env, user_id) == ME
    env.http.cookies.clear()


# --- the UPDATE_PROFILE page ------------------------------------------------------------------------------------
async def update_profile_page(env: Env, permissions: dict[str, list[str]]) -> Any:
    tom = page_port.user(ME, "Tom", "Brady", emailVerified=True, requiredActions=["UPDATE_PROFILE"])
    await page_port.import_realm(env, [tom])
    await set_username(env, permissions)
    page = await login(env, await open_login_form(env), ME)
    assert page_port.is_update_profile_page(page), page.text[:1500]
    return page


async def test_update_profile_shows_a_username_only_administrators_edit_disabled(env: Env) -> None:
    page = await update_profile_page(env, ADMIN_EDITABLE)
    assert input_present(page, "username") and not input_enabled(page, "username")
    assert page_port.value(page, "username") == ME
    env.http.cookies.clear()


async def test_update_profile_hides_a_username_only_administrators_see(env: Env) -> None:
    page = await update_profile_page(env, ADMIN_ONLY)
    assert not input_present(page, "username")
    env.http.cookies.clear()


@pytest.mark.parametrize("permissions", KEPT, ids=KEPT_IDS)
async def test_update_profile_refuses_a_new_username_posted_anyway(env: Env, permissions: dict[str, list[str]]) -> None:
    page = await update_profile_page(env, permissions)
    refused = await page_port.update(env, page, **page_port.form("mallory", "Tom", "Brady", ME))
    assert page_port.is_update_profile_page(refused), refused.text[:1500]
    if input_present(refused, "username"):
        assert page_port.input_error(refused, "username") == "This field is read only."
    assert (await page_port.find_user(env, ME))["username"] == ME
    assert await get(env, "/users", username="mallory", exact="true") == []
    names = {"firstName": "Tom", "lastName": "Brady", "email": ME}  # the form as the browser posts it
    assert "code" in auth_response(await page_port.update(env, refused, **names))
    assert (await page_port.find_user(env, ME))["username"] == ME
    env.http.cookies.clear()


# --- the admin API (USER_API, role admin) -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("permissions", "shown", "read_only"),
    [(ADMIN_EDITABLE, True, False), (USER_EDITABLE, True, True), (USER_ONLY, False, None)],
    ids=["admin-editable", "user-editable", "user-only"],
)
async def test_admin_metadata_follows_the_username_permissions(
    env: Env, access: str, permissions: dict[str, list[str]], shown: bool, read_only: bool | None
) -> None:
    await set_username(env, permissions)
    user_id = (await me(env, access))["id"]
    existing = await get(env, f"/users/{user_id}", userProfileMetadata="true")
    new_user = {"userProfileMetadata": await get(env, "/users/profile/metadata")}
    for rep in (existing, new_user):
        found = username_metadata(rep)
        assert (found is not None) is shown, found
        if found is not None:
            assert found["readOnly"] is read_only


@pytest.mark.parametrize("permissions", [USER_EDITABLE, USER_ONLY], ids=["user-editable", "user-only"])
async def test_admin_rename_refused_where_administrators_may_not_edit(
    env: Env, access: str, permissions: dict[str, list[str]]
) -> None:
    await set_username(env, permissions)
    user_id = (await me(env, access))["id"]
    rep = await get(env, f"/users/{user_id}")
    response = await env.http.put(
        f"/admin/realms/test/users/{user_id}", json={**rep, "username": "renamed"}, headers=await admin_headers(env)
    )
    assert response.status_code == 400, response.text
    assert response.json() == {"field": "username", "errorMessage": READ_ONLY, "params": ["username"]}
    assert await stored_username(env, user_id) == ME


async def test_admin_renames_where_administrators_may_edit(env: Env, access: str) -> None:
    await set_username(env, ADMIN_ONLY)
    user_id = (await me(env, access))["id"]
    rep = await get(env, f"/users/{user_id}")
    await put(env, f"/users/{user_id}", {**rep, "username": "renamed"})
    assert await stored_username(env, user_id) == "renamed"
