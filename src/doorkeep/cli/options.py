"""The server commands' options, generated from their declarations in ``settings.OPTIONS``, and the checks each
kind of option runs at the command line (a log level, a database URL, a duration, feature and event names)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

import click

from doorkeep import features
from doorkeep.server import logs
from doorkeep.server.keycloak_group import SourcedOption
from doorkeep.settings import KNOWN_FEATURES, OPTIONS, Option

F = TypeVar("F", bound=Callable[..., Any])


def _log_level(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    """Check Keycloak's ``--log-level`` syntax at the command line; keep the spec for each process to apply."""
    try:
        logs.parse(value)
    except ValueError as exc:
        raise click.BadParameter(str(exc)) from None
    return value.strip()


_READABLE = click.Path(exists=True, dir_okay=False, readable=True)
# The ``--spi-…-jpa-searchable-attributes`` and ``--spi-user-profile-…-read-only-attributes`` settings, each a


def _db_url(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """``--db-url``: a URL of SQLite or PostgreSQL, refused at the command line otherwise."""
    if value is None:
        return None
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        backend = make_url(value).get_backend_name()
    except (ArgumentError, ValueError):  # ValueError: a port that is no number (never shown: it may hold the password)
        raise click.BadParameter(
            "not a database URL; expected sqlite:///path or postgresql://user:password@host[:port]/database"
        ) from None
    if backend not in ("sqlite", "postgresql", "postgres"):
        raise click.BadParameter(f"unsupported database '{backend}'; use sqlite or postgresql")
    return asyncpg_spelling(value) if backend != "sqlite" else value


def asyncpg_spelling(url: str) -> str:
    """libpq's spellings a copied URL often has, in the driver's: ``postgres://`` → ``postgresql://`` (SQLAlchemy
    knows only the latter) and ``?sslmode=`` → ``?ssl=`` (asyncpg's name, same values; ``sslmode`` failed at the
    first connection with "unexpected keyword argument")."""
    import re
    from urllib.parse import parse_qsl, urlencode

    scheme, found, rest = url.partition("://")
    if not found:
        return url
    # the query starts after the user info, which SQLAlchemy ends at the first "@" (a "?" may be in the password)
    userinfo = re.match(r"[^:/]*(?::[^@]*)?@", rest)
    start = userinfo.end() if userinfo else 0
    location, _, query = rest[start:].partition("?")
    location = rest[:start] + location
    pairs = parse_qsl(query, keep_blank_values=True)
    if any(key == "sslmode" for key, _ in pairs):
        query = urlencode([("ssl" if key == "sslmode" else key, value) for key, value in pairs])
    scheme = "postgresql" if scheme == "postgres" else scheme
    return f"{scheme}://{location}" + (f"?{query}" if query else "")


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


def _features_enabled(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
    """--features: the names Doorkeep does not implement are named in one warning (names only) and ignored, as
    Keycloak's other options are; the opt-in features it implements are turned on (features.parse_enabled)."""
    unknown = features.parse_enabled(value)[1]
    if unknown:
        click.secho(
            "WARNING: Keycloak features Doorkeep does not implement, ignored: " + ", ".join(unknown),
            fg="yellow",
            err=True,
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


def _metric_tags(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """``--event-metrics-user-tags``: each one of Keycloak's expected values, or the server does not start."""
    from doorkeep.event_metrics import parse_tags

    try:
        parse_tags(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None
    return value


def _metric_events(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    """``--event-metrics-user-events``: each one of Keycloak's expected values, or the server does not start."""
    from doorkeep.event_metrics import parse_events

    try:
        parse_events(value)
    except ValueError as err:
        raise click.BadParameter(str(err)) from None
    return value


_CALLBACKS: dict[str, Callable[..., Any]] = {
    "db_url": _db_url,
    "duration": _duration,
    "log_level": _log_level,
    "features": _features,
    "features_enabled": _features_enabled,
    "events": _events,
    "metric_tags": _metric_tags,
    "metric_events": _metric_events,
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
