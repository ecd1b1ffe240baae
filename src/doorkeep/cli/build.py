"""The ``Settings`` a server command's options make: each declared option read as its kind says."""

from __future__ import annotations

import dataclasses
import ipaddress
from pathlib import Path
from typing import Any

import click

from doorkeep import event_metrics
from doorkeep.cli.options import event_names
from doorkeep.server import logs
from doorkeep.settings import FIELD_OF, X509_LOOKUP_OPTIONS, Settings, option

# tuple of names.
SEARCHABLE: tuple[str, ...] = ("client_searchable_attributes", "group_searchable_attributes")
SEARCHABLE += ("user_profile_read_only_attributes", "user_profile_admin_read_only_attributes")
SEARCHABLE += ("cors_allowed_headers",)  # ``--spi-cors-default-allowed-headers``, a list read the same way


def settings(dev: bool, **opts: Any) -> Settings:
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
            value = addresses(value)
        elif field_name in SEARCHABLE:  # Keycloak's config.getArray: comma-separated, trimmed
            value = tuple(part.strip() for part in (value or "").split(",") if part.strip())
        elif kind == "metric_tags":
            value = event_metrics.parse_tags(value)
        elif kind == "metric_events":
            events = event_metrics.parse_events(value)
            value = None if events is None else tuple(sorted(events))
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
    values["db_url"] = opts.get("db_url") or dev_db_url()
    values["http_enabled"] = True if opts.get("http_enabled") is None else opts["http_enabled"]
    values["hostname_strict"] = (not dev) if opts.get("hostname_strict") is None else opts["hostname_strict"]
    for who in ("bootstrap_admin_username", "bootstrap_admin_password"):  # start-dev alone falls back to admin
        values[who] = opts.get(who) or ("admin" if dev else None)
    return Settings(dev_mode=dev, **values)


_NULLABLE = frozenset(f.name for f in dataclasses.fields(Settings) if f.default is None)


def addresses(text: str | None) -> tuple[str, ...]:
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


def dev_db_url(make: bool = True) -> str:
    data = Path.cwd() / "data"
    if make:
        data.mkdir(mode=0o700, parents=True, exist_ok=True)  # the database holds keys and secrets (I1)
    return f"sqlite:///{data / 'doorkeep.db'}"
