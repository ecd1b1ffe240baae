"""The ``doorkeep`` command: start-dev, start, build, show-config, import, export, bootstrap-admin, tools.

Every option can also be given as a ``DOORKEEP_*`` environment variable (``--http-port`` ⇔
``DOORKEEP_HTTP_PORT``), using Keycloak's option names where Keycloak has the same option.
"""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import json
import logging
import os
import shutil
import sys
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from doorkeep import __version__, features
from doorkeep.server import logs, workers
from doorkeep.server.failures import failure, verbose_option
from doorkeep.server.keycloak_group import KeycloakAwareGroup, SourcedOption
from doorkeep.server.option_groups import GroupedCommand
from doorkeep.settings import FIELD_OF, KNOWN_FEATURES, OPTIONS, X509_LOOKUP_OPTIONS, Option, Settings, option

log = logging.getLogger("doorkeep")
F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


def _log_level(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """Check Keycloak's ``--log-level`` syntax at the command line; keep the spec for each process to apply."""
    try:
        logs.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return value.strip()


_READABLE = click.Path(exists=True, dir_okay=False, readable=True)
# The ``--spi-…-jpa-searchable-attributes`` and ``--spi-user-profile-…-read-only-attributes`` settings, each a
# tuple of names.
SEARCHABLE: tuple[str, ...] = ("client_searchable_attributes", "group_searchable_attributes")
SEARCHABLE += ("user_profile_read_only_attributes", "user_profile_admin_read_only_attributes")
SEARCHABLE += ("cors_allowed_headers",)  # ``--spi-cors-default-allowed-headers``, a list read the same way


def _db_url(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """``--db-url``: a URL of SQLite or PostgreSQL, refused at the command line otherwise."""
    if value is None:
        return None
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        backend = make_url(value).get_backend_name()
    except ArgumentError:
        raise click.BadParameter(
            "not a database URL; expected sqlite:///path or postgresql://user:password@host/database"
        ) from None
    if backend not in ("sqlite", "postgresql"):
        raise click.BadParameter(f"unsupported database '{backend}'; use sqlite or postgresql")
    return value


def _duration(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """Check a Keycloak duration now (one clear line); keep the text as given, for show-config."""
    from doorkeep.server.durations import parse_duration

    try:
        parse_duration(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return value


def _features(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--features-disabled: every name must be a feature Doorkeep knows, or the server does not start (as
    Keycloak refuses an unrecognized feature); a misspelt name would otherwise leave the feature on."""
    unknown = features.parse(value)[1]
    if unknown:
        raise click.BadParameter(
            f"{', '.join(unknown)}: unrecognized feature; Doorkeep knows {', '.join(KNOWN_FEATURES)}"
        )
    return value


def _click_type(option: Option) -> Any:
    """The click type of a declared option's ``kind`` (settings.Option)."""
    return {
        "port": click.IntRange(1, 65535),
        "count": click.IntRange(min=1),
        "size": click.IntRange(min=-1),
        "bool": bool,
        "file": _READABLE,
        "files": _READABLE,
        "choice": click.Choice(list(option.choices)),
    }.get(option.kind)


def event_names(value: str | None) -> tuple[str, ...] | None:
    """A comma-separated list of event types as Keycloak's ``config.getArray`` reads it: trimmed, blanks dropped;
    None when nothing is named."""
    names = tuple(part.strip() for part in (value or "").split(",") if part.strip())
    return names or None


def _events(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """The email listener's include/exclude lists: every name an event type (any case), or the server does not
    start, as EmailEventListenerProviderFactory.init's ``EventType.valueOf`` stops Keycloak."""
    from doorkeep.events import EVENT_TYPES

    unknown = [name for name in event_names(value) or () if name.upper() not in EVENT_TYPES]
    if unknown:
        raise click.BadParameter(f"{', '.join(unknown)}: not an event type")
    return value


def _param_sizes(_ctx: click.Context, _param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    """``--oidc-req-params-max-size NAME=CHARS``: each a parameter name and an integer, or the server does not
    start (Keycloak's ``config.getInt`` refuses a value that is no number)."""
    for given in value:
        name, eq, size = given.partition("=")
        if not eq or not name.strip() or not size.strip().lstrip("-").isdigit():
            raise click.BadParameter(f"{given!r}: expected NAME=CHARS, e.g. login_hint=512")
    return value


_CALLBACKS: dict[str, Callable[..., Any]] = {
    "db_url": _db_url,
    "duration": _duration,
    "log_level": _log_level,
    "features": _features,
    "events": _events,
    "param_sizes": _param_sizes,
}


def click_option(option: Option, **override: Any) -> Callable[[F], F]:
    """The click option generated from its declaration: flag, aliases, environment variable, help, default."""
    names = [option.flag, *option.aliases, option.name]
    declared: dict[str, Any] = {
        "default": option.default,
        "help": option.help,
        "envvar": option.env,
        "show_envvar": True,
        "type": _click_type(option),
        "callback": _CALLBACKS.get(option.kind),
        "multiple": option.kind in ("files", "param_sizes"),
        "cls": SourcedOption,
    }
    if option.show_default:
        declared["show_default"] = True
    if option.kind in ("files", "param_sizes"):  # a repeatable option's default is click's own empty tuple
        del declared["default"]
    made: Callable[[F], F] = click.option(*names, **{**declared, **override})
    return made


def server_options(func: Any) -> Any:
    """Every option of settings.OPTIONS, in declaration order (``--help`` groups them by heading)."""
    for declared in reversed(OPTIONS):
        func = click_option(declared)(func)
    return func


@click.group(cls=KeycloakAwareGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "-V", "--version", prog_name="Doorkeep", message="%(prog)s %(version)s")
@verbose_option
def main() -> None:
    """Doorkeep: an OpenID Connect server that speaks Keycloak's protocol, built around offline access."""


# doorkeep admin …: the kcadm-style client (HTTP only), imported when used
assert isinstance(main, KeycloakAwareGroup)
main.lazy["admin"] = "doorkeep.admincli.commands:admin"
main.lazy["bootstrap-admin"] = "doorkeep.server.bootstrap_admin:bootstrap_admin"
main.lazy["tools"] = "doorkeep.server.tools:tools"


def _settings(dev: bool, **opts: Any) -> Settings:
    """The Settings of a server command's options: each declared option's value, read as its kind says."""
    from doorkeep.server.durations import parse_duration

    values: dict[str, Any] = {}
    for name, field_name in FIELD_OF.items():
        value, kind = opts.get(name), option(name).kind
        if kind == "duration":
            value = parse_duration(value if value is not None else option(name).default)
        elif kind in ("files", "param_sizes"):
            value = tuple(value or ())
        elif name == "proxy_trusted_addresses":
            value = _addresses(value)
        elif field_name in SEARCHABLE:  # Keycloak's config.getArray: comma-separated, trimmed
            value = tuple(part.strip() for part in (value or "").split(",") if part.strip())
        elif kind == "events":
            value = event_names(value)
            if value is None and field_name == "email_exclude_events":
                value = ()
        elif name == "log_format":
            value = logs.FORMAT_NAMES[value or "text"]
        if value is not None or field_name in _NULLABLE:
            values[field_name] = value
    values["x509cert_lookup_options"] = {
        o.name.removeprefix("spi_x509cert_lookup_").replace("_", "-"): opts[o.name]
        for o in X509_LOOKUP_OPTIONS
        if opts.get(o.name) is not None
    }
    values["db_url"] = opts.get("db_url") or _dev_db_url()
    values["http_enabled"] = True if opts.get("http_enabled") is None else opts["http_enabled"]
    values["hostname_strict"] = (not dev) if opts.get("hostname_strict") is None else opts["hostname_strict"]
    for who in ("bootstrap_admin_username", "bootstrap_admin_password"):  # start-dev alone falls back to admin
        values[who] = opts.get(who) or ("admin" if dev else None)
    return Settings(dev_mode=dev, **values)


_NULLABLE = frozenset(f.name for f in dataclasses.fields(Settings) if f.default is None)


def _addresses(text: str | None) -> tuple[str, ...]:
    """``--proxy-trusted-addresses``: each entry an IP address or a CIDR network, as Keycloak accepts."""
    found = tuple(part.strip() for part in (text or "").split(",") if part.strip())
    for part in found:
        try:
            ipaddress.ip_network(part, strict=False)
        except ValueError:
            raise click.BadParameter(
                f"{part!r} is not an IP address or CIDR network", param_hint="--proxy-trusted-addresses"
            ) from None
    return found


def _check_hostname(dev: bool, opts: dict[str, Any]) -> None:
    """Keycloak's hostname v2 checks at start (doorkeep.hostname.configure): hostname-strict without a hostname,
    a malformed hostname or hostname-admin, a dynamic backchannel without a full-URL hostname."""
    from doorkeep import hostname

    strict = opts["hostname_strict"]
    try:
        hostname.configure(
            opts["hostname"],
            admin=opts.get("hostname_admin"),
            backchannel_dynamic=bool(opts.get("hostname_backchannel_dynamic")),
            strict=not dev if strict is None else strict,
        )
    except hostname.HostnameError as err:
        raise click.ClickException(str(err)) from None


def _dev_db_url(make: bool = True) -> str:
    data = Path.cwd() / "data"
    if make:
        data.mkdir(mode=0o700, parents=True, exist_ok=True)  # the database holds keys and secrets (I1)
    return f"sqlite:///{data / 'doorkeep.db'}"


@main.command("start-dev", cls=GroupedCommand, short_help="Development server: SQLite, plain HTTP, admin/admin")
@server_options
@verbose_option
def start_dev(**opts: Any) -> None:
    """Development mode: SQLite under ./data/, plain HTTP, admin/admin unless told otherwise."""
    _check_hostname(True, opts)
    settings = _settings(True, **opts)
    _check_common(settings)
    _serve(settings, default_admin=not opts["bootstrap_admin_username"])


def _check_common(settings: Settings) -> None:
    """Refusals shared by start and start-dev, before anything touches the database."""
    from doorkeep.vault import VaultConfigError

    try:
        settings.configured_vault()
    except VaultConfigError as err:  # Keycloak does not start either (VaultNotFoundException, ...)
        raise click.UsageError(str(err)) from None
    _check_sqlite_folder(settings.db_url)
    if settings.workers > 1 and settings.db_url.startswith("sqlite"):
        raise click.UsageError("--workers > 1 needs PostgreSQL (--db-url postgresql://...): SQLite serves one process")
    if bool(settings.https_certificate_file) != bool(settings.https_certificate_key_file):
        raise click.UsageError("HTTPS needs both --https-certificate-file and --https-certificate-key-file")
    if settings.https_certificate_file and settings.https_certificate_key_file:
        _check_tls_files(settings.https_certificate_file, settings.https_certificate_key_file)


def _check_sqlite_folder(db_url: str) -> None:
    """A SQLite file in a folder that does not exist is one line naming the folder (SQLite says "unable to open
    database file"); Doorkeep creates only the default ./data/ itself."""
    from sqlalchemy.engine import make_url

    if not db_url.startswith("sqlite"):
        return
    database = make_url(db_url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        folder = Path(database).parent
        if not folder.is_dir():
            raise click.UsageError(f"--db-url: the folder of the SQLite database does not exist: {folder}")


def _check_tls_files(certificate: str, key: str) -> None:
    """Load the certificate and its key now, so that a file that is no PEM, or a key of another certificate, is one
    line before anything starts (uvicorn's traceback otherwise, after the database was prepared)."""
    import ssl

    try:
        ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(certificate, key)
    except ssl.SSLError as err:
        reason = (
            "the key is not the certificate's"
            if err.reason == "KEY_VALUES_MISMATCH"
            else "expected a PEM certificate (chain) and its unencrypted PEM key"
        )
    except OSError as err:
        reason = err.strerror or str(err)
    else:
        return
    raise click.UsageError(f"--https-certificate-file {certificate}, --https-certificate-key-file {key}: {reason}")


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
    _settings(False, **{**opts, "db_url": opts["db_url"] or _dev_db_url(make=False)})  # creates no ./data/
    click.echo("Doorkeep has no build step: nothing to build or persist. The options are valid; give them to")
    click.echo("'doorkeep start' (with or without --optimized). Review them with 'doorkeep show-config'.")


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _serve(settings: Settings, *, default_admin: bool = False) -> None:
    """Prepare the database and serve; ``default_admin``: start-dev fell back to admin/admin, said when it made
    the master realm with it (a later start uses the admin the database holds)."""
    from doorkeep.app import prepare
    from doorkeep.clock import SystemClock
    from doorkeep.realms.bootstrap import BootstrapError
    from doorkeep.server import serving
    from doorkeep.store.database import Database

    logs.configure(settings.log_level, settings.log_format)
    log.debug("settings: %s", json.dumps(workers.public_settings(settings)), extra={logs.DECLARED_PUBLIC: True})

    async def _prepare() -> bool:
        db = Database(settings.db_url)
        try:
            return await prepare(settings, db, SystemClock())
        finally:
            await db.dispose()

    try:
        created = asyncio.run(_prepare())
    except BootstrapError as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:  # a clear message, not a traceback, for start-up failures
        from doorkeep.realms.exportimport.files import ImportError_

        if isinstance(exc, ImportError_):
            raise click.ClickException(str(exc)) from None
        raise failure(f"cannot start: {serving.describe(exc)}", exc, db_url=settings.db_url) from None
    if created and default_admin:
        click.secho(
            "WARNING: the master realm's admin is admin/admin: development only! On a new database, "
            "KC_BOOTSTRAP_ADMIN_USERNAME/_PASSWORD (or DOORKEEP_BOOTSTRAP_ADMIN_*) choose another.",
            fg="yellow",
            err=True,
        )
    sockets = serving.bind(settings)  # a taken port is one clear line, not uvicorn's shutdown sequence
    workers.prepare_environment(settings, os.environ)
    metrics_dir = _metrics_multiprocess_dir(settings)
    try:
        serving.run(settings, logs.LEVELS[logs.parse(settings.log_level)[0]], sockets)
    except KeyboardInterrupt:  # Ctrl-C: uvicorn has shut down cleanly and re-raised it; not click's "Aborted!"
        raise SystemExit(130) from None
    finally:
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def _metrics_multiprocess_dir(settings: Settings) -> str | None:
    """With several workers, prometheus_client's multiprocess mode: a fresh directory they all write to."""
    if not settings.metrics_enabled or settings.workers < 2 or os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return None
    folder = tempfile.mkdtemp(prefix="doorkeep-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    return folder


def app_factory() -> Any:
    """Build the app in each worker from the settings the parent process prepared."""
    from doorkeep.app import create_app

    settings = workers.settings_from(os.environ)
    if not logs.installed():  # a spawned worker starts with logging unconfigured
        logs.configure(settings.log_level, settings.log_format)
    return create_app(settings, freeze=True)


def offline(db_url: str | None, work: Callable[[Any], Awaitable[T]]) -> T:
    """Run ``work(db)`` against a migrated database without a server; import errors become CLI errors."""
    from doorkeep.realms.exportimport import files
    from doorkeep.store.database import Database

    _check_sqlite_folder(db_url or "")

    async def run() -> T:
        db = Database(db_url or _dev_db_url())
        try:
            await db.migrate()
            return await work(db)
        finally:
            await db.dispose()

    try:
        return asyncio.run(run())
    except files.ImportError_ as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:  # the database unreachable, and the like: one line, not a traceback
        from doorkeep.server import serving

        raise failure(f"cannot open the database: {serving.describe(exc)}", exc, db_url=db_url) from None


@main.command("import", short_help="Import Keycloak realm JSON into the database")
@click.option("--file", "path", type=click.Path(dir_okay=False), help="Realm JSON file.")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False),
    help="Directory of realm files as kc.sh export --dir writes them: every <realm>-realm.json, with its "
    "<realm>-users-N.json files.",
)
@click_option(option("db_url"), help="Database URL (default: ./data/doorkeep.db).")
@click.option(
    "--override",
    type=bool,
    default=None,
    metavar="true|false",
    help="Replace an existing realm (default: yes, unless it has sessions); "
    "true also when that ends its sessions, false skips existing realms.",
)
@verbose_option
def import_cmd(path: str | None, directory: str | None, db_url: str | None, override: bool | None) -> None:
    """Import a Keycloak realm-export JSON file, or a directory of them, offline."""
    import time

    from doorkeep.clock import SystemClock
    from doorkeep.realms.exportimport import files
    from doorkeep.server import progress_bar

    if (path is None) == (directory is None):
        raise click.UsageError("give exactly one of --file and --dir")
    source = path or directory or ""
    started = time.monotonic()
    ended: dict[str, tuple[int, int]] = {}
    counts: dict[str, tuple[int, int]] = {}
    names = offline(
        db_url,
        lambda db: files.import_file(
            db,
            source,
            SystemClock(),
            skip_existing=override is False,
            keep_sessions=override is None,
            ended=ended,
            progress=progress_bar.for_terminal(),
            counts=counts,
        ),
    )
    for name, (online, offline_count) in ended.items():
        click.echo(f"ended {online} online and {offline_count} offline sessions of realm '{name}'")
    what = ", ".join(f"{n} ({counts[n][0]} users, {counts[n][1]} clients)" for n in names) or "nothing"
    click.echo(f"imported {what} in {progress_bar.seconds(time.monotonic() - started)}")


@main.command("migrate-from-keycloak", short_help="Move realms from a Keycloak 24-26 database")
@click.option("--source-db-url", required=True, help="Keycloak's PostgreSQL database (postgresql://…); read only.")
@click.option("--realm", "realms", required=True, multiple=True, help="Realm to migrate (repeatable).")
@click.option("--dry-run", is_flag=True, help="Report what would be carried and what cannot; write nothing.")
@click_option(option("db_url"), help="Doorkeep's database (default: ./data/doorkeep.db).")
@verbose_option
def migrate_from_keycloak_cmd(source_db_url: str, realms: tuple[str, ...], dry_run: bool, db_url: str | None) -> None:
    """Bring Keycloak realms over: settings, clients, roles, users, keys and offline sessions."""
    from doorkeep.server import kcmigrate_run

    for line in offline(db_url, lambda db: kcmigrate_run.run(db, source_db_url, realms, dry_run=dry_run)):
        click.echo(line)


@main.command("export", short_help="Export a realm as Keycloak realm JSON")
@click.option("--realm", required=True, help="Realm to export.")
@click.option(
    "--file", "path", required=True, type=click.Path(dir_okay=False), help="Output JSON file (-: standard output)."
)
@click_option(option("db_url"), help="Database URL (default: ./data/doorkeep.db).")
@verbose_option
def export_cmd(realm: str, path: str, db_url: str | None) -> None:
    """Export a realm as Keycloak realm JSON (users and credentials included)."""
    import time

    from doorkeep.realms.exportimport import files
    from doorkeep.server import progress_bar

    started = time.monotonic()
    data = offline(db_url, lambda db: files.export_realm(db, realm, progress_bar.for_terminal()))
    if path == "-":  # standard output, the summary on standard error
        click.echo(json.dumps(data, indent=2))
    else:
        write_private(Path(path), json.dumps(data, indent=2))
    click.echo(
        f"exported {realm} ({len(data.get('users', []))} users, {len(data.get('clients', []))} clients) "
        f"to {'standard output' if path == '-' else path} in {progress_bar.seconds(time.monotonic() - started)}",
        err=path == "-",
    )


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by its owner only (0600): exports hold password hashes and secrets."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its mode through O_CREAT, so set it explicitly
    with os.fdopen(fd, "w") as out:
        out.write(text)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
