"""The ``doorkeep`` command: start-dev, start, build, show-config, import, export, bootstrap-admin, tools.

Every option can also be given as a ``DOORKEEP_*`` environment variable (``--http-port`` ⇔
``DOORKEEP_HTTP_PORT``), using Keycloak's option names where Keycloak has the same option.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from doorkeep import __version__
from doorkeep.cli import data
from doorkeep.cli.build import SEARCHABLE, dev_db_url
from doorkeep.cli.build import addresses as _addresses
from doorkeep.cli.build import settings as _settings
from doorkeep.cli.checks import check_common as _check_common
from doorkeep.cli.checks import check_hostname as _check_hostname
from doorkeep.cli.checks import loopback as _loopback
from doorkeep.cli.data import offline, write_private
from doorkeep.cli.options import click_option, event_names, server_options
from doorkeep.cli.run import app_factory
from doorkeep.cli.run import metrics_multiprocess_dir as _metrics_multiprocess_dir
from doorkeep.cli.run import serve as _serve
from doorkeep.server.failures import verbose_option
from doorkeep.server.keycloak_group import KeycloakAwareGroup
from doorkeep.server.option_groups import GroupedCommand

__all__ = [
    "SEARCHABLE",
    "_addresses",
    "_metrics_multiprocess_dir",
    "_settings",
    "app_factory",
    "click_option",
    "event_names",
    "main",
    "offline",
    "server_options",
    "write_private",
]


@click.group(cls=KeycloakAwareGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="Doorkeep", message="%(prog)s %(version)s")
@verbose_option
def main() -> None:
    """Doorkeep: an OpenID Connect server that speaks Keycloak's protocol, built around offline access."""


# doorkeep admin … and doorkeep reg …: the kcadm- and kcreg-style clients (HTTP only), imported when used
assert isinstance(main, KeycloakAwareGroup)
main.lazy["admin"] = "doorkeep.admincli.commands:admin"
main.lazy["bootstrap-admin"] = "doorkeep.server.bootstrap_admin:bootstrap_admin"
main.lazy["tools"] = "doorkeep.server.tools:tools"
main.lazy["reg"] = "doorkeep.regcli.commands:reg"
for _command in (data.import_cmd, data.migrate_from_keycloak_cmd, data.export_cmd):
    main.add_command(_command)


@main.command("start-dev", cls=GroupedCommand, short_help="Development server: SQLite, plain HTTP, admin/admin")
@server_options
@verbose_option
def start_dev(**opts: Any) -> None:
    """Development mode: SQLite under ./data/, plain HTTP, admin/admin unless told otherwise."""
    _check_hostname(True, opts)
    settings = _settings(True, **opts)
    _check_common(settings)
    _serve(settings, default_admin=not opts["bootstrap_admin_username"])


@main.command("start", cls=GroupedCommand, short_help="Production server: hostname, TLS, bootstrap admin")
@server_options
@click.option(
    "--optimized",
    is_flag=True,
    expose_value=False,
    help="Keycloak: start from the server image 'build' made. Doorkeep has no build step: accepted, changes nothing.",
)
@verbose_option
def start(**opts: Any) -> None:
    """Production mode: checks the hostname, TLS and the bootstrap admin; PostgreSQL for more than one process."""
    from doorkeep.server import management

    _check_hostname(False, opts)
    settings = _settings(False, **opts)
    _check_common(settings)
    tls = settings.https_certificate_file and settings.https_certificate_key_file
    plan = management.interface(settings)  # the management port speaks the main port's scheme
    hosts = (settings.http_host, *((plan.host,) if plan else ()))
    if not tls and not all(map(_loopback, hosts)) and opts.get("http_enabled") is not True:
        raise click.UsageError(
            "plain HTTP on a non-loopback address: give --https-certificate-file and "
            "--https-certificate-key-file, or --http-enabled true behind a TLS proxy"
        )
    _serve(settings)


@main.command("show-config", cls=GroupedCommand, short_help="The effective configuration, secrets masked")
@click.option("--dev", is_flag=True, help="Show what start-dev would use instead of start.")
@server_options
@verbose_option
def show_config(dev: bool, **opts: Any) -> None:
    """Print the effective configuration (options, environment, defaults) with secrets masked."""
    from doorkeep.server import option_groups

    ctx = click.get_current_context()
    effective: dict[str, Any] = {
        "db_url": opts["db_url"] or f"sqlite:///{Path.cwd() / 'data' / 'doorkeep.db'}",
        "http_enabled": True if opts["http_enabled"] is None else opts["http_enabled"],
        "hostname_strict": (not dev) if opts["hostname_strict"] is None else opts["hostname_strict"],
        "bootstrap_admin_username": opts["bootstrap_admin_username"] or ("admin" if dev else None),
        "bootstrap_admin_password": opts["bootstrap_admin_password"] or ("admin" if dev else None),
    }
    click.echo(f"Current Mode: {'development' if dev else 'production'}")
    click.echo("Current Configuration:")
    for line in option_groups.show(ctx, {k: v for k, v in opts.items()}, effective):
        click.echo(line)


@main.command("build", cls=GroupedCommand, short_help="Keycloak's build: checks the options, builds nothing")
@server_options
@verbose_option
def build(**opts: Any) -> None:
    """Keycloak's 'build' makes an optimized server image from its options, which 'start --optimized' then runs.
    Doorkeep has nothing to build: this checks the options as 'start' reads them (not the hostname, a run-time
    option Keycloak's build does not check either) and says so."""
    _settings(False, **{**opts, "db_url": opts["db_url"] or dev_db_url(make=False)})  # creates no ./data/
    click.echo("Doorkeep has no build step: nothing to build or persist. The options are valid; give them to")
    click.echo("'doorkeep start' (with or without --optimized). Review them with 'doorkeep show-config'.")
