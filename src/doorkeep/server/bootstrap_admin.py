"""``doorkeep bootstrap-admin user|service``: Keycloak 26's way back in when locked out of the master realm.

The options, prompts, messages and exit codes of kc.sh's BootstrapAdmin, BootstrapAdminUser and
BootstrapAdminService: against the configured database, no server started. The name comes from its option
(or the environment variable ``--username:env`` / ``--client-id:env`` names), else a prompt, else
``temp-admin``; the secret from the variable ``--password:env`` / ``--client-secret:env`` names, else two
hidden prompts. With ``--no-prompt``, or without a terminal, nothing is asked: the secret's variable is required.
Refusals of the input exit 2 (Keycloak's PropertyException); a name already taken, a password master's policy
refuses, or a missing terminal exit 1. Keycloak has no ``--expiration`` in 26.x (it is commented out), so it is
an unknown option here too. The secret is never printed or logged.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import click

from doorkeep import cli
from doorkeep.server.failures import verbose_option
from doorkeep.server.keycloak_group import KeycloakAwareGroup
from doorkeep.settings import option

NO_PROMPT = "doorkeep.no_prompt"
NO_PROMPT_HELP = "Run non-interactive without prompting"


class InvalidInput(click.ClickException):
    """Keycloak's PropertyException: the message alone, exit 2."""

    exit_code = 2


@dataclass(frozen=True)
class Kind:
    """What one subcommand adds: its name and secret words, messages and store function."""

    name: str  # "username", "client id"
    secret: str  # "password", "client secret"
    mismatch: str
    created: str
    create: Callable[[Any, int, str | None, str], Awaitable[str]]


def _set_no_prompt(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value:
        ctx.find_root().meta[NO_PROMPT] = True


def no_prompt_option(func: Any) -> Any:
    """``--no-prompt``, taken by the group and by each subcommand (picocli's ScopeType.INHERIT)."""
    return click.option("--no-prompt", is_flag=True, expose_value=False, callback=_set_no_prompt, help=NO_PROMPT_HELP)(
        func
    )


@click.group("bootstrap-admin", cls=KeycloakAwareGroup, short_help="Add a temporary admin to master (recovery)")
@no_prompt_option
@verbose_option
def bootstrap_admin() -> None:
    """Commands for bootstrapping admin access: a temporary admin user or service account of the master realm,
    written to the database while no admin can log in."""


def _from_env(variable: str) -> str:
    value = os.environ.get(variable)
    if value is None:
        raise InvalidInput(f"Environment variable {variable} not found")
    return value


def _console() -> bool:
    """Java's System.console(): standard input and output are a terminal."""
    return sys.stdin.isatty() and sys.stdout.isatty()


def _read(what: str, default: str | None = None, *, hidden: bool = False) -> str:
    """IoUtils.readFromConsole: the default without a terminal, else a prompt; a secret with no terminal fails."""
    if not _console():
        if default is not None:
            return default
        raise click.ClickException(f"Console is not active, but {what} is required")
    answer: str = click.prompt(f"Enter {what}", default=default, hide_input=hidden, show_default=default is not None)
    return answer


def _inputs(kind: Kind, given: str | None, given_env: str | None, secret_env: str | None) -> tuple[str | None, str]:
    """The name and the secret as BootstrapAdminUser/Service.doBeforeRun reads them."""
    no_prompt = bool(click.get_current_context().find_root().meta.get(NO_PROMPT))
    if given is not None and given_env is not None:
        flag = kind.name.replace(" ", "-")
        raise click.UsageError(f"--{flag} and --{flag}:env are mutually exclusive (specify only one)")
    name = _from_env(given_env) if given_env is not None else given
    if given is None and given_env is None and not no_prompt:
        name = _read(kind.name, "temp-admin")
    if secret_env is not None:
        secret = _from_env(secret_env)
    elif no_prompt:
        raise InvalidInput(f"No {kind.secret} provided")
    else:
        secret = _read(kind.secret, hidden=True)
        if secret != _read(f"{kind.secret} again", hidden=True):
            raise InvalidInput(kind.mismatch)
    if not secret.strip():  # Keycloak checks the prompted secret only; a blank one from the environment neither
        raise InvalidInput(f"{kind.secret.capitalize()} must not be blank")
    return name, secret


def _run(kind: Kind, db_url: str | None, name: str | None, secret: str) -> None:
    """Create it in one transaction; Keycloak's message on a taken name or a refused password, exit 1."""
    from doorkeep.clock import SystemClock
    from doorkeep.realms.temporary_admin import Refused

    async def work(db: Any) -> tuple[bool, str]:
        try:
            async with db.transaction() as tx:
                return True, await kind.create(tx, SystemClock().now(), name, secret)
        except Refused as exc:  # rolled back: nothing written
            return False, str(exc)

    created, text = cli.offline(db_url, work)
    if not created:
        raise click.ClickException(text)
    click.echo(kind.created.format(text))


def _kinds() -> tuple[Kind, Kind]:
    from doorkeep.realms import temporary_admin

    user = Kind(
        "username",
        "password",
        "Passwords do not match",
        "Created temporary admin user with username {}",
        temporary_admin.create_user,
    )
    service = Kind(
        "client id",
        "client secret",
        "Client secrets do not match",
        "Created temporary admin service account with client id {}",
        temporary_admin.create_service,
    )
    return user, service


_DB_URL = cli.click_option(option("db_url"), help="Database URL (default: ./data/doorkeep.db).")


@bootstrap_admin.command("user", short_help="Add an admin user with a password")
@click.option("--username", metavar="username", help="Username of admin user, defaults to temp-admin")
@click.option(
    "--username:env", "username_env", metavar="USERNAME", help="Environment variable name for the admin username"
)
@click.option(
    "--password:env", "password_env", metavar="PASSWORD", help="Environment variable name for the admin user password"
)
@no_prompt_option
@_DB_URL
@verbose_option
def user(username: str | None, username_env: str | None, password_env: str | None, db_url: str | None) -> None:
    """Add an admin user with a password: a temporary admin of the master realm (is_temporary_admin), with
    master's admin role."""
    kind = _kinds()[0]
    name, secret = _inputs(kind, username, username_env, password_env)
    _run(kind, db_url, name, secret)


@bootstrap_admin.command("service", short_help="Add an admin service account")
@click.option("--client-id", metavar="id", help="Client id, defaults to temp-admin")
@click.option("--client-id:env", "client_id_env", metavar="ID", help="Environment variable name for the client id")
@click.option(
    "--client-secret:env", "client_secret_env", metavar="SECRET", help="Environment variable name for the client secret"
)
@no_prompt_option
@_DB_URL
@verbose_option
def service(
    client_id: str | None, client_id_env: str | None, client_secret_env: str | None, db_url: str | None
) -> None:
    """Add an admin service account: a confidential client of the master realm (client credentials only) whose
    service account holds master's admin role."""
    kind = _kinds()[1]
    name, secret = _inputs(kind, client_id, client_id_env, client_secret_env)
    _run(kind, db_url, name, secret)
