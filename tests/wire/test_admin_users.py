"""Admin REST for users, passwords and role mappings (KEYCLOAK.md §9.2), through the real app."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import realm_admin
from doorkeep.realms import provisioning
from support import assert_error, password_grant, seed_client, seed_realm, seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

USERS = "/admin/realms/test/users"


async def _setup(env: Env) -> dict[str, str]:
    await seed_realm(env.db, env.clock)
    return await env.admin_headers()


async def _create(env: Env, headers: dict[str, str], **rep: Any) -> str:
    response = await env.http.post(USERS, json={"enabled": True, **rep}, headers=headers)
    assert response.status_code == 201, response.text
    return response.headers["location"].rsplit("/", 1)[-1]


def _names(roles: list[dict[str, Any]]) -> set[str]:
    return {r["name"] for r in roles}


# --- create, read, update, delete ----------------------------------------------------------------
async def test_created_user_answers_201_with_location_and_reads_back_as_keycloak_shapes_it(env: Env) -> None:
    headers = await _setup(env)
    response = await env.http.post(
        USERS,
        headers=headers,
        json={
            "username": "Alice",
            "enabled": True,
            "email": "Alice@Example.com",
            "firstName": "Alice",
            "lastName": "Liddell",
            "emailVerified": True,
            "attributes": {"team": ["blue"]},
        },
    )
    assert response.status_code == 201, response.text
    user_id = response.headers["location"].rsplit("/", 1)[-1]
    assert response.headers["location"] == f"http://localhost/admin/realms/test/users/{user_id}"
    body = (await env.http.get(f"{USERS}/{user_id}", headers=headers)).json()
    assert body["id"] == user_id
    assert body["username"] == "alice" and body["email"] == "alice@example.com"
    assert body["firstName"] == "Alice" and body["lastName"] == "Liddell"
    assert body["enabled"] is True and body["emailVerified"] is True
    assert body["createdTimestamp"] == env.clock.now() * 1000
    assert body["requiredActions"] == [] and body["notBefore"] == 0
    assert body["attributes"] == {"team": ["blue"]}


async def test_created_user_is_disabled_unless_enabled_and_gets_the_default_roles(env: Env) -> None:
    headers = await _setup(env)
    response = await env.http.post(USERS, json={"username": "bob"}, headers=headers)
    user_id = response.headers["location"].rsplit("/", 1)[-1]
    assert (await env.http.get(f"{USERS}/{user_id}", headers=headers)).json()["enabled"] is False
    realm_roles = (await env.http.get(f"{USERS}/{user_id}/role-mappings/realm", headers=headers)).json()
    assert _names(realm_roles) == {"default-roles-test"}


async def test_created_user_with_password_credential_can_log_in(env: Env) -> None:
    headers = await _setup(env)
    await seed_client(env.db, "test", "app")
    await _create(
        env,
        headers,
        username="carol",
        email="carol@example.com",
        firstName="C",
        lastName="D",
        credentials=[{"type": "password", "value": "s3cret", "temporary": False}],
    )
    assert (await password_grant(env.http, "test", "app", "carol", "s3cret")).status_code == 200
    assert_error(
        await password_grant(env.http, "test", "app", "carol", "wrong"),
        400,
        "invalid_grant",
        "Invalid user credentials",
    )


async def test_temporary_credential_on_create_adds_update_password(env: Env) -> None:
    headers = await _setup(env)
    user_id = await _create(
        env, headers, username="dave", credentials=[{"type": "password", "value": "pw", "temporary": True}]
    )
    body = (await env.http.get(f"{USERS}/{user_id}", headers=headers)).json()
    assert body["requiredActions"] == ["UPDATE_PASSWORD"]


async def test_duplicate_username_or_email_is_a_409_conflict(env: Env) -> None:
    headers = await _setup(env)
    await _create(env, headers, username="erin", email="erin@example.com")
    same_name = await env.http.post(USERS, json={"username": "ERIN"}, headers=headers)
    assert same_name.status_code == 409
    assert same_name.json() == {"errorMessage": "User exists with same username"}
    same_email = await env.http.post(USERS, json={"username": "erin2", "email": "Erin@example.com"}, headers=headers)
    assert same_email.status_code == 409
    assert same_email.json() == {"errorMessage": "User exists with same email"}


async def test_duplicate_email_is_accepted_when_the_realm_allows_it(env: Env) -> None:
    headers = await _setup(env)
    await update_realm(env.db, "test", duplicate_emails_allowed=True)
    await _create(env, headers, username="ff1", email="same@example.com")
    await _create(env, headers, username="ff2", email="same@example.com")


async def test_a_missing_username_or_malformed_credentials_are_a_400_and_create_nothing(env: Env) -> None:
    headers = await _setup(env)
    response = await env.http.post(USERS, json={"email": "x@example.com"}, headers=headers)
    assert response.status_code == 400 and response.json() == {"errorMessage": "User name is missing"}
    malformed = await env.http.post(USERS, json={"username": "x", "credentials": "pw"}, headers=headers)
    assert malformed.status_code == 400 and malformed.json() == {
        "error": "invalid_request",
        "error_description": "Cannot parse the JSON",
    }
    assert (await env.http.get(f"{USERS}/count", headers=headers)).json() == 0


async def test_update_is_partial_and_keeps_fields_not_sent(env: Env) -> None:
    headers = await _setup(env)
    user_id = await _create(env, headers, username="gina", email="gina@example.com", firstName="Gina", lastName="G")
    response = await env.http.put(
        f"{USERS}/{user_id}", headers=headers, json={"firstName": "Georgina", "requiredActions": ["VERIFY_EMAIL"]}
    )
    assert response.status_code == 204, response.text
    body = (await env.http.get(f"{USERS}/{user_id}", headers=headers)).json()
    assert body["firstName"] == "Georgina" and body["lastName"] == "G"
    assert body["email"] == "gina@example.com" and body["enabled"] is True
    assert body["requiredActions"] == ["VERIFY_EMAIL"]


async def test_update_to_an_email_another_user_holds_is_a_409(env: Env) -> None:
    headers = await _setup(env)
    await _create(env, headers, username="hh1", email="h1@example.com")
    second = await _create(env, headers, username="hh2", email="h2@example.com")
    response = await env.http.put(f"{USERS}/{second}", json={"email": "h1@example.com"}, headers=headers)
    assert response.status_code == 409
    assert response.json() == {"errorMessage": "User exists with same email"}


async def test_deleting_a_user_removes_it_and_its_offline_sessions(env: Env) -> None:
    headers = await _setup(env)
    client = await seed_client(env.db, "test", "app")
    user = await seed_user(env.db, env.clock, "test", "user1")
    assert (await password_grant(env.http, "test", "app", scope="offline_access")).status_code == 200
    assert (await env.http.delete(f"{USERS}/{user.id}", headers=headers)).status_code == 204
    missing = await env.http.get(f"{USERS}/{user.id}", headers=headers)
    assert missing.status_code == 404 and missing.json() == {"error": "User not found"}
    count = await env.http.get(f"/admin/realms/test/clients/{client.id}/offline-session-count", headers=headers)
    assert count.json() == {"count": 0}
    assert (await env.http.delete(f"{USERS}/{user.id}", headers=headers)).status_code == 404


async def test_unknown_user_is_404_for_every_user_endpoint(env: Env) -> None:
    headers = await _setup(env)
    for method, path in [
        ("GET", ""),
        ("PUT", ""),
        ("PUT", "/reset-password"),
        ("GET", "/role-mappings"),
        ("GET", "/role-mappings/realm/composite"),
    ]:
        response = await env.http.request(method, f"{USERS}/nope{path}", json={"value": "x"}, headers=headers)
        assert response.status_code == 404, (method, path)
        assert response.json() == {"error": "User not found"}


async def test_a_user_of_another_realm_is_not_found_here(env: Env) -> None:
    headers = await _setup(env)
    await seed_realm(env.db, env.clock, "other")
    stranger = await seed_user(env.db, env.clock, "other", "stranger")
    assert (await env.http.get(f"{USERS}/{stranger.id}", headers=headers)).status_code == 404


# --- listing and counting -----------------------------------------------------------------------
async def _seed_people(env: Env) -> None:
    await seed_client(env.db, "test", "robot", service_accounts=True)
    for name, first in [("anna", "Anna"), ("annabel", "Bella"), ("bert", "Bert"), ("carl", "Anders")]:
        await seed_user(env.db, env.clock, "test", name, first_name=first)


async def test_list_excludes_service_accounts_and_is_ordered_by_username(env: Env) -> None:
    headers = await _setup(env)
    await _seed_people(env)
    body = (await env.http.get(USERS, headers=headers)).json()
    assert [u["username"] for u in body] == ["anna", "annabel", "bert", "carl"]
    assert (await env.http.get(f"{USERS}/count", headers=headers)).json() == 4


async def test_username_filter_is_a_substring_unless_exact(env: Env) -> None:
    headers = await _setup(env)
    await _seed_people(env)
    loose = (await env.http.get(USERS, params={"username": "ann"}, headers=headers)).json()
    assert [u["username"] for u in loose] == ["anna", "annabel"]
    exact = (await env.http.get(USERS, params={"username": "anna", "exact": "true"}, headers=headers)).json()
    assert [u["username"] for u in exact] == ["anna"]
    none = await env.http.get(USERS, params={"username": "ann", "exact": "true"}, headers=headers)
    assert none.json() == []


async def test_search_is_a_prefix_over_username_email_and_names(env: Env) -> None:
    headers = await _setup(env)
    await _seed_people(env)
    found = (await env.http.get(USERS, params={"search": "an"}, headers=headers)).json()
    assert [u["username"] for u in found] == ["anna", "annabel", "carl"]  # carl is "Anders"
    assert (await env.http.get(f"{USERS}/count", params={"search": "an"}, headers=headers)).json() == 3
    infix = (await env.http.get(USERS, params={"search": "*bel"}, headers=headers)).json()
    assert [u["username"] for u in infix] == ["annabel"]
    exact = (await env.http.get(USERS, params={"search": '"anna"'}, headers=headers)).json()
    assert [u["username"] for u in exact] == ["anna"]


async def test_list_paginates_with_first_and_max(env: Env) -> None:
    headers = await _setup(env)
    await _seed_people(env)
    page = (await env.http.get(USERS, params={"first": "1", "max": "2"}, headers=headers)).json()
    assert [u["username"] for u in page] == ["annabel", "bert"]


async def test_every_page_of_the_list_is_exact_at_its_edges_around_a_service_account(env: Env) -> None:
    """The list pages in its SQL statement (issue #8): "service-account-robot" sorts between carl and zed
    and must neither take a slot nor shift a page; a negative bound is no bound, as in Keycloak."""
    headers = await _setup(env)
    await _seed_people(env)
    await seed_user(env.db, env.clock, "test", "zed")
    everyone = ["anna", "annabel", "bert", "carl", "zed"]
    for first, max_results, expected in [
        ("3", "2", ["carl", "zed"]),
        ("4", "1", ["zed"]),
        ("5", "10", []),
        ("0", "0", []),
        ("-3", "2", ["anna", "annabel"]),
        ("2", "-1", everyone[2:]),
        (None, None, everyone),
    ]:
        params = {k: v for k, v in (("first", first), ("max", max_results)) if v is not None}
        page = (await env.http.get(USERS, params=params, headers=headers)).json()
        assert [u["username"] for u in page] == expected, params


# --- passwords ------------------------------------------------------------------------------------
async def test_reset_password_replaces_the_password(env: Env) -> None:
    headers = await _setup(env)
    await seed_client(env.db, "test", "app")
    user = await seed_user(env.db, env.clock, "test", "user1")
    response = await env.http.put(
        f"{USERS}/{user.id}/reset-password",
        headers=headers,
        json={"type": "password", "value": "n3w", "temporary": False},
    )
    assert response.status_code == 204
    assert (await password_grant(env.http, "test", "app", "user1", "n3w")).status_code == 200
    assert (await password_grant(env.http, "test", "app", "user1", "password")).status_code == 400


async def test_temporary_reset_requires_update_password_and_a_permanent_one_clears_it(env: Env) -> None:
    headers = await _setup(env)
    await seed_client(env.db, "test", "app")
    user = await seed_user(env.db, env.clock, "test", "user1")
    url = f"{USERS}/{user.id}/reset-password"
    await env.http.put(url, json={"type": "password", "value": "tmp", "temporary": True}, headers=headers)
    assert (await env.http.get(f"{USERS}/{user.id}", headers=headers)).json()["requiredActions"] == ["UPDATE_PASSWORD"]
    assert_error(
        await password_grant(env.http, "test", "app", "user1", "tmp"),
        400,
        "invalid_grant",
        "Account is not fully set up",
    )
    await env.http.put(url, json={"type": "password", "value": "final", "temporary": False}, headers=headers)
    assert (await env.http.get(f"{USERS}/{user.id}", headers=headers)).json()["requiredActions"] == []
    assert (await password_grant(env.http, "test", "app", "user1", "final")).status_code == 200


async def test_reset_password_without_a_value_or_with_a_blank_one_is_a_400(env: Env) -> None:
    headers = await _setup(env)
    user = await seed_user(env.db, env.clock, "test", "user1")
    url = f"{USERS}/{user.id}/reset-password"
    missing = await env.http.put(url, json={"type": "password"}, headers=headers)
    assert missing.status_code == 400 and missing.json() == {"error": "No password provided"}
    blank = await env.http.put(url, json={"type": "password", "value": "   "}, headers=headers)
    assert blank.status_code == 400 and blank.json() == {"error": "Empty password not allowed"}


# --- role mappings ---------------------------------------------------------------------------------
async def _role(env: Env, name: str, client_uuid: str | None = None) -> dict[str, Any]:
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        role = await provisioning.add_role(tx, realm.id, name, None, client_uuid)
        return {"id": role.id, "name": role.name}


async def test_role_mappings_group_realm_roles_and_client_roles_by_client_id(env: Env) -> None:
    headers = await _setup(env)
    client = await seed_client(env.db, "test", "app")
    editor = await _role(env, "editor")
    reader = await _role(env, "reader", client.id)
    user = await seed_user(env.db, env.clock, "test", "user1")
    base = f"{USERS}/{user.id}/role-mappings"
    assert (await env.http.post(f"{base}/realm", json=[editor], headers=headers)).status_code == 204
    assert (await env.http.post(f"{base}/clients/{client.id}", json=[reader], headers=headers)).status_code == 204
    body = (await env.http.get(base, headers=headers)).json()
    assert _names(body["realmMappings"]) == {"default-roles-test", "editor"}
    editor_json = next(r for r in body["realmMappings"] if r["name"] == "editor")
    assert editor_json == {
        "id": editor["id"],
        "name": "editor",
        "composite": False,
        "clientRole": False,
        "containerId": user.realm_id,
    }  # RoleMapperResource.getRoleMappings: toBriefRepresentation, no attributes
    assert body["clientMappings"] == {
        "app": {
            "id": client.id,
            "client": "app",
            "mappings": [
                {
                    "id": reader["id"],
                    "name": "reader",
                    "composite": False,
                    "clientRole": True,
                    "containerId": client.id,
                }
            ],
        }
    }


async def test_realm_composite_mappings_expand_the_default_roles(env: Env) -> None:
    headers = await _setup(env)
    user = await seed_user(env.db, env.clock, "test", "user1")
    base = f"{USERS}/{user.id}/role-mappings/realm"
    assert _names((await env.http.get(base, headers=headers)).json()) == {"default-roles-test"}
    effective = _names((await env.http.get(f"{base}/composite", headers=headers)).json())
    assert effective == {"default-roles-test", "offline_access", "uma_authorization"}
    available = _names((await env.http.get(f"{base}/available", headers=headers)).json())
    assert available == {"offline_access", "uma_authorization"}


async def test_realm_roles_are_granted_by_name_and_id_and_revoked_again(env: Env) -> None:
    headers = await _setup(env)
    editor = await _role(env, "editor")
    ref = {"id": editor["id"], "name": "editor"}
    user = await seed_user(env.db, env.clock, "test", "user1")
    base = f"{USERS}/{user.id}/role-mappings/realm"
    await env.http.post(base, json=[ref], headers=headers)
    assert "editor" in _names((await env.http.get(base, headers=headers)).json())
    assert "editor" not in _names((await env.http.get(f"{base}/available", headers=headers)).json())
    response = await env.http.request("DELETE", base, json=[ref], headers=headers)
    assert response.status_code == 204
    assert _names((await env.http.get(base, headers=headers)).json()) == {"default-roles-test"}


async def test_delete_without_a_body_removes_every_realm_mapping(env: Env) -> None:
    headers = await _setup(env)
    user = await seed_user(env.db, env.clock, "test", "user1")
    base = f"{USERS}/{user.id}/role-mappings/realm"
    assert (await env.http.delete(base, headers=headers)).status_code == 204
    assert (await env.http.get(base, headers=headers)).json() == []
    assert (await env.http.get(f"{USERS}/{user.id}/role-mappings", headers=headers)).json() == {}


async def test_a_role_whose_id_and_name_disagree_or_that_is_unknown_is_a_404(env: Env) -> None:
    """RoleMapperResource looks the role up by name and requires the id to be its own: a name or an id alone
    is not enough."""
    headers = await _setup(env)
    editor = await _role(env, "editor")
    user = await seed_user(env.db, env.clock, "test", "user1")
    base = f"{USERS}/{user.id}/role-mappings/realm"
    bodies = ([{"name": "editor", "id": "wrong"}], [{"name": "ghost"}], [{"id": "ghost"}])
    for body in (*bodies, [{"name": "editor"}], [{"id": editor["id"]}]):
        response = await env.http.post(base, json=body, headers=headers)
        assert response.status_code == 404 and response.json() == {"error": "Role not found"}, body
    ref = {"id": editor["id"], "name": "editor"}
    assert (await env.http.post(base, json=[ref], headers=headers)).status_code == 204


async def test_client_role_mappings_list_effective_and_available_roles(env: Env) -> None:
    headers = await _setup(env)
    client = await seed_client(env.db, "test", "app")
    reader = await _role(env, "reader", client.id)
    writer = await _role(env, "writer", client.id)
    async with env.db.transaction() as tx:
        await tx.roles.add_composites(writer["id"], [reader["id"]])
    user = await seed_user(env.db, env.clock, "test", "user1")
    base = f"{USERS}/{user.id}/role-mappings/clients/{client.id}"
    assert _names((await env.http.get(f"{base}/available", headers=headers)).json()) == {"reader", "writer"}
    await env.http.post(base, json=[writer], headers=headers)
    assert _names((await env.http.get(base, headers=headers)).json()) == {"writer"}
    assert _names((await env.http.get(f"{base}/composite", headers=headers)).json()) == {"reader", "writer"}
    assert _names((await env.http.get(f"{base}/available", headers=headers)).json()) == {"reader"}
    assert (await env.http.request("DELETE", base, json=[writer], headers=headers)).status_code == 204
    assert (await env.http.get(base, headers=headers)).json() == []


async def test_client_role_mappings_of_an_unknown_client_are_a_404(env: Env) -> None:
    headers = await _setup(env)
    user = await seed_user(env.db, env.clock, "test", "user1")
    response = await env.http.get(f"{USERS}/{user.id}/role-mappings/clients/nope", headers=headers)
    assert response.status_code == 404 and response.json() == {"error": "Client not found"}


async def test_a_realm_role_cannot_be_mapped_as_a_client_role(env: Env) -> None:
    headers = await _setup(env)
    client = await seed_client(env.db, "test", "app")
    editor = await _role(env, "editor")
    user = await seed_user(env.db, env.clock, "test", "user1")
    response = await env.http.post(
        f"{USERS}/{user.id}/role-mappings/clients/{client.id}", json=[editor], headers=headers
    )
    assert response.status_code == 404


# --- authentication and authorisation -------------------------------------------------------------
async def test_without_a_token_the_answer_is_401(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    response = await env.http.get(USERS)
    assert response.status_code == 401 and response.json() == {"error": "HTTP 401 Unauthorized"}


async def test_an_unknown_realm_is_a_404(env: Env) -> None:
    headers = await env.admin_headers()
    response = await env.http.get("/admin/realms/nowhere/users", headers=headers)
    assert response.status_code == 404 and response.json() == {"error": "Realm not found."}


async def test_a_user_without_management_roles_is_forbidden(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    headers = await realm_admin(env, "nobody")
    response = await env.http.get(USERS, headers=headers)
    assert response.status_code == 403 and response.json() == {"error": "HTTP 403 Forbidden"}


async def test_view_users_may_read_but_not_write(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    headers = await realm_admin(env, "viewer", "view-users")
    assert (await env.http.get(USERS, headers=headers)).status_code == 200
    assert (await env.http.post(USERS, json={"username": "x"}, headers=headers)).status_code == 403
    found = await env.http.get(USERS, params={"username": "viewer", "exact": "true"}, headers=headers)
    base = f"{USERS}/{found.json()[0]['id']}/role-mappings/realm"
    assert (await env.http.get(base, headers=headers)).status_code == 200
    assert (await env.http.post(base, json=[{"name": "offline_access"}], headers=headers)).status_code == 403


async def test_manage_users_may_create_users_in_its_own_realm_only(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    await seed_realm(env.db, env.clock, "other")
    headers = await realm_admin(env, "manager", "manage-users")
    assert (await env.http.post(USERS, json={"username": "new"}, headers=headers)).status_code == 201
    other = await env.http.post("/admin/realms/other/users", json={"username": "new"}, headers=headers)
    assert other.status_code == 403


async def test_user_attributes_are_lists_of_strings_on_create_and_update(env: Env) -> None:
    headers = await _setup(env)
    user_id = await _create(env, headers, username="attrs", attributes={"a": "b", "c": ["d"]})
    assert (await env.http.get(f"{USERS}/{user_id}", headers=headers)).json()["attributes"] == {"a": ["b"], "c": ["d"]}
    for bad in ([[["x"]]], {"k": "v"}, [{"k": "v"}]):
        created = await env.http.post(USERS, json={"username": "nested", "attributes": {"a": bad}}, headers=headers)
        assert created.status_code == 400, created.text
        assert created.json()["error_description"].startswith("Cannot parse the JSON")
        updated = await env.http.put(f"{USERS}/{user_id}", json={"attributes": {"a": bad}}, headers=headers)
        assert updated.status_code == 400, updated.text
    assert (await env.http.get(f"{USERS}/{user_id}", headers=headers)).json()["attributes"] == {"a": ["b"], "c": ["d"]}


async def test_numbers_and_booleans_in_user_attributes_are_their_text(env: Env) -> None:
    """Keycloak's StringListMapDeserializer reads each value with Jackson's asText: ``7`` is "7", ``true`` "true"
    (a script or a Terraform provider sending numbers is not refused)."""
    headers = await _setup(env)
    user_id = await _create(env, headers, username="scalars", attributes={"a": 7, "b": [True, 2.5, "x"]})
    shown = (await env.http.get(f"{USERS}/{user_id}", headers=headers)).json()["attributes"]
    assert shown == {"a": ["7"], "b": ["true", "2.5", "x"]}
    updated = await env.http.put(f"{USERS}/{user_id}", json={"attributes": {"a": [1, False]}}, headers=headers)
    assert updated.status_code == 204, updated.text
    assert (await env.http.get(f"{USERS}/{user_id}", headers=headers)).json()["attributes"] == {"a": ["1", "false"]}


async def test_an_out_of_range_number_in_user_attributes_is_a_clear_400_or_text(env: Env) -> None:
    """Hostile numbers: one past Python's integer-text limit cannot be read (400, nothing created); one past a double's
    range is read as JSON's infinity and kept as text, never a 500."""
    headers = {**await _setup(env), "Content-Type": "application/json"}
    huge = '{"username": "huge", "attributes": {"a": ' + "9" * 5000 + "}}"
    refused = await env.http.post(USERS, content=huge, headers=headers)
    assert refused.status_code == 400, refused.text
    assert (await env.http.get(USERS, params={"username": "huge", "exact": "true"}, headers=headers)).json() == []
    far = await env.http.post(USERS, content='{"username": "far", "attributes": {"a": 1e400}}', headers=headers)
    assert far.status_code == 201, far.text
    (user,) = (await env.http.get(USERS, params={"username": "far", "exact": "true"}, headers=headers)).json()
    assert user["attributes"]["a"] and user["attributes"]["a"][0]
