"""Options every ``doorkeep admin`` command shares, and the click classes that make errors read as kcadm's.

kcadm's ``-h`` is ``--header`` on the request commands, so help is ``--help`` only (as in kcadm). ``-x``
prints the traceback after the error line (kcadm's stack trace).
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click

from doorkeep.admincli import config
from doorkeep.admincli.errors import AdminUsageError, from_click

F = TypeVar("F", bound=Callable[..., Any])
FORMATS = click.Choice(["json", "table", "csv"])
TRACE = "doorkeep.admin.trace"


class AdminCommand(click.Command):
    """A command whose parse errors and failures print as kcadm's, with ``-x`` for the traceback."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("context_settings", {})["help_option_names"] = ["--help"]
        super().__init__(*args, **kwargs)
        self.params.append(
            click.Option(
                ["-x"],
                "trace",
                is_flag=True,
                expose_value=False,
                callback=_trace,
                is_eager=True,
                help="Print the full traceback when exiting with an error.",
            )
        )

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            raise from_click(exc, ctx) from None

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.ClickException as exc:
            if not ctx.meta.get(TRACE):
                raise
            exc.show()
            traceback.print_exc()
            raise click.exceptions.Exit(exc.exit_code) from None


class AdminGroup(click.Group):
    """A group of :class:`AdminCommand`; an unknown command is bad input as in kcadm."""

    command_class = AdminCommand

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("context_settings", {})["help_option_names"] = ["--help"]
        super().__init__(*args, **kwargs)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            raise from_click(exc, ctx) from None

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return super().resolve_command(ctx, args)
        except click.UsageError as exc:
            raise from_click(exc, ctx) from None


AdminGroup.group_class = AdminGroup


def _trace(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.meta[TRACE] = True


def exclusive(ctx: click.Context, message: str, *given: Sequence[Any] | bool | str | None) -> None:
    """kcadm's ``Options A and B are mutually exclusive``: bad input when more than one is given."""
    if sum(1 for g in given if g) > 1:
        raise AdminUsageError(message, ctx)


def common(func: F) -> F:
    """``--config FILE`` and ``-r/--target-realm REALM``."""
    func = click.option(
        "--config",
        "config_file",
        type=click.Path(dir_okay=False, path_type=Path),
        default=None,
        help="Credentials file (default: ~/.doorkeep/admin.config, or $DOORKEEP_ADMIN_CONFIG).",
    )(func)
    return click.option(
        "-r",
        "--target-realm",
        "realm",
        default=None,
        help="Realm a relative path refers to (default: the realm logged into).",
    )(func)


def config_path(value: Path | None) -> Path:
    return value.expanduser() if value is not None else config.default_path()
