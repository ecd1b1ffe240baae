"""Admin roles a user does not hold never reach an access token (Keycloak 26.4.14's AdminRoleTokenPostProcessor,
CVE-2026-4629 / CVE-2026-16102; doorkeep.oauth.admin_role_claims).

Ports of RealmAdminAccessTest (tests/base, org.keycloak.tests.admin.authz.rbac) about admin roles injected into
tokens: testAdminRolesNotInTokenWhenNotGranted, the "full-token-client" pair (testManageUsersAdminCannotGrant
ManageRealm / ManageClients), testCannotEscalateViaRoleNameMapper, testLegitimateRoleNotStrippedWhenMapperAlsoPresent,
testRealmLevelAdminRolesNotInTokenWhenNotGranted and testLegitimateRealmLevelAdminRoleNotStrippedWhenMapperAlsoPresent,
each also asserting the token. Then hostile variants through mappers any client may carry: a hardcoded claim, a user
attribute the user edits, master's ``realm_access`` and ``<realm>-realm`` entries, a realm role mapper with a prefix,
a client role mapper filing an app's ``realm-admin`` under ``realm-management``, an offline refresh, introspection.
The mappers are written by the master admin: session 62's write-time check (admin/mapper_grants.py) lets them pass.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from admin_support import forbidden, make_admin, mappings_url, role_ref
from sent_statements import recording
from support import claims, password_grant, refresh, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

REALM = "test-realm"
ADMIN = f"/admin/realms/{REALM}"
# AdminRoles.ALL_ROLES
ALL_ADMIN_ROLES = frozenset(
    {
        "admin", "create-realm", "realm-admin", "impersonation", "create-client", "view-realm", "view-users",
        "view-clients", "view-events", "view-identity-providers", "view-authorization", "view-organizations",
        "manage-realm", "manage-users", "manage-clients", "manage-events", "manage-identity-providers",
        "manage-authorization", "manage-organizations", "query-users", "query-clients", "query-realms",
        "query-groups", "query-organizations",
    }
)  # fmt: skip
TOKEN_FLAGS = {"access.token.claim": "true", "id.token.claim": "true", "introspection.token.claim": "true"}


def hardcoded_role(name: str, role: str) -> dict[str, Any]:
    """HardcodedRole.create."""
    return {
        "name": name,
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-role-mapper",
        "config": {"role": role},
    }


def role_name_mapper(name: str, role: str, new_name: str) -> dict[str, Any]:
    """RoleNameMapper.create."""
    config = {"role": role, "new.role.name": new_name}
    return {"name": name, "protocol": "openid-connect", "protocolMapper": "oidc-role-name-mapper", "config": config}


def hardcoded_claim(name: str, claim: str, value: Any) -> dict[str, Any]:
    """HardcodedClaim of JSON type."""
    config = {**TOKEN_FLAGS, "claim.name": claim, "claim.value": json.dumps(value), "jsonType.label": "JSON"}
    return {
        "name": name,
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-claim-mapper",
        "config": config,
    }


def mapper(name: str, kind: str, claim: str, **config: str) -> dict[str, Any]:
    """A multivalued String claim mapper of ``kind``."""
    config = {**TOKEN_FLAGS, "claim.name": claim, "jsonType.label": "String", "multivalued": "true", **config}
    return {"name": name, "protocol": "openid-connect", "protocolMapper": kind, "config": config}


async def create_realm(env: Env) -> None:
    made = await env.http.post(
        "/admin/realms", json={"realm": REALM, "enabled": True}, headers=await env.admin_headers()
    )
    assert made.status_code == 201, made.text


async def create_client(env: Env, realm: str, client_id: str, *mappers: dict[str, Any], **extra: Any) -> str:
    """A public client with direct grants and these mappers (RealmAdminAccessTest.createClient); its id."""
    rep = {"clientId": client_id, "enabled": True, "publicClient": True, "directAccessGrantsEnabled": True}
    made = await env.http.post(
        f"/admin/realms/{realm}/clients",
        json={**rep, "protocol": "openid-connect", "protocolMappers": list(mappers), **extra},
        headers=await env.admin_headers(),
    )
    assert made.status_code == 201, made.text
    return str(made.headers["location"].rsplit("/", 1)[1])


async def tokens(env: Env, realm: str, client_id: str, username: str, **extra: str) -> dict[str, Any]:
    response = await password_grant(env.http, realm, client_id, username, secret=None, **extra)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def access(env: Env, realm: str, client_id: str, username: str) -> dict[str, Any]:
    return claims((await tokens(env, realm, client_id, username))["access_token"])


def management_roles(token: dict[str, Any], client_id: str = "realm-management") -> list[str]:
    """``resource_access.<client_id>.roles``; [] when the entry is absent (Keycloak's test reads it as empty)."""
    entry = token.get("resource_access", {}).get(client_id)
    return list(entry.get("roles", [])) if entry is not None else []


def realm_roles(token: dict[str, Any]) -> list[str]:
    return list(token.get("realm_access", {}).get("roles", []))


def bearer(token: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {token['access_token']}"}


# --- RealmAdminAccessTest --------------------------------------------------------------------------------------
async def test_admin_roles_not_in_token_when_not_granted(env: Env) -> None:
    """testAdminRolesNotInTokenWhenNotGranted."""
    await create_realm(env)
    await seed_user(env.db, env.clock, REALM, "test-user")
    await create_client(
        env,
        REALM,
        "test-client",
        hardcoded_role("inject-view-clients", "realm-management.view-clients"),
        hardcoded_role("inject-manage-users", "realm-management.manage-users"),
        hardcoded_role("inject-manage-realm", "realm-management.manage-realm"),
    )
    roles = management_roles(await access(env, REALM, "test-client", "test-user"))
    assert not set(roles) & ALL_ADMIN_ROLES, f"injected admin roles reached the token: {roles}"


@pytest.mark.parametrize("injected", ["manage-realm", "manage-clients"])
async def test_a_full_token_client_carries_no_injected_role_and_grants_nothing_with_it(env: Env, injected: str) -> None:
    """testManageUsersAdminCannotGrantManageRealm, testManageUsersAdminCannotGrantManageClients."""
    await create_realm(env)
    me, _ = await make_admin(env, REALM, "limited-admin", "manage-users", "view-clients")
    await create_client(
        env, REALM, "full-token-client", hardcoded_role(f"inject-{injected}", f"realm-management.{injected}")
    )
    issued = await tokens(env, REALM, "full-token-client", "limited-admin")
    roles = set(management_roles(claims(issued["access_token"])))
    assert injected not in roles and {"manage-users", "view-clients"} <= roles, roles
    rm = str(
        (
            await env.http.get(
                f"{ADMIN}/clients", params={"clientId": "realm-management"}, headers=await env.admin_headers()
            )
        ).json()[0]["id"]
    )
    wanted = await role_ref(env, REALM, injected, "realm-management")
    forbidden(await env.http.post(mappings_url(REALM, me, rm), json=[wanted], headers=bearer(issued)))


async def test_a_role_name_mapper_renaming_a_plain_role_to_manage_users_gives_no_manage_users(env: Env) -> None:
    """testCannotEscalateViaRoleNameMapper."""
    await create_realm(env)
    made = await env.http.post(f"{ADMIN}/roles", json={"name": "harmless-role"}, headers=await env.admin_headers())
    assert made.status_code == 201, made.text
    await make_admin(env, REALM, "attacker", "manage-clients", realm_roles=("harmless-role",))
    await create_client(
        env,
        REALM,
        "malicious-client",
        role_name_mapper("remap-to-manage-users", "harmless-role", "realm-management.manage-users"),
    )
    issued = await tokens(env, REALM, "malicious-client", "attacker")
    roles = set(management_roles(claims(issued["access_token"])))
    assert "manage-users" not in roles and "manage-clients" in roles, roles
    forbidden(await env.http.get(f"{ADMIN}/users", headers=bearer(issued)))


async def test_a_role_the_user_holds_stays_when_a_mapper_also_adds_it(env: Env) -> None:
    """testLegitimateRoleNotStrippedWhenMapperAlsoPresent."""
    await create_realm(env)
    await make_admin(env, REALM, "legit-admin", "view-clients")
    await create_client(
        env, REALM, "redundant-mapper-client", hardcoded_role("redundant-view-clients", "realm-management.view-clients")
    )
    issued = await tokens(env, REALM, "redundant-mapper-client", "legit-admin")
    assert "view-clients" in management_roles(claims(issued["access_token"]))
    listed = await env.http.get(f"{ADMIN}/clients", headers=bearer(issued))
    assert listed.status_code == 200 and listed.json(), listed.text


async def test_master_realm_level_admin_roles_not_in_token_when_not_granted(env: Env) -> None:
    """testRealmLevelAdminRolesNotInTokenWhenNotGranted."""
    await seed_user(env.db, env.clock, "master", "master-user")
    await create_client(
        env,
        "master",
        "realm-level-token-test-client",
        hardcoded_role("inject-admin", "admin"),
        hardcoded_role("inject-create-realm", "create-realm"),
    )
    roles = realm_roles(await access(env, "master", "realm-level-token-test-client", "master-user"))
    assert "offline_access" in roles and not set(roles) & ALL_ADMIN_ROLES, roles


async def test_master_create_realm_the_user_holds_stays_when_a_mapper_also_adds_it(env: Env) -> None:
    """testLegitimateRealmLevelAdminRoleNotStrippedWhenMapperAlsoPresent."""
    await seed_user(env.db, env.clock, "master", "master-user", realm_roles=("create-realm",))
    await create_client(
        env, "master", "redundant-realm-mapper-client", hardcoded_role("redundant-create-realm", "create-realm")
    )
    issued = await tokens(env, "master", "redundant-realm-mapper-client", "master-user")
    assert "create-realm" in realm_roles(claims(issued["access_token"]))
    made = await env.http.post("/admin/realms", json={"realm": "legit-realm"}, headers=bearer(issued))
    assert made.status_code == 201, made.text


# --- hostile mappers ----------------------------------------------------------------------------------------------
async def test_a_hardcoded_claim_writing_realm_management_roles_keeps_only_what_the_user_holds(env: Env) -> None:
    await create_realm(env)
    await make_admin(env, REALM, "viewer", "view-users")
    await create_client(
        env,
        REALM,
        "claims-client",
        hardcoded_claim("forged", "resource_access.realm-management.roles", ["realm-admin", "manage-users", "custom"]),
    )
    token = await access(env, REALM, "claims-client", "viewer")
    # union with the real roles (view-users and its composites), less what the user does not hold; a name that is
    # no admin role stays
    assert sorted(management_roles(token)) == ["custom", "query-groups", "query-users", "view-users"]


async def test_resource_access_entries_that_are_no_access_go_when_another_entry_is_one(env: Env) -> None:
    """TokenUtil.convertTokenRolesFromOtherClaims after #52094: once one entry (the user's ``account`` roles) reads
    as an Access, resource_access is those entries only."""
    await create_realm(env)
    await seed_user(env.db, env.clock, REALM, "plain")
    forged = {"realm-management": {"roles": ["realm-admin"], "extra": 1}, "app": "opaque"}
    await create_client(env, REALM, "object-client", hardcoded_claim("forged", "resource_access", forged))
    token = await access(env, REALM, "object-client", "plain")
    assert set(token["resource_access"]) == {"account"}, token["resource_access"]


async def test_resource_access_that_is_no_access_anywhere_still_loses_admin_roles(env: Env) -> None:
    """Keycloak keeps resource_access as mapped when no entry reads as an Access, and then never looks at it;
    Doorkeep strips the admin roles it lists all the same (and a lone string naming one)."""
    await create_realm(env)
    await seed_user(env.db, env.clock, REALM, "plain")
    forged = {
        "realm-management": {"roles": ["realm-admin", "custom"], "extra": 1},
        "test-realm-realm": {"roles": "manage-users"},  # not an admin client outside master: untouched
        "app": "opaque",
    }
    await create_client(
        env,
        REALM,
        "object-client",
        hardcoded_claim("forged", "resource_access", forged),
        hardcoded_claim("lone", "realm_access", {"roles": "admin"}),  # only master's realm_access is looked at
        defaultClientScopes=["basic"],  # no roles scope: no entry reads as an Access
    )
    token = await access(env, REALM, "object-client", "plain")
    assert token["resource_access"] == {**forged, "realm-management": {"roles": ["custom"], "extra": 1}}
    assert token["realm_access"] == {"roles": "admin"}
    await create_client(
        env,
        REALM,
        "lone-client",
        hardcoded_claim("lone", "resource_access.realm-management.roles", "manage-users"),
        defaultClientScopes=["basic"],
    )
    assert (await access(env, REALM, "lone-client", "plain"))["resource_access"] == {"realm-management": {"roles": []}}


async def test_a_user_attribute_the_user_edits_to_an_admin_role_name_does_not_reach_the_token(env: Env) -> None:
    await create_realm(env)
    await seed_user(env.db, env.clock, REALM, "editor")
    await create_client(
        env,
        REALM,
        "attribute-client",
        mapper(
            "name as role",
            "oidc-usermodel-attribute-mapper",
            "resource_access.realm-management.roles",
            **{"user.attribute": "firstName"},
        ),
    )
    await create_client(env, REALM, "self-service")
    own = await tokens(env, REALM, "self-service", "editor")
    me = await env.http.get(f"/realms/{REALM}/account", headers=bearer(own))
    assert me.status_code == 200, me.text
    edited = await env.http.post(
        f"/realms/{REALM}/account", json={**me.json(), "firstName": "realm-admin"}, headers=bearer(own)
    )
    assert edited.status_code == 204, edited.text
    token = await access(env, REALM, "attribute-client", "editor")
    assert token["resource_access"]["realm-management"]["roles"] == [], token["resource_access"]


async def test_master_realm_access_and_realm_clients_lose_admin_roles_the_user_lacks(env: Env) -> None:
    await create_realm(env)
    await seed_user(env.db, env.clock, "master", "master-user")
    forged = {
        "test-realm-realm": {"roles": ["manage-users", "impersonation", "custom"]},
        "app": {"roles": ["manage-users", "admin"]},  # no admin client: untouched
    }
    await create_client(
        env,
        "master",
        "forging-client",
        hardcoded_claim("realm forged", "realm_access.roles", ["admin", "create-realm", "custom"]),
        hardcoded_claim("clients forged", "resource_access", forged),
    )
    token = await access(env, "master", "forging-client", "master-user")
    assert "custom" in realm_roles(token) and not {"admin", "create-realm"} & set(realm_roles(token))
    assert management_roles(token, "test-realm-realm") == ["custom"]
    assert management_roles(token, "app") == ["manage-users", "admin"]


async def test_a_realm_role_mapper_with_a_prefix_cannot_spell_an_admin_role(env: Env) -> None:
    await create_realm(env)
    made = await env.http.post(f"{ADMIN}/roles", json={"name": "users"}, headers=await env.admin_headers())
    assert made.status_code == 201, made.text
    await seed_user(env.db, env.clock, REALM, "prefixed", realm_roles=("users",))
    await create_client(
        env,
        REALM,
        "prefix-client",
        mapper(
            "prefixed realm roles",
            "oidc-usermodel-realm-role-mapper",
            "resource_access.realm-management.roles",
            **{"usermodel.realmRoleMapping.rolePrefix": "manage-"},
        ),
    )
    roles = management_roles(await access(env, REALM, "prefix-client", "prefixed"))
    assert "manage-users" not in roles and "manage-offline_access" in roles, roles


async def test_a_client_role_mapper_filing_an_apps_realm_admin_under_realm_management_is_stripped(env: Env) -> None:
    await create_realm(env)
    app = await create_client(env, REALM, "app")
    made = await env.http.post(
        f"{ADMIN}/clients/{app}/roles", json={"name": "realm-admin"}, headers=await env.admin_headers()
    )
    assert made.status_code == 201, made.text
    user = await seed_user(env.db, env.clock, REALM, "app-user")
    granted = await env.http.post(
        mappings_url(REALM, user.id, app),
        json=[await role_ref(env, REALM, "realm-admin", "app")],
        headers=await env.admin_headers(),
    )
    assert granted.status_code == 204, granted.text
    await create_client(
        env,
        REALM,
        "filing-client",
        mapper(
            "app roles as management",
            "oidc-usermodel-client-role-mapper",
            "resource_access.realm-management.roles",
            **{"usermodel.clientRoleMapping.clientId": "app"},
        ),
    )
    token = await access(env, REALM, "filing-client", "app-user")
    assert management_roles(token) == []
    assert management_roles(token, "app") == ["realm-admin"]  # the app's own role, where it belongs


async def test_an_offline_refresh_keeps_stripping_and_shows_the_role_once_granted(env: Env) -> None:
    await create_realm(env)
    user = await seed_user(env.db, env.clock, REALM, "offline-user")
    await create_client(env, REALM, "offline-client", hardcoded_role("inject", "realm-management.view-clients"))
    issued = await tokens(env, REALM, "offline-client", "offline-user", scope="offline_access")
    assert claims(issued["refresh_token"])["typ"] == "Offline"
    for _ in range(2):
        again = await refresh(env.http, REALM, "offline-client", issued["refresh_token"], secret=None)
        assert again.status_code == 200, again.text
        assert management_roles(claims(again.json()["access_token"])) == []
    rm = str(
        (
            await env.http.get(
                f"{ADMIN}/clients", params={"clientId": "realm-management"}, headers=await env.admin_headers()
            )
        ).json()[0]["id"]
    )
    view = await role_ref(env, REALM, "view-clients", "realm-management")
    granted = await env.http.post(mappings_url(REALM, user.id, rm), json=[view], headers=await env.admin_headers())
    assert granted.status_code == 204, granted.text
    again = await refresh(env.http, REALM, "offline-client", issued["refresh_token"], secret=None)
    assert "view-clients" in management_roles(claims(again.json()["access_token"]))


async def test_introspection_shows_no_admin_role_the_user_lacks(env: Env) -> None:
    await create_realm(env)
    await seed_user(env.db, env.clock, REALM, "plain")
    await create_client(
        env,
        REALM,
        "claims-client",
        hardcoded_claim("forged", "resource_access.realm-management.roles", ["manage-users"]),
        {
            "name": "aud",
            "protocol": "openid-connect",
            "protocolMapper": "oidc-audience-mapper",
            "config": {**TOKEN_FLAGS, "included.client.audience": "resource-server"},
        },
    )
    made = await env.http.post(
        f"{ADMIN}/clients",
        json={"clientId": "resource-server", "secret": "secret", "publicClient": False, "enabled": True},
        headers=await env.admin_headers(),
    )
    assert made.status_code == 201, made.text
    issued = await tokens(env, REALM, "claims-client", "plain")
    answer = await env.http.post(
        f"/realms/{REALM}/protocol/openid-connect/token/introspect",
        data={"token": issued["access_token"], "client_id": "resource-server", "client_secret": "secret"},
    )
    assert answer.status_code == 200 and answer.json()["active"] is True, answer.text
    assert answer.json()["resource_access"]["realm-management"]["roles"] == []


async def test_a_refresh_without_admin_roles_or_with_injected_ones_on_a_full_scope_client_sends_no_more_sql(
    env: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Stripping costs no statement when the token names no admin role, nor when the client's roles (full scope) are
    the user's: only a client without full scope has the user's other roles read, and only when an admin role the
    scoped roles lack is named."""
    await create_realm(env)
    await seed_user(env.db, env.clock, REALM, "counted")
    await create_client(env, REALM, "clean-client")
    await create_client(env, REALM, "forging-client", hardcoded_role("inject", "realm-management.manage-users"))
    counts = {}
    for client_id in ("clean-client", "forging-client"):
        issued = await tokens(env, REALM, client_id, "counted")
        first = await refresh(env.http, REALM, client_id, issued["refresh_token"], secret=None)
        assert first.status_code == 200, first.text
        with recording(env.db, monkeypatch) as sent:
            again = await refresh(env.http, REALM, client_id, first.json()["refresh_token"], secret=None)
        assert again.status_code == 200, again.text
        assert management_roles(claims(again.json()["access_token"])) == []
        counts[client_id] = len(sent)
    assert counts["forging-client"] == counts["clean-client"], counts


async def test_a_client_without_full_scope_keeps_an_admin_role_the_user_holds_outside_its_scope(env: Env) -> None:
    """Keycloak compares with all the user's roles (RoleUtils.getDeepUserRoleMappings), not those in the client's
    scope: the hardcoded ``view-clients`` the user holds stays, ``manage-users`` they lack goes. Those roles are read
    (one statement more) only for such a client, and only when it names an admin role its scope lacks."""
    await create_realm(env)
    await make_admin(env, REALM, "scoped", "view-clients")
    await create_client(
        env,
        REALM,
        "scoped-client",
        hardcoded_role("held", "realm-management.view-clients"),
        hardcoded_role("lacked", "realm-management.manage-users"),
        fullScopeAllowed=False,
    )
    issued = await tokens(env, REALM, "scoped-client", "scoped")
    assert management_roles(claims(issued["access_token"])) == ["view-clients"]
    again = await refresh(env.http, REALM, "scoped-client", issued["refresh_token"], secret=None)
    assert again.status_code == 200, again.text
    assert management_roles(claims(again.json()["access_token"])) == ["view-clients"]


@pytest.mark.parametrize(
    "value",
    [
        {"realm-management": {"roles": "manage-users"}},
        {"realm-management": {"roles": ["manage-users", 7, None], "extra": 1}},
        {"realm-management": {"roles": {"manage-users": True}}},
        {"realm-management": "manage-users"},
        {"realm-management": None, "app": {"roles": ["x"]}},
        ["realm-management", "manage-users"],
        "manage-users",
    ],
)
@pytest.mark.parametrize("role_scope", [True, False], ids=["with-roles-scope", "no-client-scopes"])
async def test_a_malformed_mapped_resource_access_answers_and_lists_no_admin_role(
    env: Env, value: Any, role_scope: bool
) -> None:
    """Hostile shapes a hardcoded JSON claim can give ``resource_access``: the token endpoint answers 200 (never a
    500), and wherever the token lists realm-management roles (a list, a lone string or an object of names), no admin
    role the user lacks is among them. Without client scopes no role mapper writes a converted entry, so the mapped
    value is all the token has."""
    await create_realm(env)
    await seed_user(env.db, env.clock, REALM, "test-user")
    scopes: dict[str, Any] = {} if role_scope else {"defaultClientScopes": [], "optionalClientScopes": []}
    await create_client(env, REALM, "odd-client", hardcoded_claim("odd", "resource_access", value), **scopes)
    token = await access(env, REALM, "odd-client", "test-user")
    entry = (
        token.get("resource_access", {}).get("realm-management")
        if isinstance(token.get("resource_access"), dict)
        else None
    )
    listed = entry.get("roles") if isinstance(entry, dict) else None
    named = [listed] if isinstance(listed, str) else list(listed) if isinstance(listed, list | dict) else []
    assert not {r for r in named if isinstance(r, str)} & ALL_ADMIN_ROLES, token
