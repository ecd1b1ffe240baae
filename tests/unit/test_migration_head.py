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
