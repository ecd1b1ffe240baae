"""Security sweep s52: the review's H2 class again, by the roads it did not try. A ``manage-clients`` holder writes a
Hardcoded Role mapper (oidc-hardcoded-role-mapper) naming realm-management's realm-admin onto a client, or onto a
default client scope, and signs in through it. Since session 62 the mapper is refused (CVE-2026-4629: writing it asks
the right to grant realm-admin, test_security_sweep_s62_mapper_grants.py), so the token does not even claim it; and
the Admin API reads the caller's roles from the store (AdminAuth's user.hasRole), so it stays 403. A manage-clients + manage-users holder mapping realm-admin to a client's service account, or to itself
through a composite of a client role it manages, is refused (RolePermissions.checkAdminRoles)."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import client_uuid, forbidden, make_admin, role_ref
from mail_sink import Sink
from org_invitations import ORGS, create_org, enable
from support import claims, password_grant, seed_client, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "/admin/realms/test"
HARDCODED = {
    "name": "escalate",
    "protocol": "openid-connect",
    "protocolMapper": "oidc-hardcoded-role-mapper",
    "config": {"role": "realm-management.realm-admin"},
}


async def _token(env: Env, username: str, client_id: str = "app") -> str:
    answer = await password_grant(env.http, "test", client_id, username, "password")
    assert answer.status_code == 200, answer.text
    return str(answer.json()["access_token"])


def _claims_realm_admin(token: str) -> bool:
    access: dict[str, Any] = claims(token).get("resource_access", {})
    return "realm-admin" in access.get("realm-management", {}).get("roles", [])


async def test_a_hardcoded_role_mapper_on_a_client_grants_no_admin_access(realm: Env) -> None:
    _, headers = await make_admin(realm, "test", "clientmgr", "manage-clients")
    app = await client_uuid(realm, "test", "app")
    made = await realm.http.post(f"{REALM}/clients/{app}/protocol-mappers/models", json=HARDCODED, headers=headers)
    forbidden(made)  # CVE-2026-4629: not the caller's to grant
    token = await _token(realm, "clientmgr")
    assert not _claims_realm_admin(token)
    bearer = {"Authorization": f"Bearer {token}"}
    forbidden(await realm.http.get(f"{REALM}/users", headers=bearer))
    forbidden(await realm.http.get(f"{REALM}/events", headers=bearer))
    forbidden(await realm.http.put(REALM, json={"registrationAllowed": True}, headers=bearer))


async def test_a_hardcoded_role_mapper_on_a_default_client_scope_grants_no_admin_access(realm: Env) -> None:
    _, headers = await make_admin(realm, "test", "scopemgr", "manage-clients", "manage-realm")
    made = await realm.http.post(
        f"{REALM}/client-scopes", json={"name": "escalate", "protocol": "openid-connect"}, headers=headers
    )
    assert made.status_code == 201, made.text
    scope_id = made.headers["location"].rsplit("/", 1)[1]
    mapper = await realm.http.post(
        f"{REALM}/client-scopes/{scope_id}/protocol-mappers/models", json=HARDCODED, headers=headers
    )
    forbidden(mapper)  # CVE-2026-4629: not the caller's to grant
    default = await realm.http.put(f"{REALM}/default-default-client-scopes/{scope_id}", headers=headers)
    assert default.status_code == 204, default.text
    await seed_client(realm.db, "test", "newapp")
    token = await _token(realm, "scopemgr", "newapp")
    bearer = {"Authorization": f"Bearer {token}"}
    forbidden(await realm.http.post(f"{REALM}/users", json={"username": "planted"}, headers=bearer))


async def test_realm_admin_cannot_be_mapped_to_a_service_account(realm: Env) -> None:
    """manage-clients and manage-users without realm-admin: the service account of a client one manages does not
    become realm-admin (requireMapRole), so its client credentials token cannot administer the realm."""
    _, headers = await make_admin(realm, "test", "svcmgr", "manage-clients", "manage-users")
    await update_client(realm.db, "test", "app", service_accounts_enabled=True)
    app = await client_uuid(realm, "test", "app")
    account = await realm.http.get(f"{REALM}/clients/{app}/service-account-user", headers=headers)
    assert account.status_code == 200, account.text
    management = await client_uuid(realm, "test", "realm-management")
    admin_role = await role_ref(realm, "test", "realm-admin", "realm-management")
    mapped = await realm.http.post(
        f"{REALM}/users/{account.json()['id']}/role-mappings/clients/{management}", json=[admin_role], headers=headers
    )
    forbidden(mapped)
    cc = await realm.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={"grant_type": "client_credentials", "client_id": "app", "client_secret": "secret"},
    )
    assert cc.status_code == 200, cc.text
    bearer = {"Authorization": f"Bearer {cc.json()['access_token']}"}
    forbidden(await realm.http.get(f"{REALM}/users", headers=bearer))


async def test_realm_admin_cannot_be_nested_into_a_client_role_one_holds(realm: Env) -> None:
    """manage-clients: a role of client ``app`` the caller holds gets realm-admin as a composite (requireMapComposite):
    refused, and the caller is still no realm admin."""
    user_id, headers = await make_admin(realm, "test", "nester", "manage-clients", "manage-users")
    app = await client_uuid(realm, "test", "app")
    made = await realm.http.post(f"{REALM}/clients/{app}/roles", json={"name": "helper"}, headers=headers)
    assert made.status_code == 201, made.text
    helper = await role_ref(realm, "test", "helper", "app")
    granted = await realm.http.post(
        f"{REALM}/users/{user_id}/role-mappings/clients/{app}", json=[helper], headers=headers
    )
    assert granted.status_code == 204, granted.text
    admin_role = await role_ref(realm, "test", "realm-admin", "realm-management")
    nested = await realm.http.post(f"{REALM}/clients/{app}/roles/helper/composites", json=[admin_role], headers=headers)
    forbidden(nested)
    bearer = {"Authorization": f"Bearer {await _token(realm, 'nester')}"}
    forbidden(await realm.http.put(REALM, json={"registrationAllowed": True}, headers=bearer))


async def test_an_organization_group_carries_no_role_a_manage_realm_holder_could_join(env: Env, mail: Sink) -> None:
    """Organization groups are joined with manage-realm alone (OrganizationGroupResource), so they must not carry
    roles: the realm's group role-mapping resource does not know them (404), and a manage-realm holder who joins
    the organization and its group is still no user administrator."""
    await enable(env, mail)
    await seed_client(env.db, "test", "app")
    org = await create_org(env)
    headers = await env.admin_headers()
    made = await env.http.post(f"{ORGS}/{org}/groups", json={"name": "admins"}, headers=headers)
    assert made.status_code == 201, made.text
    group = made.json()["id"]
    management = await client_uuid(env, "test", "realm-management")
    admin_role = await role_ref(env, "test", "realm-admin", "realm-management")
    mapped = await env.http.post(
        f"{REALM}/groups/{group}/role-mappings/clients/{management}", json=[admin_role], headers=headers
    )
    assert mapped.status_code == 404, mapped.text
    user_id, _ = await make_admin(env, "test", "orgmgr", "manage-realm")
    # a member's add needs manage-users besides manage-realm (s52-b's OrganizationPermissions): the admin adds it
    assert (await env.http.post(f"{ORGS}/{org}/members", json=user_id, headers=headers)).status_code == 201
    joined = await env.http.put(f"{ORGS}/{org}/groups/{group}/members/{user_id}", headers=headers)
    assert joined.status_code == 204
    bearer = {"Authorization": f"Bearer {await _token(env, 'orgmgr')}"}
    forbidden(await env.http.get(f"{REALM}/users", headers=bearer))
