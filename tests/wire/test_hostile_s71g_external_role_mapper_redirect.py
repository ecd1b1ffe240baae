"""Review H2 for session 68's External Role to Role mapper (``keycloak-oidc-role-to-role-idp-mapper``, Keycloak's
ExternalKeycloakRoleToRoleMapper): like the other role mappers of an identity provider it hands its ``role`` to the
brokered user, so a later rename or deletion must not point a waiting one at realm-admin.

An admin holding manage-identity-providers and one of manage-realm / manage-clients writes the mapper naming a
role that does not exist yet, or a plain role (nothing admin: the write passes), then renames a role or a client, or
deletes a client, so that the name now resolves to a role holding realm-admin; the next brokered user whose provider
token carries the external role would be realm-admin. doorkeep.admin.mapper_targets checks such changes for the
Hardcoded Role and Claim to Role mappers (test_attack_s67_grant_sweep) but left this type out, so the change went
through. Keycloak has no such check (it asks only manage-identity-providers for any identity provider mapper); this
is Doorkeep's own rule, now applied to every mapper type that grants its ``role``: 403, nothing changed, and the
same change with no mapper waiting for it is the admin's to make.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import httpx
import pytest

from admin_support import forbidden, make_admin, mapped, role_ref
from broker_support import ALIAS, alice_after_login, served
from wire_env import Env

pytestmark = pytest.mark.anyio

BASE = "/admin/realms/test"
PROVIDERS = f"{BASE}/identity-provider/instances"
MAPPERS = f"{PROVIDERS}/kc/mappers"
IDP = "manage-identity-providers"


def _mapper(role: str) -> dict[str, Any]:
    return {
        "name": "waiting",
        "identityProviderAlias": "kc",
        "identityProviderMapper": "keycloak-oidc-role-to-role-idp-mapper",
        "config": {"syncMode": "INHERIT", "external.role": "staff", "role": role},
    }


async def _made(env: Env, url: str, body: dict[str, Any]) -> str:
    made = await env.http.post(url, json=body, headers=await env.admin_headers())
    assert made.status_code == 201, made.text
    return str(made.headers["location"]).rsplit("/", 1)[1]


async def _nest_realm_admin(env: Env, composites: str) -> None:
    ref = await role_ref(env, "test", "realm-admin", "realm-management")
    nested = await env.http.post(composites, json=[ref], headers=await env.admin_headers())
    assert nested.status_code == 204, nested.text


async def _world(env: Env) -> dict[str, str]:
    """A keycloak-oidc provider ``kc``; realm roles ``ops`` and ``late.boss`` holding realm-admin; client ``opsapp``
    whose ``boss`` holds it; client ``late`` whose ``boss`` holds nothing."""
    config = {"syncMode": "IMPORT", "clientId": "clientId", "clientSecret": "secret"}
    await _made(env, PROVIDERS, {"alias": "kc", "providerId": "keycloak-oidc", "config": config})
    for name in ("ops", "late.boss"):
        await _made(env, f"{BASE}/roles", {"name": name})
        await _nest_realm_admin(env, f"{BASE}/roles/{name}/composites")
    ids = {"ops": (await role_ref(env, "test", "ops"))["id"]}
    ids["opsapp"] = await _made(env, f"{BASE}/clients", {"clientId": "opsapp"})
    await _made(env, f"{BASE}/clients/{ids['opsapp']}/roles", {"name": "boss"})
    await _nest_realm_admin(env, f"{BASE}/clients/{ids['opsapp']}/roles/boss/composites")
    ids["late"] = await _made(env, f"{BASE}/clients", {"clientId": "late"})
    await _made(env, f"{BASE}/clients/{ids['late']}/roles", {"name": "boss"})
    return ids


Change = Callable[[Env, dict[str, str], dict[str, str]], Awaitable[httpx.Response]]


async def _rename_realm_role(env: Env, ids: dict[str, str], h: dict[str, str]) -> httpx.Response:
    return await env.http.put(f"{BASE}/roles-by-id/{ids['ops']}", json={"name": "pending"}, headers=h)


async def _rename_client(env: Env, ids: dict[str, str], h: dict[str, str]) -> httpx.Response:
    return await env.http.put(f"{BASE}/clients/{ids['opsapp']}", json={"clientId": "pending"}, headers=h)


async def _delete_client(env: Env, ids: dict[str, str], h: dict[str, str]) -> httpx.Response:
    return await env.http.delete(f"{BASE}/clients/{ids['late']}", headers=h)


CASES: dict[str, tuple[tuple[str, ...], str, Change]] = {
    "realm role renamed": ((IDP, "manage-realm"), "pending", _rename_realm_role),
    "client renamed": ((IDP, "manage-clients"), "pending.boss", _rename_client),
    "client deleted": ((IDP, "manage-clients"), "late.boss", _delete_client),
}


@pytest.mark.usefixtures("realm")
@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
async def test_no_change_points_a_waiting_external_role_mapper_at_realm_admin(env: Env, case: str) -> None:
    roles, named, change = CASES[case]
    ids = await _world(env)
    _, headers = await make_admin(env, "test", "mole", *roles)
    written = await env.http.post(MAPPERS, json=_mapper(named), headers=headers)
    assert written.status_code == 201, written.text  # it names nothing admin yet: it hands out nothing
    root = await env.admin_headers()
    clients = (await env.http.get(f"{BASE}/clients", headers=root)).json()
    forbidden(await change(env, ids, headers))
    assert (await env.http.get(f"{BASE}/clients", headers=root)).json() == clients
    assert (await env.http.get(f"{BASE}/roles-by-id/{ids['ops']}", headers=root)).json()["name"] == "ops"
    # with no mapper waiting for it, the same change is the admin's to make
    deleted = await env.http.delete(f"{MAPPERS}/{written.headers['location'].rsplit('/', 1)[1]}", headers=root)
    assert deleted.status_code == 204, deleted.text
    done = await change(env, ids, headers)
    assert done.status_code == 204, done.text


@pytest.mark.usefixtures("realm")
async def test_writing_it_for_an_admin_role_is_refused_as_before(env: Env) -> None:
    """The write check itself (web/admin/idp_mapper_grants.py) already held for this type."""
    await _world(env)
    _, headers = await make_admin(env, "test", "mole", IDP, "manage-clients")
    forbidden(await env.http.post(MAPPERS, json=_mapper("opsapp.boss"), headers=headers))
    forbidden(await env.http.post(MAPPERS, json=_mapper("realm-management.realm-admin"), headers=headers))


async def test_the_chain_ends_before_the_brokered_user_is_realm_admin(env: Env) -> None:
    """The whole chain against a real provider whose ``allowAdminRoleMapping`` is on (a provider stored before
    Keycloak 26.8, which migration 0050 turns on, or one a manage-realm admin turned on): alice's provider token
    carries the external role ``staff``; the mole's mapper names client ``late``'s plain role ``late.boss``; deleting
    ``late`` would make it name the realm role ``late.boss`` holding realm-admin. The deletion is refused, and alice's
    login maps only ``late``'s plain role."""
    async with served(env) as broker:
        await broker.add_provider(config={**broker.provider_rep()["config"], "allowAdminRoleMapping": "true"})
        await _made(env, "/admin/realms/provider/roles", {"name": "staff"})
        role = (await env.http.get("/admin/realms/provider/roles/staff", headers=await env.admin_headers())).json()
        [alice] = (
            await env.http.get(
                "/admin/realms/provider/users", params={"username": "alice"}, headers=await env.admin_headers()
            )
        ).json()
        given = await env.http.post(
            f"/admin/realms/provider/users/{alice['id']}/role-mappings/realm",
            json=[role],
            headers=await env.admin_headers(),
        )
        assert given.status_code == 204, given.text
        await _made(env, f"{BASE}/roles", {"name": "late.boss"})
        await _nest_realm_admin(env, f"{BASE}/roles/late.boss/composites")
        late = await _made(env, f"{BASE}/clients", {"clientId": "late"})
        await _made(env, f"{BASE}/clients/{late}/roles", {"name": "boss"})
        _, headers = await make_admin(env, "test", "mole", IDP, "manage-clients")
        mapper = {**_mapper("late.boss"), "identityProviderAlias": ALIAS}
        written = await env.http.post(f"{PROVIDERS}/{ALIAS}/mappers", json=mapper, headers=headers)
        assert written.status_code == 201, written.text
        deletion = await env.http.delete(f"{BASE}/clients/{late}", headers=headers)
        user = await alice_after_login(broker)
        granted = await mapped(env, "test", user["id"]) & {"late.boss", "boss"}
        # before the fix: (204, {"late.boss"}), the realm role holding realm-admin; now late's plain role only
        assert (deletion.status_code, granted) == (403, {"boss"})


@pytest.mark.usefixtures("realm")
async def test_partial_import_writes_no_such_mapper_for_an_admin_role(env: Env) -> None:
    """The partialImport door (web/admin/partial_import.py) asks the same, the provider's switch on or not."""
    _, headers = await make_admin(env, "test", "mole", "manage-realm", "manage-clients", IDP)
    provider = {
        "alias": "kc2",
        "providerId": "keycloak-oidc",
        "config": {"clientId": "a", "clientSecret": "b", "allowAdminRoleMapping": "true"},
    }
    mapper = {**_mapper("realm-management.realm-admin"), "identityProviderAlias": "kc2"}
    rep = {"ifResourceExists": "OVERWRITE", "identityProviders": [provider], "identityProviderMappers": [mapper]}
    forbidden(await env.http.post(f"{BASE}/partialImport", json=rep, headers=headers))
    root = await env.admin_headers()
    assert (await env.http.get(f"{PROVIDERS}/kc2", headers=root)).status_code == 404
