"""Time as an injected dependency: the logic never calls time.time() itself."""

from __future__ import annotations

import time
from typing import Protocol


class Clock(Protocol):
    """A source of the current time in integer epoch seconds (and milliseconds where a rule needs them)."""

    def now(self) -> int: ...

    def now_ms(self) -> int: ...


class SystemClock:
    """The wall clock."""

    def now(self) -> int:
        return int(time.time())

    def now_ms(self) -> int:
        return int(time.time() * 1000)


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: int = 1_700_000_000) -> None:
        self._ms = start * 1000

    def now(self) -> int:
        return self._ms // 1000

    def now_ms(self) -> int:
        return self._ms

    def advance(self, seconds: int) -> None:
        self._ms += int(seconds * 1000)

    def advance_ms(self, ms: int) -> None:
        self._ms += ms

    def set(self, epoch: int) -> None:
        self._ms = int(epoch * 1000)
