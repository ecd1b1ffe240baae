"""Keycloak's new-framework DeleteAccountActionTest (tests/base/.../tests/actions/DeleteAccountActionTest.java) over
HTTP: the ``delete_account`` required action on a user who holds account's ``delete-account`` role; the login
shows the confirmation, confirming deletes the user (DELETE_ACCOUNT); without the role the error page. One app for
the module, the realm imported anew for each test (``register_port.realm_rep``: test-app, test-user@localhost).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

import group_port
from browser_flow import start, submit
from group_port import fresh_realm
from keycloak_port import ADMIN, admin_headers, get, poll, post, put, user_id
from login_test_realm import error_page_text
from register_port import APP, USER, forget_events, realm_rep
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

ACTION = "delete_account"  # DeleteAccount.PROVIDER_ID
NO_ROLE = "You do not have enough permissions to delete your own account, contact admin."


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    """``@BeforeEach setupRequiredActions``: the action on test-user@localhost, the role granted, the action enabled."""
    env.http.cookies.clear()
    await fresh_realm(env, realm_rep())
    forget_events(env)
    await require_delete_account(env, USER)
    await grant_delete_account(env, USER)
    rep = await get(env, f"/authentication/required-actions/{ACTION}")
    await put(env, f"/authentication/required-actions/{ACTION}", {**rep, "enabled": True})
    yield env
    env.http.cookies.clear()


async def require_delete_account(env: Env, username: str) -> None:
    uid = await user_id(env, username)
    rep = await get(env, f"/users/{uid}")
    await put(env, f"/users/{uid}", {**rep, "requiredActions": [ACTION]})


async def account_role(env: Env) -> tuple[str, dict[str, object]]:
    (account,) = await get(env, "/clients", clientId="account")
    role: dict[str, object] = await get(env, f"/clients/{account['id']}/roles/delete-account")
    return str(account["id"]), role


async def grant_delete_account(env: Env, username: str) -> None:
    """``addDeleteAccountRoleToUserClientRoles``."""
    client, role = await account_role(env)
    await post(env, f"/users/{await user_id(env, username)}/role-mappings/clients/{client}", [role])


def is_delete_account_page(page: httpx.Response) -> bool:
    """``deleteAccountPage.isCurrent()``."""
    return page.status_code == 200 and "Delete account confirmation" in page.text


async def login(env: Env, username: str) -> httpx.Response:
    return await submit(env.http, await start(env.http, "test", APP), username=username, password="password")


async def deleted_event(env: Env, uid: str, username: str) -> None:
    """``assertSuccess(events.poll()).type(DELETE_ACCOUNT)``: the next event, the deleted user's."""
    first = (await poll(env))[0]
    assert (first["type"], first.get("error"), first["userId"], first["clientId"]) == (
        "DELETE_ACCOUNT",
        None,
        uid,
        APP,
    ), first
    assert first["details"]["username"] == username, first


async def users_named(env: Env, username: str) -> list[object]:
    found: list[object] = await get(env, "/users", search=username)
    return found


async def test_delete_account_action_succeeds(kc: Env) -> None:
    """DeleteAccountActionTest#deleteAccountActionSucceeds."""
    page = await login(kc, USER)
    assert is_delete_account_page(page), page.text[:800]
    uid = await user_id(kc, USER)
    await submit(kc.http, page)
    await deleted_event(kc, uid, USER)
    assert await users_named(kc, USER) == []


async def create_delete_user(kc: Env) -> None:
    rep = {
        "username": "delete-user",
        "enabled": True,
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
        "requiredActions": [ACTION],
    }
    made = await kc.http.post(f"{ADMIN}/users", json=rep, headers=await admin_headers(kc))
    assert made.status_code == 201, made.text
    await grant_delete_account(kc, "delete-user")


async def test_reauthenticate_after_deleting_account(kc: Env) -> None:
    """DeleteAccountActionTest#testReauthenticateAfterDeletingAccount: after the account is deleted, the same
    browser's next login has a new authentication session (another AUTH_SESSION_ID) and a user made again
    with the same name goes through the action anew."""
    await create_delete_user(kc)
    page = await login(kc, "delete-user")
    assert is_delete_account_page(page), page.text[:800]
    before = kc.http.cookies.get("AUTH_SESSION_ID")
    uid = await user_id(kc, "delete-user")
    await submit(kc.http, page)
    await deleted_event(kc, uid, "delete-user")
    assert await users_named(kc, "delete-user") == []

    await create_delete_user(kc)
    page = await start(kc.http, "test", APP)
    after = kc.http.cookies.get("AUTH_SESSION_ID")
    assert before and after and before != after, (before, after)
    page = await submit(kc.http, page, username="delete-user", password="password")
    assert is_delete_account_page(page), page.text[:800]
    await submit(kc.http, page)
    assert await users_named(kc, "delete-user") == []


async def test_delete_account_fails_without_role_fails(kc: Env) -> None:
    """DeleteAccountActionTest#deleteAccountFailsWithoutRoleFails: the role taken away, the login ends on the
    error page and the user stays."""
    client, role = await account_role(kc)
    gone = await kc.http.request(
        "DELETE",
        f"{ADMIN}/users/{await user_id(kc, USER)}/role-mappings/clients/{client}",
        json=[role],
        headers=await admin_headers(kc),
    )
    assert gone.status_code == 204, gone.text
    page = await login(kc, USER)
    assert error_page_text(page) == NO_ROLE, page.text[:800]
    assert len(await users_named(kc, USER)) == 1
