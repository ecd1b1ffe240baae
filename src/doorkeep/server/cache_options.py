"""Keycloak's session-cache options, accepted so that a Keycloak start command starts Doorkeep.

Doorkeep keeps no session cache (docs/offline-sessions.md, "Caching"): every refresh reads and
locks its session rows in the database, which stays the authority across processes. So the sizes
(``--cache-embedded-*-max-count``) and the lifespans of imported offline sessions
(``--spi-user-sessions-infinispan-offline-(client-)session-cache-entry-lifespan-override``) are
range-checked but change nothing; ``--help`` says so. Keycloak's other embedded-cache sizes
(realms, users, keys, authorization, crl) are accepted in the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

NO_CACHE = (
    "Accepted for Keycloak compatibility; no effect: Doorkeep keeps no session cache, every request reads the database."
)

# (flag, alias flags, settings field, default, what Keycloak's option does)
_SIZES = (
    (
        "--cache-embedded-offline-sessions-max-count",
        "cache_offline_sessions_max_count",
        "Keycloak: offline user sessions kept in each node's memory.",
    ),
    (
        "--cache-embedded-offline-client-sessions-max-count",
        "cache_offline_client_sessions_max_count",
        "Keycloak: offline client sessions kept in each node's memory.",
    ),
    (
        "--cache-embedded-sessions-max-count",
        "cache_sessions_max_count",
        "Keycloak: online user sessions kept in each node's memory.",
    ),
    (
        "--cache-embedded-client-sessions-max-count",
        "cache_client_sessions_max_count",
        "Keycloak: online client sessions kept in each node's memory.",
    ),
)
# Keycloak's other local caches; Doorkeep's configuration cache (store/config_cache.py) is per realm,
# invalidated by version stamp and not bounded by count.
_OTHER_SIZES = (
    ("--cache-embedded-realms-max-count", "Keycloak: realms, clients, roles and groups kept in memory."),
    ("--cache-embedded-users-max-count", "Keycloak: users kept in memory."),
    ("--cache-embedded-keys-max-count", "Keycloak: external public keys kept in memory."),
    ("--cache-embedded-authorization-max-count", "Keycloak: authorization-services entries kept in memory."),
    ("--cache-embedded-crl-max-count", "Keycloak: X.509 revocation lists kept in memory."),
)
OTHER_NO_EFFECT = "Accepted for Keycloak compatibility; no effect."
_LIFESPANS = (
    (
        "--spi-user-sessions-infinispan-offline-session-cache-entry-lifespan-override",
        (
            "--spi-user-sessions--infinispan--offline-session-cache-entry-lifespan-override",
            "--offline-session-cache-lifespan-override",
        ),
        "offline_session_cache_lifespan_override",
        "Keycloak: seconds an imported offline session stays in memory.",
    ),
    (
        "--spi-user-sessions-infinispan-offline-client-session-cache-entry-lifespan-override",
        (
            "--spi-user-sessions--infinispan--offline-client-session-cache-entry-lifespan-override",
            "--offline-client-session-cache-lifespan-override",
        ),
        "offline_client_session_cache_lifespan_override",
        "Keycloak: seconds an imported offline client session stays in memory.",
    ),
)


def _env(flag: str) -> str:
    return "DOORKEEP_" + flag.lstrip("-").upper().replace("-", "_")


def cache_options() -> list[Callable[[Any], Any]]:
    """The click options, in ``--help`` order (grouped under "Cache" by server.option_groups)."""
    options: list[Callable[[Any], Any]] = []
    for flag, _field, what in _SIZES:
        options.append(
            click.option(
                flag,
                default=10000,
                show_default=True,
                type=click.IntRange(min=-1),
                envvar=_env(flag),
                show_envvar=True,
                help=f"{what} {NO_CACHE}",
            )
        )
    for flag, what in _OTHER_SIZES:
        options.append(
            click.option(
                flag,
                default=None,
                type=click.IntRange(min=-1),
                envvar=_env(flag),
                show_envvar=True,
                help=f"{what} {OTHER_NO_EFFECT}",
            )
        )
    for flag, aliases, field, what in _LIFESPANS:
        options.append(
            click.option(
                flag,
                *aliases,
                field,
                default=None,
                type=click.IntRange(min=-1),
                envvar=_env(flag),
                show_envvar=True,
                help=f"{what} {NO_CACHE}",
            )
        )
    return options


def cache_settings(opts: dict[str, Any]) -> dict[str, Any]:
    """The Settings fields of these options (absent ones keep their defaults)."""
    out: dict[str, Any] = {}
    for flag, field, _what in _SIZES:
        name = flag.lstrip("-").replace("-", "_")
        if opts.get(name) is not None:
            out[field] = int(opts[name])
    for _flag, _aliases, field, _what in _LIFESPANS:
        if opts.get(field) is not None:
            out[field] = int(opts[field])
    return out
