"""Start-up skips Alembic when the database is already at the newest migration; that shortcut is only
right while ``HEAD_REVISION`` names the head of the migration scripts."""

from __future__ import annotations

from alembic.config import Config
from alembic.script import ScriptDirectory

from doorkeep.store.database import HEAD_REVISION, MIGRATIONS


def test_the_start_up_shortcut_names_the_newest_migration() -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_heads() == [HEAD_REVISION]


def test_every_revision_id_fits_alembics_version_column() -> None:
    """``alembic_version.version_num`` is VARCHAR(32): PostgreSQL refuses to record a longer id (SQLite
    does not check), so a long revision id would fail only on PostgreSQL."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    too_long = [r.revision for r in ScriptDirectory.from_config(config).walk_revisions() if len(r.revision) > 32]
    assert too_long == []
