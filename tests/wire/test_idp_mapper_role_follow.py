"""Identity provider mappers follow a renamed role and a client whose clientId changes, as Keycloak's
RoleConfigPropertyByRoleNameSynchronizer and RoleConfigPropertyByClientIdSynchronizer make them (the
ConfigSyncEventListener of org.keycloak.broker.provider.mappersync): the mapper's ``role`` config shows the new
name, the next brokered login still grants the role, a delegated admin's rename is not a redirect
(doorkeep.admin.mapper_targets), and what no synchronizer reads (a client's protocol mapper, a value naming
another role) is left as it was."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from admin_support import client_uuid, make_admin, mapped, role_ref
from broker_support import ALIAS, broker_login, browser, served
from browser_flow import REDIRECT
from wire_env import Env

pytestmark = pytest.mark.anyio

BASE = "/admin/realms/test"
PROVIDERS = f"{BASE}/identity-provider/instances"


def hardcoded(role: str, name: str = "grant", alias: str = ALIAS) -> dict[str, Any]:
    return {
        "name": name,
        "identityProviderAlias": alias,
        "identityProviderMapper": "oidc-hardcoded-role-idp-mapper",
        "config": {"syncMode": "INHERIT", "role": role},
    }


async def created_id(env: Env, url: str, body: dict[str, Any]) -> str:
    made = await env.http.post(url, json=body, headers=await env.admin_headers())
    assert made.status_code == 201, made.text
    return str(made.headers["location"]).rsplit("/", 1)[1]


async def roles_named(env: Env, alias: str = ALIAS) -> dict[str, str]:
    """Each mapper of the provider by name: the role its config names, read back through the admin API."""
    listed = await env.http.get(f"{PROVIDERS}/{alias}/mappers", headers=await env.admin_headers())
    assert listed.status_code == 200, listed.text
    return {m["name"]: m["config"].get("role") for m in listed.json()}


async def put(env: Env, url: str, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
    done = await env.http.put(url, json=body, headers=headers or await env.admin_headers())
    assert done.status_code == 204, done.text


async def _realm_role(env: Env) -> tuple[str, str]:
    await created_id(env, f"{BASE}/roles", {"name": "ops"})
    await put(env, f"{BASE}/roles/ops", {"name": "chief"})
    return "ops", "chief"


async def _client_role(env: Env) -> tuple[str, str]:
    uuid = await created_id(env, f"{BASE}/clients", {"clientId": "opsapp"})
    await created_id(env, f"{BASE}/clients/{uuid}/roles", {"name": "boss"})
    role = await role_ref(env, "test", "boss", "opsapp")
    await put(env, f"{BASE}/roles-by-id/{role['id']}", {"name": "lead"})
    return "opsapp.boss", "opsapp.lead"


async def _client_id(env: Env) -> tuple[str, str]:
    uuid = await created_id(env, f"{BASE}/clients", {"clientId": "opsapp"})
    await created_id(env, f"{BASE}/clients/{uuid}/roles", {"name": "boss"})
    await put(env, f"{BASE}/clients/{uuid}", {"clientId": "newapp"})
    return "opsapp.boss", "newapp.boss"


RENAMES: dict[str, Callable[[Env], Awaitable[tuple[str, str]]]] = {
    "realm role renamed": _realm_role,
    "client role renamed": _client_role,
    "clientId changed": _client_id,
}


@pytest.mark.parametrize("case", list(RENAMES), ids=list(RENAMES))
async def test_a_renamed_role_is_still_granted_at_the_next_brokered_login(env: Env, case: str) -> None:
    async with served(env) as broker:
        await broker.add_provider()
        previous = {
            "realm role renamed": "ops",
            "client role renamed": "opsapp.boss",
            "clientId changed": "opsapp.boss",
        }
        # written before the role exists (a master admin may), it names the role by its first name
        await created_id(env, f"{PROVIDERS}/{ALIAS}/mappers", hardcoded(previous[case]))
        old, new = await RENAMES[case](env)
        assert old == previous[case]
        async with browser(broker) as http:
            done = await broker_login(http)
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        found = await env.http.get(
            f"{BASE}/users", params={"username": "alice", "exact": "true"}, headers=await env.admin_headers()
        )
        [alice] = found.json()
        assert new.rsplit(".", 1)[-1] in await mapped(env, "test", alice["id"])
        assert await roles_named(env) == {"grant": new}


def mapper(name: str, kind: str, role: str, **config: str) -> dict[str, Any]:
    return {
        "name": name,
        "identityProviderAlias": "idp",
        "identityProviderMapper": kind,
        "config": {"syncMode": "INHERIT", "role": role, **config},
    }


def mappers_naming(role: str) -> list[dict[str, Any]]:
    """One mapper of each type with a ``role`` config naming ``role``."""
    return [
        mapper("hardcoded", "oidc-hardcoded-role-idp-mapper", role),
        mapper("claim", "oidc-role-idp-mapper", role, claim="dept", **{"claim.value": "ops"}),
        mapper(
            "advanced",
            "oidc-advanced-role-idp-mapper",
            role,
            claims='[{"key":"dept","value":"ops"}]',
            **{"are.claim.values.regex": "false"},
        ),
    ]


async def provider_with(env: Env, mappers: list[dict[str, Any]]) -> None:
    config = {"syncMode": "IMPORT", "clientId": "clientId", "clientSecret": "secret"}
    await created_id(env, PROVIDERS, {"alias": "idp", "providerId": "oidc", "config": config})
    for each in mappers:
        await created_id(env, f"{PROVIDERS}/idp/mappers", each)


async def protocol_mapper_naming(env: Env, role: str) -> str:
    """A Hardcoded Role protocol mapper of client ``app`` naming ``role``; the URL of the client's mappers."""
    url = f"{BASE}/clients/{await client_uuid(env, 'test', 'app')}/protocol-mappers/models"
    body = {"name": "late", "protocol": "openid-connect", "protocolMapper": "oidc-hardcoded-role-mapper"}
    await created_id(env, url, {**body, "config": {"role": role}})
    return url


async def protocol_roles(env: Env, url: str) -> list[str]:
    listed = await env.http.get(url, headers=await env.admin_headers())
    return [m["config"]["role"] for m in listed.json() if m["name"] == "late"]


@pytest.mark.usefixtures("realm")
async def test_every_mapper_naming_a_renamed_realm_role_follows_it_and_nothing_else_does(env: Env) -> None:
    others = [
        mapper("near", "oidc-hardcoded-role-idp-mapper", "ops2"),
        mapper("dotted", "oidc-role-idp-mapper", "x.ops"),
    ]
    await provider_with(env, mappers_naming("ops") + others)
    await created_id(env, f"{BASE}/roles", {"name": "ops"})
    protocol = await protocol_mapper_naming(env, "ops")
    # a delegated admin's rename: the mappers that follow it do not point elsewhere (admin/mapper_targets.py)
    _, headers = await make_admin(env, "test", "renamer", "manage-realm")
    await put(env, f"{BASE}/roles/ops", {"name": "chief"}, headers)
    assert await roles_named(env, "idp") == {
        "hardcoded": "chief",
        "claim": "chief",
        "advanced": "chief",
        "near": "ops2",
        "dotted": "x.ops",
    }
    assert await protocol_roles(env, protocol) == ["ops"]  # no synchronizer reads protocol mappers
    # a rename that keeps the name, or an update of the description, moves nothing
    await put(env, f"{BASE}/roles/chief", {"name": "chief", "description": "the chief"})
    assert (await roles_named(env, "idp"))["hardcoded"] == "chief"


@pytest.mark.usefixtures("realm")
async def test_a_new_client_id_renames_the_client_roles_mappers_name(env: Env) -> None:
    named = [mapper("boss", "oidc-hardcoded-role-idp-mapper", "opsapp.boss")]
    named.append(mapper("dotted", "oidc-hardcoded-role-idp-mapper", "opsapp.x.y"))
    named.append(mapper("waiting", "oidc-role-idp-mapper", "opsapp.later", claim="dept", **{"claim.value": "ops"}))
    named.append(mapper("prefix", "oidc-hardcoded-role-idp-mapper", "opsappx.boss"))
    named.append(mapper("realm", "oidc-hardcoded-role-idp-mapper", "opsapp"))
    await provider_with(env, named)
    uuid = await created_id(env, f"{BASE}/clients", {"clientId": "opsapp"})
    for role in ("boss", "x.y"):
        await created_id(env, f"{BASE}/clients/{uuid}/roles", {"name": role})
    protocol = await protocol_mapper_naming(env, "opsapp.boss")
    _, headers = await make_admin(env, "test", "renamer", "manage-clients")
    await put(env, f"{BASE}/clients/{uuid}", {"clientId": "newapp"}, headers)
    assert await roles_named(env, "idp") == {
        "boss": "newapp.boss",
        "dotted": "newapp.x.y",  # the role ``x.y`` kept whole (Keycloak keeps what follows the last dot)
        "waiting": "newapp.later",  # a role the client has not yet: Keycloak matches the prefix alone
        "prefix": "opsappx.boss",
        "realm": "opsapp",
    }
    assert await protocol_roles(env, protocol) == ["opsapp.boss"]
    # an update keeping the clientId moves nothing
    await put(env, f"{BASE}/clients/{uuid}", {"clientId": "newapp", "description": "ops"})
    assert (await roles_named(env, "idp"))["boss"] == "newapp.boss"


@pytest.mark.usefixtures("realm")
async def test_a_mapper_following_a_new_client_id_is_not_redirected_to_the_realm_role_of_its_old_name(
    env: Env,
) -> None:
    """Realm role ``opsapp.boss`` holds realm-admin; the mapper names client ``opsapp``'s role ``boss``. Left
    behind, the mapper would name that realm role once the client is renamed, and mapper_targets would refuse the
    rename to an admin who may not grant realm-admin; following the rename, it still names the client's role."""
    await provider_with(env, [mapper("boss", "oidc-hardcoded-role-idp-mapper", "opsapp.boss")])
    await created_id(env, f"{BASE}/roles", {"name": "opsapp.boss"})
    ref = await role_ref(env, "test", "realm-admin", "realm-management")
    nested = await env.http.post(f"{BASE}/roles/opsapp.boss/composites", json=[ref], headers=await env.admin_headers())
    assert nested.status_code == 204, nested.text
    uuid = await created_id(env, f"{BASE}/clients", {"clientId": "opsapp"})
    await created_id(env, f"{BASE}/clients/{uuid}/roles", {"name": "boss"})
    _, headers = await make_admin(env, "test", "renamer", "manage-clients")
    await put(env, f"{BASE}/clients/{uuid}", {"clientId": "newapp"}, headers)
    assert await roles_named(env, "idp") == {"boss": "newapp.boss"}
