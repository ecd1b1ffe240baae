"""``POST /admin/realms/{realm}/partialImport`` (Keycloak's PartialImportManager): clients, roles, groups and
users added to an existing realm, with FAIL / SKIP / OVERWRITE for what exists, answered with Keycloak's
PartialImportResults; under manage-realm, and never handing out a role the caller could not."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import DEMO, client_uuid, demo_realm, forbidden, make_admin
from support import claims, password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio

URL = f"{DEMO}/partialImport"


def body(policy: str | None = None, secret: str = "first") -> dict[str, Any]:
    out: dict[str, Any] = {
        "clients": [
            {
                "clientId": "importer",
                "secret": secret,
                "publicClient": False,
                "directAccessGrantsEnabled": True,
                "protocolMappers": [
                    {
                        "name": "team",
                        "protocolMapper": "oidc-hardcoded-claim-mapper",
                        "config": {"claim.name": "team", "claim.value": "blue", "access.token.claim": "true"},
                    }
                ],
            }
        ],
        "roles": {
            "realm": [{"name": "reader"}, {"name": "bundle", "composite": True, "composites": {"realm": ["reader"]}}],
            "client": {"importer": [{"name": "operator"}]},
        },
        "groups": [{"name": "staff", "realmRoles": ["reader"], "subGroups": [{"name": "night"}]}],
        "users": [
            {
                "username": "dora",
                "enabled": True,
                "email": "dora@example.com",
                "firstName": "Dora",  # the names the default profile requires (VERIFY_PROFILE at the grant)
                "lastName": "Explorer",
                "credentials": [{"type": "password", "value": "explorer"}],
                "realmRoles": ["bundle"],
                "clientRoles": {"importer": ["operator"]},
                "groups": ["/staff/night"],
            }
        ],
    }
    if policy is not None:
        out["ifResourceExists"] = policy
    return out


def summary(answer: dict[str, Any]) -> list[tuple[str, str, str]]:
    return sorted((r["action"], r["resourceType"], r["resourceName"]) for r in answer["results"])


async def test_a_partial_import_adds_everything_and_answers_keycloak_s_results(env: Env) -> None:
    await demo_realm(env)
    headers = await env.admin_headers()
    response = await env.http.post(URL, json=body(), headers=headers)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert (answer["added"], answer["skipped"], answer["overwritten"]) == (6, 0, 0)
    assert summary(answer) == [
        ("ADDED", "CLIENT", "importer"),
        ("ADDED", "CLIENT_ROLE", "importer-->operator"),
        ("ADDED", "GROUP", "staff"),
        ("ADDED", "REALM_ROLE", "bundle"),
        ("ADDED", "REALM_ROLE", "reader"),
        ("ADDED", "USER", "dora"),
    ]
    assert all(r["id"] for r in answer["results"])
    tokens = await password_grant(env.http, "demo", "importer", "dora", "explorer", secret="first")
    assert tokens.status_code == 200, tokens.text
    access = claims(tokens.json()["access_token"])
    assert {"reader", "bundle"} <= set(access["realm_access"]["roles"])
    assert access["resource_access"]["importer"]["roles"] == ["operator"]
    assert access["team"] == "blue"


async def test_fail_answers_409_with_keycloak_s_text_and_writes_nothing(env: Env) -> None:
    await demo_realm(env)
    headers = await env.admin_headers()
    assert (await env.http.post(f"{DEMO}/roles", json={"name": "reader"}, headers=headers)).status_code == 201
    response = await env.http.post(URL, json=body("FAIL"), headers=headers)
    assert response.status_code == 409, response.text
    assert response.json() == {"errorMessage": "Realm role 'reader' already exists."}
    clients = await env.http.get(f"{DEMO}/clients", params={"clientId": "importer"}, headers=headers)
    assert clients.json() == []


async def test_skip_leaves_what_exists_and_overwrite_replaces_it(env: Env) -> None:
    await demo_realm(env)
    headers = await env.admin_headers()
    assert (await env.http.post(URL, json=body(), headers=headers)).status_code == 200
    skipped = await env.http.post(URL, json=body("SKIP", secret="second"), headers=headers)
    assert skipped.status_code == 200, skipped.text
    assert (skipped.json()["skipped"], skipped.json()["added"]) == (6, 0)
    still = await password_grant(env.http, "demo", "importer", "dora", "explorer", secret="first")
    assert still.status_code == 200, still.text

    replaced = await env.http.post(URL, json=body("OVERWRITE", secret="second"), headers=headers)
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["overwritten"] == 6
    assert (await password_grant(env.http, "demo", "importer", "dora", "explorer", secret="first")).status_code == 401
    again = await password_grant(env.http, "demo", "importer", "dora", "explorer", secret="second")
    assert again.status_code == 200, again.text
    assert "bundle" in claims(again.json()["access_token"])["realm_access"]["roles"]


@pytest.mark.parametrize(
    ("change", "status"),
    [
        ({"ifResourceExists": "MERGE"}, 400),
        ({"users": {"username": "x"}}, 400),
        ({"identityProviders": [{"alias": "github"}]}, 400),
        ({"users": [{"username": "x", "clientRoles": {"nobody": ["x"]}}]}, 404),
        ({"roles": {"client": {"nobody": [{"name": "x"}]}}}, 412),  # ClientRolesPartialImport.noClientFound
    ],
)
async def test_a_bad_import_answers_its_error_and_writes_nothing(env: Env, change: dict[str, Any], status: int) -> None:
    await demo_realm(env)
    headers = await env.admin_headers()
    response = await env.http.post(URL, json={**body(), **change}, headers=headers)
    assert response.status_code == status, response.text
    clients = await env.http.get(f"{DEMO}/clients", params={"clientId": "importer"}, headers=headers)
    assert clients.json() == []


async def test_a_user_or_group_naming_a_missing_role_creates_it_as_keycloak_does(env: Env) -> None:
    """RepresentationToModel.createRoleMappings (users) and importGroup (groups) add the realm or client role a
    mapping names and the realm lacks, then grant it: a realm file's users holding ``uma_protection`` import."""
    await demo_realm(env)
    headers = await env.admin_headers()
    change = {
        "users": [{"username": "gus", "realmRoles": ["ghost"], "clientRoles": {"importer": ["phantom"]}}],
        "groups": [{"name": "crew", "realmRoles": ["spectre"]}],
    }
    response = await env.http.post(URL, json={**body(), **change}, headers=headers)
    assert response.status_code == 200, response.text
    assert (response.json()["added"], response.json()["skipped"]) == (6, 0), response.json()
    for name in ("ghost", "spectre"):
        assert (await env.http.get(f"{DEMO}/roles/{name}", headers=headers)).status_code == 200
    importer = await client_uuid(env, "demo", "importer")
    assert (await env.http.get(f"{DEMO}/clients/{importer}/roles/phantom", headers=headers)).status_code == 200
    (gus,) = (await env.http.get(f"{DEMO}/users", params={"username": "gus", "exact": "true"}, headers=headers)).json()
    mapped = (await env.http.get(f"{DEMO}/users/{gus['id']}/role-mappings", headers=headers)).json()
    assert "ghost" in {r["name"] for r in mapped["realmMappings"]}, mapped
    assert [r["name"] for r in mapped["clientMappings"]["importer"]["mappings"]] == ["phantom"], mapped


async def test_it_needs_manage_realm_and_hands_out_no_admin_role(env: Env) -> None:
    await demo_realm(env)
    _, helpdesk = await make_admin(env, "demo", "helpdesk", "manage-users")
    forbidden(await env.http.post(URL, json=body(), headers=helpdesk))
    _, realmmgr = await make_admin(env, "demo", "realmmgr", "manage-realm", "manage-users", "manage-clients")
    sneaky = {
        "users": [{"username": "mole", "enabled": True, "clientRoles": {"realm-management": ["realm-admin"]}}],
        "groups": [{"name": "cabal", "clientRoles": {"realm-management": ["realm-admin"]}}],
    }
    for part in ("users", "groups"):
        forbidden(await env.http.post(URL, json={part: sneaky[part]}, headers=realmmgr))
    found = await env.http.get(
        f"{DEMO}/users", params={"username": "mole", "exact": "true"}, headers=await env.admin_headers()
    )
    assert found.json() == []


async def test_each_kind_needs_its_own_role_and_an_admin_role_is_not_overwritten(env: Env) -> None:
    """Beyond Keycloak's manage-realm: users need manage-users, clients manage-clients, and overwriting an admin
    role needs what deleting it needs."""
    await demo_realm(env)
    _, realm_only = await make_admin(env, "demo", "realmmgr", "manage-realm")
    forbidden(await env.http.post(URL, json={"users": [{"username": "nobody1"}]}, headers=realm_only))
    forbidden(await env.http.post(URL, json={"clients": [{"clientId": "nobody"}]}, headers=realm_only))
    ok = await env.http.post(URL, json={"roles": {"realm": [{"name": "plain"}]}}, headers=realm_only)
    assert ok.status_code == 200, ok.text
    _, managers = await make_admin(env, "demo", "managers", "manage-realm", "manage-clients")
    takeover = {"ifResourceExists": "OVERWRITE", "roles": {"client": {"realm-management": [{"name": "realm-admin"}]}}}
    forbidden(await env.http.post(URL, json=takeover, headers=managers))
    composites = await env.http.get(
        f"{DEMO}/clients/{await client_uuid(env, 'demo', 'realm-management')}/roles/realm-admin/composites",
        headers=await env.admin_headers(),
    )
    assert composites.status_code == 200 and len(composites.json()) > 5  # realm-admin is still the realm-admin
