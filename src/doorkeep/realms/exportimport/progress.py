"""Progress of long work (import and export of big realms), reported in steps without knowing the screen.

The command line shows a bar on a terminal and nothing in a script; the core only counts.
"""

from __future__ import annotations

from typing import Protocol


class Progress(Protocol):
    def begin(self, label: str, total: int) -> None:
        """A phase of ``total`` units starts (hashing passwords, writing users, reading users)."""

    def advance(self, units: int = 1) -> None:
        """``units`` more of the current phase are done."""

    def end(self) -> None:
        """The current phase is over."""


class Silent:
    """Reports nothing: the default, and what a script gets."""

    def begin(self, label: str, total: int) -> None:
        return None

    def advance(self, units: int = 1) -> None:
        return None

    def end(self) -> None:
        return None


SILENT: Progress = Silent()
