"""The progress bar of ``doorkeep import`` and ``export``: on a terminal only, on stderr."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, TextIO

import click

from doorkeep.realms.exportimport.progress import SILENT, Progress

if TYPE_CHECKING:
    from click._termui_impl import ProgressBar


class TerminalProgress:
    """One ``click.progressbar`` per phase, drawn on ``out``."""

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._bar: ProgressBar[int] | None = None

    def begin(self, label: str, total: int) -> None:
        self.end()
        self._bar = click.progressbar(length=max(total, 1), label=label, file=self._out, show_pos=True, show_eta=True)
        self._bar.__enter__()

    def advance(self, units: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(units)

    def end(self) -> None:
        if self._bar is not None:
            bar, self._bar = self._bar, None
            bar.__exit__(None, None, None)


def for_terminal(out: TextIO | None = None) -> Progress:
    """A bar when ``out`` (stderr) is a terminal; silence in scripts, pipes and CI logs."""
    stream = out if out is not None else sys.stderr
    return TerminalProgress(stream) if stream.isatty() else SILENT


def seconds(elapsed: float) -> str:
    return f"{elapsed:.1f} s"
