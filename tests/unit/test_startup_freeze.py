"""A server process moves what startup left alive out of the garbage collector's full passes (gc.freeze).

Without it, each full collection walked every module, table and template: 50-58 ms pauses, the slowest
of twenty admin reads (issue #8). In-process apps (tests) do not freeze: the test process would keep
every earlier app's objects out of collection.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from doorkeep import cli
from doorkeep.app import create_app
from doorkeep.server import workers
from doorkeep.settings import Settings


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    try:
        yield
    finally:
        gc.unfreeze()  # the test process goes on collecting as before


@pytest.mark.anyio
@pytest.mark.parametrize("freeze", [True, False])
async def test_a_server_app_freezes_after_startup_and_an_in_process_app_does_not(
    freeze: bool, unfrozen: None, tmp_path: Path
) -> None:
    settings = Settings(db_url=f"sqlite:///{tmp_path / 'd.db'}", session_cleaner_interval=0)
    app = create_app(settings, freeze=freeze)
    async with app.router.lifespan_context(app):
        frozen = gc.get_freeze_count()
        if freeze:
            assert frozen > 10_000  # the modules, tables and the app itself
            assert not any(obj is app for obj in gc.get_objects())  # the app is no longer tracked
        else:
            assert frozen == 0
            assert any(obj is app for obj in gc.get_objects())


def test_the_server_builds_its_app_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    """``app_factory`` (what uvicorn calls in the server process and in each worker) asks for it."""
    seen: dict[str, object] = {}

    def fake_create_app(settings: Settings, **options: object) -> object:
        seen.update(options)
        return object()

    monkeypatch.setattr("doorkeep.app.create_app", fake_create_app)
    monkeypatch.setattr(workers, "settings_from", lambda env: Settings(db_url="sqlite:///:memory:"))
    cli.app_factory()
    assert seen == {"freeze": True}
