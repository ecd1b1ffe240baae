"""The scope-mapping methods of Keycloak 26's admin ClientTest (tests/base/.../tests/admin/ClientTest.java:
``scopes``, ``rolesCanBeAddedToScopeEvenWhenTheyAreAlreadyIndirectlyAssigned``, ``scopesRoleRemoval``), ported
one Java test method to one pytest of the same name: a client's realm-level and client-level scope mappings
through ``/admin/realms/test/clients/{id}/scope-mappings/...`` (mapped, ``available``, ``composite``, the
whole ``scope-mappings`` view), their admin events, and what deleting a mapped role leaves.

Keycloak's tree has no class named ``ScopeMappingTest`` (neither under testsuite/.../admin/ nor under
tests/base/.../tests/admin/); the scope-mapping tests live in ClientTest and ClientScopeTest. The client-scope
half is already ported (test_keycloak_client_scope_test.py: ``test_scopes`` and
``test_roles_can_be_added_to_scope_even_when_they_are_already_indirectly_assigned``), so only the client half
is here.

The effect of ``fullScopeAllowed`` and of scope mappings on tokens is tested elsewhere, not repeated:
test_offline_tokens.py (``test_client_without_full_scope_needs_the_role_in_scope``), test_admin_compat.py
(``test_a_clients_scope_mapping_to_another_clients_role_limits_its_tokens``) and
test_keycloak_service_account_test.py (``test_service_account_full_scope_gets_all_roles``,
``test_a_scope_mapping_never_grants_a_role_the_account_lacks``).

The realm is ``test`` (Keycloak's managed realm is ``default``), so its default role is
``default-roles-test``; admin events and their representations are recorded, as ``@InjectAdminEvents`` has
them.
"""

from __future__ import annotations

from typing import Any

import pytest

from role_port import assert_event, create, import_test_realm, names, ok, poll_events
from wire_env import Env

pytestmark = pytest.mark.anyio

DEFAULT_ROLES = "default-roles-test"
ACCOUNT_ROLES = {
    "manage-account",
    "manage-account-links",
    "view-applications",
    "view-consent",
    "manage-consent",
    "delete-account",
    "view-groups",
}


@pytest.fixture
async def kc(env: Env) -> tuple[Env, str]:
    """The realm and its id, no admin event pending."""
    return env, await import_test_realm(env)


async def create_realm_role(env: Env, realm_id: str, name: str) -> dict[str, Any]:
    """ClientTest.createRealmRole, with the CREATE event asserted."""
    rep = {"name": name}
    await create(env, "/roles", rep)
    await assert_event(env, realm_id, "CREATE", f"roles/{name}", "REALM_ROLE", rep)
    role: dict[str, Any] = await ok(env, "GET", f"/roles/{name}")
    return role


async def create_client(env: Env, client_id: str) -> str:
    """``ClientBuilder.create().clientId(…).fullScopeEnabled(false)``: created, its event skipped."""
    uuid = await create(env, "/clients", {"clientId": client_id, "fullScopeAllowed": False})
    await poll_events(env)
    return uuid


async def listed(env: Env, path: str) -> set[str]:
    return names(await ok(env, "GET", path))


async def test_scopes(kc: tuple[Env, str]) -> None:
    env, realm_id = kc
    uuid = await create_client(env, "client")
    mappings = f"/clients/{uuid}/scope-mappings"
    realm_level = f"{mappings}/realm"

    composite = await create_realm_role(env, realm_id, "realm-composite")
    child = await create_realm_role(env, realm_id, "realm-child")
    await ok(env, "POST", "/roles/realm-composite/composites", [child])
    await assert_event(env, realm_id, "CREATE", "roles/realm-composite/composites", "REALM_ROLE", [child])

    [account] = await ok(env, "GET", "/clients", clientId="account")
    client_level = f"{mappings}/clients/{account['id']}"
    view_profile = await ok(env, "GET", f"/clients/{account['id']}/roles/view-profile")

    await ok(env, "POST", realm_level, [composite])
    await assert_event(env, realm_id, "CREATE", realm_level[1:], "REALM_SCOPE_MAPPING", [composite])
    await ok(env, "POST", client_level, [view_profile])
    await assert_event(env, realm_id, "CREATE", client_level[1:], "CLIENT_SCOPE_MAPPING", [view_profile])

    assert await listed(env, realm_level) == {"realm-composite"}
    assert await listed(env, f"{realm_level}/composite") == {"realm-composite", "realm-child"}
    available = {"realm-child", "offline_access", "uma_authorization", DEFAULT_ROLES}
    assert await listed(env, f"{realm_level}/available") == available
    assert await listed(env, client_level) == {"view-profile"}
    assert await listed(env, f"{client_level}/composite") == {"view-profile"}
    assert await listed(env, f"{client_level}/available") == ACCOUNT_ROLES

    everything = await ok(env, "GET", mappings)
    assert names(everything["realmMappings"]) == {"realm-composite"}
    assert names(everything["clientMappings"]["account"]["mappings"]) == {"view-profile"}

    await ok(env, "DELETE", realm_level, [composite])
    await assert_event(env, realm_id, "DELETE", realm_level[1:], "REALM_SCOPE_MAPPING", [composite])
    await ok(env, "DELETE", client_level, [view_profile])
    await assert_event(env, realm_id, "DELETE", client_level[1:], "CLIENT_SCOPE_MAPPING", [view_profile])

    assert await listed(env, realm_level) == set()
    assert await listed(env, f"{realm_level}/composite") == set()
    assert await listed(env, f"{realm_level}/available") == available | {"realm-composite"}
    assert await listed(env, client_level) == set()
    assert await listed(env, f"{client_level}/available") == ACCOUNT_ROLES | {"view-profile"}
    assert await listed(env, f"{client_level}/composite") == set()


async def test_roles_can_be_added_to_scope_even_when_they_are_already_indirectly_assigned(kc: tuple[Env, str]) -> None:
    """KEYCLOAK-10603: a role the client has through a mapped composite may still be mapped directly."""
    env, realm_id = kc
    tested = await create_client(env, "test-client")
    await create_realm_role(env, realm_id, "realm-composite")
    child = await create_realm_role(env, realm_id, "realm-child")
    await ok(env, "POST", "/roles/realm-composite/composites", [child])

    container = await create(env, "/clients", {"clientId": "role-container-client"})
    await create(env, f"/clients/{container}/roles", {"name": "client-composite"})
    await create(env, f"/clients/{container}/roles", {"name": "client-child"})
    client_child = await ok(env, "GET", f"/clients/{container}/roles/client-child")
    await ok(env, "POST", f"/clients/{container}/roles/client-composite/composites", [client_child])

    mappings = f"/clients/{tested}/scope-mappings"
    realm_level, client_level = f"{mappings}/realm", f"{mappings}/clients/{container}"
    await ok(env, "POST", realm_level, [await ok(env, "GET", "/roles/realm-composite")])
    await ok(env, "POST", client_level, [await ok(env, "GET", f"/clients/{container}/roles/client-composite")])

    builtin = {"offline_access", "uma_authorization", DEFAULT_ROLES}
    assert await listed(env, realm_level) == {"realm-composite"}
    assert await listed(env, f"{realm_level}/available") == builtin | {"realm-child"}
    assert await listed(env, f"{realm_level}/composite") == {"realm-composite", "realm-child"}
    assert await listed(env, client_level) == {"client-composite"}
    assert await listed(env, f"{client_level}/available") == {"client-child"}
    assert await listed(env, f"{client_level}/composite") == {"client-composite", "client-child"}

    # Direct assignments of the roles the client already has through the composites.
    await ok(env, "POST", realm_level, [await ok(env, "GET", "/roles/realm-child")])
    await ok(env, "POST", client_level, [client_child])

    assert await listed(env, realm_level) == {"realm-composite", "realm-child"}
    assert await listed(env, f"{realm_level}/available") == builtin
    assert await listed(env, f"{realm_level}/composite") == {"realm-composite", "realm-child"}
    assert await listed(env, client_level) == {"client-composite", "client-child"}
    assert await listed(env, f"{client_level}/available") == set()
    assert await listed(env, f"{client_level}/composite") == {"client-composite", "client-child"}


async def test_scopes_role_removal(kc: tuple[Env, str]) -> None:
    """Deleting a mapped realm role, then a mapped client role, removes each from the client's scope."""
    env, realm_id = kc
    id_a = await create_client(env, "clientA")
    id_b = await create_client(env, "clientB")
    mappings = f"/clients/{id_a}/scope-mappings"
    realm_level, client_level = f"{mappings}/realm", f"{mappings}/clients/{id_b}"

    realm_role = await create_realm_role(env, realm_id, "realm-role")
    await create(env, f"/clients/{id_b}/roles", {"name": "clientB-role"})
    await assert_event(
        env, realm_id, "CREATE", f"clients/{id_b}/roles/clientB-role", "CLIENT_ROLE", {"name": "clientB-role"}
    )
    client_role = await ok(env, "GET", f"/clients/{id_b}/roles/clientB-role")

    await ok(env, "POST", realm_level, [realm_role])
    await assert_event(env, realm_id, "CREATE", realm_level[1:], "REALM_SCOPE_MAPPING", [realm_role])
    await ok(env, "POST", client_level, [client_role])
    await assert_event(env, realm_id, "CREATE", client_level[1:], "CLIENT_SCOPE_MAPPING", [client_role])
    assert await listed(env, realm_level) == {"realm-role"}
    assert await listed(env, client_level) == {"clientB-role"}

    await ok(env, "DELETE", "/roles/realm-role")
    await assert_event(env, realm_id, "DELETE", "roles/realm-role", "REALM_ROLE")
    assert await listed(env, realm_level) == set()
    assert await listed(env, client_level) == {"clientB-role"}

    await ok(env, "DELETE", f"/clients/{id_b}/roles/clientB-role")
    await assert_event(env, realm_id, "DELETE", f"clients/{id_b}/roles/clientB-role", "CLIENT_ROLE")
    assert await listed(env, realm_level) == set()
    assert await listed(env, client_level) == set()
