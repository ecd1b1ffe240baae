"""python-keycloak 7.1.1's own admin test suite, part 2: roles and their mappings, client scopes and their
mappers, sessions, consents, events, keys, required actions and default roles, against ``doorkeep start-dev``
(see ``test_python_keycloak_admin_suite.py`` for how, and for the upstream tests left out).

Upstream's ``roles=["bad"]`` cases expect ``unknown_error`` with any status (older Keycloak answered 500); a
list of strings where ``[RoleRepresentation]`` is read is a Jackson MismatchedInputException, which Keycloak
26's KeycloakMismatchedInputExceptionHandler answers 400 ``unknown_error`` "Cannot parse the JSON": asserted
whole here.
"""

from __future__ import annotations

import contextlib
import copy
from typing import Any

import pytest
from keycloak import (
    KeycloakAdmin,
    KeycloakDeleteError,
    KeycloakError,
    KeycloakGetError,
    KeycloakOpenID,
    KeycloakPostError,
    KeycloakPutError,
)

from interop.python_keycloak_support import body_of
from interop.server import DoorkeepProcess

pytestmark = pytest.mark.interop

COULD_NOT_FIND_ROLE = {"error": "Could not find role"}
COULD_NOT_FIND_CLIENT = {"error": "Could not find client"}
CLIENT_NOT_FOUND = {"error": "Client not found"}
USER_NOT_FOUND = {"error": "User not found"}
NO_CLIENT_SCOPE = {"error": "Could not find client scope"}
CLIENT_SCOPE_NOT_FOUND = {"error": "Client scope not found"}
ROLE_WITH_ID = {"error": "Could not find role with id"}
CANNOT_PARSE = {"error": "unknown_error", "error_description": "Cannot parse the JSON"}


def refused(error: KeycloakError, status: int, body: dict[str, str]) -> None:
    """The error carries ``status`` and exactly ``body``."""
    assert (error.response_code, body_of(error)) == (status, body), error


def names(items: list[dict[str, Any]]) -> set[str]:
    return {str(item["name"]) for item in items}


# --- realm roles --------------------------------------------------------------------------------
def test_realm_roles(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    admin = suite_admin
    admin.change_current_realm(suite_realm)
    assert names(admin.get_realm_roles()) == {"offline_access", "uma_authorization", f"default-roles-{suite_realm}"}
    searched = names(admin.get_realm_roles(search_text="uma_a"))
    assert "uma_authorization" in searched and "offline_access" not in searched
    with pytest.raises(KeycloakGetError) as missing:
        admin.get_realm_role_members("does-not-exist")
    refused(missing.value, 404, COULD_NOT_FIND_ROLE)
    assert admin.get_realm_role_members("offline_access") == []

    assert admin.create_realm_role({"name": "test-realm-role"}, skip_exists=True) == "test-realm-role"
    with pytest.raises(KeycloakPostError) as taken:
        admin.create_realm_role({"name": "test-realm-role"})
    refused(taken.value, 409, {"errorMessage": "Role with name test-realm-role already exists"})
    assert admin.create_realm_role({"name": "test-realm-role"}, skip_exists=True) == "test-realm-role"
    role_id = admin.get_realm_role("test-realm-role")["id"]
    assert admin.get_realm_role_by_id(role_id)["name"] == "test-realm-role"
    assert admin.update_realm_role("test-realm-role", {"name": "test-realm-role-update"}) == {}
    with pytest.raises(KeycloakPutError) as gone:
        admin.update_realm_role("test-realm-role", {"name": "test-realm-role-update"})
    refused(gone.value, 404, COULD_NOT_FIND_ROLE)

    user_id = admin.create_user({"username": "role-testing", "email": "test@test.test"})
    with pytest.raises(KeycloakPostError) as bad:
        admin.assign_realm_roles(user_id, ["bad"])
    refused(bad.value, 400, CANNOT_PARSE)
    offline, updated = admin.get_realm_role("offline_access"), admin.get_realm_role("test-realm-role-update")
    assert admin.assign_realm_roles(user_id, [offline, updated]) == {}
    assert "role-testing" in {m["username"] for m in admin.get_realm_role_members("offline_access")}
    assert "role-testing" in {m["username"] for m in admin.get_realm_role_members("test-realm-role-update")}
    assert names(admin.get_realm_roles_of_user(user_id)) == {
        "offline_access",
        "test-realm-role-update",
        f"default-roles-{suite_realm}",
    }
    with pytest.raises(KeycloakDeleteError) as bad_delete:
        admin.delete_realm_roles_of_user(user_id, ["bad"])
    refused(bad_delete.value, 400, CANNOT_PARSE)
    assert admin.delete_realm_roles_of_user(user_id, [offline]) == {}
    assert admin.get_realm_role_members("offline_access") == []
    assert names(admin.get_realm_roles_of_user(user_id)) == {"test-realm-role-update", f"default-roles-{suite_realm}"}
    assert names(admin.get_available_realm_roles_of_user(user_id)) == {"offline_access", "uma_authorization"}

    group_id = admin.create_group({"name": "test-group"})
    assert group_id is not None
    with pytest.raises(KeycloakPostError) as bad_group:
        admin.assign_group_realm_roles(group_id, ["bad"])
    refused(bad_group.value, 400, CANNOT_PARSE)
    assert admin.assign_group_realm_roles(group_id, [offline, updated]) == {}
    assert names(admin.get_group_realm_roles(group_id)) == {"offline_access", "test-realm-role-update"}
    with pytest.raises(KeycloakDeleteError) as bad_group_delete:
        admin.delete_group_realm_roles(group_id, ["bad"])
    refused(bad_group_delete.value, 400, CANNOT_PARSE)
    assert admin.delete_group_realm_roles(group_id, [offline]) == {}
    assert names(admin.get_group_realm_roles(group_id)) == {"test-realm-role-update"}

    composite = admin.create_realm_role({"name": "test-composite-role"})
    with pytest.raises(KeycloakPostError) as bad_composite:
        admin.add_composite_realm_roles_to_role(composite, ["bad"])
    refused(bad_composite.value, 400, CANNOT_PARSE)
    assert admin.add_composite_realm_roles_to_role(composite, [updated]) == {}
    assert names(admin.get_composite_realm_roles_of_role(composite)) == {"test-realm-role-update"}
    with pytest.raises(KeycloakGetError) as no_role:
        admin.get_composite_realm_roles_of_role("bad")
    refused(no_role.value, 404, COULD_NOT_FIND_ROLE)
    assert names(admin.get_composite_realm_roles_of_user(user_id)) == {
        "offline_access",
        "test-realm-role-update",
        "uma_authorization",
        f"default-roles-{suite_realm}",
    }
    with pytest.raises(KeycloakGetError) as no_user:
        admin.get_composite_realm_roles_of_user("bad")
    refused(no_user.value, 404, USER_NOT_FOUND)
    with pytest.raises(KeycloakDeleteError) as bad_remove:
        admin.remove_composite_realm_roles_to_role(composite, ["bad"])
    refused(bad_remove.value, 400, CANNOT_PARSE)
    assert admin.remove_composite_realm_roles_to_role(composite, [updated]) == {}
    assert admin.get_composite_realm_roles_of_role(composite) == []

    assert [g["id"] for g in admin.get_realm_role_groups("test-realm-role-update")] == [group_id]
    with pytest.raises(KeycloakGetError) as no_groups:
        admin.get_realm_role_groups("non-existent-role")
    refused(no_groups.value, 404, COULD_NOT_FIND_ROLE)
    assert len(admin.get_realm_role_groups("test-realm-role-update", query={"max": 1})) == 1
    assert admin.delete_realm_role(composite) == {}
    with pytest.raises(KeycloakDeleteError) as deleted:
        admin.delete_realm_role(composite)
    refused(deleted.value, 404, COULD_NOT_FIND_ROLE)


def test_realm_roles_pagination(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    admin = suite_admin
    admin.change_current_realm(suite_realm)
    for index in range(admin.PAGE_SIZE + 50 - 3):
        admin.create_realm_role({"name": f"role_{index:03}"})
    assert len(admin.get_realm_roles()) == admin.PAGE_SIZE + 50
    assert len(admin.get_realm_roles(query={"first": 100, "max": 20})) == 20
    assert len(admin.get_realm_roles(query={"first": 120, "max": 50})) == 30


@pytest.mark.parametrize(("brief", "includes_attributes"), [(True, False), (False, True), (None, False)])
def test_role_attributes(
    suite_admin: KeycloakAdmin, suite_client: str, brief: bool | None, includes_attributes: bool
) -> None:
    """Upstream's three cases: brief_representation True, False, and left to the library's default."""
    admin = suite_admin
    attrs = {"attr1": ["val1"], "attr2": ["val2-1", "val2-2"]}
    name = "test-realm-role-w-attr"
    assert admin.create_realm_role({"name": name, "attributes": attrs}, skip_exists=True) == name
    assert admin.create_client_role(suite_client, {"name": name, "attributes": attrs}, skip_exists=True) == name
    expected = attrs if includes_attributes else None
    if brief is None:
        realm_roles, client_roles = admin.get_realm_roles(), admin.get_client_roles(suite_client)
    else:
        realm_roles = admin.get_realm_roles(brief_representation=brief)
        client_roles = admin.get_client_roles(suite_client, brief_representation=brief)
    [realm_role] = [r for r in realm_roles if r["name"] == name]
    assert realm_role.get("attributes") == expected
    [client_role] = [r for r in client_roles if r["name"] == name]
    assert client_role.get("attributes") == expected
    assert admin.delete_realm_role(name) == {}
    assert admin.delete_client_role(suite_client, name) == {}


# --- client scope role mappings -----------------------------------------------------------------
def test_client_scope_realm_roles(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    admin = suite_admin
    admin.change_current_realm(suite_realm)
    assert len(admin.get_realm_roles()) == 3
    admin.create_realm_role({"name": "test-realm-role"}, skip_exists=True)
    client_id = admin.create_client({"name": "role-testing-client", "clientId": "role-testing-client"})
    with pytest.raises(KeycloakPostError) as bad:
        admin.assign_realm_roles_to_client_scope(client_id, ["bad"])
    refused(bad.value, 400, CANNOT_PARSE)
    offline, role = admin.get_realm_role("offline_access"), admin.get_realm_role("test-realm-role")
    assert admin.assign_realm_roles_to_client_scope(client_id, [offline, role]) == {}
    assert names(admin.get_realm_roles_of_client_scope(client_id)) == {"offline_access", "test-realm-role"}
    with pytest.raises(KeycloakDeleteError) as bad_delete:
        admin.delete_realm_roles_of_client_scope(client_id, ["bad"])
    refused(bad_delete.value, 400, CANNOT_PARSE)
    assert admin.delete_realm_roles_of_client_scope(client_id, [offline]) == {}
    assert names(admin.get_realm_roles_of_client_scope(client_id)) == {"test-realm-role"}
    assert admin.delete_realm_roles_of_client_scope(client_id, [role]) == {}
    assert admin.get_realm_roles_of_client_scope(client_id) == []


def test_client_scope_client_roles(suite_admin: KeycloakAdmin, suite_client: str) -> None:
    admin = suite_admin
    client_id = admin.create_client({"name": "role-testing-client", "clientId": "role-testing-client"})
    assert admin.get_client_roles_of_client_scope(client_id, suite_client) == []
    admin.create_client_role(suite_client, {"name": "client-role-test"}, skip_exists=True)
    with pytest.raises(KeycloakPostError) as bad:
        admin.assign_client_roles_to_client_scope(client_id, suite_client, ["bad"])
    refused(bad.value, 400, CANNOT_PARSE)
    role = admin.get_client_role(suite_client, "client-role-test")
    assert admin.assign_client_roles_to_client_scope(client_id, suite_client, [role]) == {}
    assert names(admin.get_client_roles_of_client_scope(client_id, suite_client)) == {"client-role-test"}
    with pytest.raises(KeycloakDeleteError) as bad_delete:
        admin.delete_client_roles_of_client_scope(client_id, suite_client, ["bad"])
    refused(bad_delete.value, 400, CANNOT_PARSE)
    assert admin.delete_client_roles_of_client_scope(client_id, suite_client, [role]) == {}
    assert admin.get_client_roles_of_client_scope(client_id, suite_client) == []


def test_client_scope_mapping_client_roles(suite_admin: KeycloakAdmin, suite_client: str) -> None:
    admin = suite_admin
    client_name = admin.get_client(suite_client)["name"]
    scope_id = admin.create_client_scope(
        {
            "name": "test_client_scope",
            "description": "Test Client Scope",
            "protocol": "openid-connect",
            "attributes": {},
        }
    )
    assert admin.get_client_specific_roles_of_client_scope(scope_id, suite_client) == []
    assert admin.get_all_roles_of_client_scope(scope_id) == {}
    admin.create_client_role(suite_client, {"name": "some-client-role"}, skip_exists=True)
    with pytest.raises(KeycloakPostError) as bad:
        admin.add_client_specific_roles_to_client_scope(scope_id, suite_client, ["bad"])
    refused(bad.value, 400, CANNOT_PARSE)
    role = admin.get_client_role(suite_client, "some-client-role")
    assert admin.add_client_specific_roles_to_client_scope(scope_id, suite_client, [role]) == {}
    assert names(admin.get_client_specific_roles_of_client_scope(scope_id, suite_client)) == {"some-client-role"}
    mappings = admin.get_all_roles_of_client_scope(scope_id)["clientMappings"]
    assert names(mappings[client_name]["mappings"]) == {"some-client-role"}
    with pytest.raises(KeycloakDeleteError) as bad_delete:
        admin.remove_client_specific_roles_of_client_scope(scope_id, suite_client, ["bad"])
    refused(bad_delete.value, 400, CANNOT_PARSE)
    assert admin.remove_client_specific_roles_of_client_scope(scope_id, suite_client, [role]) == {}
    assert admin.get_all_roles_of_client_scope(scope_id) == {}


# --- a client's default and optional client scopes ----------------------------------------------
@pytest.mark.parametrize("kind", ["default", "optional"])
def test_client_default_and_optional_client_scopes(suite_admin: KeycloakAdmin, suite_realm: str, kind: str) -> None:
    """Upstream's test_client_default_client_scopes and test_client_optional_client_scopes, one per kind.

    Keycloak 26 links basic, web-origins, acr, profile, roles and email by default (6) and address, phone,
    offline_access, microprofile-jwt and organization as optional (5), as Doorkeep does.
    """
    admin = suite_admin
    admin.change_current_realm(suite_realm)
    get = getattr(admin, f"get_client_{kind}_client_scopes")
    add = getattr(admin, f"add_client_{kind}_client_scope")
    delete = getattr(admin, f"delete_client_{kind}_client_scope")
    client_id = admin.create_client({"name": "role-testing-client", "clientId": "role-testing-client"})
    before = len(get(client_id))
    assert before == (6 if kind == "default" else 5)
    scope_id = admin.create_client_scope(
        {"name": f"test-client-{kind}-scope", "protocol": "openid-connect", "attributes": {}}, skip_exists=False
    )
    assert add(client_id, scope_id, {"realm": suite_realm, "client": client_id, "clientScopeId": scope_id}) == {}
    assert len(get(client_id)) == before + 1
    assert delete(client_id, scope_id) == {}
    assert len(get(client_id)) == before


# --- client roles -------------------------------------------------------------------------------
def test_client_roles(suite_admin: KeycloakAdmin, suite_client: str) -> None:
    admin, client = suite_admin, suite_client
    assert admin.get_client_roles(client) == []
    with pytest.raises(KeycloakGetError) as no_client:
        admin.get_client_roles("bad")
    refused(no_client.value, 404, COULD_NOT_FIND_CLIENT)
    role_name = admin.create_client_role(client, {"name": "client-role-test"}, skip_exists=True)
    with pytest.raises(KeycloakPostError) as taken:
        admin.create_client_role(client, {"name": "client-role-test"})
    refused(taken.value, 409, {"errorMessage": "Role with name client-role-test already exists"})
    assert admin.create_client_role(client, {"name": "client-role-test"}, skip_exists=True) == role_name
    role = admin.get_client_role(client, "client-role-test")
    assert role["name"] == role_name
    with pytest.raises(KeycloakGetError) as no_role:
        admin.get_client_role(client, "bad")
    refused(no_role.value, 404, COULD_NOT_FIND_ROLE)
    assert admin.get_client_role_id(client, "client-role-test") == role["id"]
    with pytest.raises(KeycloakGetError) as no_role_id:
        admin.get_client_role_id(client, "bad")
    refused(no_role_id.value, 404, COULD_NOT_FIND_ROLE)
    assert len(admin.get_client_roles(client)) == 1
    assert admin.update_client_role(client, "client-role-test", {"name": "client-role-test-update"}) == {}
    with pytest.raises(KeycloakPutError) as renamed:
        admin.update_client_role(client, "client-role-test", {"name": "client-role-test-update"})
    refused(renamed.value, 404, COULD_NOT_FIND_ROLE)
    assert admin.get_client_role_members(client, "client-role-test-update") == []
    with pytest.raises(KeycloakGetError) as no_members:
        admin.get_client_role_members(client, "bad")
    refused(no_members.value, 404, COULD_NOT_FIND_ROLE)

    user_id = admin.create_user({"username": "test", "email": "test@test.test"})
    updated = admin.get_client_role(client, "client-role-test-update")
    with pytest.raises(KeycloakPostError) as bad:
        admin.assign_client_role(user_id, client, ["bad"])
    refused(bad.value, 400, CANNOT_PARSE)
    assert admin.assign_client_role(user_id, client, [updated]) == {}
    assert len(admin.get_client_role_members(client, "client-role-test-update")) == 1
    assert len(admin.get_client_roles_of_user(user_id, client)) == 1
    for read in (admin.get_client_roles_of_user, admin.get_composite_client_roles_of_user):
        with pytest.raises(KeycloakGetError) as unknown_client:
            read(user_id, "bad")
        refused(unknown_client.value, 404, CLIENT_NOT_FOUND)
    assert len(admin.get_composite_client_roles_of_user(user_id, client)) == 1
    assert admin.get_available_client_roles_of_user(user_id, client) == []
    with pytest.raises(KeycloakDeleteError) as bad_delete:
        admin.delete_client_roles_of_user(user_id, client, ["bad"])
    refused(bad_delete.value, 400, CANNOT_PARSE)
    assert admin.delete_client_roles_of_user(user_id, client, [updated]) == {}
    assert admin.get_client_roles_of_user(user_id, client) == []

    assert admin.get_client_role_groups(client, "client-role-test-update") == []
    with pytest.raises(KeycloakGetError) as no_role_groups:
        admin.get_client_role_groups(client, "bad")
    refused(no_role_groups.value, 404, COULD_NOT_FIND_ROLE)
    group_id = admin.create_group({"name": "test-group"})
    assert group_id is not None
    assert admin.get_group_client_roles(group_id, client) == []
    with pytest.raises(KeycloakGetError) as group_client:
        admin.get_group_client_roles(group_id, "bad")
    refused(group_client.value, 404, CLIENT_NOT_FOUND)
    with pytest.raises(KeycloakPostError) as bad_group:
        admin.assign_group_client_roles(group_id, client, ["bad"])
    refused(bad_group.value, 400, CANNOT_PARSE)
    assert admin.assign_group_client_roles(group_id, client, [updated]) == {}
    assert len(admin.get_client_role_groups(client, "client-role-test-update")) == 1
    assert len(admin.get_group_client_roles(group_id, client)) == 1
    with pytest.raises(KeycloakDeleteError) as bad_group_delete:
        admin.delete_group_client_roles(group_id, client, ["bad"])
    refused(bad_group_delete.value, 400, CANNOT_PARSE)
    assert admin.delete_group_client_roles(group_id, client, [updated]) == {}

    assert admin.get_composite_client_roles_of_role(client, "client-role-test-update") == []
    with pytest.raises(KeycloakPostError) as bad_composite:
        admin.add_composite_client_roles_to_role(client, "client-role-test-update", ["bad"])
    refused(bad_composite.value, 400, CANNOT_PARSE)
    offline = admin.get_realm_role("offline_access")
    assert admin.add_composite_client_roles_to_role(client, "client-role-test-update", [offline]) == {}
    assert admin.get_client_role(client, "client-role-test-update")["composite"]
    assert len(admin.get_composite_client_roles_of_role(client, "client-role-test-update")) == 1
    with pytest.raises(KeycloakGetError) as no_composite:
        admin.get_composite_client_roles_of_role(client, "bad")
    refused(no_composite.value, 404, COULD_NOT_FIND_ROLE)
    with pytest.raises(KeycloakDeleteError) as bad_remove:
        admin.remove_composite_client_roles_from_role(client, "client-role-test-update", ["bad"])
    refused(bad_remove.value, 400, CANNOT_PARSE)
    assert admin.remove_composite_client_roles_from_role(client, "client-role-test-update", [offline]) == {}
    assert not admin.get_client_role(client, "client-role-test-update")["composite"]
    assert admin.delete_client_role(client, "client-role-test-update") == {}
    with pytest.raises(KeycloakDeleteError) as deleted:
        admin.delete_client_role(client, "client-role-test-update")
    refused(deleted.value, 404, COULD_NOT_FIND_ROLE)

    admin.create_client_role(client, {"name": "client-role-by-id-test"}, skip_exists=True)
    by_id = admin.get_client_role(client, "client-role-by-id-test")
    assert admin.get_role_by_id(by_id["id"])["name"] == "client-role-by-id-test"
    with pytest.raises(KeycloakGetError) as no_id:
        admin.get_role_by_id("bad")
    refused(no_id.value, 404, ROLE_WITH_ID)
    assert admin.update_role_by_id(by_id["id"], {"name": "client-role-by-id-test-update"}) == {}
    with pytest.raises(KeycloakPutError) as no_id_update:
        admin.update_role_by_id("bad", {"name": "client-role-by-id-test-update"})
    refused(no_id_update.value, 404, ROLE_WITH_ID)
    assert admin.delete_role_by_id(by_id["id"]) == {}
    with pytest.raises(KeycloakDeleteError) as no_id_delete:
        admin.delete_role_by_id("bad")
    refused(no_id_delete.value, 404, ROLE_WITH_ID)


# --- sessions, installation ---------------------------------------------------------------------
def test_get_sessions(suite_admin: KeycloakAdmin) -> None:
    admin = suite_admin
    assert admin.connection.username is not None
    user_id = admin.get_user_id(admin.connection.username)
    assert user_id is not None
    assert len(admin.get_sessions(user_id)) >= 1
    with pytest.raises(KeycloakGetError) as missing:
        admin.get_sessions("bad")
    refused(missing.value, 404, USER_NOT_FOUND)


def test_get_client_installation_provider(suite_admin: KeycloakAdmin, suite_client: str) -> None:
    with pytest.raises(KeycloakGetError) as unknown:
        suite_admin.get_client_installation_provider(suite_client, "bad")
    refused(unknown.value, 404, {"error": "Unknown Provider"})
    installation = suite_admin.get_client_installation_provider(suite_client, "keycloak-oidc-keycloak-json")
    assert set(installation) == {
        "auth-server-url",
        "confidential-port",
        "credentials",
        "realm",
        "resource",
        "ssl-required",
    }


# --- client scopes ------------------------------------------------------------------------------
def test_client_scopes(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    admin = suite_admin
    admin.change_current_realm(suite_realm)
    scopes = admin.get_client_scopes()
    assert {"email", "profile", "offline_access"} <= names(scopes)
    with pytest.raises(KeycloakGetError) as missing:
        admin.get_client_scope("does-not-exist")
    refused(missing.value, 404, NO_CLIENT_SCOPE)
    assert admin.get_client_scope(scopes[0]["id"]) == scopes[0]
    assert admin.get_client_scope_by_name(scopes[0]["name"]) == scopes[0]

    scope_id = admin.create_client_scope({"name": "test-scope", "protocol": "openid-connect"}, skip_exists=True)
    assert admin.create_client_scope({"name": "test-scope", "protocol": "openid-connect"}, skip_exists=True) == scope_id
    with pytest.raises(KeycloakPostError) as taken:
        admin.create_client_scope({"name": "test-scope", "protocol": "openid-connect"}, skip_exists=False)
    refused(taken.value, 409, {"errorMessage": "Client Scope test-scope already exists"})
    with pytest.raises(KeycloakPutError) as no_update:
        admin.update_client_scope("does-not-exist", {})
    refused(no_update.value, 404, NO_CLIENT_SCOPE)
    assert admin.update_client_scope(scope_id, {"name": "test-scope-update"}) == {}
    assert admin.get_client_scope(scope_id)["name"] == "test-scope-update"

    assert admin.get_mappers_from_client_scope(scope_id) == []
    with pytest.raises(KeycloakPostError) as no_provider:
        admin.add_mapper_to_client_scope(scope_id, {})
    refused(no_provider.value, 404, {"error": "ProtocolMapper provider not found"})
    mapper = {"name": "test-mapper", "protocol": "openid-connect", "protocolMapper": "oidc-usermodel-attribute-mapper"}
    assert admin.add_mapper_to_client_scope(scope_id, mapper) == b""
    [stored] = admin.get_mappers_from_client_scope(scope_id)
    with pytest.raises(KeycloakPutError) as no_scope:
        admin.update_mapper_in_client_scope("does-not-exist", stored["id"], {})
    refused(no_scope.value, 404, NO_CLIENT_SCOPE)
    stored["config"]["user.attribute"] = "test"
    assert admin.update_mapper_in_client_scope(scope_id, stored["id"], stored) == {}
    assert admin.get_mappers_from_client_scope(scope_id)[0]["config"]["user.attribute"] == "test"
    assert admin.delete_mapper_from_client_scope(scope_id, stored["id"]) == {}
    with pytest.raises(KeycloakDeleteError) as no_mapper:
        admin.delete_mapper_from_client_scope(scope_id, stored["id"])
    refused(no_mapper.value, 404, {"error": "Model not found"})

    for kind in ("default", "optional"):
        listed = getattr(admin, f"get_default_{kind}_client_scopes")
        add = getattr(admin, f"add_default_{kind}_client_scope")
        delete = getattr(admin, f"delete_default_{kind}_client_scope")
        before = len(listed())
        with pytest.raises(KeycloakPutError) as add_missing:
            add("does-not-exist")
        refused(add_missing.value, 404, CLIENT_SCOPE_NOT_FOUND)
        assert add(scope_id) == {}
        assert len(listed()) == before + 1
        with pytest.raises(KeycloakDeleteError) as delete_missing:
            delete("does-not-exist")
        refused(delete_missing.value, 404, CLIENT_SCOPE_NOT_FOUND)
        assert delete(scope_id) == {}
        assert len(listed()) == before

    assert admin.delete_client_scope(scope_id) == {}
    with pytest.raises(KeycloakDeleteError) as deleted:
        admin.delete_client_scope(scope_id)
    refused(deleted.value, 404, NO_CLIENT_SCOPE)


# --- keys, events, required actions -------------------------------------------------------------
def test_keys(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    suite_admin.change_current_realm(suite_realm)
    keys = suite_admin.get_keys()
    # Keycloak 26 generates four keys per realm: RS256, HS512, AES and RSA-OAEP (upstream's whole-set equality).
    assert set(keys["active"]) == {"AES", "HS512", "RS256", "RSA-OAEP"}
    assert {k["algorithm"] for k in keys["keys"]} == {"AES", "HS512", "RS256", "RSA-OAEP"}


def test_admin_events(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    suite_admin.change_current_realm(suite_realm)
    suite_admin.create_client({"name": "test", "clientId": "test"})
    assert suite_admin.get_admin_events() == []


def test_user_events(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    admin = suite_admin
    admin.change_current_realm(suite_realm)
    assert admin.get_events() == []
    with pytest.raises(KeycloakPutError) as unknown:
        admin.set_events({"bad": "conf"})
    assert unknown.match("Unrecognized field")
    refused(
        unknown.value,
        400,
        {
            "error": 'Invalid json representation for RealmEventsConfigRepresentation. Unrecognized field "bad" at line 1 column 10.'
        },
    )
    assert admin.set_events({"adminEventsDetailsEnabled": True, "adminEventsEnabled": True}) == {}
    admin.create_client({"name": "test", "clientId": "test"})
    assert admin.get_events() == []


def test_get_required_actions(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    suite_admin.change_current_realm(suite_realm)
    actions = suite_admin.get_required_actions()
    assert actions
    for action in actions:
        assert {"alias", "name", "providerId", "enabled", "defaultAction", "priority", "config"} <= set(action)


def test_get_required_action_by_alias(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    suite_admin.change_current_realm(suite_realm)
    action = suite_admin.get_required_action_by_alias("UPDATE_PASSWORD")
    assert action is not None and action in suite_admin.get_required_actions()
    assert action["alias"] == "UPDATE_PASSWORD"
    assert suite_admin.get_required_action_by_alias("does-not-exist") is None


def test_update_required_action(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    suite_admin.change_current_realm(suite_realm)
    action = suite_admin.get_required_action_by_alias("UPDATE_PASSWORD")
    assert action is not None
    old = copy.deepcopy(action)
    action["enabled"] = False
    assert suite_admin.update_required_action("UPDATE_PASSWORD", action) == {}
    new = suite_admin.get_required_action_by_alias("UPDATE_PASSWORD")
    assert new is not None and new != old and new["enabled"] is False


# --- composites and default roles ---------------------------------------------------------------
def test_get_composite_client_roles_of_group(
    suite_admin: KeycloakAdmin, suite_client: str, suite_group: str, suite_composite_client_role: str
) -> None:
    role = suite_admin.get_client_role(suite_client, suite_composite_client_role)
    suite_admin.assign_group_client_roles(suite_group, suite_client, [role])
    assert role["id"] in {r["id"] for r in suite_admin.get_composite_client_roles_of_group(suite_client, suite_group)}


def test_get_role_client_level_children(
    suite_admin: KeycloakAdmin, suite_client: str, suite_composite_client_role: str, suite_client_role: str
) -> None:
    child = suite_admin.get_client_role(suite_client, suite_client_role)
    parent = suite_admin.get_client_role(suite_client, suite_composite_client_role)
    assert child["id"] in {r["id"] for r in suite_admin.get_role_client_level_children(suite_client, parent["id"])}


def test_get_role_composites_by_id(
    suite_admin: KeycloakAdmin, suite_client: str, suite_composite_client_role: str, suite_client_role: str
) -> None:
    parent = suite_admin.get_client_role(suite_client, suite_composite_client_role)
    child = suite_admin.get_client_role(suite_client, suite_client_role)
    assert child["id"] in {r["id"] for r in suite_admin.get_role_composites_by_id(parent["id"])}
    paged = suite_admin.get_role_composites_by_id(parent["id"], query={"first": 0, "max": 10})
    assert child["id"] in {r["id"] for r in paged}
    assert suite_admin.get_role_composites_by_id(parent["id"], query={"search": suite_client_role[:3]})


def test_default_realm_role_present(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    suite_admin.change_current_realm(suite_realm)
    assert [r["name"] for r in suite_admin.get_realm_roles()].count(f"default-roles-{suite_realm}") == 1


def test_get_default_realm_role_id(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    suite_admin.change_current_realm(suite_realm)
    roles = suite_admin.get_realm_roles()
    assert suite_admin.get_default_realm_role_id() == next(
        r["id"] for r in roles if r["name"] == f"default-roles-{suite_realm}"
    )


def test_realm_default_roles(suite_admin: KeycloakAdmin, suite_realm: str) -> None:
    admin = suite_admin
    admin.change_current_realm(suite_realm)
    roles = admin.get_realm_default_roles()
    assert names(roles) == {"offline_access", "uma_authorization"}
    admin.change_current_realm("doesnotexist")
    with pytest.raises(KeycloakGetError) as no_realm:
        admin.get_realm_default_roles()
    refused(no_realm.value, 404, {"error": "Realm not found."})
    admin.change_current_realm(suite_realm)
    assert admin.remove_realm_default_roles([roles[0]]) == {}
    assert roles[0] not in admin.get_realm_default_roles()
    assert len(admin.get_realm_default_roles()) == 1
    with pytest.raises(KeycloakDeleteError) as bad_remove:
        admin.remove_realm_default_roles([{"id": "bad id"}])
    refused(bad_remove.value, 404, {"error": "Could not find composite role"})
    assert admin.add_realm_default_roles([roles[0]]) == {}
    assert roles[0] in admin.get_realm_default_roles()
    assert len(admin.get_realm_default_roles()) == 2
    with pytest.raises(KeycloakPostError) as bad_add:
        admin.add_realm_default_roles([{"id": "bad id"}])
    refused(bad_add.value, 404, {"error": "Could not find composite role"})


# --- tokens and consents ------------------------------------------------------------------------
def test_refresh_token(suite_admin: KeycloakAdmin) -> None:
    admin = suite_admin
    admin.get_realms()
    assert admin.connection.token is not None and admin.connection.username is not None
    user_id = admin.get_user_id(admin.connection.username)
    assert user_id is not None
    admin.user_logout(user_id)
    admin.connection.refresh_token()
    assert admin.get_realms()


def test_consents(suite_admin: KeycloakAdmin, suite_realm: str, engine_server: DoorkeepProcess) -> None:
    """With upstream's ``oid_with_credentials`` fixture: a confidential client and a user with a password."""
    admin = suite_admin
    admin.change_current_realm(suite_realm)
    admin.create_client(
        {
            "name": "consenting",
            "clientId": "consenting",
            "enabled": True,
            "publicClient": False,
            "protocol": "openid-connect",
            "secret": "consenting-secret",
            "clientAuthenticatorType": "client-secret",
            # Upstream's fixture leaves this out; RepresentationToModel.createClient sets it only when given and
            # a new Keycloak 26 client has it false, so the password grant below needs it said.
            "directAccessGrantsEnabled": True,
        }
    )
    admin.create_user(
        {
            "username": "consenter",
            "email": "consenter@test.test",
            "enabled": True,
            "firstName": "first",
            "lastName": "last",
            "emailVerified": True,
            "requiredActions": [],
            "credentials": [{"type": "password", "value": "consenter-password", "temporary": False}],
        }
    )
    oid = KeycloakOpenID(
        server_url=engine_server.base_url,
        realm_name=suite_realm,
        client_id="consenting",
        client_secret_key="consenting-secret",
    )
    offline = oid.token("consenter", "consenter-password", scope="offline_access")
    user_id = oid.decode_token(offline["access_token"])["sub"]
    [consent] = admin.user_consents(user_id)
    assert consent["additionalGrants"][0]["key"] == "Offline Token"
    with pytest.raises(KeycloakGetError) as no_user:
        admin.user_consents("non-existent-id")
    refused(no_user.value, 404, USER_NOT_FOUND)
    with pytest.raises(KeycloakDeleteError) as no_user_revoke:
        admin.revoke_consent("non-existent-id", "consenting")
    refused(no_user_revoke.value, 404, USER_NOT_FOUND)
    with pytest.raises(KeycloakDeleteError) as no_client:
        admin.revoke_consent(user_id, "non-existent-client")
    refused(no_client.value, 404, CLIENT_NOT_FOUND)
    assert admin.revoke_consent(user_id, "consenting") == {}
    assert admin.user_consents(user_id) == []
    with pytest.raises(KeycloakDeleteError) as nothing_left:
        admin.revoke_consent(user_id, "consenting")
    refused(nothing_left.value, 404, {"error": "Consent nor offline token not found"})


# --- brute force detection and caches -----------------------------------------------------------
def _one_failure(admin: KeycloakAdmin, realm: str, oid_with_credentials: tuple[KeycloakOpenID, str, str]) -> str:
    """Turn brute force detection on, fail one password grant, and return the user's id."""
    oid, username, _ = oid_with_credentials
    admin.update_realm(realm, {"bruteForceProtected": True})
    assert admin.get_realm(realm)["bruteForceProtected"] is True
    with contextlib.suppress(KeycloakPostError):  # the direct grant's invalid_grant: 400 since Keycloak 26.6
        oid.token(username, "wrongpassword")
    user_id = admin.get_user_id(username)
    assert user_id is not None
    assert admin.get_bruteforce_detection_status(user_id)["numFailures"] == 1
    return str(user_id)


def _protection_off(admin: KeycloakAdmin, realm: str) -> None:
    admin.update_realm(realm, {"bruteForceProtected": False})
    assert admin.get_realm(realm)["bruteForceProtected"] is False


def test_get_bruteforce_status_for_user(
    suite_admin: KeycloakAdmin, suite_oid_with_credentials: tuple[KeycloakOpenID, str, str], suite_realm: str
) -> None:
    _one_failure(suite_admin, suite_realm, suite_oid_with_credentials)
    _protection_off(suite_admin, suite_realm)


def test_clear_bruteforce_attempts_for_user(
    suite_admin: KeycloakAdmin, suite_oid_with_credentials: tuple[KeycloakOpenID, str, str], suite_realm: str
) -> None:
    user_id = _one_failure(suite_admin, suite_realm, suite_oid_with_credentials)
    assert suite_admin.clear_bruteforce_attempts_for_user(user_id) == {}
    assert suite_admin.get_bruteforce_detection_status(user_id)["numFailures"] == 0
    _protection_off(suite_admin, suite_realm)


def test_clear_bruteforce_attempts_for_all_users(
    suite_admin: KeycloakAdmin, suite_oid_with_credentials: tuple[KeycloakOpenID, str, str], suite_realm: str
) -> None:
    user_id = _one_failure(suite_admin, suite_realm, suite_oid_with_credentials)
    assert suite_admin.clear_all_bruteforce_attempts() == {}
    assert suite_admin.get_bruteforce_detection_status(user_id)["numFailures"] == 0
    _protection_off(suite_admin, suite_realm)


@pytest.mark.parametrize("cache", ["keys", "realm", "user"])
def test_clear_caches(suite_admin: KeycloakAdmin, suite_realm: str, cache: str) -> None:
    """Upstream's test_clear_keys_cache, test_clear_realm_cache and test_clear_user_cache."""
    suite_admin.change_current_realm(suite_realm)
    assert getattr(suite_admin, f"clear_{cache}_cache")() == {}
