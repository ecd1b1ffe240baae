"""Which server, realm and bearer token a ``doorkeep reg`` command uses, as kcreg decides it.

kcreg's order (``CreateCmd``, ``GetCmd``, ``UpdateCmd``, ``DeleteCmd``): ``-t TOKEN``; else the token the config
file keeps for this use (the initial access token for ``create``, the client's registration access token for
the others); else the session of ``config credentials`` or a one-time login from the credentials options
(kcadm's rules, :func:`doorkeep.admincli.auth.authenticate`); else no ``Authorization`` at all.
"""

from __future__ import annotations

import ssl
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import click
import httpx

from doorkeep.admincli import auth, http
from doorkeep.admincli.errors import AdminCliError, AdminUsageError
from doorkeep.admincli.options import F
from doorkeep.regcli import config

CMD = "doorkeep reg"
Lookup = Callable[[config.Store, str, str], str | None]


@dataclass(frozen=True)
class RegOptions:
    config_file: Path | None = None
    no_config: bool = False
    server: str | None = None
    realm: str | None = None
    client_id: str | None = None
    user: str | None = None
    password: str | None = None
    secret: str | None = None
    truststore: str | None = None
    trustpass: str | None = None
    insecure: bool = False
    token: str | None = None


NAMES = tuple(f for f in RegOptions.__dataclass_fields__)


def options(func: F) -> F:
    """kcreg's global, credentials and truststore options, and ``-t/--token``."""
    declared = [
        click.option(
            "--config",
            "config_file",
            type=click.Path(dir_okay=False, path_type=Path),
            default=None,
            help="Config file (default: ~/.doorkeep/reg.config, or $DOORKEEP_REG_CONFIG).",
        ),
        click.option("--no-config", is_flag=True, help="Read and write no config file."),
        click.option("--server", default=None, help="Server URL, e.g. http://localhost:8080."),
        click.option("--realm", default=None, help="Realm to register clients in (and to log into)."),
        click.option("--client", "client_id", default=None, help="Client to log in with (admin-cli)."),
        click.option("--user", default=None, help="Username for a one-time login."),
        click.option("--password", default=None, help="Password (else $KC_CLI_PASSWORD, else prompted for)."),
        click.option("--secret", default=None, help="Client secret for a one-time login."),
        click.option("--truststore", default=None, help="CA certificates (PEM) to trust for an https server."),
        click.option("--trustpass", default=None, help="Accepted for kcreg; a PEM bundle needs no password."),
        click.option("--insecure", is_flag=True, help="Turn off TLS certificate validation."),
        click.option("-t", "--token", default=None, help="Initial or registration access token to use."),
    ]
    for option in reversed(declared):
        func = option(func)
    return func


def gather(kwargs: dict[str, Any]) -> RegOptions:
    """Take the :func:`options` values out of a command's keyword arguments."""
    values = {name: kwargs.pop(name, None) for name in NAMES}
    values["no_config"] = bool(values["no_config"])
    values["insecure"] = bool(values["insecure"])
    return RegOptions(**values)


def store_of(opts: RegOptions) -> config.Store:
    if opts.config_file is not None and opts.no_config:
        raise AdminUsageError("Options --config and --no-config are mutually exclusive")
    return config.Store(None if opts.no_config else config.path(opts.config_file))


@dataclass
class Session:
    """One command's connection: where, as whom, and the config store its tokens go to."""

    http: httpx.Client
    store: config.Store
    server: str
    realm: str
    token: str | None

    def url(self, provider: str, client_id: str | None = None) -> str:
        base = f"{self.server}/realms/{self.realm}/clients-registrations/{provider}"
        return base if client_id is None else f"{base}/{quote(client_id, safe='')}"

    def send(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        headers = {"Accept": "application/json", **kwargs.pop("headers", {})}
        if self.token is not None:
            headers["Authorization"] = f"Bearer {self.token}"
        response = http.send(self.http, method, url, headers=headers, **kwargs)
        check(response)
        return response

    def save_token(self, client_id: str | None, token: str | None) -> None:
        """The registration access token the server returned replaces the stored one (it rotates)."""
        if client_id:
            self.store.set_registration_token(self.server, self.realm, client_id, token)


def check(response: httpx.Response) -> None:
    """kcreg's ``HttpUtil.doRequest`` (every call kcreg makes): a refusal reads ``error_description [error]`` from a
    body sent as exactly ``application/json`` (Java prints a missing one as ``null``), else the status line's
    ``CODE REASON``; unlike kcadm, a 404 gets no "Resource not found for url" of its own."""
    if response.is_success:
        return
    if response.headers.get("content-type") == "application/json":
        try:
            body = http.parse(response)
        except ValueError as exc:
            raise AdminCliError(f"Failed to read error response - {exc}") from None
        if isinstance(body, dict):
            raise AdminCliError(f"{_java(body.get('error_description'))} [{_java(body.get('error'))}]")
    raise AdminCliError(f"{response.status_code} {response.reason_phrase}")


def _java(value: Any) -> str:
    return "null" if value is None else str(value)


@contextmanager
def session(opts: RegOptions, lookup: Lookup | None, *, session_only: bool = False) -> Iterator[Session]:
    """Open the command's :class:`Session`; ``lookup`` finds the stored token for its use."""
    store = store_of(opts)
    stored = store.load()
    server = (opts.server or stored.server_url or "").rstrip("/") or None
    realm = opts.realm or stored.realm
    auth.check_server_info(server, realm, None if session_only else opts.token, CMD)
    assert server is not None
    realm = realm or "null"  # kcreg composes realms/null/… with -t and no realm, as Java prints null
    token = None if session_only else opts.token or (lookup(store, server, realm) if lookup else None)
    with http.client(_verify(opts, stored.truststore, server), agent="doorkeep-reg") as client:
        if token is None:
            login = auth.AuthOptions(
                config_file=store.file,
                no_config=store.file is None,
                server=server,
                realm=realm,
                client_id=opts.client_id,
                user=opts.user,
                password=opts.password,
                secret=opts.secret,
            )
            token = auth.authenticate(client, login)[2]
        yield Session(client, store, server, realm, token)


def _verify(opts: RegOptions, stored: str | None, server: str) -> ssl.SSLContext | bool:
    """kcreg's ``setupTruststore``: only for https; ``--truststore`` over the config's; ``--insecure`` wins. A
    truststore that is no file or holds no PEM certificate is "Failed to load truststore: FILE", as kcreg says."""
    if not server.startswith("https:"):
        return True
    if opts.insecure:
        return False
    truststore = opts.truststore or stored
    if truststore is None:
        return True
    try:
        if not Path(truststore).is_file():
            raise OSError(truststore)
        return ssl.create_default_context(cafile=truststore)
    except (OSError, ValueError):  # ssl.SSLError is an OSError
        raise AdminCliError(f"Failed to load truststore: {truststore}") from None
