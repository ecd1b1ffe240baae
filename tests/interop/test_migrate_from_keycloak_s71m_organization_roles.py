"""migrate-from-keycloak from a Keycloak database with organization roles (Keycloak main after 26.8.0): the rows of
tests/interop/keycloak_rows.py (organization ``acme``, alice its MANAGED member, realm role ``shopper``) moved to that
layout as JpaUpdate26_8_0_OrganizationRoles does (every role's TYPE, acme's default role ``default-roles-acme`` as
ORG.DEFAULT_ROLE_ID mapped on acme's internal group), then roles made as Keycloak stores them: KEYCLOAK_ROLE rows of
TYPE ORGANIZATION with ORG_ID, ROLE_ATTRIBUTE, COMPOSITE_ROLE, alice's USER_ROLE_MAPPING and an organization group's
GROUP_ROLE_MAPPING. An admin role (realm-management's manage-users) nested in an organization role or mapped on an
organization group is refused with a report line, as the realm-file import refuses it."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text

from doorkeep.store.database import Database
from interop import keycloak_rows as rows
from interop.test_migrate_from_keycloak import _migrate
from pg import ThrowawayPostgres

ROLE = (
    "INSERT INTO keycloak_role (id, client_realm_constraint, client_role, description, name, realm_id, type, org_id) "
    "VALUES ($1, $2, FALSE, $3, $4, $5, 'ORGANIZATION', $2)"
)


async def _organization_roles(url: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        realm = await conn.fetchval("SELECT id FROM realm WHERE name = 'shop'")
        acme, group = await conn.fetchrow("SELECT id, group_id FROM org WHERE alias = 'acme'")
        alice = await conn.fetchval("SELECT id FROM user_entity WHERE username = 'alice'")
        await conn.execute("UPDATE keycloak_role SET type = CASE WHEN client_role THEN 'CLIENT' ELSE 'REALM' END")
        await conn.execute(
            "INSERT INTO client (id, enabled, client_id, realm_id, bearer_only, protocol) "
            "VALUES ('c-rm', TRUE, 'realm-management', $1, TRUE, 'openid-connect')",
            realm,
        )
        await conn.execute(
            "INSERT INTO keycloak_role (id, client_realm_constraint, client_role, name, realm_id, client, type) "
            "VALUES ('r-manage-users', 'c-rm', TRUE, 'manage-users', $1, 'c-rm', 'CLIENT')",
            realm,
        )
        await conn.execute(ROLE, "r-default", acme, "${role_default-roles}", "default-roles-acme", realm)
        await conn.execute(ROLE, "r-buyer", acme, "Buys for acme", "buyer", realm)
        await conn.execute(ROLE, "r-viewer", acme, None, "viewer", realm)
        await conn.execute("UPDATE org SET default_role_id = 'r-default' WHERE id = $1", acme)
        await conn.execute("INSERT INTO group_role_mapping VALUES ('r-default', $1)", group)
        await conn.execute("INSERT INTO role_attribute VALUES ('a-1', 'r-buyer', 'level', 'senior')")
        shopper = await conn.fetchval("SELECT id FROM keycloak_role WHERE name = 'shopper' AND NOT client_role")
        for parent, child in (
            ("r-buyer", "r-viewer"),
            ("r-buyer", shopper),
            ("r-buyer", "r-manage-users"),  # an admin role: refused
            ("r-default", "r-viewer"),
        ):
            await conn.execute("INSERT INTO composite_role VALUES ($1, $2)", parent, child)
        await conn.execute("INSERT INTO user_role_mapping VALUES ('r-buyer', $1)", alice)
        await conn.execute("INSERT INTO keycloak_group VALUES ('g-sales', 'sales', $1, $2, 1)", group, realm)
        for role in ("r-viewer", shopper, "r-manage-users"):
            await conn.execute("INSERT INTO group_role_mapping VALUES ($1, 'g-sales')", role)
    finally:
        await conn.close()


QUERIES = {
    "roles": "SELECT r.name, r.description, r.attributes, r.is_default FROM organization_roles r ORDER BY r.name",
    "children": "SELECT p.name, c.name FROM organization_role_children x JOIN organization_roles p "
    "ON p.id = x.parent_id JOIN organization_roles c ON c.id = x.child_id ORDER BY p.name, c.name",
    "composites": "SELECT p.name, c.name FROM organization_role_composites x JOIN organization_roles p "
    "ON p.id = x.parent_id JOIN roles c ON c.id = x.child_id ORDER BY p.name, c.name",
    "members": "SELECT r.name, u.username FROM organization_role_members m JOIN organization_roles r "
    "ON r.id = m.role_id JOIN users u ON u.id = m.user_id ORDER BY r.name",
    "group org roles": "SELECT g.name, r.name FROM organization_group_roles x JOIN organization_groups g "
    "ON g.id = x.group_id JOIN organization_roles r ON r.id = x.role_id ORDER BY r.name",
    "group roles": "SELECT g.name, r.name FROM organization_group_role_mappings x JOIN organization_groups g "
    "ON g.id = x.group_id JOIN roles r ON r.id = x.role_id ORDER BY r.name",
}


async def _doorkeep(db_url: str) -> dict[str, list[tuple[object, ...]]]:
    db = Database(db_url)
    try:
        async with db.transaction(write=False) as tx:
            conn = tx.realms._c
            return {k: [tuple(r) for r in await conn.execute(text(q))] for k, q in QUERIES.items()}
    finally:
        await db.dispose()


@pytest.mark.parametrize("target", ["sqlite", "postgresql"])
def test_organization_roles_their_composites_and_mappings_are_carried(
    postgres_server: ThrowawayPostgres, tmp_path: Path, target: str
) -> None:
    name = f"kc_orgroles_{target}_{int(time.time() * 1000) % 10**9}"
    postgres_server.create_database(name)
    source = postgres_server.url(name)
    asyncio.run(rows.fill(source, int(time.time())))
    asyncio.run(_organization_roles(source))
    if target == "sqlite":
        db_url = f"sqlite:///{tmp_path / 'server' / 'data' / 'doorkeep.db'}"
    else:
        postgres_server.create_database(name + "_dk")
        db_url = postgres_server.url(name + "_dk")
    dry = _migrate(tmp_path / "server", source, db_url, "--dry-run")
    assert "3 organization roles" in dry
    refused = "Organization roles can not have admin roles as composites"
    assert f"cannot carry organization 'acme' role 'buyer' composite 'manage-users': {refused}" in dry
    group_refused = "Organization groups can not be mapped to admin roles"
    assert f"cannot carry organization 'acme' group '/sales' role 'manage-users': {group_refused}" in dry
    _migrate(tmp_path / "server", source, db_url)
    found = asyncio.run(_doorkeep(db_url))
    roles = [(n, d, a if isinstance(a, dict) else json.loads(str(a)), bool(x)) for n, d, a, x in found["roles"]]
    assert roles == [
        ("buyer", "Buys for acme", {"level": ["senior"]}, False),
        ("default-roles-acme", "${role_default-roles}", {}, True),
        ("viewer", None, {}, False),
    ]
    assert found["children"] == [("buyer", "viewer"), ("default-roles-acme", "viewer")]
    assert found["composites"] == [("buyer", "shopper")]  # manage-users refused
    assert found["members"] == [("buyer", "alice")]  # the default role comes with membership, not mapped
    assert found["group org roles"] == [("sales", "viewer")]
    assert found["group roles"] == [("sales", "shopper")]
    # nothing of acme's roles became a realm role
    realm_roles = asyncio.run(_realm_role_names(db_url))
    assert not {"buyer", "viewer", "default-roles-acme"} & realm_roles
    _migrate(tmp_path / "server", source, db_url)  # again: the same rows
    assert asyncio.run(_doorkeep(db_url)) == found


async def _realm_role_names(db_url: str) -> set[str]:
    db = Database(db_url)
    try:
        async with db.transaction(write=False) as tx:
            result = await tx.realms._c.execute(text("SELECT name FROM roles WHERE client_id IS NULL"))
            return {str(r[0]) for r in result}
    finally:
        await db.dispose()
