"""The writes Keycloak 26 refuses for a read-only organization member, beyond the user update of
test_kc_port12_disabled_organization.py: a MANAGED member of a disabled organization (or of any while the realm's
organizations are off) is a ReadOnlyUserModelDelegate, whose grantRole, deleteRoleMapping, joinGroup, leaveGroup
and add/removeRequiredAction throw ReadOnlyException. Each refusal writes nothing: the organization enabled again,
the user is as before. Writes the delegate does not guard (a credential's own) pass, and the user's old tokens no
longer reach the Account REST (the bearer's user reads disabled), so nothing can be written there.

alice is imported as a MANAGED member of ``neworg`` (Keycloak's realm-export ``organizations[].members``); bob, an
UNMANAGED one, is the control."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from flow_builder import admin
from keycloak_port import import_realm
from organization_login_support import REALM
from support import password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio
ORGS = f"{REALM}/organizations"
READ_ONLY = "The user is read-only. Not possible to write '{}' when updating user 'alice'."


def _user(name: str) -> dict[str, Any]:
    return {
        "username": name,
        "enabled": True,
        "email": f"{name}@neworg.org",
        "firstName": name.title(),
        "lastName": "Member",
        "credentials": [{"type": "password", "value": "password"}],
        "realmRoles": ["reader", "default-roles-test"],
        "clientRoles": {"app": ["app-reader"]},
        "groups": ["/staff/team"],
    }


REALM_FILE: dict[str, Any] = {
    "realm": "test",
    "enabled": True,
    "organizationsEnabled": True,
    "clients": [{"clientId": "app", "secret": "secret", "directAccessGrantsEnabled": True}],
    "roles": {
        "realm": [{"name": "reader"}, {"name": "writer"}],
        "client": {"app": [{"name": "app-reader"}, {"name": "app-writer"}]},
    },
    "groups": [{"name": "staff", "subGroups": [{"name": "team"}]}, {"name": "other"}],
    "users": [_user("alice"), _user("bob")],
    "organizations": [
        {
            "name": "neworg",
            "alias": "neworg",
            "enabled": True,
            "domains": [{"name": "neworg.org"}],
            "groups": [{"name": "engineers"}, {"name": "sales"}],
            "members": [
                {"username": "alice", "membershipType": "MANAGED", "groups": ["/engineers"]},
                {"username": "bob", "membershipType": "UNMANAGED"},
            ],
        }
    ],
}


class Realm:
    """The imported realm: its ids, and the organization's switch."""

    def __init__(self, env: Env, ids: dict[str, str]) -> None:
        self.env, self.ids = env, ids

    async def organization(self, enabled: bool) -> None:
        org = (await admin(self.env, "GET", f"{ORGS}/{self.ids['neworg']}", status=200)).json()
        await admin(self.env, "PUT", f"{ORGS}/{self.ids['neworg']}", {**org, "enabled": enabled}, 204)

    async def call(self, method: str, path: str, body: Any = None) -> httpx.Response:
        return await admin(self.env, method, f"{REALM}/{path}", body)

    async def role(self, path: str) -> dict[str, Any]:
        rep: dict[str, Any] = (await admin(self.env, "GET", f"{REALM}/{path}", status=200)).json()
        return rep

    async def mappings(self, user: str) -> set[str]:
        """The user's direct realm and ``app`` role names."""
        found = (await self.call("GET", f"users/{self.ids[user]}/role-mappings")).json()
        names = {r["name"] for r in found.get("realmMappings", [])}
        return names | {r["name"] for r in found.get("clientMappings", {}).get("app", {}).get("mappings", [])}

    async def groups(self, user: str) -> list[str]:
        return sorted(g["path"] for g in (await self.call("GET", f"users/{self.ids[user]}/groups")).json())


@pytest.fixture
async def realm(env: Env) -> Realm:
    await import_realm(env, REALM_FILE)
    ids = {u["username"]: u["id"] for u in (await admin(env, "GET", f"{REALM}/users", status=200)).json()}
    [app] = (await admin(env, "GET", f"{REALM}/clients?clientId=app", status=200)).json()
    [org] = (await admin(env, "GET", ORGS, status=200)).json()
    ids["app"], ids["neworg"] = app["id"], org["id"]
    groups = (await admin(env, "GET", f"{REALM}/groups", status=200)).json()
    for group in groups:
        ids[group["name"]] = group["id"]
    staff = next(g for g in groups if g["name"] == "staff")
    [team] = (await admin(env, "GET", f"{REALM}/groups/{staff['id']}/children", status=200)).json()
    ids["team"] = team["id"]
    return Realm(env, ids)


def _refused(answer: httpx.Response, description: str) -> None:
    body = {"error": "invalid_request", "error_description": description}
    assert (answer.status_code, answer.json()) == (400, body), answer.text


def _read_only(answer: httpx.Response, detail: str) -> None:
    assert (answer.status_code, answer.json()) == (400, {"errorMessage": READ_ONLY.format(detail)}), answer.text


async def test_role_mapping_grants_and_removals_are_refused_and_write_nothing(realm: Realm) -> None:
    """RoleMapperResource and ClientRoleMappingsResource catch the ReadOnlyException of grantRole and
    deleteRoleMapping: 400 ``invalid_request`` with their own texts, after the role's lookup (404 first). A
    client-role DELETE without a body meets deleteRoleMapping outside the catch (Keycloak's 500): the delegate's
    message. The organization enabled again, alice holds what she held and a grant passes."""
    alice = realm.ids["alice"]
    before = await realm.mappings("alice")
    writer, reader = await realm.role("roles/writer"), await realm.role("roles/reader")
    app_roles = f"clients/{realm.ids['app']}/roles"
    app_writer, app_reader = await realm.role(f"{app_roles}/app-writer"), await realm.role(f"{app_roles}/app-reader")
    await realm.organization(enabled=False)
    realm_path, client_path = f"users/{alice}/role-mappings/realm", f"users/{alice}/role-mappings/clients/"
    client_path += realm.ids["app"]
    _refused(await realm.call("POST", realm_path, [writer]), "Could not add user role mappings!")
    _refused(await realm.call("DELETE", realm_path, [reader]), "Could not remove user role mappings!")
    _refused(await realm.call("POST", client_path, [app_writer]), "Could not add user role or group mappings!")
    _refused(await realm.call("DELETE", client_path, [app_reader]), "Could not remove user or group role mappings!")
    _read_only(await realm.call("DELETE", client_path), "role mapping for role app-reader")
    missing = await realm.call("POST", realm_path, [{"name": "no-such-role"}, writer])
    assert (missing.status_code, missing.json()) == (404, {"error": "Role not found"}), missing.text
    assert (await realm.call("POST", realm_path, [])).status_code == 204  # no role, no grantRole
    await realm.organization(enabled=True)
    assert await realm.mappings("alice") == before and {"reader", "app-reader"} <= before
    assert (await realm.call("POST", realm_path, [writer])).status_code == 204
    assert "writer" in await realm.mappings("alice")


async def test_group_joins_and_leaves_are_refused_only_where_they_would_change_the_membership(realm: Realm) -> None:
    """UserResource.joinGroup calls joinGroup only for a group the user is not directly in, removeMembership
    leaveGroup only for one the user is a member of (through a subgroup too): those are refused with the
    delegate's message; the others are 204 as before, changing nothing."""
    alice, ids = realm.ids["alice"], realm.ids
    await realm.organization(enabled=False)
    _read_only(await realm.call("PUT", f"users/{alice}/groups/{ids['other']}"), "group mapping for group other")
    _read_only(await realm.call("DELETE", f"users/{alice}/groups/{ids['team']}"), "group mapping for group team")
    _read_only(await realm.call("DELETE", f"users/{alice}/groups/{ids['staff']}"), "group mapping for group staff")
    assert (await realm.call("PUT", f"users/{alice}/groups/{ids['team']}")).status_code == 204  # already in it
    assert (await realm.call("DELETE", f"users/{alice}/groups/{ids['other']}")).status_code == 204  # not in it
    await realm.organization(enabled=True)
    assert await realm.groups("alice") == ["/staff/team"]


async def test_a_password_reset_is_refused_after_its_checks_and_sets_no_password(realm: Realm) -> None:
    """UserResource.resetPassword adds UPDATE_PASSWORD for a temporary password and removes it otherwise, both
    refused by the delegate after the password's own checks (Keycloak's transaction then drops the new password):
    the old password still signs alice in once the organization is enabled again, the new one does not."""
    reset = f"users/{realm.ids['alice']}/reset-password"
    await realm.organization(enabled=False)
    blank = await realm.call("PUT", reset, {"type": "password", "value": " "})
    assert (blank.status_code, blank.json()) == (400, {"error": "Empty password not allowed"}), blank.text
    for temporary in (True, False):
        answer = await realm.call("PUT", reset, {"type": "password", "value": "new-password", "temporary": temporary})
        _read_only(answer, "required action UPDATE_PASSWORD")
    await realm.organization(enabled=True)
    http = realm.env.http
    wrong = await password_grant(http, "test", "app", "alice", "new-password")
    assert wrong.json()["error_description"] == "Invalid user credentials", wrong.text
    signed_in = await password_grant(http, "test", "app", "alice", "password")
    assert signed_in.status_code == 200, signed_in.text


async def test_credential_writes_the_delegate_does_not_guard_still_pass(realm: Realm) -> None:
    """UserCredentialManager refuses only a service account's credentials: a read-only member's credential can be
    renamed and removed (Keycloak answers 204 for both)."""
    alice = realm.ids["alice"]
    [password] = (await realm.call("GET", f"users/{alice}/credentials")).json()
    await realm.organization(enabled=False)
    label = await realm.env.http.put(
        f"{REALM}/users/{alice}/credentials/{password['id']}/userLabel",
        content="mine",
        headers={**await realm.env.admin_headers(), "Content-Type": "text/plain"},
    )
    assert label.status_code == 204, label.text
    assert (await realm.call("DELETE", f"users/{alice}/credentials/{password['id']}")).status_code == 204
    assert (await realm.call("GET", f"users/{alice}/credentials")).json() == []


async def test_the_account_rest_api_refuses_the_tokens_of_a_read_only_member(realm: Realm) -> None:
    """AccountLoader authenticates the bearer through verifyIdentityToken, which reads the user through
    validateUser: a disabled (read-only) user is no identity, 401, so no Account REST write can happen."""
    http = realm.env.http
    tokens = (await password_grant(http, "test", "app", "alice", "password", scope="openid")).json()
    bearer = {"Authorization": f"Bearer {tokens['access_token']}", "Accept": "application/json"}
    assert (await http.get("/realms/test/account", headers=bearer)).status_code == 200
    await realm.organization(enabled=False)
    assert (await http.get("/realms/test/account", headers=bearer)).status_code == 401
    update = {"username": "alice", "email": "alice@neworg.org", "firstName": "Alicia", "lastName": "Member"}
    assert (await http.post("/realms/test/account", json=update, headers=bearer)).status_code == 401
    await realm.organization(enabled=True)
    assert (await http.get("/realms/test/account", headers=bearer)).json()["firstName"] == "Alice"


async def test_with_the_realms_organizations_off_only_managed_members_are_refused(realm: Realm) -> None:
    """Organizations.isReadOnlyOrganizationMember: with the realm's switch off every MANAGED member is read-only
    (alice, her organization enabled), an UNMANAGED one (bob) is not."""
    writer = await realm.role("roles/writer")
    await admin(realm.env, "PUT", REALM, {"organizationsEnabled": False}, 204)
    for name, status in (("alice", 400), ("bob", 204)):
        answer = await realm.call("POST", f"users/{realm.ids[name]}/role-mappings/realm", [writer])
        assert answer.status_code == status, (name, answer.text)
        joined = await realm.call("PUT", f"users/{realm.ids[name]}/groups/{realm.ids['other']}")
        assert joined.status_code == status, (name, joined.text)
    assert "writer" not in await realm.mappings("alice") and "writer" in await realm.mappings("bob")


async def test_impersonation_and_action_emails_refuse_a_read_only_member_as_a_disabled_user(realm: Realm) -> None:
    """UserResource.impersonate and verifySendEmailParams read ``user.isEnabled()``, which the delegate answers
    false: 400 "User is disabled" for both, as for any disabled user."""
    alice = realm.ids["alice"]
    await realm.organization(enabled=False)
    for method, path in (("POST", "impersonation"), ("PUT", "send-verify-email"), ("PUT", "execute-actions-email")):
        body = ["UPDATE_PASSWORD"] if path == "execute-actions-email" else None
        answer = await realm.call(method, f"users/{alice}/{path}", body)
        assert (answer.status_code, answer.json()) == (400, {"errorMessage": "User is disabled"}), (path, answer.text)


async def test_organization_group_joins_and_leaves_are_refused_too(realm: Realm) -> None:
    """OrganizationGroupResource.joinGroup and leaveGroup (Keycloak 26.6) call the user's joinGroup and leaveGroup
    after their own checks (already in the group: 409): the delegate's message, nothing written; a group the user
    is not in is left with a 204."""
    alice, org = realm.ids["alice"], f"organizations/{realm.ids['neworg']}"
    groups = {g["name"]: g["id"] for g in (await realm.call("GET", f"{org}/groups")).json()}
    await realm.organization(enabled=False)
    for method, name in (("PUT", "sales"), ("DELETE", "engineers")):
        answer = await realm.call(method, f"{org}/groups/{groups[name]}/members/{alice}")
        _read_only(answer, f"group mapping for group {name}")
    again = await realm.call("PUT", f"{org}/groups/{groups['engineers']}/members/{alice}")
    assert (again.status_code, again.json()) == (409, {"errorMessage": "User is already a member of the group"})
    assert (await realm.call("DELETE", f"{org}/groups/{groups['sales']}/members/{alice}")).status_code == 204
    await realm.organization(enabled=True)
    member_of = (await realm.call("GET", f"{org}/members/{alice}/groups")).json()
    assert [g["name"] for g in member_of] == ["engineers"], member_of


async def test_a_partial_import_overwrites_a_read_only_member_as_a_new_user(realm: Realm) -> None:
    """UsersPartialImport.remove deletes the user (UserManager.removeUser calls no setter of the delegate) and
    create makes a new one from the representation: OVERWRITTEN, and the new alice is neither the organization's
    member nor read-only; her old memberships and roles went with the old user."""
    old = realm.ids["alice"]
    await realm.organization(enabled=False)
    rep = {"username": "alice", "email": "alice@neworg.org", "enabled": True, "firstName": "Alicia"}
    answer = await realm.call("POST", "partialImport", {"ifResourceExists": "OVERWRITE", "users": [rep]})
    assert answer.status_code == 200, answer.text
    [result] = answer.json()["results"]
    assert (result["action"], result["resourceName"]) == ("OVERWRITTEN", "alice") and result["id"] != old
    assert (await realm.call("GET", f"users/{old}")).status_code == 404
    new = (await realm.call("GET", f"users/{result['id']}")).json()
    assert (new["enabled"], new["firstName"]) == (True, "Alicia")
    members = (await realm.call("GET", f"organizations/{realm.ids['neworg']}/members")).json()
    assert [m["username"] for m in members] == ["bob"]
    writer = await realm.role("roles/writer")
    granted = await realm.call("POST", f"users/{result['id']}/role-mappings/realm", [writer])
    assert granted.status_code == 204, granted.text
