"""Sweep s66-g, oracles (held): the password grant's time does not tell a locked account from an unknown name.

Keycloak's direct-grant ValidateUsername hashes a dummy password (AuthenticatorUtils.dummyHash) on each refusal
that comes before the password is looked at and answers "Invalid user credentials": an unknown user, a service
account, and a user Brute Force Detection has locked. Doorkeep checks the typed password against the user's own
hash before the grant runs (``credentials.assess``, outside SQLite's write lock), so a locked account costs one hash
as well, and an unknown name one dummy hash. As in the grantAccessTokenInvalidUserCredentialsPerf port, the hashes
are counted (the real ones still run), not timed.
"""

from __future__ import annotations

from typing import Any

import pytest

from browser_flow import REDIRECT, start, submit
from doorkeep.users import passwords
from support import assert_error, password_grant, update_client, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
INVALID = ("invalid_grant", "Invalid user credentials")


@pytest.fixture
def hashes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each password hash the server computes from here on: ``verify`` (a stored one) or ``dummy``."""
    seen: list[str] = []
    real_verify, real_dummy = passwords.verify, passwords.dummy_hash

    def verify(password: str, secret_data: dict[str, Any], credential_data: dict[str, Any]) -> bool:
        seen.append("verify")
        return real_verify(password, secret_data, credential_data)

    def dummy(password: str, algorithm: str | None, iterations: int) -> None:
        seen.append("dummy")
        real_dummy(password, algorithm, iterations)

    monkeypatch.setattr(passwords, "verify", verify)
    monkeypatch.setattr(passwords, "dummy_hash", dummy)
    return seen


@pytest.mark.parametrize("permanent", [False, True], ids=["temporary", "permanent"])
async def test_a_locked_account_costs_one_hash_like_an_unknown_name(
    realm: Env, hashes: list[str], permanent: bool
) -> None:
    await update_realm(
        realm.db,
        "test",
        brute_force_protected=True,
        failure_factor=2,
        permanent_lockout=permanent,
        quick_login_check_milli_seconds=0,
    )
    for _ in range(2):
        realm.clock.advance(5)
        assert_error(await password_grant(realm.http, "test", "app", "user1", "wrong"), 400, *INVALID)
    hashes.clear()
    for password in ("wrong", "password"):  # locked: the right password is refused too
        assert_error(await password_grant(realm.http, "test", "app", "user1", password), 400, *INVALID)
        assert len(hashes) == 1, (password, hashes)
        hashes.clear()
    assert_error(await password_grant(realm.http, "test", "app", "nobody", "wrong"), 400, *INVALID)
    assert hashes == ["dummy"]


async def test_the_login_form_costs_one_hash_for_a_locked_account_and_for_an_unknown_name(
    realm: Env, hashes: list[str]
) -> None:
    await update_realm(
        realm.db, "test", brute_force_protected=True, failure_factor=2, quick_login_check_milli_seconds=0
    )
    await update_client(realm.db, "test", "app", redirect_uris=(REDIRECT,))
    for _ in range(2):
        realm.clock.advance(5)
        assert_error(await password_grant(realm.http, "test", "app", "user1", "wrong"), 400, *INVALID)
    for username in ("user1", "nobody"):
        page = await start(realm.http, "test", "app")
        hashes.clear()
        refused = await submit(realm.http, page, username=username, password="wrong")
        assert refused.status_code == 200 and "Invalid username or password." in refused.text
        assert len(hashes) == 1, (username, hashes)
