"""The statements the app sends, for tests that count them: those through SQLAlchemy, and the prepared ones run
on the driver directly (store/prepared.py), each counted once."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event

from doorkeep.store.database import Database
from doorkeep.store.prepared import Prepared


@contextmanager
def recording(db: Database, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The statements sent while inside, as their SQL text ("prepared" for a prepared one)."""
    sent: list[str] = []

    def on_execute(*args: Any) -> None:
        sent.append(str(args[2]))

    original = Prepared.execute

    async def prepared(self: Prepared, conn: Any, params: Any) -> Any:
        sent.append("prepared")
        return await original(self, conn, params)

    monkeypatch.setattr(Prepared, "execute", prepared)
    engine = db.engine.sync_engine
    event.listen(engine, "before_cursor_execute", on_execute)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", on_execute)
