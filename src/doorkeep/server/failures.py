"""How a command fails: one line, or with Keycloak's global ``-v`` / ``--verbose`` the error's details first.

kc.sh prints "ERROR: …" and, with ``--verbose``, the full stack of the failure (ExecutionExceptionHandler).
Doorkeep's one line stays; ``--verbose`` writes the traceback before it, through the log redaction and with
the database URL's password masked, since a driver's error can carry its connection string.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable
from typing import Any, TypeVar

import click

from doorkeep.server import logs

F = TypeVar("F", bound=Callable[..., Any])
VERBOSE = "doorkeep.verbose"  # the root context's meta key that -v / --verbose sets
FLAGS = ("-v", "--verbose")


def verbose() -> bool:
    """Whether -v / --verbose was given (before or after the command's name)."""
    ctx = click.get_current_context(silent=True)
    return bool(ctx is not None and ctx.find_root().meta.get(VERBOSE))


def failure(message: str, exc: BaseException, *, db_url: str | None = None) -> click.ClickException:
    """The ClickException of ``message``; with --verbose, the traceback of ``exc`` is written first (stderr)."""
    if verbose():
        text = logs.redact("".join(traceback.format_exception(exc)))
        password = _password(db_url)
        click.echo(text.replace(password, logs.MASK) if password else text, err=True, nl=False)
    return click.ClickException(message)


def _password(db_url: str | None) -> str | None:
    if not db_url:
        return None
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        return make_url(db_url).password or None
    except ArgumentError:
        return None


def _set_verbose(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.find_root().meta[VERBOSE] = True


def verbose_option(func: F) -> F:
    """Keycloak's global ``-v`` / ``--verbose``, taken by every command (before or after its name)."""
    made: Callable[[F], F] = click.option(
        *FLAGS,
        is_flag=True,
        expose_value=False,
        callback=_set_verbose,
        help="Print out error details when running this command.",
    )
    return made(func)
