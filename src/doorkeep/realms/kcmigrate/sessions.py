"""Keycloak's offline sessions (OFFLINE_USER_SESSION / OFFLINE_CLIENT_SESSION rows) as Doorkeep's.

The user session keeps its id (the ``sid`` of every offline token Keycloak issued), its start
(``CREATED_ON``) and its last refresh (``LAST_SESSION_REFRESH``), so the idle clock runs on. A client
session keeps its ``TIMESTAMP``, its notes (``scope`` …) and its start (note ``startedAt``, else the
user session's start, as Keycloak falls back). Keycloak's rotation notes ``refreshTokenPrefix<reuse_id>``,
``refreshTokenUsePrefix<reuse_id>`` and ``refreshTokenLastRefreshPrefix<reuse_id>`` become the
rotation family of that ``reuse_id``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from doorkeep.model import ClientSession, RefreshFamily, UserSession
from doorkeep.realms.kcmigrate.report import Report

CURRENT, USES, LAST = "refreshTokenPrefix", "refreshTokenUsePrefix", "refreshTokenLastRefreshPrefix"


@dataclass
class OfflineSession:
    user_session: UserSession
    clients: list[tuple[ClientSession, list[RefreshFamily]]] = field(default_factory=list)


def _data(raw: Any) -> dict[str, Any]:
    try:
        value = json.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def _int(value: Any, default: int = 0) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return default


def offline_sessions(
    realm_id: str,
    usernames: dict[str, str],
    client_ids: set[str],
    user_rows: list[dict[str, Any]],
    client_rows: list[dict[str, Any]],
    report: Report,
) -> list[OfflineSession]:
    """``usernames``: user id -> username of the users carried; ``client_ids``: client UUIDs carried."""
    by_id: dict[str, OfflineSession] = {}
    orphans = 0
    for row in user_rows:
        if row["user_id"] not in usernames:
            orphans += 1
            continue
        data = _data(row["data"])
        started = _int(row.get("created_on")) or _int(data.get("started"))
        remember = bool(row.get("remember_me")) if row.get("remember_me") is not None else bool(data.get("rememberMe"))
        notes = {k: str(v) for k, v in (data.get("notes") or {}).items()}
        by_id[row["user_session_id"]] = OfflineSession(
            UserSession(
                id=row["user_session_id"],
                realm_id=realm_id,
                user_id=row["user_id"],
                offline=True,
                login_username=usernames[row["user_id"]],
                ip_address=str(data.get("ipAddress") or ""),
                auth_method=str(data.get("authMethod") or "openid-connect"),
                remember_me=remember,
                started=started,
                last_session_refresh=_int(row.get("last_session_refresh"), started),
                broker_session_id=row.get("broker_session_id") or data.get("brokerSessionId"),
                notes=notes,
            )
        )
    external = 0
    for row in client_rows:
        session = by_id.get(row["user_session_id"])
        if session is None:
            continue
        if (row.get("client_storage_provider") or "local") != "local" or row["client_id"] not in client_ids:
            external += 1
            continue
        data = _data(row["data"])
        notes = {k: str(v) for k, v in (data.get("notes") or {}).items()}
        families = _families(notes)
        us = session.user_session
        session.clients.append(
            (
                ClientSession(
                    user_session_id=us.id,
                    offline=True,
                    client_id=row["client_id"],
                    started=_int(notes.get("startedAt"), us.started),
                    timestamp=_int(row.get("timestamp"), us.started),
                    redirect_uri=data.get("redirectUri"),
                    notes=notes,
                ),
                families,
            )
        )
    if orphans:
        report.cannot(f"{orphans} offline sessions", "their users are not carried (federated or missing)")
    if external:
        report.cannot(f"{external} offline client sessions", "their clients are external or not carried")
    return [s for s in by_id.values() if s.clients]


def _families(notes: dict[str, str]) -> list[RefreshFamily]:
    """Pop Keycloak's rotation notes off ``notes`` into rotation families keyed by reuse_id."""
    keys = {k[len(CURRENT) :] for k in notes if k.startswith(CURRENT)}
    keys |= {k[len(USES) :] for k in notes if k.startswith(USES)}
    out = []
    for reuse in sorted(keys):
        current = notes.pop(CURRENT + reuse, None)
        out.append(
            RefreshFamily(
                reuse_key=reuse,
                current_jti=current,
                use_count=_int(notes.pop(USES + reuse, None)),
                last_refresh=_int(notes.pop(LAST + reuse, None)),
                latest_jti=None,
            )
        )
    for k in [k for k in notes if k.startswith(LAST)]:
        notes.pop(k)
    return out
