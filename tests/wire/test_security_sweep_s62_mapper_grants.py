"""Session 62: a mapper that grants a role asks the right to grant it (Keycloak CVE-2026-4629, keycloak#50445; and
CVE-2026-12388, keycloak#50444 / #49132, for identity provider mappers). A manage-clients holder wrote a Hardcoded
Role mapper naming ``realm-management.realm-admin`` (or a Role Name Mapper renaming a role every user holds to it)
onto a client and every token of that client carried realm-admin. Now every road that stores such a mapper asks
what mapping the role asks (doorkeep.admin.mapper_grants, RolePermissions.checkAdminRoles' rule): a narrow admin
is refused 403 with nothing written, a realm admin is not, and a role that is no admin role needs only
manage-clients, as in Keycloak."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import client_uuid, forbidden, realm_admin, role_ref
from support import claims, password_grant, seed_client
from wire_env import Env

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("realm")]

TEST = "/admin/realms/test"
REG = "/realms/test/clients-registrations/default"
REALM_ADMIN = "realm-management.realm-admin"
DENIED = {"error": "insufficient_scope", "error_description": "Forbidden"}
POLICIES = {"type": "org.keycloak.services.clientregistration.policy.ClientRegistrationPolicy"}


def hardcoded(role: str, name: str = "escalate") -> dict[str, Any]:
    config = {"role": role, "access.token.claim": "true"}
    return {
        "name": name,
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-role-mapper",
        "config": config,
    }


def renaming(new_name: str, name: str = "rename") -> dict[str, Any]:
    """A Role Name Mapper moving ``offline_access``, which every user holds by default, to ``new_name``."""
    config = {"role": "offline_access", "new.role.name": new_name}
    return {"name": name, "protocol": "openid-connect", "protocolMapper": "oidc-role-name-mapper", "config": config}


GRANTING = [hardcoded, renaming]


async def clients_admin(env: Env) -> dict[str, str]:
    return await realm_admin(env, "clientmgr", "manage-clients")


async def full_admin(env: Env) -> dict[str, str]:
    return await realm_admin(env, "full", "realm-admin")


async def mapper_names(env: Env, owner: str) -> set[str]:
    """The names of the mappers of ``owner`` (``clients/{uuid}`` or ``client-scopes/{id}``), read as master's admin."""
    listed = await env.http.get(f"{TEST}/{owner}/protocol-mappers/models", headers=await env.admin_headers())
    assert listed.status_code == 200, listed.text
    return {m["name"] for m in listed.json()}


async def claims_realm_admin(env: Env, client_id: str = "app") -> bool:
    answer = await password_grant(env.http, "test", client_id, "user1", "password")
    assert answer.status_code == 200, answer.text
    access: dict[str, Any] = claims(answer.json()["access_token"]).get("resource_access", {})
    return "realm-admin" in access.get("realm-management", {}).get("roles", [])


async def app_owner(env: Env) -> str:
    return f"clients/{await client_uuid(env, 'test', 'app')}"


@pytest.mark.parametrize("kind", GRANTING, ids=["hardcoded-role", "role-name"])
async def test_a_client_mapper_handing_out_realm_admin_needs_the_right_to_grant_it(realm: Env, kind: Any) -> None:
    owner = await app_owner(realm)
    url = f"{TEST}/{owner}/protocol-mappers/models"
    before = await mapper_names(realm, owner)
    forbidden(await realm.http.post(url, json=kind(REALM_ADMIN), headers=await clients_admin(realm)))
    assert await mapper_names(realm, owner) == before
    assert not await claims_realm_admin(realm)
    made = await realm.http.post(url, json=kind(REALM_ADMIN), headers=await full_admin(realm))
    assert made.status_code == 201, made.text
    # Written by who may grant it, as in Keycloak; still, user1 does not hold realm-admin, so since Keycloak
    # 26.4.14's AdminRoleTokenPostProcessor the token does not carry it (doorkeep.oauth.admin_role_claims).
    assert not await claims_realm_admin(realm)


async def test_add_models_refuses_the_whole_batch(realm: Env) -> None:
    owner = await app_owner(realm)
    before = await mapper_names(realm, owner)
    batch = [hardcoded("offline_access", "harmless"), hardcoded(REALM_ADMIN)]
    refused = await realm.http.post(
        f"{TEST}/{owner}/protocol-mappers/add-models", json=batch, headers=await clients_admin(realm)
    )
    forbidden(refused)
    assert await mapper_names(realm, owner) == before


async def test_updating_a_mapper_to_realm_admin_is_refused_but_renaming_an_admins_mapper_is_not(realm: Env) -> None:
    owner = await app_owner(realm)
    url = f"{TEST}/{owner}/protocol-mappers/models"
    narrow = await clients_admin(realm)
    made = await realm.http.post(url, json=hardcoded("offline_access", "plain"), headers=narrow)
    assert made.status_code == 201, made.text
    plain = made.headers["location"]
    stored = (await realm.http.get(plain, headers=narrow)).json()
    changed = {**stored, "config": {**stored["config"], "role": REALM_ADMIN}}
    forbidden(await realm.http.put(plain, json=changed, headers=narrow))
    assert (await realm.http.get(plain, headers=narrow)).json()["config"]["role"] == "offline_access"
    # a mapper a realm admin wrote hands out nothing new when a narrow admin only renames it
    by_admin = await realm.http.post(url, json=hardcoded(REALM_ADMIN), headers=await full_admin(realm))
    assert by_admin.status_code == 201, by_admin.text
    mapper = (await realm.http.get(by_admin.headers["location"], headers=narrow)).json()
    renamed = await realm.http.put(by_admin.headers["location"], json={**mapper, "name": "renamed"}, headers=narrow)
    assert renamed.status_code == 204, renamed.text


async def test_client_scope_mappers_and_a_new_scope_carrying_one_are_refused(realm: Env) -> None:
    narrow = await clients_admin(realm)
    scope = {"name": "escalate", "protocol": "openid-connect", "protocolMappers": [hardcoded(REALM_ADMIN)]}
    forbidden(await realm.http.post(f"{TEST}/client-scopes", json=scope, headers=narrow))
    listed = await realm.http.get(f"{TEST}/client-scopes", headers=await realm.admin_headers())
    assert "escalate" not in {s["name"] for s in listed.json()}
    made = await realm.http.post(f"{TEST}/client-scopes", json={**scope, "protocolMappers": []}, headers=narrow)
    assert made.status_code == 201, made.text
    owner = f"client-scopes/{made.headers['location'].rsplit('/', 1)[1]}"
    forbidden(
        await realm.http.post(f"{TEST}/{owner}/protocol-mappers/models", json=hardcoded(REALM_ADMIN), headers=narrow)
    )
    assert await mapper_names(realm, owner) == set()


async def test_a_client_create_or_update_carrying_such_a_mapper_is_refused(realm: Env) -> None:
    narrow = await clients_admin(realm)
    new = {"clientId": "sneaky", "protocolMappers": [hardcoded(REALM_ADMIN)]}
    forbidden(await realm.http.post(f"{TEST}/clients", json=new, headers=narrow))
    listed = await realm.http.get(f"{TEST}/clients", params={"clientId": "sneaky"}, headers=narrow)
    assert listed.json() == []
    owner = await app_owner(realm)
    before = await mapper_names(realm, owner)
    app = (await realm.http.get(f"{TEST}/{owner}", headers=narrow)).json()
    sent = {**app, "protocolMappers": [*app.get("protocolMappers", []), hardcoded(REALM_ADMIN)]}
    forbidden(await realm.http.put(f"{TEST}/{owner}", json=sent, headers=narrow))
    assert await mapper_names(realm, owner) == before
    assert not await claims_realm_admin(realm)
    made = await realm.http.post(f"{TEST}/clients", json=new, headers=await full_admin(realm))
    assert made.status_code == 201, made.text


async def test_a_client_update_resending_an_admins_mapper_unchanged_passes(realm: Env) -> None:
    """The admin console sends the whole client back: a mapper a realm admin wrote is not the narrow admin's grant."""
    owner = await app_owner(realm)
    url = f"{TEST}/{owner}/protocol-mappers/models"
    assert (await realm.http.post(url, json=hardcoded(REALM_ADMIN), headers=await full_admin(realm))).is_success
    narrow = await clients_admin(realm)
    app = (await realm.http.get(f"{TEST}/{owner}", headers=narrow)).json()
    updated = await realm.http.put(f"{TEST}/{owner}", json={**app, "description": "edited"}, headers=narrow)
    assert updated.status_code == 204, updated.text
    assert "escalate" in await mapper_names(realm, owner)
    # swapping its type to another granting one is a new grant
    swapped = [
        renaming(REALM_ADMIN, "escalate") if m["name"] == "escalate" else m for m in app.get("protocolMappers", [])
    ]
    forbidden(await realm.http.put(f"{TEST}/{owner}", json={**app, "protocolMappers": swapped}, headers=narrow))


async def test_partial_import_of_a_client_with_such_a_mapper_is_refused(realm: Env) -> None:
    importer = await realm_admin(realm, "importer", "manage-realm", "manage-clients")
    body = {
        "ifResourceExists": "OVERWRITE",
        "clients": [{"clientId": "app", "protocolMappers": [hardcoded(REALM_ADMIN)]}],
    }
    owner = await app_owner(realm)
    before = await mapper_names(realm, owner)
    forbidden(await realm.http.post(f"{TEST}/partialImport", json=body, headers=importer))
    assert await mapper_names(realm, owner) == before  # not overwritten, nothing added
    assert not await claims_realm_admin(realm)
    done = await realm.http.post(f"{TEST}/partialImport", json=body, headers=await full_admin(realm))
    assert done.status_code == 200, done.text
    assert "escalate" in await mapper_names(realm, await app_owner(realm))  # the client made again, with it


async def allow_hardcoded_role_for_authenticated_registrations(env: Env) -> None:
    master = await env.admin_headers()
    listed = await env.http.get(f"{TEST}/components", params=POLICIES, headers=master)
    (policy,) = [
        p for p in listed.json() if p["providerId"] == "allowed-protocol-mappers" and p["subType"] == "authenticated"
    ]
    types = policy["config"]["allowed-protocol-mapper-types"]
    policy["config"]["allowed-protocol-mapper-types"] = [*types, "oidc-hardcoded-role-mapper"]
    updated = await env.http.put(f"{TEST}/components/{policy['id']}", json=policy, headers=master)
    assert updated.status_code == 204, updated.text


async def test_a_registration_with_an_admins_token_is_guarded_whatever_the_policies_allow(realm: Env) -> None:
    await allow_hardcoded_role_for_authenticated_registrations(realm)
    narrow = await clients_admin(realm)
    rep = {"clientId": "registered", "protocolMappers": [hardcoded(REALM_ADMIN)]}
    refused = await realm.http.post(REG, json=rep, headers=narrow)
    assert (refused.status_code, refused.json()) == (403, DENIED)
    assert (await realm.http.get(f"{TEST}/clients", params={"clientId": "registered"}, headers=narrow)).json() == []
    plain = await realm.http.post(REG, json={**rep, "protocolMappers": [hardcoded("offline_access")]}, headers=narrow)
    assert plain.status_code == 201, plain.text
    read = plain.json()
    token = {"Authorization": f"Bearer {read.pop('registrationAccessToken')}"}
    escalated = {**read, "protocolMappers": [hardcoded(REALM_ADMIN, "more")]}
    for headers in (narrow, token):
        answer = await realm.http.put(f"{REG}/registered", json=escalated, headers=headers)
        assert (answer.status_code, answer.json()) == (403, DENIED)
    owner = f"clients/{await client_uuid(realm, 'test', 'registered')}"
    assert await mapper_names(realm, owner) == {"escalate"}
    allowed = await realm.http.post(REG, json={**rep, "clientId": "by-admin"}, headers=await full_admin(realm))
    assert allowed.status_code == 201, allowed.text


async def test_a_plain_role_a_missing_role_and_another_clients_role_stay_as_keycloak_has_them(realm: Env) -> None:
    master = await realm.admin_headers()
    assert (await realm.http.post(f"{TEST}/roles", json={"name": "plain"}, headers=master)).status_code == 201
    owner = await app_owner(realm)
    url = f"{TEST}/{owner}/protocol-mappers/models"
    narrow = await clients_admin(realm)
    names = {"plain": "plain", "missing": "no-such-role", "other": "no-client.role", "account": "account.view-profile"}
    for name, role in names.items():
        made = await realm.http.post(url, json=hardcoded(role, name), headers=narrow)
        assert made.status_code == 201, made.text
    made = await realm.http.post(url, json=renaming("plain", "renamed"), headers=narrow)
    assert made.status_code == 201, made.text
    assert set(names) | {"renamed"} <= await mapper_names(realm, owner)


async def test_a_role_wrapping_realm_admin_is_found_as_the_token_finds_it(realm: Env) -> None:
    """parseRole splits at the last dot: ``my.app.ops`` is client ``my.app``'s role ``ops``, which wraps
    realm-admin. Splitting at the first dot would look for a client ``my`` and find nothing to refuse."""
    master = await realm.admin_headers()
    await seed_client(realm.db, "test", "my.app")
    dotted = await client_uuid(realm, "test", "my.app")
    assert (await realm.http.post(f"{TEST}/clients/{dotted}/roles", json={"name": "ops"}, headers=master)).is_success
    nested = [await role_ref(realm, "test", "realm-admin", "realm-management")]
    added = await realm.http.post(f"{TEST}/clients/{dotted}/roles/ops/composites", json=nested, headers=master)
    assert added.status_code == 204, added.text
    owner = await app_owner(realm)
    url = f"{TEST}/{owner}/protocol-mappers/models"
    forbidden(await realm.http.post(url, json=hardcoded("my.app.ops"), headers=await clients_admin(realm)))
    assert "escalate" not in await mapper_names(realm, owner)


async def test_an_identity_provider_mapper_granting_realm_admin_needs_the_right_to_grant_it(realm: Env) -> None:
    """CVE-2026-12388: the identity provider mapper roads (web/admin/idp_mapper_grants.py, since session 56's H2)."""
    providers = f"{TEST}/identity-provider/instances"
    master = await realm.admin_headers()
    provider = {"alias": "idp", "providerId": "oidc", "config": {"clientId": "c", "clientSecret": "s"}}
    assert (await realm.http.post(providers, json=provider, headers=master)).status_code == 201
    narrow = await realm_admin(realm, "idpadmin", "manage-identity-providers")
    rep = {
        "name": "m",
        "identityProviderAlias": "idp",
        "identityProviderMapper": "oidc-hardcoded-role-idp-mapper",
        "config": {"syncMode": "INHERIT", "role": REALM_ADMIN},
    }
    forbidden(await realm.http.post(f"{providers}/idp/mappers", json=rep, headers=narrow))
    made = await realm.http.post(
        f"{providers}/idp/mappers",
        json={**rep, "config": {"syncMode": "INHERIT", "role": "offline_access"}},
        headers=narrow,
    )
    assert made.status_code == 201, made.text
    stored = (await realm.http.get(made.headers["location"], headers=narrow)).json()
    forbidden(await realm.http.put(made.headers["location"], json={**stored, "config": rep["config"]}, headers=narrow))
    assert (await realm.http.get(made.headers["location"], headers=narrow)).json()["config"]["role"] == "offline_access"
    by_admin = await realm.http.post(
        f"{providers}/idp/mappers", json={**rep, "name": "a"}, headers=await full_admin(realm)
    )
    assert by_admin.status_code == 201, by_admin.text
