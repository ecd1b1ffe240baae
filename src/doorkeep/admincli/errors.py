"""The one exception of the admin CLI: a message for the user, printed as one line on stderr."""

from __future__ import annotations

from typing import IO, Any

import click


class AdminCliError(click.ClickException):
    """Printed as kcadm prints its errors: the message alone, then exit status 1."""

    def show(self, file: IO[Any] | None = None) -> None:
        click.echo(self.format_message(), err=True)
