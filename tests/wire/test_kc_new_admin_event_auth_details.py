"""Keycloak's AdminEventAuthDetailsTest (tests/base/.../tests/admin/event/, the new test framework): an admin
event's ``authDetails`` name the realm the admin signed in to, the client their token was issued to (its id, not
admin-cli's when they came through another) and the admin.

AdminEventsAuthDetailsRealmConfig: realm ``test`` with the public direct-grant client ``client``, ``admin``
(realm-management's realm-admin) and ``app-user``."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import admin_events, client_uuid, enable_admin_events
from support import grant_client_roles, password_grant, seed_client, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _setup(realm: Env) -> tuple[dict[str, str], dict[str, str]]:
    """The admin's bearer header (through ``client``) and the ids: realm, client, admin, app user."""
    await seed_client(realm.db, "test", "client", public=True)
    admin = await seed_user(realm.db, realm.clock, "test", "admin", email="admin@localhost")
    await grant_client_roles(realm.db, admin, "realm-management", "realm-admin")
    app_user = await seed_user(realm.db, realm.clock, "test", "app-user")
    login = await password_grant(realm.http, "test", "client", "admin", secret=None)
    assert login.status_code == 200, login.text
    async with realm.db.transaction(write=False) as tx:
        found = await tx.realms.get_by_name("test")
    assert found is not None
    ids = {
        "realm": found.id,
        "client": await client_uuid(realm, "test", "client"),
        "admin-cli": await client_uuid(realm, "test", "admin-cli"),
        "admin": admin.id,
        "app-user": app_user.id,
    }
    return {"Authorization": f"Bearer {login.json()['access_token']}"}, ids


async def _update_app_user(realm: Env, headers: dict[str, str], user_id: str) -> dict[str, Any]:
    """``testClient``: the app user's e-mail changed by this admin; the one event it records."""
    await enable_admin_events(realm, clear=True)
    url = f"/admin/realms/test/users/{user_id}"
    rep = (await realm.http.get(url, headers=headers)).json() | {"email": "foo@email.org"}
    assert (await realm.http.put(url, json=rep, headers=headers)).status_code == 204
    (event,) = await admin_events(realm)
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "UPDATE",
        "USER",
        f"users/{user_id}",
    )
    return event


async def test_auth_success(realm: Env) -> None:
    """AdminEventAuthDetailsTest#testAuthSuccess"""
    headers, ids = await _setup(realm)
    details = (await _update_app_user(realm, headers, ids["app-user"]))["authDetails"]
    assert (details["realmId"], details["clientId"], details["userId"]) == (ids["realm"], ids["client"], ids["admin"])


async def test_auth_failure(realm: Env) -> None:
    """AdminEventAuthDetailsTest#testAuthFailure: the event does not name admin-cli, which the admin did not use."""
    headers, ids = await _setup(realm)
    details = (await _update_app_user(realm, headers, ids["app-user"]))["authDetails"]
    assert details["clientId"] != ids["admin-cli"]
