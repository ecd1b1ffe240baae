"""``doorkeep admin revoke-offline-sessions``: the bulk revocation endpoint (``offline-sessions/revoke``,
a Doorkeep extension) with its dry run printed as a table of the sample."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import click

from doorkeep.admincli import http
from doorkeep.admincli.api import connect
from doorkeep.admincli.auth import AuthOptions
from doorkeep.admincli.options import FORMATS, common
from doorkeep.admincli.shortcuts import _emit, when


def epoch(value: str | None) -> int | None:
    """Epoch seconds, or an ISO date or date-time (UTC unless it names a zone)."""
    if value is None:
        return None
    if value.strip().isdigit():
        return int(value)
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"not a date or epoch seconds: {value}") from None
    return int((moment if moment.tzinfo else moment.replace(tzinfo=UTC)).timestamp())


def _user(body: dict[str, Any], user: str | None) -> None:
    """``--user`` is a username, or a user id when it looks like one (a UUID)."""
    if user is not None:
        body["userId" if len(user) == 36 and user.count("-") == 4 else "username"] = user


@click.command("revoke-offline-sessions")
@common
@click.option("--client", "client_id", default=None, help="Only sessions holding this clientId.")
@click.option("--user", default=None, help="Only this user's sessions (username or user id).")
@click.option("--started-before", default=None, help="Only sessions started before (date or epoch seconds).")
@click.option("--last-access-before", default=None, help="Only sessions last used before (date or epoch).")
@click.option("--ip", default=None, help="Only sessions from this address or CIDR range.")
@click.option("--device-label", default=None, help="Only sessions of this device label (any case).")
@click.option("--dry-run", is_flag=True, help="Count and show a sample; end nothing.")
@click.option("--format", "fmt", type=FORMATS, default="table", show_default=True)
def revoke_offline_sessions(
    realm: str | None,
    config_file: Path | None,
    client_id: str | None,
    user: str | None,
    started_before: str | None,
    last_access_before: str | None,
    ip: str | None,
    device_label: str | None,
    dry_run: bool,
    fmt: str,
) -> None:
    """End the offline sessions matching all the criteria given (at least one), or preview them."""
    body: dict[str, Any] = {"dryRun": dry_run}
    for key, value in (
        ("clientId", client_id),
        ("startedBefore", epoch(started_before)),
        ("lastAccessBefore", epoch(last_access_before)),
        ("ipAddress", ip),
        ("deviceLabel", device_label),
    ):
        if value is not None:
            body[key] = value
    _user(body, user)
    if len(body) == 1:
        raise click.UsageError(
            "give at least one of --client, --user, --started-before, --last-access-before, --ip, --device-label"
        )
    with connect(AuthOptions(config_file=config_file), realm) as api:
        url = api.url("offline-sessions/revoke")
        response = api.send("POST", url, body, check=False)
        http.check_extension(url, response)
        result = http.json_body(url, response) or {}
        name = api.realm
    count = int(result.get("count", 0))
    if not dry_run:
        click.echo(f"Ended {count} offline session(s) in realm '{name}'")
        return
    sample = result.get("sample") or []
    rows = [
        [
            str(s.get("username", "")),
            str(s.get("id", "")),
            str(s.get("ipAddress", "")),
            ",".join(sorted((s.get("clients") or {}).values())),
            when(s.get("start")),
            when(s.get("lastAccess")),
            str(s.get("deviceLabel", "")),
        ]
        for s in sample
    ]
    header = ["USER", "SESSION ID", "IP ADDRESS", "CLIENTS", "STARTED (UTC)", "LAST ACCESS (UTC)", "DEVICE"]
    _emit(result, fmt, header, rows)
    if fmt == "table":
        click.echo(f"{count} offline session(s) would be ended in realm '{name}' (showing {len(sample)})")
