"""``--help`` and ``show-config`` of the server commands, with options under Keycloak's headings (from settings)."""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote_plus

import click

from doorkeep.settings import GROUPS as HEADINGS
from doorkeep.settings import OPTIONS

# Keycloak's option categories, in its order, each with its options as settings.OPTIONS declares them;
# an option without a heading falls under "Other".
GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = tuple(
    (group, tuple(o.name for o in OPTIONS if o.group == group)) for group in HEADINGS
)


def group_of(name: str | None) -> str:
    return next((group for group, names in GROUPS if name in names), "Other")


class GroupedCommand(click.Command):
    """A command whose --help lists its options under Keycloak's headings (HTTP(S), Hostname, Database, ...)."""

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        sections: dict[str, list[tuple[str, str]]] = {}
        for param in self.get_params(ctx):
            record = param.get_help_record(ctx)
            if record is not None:
                sections.setdefault(group_of(param.name), []).append(record)
        order = [group for group, _ in GROUPS] + ["Other"]
        for group in sorted(sections, key=order.index):
            with formatter.section(group):
                formatter.write_dl(sections[group])


SECRET_OPTIONS = tuple(o.name for o in OPTIONS if o.secret)
MASK = "*******"
_SOURCES = {
    click.core.ParameterSource.COMMANDLINE: "command line",
    click.core.ParameterSource.ENVIRONMENT: "environment",
    click.core.ParameterSource.DEFAULT: "default",
    click.core.ParameterSource.DEFAULT_MAP: "environment, KC_*",  # doorkeep.server.keycloak_options
}


def mask_url(url: str) -> str:
    """A database URL with its password (user info, or a ``password=`` query parameter) replaced by the mask.

    The user info is taken to end at the last ``@``: SQLAlchemy's password may hold any character but ``@``, a
    ``?`` or ``/`` included, and one left unencoded makes the rest of the password read as the host. A query key
    counts once percent-decoded (``pass%77ord``), as SQLAlchemy decodes it."""
    head, sep, rest = url.partition("://")
    if not sep:
        return url
    end = rest.rfind("@")
    user, colon, _password = rest[: max(end, 0)].partition(":")
    if end >= 0 and colon and "/" not in user:
        rest = f"{user}:{MASK}{rest[end:]}"
    location, question, query = rest.partition("?")
    if question:
        query = "&".join(_masked_pair(pair) for pair in query.split("&"))
    return f"{head}://{location}{question}{query}"


def _masked_pair(pair: str) -> str:
    key, equals, _value = pair.partition("=")
    return f"{key}={MASK}" if equals and unquote_plus(key).strip().lower() == "password" else pair


def show(ctx: click.Context, params: dict[str, Any], effective: dict[str, Any]) -> list[str]:
    """``show-config`` lines: each option as ``--flag = value (source)``, secrets masked, by Keycloak's groups."""
    lines: list[str] = []
    command = ctx.command
    by_group: dict[str, list[str]] = {}
    for param in command.get_params(ctx):
        if not isinstance(param, click.Option) or param.name is None or param.name not in params:
            continue
        value = effective.get(param.name, params[param.name])
        if isinstance(value, (tuple, list)):
            value = ",".join(str(v) for v in value)
        if value is not None and param.name in SECRET_OPTIONS:
            value = MASK
        elif isinstance(value, str) and param.name == "db_url":
            value = mask_url(value)
        source = ctx.get_parameter_source(param.name)
        origin = _SOURCES.get(source, "default") if source is not None else "default"
        text = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
        by_group.setdefault(group_of(param.name), []).append(f"    {param.opts[0].lstrip('-')} = {text} ({origin})")
    order = [group for group, _ in GROUPS] + ["Other"]
    for group in sorted(by_group, key=order.index):
        lines += [f"  {group}:", *by_group[group]]
    return lines
