"""An attacker's sweep of the username's configured permissions (session 53: DeclarativeUserProfileProvider's
readUsernameCondition / editUsernameCondition with the configured roles, ImmutableAttributeValidator): where the
profile keeps the username from a context's role, no other road writes it: the ``attributes`` map, spellings that
normalise to another name, an administrator holding only ``manage-users``, and the update-profile page's form
smuggling it as an attribute.

The realm, token and helpers are test_username_permissions' (AccountRestServiceWithUserProfileTest's realm)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import update_profile_port as page_port
from account_rest_service_port import call
from admin_support import make_admin
from keycloak_port import admin_headers, get
from wire import test_username_permissions as perms
from wire.test_username_permissions import (
    ADMIN_EDITABLE,
    ADMIN_ONLY,
    KEPT,
    KEPT_IDS,
    ME,
    USER_EDITABLE,
    USER_ONLY,
    access,
    anyio_backend,
    env,
    shared_env,
)
from wire_env import Env

__all__ = ["access", "anyio_backend", "env", "shared_env"]  # test_username_permissions' app, realm and token

pytestmark = pytest.mark.anyio
ADMIN_KEPT = [USER_EDITABLE, USER_ONLY]
ADMIN_KEPT_IDS = ["user-editable", "user-only"]


@pytest.mark.parametrize("permissions", KEPT, ids=KEPT_IDS)
async def test_account_username_in_the_attributes_map_is_not_written(
    env: Env, access: str, permissions: dict[str, list[str]]
) -> None:
    """UserRepresentation.getRawAttributes: the root ``username`` is what counts; one slipped into ``attributes``
    (with the root left out, or the same) never renames the user."""
    await perms.set_username(env, permissions)
    user = await perms.me(env, access)
    body = perms._body(user)
    for rep in (
        {**{k: v for k, v in body.items() if k != "username"}, "attributes": {"username": ["mallory"]}},
        {**body, "attributes": {**(body.get("attributes") or {}), "username": ["mallory"]}},
    ):
        response = await call(env, "POST", "", access, rep)
        assert response.status_code in (204, 400), response.text
        assert await perms.stored_username(env, user["id"]) == ME


@pytest.mark.parametrize(
    "spelling",
    [
        " mallory ",
        "mallory\u200b",
        "MALLORY",
        "test-user@localhost\u0130",
        "test-user@localhost ",
        "\ttest-user@localhosts",
    ],
)
async def test_account_no_spelling_of_a_new_username_passes(env: Env, access: str, spelling: str) -> None:
    """Only the stored name (in any case, as the comparison is case-blind) passes; spaces, invisible characters and
    characters whose lower case is longer are a different name, refused."""
    await perms.set_username(env, ADMIN_EDITABLE)
    user = await perms.me(env, access)
    response = await call(env, "POST", "", access, perms._body(user, username=spelling))
    assert response.status_code == 400, (spelling, response.text)
    assert await perms.stored_username(env, user["id"]) == ME


async def admin_put(env: Env, headers: dict[str, str], user_id: str, rep: dict[str, Any]) -> httpx.Response:
    return await env.http.put(f"/admin/realms/test/users/{user_id}", json=rep, headers=headers)


@pytest.mark.parametrize("permissions", ADMIN_KEPT, ids=ADMIN_KEPT_IDS)
async def test_a_manage_users_administrator_cannot_rename(
    env: Env, access: str, permissions: dict[str, list[str]]
) -> None:
    """The USER_API context's role is ``admin`` whichever realm-management roles the caller holds: a helpdesk
    administrator with manage-users alone is refused too, by the root field or the attributes map."""
    await perms.set_username(env, permissions)
    user_id = (await perms.me(env, access))["id"]
    _, headers = await make_admin(env, "test", "helpdesk@example.com", "manage-users", "view-users")
    rep = await get(env, f"/users/{user_id}")
    refused = await admin_put(env, headers, user_id, {**rep, "username": "renamed"})
    assert refused.status_code == 400, refused.text
    smuggled = await admin_put(
        env, headers, user_id, {**rep, "attributes": {**(rep.get("attributes") or {}), "username": ["renamed"]}}
    )
    assert smuggled.status_code in (204, 400), smuggled.text
    assert await perms.stored_username(env, user_id) == ME


async def test_a_view_users_administrator_cannot_rename_even_where_administrators_may(env: Env, access: str) -> None:
    await perms.set_username(env, ADMIN_ONLY)
    user_id = (await perms.me(env, access))["id"]
    _, headers = await make_admin(env, "test", "viewer@example.com", "view-users")
    rep = await get(env, f"/users/{user_id}")
    refused = await admin_put(env, headers, user_id, {**rep, "username": "renamed"})
    assert refused.status_code == 403, refused.text
    assert await perms.stored_username(env, user_id) == ME


@pytest.mark.parametrize("permissions", ADMIN_KEPT, ids=ADMIN_KEPT_IDS)
async def test_the_admin_api_attributes_map_does_not_rename(
    env: Env, access: str, permissions: dict[str, list[str]]
) -> None:
    await perms.set_username(env, permissions)
    user_id = (await perms.me(env, access))["id"]
    headers = await admin_headers(env)
    rep = await get(env, f"/users/{user_id}")
    body = {k: v for k, v in rep.items() if k != "username"}
    response = await admin_put(env, headers, user_id, {**body, "attributes": {"username": ["renamed"]}})
    assert response.status_code in (204, 400), response.text
    assert await perms.stored_username(env, user_id) == ME


@pytest.mark.parametrize("permissions", KEPT, ids=KEPT_IDS)
async def test_update_profile_page_username_smuggled_as_an_attribute_is_not_written(
    env: Env, permissions: dict[str, list[str]]
) -> None:
    """The UPDATE_PROFILE form posted with ``username`` left out but ``attributes.username`` or
    ``user.attributes.username`` (the form's names for declared and unmanaged attributes) set: the username stays."""
    page = await perms.update_profile_page(env, permissions)
    names = {"firstName": "Tom", "lastName": "Brady", "email": ME}
    answer = await page_port.update(env, page, **names, **{"attributes.username": "mallory"})
    answer = (
        await page_port.update(env, answer, **names, **{"user.attributes.username": "mallory"})
        if (page_port.is_update_profile_page(answer))
        else answer
    )
    assert answer.status_code in (200, 302), answer.text[:1500]
    assert (await page_port.find_user(env, ME))["username"] == ME
    assert await get(env, "/users", username="mallory", exact="true") == []
    env.http.cookies.clear()
