"""The Jinja2 environment for every HTML page: login pages and the consoles.

Autoescape is on for every template, so a value rendered with ``{{ x }}`` is always HTML-escaped;
nothing is marked safe by hand except by the ``script_string`` filter, whose output is a JavaScript
string literal that cannot leave its ``<script>`` (for use there only, never in an attribute).
Templates live in ``console/templates/``, static files in ``console/static/`` (served as files by
``web.console.static``).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jinja2
import markupsafe

from doorkeep.console.account_language import ENGLISH

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


def _when(epoch: int | float | None) -> str:
    """Seconds since the epoch as a UTC date and time a person reads (``2026-11-29 08:15 UTC``)."""
    if not epoch:
        return "—"
    return dt.datetime.fromtimestamp(int(epoch), dt.UTC).strftime("%Y-%m-%d %H:%M UTC")


# Keycloak's English names of the built-in clients (messages_en.properties), shown where a name is "${key}".
MESSAGES = {
    "${client_account}": "Account",
    "${client_account-console}": "Account Console",
    "${client_admin-cli}": "Admin CLI",
    "${client_broker}": "Broker",
    "${client_realm-management}": "Realm Management",
    "${client_security-admin-console}": "Security Admin Console",
}


def _localize(text: str | None) -> str:
    """A ``${key}`` display text in English; anything else unchanged."""
    if not text:
        return ""
    return MESSAGES.get(text, text[2:-1] if text.startswith("${") and text.endswith("}") else text)


def _script_string(value: str) -> markupsafe.Markup:
    """A double-quoted JavaScript string for a ``<script>``, as FreeMarker's ``?c`` in Keycloak's JavaScript
    output format: quotes and backslashes escaped, and ``<``, ``>``, ``&`` too, so no ``</script>`` ends it."""
    quoted = json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return markupsafe.Markup(quoted)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=False,
    )
    env.filters["when"] = _when
    env.filters["localize"] = _localize
    env.filters["script_string"] = _script_string
    env.globals["t"] = ENGLISH.t  # a page that speaks another language passes its own
    env.globals["lang"] = ENGLISH.tag
    return env


ENV = _environment()


def render(name: str, **context: Any) -> str:
    """Render ``templates/<name>`` with ``context`` (autoescaped)."""
    return ENV.get_template(name).render(**context)
