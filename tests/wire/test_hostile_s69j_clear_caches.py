"""Session 69's clear-keys-cache and clear-realm-cache reach every process, so who may call them matters more:
RealmAdminResource.clearRealmCache / clearUserCache / clearKeysCache each need manage-realm
(``auth.realm().requireManageRealm()``). Nearby roles (view-realm, manage-clients, manage-users,
manage-identity-providers, the query roles) are 403 and move no version stamp; another realm's realm-admin is 403 at
the realm; only POST is served."""

from __future__ import annotations

import pytest

from admin_support import realm_admin
from support import seed_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
CALLS = ["clear-realm-cache", "clear-user-cache", "clear-keys-cache"]


async def _stamps(env: Env) -> tuple[int, int]:
    async with env.db.transaction(write=False) as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        return realm.config_version, realm.keys_cache_epoch


@pytest.mark.parametrize(
    "roles",
    [
        ("view-realm",),
        ("manage-clients",),
        ("manage-users",),
        ("manage-identity-providers",),
        ("query-realms", "query-clients", "query-users", "query-groups"),
        ("manage-events", "manage-authorization"),
    ],
)
async def test_without_manage_realm_no_cache_is_cleared(realm: Env, roles: tuple[str, ...]) -> None:
    caller = await realm_admin(realm, "near", *roles)
    before = await _stamps(realm)
    for call in CALLS:
        answer = await realm.http.post(f"/admin/realms/test/{call}", headers=caller)
        assert answer.status_code == 403, (call, answer.text)
    assert await _stamps(realm) == before


async def test_another_realms_admin_clears_nothing_here(realm: Env) -> None:
    await seed_realm(realm.db, realm.clock, "other")
    outsider = await realm_admin(realm, "otheradmin", "realm-admin", realm="other")
    before = await _stamps(realm)
    for call in CALLS:
        answer = await realm.http.post(f"/admin/realms/test/{call}", headers=outsider)
        assert answer.status_code == 403, (call, answer.text)
        anonymous = await realm.http.post(f"/admin/realms/test/{call}")
        assert anonymous.status_code == 401, (call, anonymous.text)
    assert await _stamps(realm) == before


async def test_manage_realm_clears_and_get_is_not_served(realm: Env) -> None:
    caller = await realm_admin(realm, "manager", "manage-realm")
    before = await _stamps(realm)
    for call in CALLS:
        assert (await realm.http.post(f"/admin/realms/test/{call}", headers=caller)).status_code == 204, call
        assert (await realm.http.get(f"/admin/realms/test/{call}", headers=caller)).status_code == 405, call
    after = await _stamps(realm)
    assert after[0] > before[0] and after[1] > before[1], (before, after)
