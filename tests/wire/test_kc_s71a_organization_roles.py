"""Organization roles through the Admin REST (Keycloak's main branch after 26.8.0: OrganizationRolesResource and
OrganizationRoleResource), ported from OrganizationRoleTest; the Keycloak method each test follows is named in its
docstring. What Keycloak's test reads on the server (RoleNameChangeEvent listeners, JPA rows) is read here through
the API or the store."""

from __future__ import annotations

import pytest

from admin_support import admin_events, enable_admin_events, realm_admin
from doorkeep.organizations import roles as org_roles
from org_groups import member, organization
from org_invitations import ORGS
from org_roles import CLIENTS, ROLES, call, client_with_role, ids, org_role, realm_role
from support import claims, password_grant, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_lifecycle_and_events(realm: Env) -> None:
    """OrganizationRoleTest.testOrganizationRoleLifecycleAndEvents: create (201, Location), list, read, rename, empty
    composite lists record nothing, add / read / remove a realm composite, a missing composite 404 and no event, map
    two members (paging, search), available members, a restricted admin (query-users, manage-organizations) sees no
    available member, unmap, delete; each write one ORGANIZATION_ROLE or ORGANIZATION_ROLE_MAPPING event at
    AdminEventPaths.organizationRole*Path."""
    env = realm
    org = await organization(env)
    first = await member(env, org, "role-member", "role-member@neworg.org")
    second = await member(env, org, "second-role-member", "second-role-member@neworg.org")
    spare = await member(env, org, "available-role-member", "available-role-member@neworg.org")
    same_name = await realm_role(env, "organization-role", "Realm role with the same name")
    await enable_admin_events(env, clear=True)

    rep = {
        "name": "organization-role",
        "description": "Organization role",
        "attributes": {"department": ["engineering"]},
    }
    h = await env.admin_headers()
    made = await env.http.post(f"{ORGS}/{org}/roles", json=rep, headers=h)
    assert (made.status_code, made.content) == (201, b"")
    role_id = made.headers["location"].rsplit("/", 1)[1]
    assert made.headers["location"].endswith(f"/organizations/{org}/roles/{role_id}")
    base = f"{org}/roles/{role_id}"
    [event] = await admin_events(env)
    assert (event["operationType"], event["resourceType"], event["resourcePath"]) == (
        "CREATE",
        "ORGANIZATION_ROLE",
        f"organizations/{org}/roles/{role_id}",
    )
    assert role_id in await ids(env, f"{org}/roles", briefRepresentation="false")
    _, stored = await call(env, "GET", base)
    assert (stored["name"], stored["description"], stored["attributes"]) == (
        "organization-role",
        "Organization role",
        {"department": ["engineering"]},
    )
    assert (stored["clientRole"], stored["containerId"], stored["composite"]) == (False, org, False)
    assert stored["id"] != same_name["id"]

    renamed = {
        "name": "organization-role-renamed",
        "description": "Updated organization role",
        "attributes": {"department": ["platform"]},
    }
    assert (await call(env, "PUT", base, renamed))[0] == 204
    events = await admin_events(env)
    assert (events[0]["operationType"], events[0]["resourceType"], events[0]["resourcePath"]) == (
        "UPDATE",
        "ORGANIZATION_ROLE",
        f"organizations/{org}/roles/{role_id}",
    )
    assert (await call(env, "GET", base))[1]["name"] == "organization-role-renamed"

    count = len(events)
    assert (await call(env, "POST", f"{base}/composites", []))[0] == 204
    assert (await call(env, "DELETE", f"{base}/composites", []))[0] == 204
    assert len(await admin_events(env)) == count

    available = await ids(
        env, f"{base}/composites/available", source="realm", search="organization-role", first=0, max=10
    )
    assert available == [same_name["id"]]
    assert (await call(env, "POST", f"{base}/composites", [same_name]))[0] == 204
    events = await admin_events(env)
    assert (events[0]["operationType"], events[0]["resourceType"], events[0]["resourcePath"]) == (
        "CREATE",
        "ORGANIZATION_ROLE",
        f"organizations/{org}/roles/{role_id}/composites",
    )
    assert [r["name"] for r in (await call(env, "GET", f"{base}/composites"))[1]] == ["organization-role"]
    assert [r["name"] for r in (await call(env, "GET", f"{base}/composites/effective", first=0, max=10))[1]] == [
        "organization-role"
    ]
    assert (await call(env, "GET", base))[1]["composite"] is True
    assert (await call(env, "DELETE", f"{base}/composites", [same_name]))[0] == 204
    events = await admin_events(env)
    assert (events[0]["operationType"], events[0]["resourcePath"]) == (
        "DELETE",
        f"organizations/{org}/roles/{role_id}/composites",
    )
    missing = await call(env, "POST", f"{base}/composites", [{"id": "missing-role"}])
    assert missing == (404, {"error": "Could not find composite role"})
    assert len(await admin_events(env)) == len(events)

    assert (await call(env, "POST", f"{base}/users", [{"id": first}, {"id": second}]))[0] == 204
    events = await admin_events(env)
    assert (events[0]["operationType"], events[0]["resourceType"], events[0]["resourcePath"]) == (
        "CREATE",
        "ORGANIZATION_ROLE_MAPPING",
        f"organizations/{org}/roles/{role_id}/users",
    )
    assert sorted(await ids(env, f"{base}/users")) == sorted([first, second])
    assert len(await ids(env, f"{base}/users", briefRepresentation="true", first=0, max=1)) == 1
    assert len(await ids(env, f"{base}/users", briefRepresentation="true", first=1, max=1)) == 1
    assert await ids(env, f"{base}/users", search="second-role-member", first=0, max=10) == [second]
    assert await ids(env, f"{base}/users", search="missing-role-member") == []
    pages = [await ids(env, f"{base}/users", search="role-member@neworg.org", first=n, max=1) for n in (0, 1)]
    assert sorted(p[0] for p in pages) == sorted([first, second])
    assert await ids(env, f"{base}/users/available", search="available-role-member", exact="false") == [spare]

    restricted = await realm_admin(env, "organization-role-restricted-admin", "query-users", "manage-organizations")
    seen = await env.http.get(f"{ORGS}/{base}/users/available", params={"first": 0, "max": 10}, headers=restricted)
    assert (seen.status_code, seen.json()) == (200, [])

    assert (await call(env, "DELETE", f"{base}/users", [{"id": first}, {"id": second}]))[0] == 204
    events = await admin_events(env)
    assert (events[0]["operationType"], events[0]["resourceType"], events[0]["resourcePath"]) == (
        "DELETE",
        "ORGANIZATION_ROLE_MAPPING",
        f"organizations/{org}/roles/{role_id}/users",
    )
    assert (await call(env, "DELETE", base))[0] == 204
    events = await admin_events(env)
    assert (events[0]["operationType"], events[0]["resourceType"], events[0]["resourcePath"]) == (
        "DELETE",
        "ORGANIZATION_ROLE",
        f"organizations/{org}/roles/{role_id}",
    )
    assert (await call(env, "GET", base)) == (404, {"error": "Could not find organization role"})


async def test_namespace_isolation(realm: Env) -> None:
    """OrganizationRoleTest.testOrganizationRoleNamespaceIsolation: a realm role and a client role of the organization
    role's name are other roles; neither list shows the organization role."""
    env = realm
    org = await organization(env, "ns-isolation")
    mine = await org_role(env, org, "shared-role")
    shared = await realm_role(env, "shared-role", "Realm role with the same name")
    uuid, client_role = await client_with_role(env, "ns-isolation-client", "shared-role")
    assert len({mine["id"], shared["id"], client_role["id"]}) == 3
    h = await env.admin_headers()
    realm_ids = [r["id"] for r in (await env.http.get(ROLES, headers=h)).json()]
    assert shared["id"] in realm_ids and mine["id"] not in realm_ids
    client_ids = [r["id"] for r in (await env.http.get(f"{CLIENTS}/{uuid}/roles", headers=h)).json()]
    assert client_role["id"] in client_ids and mine["id"] not in client_ids
    searched = (await env.http.get(ROLES, params={"search": "shared"}, headers=h)).json()
    assert [r["id"] for r in searched] == [shared["id"]]
    by_name = await env.http.get(f"{ROLES}/shared-role", headers=h)
    assert by_name.json()["id"] == shared["id"]


async def test_duplicate_name_rejected(realm: Env) -> None:
    """OrganizationRoleTest.testOrganizationRoleDuplicateNameRejected: 409 with Keycloak's text; a blank name 400;
    a rename onto another role's name 409."""
    env = realm
    org = await organization(env, "dup-role")
    await org_role(env, org, "shared-role")
    again = await call(env, "POST", f"{org}/roles", {"name": "shared-role"})
    assert again == (409, {"errorMessage": "Role with name shared-role already exists"})
    for body in ({}, {"name": "  "}):
        assert await call(env, "POST", f"{org}/roles", body) == (400, {"error": "role has no name"})
    other = await org_role(env, org, "other")
    clash = await call(env, "PUT", f"{org}/roles/{other['id']}", {"name": "shared-role"})
    assert clash == (409, {"errorMessage": "Role with name shared-role already exists"})


async def test_listing_and_pagination(realm: Env) -> None:
    """OrganizationRoleTest.testOrganizationRoleListingAndPagination: the count holds the default role, a search
    pages, first/max page."""
    env = realm
    org = await organization(env, "role-listing")
    await org_role(env, org, "shared-role")
    await org_role(env, org, "01-assigned")
    available = await org_role(env, org, "02-available")
    assert await call(env, "GET", f"{org}/roles/count") == (200, 4)
    assert await call(env, "GET", f"{org}/roles/count", search="shared") == (200, 1)
    assert await ids(env, f"{org}/roles", search="02-available", first=0, max=1, briefRepresentation="false") == [
        available["id"]
    ]
    assert len(await ids(env, f"{org}/roles", first=0, max=2)) == 2
    _, listed = await call(env, "GET", f"{org}/roles")
    assert [r["name"] for r in listed] == [
        "01-assigned",
        "02-available",
        "default-roles-org-role-listing",
        "shared-role",
    ]
    assert all("attributes" not in r for r in listed)


async def test_composite_isolation(realm: Env) -> None:
    """OrganizationRoleTest.testOrganizationRoleCompositeIsolation: an organization role nests its organization's
    roles, realm roles and client roles, not another organization's role (400); the lists by kind; available
    composites by source, never another organization's role; an unknown source 400."""
    env = realm
    org, other = await organization(env, "composite-isolation"), await organization(env, "other-composite-isolation")
    parent = await org_role(env, org, "shared-role")
    assigned = await org_role(env, org, "01-assigned")
    available = await org_role(env, org, "02-available")
    foreign = await org_role(env, other, "shared-role")
    shared = await realm_role(env, "shared-role")
    uuid, client_role = await client_with_role(env, "composite-isolation-client", "shared-role")
    base = f"{org}/roles/{parent['id']}"
    assert (await call(env, "POST", f"{base}/composites", [assigned, shared, client_role]))[0] == 204
    refused = await call(env, "POST", f"{base}/composites", [foreign])
    assert refused == (400, {"error": "Organization roles can only be added as composites to other organization roles"})
    everything = {assigned["id"], shared["id"], client_role["id"]}
    assert set(await ids(env, f"{base}/composites")) == everything
    assert set(await ids(env, f"{base}/composites/effective", first=0, max=10)) == everything
    assert await ids(env, f"{base}/composites/realm") == [shared["id"]]
    assert await ids(env, f"{base}/composites/clients/{uuid}") == [client_role["id"]]
    nowhere = await call(env, "GET", f"{base}/composites/clients/missing")
    assert nowhere == (404, {"error": "Could not find client"})
    assert await ids(env, f"{base}/composites/available", source="organization", search="02", first=0, max=1) == [
        available["id"]
    ]
    offered = await ids(env, f"{base}/composites/available", source="organization", first=0, max=10)
    assert foreign["id"] not in offered and assigned["id"] not in offered and parent["id"] not in offered
    assert not any(
        r.startswith("default-roles")
        for r in [x["name"] for x in (await call(env, "GET", f"{base}/composites/available", source="organization"))[1]]
    )
    unknown = await call(env, "GET", f"{base}/composites/available", source="unknown", first=0, max=10)
    assert unknown == (400, {"error": "unknown composite role source"})
    assert (await call(env, "GET", f"{base}/composites/available"))[0] == 400


async def test_member_add_atomicity(realm: Env) -> None:
    """OrganizationRoleTest.testOrganizationRoleMemberAddAtomicity: a batch naming an unknown user (404) or a
    non-member (400 invalid_request) maps nobody."""
    env = realm
    org = await organization(env, "member-atomicity")
    role = await org_role(env, org, "atomicity-role")
    base = f"{org}/roles/{role['id']}"
    first = await member(env, org, "atomic-first", "atomic-first@member-atomicity.org")
    outsider = (await seed_user(env.db, env.clock, "test", "atomic-outsider")).id
    missing = await call(env, "POST", f"{base}/users", [{"id": first}, {"id": "missing-organization-role-user"}])
    assert missing == (404, {"error": "User not found"})
    assert await ids(env, f"{base}/users") == []
    outside = await call(env, "POST", f"{base}/users", [{"id": first}, {"id": outsider}])
    assert outside == (
        400,
        {
            "error": "invalid_request",
            "error_description": "Organization roles can only be assigned to members of the organization",
        },
    )
    assert await ids(env, f"{base}/users") == []
    assert await call(env, "POST", f"{base}/users", [{}]) == (400, {"error": "user id is required"})
    assert await call(env, "POST", f"{base}/users") == (400, {"error": "users are required"})


async def test_member_management(realm: Env) -> None:
    """OrganizationRoleTest.testOrganizationRoleMemberManagement: two members mapped; the user's realm and client
    role mappings do not show the organization role and refuse it by id (404); a batch unmapping an unknown user
    unmaps nobody (404)."""
    env = realm
    org = await organization(env, "member-mgmt")
    role = await org_role(env, org, "mgmt-role")
    base = f"{org}/roles/{role['id']}"
    h = await env.admin_headers()
    made = await env.http.post(CLIENTS, json={"clientId": "member-mgmt-client", "enabled": True}, headers=h)
    uuid = made.headers["location"].rsplit("/", 1)[1]
    first = await member(env, org, "mgmt-first", "mgmt-first@member-mgmt.org")
    second = await member(env, org, "mgmt-second", "mgmt-second@member-mgmt.org")
    assert (await call(env, "POST", f"{base}/users", [{"id": first}, {"id": second}]))[0] == 204
    assert sorted(await ids(env, f"{base}/users")) == sorted([first, second])
    users = "/admin/realms/test/users"
    for level in ("realm", f"clients/{uuid}"):
        for path in (f"{users}/{first}/role-mappings/{level}", f"{users}/{first}/role-mappings/{level}/composite"):
            listed = await env.http.get(path, headers=h)
            assert role["id"] not in [r["id"] for r in listed.json()]
        added = await env.http.post(f"{users}/{first}/role-mappings/{level}", json=[role], headers=h)
        assert added.status_code == 404, added.text
    whole = (await env.http.get(f"{users}/{first}/role-mappings", headers=h)).json()
    assert role["id"] not in [r["id"] for r in whole.get("realmMappings", [])]
    partial = await call(env, "DELETE", f"{base}/users", [{"id": first}, {"id": "missing-organization-role-user"}])
    assert partial == (404, {"error": "User not found"})
    assert sorted(await ids(env, f"{base}/users")) == sorted([first, second])


async def test_default_role_blocks_direct_membership(realm: Env) -> None:
    """OrganizationRoleTest.testDefaultRoleBlocksDirectMembership: the default role's holders are the members (search,
    paging), no member is available for it, mapping or unmapping it is refused (400); it is never deleted (400,
    Keycloak's text) nor nested."""
    env = realm
    org = await organization(env, "default-role-block")
    user = await member(env, org, "default-block", "default-block@default-role-block.org")
    assert await ids(env, f"{org}/roles/default/users") == [user]
    assert await ids(
        env, f"{org}/roles/default/users", search="default-block", briefRepresentation="true", first=0, max=1
    ) == [user]
    assert await ids(env, f"{org}/roles/default/users", first=1, max=1) == []
    assert await ids(env, f"{org}/roles/default/users/available", briefRepresentation="true", first=0, max=10) == []
    text = "default organization role mappings are managed by organization membership."
    for method in ("POST", "DELETE"):
        assert await call(env, method, f"{org}/roles/default/users", [{"id": user}]) == (400, {"errorMessage": text})
    _, default = await call(env, "GET", f"{org}/roles/default")
    assert (default["name"], default["description"], default["containerId"]) == (
        "default-roles-org-default-role-block",
        "${role_default-roles}",
        org,
    )
    assert await call(env, "GET", f"{org}/roles/{default['id']}") == (200, default)
    removed = await call(env, "DELETE", f"{org}/roles/default")
    assert removed == (
        400,
        {
            "errorMessage": "default-roles-org-default-role-block is default role of the organization and cannot be removed."
        },
    )
    parent = await org_role(env, org, "parent")
    nested = await call(env, "POST", f"{org}/roles/{parent['id']}/composites", [default])
    assert nested == (400, {"error": "The default organization role cannot be added as a composite role"})


async def test_membership_grants_and_revokes(realm: Env) -> None:
    """OrganizationRoleModelTest.shouldConstrainOrganizationRoleMappingsAndComposites over the REST: the default
    role follows membership; leaving the organization drops the member's role mappings, joining again does not
    bring them back; deleting the organization deletes its roles."""
    env = realm
    org = await organization(env, "membership-roles")
    role = await org_role(env, org, "member-only")
    user = await member(env, org, "joiner", "joiner@membership-roles.org")
    base = f"{org}/roles/{role['id']}"
    assert (await call(env, "POST", f"{base}/users", [{"id": user}]))[0] == 204
    assert await call(env, "DELETE", f"{org}/members/{user}") == (204, None)
    assert await ids(env, f"{base}/users") == [] and await ids(env, f"{org}/roles/default/users") == []
    h = await env.admin_headers()
    assert (await env.http.post(f"{ORGS}/{org}/members", content=user, headers=h)).status_code == 201
    assert await ids(env, f"{base}/users") == [] and await ids(env, f"{org}/roles/default/users") == [user]
    assert (await call(env, "DELETE", org))[0] == 204
    async with env.db.transaction() as tx:
        assert await tx.organization_roles.count(org) == 0
        assert await tx.organization_roles.mapped_to(org, user) == []


async def test_hidden_from_roles_by_id(realm: Env) -> None:
    """OrganizationRoleTest.testOrganizationRoleHiddenFromRolesById: roles-by-id does not find an organization role
    (404 reading, updating, deleting, nesting into it); a realm or client role refuses it as a composite (400)."""
    env = realm
    org = await organization(env, "roles-by-id")
    mine = await org_role(env, org, "hidden-role")
    other = await realm_role(env, "roles-by-id-realm-role")
    uuid, client_role = await client_with_role(env, "roles-by-id-client", "roles-by-id-client-role")
    h = await env.admin_headers()
    by_id = f"/admin/realms/test/roles-by-id/{mine['id']}"
    assert (await env.http.get(by_id, headers=h)).status_code == 404
    assert (await env.http.put(by_id, json=mine, headers=h)).status_code == 404
    assert (await env.http.delete(by_id, headers=h)).status_code == 404
    assert (await env.http.post(f"{by_id}/composites", json=[other], headers=h)).status_code == 404
    text = {"error": "Organization roles can only be added as composites to other organization roles"}
    for path in (f"{ROLES}/{other['name']}/composites", f"{CLIENTS}/{uuid}/roles/{client_role['name']}/composites"):
        refused = await env.http.post(path, json=[mine], headers=h)
        assert (refused.status_code, refused.json()) == (400, text)
    assert (await call(env, "GET", f"{org}/roles/{mine['id']}"))[0] == 200


async def test_isolation_from_groups_and_scopes(realm: Env) -> None:
    """OrganizationRoleTest.testOrganizationRoleIsolationFromGroupsAndScopes: a realm group's realm and client role
    mappings and a client scope's realm scope mappings refuse an organization role (404); client-level mappings
    look the role up by name (Keycloak's ClientRoleMappingsResource), so the client's role of that name is mapped,
    and an organization role no client role shares a name with is 404."""
    env = realm
    org = await organization(env, "groups-scopes")
    mine = await org_role(env, org, "shared-role")
    assigned = await org_role(env, org, "01-assigned")
    shared = await realm_role(env, "shared-role")
    uuid, client_role = await client_with_role(env, "groups-scopes-client", "shared-role")
    h = await env.admin_headers()
    made = await env.http.post("/admin/realms/test/groups", json={"name": "groups-scopes-group"}, headers=h)
    group = made.headers["location"].rsplit("/", 1)[1]
    for level in ("realm", f"clients/{uuid}"):
        refused = await env.http.post(
            f"/admin/realms/test/groups/{group}/role-mappings/{level}", json=[mine], headers=h
        )
        assert refused.status_code == 404, refused.text
    made = await env.http.post(
        "/admin/realms/test/client-scopes",
        json={"name": "groups-scopes-scope", "protocol": "openid-connect"},
        headers=h,
    )
    scope = f"/admin/realms/test/client-scopes/{made.headers['location'].rsplit('/', 1)[1]}/scope-mappings"
    assert (await env.http.post(f"{scope}/realm", json=[mine], headers=h)).status_code == 404
    assert (await env.http.request("DELETE", f"{scope}/realm", json=[mine], headers=h)).status_code == 404
    assert (await env.http.post(f"{scope}/realm", json=[shared], headers=h)).status_code == 204
    assert [r["id"] for r in (await env.http.get(f"{scope}/realm", headers=h)).json()] == [shared["id"]]
    assert (await env.http.request("DELETE", f"{scope}/realm", json=[shared], headers=h)).status_code == 204
    assert (await env.http.post(f"{scope}/clients/{uuid}", json=[mine], headers=h)).status_code == 204
    assert [r["id"] for r in (await env.http.get(f"{scope}/clients/{uuid}", headers=h)).json()] == [client_role["id"]]
    assert (
        await env.http.request("DELETE", f"{scope}/clients/{uuid}", json=[client_role], headers=h)
    ).status_code == 204
    assert (await env.http.post(f"{scope}/clients/{uuid}", json=[assigned], headers=h)).status_code == 404
    own = f"{CLIENTS}/{uuid}/scope-mappings/realm"  # OrganizationRoleModelTest: client.addScopeMapping refuses it
    assert (await env.http.post(own, json=[mine], headers=h)).status_code == 404


async def test_members_use_direct_mappings(realm: Env) -> None:
    """OrganizationRoleTest.testOrganizationRoleMembersUseDirectMappings: holding a parent role does not make one
    a holder of its child: the child lists nobody and offers the member, who may then be given it directly."""
    env = realm
    org = await organization(env, "direct-role-members")
    parent, child = await org_role(env, org, "direct-role-parent"), await org_role(env, org, "direct-role-child")
    assert (await call(env, "POST", f"{org}/roles/{parent['id']}/composites", [child]))[0] == 204
    user = await member(env, org, "direct-role-member", "direct-role-member@example.org")
    assert (await call(env, "POST", f"{org}/roles/{parent['id']}/users", [{"id": user}]))[0] == 204
    assert await ids(env, f"{org}/roles/{parent['id']}/users") == [user]
    assert await ids(env, f"{org}/roles/{child['id']}/users") == []
    assert await ids(env, f"{org}/roles/{child['id']}/users/available", first=0, max=10) == [user]
    assert (await call(env, "POST", f"{org}/roles/{child['id']}/users", [{"id": user}]))[0] == 204
    assert await ids(env, f"{org}/roles/{child['id']}/users") == [user]
    assert (await call(env, "DELETE", f"{org}/roles/{child['id']}/users", [{"id": user}]))[0] == 204
    assert await ids(env, f"{org}/roles/{child['id']}/users") == []
    async with env.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        found = await tx.organizations.get(test.id, org) if test else None
        assert found is not None
        names = [r.name for r in await org_roles.effective_roles(tx, found, user)]
    assert names == ["default-roles-org-direct-role-members", "direct-role-child", "direct-role-parent"]


async def test_count_and_search_parity(realm: Env) -> None:
    """GenericRoleStorageModelTest.shouldCountAndSearchEveryLocalRoleContainerType for the organization container:
    the count equals what the same search lists (none, blank, a name in another case, a description, nothing),
    searches case-insensitively over names and descriptions, and sees no other organization's, realm or client
    role of the name."""
    env = realm
    org, other = await organization(env, "spi-count-org"), await organization(env, "spi-count-other-org")
    h = await env.admin_headers()
    for name, description in (
        ("e1-parity-shared", "organization-name-hit"),
        ("e1-parity-organization-second", "organization-description-hit"),
    ):
        made = await env.http.post(f"{ORGS}/{org}/roles", json={"name": name, "description": description}, headers=h)
        assert made.status_code == 201
    assert (
        await env.http.post(f"{ORGS}/{other}/roles", json={"name": "e1-parity-shared"}, headers=h)
    ).status_code == 201
    await realm_role(env, "e1-parity-shared", "realm-name-hit")
    await client_with_role(env, "spi-client", "e1-parity-shared")
    for search in (None, "  ", "E1-PARITY-SHARED", "description-hit", "missing-role"):
        params = {} if search is None else {"search": search}
        listed = await ids(env, f"{org}/roles", **params)
        assert await call(env, "GET", f"{org}/roles/count", **params) == (200, len(listed)), search
    assert (await call(env, "GET", f"{org}/roles/count", search="e1-parity-shared"))[1] == 1
    assert (await call(env, "GET", f"{org}/roles/count", search="e1-parity-"))[1] == 2
    assert (await call(env, "GET", f"{org}/roles/count", search="missing-role"))[1] == 0
    assert (await call(env, "GET", f"{other}/roles/count", search="e1-parity-shared"))[1] == 1
    assert (await call(env, "GET", f"{org}/roles/count"))[1] == 3


async def test_tokens_carry_no_organization_role_nor_what_it_nests(realm: Env) -> None:
    """OrganizationRoleMembershipOIDCMapperTest.testRolesAndCompositesAcrossTokenSurfaces (its realm_access and
    resource_access half; the organization claim is the mapper's): an organization role named like a realm role,
    mapped to a member and nesting a realm role and a client role, puts neither its name nor what it nests in
    ``realm_access`` or ``resource_access``; the realm role of the same name stays the realm's (granted, it is
    there); the user's effective realm role mappings do not show them either
    (OrganizationRoleAuthorizationTest: the user is not in realm role ``organization-role``)."""
    env = realm
    org = await organization(env, "acme")
    h = await env.admin_headers()
    async with env.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        found = await tx.users.get_by_username(test.id, "user1") if test else None
    assert found is not None
    user = found.id
    assert (await env.http.post(f"{ORGS}/{org}/members", content=user, headers=h)).status_code == 201
    role = await org_role(env, org, "organization-role")
    same_name = await realm_role(env, "organization-role")
    nested = await realm_role(env, "organization-realm-composite")
    _, client_role = await client_with_role(env, "organization-role-client", "organization-client-composite")
    assert (await call(env, "POST", f"{org}/roles/{role['id']}/composites", [nested, client_role]))[0] == 204
    assert (await call(env, "POST", f"{org}/roles/{role['id']}/users", [{"id": user}]))[0] == 204
    token = await password_grant(env.http, "test", "app", "user1")
    assert token.status_code == 200, token.text
    access = claims(token.json()["access_token"])
    realm_roles = access.get("realm_access", {}).get("roles", [])
    assert not {"organization-role", "organization-realm-composite", "default-roles-org-acme"} & set(realm_roles)
    assert "organization-role-client" not in access.get("resource_access", {})
    effective = await env.http.get(f"/admin/realms/test/users/{user}/role-mappings/realm/composite", headers=h)
    names = {r["name"] for r in effective.json()}
    assert not {"organization-role", "organization-realm-composite"} & names
    granted = await env.http.post(f"/admin/realms/test/users/{user}/role-mappings/realm", json=[same_name], headers=h)
    assert granted.status_code == 204
    again = claims((await password_grant(env.http, "test", "app", "user1")).json()["access_token"])
    assert "organization-role" in again["realm_access"]["roles"]
    assert "organization-realm-composite" not in again["realm_access"]["roles"]


async def test_admin_ui_role_views_leave_organization_roles_out(realm: Env) -> None:
    """OrganizationRoleTest.testAdminUiRoleMappingsFilterOrganizationRoles, for the admin-ui-ext views Doorkeep
    serves: a member's effective client roles and the available client roles show their own roles and no
    organization role or what it nests; an organization role's id is no role of the ``roles`` views (404)."""
    env = realm
    org = await organization(env, "admin-ui-role-mappings")
    h = await env.admin_headers()
    user = await member(env, org, "admin-ui-role-member", "admin-ui-role-member@example.org")
    role = await org_role(env, org, "admin-ui-organization-role")
    uuid, mapped = await client_with_role(env, "admin-ui-role-source", "admin-ui-mapped-client-role")
    assert (
        await env.http.post(f"{CLIENTS}/{uuid}/roles", json={"name": "admin-ui-available-client-role"}, headers=h)
    ).status_code == 201
    _, nested = await client_with_role(env, "admin-ui-nested-source", "admin-ui-nested-client-role")
    assert (await call(env, "POST", f"{org}/roles/{role['id']}/composites", [nested]))[0] == 204
    assert (await call(env, "POST", f"{org}/roles/{role['id']}/users", [{"id": user}]))[0] == 204
    users = "/admin/realms/test/users"
    assert (
        await env.http.post(f"{users}/{user}/role-mappings/clients/{uuid}", json=[mapped], headers=h)
    ).status_code == 204
    ui = "/admin/realms/test/ui-ext"
    effective = await env.http.get(f"{ui}/effective-roles/users/{user}", headers=h)
    assert effective.status_code == 200
    names = [r["role"] for r in effective.json()]
    assert "admin-ui-mapped-client-role" in names and "admin-ui-nested-client-role" not in names
    offered = await env.http.get(
        f"{ui}/available-roles/users/{user}",
        params={"search": "admin-ui-available-client-role", "first": 0, "max": 10},
        headers=h,
    )
    assert [r["role"] for r in offered.json()] == ["admin-ui-available-client-role"]
    assert (await env.http.get(f"{ui}/available-roles/roles/{role['id']}", headers=h)).status_code == 404
