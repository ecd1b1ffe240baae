"""Migration 0049 keys ``realm_keys`` by (realm, component): every stored key survives the upgrade, rows that
shared a component (which no Doorkeep wrote, but a hand-edited database may hold) get one each, one RSA kid may then
belong to two providers (Keycloak keeps both), one secret kid still may not; the downgrade restores the kid key."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from doorkeep.clock import FakeClock
from doorkeep.store.database import Database
from migration_steps import migrate
from support import seed_realm

pytestmark = pytest.mark.anyio
BEFORE = "0048_default_role_lower_case"
COPY = (
    "INSERT INTO realm_keys (kid, realm_id, algorithm, use, status, public_pem, private, created, priority,"
    " component_id, name, provider_id, config) SELECT :kid, realm_id, algorithm, use, status, public_pem, private,"
    " created, priority, :component, name, provider_id, config FROM realm_keys WHERE kid = :source"
)


def _rows(conn: sa.Connection) -> list[tuple[str, str, str]]:
    found = conn.execute(sa.text("SELECT kid, component_id, algorithm FROM realm_keys ORDER BY kid"))
    return [(str(kid), str(component), str(alg)) for kid, component, alg in found]


def _kid_of(conn: sa.Connection, algorithm: str) -> tuple[str, str]:
    kid, component = conn.execute(
        sa.text("SELECT kid, component_id FROM realm_keys WHERE algorithm = :alg"), {"alg": algorithm}
    ).one()
    return str(kid), str(component)


async def test_keys_survive_and_one_rsa_kid_may_serve_two_providers(db: Database) -> None:
    await seed_realm(db, FakeClock(), "keys")
    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, BEFORE, down=True))
        rsa_kid, rsa_component = await conn.run_sync(lambda sync: _kid_of(sync, "RS256"))
        # A second row in the RSA key's component under another kid: the pair the new key would repeat.
        await conn.execute(sa.text(COPY), {"kid": "hand-made", "component": rsa_component, "source": rsa_kid})
        before = await conn.run_sync(_rows)
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        after = await conn.run_sync(_rows)
        assert [(kid, alg) for kid, _, alg in after] == [(kid, alg) for kid, _, alg in before]
        components = [component for _, component, _ in after]
        assert len(set(components)) == len(components)  # the shared component split
        assert dict((kid, c) for kid, c, _ in after)[rsa_kid] == rsa_component  # the first row keeps its own

        # Keycloak's two rsa providers of one key: one kid, two components.
        await conn.execute(sa.text(COPY), {"kid": rsa_kid, "component": "second-provider", "source": rsa_kid})
        assert [kid for kid, _, _ in await conn.run_sync(_rows)].count(rsa_kid) == 2
        await conn.execute(sa.text("DELETE FROM realm_keys WHERE component_id = 'second-provider'"))
        hmac_kid, _ = await conn.run_sync(lambda sync: _kid_of(sync, "HS512"))
        await conn.commit()
    async with db.engine.connect() as conn:  # a secret (HMAC) kid naming two rows is still refused
        with pytest.raises(sa.exc.IntegrityError):
            await conn.execute(sa.text(COPY), {"kid": hmac_kid, "component": "twin-secret", "source": hmac_kid})
    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, BEFORE, down=True))
        assert [(kid, alg) for kid, _, alg in await conn.run_sync(_rows)] == [(kid, alg) for kid, _, alg in before]
        await conn.commit()
    async with db.engine.connect() as conn:  # the kid is the key again
        with pytest.raises(sa.exc.IntegrityError):
            await conn.execute(sa.text(COPY), {"kid": rsa_kid, "component": "again", "source": rsa_kid})
    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        await conn.commit()
