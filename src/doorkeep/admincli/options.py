"""Options every ``doorkeep admin`` command shares, and the click classes that make errors read as kcadm's.

kcadm's ``-h`` is ``--header`` on the request commands, so help is ``--help`` only (as in kcadm). ``-x``
prints the traceback after the error line (kcadm's stack trace).
"""

from __future__ import annotations

import difflib
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
# kcadm's commands that, given no argument at all, print their help (``nothingToDo``, exit status 2)
EMPTY_IS_HELP = frozenset(
    {"credentials", "get", "create", "update", "delete", "add-roles", "remove-roles", "set-password"}
)


class AdminCommand(click.Command):
    """A command whose parse errors and failures print as kcadm's, with ``-x`` for the traceback."""

    empty_is_help = EMPTY_IS_HELP  # the commands that print their help when given nothing at all

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("context_settings", {})["help_option_names"] = ["--help"]
        kwargs.setdefault("options_metavar", "[ARGUMENTS]")
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

    def collect_usage_pieces(self, ctx: click.Context) -> list[str]:
        """kcadm's order: ``Usage: … create ENDPOINT_URI [ARGUMENTS]``."""
        pieces = super().collect_usage_pieces(ctx)
        return pieces[1:] + pieces[:1] if pieces and pieces[0] == self.options_metavar else pieces

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args and self.name in self.empty_is_help:
            help_and_exit(ctx, 2)
        given = list(args)  # click's parser consumes the list it is given
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as exc:
            raise from_click(exc, ctx, given) from None

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
        if not args:  # kcadm with nothing to do: the help on stdout, exit status 2
            help_and_exit(ctx, 2)
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
            if not args or args[0].startswith("-"):
                raise from_click(exc, ctx) from None
            raise _unmatched(self, ctx, args[0]) from None


def _unmatched(group: click.Group, ctx: click.Context, name: str) -> AdminUsageError:
    """picocli's words for an unknown command: its index among the arguments, then the closest commands."""
    index, parent = 0, ctx
    while parent.parent is not None and parent.command.name not in ("admin", "reg"):
        index, parent = index + 1, parent.parent
    close = difflib.get_close_matches(name, group.list_commands(ctx), n=3)
    hint = f"Did you mean: {' or '.join(f'{ctx.command_path} {c}' for c in close)}?" if close else None
    return AdminUsageError(f"Unmatched argument at index {index}: '{name}'", ctx, hint)


def help_and_exit(ctx: click.Context, code: int) -> None:
    """kcadm prints a command's help on stdout: exit status 0 when asked for, 2 when there was nothing to do."""
    click.echo(ctx.get_help())
    ctx.exit(code)


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
