"""Organization roles cannot carry administration (Keycloak's OrganizationsValidation.validateOrganizationRoleComposite
and the checks of OrganizationRoleTest): an organization role is handed to members by whoever manages the
organization, so no admin role may sit in it, directly, through a realm role that already holds one, through a realm
role that gains one later (directly, in a batch, or around a cycle), or through another organization role. Nesting a
realm or client role asks what nesting it into a realm role asks (manage-realm / manage-clients and the right to
hand it out); mapping members asks manage-users. Ported from OrganizationRoleTest's admin-role methods, each named
in its test's docstring.

Deliberate difference: Doorkeep counts every role of the realm-management client as an admin role
(doorkeep.admin.permissions.is_admin_role), where Keycloak's AdminRoles.isAdminRoleOrComposite looks at the admin role
names; a custom realm-management role (Keycloak's testAdministrativeClassificationChangesRejectAnchoredRoles nests one
on the server) is refused here.
"""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import realm_admin, role_ref
from org_groups import member, organization
from org_invitations import ORGS
from org_roles import CLIENTS, ROLES, call, ids, org_role, realm_role
from wire_env import Env

pytestmark = pytest.mark.anyio
NO_ADMIN = {"error": "Organization roles can not have admin roles as composites"}


async def management_role(env: Env, name: str) -> dict[str, Any]:
    return await role_ref(env, "test", name, "realm-management")


async def test_admin_roles_are_never_direct_composites(realm: Env) -> None:
    """OrganizationRoleTest.testPreventAdminRoleAsDirectComposite, testAllAdminRolesBlocked,
    testMultipleOrganizationIsolation (the admin role refused in two organizations; a member of one is not given
    the other's role)."""
    env = realm
    org, other = await organization(env, "all-admin-roles-blocked"), await organization(env, "multi-org-iso-org2")
    role, elsewhere = await org_role(env, org, "test-all-admin-roles"), await org_role(env, other, "org2-test-role")
    for name in ("manage-realm", "manage-users", "manage-clients", "manage-organizations", "realm-admin"):
        admin = await management_role(env, name)
        for target in (f"{org}/roles/{role['id']}", f"{other}/roles/{elsewhere['id']}"):
            assert await call(env, "POST", f"{target}/composites", [admin]) == (400, NO_ADMIN), name
    assert await ids(env, f"{org}/roles/{role['id']}/composites") == []
    user = await member(env, org, "multi-org-member1", "multi-org-member1@example.org")
    assert (await call(env, "POST", f"{org}/roles/{role['id']}/users", [{"id": user}]))[0] == 204
    refused = await call(env, "POST", f"{other}/roles/{elsewhere['id']}/users", [{"id": user}])
    assert refused[0] == 400 and refused[1]["error"] == "invalid_request"
    offered = await ids(env, f"{org}/roles/{role['id']}/composites/available", source="client", first=0, max=500)
    assert (await management_role(env, "realm-admin"))["id"] not in offered


async def test_a_realm_role_holding_an_admin_role_is_refused(realm: Env) -> None:
    """OrganizationRoleTest.testOrganizationRoleRejectsExistingTransitiveAdminComposite: a realm role nesting
    manage-realm is refused (400); the organization role stays empty and may still be mapped."""
    env = realm
    org = await organization(env, "transitive-admin-composite")
    role = await org_role(env, org, "transitive-admin-org-role")
    wrapper = await realm_role(env, "transitive-admin-realm-role")
    h = await env.admin_headers()
    added = await env.http.post(
        f"{ROLES}/{wrapper['name']}/composites", json=[await management_role(env, "manage-realm")], headers=h
    )
    assert added.status_code == 204
    assert await call(env, "POST", f"{org}/roles/{role['id']}/composites", [wrapper]) == (400, NO_ADMIN)
    user = await member(env, org, "transitive-admin", "transitive-admin@transitive-admin-composite.org")
    assert (await call(env, "POST", f"{org}/roles/{role['id']}/users", [{"id": user}]))[0] == 204
    assert await ids(env, f"{org}/roles/{role['id']}/users") == [user]
    assert await ids(env, f"{org}/roles/{role['id']}/composites") == []


async def test_an_intermediate_realm_role_cannot_be_poisoned(realm: Env) -> None:
    """OrganizationRoleTest.testOrganizationRoleCannotBePoisonedThroughIntermediateRealmRole: once an organization role
    nests a realm role, nesting manage-realm into that realm role is refused (400) and the realm role stays empty;
    the admin role may still be mapped to the user directly, and the organization role given to them."""
    env = realm
    org = await organization(env, "org-role-poison")
    role = await org_role(env, org, "victim-org-role")
    middle = await realm_role(env, "intermediate-realm-role")
    assert (await call(env, "POST", f"{org}/roles/{role['id']}/composites", [middle]))[0] == 204
    user = await member(env, org, "victim", "victim@org-role-poison.org")
    base = f"{org}/roles/{role['id']}/users"
    assert (await call(env, "POST", base, [{"id": user}]))[0] == 204
    assert (await call(env, "DELETE", base, [{"id": user}]))[0] == 204
    h = await env.admin_headers()
    admin = await management_role(env, "manage-realm")
    async with env.db.transaction() as tx:
        stored = await tx.roles.get(admin["id"])
    assert stored is not None
    management = stored.client_id
    mapped = await env.http.post(
        f"/admin/realms/test/users/{user}/role-mappings/clients/{management}", json=[admin], headers=h
    )
    assert mapped.status_code == 204
    poisoned = await env.http.post(f"{ROLES}/{middle['name']}/composites", json=[admin], headers=h)
    assert (poisoned.status_code, poisoned.json()) == (400, NO_ADMIN)
    by_id = await env.http.post(f"/admin/realms/test/roles-by-id/{middle['id']}/composites", json=[admin], headers=h)
    assert by_id.status_code == 400
    assert (await env.http.get(f"{ROLES}/{middle['name']}/composites", headers=h)).json() == []
    assert (await call(env, "POST", base, [{"id": user}]))[0] == 204
    assert await ids(env, base) == [user]


async def test_a_cycle_or_a_batch_cannot_poison_an_organization_role(realm: Env) -> None:
    """OrganizationRoleTest.testMultiHopCycleAndCompositeBatchCannotPoisonOrganizationRole: realm roles nested in an
    organization role and in each other around a cycle refuse a batch holding an admin role, in either order, as
    a whole (nothing of the batch is kept); the organization role's effective composites hold no admin role."""
    env = realm
    org = await organization(env, "multi-hop-role-graph")
    role = await org_role(env, org, "multi-hop-org-role")
    first, second = await realm_role(env, "multi-hop-first"), await realm_role(env, "multi-hop-second")
    rolled, reverse = await realm_role(env, "multi-hop-rolled-back"), await realm_role(env, "multi-hop-reverse-order")
    reverse_rolled = await realm_role(env, "multi-hop-reverse-rolled-back")
    admin = await management_role(env, "manage-realm")
    h = await env.admin_headers()
    assert (await call(env, "POST", f"{org}/roles/{role['id']}/composites", [first, reverse]))[0] == 204
    assert (await env.http.post(f"{ROLES}/{first['name']}/composites", json=[second], headers=h)).status_code == 204
    assert (await env.http.post(f"{ROLES}/{second['name']}/composites", json=[first], headers=h)).status_code == 204
    batch = await env.http.post(f"{ROLES}/{second['name']}/composites", json=[rolled, admin], headers=h)
    assert batch.status_code == 400
    assert [r["id"] for r in (await env.http.get(f"{ROLES}/{second['name']}/composites", headers=h)).json()] == [
        first["id"]
    ]
    batch = await env.http.post(f"{ROLES}/{reverse['name']}/composites", json=[admin, reverse_rolled], headers=h)
    assert batch.status_code == 400
    assert (await env.http.get(f"{ROLES}/{reverse['name']}/composites", headers=h)).json() == []
    effective = await ids(env, f"{org}/roles/{role['id']}/composites/effective")
    assert admin["id"] not in effective and set(effective) == {first["id"], second["id"], reverse["id"]}


async def test_an_organization_role_nested_in_another_brings_no_admin_role(realm: Env) -> None:
    """An organization role whose realm composite gained an admin role before the anchor check existed (written to
    the store) cannot be nested into another organization role (400)."""
    env = realm
    org = await organization(env, "nested-org-admin")
    parent, child = await org_role(env, org, "parent"), await org_role(env, org, "child")
    middle = await realm_role(env, "nested-middle")
    assert (await call(env, "POST", f"{org}/roles/{child['id']}/composites", [middle]))[0] == 204
    admin = await management_role(env, "realm-admin")
    async with env.db.transaction() as tx:
        await tx.roles.add_composites(middle["id"], [admin["id"]])
    assert await call(env, "POST", f"{org}/roles/{parent['id']}/composites", [child]) == (400, NO_ADMIN)
    assert admin["id"] not in await ids(env, f"{org}/roles/{child['id']}/composites/effective")


async def test_non_admin_roles_are_nested_and_names_alone_do_not_make_admin_roles(realm: Env) -> None:
    """OrganizationRoleTest.testNonAdminRolesAllowed, testEmptyOrganizationCanReceiveRoles and the REST half of
        testAdministrativeClassificationChangesRejectAnchoredRoles: a custom realm role, a realm role named ``admin``
        outside master and a client role named ``manage-clients`` of an ordinary client are nested; that client cannot
        take the clientId ``realm-management`` (Keycloak's classification check answers 400 before its duplicate check;
    Doorkeep answers the taken clientId's 409: the realm's own realm-management always holds it); a non-member is
        refused the role of an organization without members."""
    env = realm
    org = await organization(env, "non-admin-roles-allowed")
    role = await org_role(env, org, "custom-org-role")
    custom, named_admin = await realm_role(env, "custom-realm-role"), await realm_role(env, "admin")
    h = await env.admin_headers()
    made = await env.http.post(CLIENTS, json={"clientId": "classification-safe-client"}, headers=h)
    uuid = made.headers["location"].rsplit("/", 1)[1]
    assert (
        await env.http.post(f"{CLIENTS}/{uuid}/roles", json={"name": "manage-clients"}, headers=h)
    ).status_code == 201
    client_role = (await env.http.get(f"{CLIENTS}/{uuid}/roles/manage-clients", headers=h)).json()
    assert (await call(env, "POST", f"{org}/roles/{role['id']}/composites", [custom, named_admin, client_role]))[
        0
    ] == 204
    renamed = await env.http.put(f"{CLIENTS}/{uuid}", json={"clientId": "realm-management"}, headers=h)
    assert (renamed.status_code, renamed.json()) == (409, {"errorMessage": "Client already exists"})
    assert (await env.http.get(f"{CLIENTS}/{uuid}", headers=h)).json()["clientId"] == "classification-safe-client"
    user = await member(env, org, "non-admin-roles", "non-admin-roles@example.org")
    assert (await call(env, "POST", f"{org}/roles/{role['id']}/users", [{"id": user}]))[0] == 204
    assert (await call(env, "DELETE", f"{org}/roles/{role['id']}/users", [{"id": user}]))[0] == 204
    empty = await organization(env, "empty-org-roles")
    lonely = await org_role(env, empty, "empty-org-role")
    stranger = await member(env, org, "non-member-empty-org", "non-member-empty-org@example.org")
    refused = await call(env, "POST", f"{empty}/roles/{lonely['id']}/users", [{"id": stranger}])
    assert refused[0] == 400 and await ids(env, f"{empty}/roles/{lonely['id']}/users") == []


async def test_an_organization_manager_nests_and_maps_only_what_they_may_hand_out(realm: Env) -> None:
    """H2: manage-organizations alone reads and writes the organization's roles but nests no realm role (403,
    requireMapComposite asks manage-realm) and maps nobody (403, manage-users); with manage-users it maps a member;
    with manage-realm but not realm-admin it cannot nest a realm role wrapping realm-admin (403 before the 400);
    view-organizations reads and changes nothing."""
    env = realm
    org = await organization(env, "h2-org")
    role = await org_role(env, org, "h2-role")
    plain = await realm_role(env, "h2-plain")
    wrapper = await realm_role(env, "h2-wrapper")
    h = await env.admin_headers()
    wrapped = await env.http.post(
        f"{ROLES}/{wrapper['name']}/composites", json=[await management_role(env, "realm-admin")], headers=h
    )
    assert wrapped.status_code == 204
    user = await member(env, org, "h2-member", "h2-member@h2-org.org")
    base = f"{ORGS}/{org}/roles/{role['id']}"
    orgs_only = await realm_admin(env, "h2-orgs", "manage-organizations")
    assert (await env.http.get(base, headers=orgs_only)).status_code == 200
    assert (
        await env.http.post(f"{ORGS}/{org}/roles", json={"name": "by-manager"}, headers=orgs_only)
    ).status_code == 201
    assert (await env.http.post(f"{base}/composites", json=[plain], headers=orgs_only)).status_code == 403
    assert (await env.http.post(f"{base}/users", json=[{"id": user}], headers=orgs_only)).status_code == 403
    with_users = await realm_admin(env, "h2-orgs-users", "manage-organizations", "manage-users")
    assert (await env.http.post(f"{base}/users", json=[{"id": user}], headers=with_users)).status_code == 204
    with_realm = await realm_admin(env, "h2-orgs-realm", "manage-organizations", "manage-realm")
    assert (await env.http.post(f"{base}/composites", json=[plain], headers=with_realm)).status_code == 204
    assert (await env.http.post(f"{base}/composites", json=[wrapper], headers=with_realm)).status_code == 403
    viewer = await realm_admin(env, "h2-viewer", "view-organizations", "manage-users")
    assert (await env.http.get(f"{ORGS}/{org}/roles", headers=viewer)).status_code == 200
    for method, path, body in (
        ("POST", f"{ORGS}/{org}/roles", {"name": "x"}),
        ("PUT", base, {"name": "y"}),
        ("DELETE", base, None),
        ("POST", f"{base}/composites", [plain]),
        ("POST", f"{base}/users", [{"id": user}]),
    ):
        assert (await env.http.request(method, path, json=body, headers=viewer)).status_code == 403, path
    nobody = await realm_admin(env, "h2-nobody", "view-users")
    assert (await env.http.get(f"{ORGS}/{org}/roles", headers=nobody)).status_code == 403
