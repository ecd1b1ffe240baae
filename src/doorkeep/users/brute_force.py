"""Brute Force Detection, as Keycloak 26's DefaultBruteForceProtector does it.

The rules are pure functions over a ``LoginFailure`` record (counted per user, in the database, so
every worker and node agrees). The detector is consulted *before* the password is checked: a locked
user is refused even with the right password, and an attempt refused that way is not counted.

- A wrong password of an existing user records a failure (unknown users record nothing). More than
  ``maxDeltaTimeSeconds`` after the previous failure the count starts again.
- Temporary lockout: ``waitIncrementSeconds`` × (failures ÷ ``failureFactor``) with the ``MULTIPLE``
  strategy, × (1 + failures − ``failureFactor``) with ``LINEAR``, capped at ``maxFailureWaitSeconds``.
  Two failures closer than ``quickLoginCheckMilliSeconds`` lock for ``minimumQuickLoginWaitSeconds``.
- Permanent lockout: after ``failureFactor`` failures (or after ``maxTemporaryLockouts`` temporary
  lockouts when that is above 0) the user is disabled with the attribute
  ``disabledReason = permanentLockout``. A user with more temporary lockouts on record than
  ``maxTemporaryLockouts`` counts as locked too (a realm switched to permanent lockout).
- A successful login clears the record (a browser login once its whole flow is through); so does an
  administrator (attack-detection endpoints, or re-enabling the user). A record expires
  ``maxDeltaTimeSeconds`` after its last failure, and turning detection off forgets every record of the
  realm.
- Under ``bruteForceLockPolicy`` PROPERTIES or ANY the records are kept per counter key
  (users/brute_force_keys.py): a failure moves the keys of the identifier typed, and any key of the user
  locks it (DefaultBruteForceProtector over BruteForceUserProperty's keys).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from doorkeep import events
from doorkeep.model import LoginFailure, Realm, User
from doorkeep.users import brute_force_keys

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

DISABLED_REASON = "disabledReason"
PERMANENT_LOCKOUT = "permanentLockout"
# Event errors (Keycloak's Errors.USER_DISABLED / USER_TEMPORARILY_DISABLED).
USER_DISABLED = "user_disabled"
USER_TEMPORARILY_DISABLED = "user_temporarily_disabled"
MAX_NOT_BEFORE = 2**31 - 1  # Keycloak keeps failedLoginNotBefore in a Java int


def temporarily_locked(failure: LoginFailure | None, now: int) -> bool:
    """Locked until ``failed_login_not_before`` (epoch seconds)."""
    return failure is not None and now < failure.failed_login_not_before


def disabled_by_lockout(user: User) -> bool:
    """Disabled by the detector (not by an administrator)."""
    reason = user.attributes.get(DISABLED_REASON)
    values = reason if isinstance(reason, list) else [reason]
    return not user.enabled and PERMANENT_LOCKOUT in values


def permanently_locked(realm: Realm, user: User, failure: LoginFailure | None) -> bool:
    """Keycloak's ``isPermanentlyLockedOut``: disabled by the detector, or, with permanent lockout on, more
    temporary lockouts on record than ``maxTemporaryLockouts`` allows. The second rule locks a user whose
    lockouts were counted before the realm switched from temporary to permanent lockout (Keycloak's
    BruteForceTest.testUserDisabledAfterSwitchFromMixedToPermanentLockout), without writing anything."""
    if disabled_by_lockout(user):
        return True
    return (
        realm.permanent_lockout
        and failure is not None
        and failure.num_temporary_lockouts > realm.max_temporary_lockouts
    )


def live(realm: Realm, failure: LoginFailure | None, now: int) -> LoginFailure | None:
    """The record, unless its last failure is more than ``maxDeltaTimeSeconds`` old: Keycloak lets
    such records expire (except with permanent lockout alone, where failures are kept)."""
    if failure is None or _only_permanent(realm) or failure.last_failure <= 0:
        return failure
    return None if now * 1000 - failure.last_failure > realm.max_delta_time_seconds * 1000 else failure


def lock_error(
    realm: Realm, user: User, failure: LoginFailure | None, now: int, others: tuple[LoginFailure, ...] = ()
) -> str | None:
    """The event error when the detector refuses this user before any password check; None lets it on.
    ``failure``: the user's own record; ``others``: its property counters (users/brute_force_keys.py)."""
    if not realm.brute_force_protected:
        return None
    failure = live(realm, failure, now)
    shared = [f for f in (live(realm, o, now) for o in others) if f is not None]
    if permanently_locked(realm, user, failure) or any(counter_locked_forever(realm, f) for f in shared):
        return USER_DISABLED
    if temporarily_locked(failure, now) or any(temporarily_locked(f, now) for f in shared):
        return USER_TEMPORARILY_DISABLED
    return None


def counter_locked_forever(realm: Realm, failure: LoginFailure) -> bool:
    """BruteForceUserProperty.isPermanentlyLocked: with permanent lockout on, one counter past its limit."""
    factor = brute_force_keys.failure_factor(realm, failure.user_id)
    return realm.permanent_lockout and (
        failure.num_temporary_lockouts > realm.max_temporary_lockouts
        or (realm.max_temporary_lockouts == 0 and failure.num_failures >= factor)
    )


@dataclass(frozen=True)
class FailureVerdict:
    failure: LoginFailure  # the record to store
    lock_permanently: bool  # disable the user now
    locked_temporarily: bool  # this failure started a (new) temporary lockout


def _only_permanent(realm: Realm) -> bool:
    return realm.permanent_lockout and realm.max_temporary_lockouts == 0


def _wait_seconds(realm: Realm, num_failures: int, factor: int) -> int:
    """Keycloak's arithmetic, for any stored settings (the admin API refuses negative ones, as Keycloak
    26.2+ does; older stored values are not checked): Java's integer division truncates toward zero, so
    negative factors and increments give the waits Keycloak gives.
    A factor of 0 with ``MULTIPLE`` throws in Keycloak's job; here it only drops the factor's wait."""
    if _only_permanent(realm):
        return 0
    if realm.brute_force_strategy == "LINEAR":
        return realm.wait_increment_seconds * (1 + num_failures - factor)
    if factor == 0:
        return 0
    quotient = abs(num_failures) // abs(factor)
    return realm.wait_increment_seconds * (quotient if (num_failures >= 0) == (factor > 0) else -quotient)


def record_failure(realm: Realm, previous: LoginFailure, ip: str | None, now_ms: int) -> FailureVerdict:
    """The record after one more failed login at ``now_ms`` from ``ip`` (Keycloak's ``failure``). The wait
    follows the record's own failure factor (a property counter's may differ); the permanent lockout at the
    end compares with the realm's ``failureFactor``, as DefaultBruteForceProtector.failure does."""
    last = previous.last_failure
    delta = now_ms - last if last > 0 else 0
    current = previous
    if not _only_permanent(realm) and delta > realm.max_delta_time_seconds * 1000:
        current = cleared(previous)  # the previous failures are too old to count
    num = current.num_failures + 1
    lockouts = current.num_temporary_lockouts
    not_before = current.failed_login_not_before
    wait = _wait_seconds(realm, num, brute_force_keys.failure_factor(realm, previous.user_id))
    quick = False
    if wait <= 0 and last > 0 and delta < realm.quick_login_check_milli_seconds:
        wait, quick = realm.minimum_quick_login_wait_seconds, True
    locked_temporarily = False
    if wait > 0:
        if not _only_permanent(realm):
            wait = min(realm.max_failure_wait_seconds, wait)
        if not quick:
            lockouts += 1
        if quick or not realm.permanent_lockout or lockouts <= realm.max_temporary_lockouts:
            not_before = min(now_ms // 1000 + wait, MAX_NOT_BEFORE)
            locked_temporarily = True
    permanent = realm.permanent_lockout and (
        lockouts > realm.max_temporary_lockouts or (realm.max_temporary_lockouts == 0 and num >= realm.failure_factor)
    )
    failure = dataclasses.replace(
        current,
        num_failures=num,
        num_temporary_lockouts=lockouts,
        last_failure=now_ms,
        last_ip_failure=ip,
        failed_login_not_before=not_before,
    )
    return FailureVerdict(failure, permanent, locked_temporarily)


def cleared(failure: LoginFailure) -> LoginFailure:
    """Keycloak's ``clearFailures``: the record stays, with nothing in it."""
    return LoginFailure(failure.realm_id, failure.user_id)


def locked_out_user(user: User) -> User:
    """The user disabled by a permanent lockout."""
    return dataclasses.replace(
        user, enabled=False, attributes={**user.attributes, DISABLED_REASON: [PERMANENT_LOCKOUT]}
    )


def without_lockout_reason(user: User) -> User:
    """Keycloak's ``cleanUpPermanentLockout``: drop the reason once an administrator re-enables the user."""
    if DISABLED_REASON not in user.attributes:
        return user
    return dataclasses.replace(user, attributes={k: v for k, v in user.attributes.items() if k != DISABLED_REASON})


def as_shown(realm: Realm, user: User, failure: LoginFailure | None, now: int) -> User:
    """The user as the admin API shows it (Keycloak's DefaultAttributes.toRepresentation): with detection on
    and no ``disabledReason`` of its own, a permanently locked out user shows disabled, with the reason. Only
    the failures rule of ``permanently_locked`` can add anything here, so only a realm with permanent lockout
    needs the record read."""
    if not realm.brute_force_protected or DISABLED_REASON in user.attributes:
        return user
    return locked_out_user(user) if permanently_locked(realm, user, live(realm, failure, now)) else user


# --- the detector in a transaction --------------------------------------------------------------


async def property_failures(tx: Tx, realm: Realm, user: User) -> tuple[LoginFailure, ...]:
    """The records of the user's property counters (none under the USER policy)."""
    keys = [k for k in brute_force_keys.all_keys(realm, user) if k != user.id]
    found = await tx.login_failures.get_many(realm.id, keys) if keys else {}
    return tuple(found[k] for k in keys if k in found)


async def refusal(tx: Tx, realm: Realm, user: User, now: int) -> str | None:
    """The event error if the detector refuses ``user`` now (see ``lock_error``), in the writing
    transaction: later attempts on the same user wait for this one's outcome."""
    if not realm.brute_force_protected:
        return None
    await tx.login_failures.serialize(realm.id, user.id)
    current = await tx.users.get(user.id) or user  # as the attempt before this one left it
    others = await property_failures(tx, realm, current)
    return lock_error(realm, current, await tx.login_failures.get(realm.id, user.id), now, others)


async def failed_login(
    tx: Tx, realm: Realm, user: User, ip: str | None, now_ms: int, attempted: str | None = None
) -> FailureVerdict | None:
    """Count a wrong password of ``user``, typed as ``attempted`` (None: its username): the one deliberate
    write on a failure path (it commits). Each counter the attempt moves (brute_force_keys.keys_for_attempt)
    is counted as Keycloak's ``failure`` counts it; the verdict returned is the user's own counter's, if moved."""
    if not realm.brute_force_protected:
        return None
    verdicts: list[FailureVerdict] = []
    for key in brute_force_keys.keys_for_attempt(realm, user, attempted):
        verdicts.append(await _count(tx, realm, user, key, ip, now_ms))
    if any(v.lock_permanently for v in verdicts):
        current = await tx.users.get(user.id)
        if current is not None and current.enabled:
            last = verdicts[-1].failure
            details = {"reason": "brute_force_attack detected", "num_failures": last.num_failures}
            await tx.users.update(locked_out_user(current))
            await events.record(
                tx,
                realm,
                "USER_DISABLED_BY_PERMANENT_LOCKOUT",
                now=now_ms // 1000,
                user_id=user.id,
                ip=ip,
                details=details,
            )
    own = [v for v in verdicts if v.failure.user_id == user.id]
    return own[0] if own else (verdicts[0] if verdicts else None)


async def _count(tx: Tx, realm: Realm, user: User, key: str, ip: str | None, now_ms: int) -> FailureVerdict:
    verdict = record_failure(realm, await tx.login_failures.lock(realm.id, key), ip, now_ms)
    failure = verdict.failure
    await tx.login_failures.save(failure)
    if verdict.locked_temporarily:
        until = datetime.fromtimestamp(failure.failed_login_not_before, UTC).replace(tzinfo=None).isoformat()
        details = {"reason": "brute_force_attack detected", "num_failures": failure.num_failures}
        await events.record(
            tx,
            realm,
            "USER_DISABLED_BY_TEMPORARY_LOCKOUT",
            now=now_ms // 1000,
            user_id=user.id,
            ip=ip,
            details={**details, "not_before": until},
        )
    return verdict


async def shown(tx: Tx, realm: Realm, users: list[User], now: int) -> list[User]:
    """``as_shown`` for each of ``users``."""
    if not (realm.brute_force_protected and realm.permanent_lockout):
        return users
    return [as_shown(realm, u, await tx.login_failures.get(realm.id, u.id), now) for u in users]


async def successful_login(tx: Tx, realm: Realm, user: User) -> None:
    """A correct password clears the user's failures, every counter of it (DefaultBruteForceProtector.success)."""
    if realm.brute_force_protected:
        for key in brute_force_keys.all_keys(realm, user):
            await tx.login_failures.reset(realm.id, key)


async def enabled_by_admin(tx: Tx, realm: Realm, before: User, after: User, now: int) -> User:
    """An administrator sets ``enabled: true`` (Keycloak's UserResource.updateUser): a disabled or
    temporarily locked user's failures are cleared; then a permanent lockout (asked after that clearing)
    is cleaned up as ``cleanUpPermanentLockout`` does: the reason dropped, and the failures too unless the
    user is still temporarily locked."""
    failure = await tx.login_failures.get(realm.id, before.id)
    temporary = temporarily_locked(failure, now)
    if not before.enabled or temporary:
        await tx.login_failures.reset(realm.id, before.id)
        failure = None
    if not permanently_locked(realm, before, failure):
        return after
    if not temporary:
        await tx.login_failures.reset(realm.id, before.id)
    return without_lockout_reason(after)


# --- the admin view (Keycloak's AttackDetectionResource) ------------------------------------------

LOCKED_FOREVER = 2**63 - 1  # Keycloak's Long.MAX_VALUE for a permanent lockout


def status_json(realm: Realm, user: User | None, failure: LoginFailure | None, now: int) -> dict[str, object]:
    """``GET attack-detection/brute-force/users/{id}``: what the detector knows about one user. Keycloak 26's
    newest map has seven keys; ``numSecondaryAuthFailures`` (the failures of a second factor it counts apart, for
    the realm's ``maxSecondaryAuthFailures``) is always 0 here: Doorkeep counts no second-factor failure apart."""
    data: dict[str, object] = {
        "disabled": False,
        "numFailures": 0,
        "numSecondaryAuthFailures": 0,
        "numTemporaryLockouts": 0,
        "lastFailure": 0,
        "lastIPFailure": "n/a",
        "failedLoginNotBefore": 0,
    }
    failure = live(realm, failure, now)
    if not realm.brute_force_protected or failure is None:
        return data
    temporary = temporarily_locked(failure, now)
    if temporary or (user is not None and permanently_locked(realm, user, failure)):
        data["disabled"] = True
        data["failedLoginNotBefore"] = failure.failed_login_not_before if temporary else LOCKED_FOREVER
    data.update(
        numFailures=failure.num_failures,
        numTemporaryLockouts=failure.num_temporary_lockouts,
        lastFailure=failure.last_failure,
        lastIPFailure=failure.last_ip_failure,
    )
    return data
