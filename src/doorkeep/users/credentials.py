"""Finding a user by what they type and checking their password (Keycloak's ValidateUsername /
ValidatePassword), shared by the password grant, the browser login and the events of both."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from doorkeep.model import PasswordRetention, Realm, User
from doorkeep.users import password_policy, passwords

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


async def find_user(tx: Tx, realm_id: str, username: str, login_with_email: bool) -> User | None:
    user = await tx.users.get_by_username(realm_id, username)
    if user is None and login_with_email and "@" in username:
        user = await tx.users.get_by_email(realm_id, username)
    return user


NO_CREDENTIAL = ""


async def check_password(tx: Tx, user: User | None, password: str, verdict: tuple[str, bool] | None = None) -> bool:
    """Verify off the event loop; an unknown user costs the same time as a known one.

    ``verdict`` is an earlier check of the same password (the password grant's ``precheck``): reused only when it was
    made against the credential the user has now.
    """
    cred = await tx.users.password(user.id) if user else None
    if cred is None:
        if verdict is None or verdict[0] != NO_CREDENTIAL:
            await asyncio.to_thread(passwords.verify, password, passwords.DUMMY_SECRET, passwords.DUMMY_CRED)
        return False
    if verdict is not None and verdict[0] == cred.id:
        return verdict[1]
    return await asyncio.to_thread(passwords.verify, password, cred.secret_data, cred.credential_data)


async def enforce_policy(tx: Tx, realm: Realm, user: User, password: str, now: int) -> None:
    """Raise ``PolicyViolation`` if the realm's password policy refuses ``password`` for ``user`` at ``now`` (every
    place a password is set calls this first, as Keycloak's credential manager validates before it stores)."""
    policy = password_policy.parse(realm.password_policy)  # stored already checked: it parses
    if not policy.parsed:
        return
    reused = policy.history != -1 and await _reused(tx, user, password, policy.history)
    recently_used = policy.age != -1 and await _recently_used(tx, user, password, policy.age, now)
    candidate = password_policy.Candidate(
        password, user.username, user.email, reused=reused, recently_used=recently_used
    )
    password_policy.check(policy, candidate)


async def _reused(tx: Tx, user: User, password: str, count: int) -> bool:
    """HistoryPasswordPolicyProvider.validate: the current password, then the newest ``count``-1 previous ones."""
    return await _any_matches(password, await _current(tx, user) + await tx.users.password_history(user.id, count - 1))


async def _recently_used(tx: Tx, user: User, password: str, days: int, now: int) -> bool:
    """AgePasswordPolicyProvider.validate: the current password, then (``days`` above 0) every previous one created
    after ``now`` less ``days`` days."""
    hashes = await _current(tx, user)
    if days > 0:
        hashes += await tx.users.password_history_since(user.id, now * 1000 - days * password_policy.MS_PER_DAY)
    return await _any_matches(password, hashes)


async def _current(tx: Tx, user: User) -> list[tuple[Any, Any]]:
    cred = await tx.users.password(user.id)
    return [(cred.secret_data, cred.credential_data)] if cred is not None else []


async def _any_matches(password: str, hashes: list[tuple[Any, Any]]) -> bool:
    for secret, data in hashes:
        if await asyncio.to_thread(passwords.verify, password, secret, data):
            return True
    return False


def retention(realm: Realm, now: int) -> PasswordRetention:
    """What the realm's policy keeps of the previous hashes on a password update at ``now``
    (``PasswordPolicy.retention``)."""
    return password_policy.parse(realm.password_policy).retention(now)
