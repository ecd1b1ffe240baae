""" "Run backup now": trade the stored offline token for an access token, call the backup service with it.

Works whether or not the user is still signed in to Doorkeep: only the offline token is used.
"""

from __future__ import annotations

from dataclasses import dataclass

import httpx
from starlette.concurrency import run_in_threadpool

from doorkeep_keeper import ConsentRequired, Keeper, KeeperError, ServerUnavailable, TokenKey

REVOKED = "Backup failed: offline access was revoked — log in again."
UNAVAILABLE = "Backup failed: Doorkeep could not be reached. The offline token is kept; try again later."


@dataclass(frozen=True)
class Outcome:
    ok: bool
    message: str


async def run_backup(keeper: Keeper, key: TokenKey, http: httpx.AsyncClient, backup_url: str) -> Outcome:
    try:
        # fresh: prove the grant is alive now (a revoked grant fails at once); blocking: file lock, sync HTTP
        access = await run_in_threadpool(lambda: keeper.access_token(key, fresh=True))
    except ConsentRequired:
        return Outcome(False, REVOKED)
    except ServerUnavailable:
        return Outcome(False, UNAVAILABLE)
    except KeeperError as exc:
        return Outcome(False, f"Backup failed: Doorkeep refused the refresh ({exc}).")
    try:
        response = await http.post(f"{backup_url}/backups", headers={"Authorization": f"Bearer {access}"})
    except httpx.TransportError:
        return Outcome(False, "Backup failed: the backup service could not be reached.")
    if response.status_code != 201:
        reason = response.json().get("error_description", response.status_code)
        return Outcome(False, f"Backup failed: the backup service refused the token ({reason}).")
    record = response.json()
    return Outcome(True, f"Backup #{record['number']} of {record['user']} done.")


async def stop_backups(keeper: Keeper, key: TokenKey) -> Outcome:
    """Revoke the offline token at Doorkeep (its offline session ends) and forget it."""
    try:
        revoked = await run_in_threadpool(keeper.revoke, key)
    except ServerUnavailable:
        return Outcome(False, "Doorkeep could not be reached; offline access is kept. Try again later.")
    except KeeperError as exc:
        return Outcome(False, f"Doorkeep refused the revocation ({exc}).")
    if not revoked:
        return Outcome(True, "The portal held no offline token for you.")
    return Outcome(True, "Backups stopped: the portal revoked its offline access and forgot the token.")
