"""Reading a Keycloak 24–26 PostgreSQL database, read-only, for ``doorkeep migrate-from-keycloak``.

Every query runs inside one ``READ ONLY`` transaction (PostgreSQL refuses any write in it), so
the migration cannot change Keycloak's database and sees one consistent snapshot. The rows come
back as plain dicts keyed by lower-case column name; ``realms.kcmigrate`` turns them into Doorkeep's
model. Table and column names are those of Keycloak's Liquibase changelogs (unquoted, so lower case).
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, create_async_engine

from doorkeep.store.database import async_url

Rows = list[dict[str, Any]]

# What the migration reads of one realm: table -> query with the :realm parameter (the realm's id).
_BY_REALM: dict[str, str] = {
    "realm_attribute": "SELECT name, value FROM realm_attribute WHERE realm_id = :realm",
    "client": "SELECT * FROM client WHERE realm_id = :realm ORDER BY client_id",
    "client_attributes": "SELECT a.client_id, a.name, a.value FROM client_attributes a "
    "JOIN client c ON c.id = a.client_id WHERE c.realm_id = :realm",
    "redirect_uris": "SELECT r.client_id, r.value FROM redirect_uris r JOIN client c ON c.id = r.client_id "
    "WHERE c.realm_id = :realm",
    "web_origins": "SELECT w.client_id, w.value FROM web_origins w JOIN client c ON c.id = w.client_id "
    "WHERE c.realm_id = :realm",
    "client_scope": "SELECT * FROM client_scope WHERE realm_id = :realm ORDER BY name",
    "client_scope_attributes": "SELECT a.scope_id, a.name, a.value FROM client_scope_attributes a "
    "JOIN client_scope s ON s.id = a.scope_id WHERE s.realm_id = :realm",
    "client_scope_client": "SELECT l.client_id, l.scope_id, l.default_scope FROM client_scope_client l "
    "JOIN client c ON c.id = l.client_id WHERE c.realm_id = :realm",
    "default_client_scope": "SELECT scope_id, default_scope FROM default_client_scope WHERE realm_id = :realm",
    "keycloak_role": "SELECT * FROM keycloak_role WHERE realm_id = :realm OR client IN "
    "(SELECT id FROM client WHERE realm_id = :realm) ORDER BY name",
    "composite_role": "SELECT composite, child_role FROM composite_role WHERE composite IN "
    "(SELECT id FROM keycloak_role WHERE realm_id = :realm OR client IN "
    "(SELECT id FROM client WHERE realm_id = :realm))",
    # the attributes of organization roles (Keycloak main after 26.8.0; realm and client roles' are not carried)
    "role_attribute": "SELECT a.role_id, a.name, a.value FROM role_attribute a "
    "JOIN keycloak_role r ON r.id = a.role_id WHERE r.realm_id = :realm ORDER BY a.name, a.id",
    "user_entity": "SELECT * FROM user_entity WHERE realm_id = :realm ORDER BY username",
    "user_attribute": "SELECT a.user_id, a.name, a.value FROM user_attribute a "
    "JOIN user_entity u ON u.id = a.user_id WHERE u.realm_id = :realm",
    "user_required_action": "SELECT a.user_id, a.required_action FROM user_required_action a "
    "JOIN user_entity u ON u.id = a.user_id WHERE u.realm_id = :realm",
    "credential": "SELECT c.* FROM credential c JOIN user_entity u ON u.id = c.user_id "
    "WHERE u.realm_id = :realm ORDER BY c.priority",
    "user_role_mapping": "SELECT m.user_id, m.role_id FROM user_role_mapping m "
    "JOIN user_entity u ON u.id = m.user_id WHERE u.realm_id = :realm",
    "user_consent": "SELECT c.* FROM user_consent c JOIN user_entity u ON u.id = c.user_id WHERE u.realm_id = :realm",
    "user_consent_client_scope": "SELECT s.user_consent_id, s.scope_id FROM user_consent_client_scope s "
    "JOIN user_consent c ON c.id = s.user_consent_id "
    "JOIN user_entity u ON u.id = c.user_id WHERE u.realm_id = :realm",
    "keycloak_group": "SELECT * FROM keycloak_group WHERE realm_id = :realm ORDER BY name",
    "group_attribute": "SELECT a.group_id, a.name, a.value FROM group_attribute a "
    "JOIN keycloak_group g ON g.id = a.group_id WHERE g.realm_id = :realm ORDER BY a.name, a.id",
    "group_role_mapping": "SELECT m.group_id, m.role_id FROM group_role_mapping m "
    "JOIN keycloak_group g ON g.id = m.group_id WHERE g.realm_id = :realm",
    "user_group_membership": "SELECT m.* FROM user_group_membership m "
    "JOIN user_entity u ON u.id = m.user_id WHERE u.realm_id = :realm",
    "realm_default_groups": "SELECT group_id FROM realm_default_groups WHERE realm_id = :realm",
    "protocol_mapper": "SELECT * FROM protocol_mapper WHERE client_id IN "
    "(SELECT id FROM client WHERE realm_id = :realm) OR client_scope_id IN "
    "(SELECT id FROM client_scope WHERE realm_id = :realm)",
    "protocol_mapper_config": "SELECT f.protocol_mapper_id, f.name, f.value FROM protocol_mapper_config f "
    "JOIN protocol_mapper m ON m.id = f.protocol_mapper_id WHERE m.client_id IN "
    "(SELECT id FROM client WHERE realm_id = :realm) OR m.client_scope_id IN "
    "(SELECT id FROM client_scope WHERE realm_id = :realm)",
    "scope_mapping": "SELECT s.client_id, s.role_id FROM scope_mapping s JOIN client c ON c.id = s.client_id "
    "WHERE c.realm_id = :realm",
    "client_scope_role_mapping": "SELECT m.scope_id, m.role_id FROM client_scope_role_mapping m "
    "JOIN client_scope s ON s.id = m.scope_id WHERE s.realm_id = :realm",
    "component": "SELECT * FROM component WHERE realm_id = :realm AND provider_type = 'org.keycloak.keys.KeyProvider'",
    "component_config": "SELECT f.component_id, f.name, f.value FROM component_config f "
    "JOIN component c ON c.id = f.component_id "
    "WHERE c.realm_id = :realm AND c.provider_type = 'org.keycloak.keys.KeyProvider'",
    "authentication_flow": "SELECT * FROM authentication_flow WHERE realm_id = :realm",
    "authentication_execution": "SELECT * FROM authentication_execution WHERE realm_id = :realm",
    "authenticator_config": "SELECT * FROM authenticator_config WHERE realm_id = :realm",
    "authenticator_config_entry": "SELECT e.authenticator_id, e.name, e.value FROM authenticator_config_entry e "
    "JOIN authenticator_config c ON c.id = e.authenticator_id WHERE c.realm_id = :realm",
    "identity_provider": "SELECT * FROM identity_provider WHERE realm_id = :realm",
    "identity_provider_config": "SELECT f.identity_provider_id, f.name, f.value FROM identity_provider_config f "
    "JOIN identity_provider p ON p.internal_id = f.identity_provider_id WHERE p.realm_id = :realm",
    "identity_provider_mapper": "SELECT * FROM identity_provider_mapper WHERE realm_id = :realm",
    "idp_mapper_config": "SELECT f.idp_mapper_id, f.name, f.value FROM idp_mapper_config f "
    "JOIN identity_provider_mapper m ON m.id = f.idp_mapper_id WHERE m.realm_id = :realm",
    "federated_identity": "SELECT f.* FROM federated_identity f JOIN user_entity u ON u.id = f.user_id "
    "WHERE u.realm_id = :realm",
    "required_action_provider": "SELECT * FROM required_action_provider WHERE realm_id = :realm",
    "required_action_config": "SELECT c.* FROM required_action_config c JOIN required_action_provider p "
    "ON p.id = c.required_action_id WHERE p.realm_id = :realm",
    "offline_user_session": "SELECT * FROM offline_user_session WHERE realm_id = :realm AND offline_flag = '1' "
    "ORDER BY user_session_id",
    "offline_client_session": "SELECT s.* FROM offline_client_session s JOIN offline_user_session u "
    "ON u.user_session_id = s.user_session_id AND u.offline_flag = s.offline_flag "
    "WHERE u.realm_id = :realm AND s.offline_flag = '1'",
}
# Keycloak 25 added organizations; a Keycloak 24 database has neither table.
_ORGANIZATIONS = {
    "org": "SELECT * FROM org WHERE realm_id = :realm",
    "org_domain": "SELECT d.* FROM org_domain d JOIN org o ON o.id = d.org_id WHERE o.realm_id = :realm",
}
# Keycloak 26.4 added stored invitations (ORG_INVITATION).
_INVITATIONS = {
    "org_invitation": "SELECT i.* FROM org_invitation i JOIN org o ON o.id = i.organization_id "
    "WHERE o.realm_id = :realm",
}
# Keycloak 26.8 links a provider to several organizations (ORG_IDENTITY_PROVIDER, each link with its settings).
_PROVIDER_LINKS = {
    "org_identity_provider": "SELECT l.* FROM org_identity_provider l JOIN org o ON o.id = l.organization_id "
    "WHERE o.realm_id = :realm",
}


# Keycloak 26.8 keeps the realm's domains in DOMAIN; ORG_DOMAIN's rows then claim them (DOMAIN_ID).
_REALM_DOMAINS = {"domain": "SELECT * FROM domain WHERE realm_id = :realm"}


class KeycloakSource:
    """One read-only transaction on Keycloak's database."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._c = conn

    async def realm(self, name: str) -> dict[str, Any] | None:
        row = (await self._c.execute(text("SELECT * FROM realm WHERE name = :name"), {"name": name})).first()
        return None if row is None else dict(row._mapping)

    async def realm_tables(self, realm_id: str) -> dict[str, Rows]:
        """Every table the migration reads, restricted to one realm."""
        out: dict[str, Rows] = {}
        has_orgs = (await self._c.execute(text("SELECT to_regclass('org') IS NOT NULL"))).scalar()
        has_invitations = (await self._c.execute(text("SELECT to_regclass('org_invitation') IS NOT NULL"))).scalar()
        has_links = (await self._c.execute(text("SELECT to_regclass('org_identity_provider') IS NOT NULL"))).scalar()
        has_domains = (await self._c.execute(text("SELECT to_regclass('domain') IS NOT NULL"))).scalar()
        for table, query in (_BY_REALM | _ORGANIZATIONS | _INVITATIONS | _PROVIDER_LINKS | _REALM_DOMAINS).items():
            missing = (
                (table in _ORGANIZATIONS and not has_orgs)
                or (table in _INVITATIONS and not has_invitations)
                or (table in _PROVIDER_LINKS and not has_links)
                or (table in _REALM_DOMAINS and not has_domains)
            )
            if missing:
                out[table] = []
                continue
            result = await self._c.execute(text(query), {"realm": realm_id})
            out[table] = [dict(r._mapping) for r in result]
        return out


@contextlib.asynccontextmanager
async def open_read_only(url: str) -> AsyncIterator[KeycloakSource]:
    """A read-only snapshot of Keycloak's database at ``url`` (postgresql://…)."""
    if not url.startswith(("postgresql://", "postgres://", "postgresql+asyncpg://")):
        raise ValueError("the Keycloak database must be a postgresql:// URL")
    engine = create_async_engine(async_url(url), hide_parameters=True)
    try:
        async with engine.connect() as conn, conn.begin():
            await conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY"))
            yield KeycloakSource(conn)
    finally:
        await engine.dispose()
