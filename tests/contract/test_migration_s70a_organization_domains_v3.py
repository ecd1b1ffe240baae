"""Migration 0051 (Keycloak 26.8's domain model): each ``organization_domains`` row becomes a realm-level domain and
its organization's claim; the providers' ``kc.org.domain`` + ``kc.org.broker.redirect.mode.email-matches`` move onto
the domain rows they named (``ANY``: every domain of the organization; a provider bound by name wins over ``ANY``)
and leave the providers' configuration; the downgrade puts domains and routing back. Both engines."""

from __future__ import annotations

import json
from typing import Any

import pytest
import sqlalchemy as sa

from doorkeep.organizations.model import Domain
from doorkeep.store.database import Database
from migration_steps import migrate
from store_factories import add_realm

pytestmark = pytest.mark.anyio

BEFORE = "0050_idp_admin_role_mapping"
ORG = (
    "INSERT INTO organizations (id, realm_id, name, alias, enabled, config, internal_group_id)"
    " VALUES (:id, :realm, :id, :id, :on, '{}', :g)"
)
DOMAIN = "INSERT INTO organization_domains (organization_id, name, realm_id, verified) VALUES (:org, :name, :r, :v)"


def provider(alias: str, org: str | None = None, **config: str) -> dict[str, Any]:
    out: dict[str, Any] = {"alias": alias, "providerId": "oidc", "enabled": True, "config": {"clientId": "c", **config}}
    if org is not None:
        out["organizationId"] = org
    return out


REDIRECT = "kc.org.broker.redirect.mode.email-matches"
PROVIDERS = (
    provider("named", "org-a", **{"kc.org.domain": "A.org", REDIRECT: "true"}),
    provider("any", "org-a", **{"kc.org.domain": "ANY", REDIRECT: "false"}),
    provider("everything", "org-b", **{"kc.org.domain": "ANY", REDIRECT: "true"}),
    provider("loose"),
)


def _providers(conn: sa.Connection) -> dict[str, dict[str, str]]:
    raw = conn.execute(sa.text("SELECT config FROM realms WHERE name = 'test'")).scalar_one()
    config = raw if isinstance(raw, dict) else json.loads(raw)
    return {p["alias"]: p["config"] for p in config["identity_providers"]}


def _old_domains(conn: sa.Connection) -> list[tuple[str, str, bool]]:
    rows = conn.execute(sa.text("SELECT organization_id, name, verified FROM organization_domains ORDER BY name"))
    return [(r[0], r[1], bool(r[2])) for r in rows]


async def test_domains_and_provider_routing_move_to_the_realm_level_domain_rows_and_back(db: Database) -> None:
    async with db.transaction() as tx:
        realm = await add_realm(tx, identity_providers=PROVIDERS, organizations_enabled=True)

    def fill(conn: sa.Connection) -> None:
        for org_id in ("org-a", "org-b"):
            conn.execute(sa.text(ORG), {"id": org_id, "realm": realm.id, "on": True, "g": f"g-{org_id}"})
        for org_id, name, verified in (("org-a", "a.org", True), ("org-a", "a2.org", False), ("org-b", "b.org", False)):
            conn.execute(sa.text(DOMAIN), {"org": org_id, "name": name, "r": realm.id, "v": verified})

    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, BEFORE, down=True))
        await conn.run_sync(fill)
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        after = await conn.run_sync(_providers)
        await conn.commit()

    assert all("kc.org.domain" not in c and REDIRECT not in c for c in after.values())
    assert {a: c["clientId"] for a, c in after.items()} == dict.fromkeys(("named", "any", "everything", "loose"), "c")
    async with db.transaction(write=False) as tx:
        a = await tx.organizations.get(realm.id, "org-a")
        b = await tx.organizations.get(realm.id, "org-b")
        assert await tx.domains.owners(realm.id, ["a.org", "b.org"]) == {"a.org": ["org-a"], "b.org": ["org-b"]}
    assert a is not None and b is not None
    assert a.domains == (Domain("a.org", True, "named", True), Domain("a2.org", False, "any", False))
    assert b.domains == (Domain("b.org", False, "everything", True),)

    async with db.engine.connect() as conn:
        await conn.run_sync(lambda sync: migrate(sync, BEFORE, down=True))
        old = await conn.run_sync(_old_domains)
        back = await conn.run_sync(_providers)
        await conn.run_sync(lambda sync: migrate(sync, "head"))
        await conn.commit()
    assert old == [("org-a", "a.org", True), ("org-a", "a2.org", False), ("org-b", "b.org", False)]
    assert back["named"]["kc.org.domain"] == "a.org" and back["named"][REDIRECT] == "true"
    assert back["everything"]["kc.org.domain"] == "b.org" and "kc.org.domain" not in back["loose"]
