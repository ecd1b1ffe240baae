"""The documents' offline-access tasks as commands with readable tables (``--format json|csv`` for scripts).

Each resolves names to ids the way an administrator would by hand (``clients?clientId=``,
``users?username=&exact=true``) and then calls the Keycloak endpoint the task needs.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from doorkeep.admincli import http as transport
from doorkeep.admincli import output
from doorkeep.admincli.api import Api, connect
from doorkeep.admincli.auth import AuthOptions
from doorkeep.admincli.errors import AdminCliError
from doorkeep.admincli.options import FORMATS, common

OFFLINE_TOKEN = "Offline Token"


def client_uuid(api: Api, client_id: str) -> str:
    found = api.get("clients", [("clientId", client_id)])
    match = [c for c in found or [] if isinstance(c, dict) and c.get("clientId") == client_id]
    if not match:
        raise AdminCliError(f"Client not found: {client_id} (realm {api.realm})")
    return str(match[0]["id"])


def user_id(api: Api, username: str) -> str:
    found = api.get("users", [("username", username), ("exact", "true")])
    match = [u for u in found or [] if isinstance(u, dict) and str(u.get("username", "")).lower() == username.lower()]
    if not match:
        raise AdminCliError(f"User not found: {username} (realm {api.realm})")
    return str(match[0]["id"])


def when(millis: Any) -> str:
    """Epoch milliseconds as UTC date and time; empty when absent."""
    if not isinstance(millis, int | float) or millis <= 0:
        return ""
    return datetime.fromtimestamp(millis / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _emit(value: Any, fmt: str, header: list[str], rows: list[list[str]]) -> None:
    if fmt == "json":
        click.echo(output.render(value, "json"))
    elif fmt == "csv":
        click.echo(output.render([dict(zip(header, row, strict=True)) for row in rows], "csv", header))
    elif rows:
        click.echo(output.table(header, rows))


@click.command("offline-sessions")
@common
@click.option("--client", "client_id", required=True, help="clientId whose offline sessions to list.")
@click.option("--first", type=click.IntRange(min=0), default=None, help="Index of the first session.")
@click.option("--max", "max_results", type=click.IntRange(min=0), default=None, help="Most sessions to list.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def offline_sessions(
    realm: str | None, config_file: Path | None, client_id: str, first: int | None, max_results: int | None, fmt: str
) -> None:
    """List a client's offline sessions: user, session id, IP address, started, last access (UTC)."""
    page = [(k, str(v)) for k, v in (("first", first), ("max", max_results)) if v is not None]
    with connect(AuthOptions(config_file=config_file), realm) as api:
        sessions = api.get(f"clients/{client_uuid(api, client_id)}/offline-sessions", page) or []
    rows = [
        [
            str(s.get("username", "")),
            str(s.get("id", "")),
            str(s.get("ipAddress", "")),
            when(s.get("start")),
            when(s.get("lastAccess")),
        ]
        for s in sessions
    ]
    _emit(sessions, fmt, ["USER", "SESSION ID", "IP ADDRESS", "STARTED (UTC)", "LAST ACCESS (UTC)"], rows)


@click.command("offline-session-count")
@common
@click.option("--client", "client_id", required=True, help="clientId whose offline sessions to count.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def offline_session_count(realm: str | None, config_file: Path | None, client_id: str, fmt: str) -> None:
    """Print how many offline sessions a client has."""
    with connect(AuthOptions(config_file=config_file), realm) as api:
        count = api.get(f"clients/{client_uuid(api, client_id)}/offline-session-count")
    click.echo(output.render(count, "json") if fmt == "json" else str((count or {}).get("count", 0)))


@click.command("consents")
@common
@click.option("--user", "username", required=True, help="Username whose consents to list.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def consents(realm: str | None, config_file: Path | None, username: str, fmt: str) -> None:
    """List a user's consents and offline tokens, per client."""
    with connect(AuthOptions(config_file=config_file), realm) as api:
        found = api.get(f"users/{user_id(api, username)}/consents") or []
    rows = [
        [
            str(c.get("clientId", "")),
            ",".join(c.get("grantedClientScopes") or []),
            "yes" if any(g.get("key") == OFFLINE_TOKEN for g in c.get("additionalGrants") or []) else "no",
            when(c.get("createdDate")),
            when(c.get("lastUpdatedDate")),
        ]
        for c in found
    ]
    _emit(found, fmt, ["CLIENT", "GRANTED SCOPES", "OFFLINE TOKEN", "CREATED (UTC)", "LAST UPDATED (UTC)"], rows)


@click.command("revoke-offline")
@common
@click.option("--user", "username", required=True, help="Username whose grant to revoke.")
@click.option("--client", "client_id", required=True, help="clientId the grant was given to.")
def revoke_offline(realm: str | None, config_file: Path | None, username: str, client_id: str) -> None:
    """Revoke a user's consent to a client and with it the client's offline tokens (users/{id}/consents/{client})."""
    with connect(AuthOptions(config_file=config_file), realm) as api:
        uid = user_id(api, username)
        client_uuid(api, client_id)  # an unknown client is named as such, not as a URL that was not found
        url = api.url(f"users/{uid}/consents/{client_id}")
        response = api.send("DELETE", url, check=False)
        if response.status_code == 404:  # UserResource.revokeConsent: "Consent nor offline token not found"
            raise AdminCliError(
                f"User '{username}' has no consent and no offline token for client '{client_id}' (realm {api.realm})"
            )
        transport.check(url, response)
        click.echo(
            f"Revoked the consent and offline tokens of user '{username}' for client '{client_id}' "
            f"in realm '{api.realm}'"
        )


@click.command("session-stats")
@common
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def session_stats(realm: str | None, config_file: Path | None, fmt: str) -> None:
    """Count the online and offline sessions of each client that has any (client-session-stats)."""
    with connect(AuthOptions(config_file=config_file), realm) as api:
        stats = api.get("client-session-stats") or []
    rows = [[str(s.get("clientId", "")), str(s.get("active", "0")), str(s.get("offline", "0"))] for s in stats]
    _emit(stats, fmt, ["CLIENT", "ONLINE", "OFFLINE"], rows)


@click.command("not-before")
@click.argument("action", type=click.Choice(["set-now", "clear", "push"]))
@common
@click.option("--client", "client_id", default=None, help="A client's not-before instead of the realm's.")
def not_before(action: str, realm: str | None, config_file: Path | None, client_id: str | None) -> None:
    """Revocation policy: set-now (tokens issued before now are refused), clear, or push it to admin URLs."""
    with connect(AuthOptions(config_file=config_file), realm) as api:
        target = f"clients/{client_uuid(api, client_id)}" if client_id else f"realms/{api.realm}"
        name = f"client '{client_id}'" if client_id else f"realm '{api.realm}'"
        if action == "push":
            url = api.url(f"{target}/push-revocation")
            result = transport.json_body(url, api.send("POST", url)) or {}
            done, failed = result.get("successRequests") or [], result.get("failedRequests") or []
            click.echo(
                f"Pushed the not-before of {name} to {len(done)} admin URL(s)"
                + (f"; failed: {', '.join(failed)}" if failed else "")
            )
            return
        stamp = int(time.time()) if action == "set-now" else 0
        body = api.get(target) if client_id else {"realm": api.realm}
        body["notBefore"] = stamp
        api.send("PUT", api.url(target), body)
        click.echo(f"Set the not-before of {name} to {when(stamp * 1000) + ' UTC' if stamp else 'none (cleared)'}")


COMMANDS = [offline_sessions, offline_session_count, session_stats, consents, revoke_offline, not_before]
