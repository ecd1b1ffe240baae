"""Every logger a request path writes to, at DEBUG, for tests that show no secret reaches a log record.

``caplog.at_level(DEBUG)`` sets only the root logger (and the one named). A test earlier in the same process that
ran ``doorkeep.server.logs.configure`` leaves ``httpx`` and ``httpcore`` pinned at WARNING, so a test relying on the
root level alone would capture nothing and prove nothing. This sets each of them explicitly, and restores them after.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Iterator

import pytest

LOGGERS = ("doorkeep", "uvicorn", "httpx", "httpcore")


@contextlib.contextmanager
def all_at_debug(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    with contextlib.ExitStack() as stack:
        stack.enter_context(caplog.at_level(logging.DEBUG))
        for name in LOGGERS:
            stack.enter_context(caplog.at_level(logging.DEBUG, logger=name))
        yield
