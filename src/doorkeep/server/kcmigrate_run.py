"""Running ``doorkeep migrate-from-keycloak``: read Keycloak's database, then write Doorkeep's.

The reading happens in one read-only transaction on Keycloak's database and ends before
anything is written; each realm is then written in its own Doorkeep transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from doorkeep.clock import SystemClock
from doorkeep.realms.exportimport.plan import ImportError_
from doorkeep.realms.kcmigrate import migrate
from doorkeep.server import progress_bar, serving
from doorkeep.store.keycloak_source import open_read_only

if TYPE_CHECKING:
    from doorkeep.store.database import Database


async def run(db: Database, source_url: str, realms: tuple[str, ...], *, dry_run: bool) -> list[str]:
    """Migrate (or with ``dry_run`` only report) each realm; the report lines."""
    now = SystemClock().now()
    progress = progress_bar.for_terminal()
    migrations: list[migrate.Migration] = []
    try:
        async with open_read_only(source_url) as source:
            for name in realms:
                realm = await source.realm(name)
                if realm is None:
                    raise ImportError_(f"realm '{name}' not found in the Keycloak database")
                progress.begin(f"{name}: reading Keycloak's tables", 1)
                tables = await source.realm_tables(realm["id"])
                progress.advance()
                progress.end()
                migrations.append(migrate.plan(realm, tables, now))
    except ImportError_:
        raise
    except ValueError as exc:
        raise ImportError_(str(exc)) from None
    except Exception as exc:  # unreachable, refused, not a Keycloak schema: one line naming the source
        raise ImportError_(f"cannot read the Keycloak database: {serving.describe(exc, source_url)}") from None
    lines: list[str] = []
    for m in migrations:
        if not dry_run:
            async with db.transaction() as tx:
                await migrate.write(tx, m, now, progress)
        lines += m.report.lines(dry_run)
    return lines
