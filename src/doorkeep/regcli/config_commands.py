"""``doorkeep reg config``: kcreg's ``credentials``, ``initial-token``, ``registration-token`` and ``truststore``.

``credentials`` is kcadm's (the same login code, into kcreg's file). The other three only write the file:
``initial-token`` makes that server and realm the current ones unless ``-k``; ``registration-token`` keeps a
token under ``--client``; ``truststore`` the CA bundle to trust for https servers. A token not given is
prompted for (``Enter Initial Access Token:``), ``-d`` removes it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from doorkeep.admincli import auth, http
from doorkeep.admincli.config import Config
from doorkeep.admincli.errors import AdminCliError, AdminUsageError
from doorkeep.admincli.options import F
from doorkeep.regcli import access, config
from doorkeep.regcli.framing import RegGroup

TOKEN_OPTION_WARN = "You're using what looks like an OPTION as TOKEN: {}"


@click.group("config", cls=RegGroup)
def config_group() -> None:
    """Set up credentials and other configuration settings in the config file."""


def _refuse(ctx: click.Context, **given: Any) -> None:
    """kcreg's ``checkUnsupportedOptions``: ``Unsupported option: --user``."""
    for name, value in given.items():
        if value:
            raise AdminUsageError(f"Unsupported option: --{name.replace('_', '-')}", ctx)


def _server(ctx: click.Context, server: str | None) -> str:
    if server is None:
        raise AdminUsageError("Required option not specified: --server", ctx)
    return server.rstrip("/")


def _refused_options(*names: str) -> Callable[[F], F]:
    """The credentials options kcreg's ``config initial-token`` / ``registration-token`` parse but refuse
    (``getUnsupportedOptions``): accepted here so that they are refused in kcreg's words, not click's."""

    def decorate(func: F) -> F:
        for name in reversed(names):
            flag = name == "no-config"
            func = click.option(f"--{name}", f"refused_{name.replace('-', '_')}", is_flag=flag, hidden=True)(func)
        return func

    return decorate


def _refused(ctx: click.Context, kwargs: dict[str, Any]) -> None:
    given = {k.removeprefix("refused_"): v for k, v in kwargs.items() if k.startswith("refused_")}
    _refuse(ctx, **given)


REFUSED = ("user", "password", "secret", "truststore", "trustpass", "no-config")


@config_group.command("credentials")
@access.options
@click.pass_context
def credentials(ctx: click.Context, /, **kwargs: Any) -> None:
    """Log in and keep the tokens (file mode 0600); with only --server and --realm, just remember those."""
    opts = access.gather(kwargs)
    _refuse(ctx, no_config=opts.no_config, token=opts.token)
    server = _server(ctx, opts.server)
    if not server.startswith(("http://", "https://")) or len(server.split("://", 1)[1]) == 0:
        raise AdminCliError(f"Invalid server endpoint url: {server}")
    if opts.realm is None:
        raise AdminUsageError("Required option not specified: --realm", ctx)
    store = access.store_of(opts)
    with http.client(agent="doorkeep-reg") as client:
        login = auth.log_in(
            client, server, opts.realm, opts.client_id, user=opts.user, password=opts.password, secret=opts.secret
        )

    def change(stored: Config) -> None:
        if login is None:  # kcreg: "if only server and realm are set, just save config and be done"
            stored.server_url, stored.realm = server, opts.realm
        else:
            stored.set_login(server, opts.realm or "", login)

    store.update(change)


@config_group.command("initial-token")
@click.argument("token", required=False, metavar="TOKEN")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--server", default=None, help="Server URL.")
@click.option("--realm", default=None, help="Realm the token is for.")
@click.option("-k", "--keep-domain", is_flag=True, help="Don't make this server and realm the current ones.")
@click.option("-d", "--delete", is_flag=True, help="Remove the initial access token.")
@_refused_options("client", *REFUSED)
@click.pass_context
def initial_token(
    ctx: click.Context, /, token: str | None, config_file: Path | None, server: str | None, realm: str | None,
    keep_domain: bool, delete: bool, **refused: Any,
) -> None:  # fmt: skip
    """Keep an Initial Access Token for 'create' on this server and realm."""
    _refused(ctx, refused)  # kcreg checks these before it runs the command
    if realm is None:
        raise AdminUsageError("Realm not specified", ctx)
    server_url = _server(ctx, server)
    if token is not None and token.startswith("-"):
        click.echo(TOKEN_OPTION_WARN.format(token))
    if not delete and token is None:
        token = auth.prompt("Initial Access Token")

    def change(stored: Config) -> None:
        if not keep_domain and not delete:
            stored.server_url, stored.realm = server_url, realm
        if delete:
            stored.endpoints.get(server_url, {}).get(realm or "", {}).pop("initialToken", None)
        else:
            stored.realm_data(server_url, realm or "")["initialToken"] = token

    config.Store(config.path(config_file)).update(change)


@config_group.command("registration-token")
@click.argument("token", required=False, metavar="TOKEN")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--server", default=None, help="Server URL.")
@click.option("--realm", default=None, help="Realm of the client.")
@click.option("--client", "client_id", default=None, help="ClientId whose token this is.")
@click.option("-d", "--delete", is_flag=True, help="Remove the registration access token.")
@_refused_options(*REFUSED)
@click.pass_context
def registration_token(
    ctx: click.Context, /, token: str | None, config_file: Path | None, server: str | None, realm: str | None,
    client_id: str | None, delete: bool, **refused: Any,
) -> None:  # fmt: skip
    """Keep a Registration Access Token for 'get', 'update' and 'delete' of one client."""
    server_url = _server(ctx, server)
    if realm is None:
        raise AdminUsageError("Required option not specified: --realm", ctx)
    if client_id is None:
        raise AdminUsageError("Required option not specified: --client", ctx)
    _refused(ctx, refused)  # kcreg checks these after --server, --realm and --client
    if not delete and token is None:
        token = auth.prompt("Registration Access Token")
    store = config.Store(config.path(config_file))
    if delete:
        store.forget_registration_token(server_url, realm, client_id)
    else:
        store.set_registration_token(server_url, realm, client_id, token)


@config_group.command("truststore")
@click.argument("truststore", required=False, metavar="TRUSTSTORE")
@click.option("--config", "config_file", type=click.Path(dir_okay=False, path_type=Path), default=None)
@click.option("--trustpass", default=None, help="Accepted for kcreg; a PEM bundle needs no password.")
@click.option("-d", "--delete", is_flag=True, help="Remove the truststore setting.")
@click.pass_context
def truststore(
    ctx: click.Context, /, truststore: str | None, config_file: Path | None, trustpass: str | None, delete: bool
) -> None:
    """Keep the CA bundle (PEM) to trust for https servers."""
    if truststore is None and not delete:
        raise AdminUsageError("No truststore specified", ctx)
    if delete and (truststore is not None or trustpass is not None):
        raise AdminUsageError("Option --delete is mutually exclusive with specifying a TRUSTSTORE", ctx)
    if truststore is not None and not Path(truststore).is_file():
        raise AdminCliError(f"Truststore file not found: {truststore}")

    def change(stored: Config) -> None:
        stored.truststore = None if delete else str(Path(truststore or "").resolve())
        stored.trustpass = None if delete else trustpass

    config.Store(config.path(config_file)).update(change)
