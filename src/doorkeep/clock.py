"""Time as an injected dependency: the logic never calls time.time() itself."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """A source of the current time in integer epoch seconds."""

    def now(self) -> int: ...


class SystemClock:
    """The wall clock."""

    def now(self) -> int:
        return int(time.time())


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: int = 1_700_000_000) -> None:
        self._now = start

    def now(self) -> int:
        return self._now

    def advance(self, seconds: int) -> None:
        self._now += seconds

    def set(self, epoch: int) -> None:
        self._now = epoch
