"""service_account scope: Keycloak 26.1's client scope for the claims of a client-credentials grant

Every realm without a ``service_account`` client scope gets one (MigrateTo26_1_0 adds it to each realm): not shown
on the consent screen, not in the token's ``scope``, neither a realm default nor optional, with the three
user-session-note mappers ``Client ID``, ``Client Host`` and ``Client IP Address`` (access and ID token,
introspection). Doorkeep put those claims into client-credentials tokens in code before; so that the clients already
stored keep them, every OpenID Connect client with service accounts enabled gets the new scope as a default scope
(Keycloak's own clients kept the three mappers it had added to each of them, which has the same effect). The scope
and mappers are written out here so later code changes cannot alter what this migration did.

Revision ID: 0028_service_account_scope
Revises: 0027_credential_priority
Create Date: 2026-12-15 10:00:00.000000
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0028_service_account_scope"
down_revision = "0027_credential_priority"
branch_labels = None
depends_on = None

NAME = "service_account"
_SCOPE_CONFIG = {
    "description": "Specific scope for a client enabled for service accounts",
    "protocol": "openid-connect",
    "attributes": {"include.in.token.scope": "false", "display.on.consent.screen": "false"},
}
_MAPPERS = [("Client ID", "client_id"), ("Client Host", "clientHost"), ("Client IP Address", "clientAddress")]

_scopes = sa.table(
    "client_scopes", sa.column("id"), sa.column("realm_id"), sa.column("name"), sa.column("config", sa.JSON)
)
_mappers = sa.table(
    "protocol_mappers",
    sa.column("id"),
    sa.column("realm_id"),
    sa.column("client_id"),
    sa.column("scope_id"),
    sa.column("name"),
    sa.column("protocol"),
    sa.column("mapper"),
    sa.column("config", sa.JSON),
)
_clients = sa.table("clients", sa.column("id"), sa.column("realm_id"), sa.column("config", sa.JSON))
_links = sa.table("client_scope_links", sa.column("client_id"), sa.column("scope_id"), sa.column("default_scope"))


def _mapper_config(note: str) -> dict[str, str]:
    return {
        "id.token.claim": "true",
        "access.token.claim": "true",
        "introspection.token.claim": "true",
        "user.session.note": note,
        "claim.name": note,
        "jsonType.label": "String",
    }


def upgrade() -> None:
    bind = op.get_bind()
    realms = [row[0] for row in bind.execute(sa.text("SELECT id FROM realms"))]
    having = {row[0] for row in bind.execute(sa.select(_scopes.c.realm_id).where(_scopes.c.name == NAME))}
    added: dict[str, str] = {}
    for realm_id in realms:
        if realm_id in having:
            continue
        scope_id = added[realm_id] = str(uuid.uuid4())
        bind.execute(sa.insert(_scopes).values(id=scope_id, realm_id=realm_id, name=NAME, config=_SCOPE_CONFIG))
        for name, note in _MAPPERS:
            bind.execute(
                sa.insert(_mappers).values(
                    id=str(uuid.uuid4()),
                    realm_id=realm_id,
                    client_id=None,
                    scope_id=scope_id,
                    name=name,
                    protocol="openid-connect",
                    mapper="oidc-usersessionmodel-note-mapper",
                    config=_mapper_config(note),
                )
            )
    for client_id, realm_id, config in bind.execute(sa.select(_clients.c.id, _clients.c.realm_id, _clients.c.config)):
        settings: dict[str, Any] = config if isinstance(config, dict) else {}
        oidc = (settings.get("protocol") or "openid-connect") == "openid-connect"
        if realm_id in added and settings.get("service_accounts_enabled") and oidc:
            bind.execute(sa.insert(_links).values(client_id=client_id, scope_id=added[realm_id], default_scope=True))
    if added:  # every process reads the realms' configuration again
        bind.execute(sa.text("UPDATE realms SET config_version = config_version + 1"))


def downgrade() -> None:
    """The scope stays: a realm may have had it from a Keycloak realm file before this migration, and the code
    before it reads it as any other scope (the claims it also wrote in code carry the same values)."""
