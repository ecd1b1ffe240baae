"""The click side of :mod:`doorkeep.server.keycloak_options`: a group translating Keycloak spellings first."""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from typing import Any

import click

from doorkeep.server import keycloak_options as kc_options


class SourcedOption(click.Option):
    """An option whose refusal names where the refused value came from: the flag, its ``DOORKEEP_*`` variable or
    its ``KC_*`` twin (click names the ``DOORKEEP_*`` variable whatever the source, so a bad ``KC_HTTP_PORT``
    read as "Invalid value for '--http-port' (env var: 'DOORKEEP_HTTP_PORT')")."""

    def get_error_hint(self, ctx: click.Context | None) -> str:
        hint = " / ".join(f"'{name}'" for name in self.opts)
        source = ctx.get_parameter_source(self.name) if ctx is not None and self.name else None
        if source is click.core.ParameterSource.ENVIRONMENT and isinstance(self.envvar, str):
            return f"{hint} (env var: '{self.envvar}')"
        if source is click.core.ParameterSource.DEFAULT_MAP:  # set from KC_* by KeycloakAwareGroup.parse_args
            return f"{hint} (env var: '{kc_options.env_name(self.opts[0])}')"
        return hint


def known_options(command: click.Command) -> dict[str, kc_options.Known]:
    """The command's long options by name without dashes (``http-port``)."""
    found: dict[str, kc_options.Known] = {}
    for param in command.params:
        if isinstance(param, click.Option) and param.name:
            envvar = param.envvar if isinstance(param.envvar, str) else None
            for opt in param.opts:
                if opt.startswith("--"):
                    found[opt[2:]] = kc_options.Known(param.name, envvar, param.multiple)
    return found


class KeycloakAwareGroup(click.Group):
    """Keycloak's ``KC_*`` variables and option spellings understood by the commands that take ``--db-url``.

    Subcommands named in ``lazy`` (name → ``module:attribute``) are imported only when called or listed,
    so ``doorkeep start`` does not pay for the admin CLI's imports (issue #8: time to ready).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lazy: dict[str, str] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.lazy})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            module, attribute = self.lazy[cmd_name].split(":")
            command = getattr(importlib.import_module(module), attribute)
            assert isinstance(command, click.Command)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        index = next((i for i, a in enumerate(args) if not a.startswith("-")), None)
        command = self.get_command(ctx, args[index]) if index is not None else None
        if index is None or command is None:
            return super().parse_args(ctx, args)
        known = known_options(command)
        if "db-url" not in known:
            return super().parse_args(ctx, args)
        try:
            done = kc_options.translate(args[index + 1 :], os.environ, known, Path.cwd(), server="http-port" in known)
        except kc_options.KeycloakConfigError as exc:
            raise click.ClickException(str(exc)) from None
        if done.defaults:
            defaults = dict(ctx.default_map or {})
            defaults[args[index]] = {**defaults.get(args[index], {}), **done.defaults}
            ctx.default_map = defaults
        if done.ignored:
            click.secho(
                "WARNING: Keycloak options Doorkeep does not implement, ignored: " + ", ".join(done.ignored),
                fg="yellow",
                err=True,
            )
        for note in done.notes:
            click.echo(f"NOTE: {note}", err=True)
        return super().parse_args(ctx, [*args[: index + 1], *done.args])
