"""What AttackDetectionResource shows and clears of a user when failures are counted per property.

``status``: the user's summary (any counter of it locks it) with ``properties``, one status per protected
property (``id`` for the user's own counter), as ``GET attack-detection/brute-force/users/{id}`` answers for a
user of a realm with Brute Force Detection on, whatever its lock policy (unset, it is USER: ``properties`` holds
``id`` alone, as the newest AttackDetectionResourceTest counts eight keys); an id of no user, or a realm
without the detection, has the seven keys alone.

``clear``: ``DELETE …/users/{id}`` forgets every counter of the user, or with ``?property=`` that property's
only; a property clear also lifts the permanent lockout of each user it shared the value with that no other
counter still locks. A clear without a property lifts none (the user is enabled again by an administrator).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from doorkeep.model import LoginFailure, Realm, User
from doorkeep.users import brute_force_keys
from doorkeep.users.brute_force import (
    LOCKED_FOREVER,
    counter_locked_forever,
    disabled_by_lockout,
    live,
    lock_error,
    status_json,
    temporarily_locked,
    without_lockout_reason,
)

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


def _counters(realm: Realm, failures: list[LoginFailure], now: int) -> dict[str, object]:
    """One status over some records (AttackDetectionResource.bruteForceCounterStatus)."""
    data: dict[str, object] = status_json(realm, None, None, now)
    found = [f for f in (live(realm, f, now) for f in failures) if f is not None]
    if not found:
        return data
    forever = any(counter_locked_forever(realm, f) for f in found)
    not_before = max(f.failed_login_not_before for f in found)
    latest = max(found, key=lambda f: f.last_failure)
    data.update(
        disabled=now < not_before or forever,
        failedLoginNotBefore=LOCKED_FOREVER if forever else not_before,
        numFailures=max(f.num_failures for f in found),
        numTemporaryLockouts=max(f.num_temporary_lockouts for f in found),
        lastFailure=latest.last_failure,
        lastIPFailure=latest.last_ip_failure,
    )
    return data


async def status(tx: Tx, realm: Realm, user_id: str, now: int) -> dict[str, object]:
    """``GET attack-detection/brute-force/users/{id}``."""
    user = await tx.users.get(user_id)
    if user is None or user.realm_id != realm.id:  # an id of no user here: the record of that id, if any
        return status_json(realm, None, await tx.login_failures.get(realm.id, user_id), now)
    if not realm.brute_force_protected:
        return status_json(realm, user, None, now)
    keys = brute_force_keys.all_keys(realm, user)
    stored = await tx.login_failures.get_many(realm.id, keys)
    records = {k: f for k, f in stored.items() if live(realm, f, now) is not None}
    own = records.get(user.id)
    others = tuple(f for k, f in records.items() if k != user.id)
    data = _counters(realm, list(records.values()), now)
    data["disabled"] = bool(records) and lock_error(realm, user, own, now, others) is not None
    if data["disabled"]:
        locked = [f for f in records.values() if temporarily_locked(f, now)]
        data["failedLoginNotBefore"] = max(f.failed_login_not_before for f in locked) if locked else LOCKED_FOREVER
    elif records:
        data["failedLoginNotBefore"] = 0
    data["properties"] = {
        name: _counters(realm, [records[k] for k in brute_force_keys.keys_of(realm, user, name) if k in records], now)
        for name in brute_force_keys.protected_properties(realm)
    }
    return data


async def clear(tx: Tx, realm: Realm, user_id: str, prop: str | None) -> bool:
    """``DELETE attack-detection/brute-force/users/{id}[?property=]``: whether anything changed (the admin
    event's condition). Raises UnprotectedProperty for a property the realm's policy does not count."""
    user = await tx.users.get(user_id)
    if user is None or user.realm_id != realm.id:
        return await tx.login_failures.remove(realm.id, user_id)
    keys = brute_force_keys.all_keys(realm, user) if prop is None else brute_force_keys.keys_of(realm, user, prop)
    removed = False
    for key in keys:
        removed = await tx.login_failures.remove(realm.id, key) or removed
    if prop is None:
        return removed
    released = False
    sharing = [u for u in await tx.users.disabled(realm.id) if u.id != user.id and _shares(realm, u, prop, keys)]
    for candidate in [user, *sharing]:
        if disabled_by_lockout(candidate) and not await _still_locked(tx, realm, candidate):
            await tx.users.update(without_lockout_reason(dataclasses.replace(candidate, enabled=True)))
            released = True
    return removed or released


def _shares(realm: Realm, user: User, prop: str, keys: list[str]) -> bool:
    return prop != brute_force_keys.ID and bool(set(brute_force_keys.keys_of(realm, user, prop)) & set(keys))


async def _still_locked(tx: Tx, realm: Realm, user: User) -> bool:
    """BruteForceUserProperty.isLockedByRemainingCounters (the cleared counters are gone already)."""
    records = await tx.login_failures.get_many(realm.id, brute_force_keys.all_keys(realm, user))
    return any(counter_locked_forever(realm, f) for f in records.values())
