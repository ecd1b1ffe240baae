"""The Jinja2 environment for every HTML page: login pages and the consoles.

Autoescape is on for every template, so a value rendered with ``{{ x }}`` is always HTML-escaped;
nothing is marked safe by hand. Templates live in ``console/templates/``, static files in
``console/static/`` (served as files by ``web.console.static``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jinja2

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


def _when(epoch: int | float | None) -> str:
    """Seconds since the epoch as a UTC date and time a person reads (``2026-11-29 08:15 UTC``)."""
    if not epoch:
        return "—"
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False,
    )
    env.filters["when"] = _when
    return env


ENV = _environment()


def render(name: str, **context: Any) -> str:
    """Render ``templates/<name>`` with ``context`` (autoescaped)."""
    return ENV.get_template(name).render(**context)
