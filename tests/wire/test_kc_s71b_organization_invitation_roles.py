"""Invitations with roles (Keycloak main after 26.8.0), ported from admin/OrganizationInvitationRoleTest: the invite
requests' ``roles`` (realm and client role ids) kept on the invitation and granted when it makes its user a member;
plus the H2 rule: only roles the caller may map to a user may ride on an invitation."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import realm_admin
from mail_sink import Sink
from org_invitations import ORGS, create_org, enable, member, proceed, stored
from register_port import register
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"


@pytest.fixture
async def realm(env: Env, mail: Sink) -> Env:
    return await enable(env, mail)


async def invite(env: Env, org: str, path: str, roles: list[str], headers: Any = None, **form: str) -> int:
    data: dict[str, Any] = {**form, "roles": roles}
    sent = await env.http.post(f"{ORGS}/{org}/members/{path}", data=data, headers=headers or await env.admin_headers())
    return sent.status_code


async def realm_role(env: Env, name: str) -> dict[str, Any]:
    h = await env.admin_headers()
    assert (await env.http.post(f"{REALM}/roles", json={"name": name}, headers=h)).status_code == 201
    body: dict[str, Any] = (await env.http.get(f"{REALM}/roles/{name}", headers=h)).json()
    return body


async def client_role(env: Env, client_id: str, name: str) -> dict[str, Any]:
    h = await env.admin_headers()
    made = await env.http.post(f"{REALM}/clients", json={"clientId": client_id}, headers=h)
    uuid = made.headers["location"].rsplit("/", 1)[1]
    assert (await env.http.post(f"{REALM}/clients/{uuid}/roles", json={"name": name}, headers=h)).status_code == 201
    body: dict[str, Any] = (await env.http.get(f"{REALM}/clients/{uuid}/roles/{name}", headers=h)).json()
    return body


async def realm_role_names(env: Env, user: str) -> list[str]:
    h = await env.admin_headers()
    return [r["name"] for r in (await env.http.get(f"{REALM}/users/{user}/role-mappings/realm", headers=h)).json()]


async def client_role_names(env: Env, user: str, client_uuid: str) -> list[str]:
    h = await env.admin_headers()
    found = await env.http.get(f"{REALM}/users/{user}/role-mappings/clients/{client_uuid}", headers=h)
    return [r["name"] for r in found.json()]


async def accept(env: Env, mail: Sink) -> None:
    confirm = await env.http.get(mail.received[-1].link())
    assert (await env.http.get(proceed(confirm.text))).status_code == 302


async def test_invite_existing_user_grants_roles(realm: Env, mail: Sink) -> None:
    """testInviteExistingUserGrantsRoles: the invitation lists both roles; accepting makes the member and grants the
    realm role and the client role; the invitation is gone."""
    env = realm
    org = await create_org(env)
    role = await realm_role(env, "invited-realm-role")
    app_role = await client_role(env, "invitation-app", "invited-client-role")
    user = (await seed_user(env.db, env.clock, "test", "existing", email="existing@invitation.org")).id
    assert await invite(env, org, "invite-existing-user", [role["id"], app_role["id"]], id=user) == 204
    [invitation] = await stored(env, org)
    assert sorted(r["id"] for r in invitation["roles"]) == sorted([role["id"], app_role["id"]])
    await accept(env, mail)
    assert await member(env.http, org, user) is not None
    assert "invited-realm-role" in await realm_role_names(env, user)
    assert await client_role_names(env, user, app_role["containerId"]) == ["invited-client-role"]
    assert await stored(env, org) == []


async def test_invite_new_user_grants_roles_on_registration(realm: Env, mail: Sink) -> None:
    """testInviteNewUserGrantsRolesOnRegistration."""
    env = realm
    org = await create_org(env)
    role = await realm_role(env, "registered-realm-role")
    email = "registered@invitation.org"
    assert (
        await invite(env, org, "invite-user", [role["id"]], email=email, firstName="Registered", lastName="User") == 204
    )
    page = await env.http.get(mail.received[-1].link())
    done = await register(env, page, "Registered", "User", email, "registered-invitee", "password", "password")
    assert done.status_code == 302, done.text[:800]
    h = await env.admin_headers()
    [user] = (await env.http.get(f"{REALM}/users", params={"email": email, "exact": "true"}, headers=h)).json()
    assert await member(env.http, org, user["id"]) is not None
    assert "registered-realm-role" in await realm_role_names(env, user["id"])


async def test_invite_with_unknown_role(realm: Env, mail: Sink) -> None:
    """testInviteWithUnknownRole: 400, no invitation kept, no mail sent."""
    env = realm
    org = await create_org(env)
    sent = len(mail.received)
    assert (
        await invite(env, org, "invite-user", ["3f1c2b6e-0000-4000-8000-000000000000"], email="u@invitation.org") == 400
    )
    assert await stored(env, org) == []
    assert len(mail.received) == sent


async def test_role_of_another_realm_is_unknown(realm: Env, mail: Sink) -> None:
    """A role id of another realm (master's admin role) is no role of this realm: 400, nothing kept or sent."""
    env = realm
    org = await create_org(env)
    h = await env.admin_headers()
    admin = (await env.http.get("/admin/realms/master/roles/admin", headers=h)).json()
    assert await invite(env, org, "invite-user", [admin["id"]], email="u@invitation.org") == 400
    assert await stored(env, org) == [] and mail.received == []


async def test_role_removed_before_acceptance_is_skipped(realm: Env, mail: Sink) -> None:
    """testRoleRemovedBeforeAcceptanceIsSkipped."""
    env = realm
    org = await create_org(env)
    kept, removed = await realm_role(env, "kept-realm-role"), await realm_role(env, "removed-realm-role")
    user = (await seed_user(env.db, env.clock, "test", "removed", email="removed-role@invitation.org")).id
    assert await invite(env, org, "invite-existing-user", [kept["id"], removed["id"]], id=user) == 204
    h = await env.admin_headers()
    assert (await env.http.delete(f"{REALM}/roles/removed-realm-role", headers=h)).status_code == 204
    [invitation] = await stored(env, org)
    assert [r["id"] for r in invitation["roles"]] == [kept["id"]]
    await accept(env, mail)
    names = await realm_role_names(env, user)
    assert "kept-realm-role" in names and "removed-realm-role" not in names


async def test_resend_keeps_roles(realm: Env, mail: Sink) -> None:
    """testResendKeepsRoles: a new invitation (new id) with the same roles, granted on acceptance."""
    env = realm
    org = await create_org(env)
    role = await realm_role(env, "resent-realm-role")
    user = (await seed_user(env.db, env.clock, "test", "resent", email="resent@invitation.org")).id
    assert await invite(env, org, "invite-existing-user", [role["id"]], id=user) == 204
    [first] = await stored(env, org)
    h = await env.admin_headers()
    assert (await env.http.post(f"{ORGS}/{org}/invitations/{first['id']}/resend", headers=h)).status_code == 204
    [again] = await stored(env, org)
    assert again["id"] != first["id"] and [r["id"] for r in again["roles"]] == [role["id"]]
    await accept(env, mail)
    assert "resent-realm-role" in await realm_role_names(env, user)


async def test_json_request_carries_roles(realm: Env, mail: Sink) -> None:
    """The JSON invite request (Keycloak 26.7) takes ``roles`` as a list of ids; anything else there is 400."""
    env = realm
    org = await create_org(env)
    role = await realm_role(env, "json-role")
    h = await env.admin_headers()
    url = f"{ORGS}/{org}/members/invite-user"
    assert (await env.http.post(url, json={"email": "bad@invitation.org", "roles": "x"}, headers=h)).status_code == 400
    assert (
        await env.http.post(url, json={"email": "j@invitation.org", "roles": [role["id"]]}, headers=h)
    ).status_code == 204
    [invitation] = await stored(env, org)
    assert [r["name"] for r in invitation["roles"]] == ["json-role"]


async def test_an_organization_manager_cannot_grant_through_an_invitation(realm: Env, mail: Sink) -> None:
    """H2: manage-organizations alone may invite, but not put a role on the invitation (mapping roles to users
    needs manage-users), nor may a user manager put an admin role it does not hold (403); nothing is kept or sent."""
    env = realm
    org = await create_org(env)
    role = await realm_role(env, "payroll")
    h = await env.admin_headers()
    [management] = (await env.http.get(f"{REALM}/clients", params={"clientId": "realm-management"}, headers=h)).json()
    realm_admin_role = (await env.http.get(f"{REALM}/clients/{management['id']}/roles/realm-admin", headers=h)).json()
    org_manager = await realm_admin(env, "org-manager", "manage-organizations")
    user_manager = await realm_admin(env, "user-manager", "manage-organizations", "manage-users")
    assert await invite(env, org, "invite-user", [role["id"]], org_manager, email="a@invitation.org") == 403
    assert (
        await invite(env, org, "invite-user", [realm_admin_role["id"]], user_manager, email="b@invitation.org") == 403
    )
    assert await stored(env, org) == [] and mail.received == []
    assert await invite(env, org, "invite-user", [role["id"]], user_manager, email="c@invitation.org") == 204
