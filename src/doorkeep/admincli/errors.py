"""The admin CLI's errors, printed as kcadm's picocli handlers print them (``ShortErrorMessageHandler``).

A failure while running (the server refused, a file is missing) is the message alone and exit status 1. Bad
input (an unknown option, ``-o`` with ``-i``, a malformed ``-s``) is kcadm's ``IllegalArgumentException``: the
message, then ``Try '<command> --help' for more information on the available options.``, and exit status 2.
"""

from __future__ import annotations

from typing import IO, Any

import click


class AdminCliError(click.ClickException):
    """Printed as kcadm prints its errors: the message alone, then exit status 1."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.format_message(), err=True)


class AdminUsageError(click.UsageError):
    """Bad input: the message, kcadm's ``Try '…' --help`` line, exit status 2 (picocli's invalid input)."""

    exit_code = 2

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.format_message(), err=True)
        ctx = self.ctx or click.get_current_context(silent=True)
        if ctx is not None:
            click.echo(f"Try '{ctx.command_path} --help' for more information on the available options.", err=True)


def from_click(exc: click.UsageError, ctx: click.Context) -> AdminUsageError:
    """click's parse error in kcadm's form; an unknown option reads as picocli words it."""
    if isinstance(exc, AdminUsageError):
        return exc
    if isinstance(exc, click.NoSuchOption):
        return AdminUsageError(f"Unknown option: '{exc.option_name}'", ctx)
    return AdminUsageError(exc.format_message(), ctx)
