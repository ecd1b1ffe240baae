"""Attacker's sweep s67: what a delegated admin may grant, door by door, against Keycloak's checks.

Three classes. (1) A mapper that names nothing yet passes its write check; a later rename of a role, a client or a
group, a group moved or made at the named path, or a client deleted (``a.b`` then names the realm role ``a.b``)
pointed it at realm-admin (doorkeep.admin.mapper_targets closes it: the change asks the right to hand out what the
mapper now names). (2) Each narrow admin (manage-users, manage-clients, manage-realm, manage-identity-providers,
the query roles) tries every door that hands out realm-admin and gets 403 with nothing written, as Keycloak's
RolePermissions.checkAdminRoles answers (identity provider mappers: beyond Keycloak, which asks only
manage-identity-providers). (3) What Keycloak lets a narrow admin do to an admin's account, matched: manage-users
manages every user (UserPermissions.canManage(user): MANAGE_USERS, no look at the user's roles), manage-clients
reads and regenerates any client's secret, that of a service account holding realm-admin included."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from admin_support import client_uuid, forbidden, login, make_admin, mapped, role_ref
from broker_support import ALIAS, broker_login, browser, served
from browser_flow import REDIRECT
from support import password_grant, seed_client
from wire_env import Env

pytestmark = pytest.mark.anyio

BASE = "/admin/realms/test"
PROVIDERS = f"{BASE}/identity-provider/instances"
REALM_ADMIN = "realm-management.realm-admin"


def idp_mapper(kind: str, alias: str = "idp", **config: str) -> dict[str, Any]:
    return {
        "name": "late",
        "identityProviderAlias": alias,
        "identityProviderMapper": f"oidc-hardcoded-{kind}-idp-mapper",
        "config": {"syncMode": "INHERIT", **config},
    }


async def created_id(env: Env, url: str, body: dict[str, Any]) -> str:
    made = await env.http.post(url, json=body, headers=await env.admin_headers())
    assert made.status_code == 201, made.text
    return str(made.headers["location"]).rsplit("/", 1)[1]


async def nest_realm_admin(env: Env, composite_url: str) -> None:
    """Nest realm-admin into the role at ``composite_url`` (``…/composites``), as the master admin."""
    ref = await role_ref(env, "test", "realm-admin", "realm-management")
    nested = await env.http.post(composite_url, json=[ref], headers=await env.admin_headers())
    assert nested.status_code == 204, nested.text


async def admins_group(env: Env) -> str:
    """Group ``/admins`` holding realm-admin, made by the master admin; its id."""
    group = await created_id(env, f"{BASE}/groups", {"name": "admins"})
    rm = await client_uuid(env, "test", "realm-management")
    ref = await role_ref(env, "test", "realm-admin", "realm-management")
    url = f"{BASE}/groups/{group}/role-mappings/clients/{rm}"
    assert (await env.http.post(url, json=[ref], headers=await env.admin_headers())).status_code == 204
    return group


async def boss_client(env: Env, client_id: str = "opsapp") -> str:
    """Client ``opsapp`` whose role ``boss`` holds realm-admin, made by the master admin; its uuid."""
    uuid = await created_id(env, f"{BASE}/clients", {"clientId": client_id})
    await created_id(env, f"{BASE}/clients/{uuid}/roles", {"name": "boss"})
    await nest_realm_admin(env, f"{BASE}/clients/{uuid}/roles/boss/composites")
    return uuid


# --- (1) a rename, a move or a deletion points a waiting mapper at realm-admin --------------------------------
@dataclass(frozen=True)
class Redirect:
    """The attacker's roles, the mapper they write first (a role that does not exist yet: it passes), and the
    change (answering its HTTP call) that would then make it name realm-admin."""

    roles: tuple[str, ...]
    mapper_url: str
    mapper: dict[str, Any]
    change: Callable[[Env, dict[str, str], dict[str, str]], Awaitable[Any]]


async def _rename_group(env: Env, ids: dict[str, str], h: dict[str, str]) -> Any:
    return await env.http.put(f"{BASE}/groups/{ids['admins']}", json={"name": "pending"}, headers=h)


async def _move_group(env: Env, ids: dict[str, str], h: dict[str, str]) -> Any:
    return await env.http.post(
        f"{BASE}/groups/{ids['new']}/children", json={"id": ids["admins"], "name": "admins"}, headers=h
    )


async def _child_group(env: Env, ids: dict[str, str], h: dict[str, str]) -> Any:
    return await env.http.post(f"{BASE}/groups/{ids['admins']}/children", json={"name": "night"}, headers=h)


async def _rename_realm_role(env: Env, ids: dict[str, str], h: dict[str, str]) -> Any:
    return await env.http.put(f"{BASE}/roles-by-id/{ids['ops']}", json={"name": "pending"}, headers=h)


async def _rename_client(env: Env, ids: dict[str, str], h: dict[str, str]) -> Any:
    return await env.http.put(f"{BASE}/clients/{ids['opsapp']}", json={"clientId": "pending"}, headers=h)


async def _delete_client(env: Env, ids: dict[str, str], h: dict[str, str]) -> Any:
    return await env.http.delete(f"{BASE}/clients/{ids['late']}", headers=h)


IDP = "manage-identity-providers"
IDP_MAPPERS = f"{PROVIDERS}/idp/mappers"
REDIRECTS = {
    "group renamed": Redirect((IDP, "manage-users"), IDP_MAPPERS, idp_mapper("group", group="/pending"), _rename_group),
    "group moved": Redirect((IDP, "manage-users"), IDP_MAPPERS, idp_mapper("group", group="/new/admins"), _move_group),
    "group made below": Redirect(
        (IDP, "manage-users"), IDP_MAPPERS, idp_mapper("group", group="/admins/night"), _child_group
    ),
    "realm role renamed": Redirect(
        (IDP, "manage-realm"), IDP_MAPPERS, idp_mapper("role", role="pending"), _rename_realm_role
    ),
    "client renamed": Redirect(
        (IDP, "manage-clients"), IDP_MAPPERS, idp_mapper("role", role="pending.boss"), _rename_client
    ),
    "client renamed under a protocol mapper": Redirect(
        ("manage-clients",),
        "app-mappers",
        {
            "name": "late",
            "protocol": "openid-connect",
            "protocolMapper": "oidc-hardcoded-role-mapper",
            "config": {"role": "pending.boss"},
        },
        _rename_client,
    ),
    "client deleted": Redirect(
        (IDP, "manage-clients"), IDP_MAPPERS, idp_mapper("role", role="late.boss"), _delete_client
    ),
}


async def redirect_world(env: Env) -> dict[str, str]:
    """Provider ``idp``; group ``/admins`` (realm-admin) and empty ``/new``; realm roles ``ops`` and ``late.boss``
    holding realm-admin; client ``opsapp`` whose ``boss`` holds it; client ``late`` whose ``boss`` holds nothing."""
    config = {"syncMode": "IMPORT", "clientId": "clientId", "clientSecret": "secret"}
    await created_id(env, PROVIDERS, {"alias": "idp", "providerId": "oidc", "config": config})
    ids = {"admins": await admins_group(env), "new": await created_id(env, f"{BASE}/groups", {"name": "new"})}
    for name in ("ops", "late.boss"):
        await created_id(env, f"{BASE}/roles", {"name": name})
        await nest_realm_admin(env, f"{BASE}/roles/{name}/composites")
    ids["ops"] = (await role_ref(env, "test", "ops"))["id"]
    ids["opsapp"] = await boss_client(env)
    ids["late"] = await created_id(env, f"{BASE}/clients", {"clientId": "late"})
    await created_id(env, f"{BASE}/clients/{ids['late']}/roles", {"name": "boss"})
    return ids


@pytest.mark.usefixtures("realm")
@pytest.mark.parametrize("case", list(REDIRECTS), ids=list(REDIRECTS))
async def test_no_rename_move_or_deletion_points_a_waiting_mapper_at_realm_admin(env: Env, case: str) -> None:
    attack = REDIRECTS[case]
    ids = await redirect_world(env)
    _, headers = await make_admin(env, "test", "mole", *attack.roles)
    url = attack.mapper_url
    if url == "app-mappers":
        url = f"{BASE}/clients/{await client_uuid(env, 'test', 'app')}/protocol-mappers/models"
    written = await env.http.post(url, json=attack.mapper, headers=headers)
    assert written.status_code == 201, written.text  # it names nothing yet: it hands out nothing
    root = await env.admin_headers()
    before = {path: (await env.http.get(path, headers=root)).json() for path in (f"{BASE}/groups", f"{BASE}/clients")}
    forbidden(await attack.change(env, ids, headers))
    for path, listed in before.items():  # nothing renamed, moved, made or deleted
        assert (await env.http.get(path, headers=root)).json() == listed, path
    assert (await env.http.get(f"{BASE}/roles-by-id/{ids['ops']}", headers=root)).json()["name"] == "ops"
    # the same change with no mapper waiting for it is the admin's to make
    deleted = await env.http.delete(written.headers["location"], headers=root)
    assert deleted.status_code == 204, deleted.text
    done = await attack.change(env, ids, headers)
    assert done.status_code in (201, 204), done.text


async def test_a_renamed_group_does_not_make_the_next_brokered_user_realm_admin(env: Env) -> None:
    async with served(env) as broker:
        await broker.add_provider()
        group = await admins_group(env)
        _, headers = await make_admin(env, "test", "mole", IDP, "manage-users")
        url = f"{PROVIDERS}/{ALIAS}/mappers"
        written = await env.http.post(url, json=idp_mapper("group", ALIAS, group="/pending"), headers=headers)
        assert written.status_code == 201, written.text
        forbidden(await env.http.put(f"{BASE}/groups/{group}", json={"name": "pending"}, headers=headers))
        async with browser(broker) as http:
            done = await broker_login(http)
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        found = await env.http.get(
            f"{BASE}/users", params={"username": "alice", "exact": "true"}, headers=await env.admin_headers()
        )
        [alice] = found.json()
        assert await mapped(env, "test", alice["id"]) == {"default-roles-test"}
        joined = await env.http.get(f"{BASE}/users/{alice['id']}/groups", headers=await env.admin_headers())
        assert joined.json() == []


# --- (2) every narrow admin, every door to realm-admin --------------------------------------------------------
async def doors(env: Env, me: str, group: str) -> list[tuple[str, str, Any]]:
    """(method, url, body) of each call that would hand realm-admin to ``me`` or to everyone."""
    rm = await client_uuid(env, "test", "realm-management")
    account = await client_uuid(env, "test", "account")
    app = await client_uuid(env, "test", "app")
    ref = await role_ref(env, "test", "realm-admin", "realm-management")
    hardcoded = {"name": "hc", "protocol": "openid-connect", "protocolMapper": "oidc-hardcoded-role-mapper"}
    rm_roles = {"realm-management": ["realm-admin"]}
    return [
        ("POST", f"{BASE}/users/{me}/role-mappings/clients/{rm}", [ref]),
        ("PUT", f"{BASE}/users/{me}/groups/{group}", None),
        ("POST", f"{BASE}/roles/default-roles-test/composites", [ref]),
        ("POST", f"{BASE}/clients/{account}/roles/manage-account/composites", [ref]),
        ("PUT", f"{BASE}/default-groups/{group}", None),
        ("POST", f"{IDP_MAPPERS}", idp_mapper("role", role=REALM_ADMIN)),
        ("POST", f"{IDP_MAPPERS}", idp_mapper("group", group="/admins")),
        ("POST", f"{BASE}/clients/{app}/protocol-mappers/models", {**hardcoded, "config": {"role": REALM_ADMIN}}),
        ("POST", f"{BASE}/partialImport", {"users": [{"username": "mole2", "enabled": True, "clientRoles": rm_roles}]}),
        ("POST", f"{BASE}/users", {"username": "mole3", "groups": ["/admins"]}),
    ]


NARROW = {
    "manage-users": ("manage-users",),
    "manage-clients": ("manage-clients",),
    "manage-realm": ("manage-realm",),
    "manage-identity-providers": (IDP,),
    "query roles": ("query-users", "query-groups", "query-clients", "query-realms"),
    "all the manage roles": ("manage-users", "manage-clients", "manage-realm", IDP),
}


@pytest.mark.usefixtures("realm")
@pytest.mark.parametrize("roles", list(NARROW.values()), ids=list(NARROW))
async def test_no_narrow_admin_reaches_realm_admin_by_any_door(env: Env, roles: tuple[str, ...]) -> None:
    config = {"syncMode": "IMPORT", "clientId": "clientId", "clientSecret": "secret"}
    await created_id(env, PROVIDERS, {"alias": "idp", "providerId": "oidc", "config": config})
    group = await admins_group(env)
    me, headers = await make_admin(env, "test", "mole", *roles)
    for method, url, body in await doors(env, me, group):
        answer = await env.http.request(method, url, json=body, headers=headers)
        assert answer.status_code == 403, (method, url, answer.status_code, answer.text)
    assert await mapped(env, "test", me) == {"default-roles-test", *roles}
    root = await env.admin_headers()
    assert (await env.http.get(f"{BASE}/users/{me}/groups", headers=root)).json() == []
    assert (await env.http.get(f"{BASE}/default-groups", headers=root)).json() == []
    assert {
        r["name"] for r in (await env.http.get(f"{BASE}/roles/default-roles-test/composites", headers=root)).json()
    } == {
        "offline_access",
        "uma_authorization",
        "view-profile",
        "manage-account",
    }
    forbidden(await env.http.get(f"{BASE}/events", headers=await login(env, "test", "mole")))


# --- (3) what Keycloak lets a narrow admin do to an admin's account, matched -----------------------------------
@pytest.mark.usefixtures("realm")
async def test_manage_users_resets_a_realm_admins_password_as_keycloak_does(env: Env) -> None:
    await make_admin(env, "test", "boss", "realm-admin")
    boss = await env.http.get(f"{BASE}/users", params={"username": "boss"}, headers=await env.admin_headers())
    _, headers = await make_admin(env, "test", "helpdesk", "manage-users")
    body = {"type": "password", "value": "taken-over", "temporary": False}
    reset = await env.http.put(f"{BASE}/users/{boss.json()[0]['id']}/reset-password", json=body, headers=headers)
    assert reset.status_code == 204, reset.text
    signed_in = await password_grant(env.http, "test", "admin-cli", "boss", password="taken-over", secret=None)
    assert signed_in.status_code == 200, signed_in.text


@pytest.mark.usefixtures("realm")
async def test_manage_clients_reads_the_secret_of_a_realm_admin_service_account_as_keycloak_does(env: Env) -> None:
    robot = await seed_client(env.db, "test", "robot", secret="robot-secret", service_accounts=True)
    root = await env.admin_headers()
    account = (await env.http.get(f"{BASE}/clients/{robot.id}/service-account-user", headers=root)).json()
    rm = await client_uuid(env, "test", "realm-management")
    ref = await role_ref(env, "test", "realm-admin", "realm-management")
    url = f"{BASE}/users/{account['id']}/role-mappings/clients/{rm}"
    assert (await env.http.post(url, json=[ref], headers=root)).status_code == 204
    _, headers = await make_admin(env, "test", "clientmgr", "manage-clients")
    secret = await env.http.get(f"{BASE}/clients/{robot.id}/client-secret", headers=headers)
    assert secret.status_code == 200 and secret.json()["value"] == "robot-secret", secret.text


@pytest.mark.usefixtures("realm")
async def test_manage_clients_rewrites_the_admin_consoles_redirect_uris_as_keycloak_does(env: Env) -> None:
    console = await client_uuid(env, "test", "security-admin-console")
    _, headers = await make_admin(env, "test", "clientmgr", "manage-clients")
    changed = await env.http.put(
        f"{BASE}/clients/{console}", json={"redirectUris": ["https://elsewhere.example/*"]}, headers=headers
    )
    assert changed.status_code == 204, changed.text
    shown = await env.http.get(f"{BASE}/clients/{console}", headers=await env.admin_headers())
    assert shown.json()["redirectUris"] == ["https://elsewhere.example/*"]


@pytest.mark.usefixtures("realm")
async def test_manage_identity_providers_repoints_a_provider_whose_mapper_grants_realm_admin_as_keycloak_does(
    env: Env,
) -> None:
    config = {"syncMode": "IMPORT", "clientId": "clientId", "clientSecret": "secret"}
    await created_id(env, PROVIDERS, {"alias": "idp", "providerId": "oidc", "config": config})
    await created_id(env, IDP_MAPPERS, idp_mapper("role", role=REALM_ADMIN))  # the master admin's own mapper
    _, headers = await make_admin(env, "test", "idpadmin", IDP)
    elsewhere = {
        **config,
        "authorizationUrl": "https://elsewhere.example/auth",
        "tokenUrl": "https://elsewhere.example/t",
    }
    body = {"alias": "idp", "providerId": "oidc", "config": elsewhere}
    changed = await env.http.put(f"{PROVIDERS}/idp", json=body, headers=headers)
    assert changed.status_code == 204, changed.text
    shown = await env.http.get(f"{PROVIDERS}/idp", headers=await env.admin_headers())
    assert shown.json()["config"]["tokenUrl"] == "https://elsewhere.example/t"


async def test_renaming_a_realm_points_no_waiting_master_mapper_at_its_admin_roles(env: Env) -> None:
    """Master's ``<realm>-realm`` client follows its realm's name, so a master mapper naming ``renamed-realm.…``
    would hand out the renamed realm's admin roles."""
    config = {"syncMode": "IMPORT", "clientId": "clientId", "clientSecret": "secret"}
    await created_id(
        env,
        "/admin/realms/master/identity-provider/instances",
        {"alias": "idp", "providerId": "oidc", "config": config},
    )
    made = await env.http.post(
        "/admin/realms", json={"realm": "side", "enabled": True}, headers=await env.admin_headers()
    )
    assert made.status_code == 201, made.text
    me, _ = await make_admin(env, "master", "mole", IDP)
    async with env.db.transaction() as tx:
        master = await tx.realms.get_by_name("master")
        assert master is not None
        test_realm = await tx.clients.get_by_client_id(master.id, "side-realm")
        assert test_realm is not None
        manage_realm = await tx.roles.get_client_role(test_realm.id, "manage-realm")
        assert manage_realm is not None
        await tx.users.grant_roles(me, [manage_realm.id])
    headers = await login(env, "master", "mole")
    url = "/admin/realms/master/identity-provider/instances/idp/mappers"
    written = await env.http.post(url, json=idp_mapper("role", role="renamed-realm.manage-users"), headers=headers)
    assert written.status_code == 201, written.text
    side = "/admin/realms/side"
    forbidden(await env.http.put(side, json={"realm": "renamed"}, headers=headers))
    assert (await env.http.get(side, headers=await env.admin_headers())).json()["realm"] == "side"
    assert (await env.http.delete(written.headers["location"], headers=await env.admin_headers())).status_code == 204
    renamed = await env.http.put(side, json={"realm": "renamed"}, headers=headers)
    assert renamed.status_code == 204, renamed.text
