"""An autouse fixture for CLI tests: a command that reaches ``_serve`` (``start``, ``start-dev``, ``app_factory``) configures logging
for the whole test process; ``restore_logging`` puts the root handlers and the pinned loggers' levels back after
each test, so later tests' output is theirs. Import it into a test module to use it there."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest

from doorkeep.server import logs


@pytest.fixture(autouse=True)
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    names = (*logs.FOLLOW_LEVEL, *logs.PINNED_AT_WARNING, "doorkeep.web")
    saved = (list(root.handlers), root.level, {n: logging.getLogger(n).level for n in names})
    yield
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])
    for name, level in saved[2].items():
        logging.getLogger(name).setLevel(level)
