"""The admin CLI's errors, printed as kcadm's picocli handlers print them (``ShortErrorMessageHandler``).

A failure while running (the server refused, a file is missing) is the message alone and exit status 1. Bad
input (an unknown option, ``-o`` with ``-i``, a malformed ``-s``) is kcadm's ``IllegalArgumentException``: the
message, then ``Try '<command> --help' for more information on the available options.``, and exit status 2.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import IO, Any

import click


class AdminCliError(click.ClickException):
    """Printed as kcadm prints its errors: the message alone, then exit status 1."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.format_message(), err=True)


class AdminUsageError(click.UsageError):
    """Bad input: the message, kcadm's ``Try '…' --help`` line, exit status 2 (picocli's invalid input)."""

    exit_code = 2

    def __init__(self, message: str, ctx: click.Context | None = None, hint: str | None = None) -> None:
        super().__init__(message, ctx)
        self.hint = hint  # picocli's suggestion line ("Did you mean: …?"), printed between the two

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.format_message(), err=True)
        if self.hint:
            click.echo(self.hint, err=True)
        ctx = self.ctx or click.get_current_context(silent=True)
        if ctx is not None:
            click.echo(f"Try '{ctx.command_path} --help' for more information on the available options.", err=True)


def from_click(exc: click.UsageError, ctx: click.Context, args: Sequence[str] = ()) -> AdminUsageError:
    """click's parse error in kcadm's form; an unknown option reads as picocli words it.

    picocli reports every argument it could not match: an unknown option followed by values a command
    without positional parameters cannot take is ``Unknown options: '--username', 'admin'``.
    """
    if isinstance(exc, AdminUsageError):
        return exc
    if isinstance(exc, click.NoSuchOption):
        unmatched = [exc.option_name, *_values_after(exc.option_name, ctx, args)]
        named = ", ".join(f"'{u}'" for u in unmatched)
        return AdminUsageError(f"Unknown option{'s' if len(unmatched) > 1 else ''}: {named}", ctx)
    return AdminUsageError(exc.format_message(), ctx)


def _values_after(option: str, ctx: click.Context, args: Sequence[str]) -> list[str]:
    if option not in args or any(isinstance(p, click.Argument) for p in ctx.command.params):
        return []
    following = list(args[list(args).index(option) + 1 :])
    end = next((i for i, a in enumerate(following) if a.startswith("-")), len(following))
    return following[:end]
