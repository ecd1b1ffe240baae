"""Finding a user by what they type and checking their password (Keycloak's ValidateUsername /
ValidatePassword), shared by the password grant, the browser login and the events of both."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep.model import JSON, PasswordRetention, Realm, User
from doorkeep.users import password_policy, passwords

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


class SharedEmail(Exception):
    """getUserByEmail's ModelDuplicateException: the e-mail typed belongs to more than one user (a realm that
    allowed duplicate e-mails, then turned e-mail login on, keeps its duplicates)."""


async def find_login_user(tx: Tx, realm_id: str, username: str, login_with_email: bool) -> User | None:
    """KeycloakModelUtils.findUserByNameOrEmail, as the login form and the password grant look a user up: with
    e-mail login and an ``@``, the user holding that e-mail first, then the username. Raises SharedEmail when
    the e-mail is more than one user's."""
    if login_with_email and "@" in username:
        holders = await tx.users.ids_with_email(realm_id, username)
        if len(holders) > 1:
            raise SharedEmail
        if holders:
            return await tx.users.get(holders[0])
    return await tx.users.get_by_username(realm_id, username)


async def find_user(tx: Tx, realm_id: str, username: str, login_with_email: bool) -> User | None:
    """ResetCredentialChooseUser's lookup: the username first, then (with e-mail login and an ``@``) the one user
    holding that e-mail."""
    user = await tx.users.get_by_username(realm_id, username)
    if user is None and login_with_email and "@" in username:
        user = await tx.users.get_by_email(realm_id, username)
    return user


NO_CREDENTIAL = ""


@dataclass(frozen=True)
class Verdict:
    """An earlier check of a password, made in a reading transaction before the writing one opens (the login
    form's and the password grant's ``precheck``): the credential it was made against (``NO_CREDENTIAL`` for
    none), whether the password matched, and, when it did but the realm's policy no longer describes the stored
    hash, the password hashed again as the policy says (``rehashed``: secret_data, credential_data)."""

    credential_id: str
    ok: bool
    rehashed: tuple[JSON, JSON] | None = None


async def assess(tx: Tx, realm: Realm, user: User | None, password: str) -> Verdict:
    """Check ``password`` and, right, hash it again if the realm's hashAlgorithm / hashIterations no longer
    describe the stored hash (PasswordCredentialProvider.rehashPasswordIfRequired). Both hashes run here, in a
    worker thread, never under SQLite's write lock; ``check_password`` stores the new hash when the login uses it."""
    cred = await tx.users.password(user.id) if user else None
    ok = await check_password(tx, user, password, realm=realm)
    if not ok or cred is None:
        return Verdict(cred.id if cred else NO_CREDENTIAL, ok)
    policy = password_policy.stored(realm.password_policy)
    if policy.up_to_date(cred.secret_data, cred.credential_data):
        return Verdict(cred.id, ok)
    return Verdict(cred.id, ok, await asyncio.to_thread(policy.hash, password))


async def check_password(
    tx: Tx, user: User | None, password: str, verdict: Verdict | None = None, *, realm: Realm | None = None
) -> bool:
    """Verify off the event loop; an unknown user (or one without a password) costs the same time as a known one:
    one hash as ``realm``'s password policy hashes (``passwords.dummy_hash``; the default provider without a realm).

    ``verdict`` is an earlier check of the same password (``assess``): reused only when it was made against the
    credential the user has now (a new password is a new credential), and its re-hashed credential stored then,
    under the same id, created date and label, as Keycloak's ``updateStoredCredential`` keeps them.
    """
    cred = await tx.users.password(user.id) if user else None
    if cred is None:
        if verdict is None or verdict.credential_id != NO_CREDENTIAL:
            policy = password_policy.stored(realm.password_policy if realm else None)
            await asyncio.to_thread(passwords.dummy_hash, password, policy.hash_algorithm, policy.hash_iterations)
        return False
    if verdict is not None and verdict.credential_id == cred.id:
        if verdict.ok and verdict.rehashed is not None:
            await tx.users.rehash_password(cred.id, *verdict.rehashed)
        return verdict.ok
    return await asyncio.to_thread(passwords.verify, password, cred.secret_data, cred.credential_data)


async def enforce_policy(tx: Tx, realm: Realm, user: User, password: str, now: int) -> None:
    """Raise ``PolicyViolation`` if the realm's password policy refuses ``password`` for ``user`` at ``now`` (every
    place a password is set calls this first, as Keycloak's credential manager validates before it stores)."""
    policy = password_policy.stored(realm.password_policy)
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
    return password_policy.stored(realm.password_policy).retention(now)
