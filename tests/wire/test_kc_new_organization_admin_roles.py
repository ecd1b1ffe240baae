"""Keycloak 26.7's organization admin roles: the new-framework OrganizationAdminRolesPermissionsTest
(tests/organization/authz/), each test naming its method; testManageRealmRole is the older
OrganizationAdminPermissionsTest's, ported in test_keycloak_organization_admin_permissions_test.py. Beyond the
class: the roles of a new realm, and the admin-role rule for handing them out (RolePermissions.checkAdminRoles)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from admin_support import client_uuid, make_admin, mapped, mappings_url, realm_admin, role_ref
from mail_sink import Sink
from org_invitations import enable
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"
ORGS = f"{REALM}/organizations"
PAGED = {"first": -1, "max": -1}
ROLES = ("view-organizations", "manage-organizations", "query-organizations")


@pytest.fixture
async def realm(env: Env, mail: Sink) -> Env:
    return await enable(env, mail)


async def _call(env: Env, headers: dict[str, str], method: str, path: str, **kw: Any) -> httpx.Response:
    return await env.http.request(method, path, headers=headers, **kw)


async def _org(env: Env, name: str, headers: dict[str, str] | None = None) -> str:
    rep = {"name": name, "domains": [{"name": f"{name.lower()}.org"}]}
    made = await _call(env, headers or await env.admin_headers(), "POST", ORGS, json=rep)
    assert made.status_code == 201, made.text
    return str(made.headers["location"].rsplit("/", 1)[1])


async def _user(env: Env, name: str, headers: dict[str, str] | None = None) -> str:
    body = {"username": name, "email": name}
    made = await _call(env, headers or await env.admin_headers(), "POST", f"{REALM}/users", json=body)
    assert made.status_code == 201, made.text
    return str(made.headers["location"].rsplit("/", 1)[1])


async def _member(env: Env, org: str, user: str) -> None:
    added = await _call(env, await env.admin_headers(), "POST", f"{ORGS}/{org}/members", content=user)
    assert added.status_code == 201, added.text


async def _idp(env: Env, alias: str, headers: dict[str, str] | None = None) -> None:
    rep = {"alias": alias, "providerId": "oidc"}
    made = await _call(
        env, headers or await env.admin_headers(), "POST", f"{REALM}/identity-provider/instances", json=rep
    )
    assert made.status_code == 201, made.text


def _rep(name: str) -> dict[str, Any]:
    return {"name": name, "domains": [{"name": f"{name.lower()}.org"}]}


async def test_new_realms_hold_the_organization_roles_under_realm_admin(realm: Env) -> None:
    """RealmManager.setupRealmAdminManagement over AdminRoles.ALL_REALM_ROLES: the three roles in realm-management,
    realm-admin holding them, view-organizations holding query-organizations (addQueryCompositeRoles)."""
    env = realm
    h = await env.admin_headers()
    rm = await client_uuid(env, "test", "realm-management")
    names = {r["name"]: r for r in (await env.http.get(f"{REALM}/clients/{rm}/roles", headers=h)).json()}
    assert set(ROLES) <= set(names)
    assert names["manage-organizations"]["description"] == "${role_manage-organizations}"
    admin = (await env.http.get(f"{REALM}/clients/{rm}/roles/realm-admin/composites", headers=h)).json()
    assert set(ROLES) <= {r["name"] for r in admin}
    view = (await env.http.get(f"{REALM}/clients/{rm}/roles/view-organizations/composites", headers=h)).json()
    assert [r["name"] for r in view] == ["query-organizations"]


async def test_manage_organizations_role(realm: Env) -> None:
    """OrganizationAdminRolesPermissionsTest#testManageOrganizationsRole: manage-organizations (with
    manage-identity-providers and manage-users) creates, searches, reads, updates, adds and removes members,
    deletes."""
    env = realm
    manage = await realm_admin(env, "manage-orgs-admin", *ROLES[1:2], "manage-identity-providers", "manage-users")
    org = await _org(env, "testManageOrg", manage)
    assert (await _call(env, manage, "GET", ORGS, params={"search": "testManageOrg"})).json()[0]["id"] == org
    assert (await _call(env, manage, "GET", f"{ORGS}/{org}")).status_code == 200
    assert (await _call(env, manage, "PUT", f"{ORGS}/{org}", json=_rep("testManageOrg"))).status_code == 204
    user = await _user(env, "user@testmanageorg.org", manage)
    assert (await _call(env, manage, "POST", f"{ORGS}/{org}/members", content=user)).status_code == 201
    assert (await _call(env, manage, "GET", f"{ORGS}/{org}/members", params=PAGED)).status_code == 200
    assert (await _call(env, manage, "DELETE", f"{ORGS}/{org}/members/{user}")).status_code == 204
    assert (await _call(env, manage, "DELETE", f"{ORGS}/{org}")).status_code == 204


async def test_view_organizations_role(realm: Env) -> None:
    """OrganizationAdminRolesPermissionsTest#testViewOrganizationsRole: view-organizations alone searches and reads
    organizations, but lists no members and no member's organizations (those ask the users' roles) and writes
    nothing."""
    env = realm
    org = await _org(env, "testViewOrg")
    user = await _user(env, "user@testvieworg.org")
    await _member(env, org, user)
    view = await realm_admin(env, "view-orgs-admin", "view-organizations")
    found = await _call(env, view, "GET", ORGS, params={"search": "testViewOrg"})
    assert found.status_code == 200 and [o["id"] for o in found.json()] == [org]
    assert (await _call(env, view, "GET", f"{ORGS}/{org}")).json()["name"] == "testViewOrg"
    assert (await _call(env, view, "GET", f"{ORGS}/{org}/members", params=PAGED)).status_code == 403
    assert (await _call(env, view, "GET", f"{ORGS}/members/{user}/organizations")).status_code == 403
    assert (await _call(env, view, "POST", ORGS, json=_rep("anotherOrg"))).status_code == 403
    assert (await _call(env, view, "PUT", f"{ORGS}/{org}", json=_rep("testViewOrg"))).status_code == 403
    assert (await _call(env, view, "DELETE", f"{ORGS}/{org}")).status_code == 403


async def test_view_realm_role_backward_compat(realm: Env) -> None:
    """OrganizationAdminRolesPermissionsTest#testViewRealmRoleBackwardCompat (as stored: the realm admin, holding
    manage-realm, creates an organization). Beyond it: view-realm alone is no organization role
    (OrganizationPermissions.canView names manage-realm, not view-realm)."""
    env = realm
    admin = await realm_admin(env, "realm-admin", "manage-realm", "manage-identity-providers", "manage-users")
    org = await _org(env, "testViewRealmOrg", admin)
    viewer = await realm_admin(env, "view-realm-admin", "view-realm")
    assert (await _call(env, viewer, "GET", ORGS)).status_code == 403
    assert (await _call(env, viewer, "GET", f"{ORGS}/{org}")).status_code == 403


async def test_view_organizations_with_view_users_role(realm: Env) -> None:
    """OrganizationAdminRolesPermissionsTest#testViewOrganizationsWithViewUsersRole: view-organizations and
    view-users read the organization, its members (listed, one, counted) and a member's organizations on both
    paths, but neither add nor remove a member."""
    env = realm
    org = await _org(env, "testViewOrgsUsersOrg")
    user = await _user(env, "user@testvieworgsusersorg.org")
    await _member(env, org, user)
    both = await realm_admin(env, "view-orgs-and-users-admin", "view-organizations", "view-users")
    assert (await _call(env, both, "GET", ORGS, params={"search": "testViewOrgsUsersOrg"})).status_code == 200
    assert (await _call(env, both, "GET", f"{ORGS}/{org}")).status_code == 200
    listed = await _call(env, both, "GET", f"{ORGS}/{org}/members", params=PAGED)
    assert [m["id"] for m in listed.json()] == [user]
    assert (await _call(env, both, "GET", f"{ORGS}/{org}/members/{user}")).json()["id"] == user
    assert (await _call(env, both, "GET", f"{ORGS}/{org}/members/count")).json() == 1
    top = await _call(env, both, "GET", f"{ORGS}/members/{user}/organizations", params={"briefRepresentation": True})
    assert [o["id"] for o in top.json()] == [org]
    own = await _call(env, both, "GET", f"{ORGS}/{org}/members/{user}/organizations")
    assert [o["id"] for o in own.json()] == [org]
    assert (await _call(env, both, "POST", f"{ORGS}/{org}/members", content=user)).status_code == 403
    assert (await _call(env, both, "DELETE", f"{ORGS}/{org}/members/{user}")).status_code == 403


async def test_idp_linking_requires_manage_identity_providers(realm: Env) -> None:
    """OrganizationAdminRolesPermissionsTest#testIdpLinkingRequiresManageIdentityProviders: linking a provider asks
    manage-identity-providers besides manage-organizations."""
    env = realm
    manage = await realm_admin(env, "manage-orgs-admin", "manage-organizations", "manage-identity-providers")
    org = await _org(env, "testIdpOrg", manage)
    await _idp(env, "testIdpLink", manage)
    linked = f"{ORGS}/{org}/identity-providers"
    assert (await _call(env, manage, "POST", linked, content="testIdpLink")).status_code == 204
    assert (await _call(env, manage, "DELETE", f"{linked}/testIdpLink")).status_code == 204
    only = await realm_admin(env, "manage-orgs-only-admin", "manage-organizations")
    assert (await _call(env, only, "POST", linked, content="testIdpLink")).status_code == 403
    assert (await _call(env, await env.admin_headers(), "GET", linked)).json() == []


async def test_idp_unlinking_requires_manage_organizations(realm: Env) -> None:
    """OrganizationAdminRolesPermissionsTest#testIdpUnlinkingRequiresManageOrganizations: view-organizations with
    manage-identity-providers cannot unlink; manage-organizations can."""
    env = realm
    manage = await realm_admin(env, "manage-orgs-admin", "manage-organizations", "manage-identity-providers")
    org = await _org(env, "testIdpUnlinkOrg", manage)
    await _idp(env, "testIdpUnlink", manage)
    linked = f"{ORGS}/{org}/identity-providers"
    assert (await _call(env, manage, "POST", linked, content="testIdpUnlink")).status_code == 204
    viewer = await realm_admin(env, "view-orgs-manage-idps-admin", "view-organizations", "manage-identity-providers")
    assert (await _call(env, viewer, "DELETE", f"{linked}/testIdpUnlink")).status_code == 403
    assert (await _call(env, viewer, "GET", f"{linked}/testIdpUnlink")).status_code == 200
    assert (await _call(env, manage, "DELETE", f"{linked}/testIdpUnlink")).status_code == 204


async def test_query_organizations_role(realm: Env) -> None:
    """OrganizationAdminRolesPermissionsTest#testQueryOrganizationsRole: query-organizations alone searches and
    counts, finding nothing (no organization it may view), lists no member's organizations, reads none (403) and
    writes nothing."""
    env = realm
    org = await _org(env, "testQueryOrg")
    user = await _user(env, "user@testqueryorg.org")
    await _member(env, org, user)
    query = await realm_admin(env, "query-orgs-admin", "query-organizations")
    found = await _call(env, query, "GET", ORGS, params={"search": "testQueryOrg"})
    assert (found.status_code, found.json()) == (200, [])
    assert (await _call(env, query, "GET", f"{ORGS}/count", params={"search": "testQueryOrg"})).json() == 0
    theirs = await _call(env, query, "GET", f"{ORGS}/members/{user}/organizations")
    assert (theirs.status_code, theirs.json()) == (200, [])
    assert (await _call(env, query, "GET", f"{ORGS}/{org}")).status_code == 403
    assert (await _call(env, query, "POST", ORGS, json=_rep("anotherOrg"))).status_code == 403
    assert (await _call(env, query, "PUT", f"{ORGS}/{org}", json=_rep("testQueryOrg"))).status_code == 403
    assert (await _call(env, query, "DELETE", f"{ORGS}/{org}")).status_code == 403


async def test_member_management_requires_manage_users(realm: Env) -> None:
    """OrganizationAdminRolesPermissionsTest#testMemberManagementRequiresManageUsers: manage-organizations alone
    cannot add a member (403, none added); with manage-users it adds and removes."""
    env = realm
    manage = await realm_admin(env, "manage-orgs-admin", "manage-organizations", "manage-users")
    org = await _org(env, "testMemberOrg", manage)
    user = await _user(env, "user@testmemberorg.org", manage)
    only = await realm_admin(env, "manage-orgs-only-admin", "manage-organizations")
    assert (await _call(env, only, "POST", f"{ORGS}/{org}/members", content=user)).status_code == 403
    assert (await _call(env, manage, "GET", f"{ORGS}/{org}/members/count")).json() == 0
    assert (await _call(env, manage, "POST", f"{ORGS}/{org}/members", content=user)).status_code == 201
    assert (await _call(env, only, "DELETE", f"{ORGS}/{org}/members/{user}")).status_code == 403
    assert (await _call(env, manage, "DELETE", f"{ORGS}/{org}/members/{user}")).status_code == 204


async def test_invitation_requires_manage_organizations(realm: Env, mail: Sink) -> None:
    """OrganizationAdminRolesPermissionsTest#testInvitationRequiresManageOrganizations: view-organizations with
    manage-users neither invites (new or existing user), nor deletes or resends an invitation; manage-organizations
    with manage-users invites and deletes."""
    env = realm
    org = await _org(env, "testInviteOrg")
    user = await _user(env, "user@testinviteorg.org")
    viewer = await realm_admin(env, "view-orgs-manage-users-admin", "view-organizations", "manage-users")
    invite = {"email": "newinvite@testinviteorg.org", "firstName": "New", "lastName": "User"}
    assert (await _call(env, viewer, "POST", f"{ORGS}/{org}/members/invite-user", data=invite)).status_code == 403
    existing = await _call(env, viewer, "POST", f"{ORGS}/{org}/members/invite-existing-user", data={"id": user})
    assert existing.status_code == 403
    assert mail.received == []
    manage = await realm_admin(env, "manage-orgs-admin", "manage-organizations", "manage-users")
    sent = await _call(env, manage, "POST", f"{ORGS}/{org}/members/invite-user", data=invite)
    assert sent.status_code == 204, sent.text
    [invitation] = (await _call(env, manage, "GET", f"{ORGS}/{org}/invitations")).json()
    one = f"{ORGS}/{org}/invitations/{invitation['id']}"
    assert (await _call(env, viewer, "DELETE", one)).status_code == 403
    assert (await _call(env, viewer, "POST", f"{one}/resend")).status_code == 403
    assert (await _call(env, viewer, "GET", one)).status_code == 200
    assert len(mail.received) == 1
    assert (await _call(env, manage, "DELETE", one)).status_code == 204


async def test_remove_member_requires_manage_organizations(realm: Env) -> None:
    """OrganizationAdminRolesPermissionsTest#testRemoveMemberRequiresManageOrganizations: view-organizations with
    manage-users cannot remove a member; manage-organizations with manage-users can."""
    env = realm
    org = await _org(env, "testRemoveMemberOrg")
    user = await _user(env, "user@testremovememberorg.org")
    await _member(env, org, user)
    viewer = await realm_admin(env, "view-orgs-manage-users-admin", "view-organizations", "manage-users")
    assert (await _call(env, viewer, "DELETE", f"{ORGS}/{org}/members/{user}")).status_code == 403
    manage = await realm_admin(env, "manage-orgs-admin", "manage-organizations", "manage-users")
    assert (await _call(env, manage, "DELETE", f"{ORGS}/{org}/members/{user}")).status_code == 204


async def test_handing_out_the_organization_roles(realm: Env) -> None:
    """RolePermissions.checkAdminRoles (Keycloak 26.7): anyone who may map roles hands out query-organizations;
    view-organizations only who may view organizations, manage-organizations only who may manage them."""
    env = realm
    rm = await client_uuid(env, "test", "realm-management")
    target = await _user(env, "target@example.org")
    url = mappings_url("test", target, rm)
    refs = {name: await role_ref(env, "test", name, "realm-management") for name in ROLES}
    helpdesk = await realm_admin(env, "helpdesk", "manage-users")
    assert (await _call(env, helpdesk, "POST", url, json=[refs["query-organizations"]])).status_code == 204
    assert (await _call(env, helpdesk, "POST", url, json=[refs["view-organizations"]])).status_code == 403
    assert (await _call(env, helpdesk, "POST", url, json=[refs["manage-organizations"]])).status_code == 403
    viewer = await realm_admin(env, "org-viewer", "manage-users", "view-organizations")
    assert (await _call(env, viewer, "POST", url, json=[refs["view-organizations"]])).status_code == 204
    assert (await _call(env, viewer, "POST", url, json=[refs["manage-organizations"]])).status_code == 403
    realm_manager = await realm_admin(env, "realm-manager", "manage-users", "manage-realm")
    assert (await _call(env, realm_manager, "POST", url, json=[refs["manage-organizations"]])).status_code == 204
    assert set(ROLES) <= await mapped(env, "test", target)
    available = await _call(env, helpdesk, "GET", f"{url}/available")
    assert "query-organizations" not in {r["name"] for r in available.json()}  # already held by the target


async def test_the_roles_of_another_realm_allow_nothing_here(realm: Env) -> None:
    """A realm's organization roles administer that realm only: an administrator of another realm holding
    manage-organizations there gets 403 on this realm's organizations, even for one that does not exist."""
    env = realm
    org = await _org(env, "testOtherRealmOrg")
    from support import seed_realm

    await seed_realm(env.db, env.clock, "other")
    _, other = await make_admin(env, "other", "manager", *ROLES, "manage-users", "manage-identity-providers")
    on = await env.http.put(
        "/admin/realms/other", json={"organizationsEnabled": True}, headers=await env.admin_headers()
    )
    assert on.status_code == 204
    assert (await _call(env, other, "GET", "/admin/realms/other/organizations")).status_code == 200
    for method, path in (
        ("GET", ORGS),
        ("GET", f"{ORGS}/count"),
        ("GET", f"{ORGS}/{org}"),
        ("GET", f"{ORGS}/non-existing"),
        ("DELETE", f"{ORGS}/{org}"),
        ("GET", f"{ORGS}/{org}/members"),
    ):
        assert (await _call(env, other, method, path)).status_code == 403, (method, path)
    assert (await _call(env, other, "POST", ORGS, json=_rep("stolen"))).status_code == 403


async def test_linking_through_the_identity_provider_api_asks_manage_organizations(realm: Env) -> None:
    """Beyond the class: a provider created or updated through ``identity-provider/instances`` naming an organization
    (``organizationId`` or the config's ``kc.org``) links it, so manage-identity-providers alone gets 403 as on
    ``organizations/{id}/identity-providers``; a provider already linked is updated as before."""
    env = realm
    org = await _org(env, "testLinkOrg")
    idps = f"{REALM}/identity-provider/instances"
    only = await realm_admin(env, "manage-idps-only", "manage-identity-providers")
    both = await realm_admin(env, "manage-idps-and-orgs", "manage-identity-providers", "manage-organizations")
    named = {"alias": "named", "providerId": "oidc", "organizationId": org}
    assert (await _call(env, only, "POST", idps, json=named)).status_code == 403
    in_config = {"alias": "named", "providerId": "oidc", "config": {"kc.org": org}}
    assert (await _call(env, only, "POST", idps, json=in_config)).status_code == 403
    assert (await _call(env, only, "GET", f"{idps}/named")).status_code == 404
    assert (await _call(env, both, "POST", idps, json=named)).status_code == 201
    assert (await _call(env, only, "PUT", f"{idps}/named", json={**named, "displayName": "N"})).status_code == 204
    await _idp(env, "plain", only)
    plain = {"alias": "plain", "providerId": "oidc", "organizationId": org}
    assert (await _call(env, only, "PUT", f"{idps}/plain", json=plain)).status_code == 403
    linked = await _call(env, await env.admin_headers(), "GET", f"{ORGS}/{org}/identity-providers")
    assert [p["alias"] for p in linked.json()] == ["named"]
