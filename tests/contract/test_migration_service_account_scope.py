"""Migration 0028: every realm without a ``service_account`` client scope gets Keycloak 26.1's, with its three
user-session-note mappers, linked as a default scope to the OpenID Connect clients whose service accounts are
enabled (and to no other client); a realm that has the scope already is left as it is; on both engines."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from doorkeep.model import ClientScope
from doorkeep.store.database import Database
from migration_steps import migrate
from store_factories import add_client, add_realm, new_id

pytestmark = pytest.mark.anyio

BEFORE = "0027_credential_priority"


async def test_realms_get_the_scope_and_service_account_clients_link_it(db: Database) -> None:
    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, BEFORE, down=True))
        await conn.commit()
    async with db.transaction() as tx:
        old = await add_realm(tx, "old")
        machine = await add_client(tx, old, "machine", service_accounts_enabled=True)
        browser = await add_client(tx, old, "browser")
        saml = await add_client(tx, old, "saml-sp", service_accounts_enabled=True, protocol="saml")
        kept = await add_realm(tx, "from-a-file")
        own = ClientScope(id=new_id(), realm_id=kept.id, name="service_account", description="the file's own")
        await tx.scopes.create(own)
        other = await add_client(tx, kept, "machine", service_accounts_enabled=True)
        before = await tx.realms.get(old.id)
        assert before is not None
        version = before.config_version
    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        await conn.commit()
    async with db.transaction() as tx:
        scope = await tx.scopes.get_by_name(old.id, "service_account")
        assert scope is not None
        assert scope.description == "Specific scope for a client enabled for service accounts"
        assert scope.attributes == {"include.in.token.scope": "false", "display.on.consent.screen": "false"}
        assert not scope.include_in_token_scope
        mappers = {m.name: (m.mapper, m.config) for m in scope.protocol_mappers}
        assert set(mappers) == {"Client ID", "Client Host", "Client IP Address"}
        for name, note in (
            ("Client ID", "client_id"),
            ("Client Host", "clientHost"),
            ("Client IP Address", "clientAddress"),
        ):
            kind, config = mappers[name]
            assert kind == "oidc-usersessionmodel-note-mapper"
            assert config == {
                "id.token.claim": "true",
                "access.token.claim": "true",
                "introspection.token.claim": "true",
                "user.session.note": note,
                "claim.name": note,
                "jsonType.label": "String",
            }
        assert [(s.name, default) for s, default in await tx.clients.scopes(machine.id)] == [("service_account", True)]
        assert await tx.clients.scopes(browser.id) == []
        assert await tx.clients.scopes(saml.id) == []
        # Neither a realm default nor an optional scope.
        assert await tx.realms.default_scopes(old.id) == []
        # The realm that had the scope keeps it alone, and its clients are not linked to it.
        mine = await tx.scopes.list(kept.id)
        assert [(s.id, s.description) for s in mine] == [(own.id, "the file's own")]
        assert await tx.clients.scopes(other.id) == []
        # The realms' configuration version moved, so that every process reads it again.
        migrated = await tx.realms.get(old.id)
        assert migrated is not None and migrated.config_version > version


async def test_the_downgrade_leaves_the_scope(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx, "old")
    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, BEFORE, down=True))
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        await conn.run_sync(lambda sync: migrate(sync, BEFORE, down=True))
        names = await conn.run_sync(
            lambda sync: [r[0] for r in sync.execute(sa.text("SELECT name FROM client_scopes"))]
        )
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        await conn.commit()
    assert names == ["service_account"]
    async with db.transaction() as tx:
        assert [s.name for s in await tx.scopes.list(realm.id)] == ["service_account"]
