"""Refusals of the server commands before anything touches the database: hostname, vault, SQLite folder, TLS, and
the user event metrics options."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Any

import click

from doorkeep import event_metrics
from doorkeep.settings import Settings
from doorkeep.web.cookie_prefix import prefix_problem


def check_hostname(dev: bool, opts: dict[str, Any]) -> None:
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


def check_common(settings: Settings) -> None:
    """Refusals shared by start and start-dev, before anything touches the database."""
    from doorkeep.vault import VaultConfigError

    try:
        settings.configured_vault()
    except VaultConfigError as err:  # Keycloak does not start either (VaultNotFoundException, ...)
        raise click.UsageError(str(err)) from None
    check_sqlite_folder(settings.db_url)
    check_event_metrics(settings)
    cookie_problem = prefix_problem(settings.cookie_prefix)
    if cookie_problem is not None:
        raise click.UsageError(f"--spi-cookie-default-cookie-prefix: {cookie_problem}")
    if settings.workers > 1 and settings.db_url.startswith("sqlite"):
        raise click.UsageError("--workers > 1 needs PostgreSQL (--db-url postgresql://...): SQLite serves one process")
    if bool(settings.https_certificate_file) != bool(settings.https_certificate_key_file):
        raise click.UsageError("HTTPS needs both --https-certificate-file and --https-certificate-key-file")
    if settings.https_certificate_file and settings.https_certificate_key_file:
        _check_tls_files(settings.https_certificate_file, settings.https_certificate_key_file)


def check_event_metrics(settings: Settings) -> None:
    """Keycloak refuses the user event metrics options where they are disabled (EventPropertyMappers: the first
    needs --metrics-enabled, the other two --event-metrics-user-enabled) with "Disabled option"."""
    if settings.event_metrics_user_enabled and not settings.metrics_enabled:
        raise click.UsageError(
            "Disabled option: '--event-metrics-user-enabled'. Available only when metrics are enabled"
        )
    given = [
        flag
        for flag, set_ in (
            ("--event-metrics-user-tags", settings.event_metrics_user_tags != event_metrics.DEFAULT_TAGS),
            ("--event-metrics-user-events", settings.event_metrics_user_events is not None),
        )
        if set_
    ]
    if given and not settings.event_metrics_user_enabled:
        raise click.UsageError(f"Disabled option: '{given[0]}'. Available only when user event metrics are enabled")


def check_sqlite_folder(db_url: str) -> None:
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


def loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
