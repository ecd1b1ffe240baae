"""An identity provider mapper that hands out a role or a group asks the right to hand it out (security review H2,
beyond Keycloak: web/admin/idp_mapper_grants.py). Without it an administrator holding only
manage-identity-providers could write a Hardcoded Role mapper naming ``realm-management.realm-admin`` and log in
through a provider of their own to become realm-admin."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import client_uuid, forbidden, realm_admin, role_ref
from console_support import HTML, ORIGIN, csrf, sign_in
from wire_env import Env, client_at

pytestmark = [pytest.mark.anyio, pytest.mark.usefixtures("realm")]

BASE = "/admin/realms/test"
PROVIDERS = f"{BASE}/identity-provider/instances"
REALM_ADMIN = "realm-management.realm-admin"


def provider(alias: str) -> dict[str, Any]:
    config = {"syncMode": "IMPORT", "clientId": "clientId", "clientSecret": "secret"}
    return {"alias": alias, "providerId": "oidc", "config": config}


def mapper(name: str, kind: str, **config: str) -> dict[str, Any]:
    return {
        "name": name,
        "identityProviderAlias": "idp",
        "identityProviderMapper": kind,
        "config": {"syncMode": "INHERIT", **config},
    }


def hardcoded_role(role: str, name: str = "m") -> dict[str, Any]:
    return mapper(name, "oidc-hardcoded-role-idp-mapper", role=role)


ROLE_MAPPERS = (
    lambda role: hardcoded_role(role),
    lambda role: mapper("m", "oidc-role-idp-mapper", claim="team", **{"claim.value": "x"}, role=role),
    lambda role: mapper(
        "m",
        "oidc-advanced-role-idp-mapper",
        claims='[{"key":"team","value":"x"}]',
        **{"are.claim.values.regex": "false"},
        role=role,
    ),
)


async def names(env: Env) -> set[str]:
    listed = await env.http.get(f"{PROVIDERS}/idp/mappers", headers=await env.admin_headers())
    assert listed.status_code == 200, listed.text
    return {m["name"] for m in listed.json()}


async def with_provider(env: Env) -> dict[str, str]:
    """Provider ``idp`` made by the master admin; the header of ``idpadmin``, who holds manage-identity-providers."""
    made = await env.http.post(PROVIDERS, json=provider("idp"), headers=await env.admin_headers())
    assert made.status_code == 201, made.text
    return await realm_admin(env, "idpadmin", "manage-identity-providers")


async def admin_group(env: Env) -> None:
    """Group ``/admins``, holding realm-admin, and group ``/staff``, holding nothing."""
    headers = await env.admin_headers()
    for name in ("admins", "staff"):
        assert (await env.http.post(f"{BASE}/groups", json={"name": name}, headers=headers)).status_code == 201
    groups = (await env.http.get(f"{BASE}/groups", headers=headers)).json()
    admins = next(g["id"] for g in groups if g["name"] == "admins")
    rm = await client_uuid(env, "test", "realm-management")
    realm_admin_role = await role_ref(env, "test", "realm-admin", "realm-management")
    url = f"{BASE}/groups/{admins}/role-mappings/clients/{rm}"
    assert (await env.http.post(url, json=[realm_admin_role], headers=headers)).status_code == 204


@pytest.mark.parametrize("kind", range(len(ROLE_MAPPERS)))
async def test_a_role_mapper_naming_an_admin_role_needs_the_right_to_grant_it(env: Env, kind: int) -> None:
    headers = await with_provider(env)
    forbidden(await env.http.post(f"{PROVIDERS}/idp/mappers", json=ROLE_MAPPERS[kind](REALM_ADMIN), headers=headers))
    assert await names(env) == set()
    # the master admin may, and so may a realm-admin of the realm
    full = await realm_admin(env, "full", "realm-admin")
    made = await env.http.post(f"{PROVIDERS}/idp/mappers", json=ROLE_MAPPERS[kind](REALM_ADMIN), headers=full)
    assert made.status_code == 201, made.text


async def test_an_ordinary_role_and_a_role_no_one_has_stay_as_keycloak_has_them(env: Env) -> None:
    headers = await with_provider(env)
    created = await env.http.post(f"{BASE}/roles", json={"name": "plain"}, headers=await env.admin_headers())
    assert created.status_code == 201, created.text
    for name, role in (("plain", "plain"), ("missing", "no-such-role"), ("missing-client", "no-client.role")):
        made = await env.http.post(f"{PROVIDERS}/idp/mappers", json=hardcoded_role(role, name), headers=headers)
        assert made.status_code == 201, made.text
    assert await names(env) == {"plain", "missing", "missing-client"}


async def test_a_composite_holding_realm_admin_counts_as_realm_admin(env: Env) -> None:
    headers = await with_provider(env)
    master = await env.admin_headers()
    assert (await env.http.post(f"{BASE}/roles", json={"name": "wrapper"}, headers=master)).status_code == 201
    nested = await role_ref(env, "test", "realm-admin", "realm-management")
    added = await env.http.post(f"{BASE}/roles/wrapper/composites", json=[nested], headers=master)
    assert added.status_code == 204, added.text
    forbidden(await env.http.post(f"{PROVIDERS}/idp/mappers", json=hardcoded_role("wrapper"), headers=headers))
    assert await names(env) == set()


async def test_updating_a_harmless_mapper_to_realm_admin_is_refused_and_keeps_it(env: Env) -> None:
    headers = await with_provider(env)
    assert (await env.http.post(f"{BASE}/roles", json={"name": "plain"}, headers=await env.admin_headers())).is_success
    made = await env.http.post(f"{PROVIDERS}/idp/mappers", json=hardcoded_role("plain"), headers=headers)
    assert made.status_code == 201, made.text
    url = made.headers["location"]
    stored = (await env.http.get(url, headers=headers)).json()
    forbidden(
        await env.http.put(url, json={**stored, "config": {**stored["config"], "role": REALM_ADMIN}}, headers=headers)
    )
    assert (await env.http.get(url, headers=headers)).json()["config"]["role"] == "plain"


@pytest.mark.parametrize("kind", ["oidc-hardcoded-group-idp-mapper", "oidc-advanced-group-idp-mapper"])
async def test_a_group_mapper_needs_the_right_to_grant_the_groups_roles(env: Env, kind: str) -> None:
    headers = await with_provider(env)
    await admin_group(env)
    claims = {"claims": '[{"key":"team","value":"x"}]'} if "advanced" in kind else {}
    forbidden(
        await env.http.post(
            f"{PROVIDERS}/idp/mappers", json=mapper("a", kind, group="/admins", **claims), headers=headers
        )
    )
    made = await env.http.post(
        f"{PROVIDERS}/idp/mappers", json=mapper("s", kind, group="/staff", **claims), headers=headers
    )
    assert made.status_code == 201, made.text
    assert await names(env) == {"s"}


async def test_partial_import_of_such_a_mapper_is_refused_and_writes_nothing(env: Env) -> None:
    await with_provider(env)
    headers = await realm_admin(env, "importer", "manage-realm", "manage-identity-providers")
    body = {"ifResourceExists": "FAIL", "identityProviderMappers": [{**hardcoded_role(REALM_ADMIN), "name": "sneaky"}]}
    forbidden(await env.http.post(f"{BASE}/partialImport", json=body, headers=headers))
    assert await names(env) == set()


async def test_the_admin_console_refuses_such_a_mapper_with_a_message(env: Env) -> None:
    await with_provider(env)
    console = "/admin/test/console/test/identity-providers/instances/idp/mappers"
    kind = "oidc-hardcoded-role-idp-mapper"
    async with client_at(env, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "idpadmin")
        page = await http.get(console, headers=HTML)
        assert page.status_code == 200, page.text
        form = {"csrf_token": csrf(page), "name": "sneaky", "syncMode": "INHERIT", "role": REALM_ADMIN}
        refused = await http.post(f"{console}/add/{kind}", data=form, headers=ORIGIN)
        assert refused.status_code == 400 and "it is not yours to grant" in refused.text
        form = {**form, "csrf_token": csrf(await http.get(console, headers=HTML)), "role": "offline_access"}
        assert (await http.post(f"{console}/add/{kind}", data=form, headers=ORIGIN)).status_code == 303
    assert await names(env) == {"sneaky"}
