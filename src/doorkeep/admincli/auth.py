"""Who a command acts as: the credentials file, kcadm's one-time credentials, or ``--token``.

kcadm's rules (``BaseAuthOptionsCmd``, ``BaseConfigCredentialsCmd``): any command takes ``--server --realm
--user --password --client --secret``; given a user, password or secret it logs in for this command only and
keeps nothing (``ensureAuthInfo`` swaps in an in-memory config). ``--no-config`` reads and writes no file;
``--token`` is sent as the bearer token as it is. The password comes from ``--password``, else
``$KC_CLI_PASSWORD``, else a prompt on the terminal (``Enter password:``); a service account's secret from
``--secret``, else ``$KC_CLI_CLIENT_SECRET``, else a prompt.
"""

from __future__ import annotations

import getpass
import os
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import httpx

from doorkeep.admincli import config as cfg
from doorkeep.admincli import session
from doorkeep.admincli.errors import AdminCliError, AdminUsageError
from doorkeep.admincli.options import F, config_path

DEFAULT_CLIENT = "admin-cli"
CMD = "doorkeep admin"


@dataclass(frozen=True)
class AuthOptions:
    config_file: Path | None = None
    no_config: bool = False
    server: str | None = None
    realm: str | None = None
    client_id: str | None = None
    user: str | None = None
    password: str | None = None
    secret: str | None = None
    token: str | None = None

    @property
    def requires_login(self) -> bool:
        """kcadm's ``requiresLogin``: credentials on the command line mean a one-time login."""
        return self.token is None and any(v is not None for v in (self.user, self.password, self.secret))


def auth_options(func: F) -> F:
    """kcadm's global and credentials options, gathered into one ``auth`` argument."""
    options = [
        click.option(
            "--config",
            "config_file",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="Credentials file (default: ~/.doorkeep/admin.config, or $DOORKEEP_ADMIN_CONFIG).",
        ),
        click.option("--no-config", is_flag=True, help="Read and write no credentials file."),
        click.option("--server", default=None, help="Server URL (with credentials: a one-time login)."),
        click.option("--realm", "auth_realm", default=None, help="Realm to authenticate against."),
        click.option("--client", "client_id", default=None, help="Client to log in with (admin-cli)."),
        click.option("--user", default=None, help="Username for a one-time login."),
        click.option("--password", default=None, help="Password (else $KC_CLI_PASSWORD, else prompted for)."),
        click.option("--secret", default=None, help="Client secret for a one-time login."),
        click.option("--token", default=None, help="Bearer token to send; every other credential is ignored."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def gather(kwargs: dict[str, object]) -> AuthOptions:
    """Take the :func:`auth_options` values out of a command's keyword arguments."""
    names = ("config_file", "no_config", "server", "auth_realm", "client_id", "user", "password", "secret", "token")
    values = {name: kwargs.pop(name, None) for name in names}
    values["realm"] = values.pop("auth_realm")
    values["no_config"] = bool(values["no_config"])
    return AuthOptions(**values)  # type: ignore[arg-type]


def prompt(kind: str) -> str:
    """kcadm's ``readPasswordFromConsole``: ``Enter <kind>:`` on the terminal, never on stdout.

    Without a terminal the answer is read from standard input (kcadm's documented ``<< EOF``), the prompt
    going to stderr so that stdout stays the command's output.
    """
    if sys.stdin.isatty():
        return getpass.getpass(f"Enter {kind}:")
    click.echo(f"Enter {kind}:", err=True)
    line = sys.stdin.readline()
    if not line:
        raise AdminCliError(f"No {kind} provided")
    return line.rstrip("\r\n")


def log_in(
    http: httpx.Client,
    server: str,
    realm: str,
    client_id: str | None,
    *,
    user: str | None,
    password: str | None,
    secret: str | None,
) -> cfg.Login | None:
    """``BaseConfigCredentialsCmd.process``: announce, find the password or secret, log in; None with neither."""
    client_set = client_id is not None
    client = client_id or DEFAULT_CLIENT
    if user is not None:
        click.echo(f"Logging into {server} as user {user} of realm {realm}", err=True)
        if password is None:
            password = os.environ.get("KC_CLI_PASSWORD")
        if password is None:
            password = prompt("password")
        if secret == "-":
            secret = prompt("client secret")
    elif secret is not None or client_set:
        click.echo(f"Logging into {server} as service-account-{client} of realm {realm}", err=True)
        if secret is None:
            secret = os.environ.get("KC_CLI_CLIENT_SECRET")
        if secret is None:
            secret = prompt("client secret")
    if user is None and secret is None:
        return None
    return session.log_in(http, server, realm, client, user=user, password=password, secret=secret)


def check_server_info(server: str | None, realm: str | None, token: str | None, cmd: str = CMD) -> None:
    """kcadm's (and kcreg's) ``ConfigUtil.checkServerInfo``."""
    if server is None:
        raise AdminCliError(f"No server specified. Use --server, or '{cmd} config credentials'.")
    if realm is None and token is None:
        raise AdminCliError(f"No realm or token specified. Use --realm, --token, or '{cmd} config credentials'.")


def authenticate(http: httpx.Client, opts: AuthOptions) -> tuple[str, str, str | None]:
    """``(server, realm authenticated against, bearer token or None)`` for one command, as kcadm decides it."""
    if opts.config_file is not None and opts.no_config:
        raise AdminUsageError("Options --config and --no-config are mutually exclusive")
    path = config_path(opts.config_file)
    stored = cfg.Config() if opts.no_config else cfg.load(path)
    server = (opts.server or stored.server_url or "").rstrip("/") or None
    realm = opts.realm or stored.realm
    check_server_info(server, realm, opts.token)
    assert server is not None
    target = realm or "null"  # with --token and no realm kcadm composes realms/null/… (Java's null)
    if opts.token is not None:
        return server, target, opts.token
    if opts.requires_login:
        data = stored.endpoints.get(server, {}).get(target) or {}
        client = opts.client_id or data.get("clientId") or DEFAULT_CLIENT
        login = log_in(http, server, target, client, user=opts.user, password=opts.password, secret=opts.secret)
        assert login is not None  # a user, password or secret was given
        return server, target, login.token
    if opts.no_config:
        return server, target, None
    return server, target, session.stored_token(http, path, server, target)
