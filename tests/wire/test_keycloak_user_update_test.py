"""Keycloak 26's UserUpdateTest and UserCredentialTest (tests/base/.../tests/admin/user/, from the old
testsuite's admin UserTest), ported one method to one test over the admin API with admin events on; logins
run the browser form over plain HTTP (browser_flow.py) for ``test-app``.

Already covered elsewhere, so not repeated here:

* ``updateUserWithExistingEmail``, ``testAccessUserFromOtherRealm``: test_admin_users.py.
* ``updateUserWithNewUsernameNotPossible``, ``updateUserWithExistingUsername``:
  test_admin_users_keycloak_parity.py.
* ``testUpdateCredentials``, ``testDeleteCredentials``, ``testCRUDCredentialsOfDifferentUser``:
  test_keycloak_admin_user_sessions.py; ``testGetAndMoveCredentials``: test_credential_priority.py.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from browser_flow import REDIRECT, start, submit
from keycloak_port import get
from role_port import assert_event, call, clear_events, create, ok, poll_events
from role_port import import_test_realm as _import
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def realm_id(env: Env) -> str:
    """Realm ``test`` with admin events recorded, and ``test-app`` for the browser logins."""
    realm_id = await _import(env)
    await create(env, "/clients", {"clientId": "test-app", "publicClient": True, "redirectUris": [REDIRECT]})
    await clear_events(env)
    return realm_id


def _rep(username: str = "user1", email: str = "user1@localhost", **more: Any) -> dict[str, Any]:
    return {"username": username, "email": email, "requiredActions": [], "enabled": True, **more}


async def _create_user(env: Env, realm_id: str, rep: dict[str, Any]) -> str:
    """AbstractUserTest.createUser: 201 and its CREATE event (credentials stripped)."""
    user_id = await create(env, "/users", rep)
    stripped = {k: v for k, v in rep.items() if k != "credentials"}
    await assert_event(env, realm_id, "CREATE", f"users/{user_id}", "USER", stripped)
    return user_id


async def _update_user(env: Env, realm_id: str, user_id: str, rep: dict[str, Any]) -> None:
    """AbstractUserTest.updateUser: 204 and one UPDATE event with the representation, credentials stripped."""
    await ok(env, "PUT", f"/users/{user_id}", rep)
    stripped = {k: v for k, v in rep.items() if k != "credentials"}
    await assert_event(env, realm_id, "UPDATE", f"users/{user_id}", "USER", stripped)


async def _switch(env: Env, realm_id: str, **setting: bool) -> None:
    """switchEditUsernameAllowedOn / switchRegistrationEmailAsUsername: an UPDATE REALM event."""
    rep = {**await get(env, ""), **setting}
    await ok(env, "PUT", "", rep)
    found = await poll_events(env)
    assert [(e["operationType"], e["resourceType"]) for e in found] == [("UPDATE", "REALM")]


async def _logs_in(env: Env, username: str, password: str) -> bool:
    """The login form for ``test-app`` submitted: whether it redirected with a code (AUTH_RESPONSE)."""
    env.http.cookies.clear()
    page = await start(env.http, "test", "test-app")
    assert page.status_code == 200, page.text[:300]
    answer = await submit(env.http, page, username=username, password=password)
    return answer.status_code == 302 and "code=" in answer.headers["location"]


async def _password(env: Env, user_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The stored password credential's data and secret (fetchCredentials over run-on-server)."""
    async with env.db.transaction() as tx:
        [credential] = [c for c in await tx.users.credentials(user_id) if c.type == "password"]
    assert isinstance(credential.credential_data, dict) and isinstance(credential.secret_data, dict)
    return credential.credential_data, credential.secret_data


# --- UserUpdateTest ---------------------------------------------------------------------------------------
async def test_update_user_with_hashed_credentials(env: Env, realm_id: str) -> None:
    """A pbkdf2-sha256 hash of ``admin`` (27500 iterations) set through ``credentials``: the user logs in."""
    user_id = await _create_user(env, realm_id, _rep("user_hashed_creds", "user_hashed_creds@localhost"))
    salt = bytes(b % 256 for b in (-69, 85, 87, 99, 26, -107, 125, 99, -77, 30, -111, 118, 108, 100, -117, -56))
    value = "uskEPZWMr83pl2mzNB95SFXfIabe2UH9ClENVx/rrQqOjFEjL2aAOGpWsFNNF3qoll7Qht2mY5KxIDm3Rnve2w=="
    hashed = {
        "type": "password",
        "createdDate": 1001,
        "secretData": json.dumps({"value": value, "salt": base64.b64encode(salt).decode(), "additionalParameters": {}}),
        "credentialData": json.dumps(
            {"hashIterations": 27500, "algorithm": "pbkdf2-sha256", "additionalParameters": {}}
        ),
    }
    await ok(env, "PUT", f"/users/{user_id}", {"credentials": [hashed]})
    assert await _logs_in(env, "user_hashed_creds", "admin")


async def test_update_user_with_new_username(env: Env, realm_id: str) -> None:
    await _switch(env, realm_id, editUsernameAllowed=True)
    user_id = await _create_user(env, realm_id, _rep())
    rep = {**await get(env, f"/users/{user_id}"), "username": "user11"}
    await _update_user(env, realm_id, user_id, rep)
    assert (await get(env, f"/users/{user_id}"))["username"] == "user11"


async def test_update_user_without_username(env: Env, realm_id: str) -> None:
    await _switch(env, realm_id, editUsernameAllowed=True)
    user_id = await _create_user(env, realm_id, _rep())
    await _update_user(env, realm_id, user_id, {"firstName": "Firstname"})
    await _update_user(env, realm_id, user_id, {"lastName": "Lastname"})
    rep = await get(env, f"/users/{user_id}")
    assert (rep["username"], rep["email"], rep["firstName"], rep["lastName"]) == (
        "user1",
        "user1@localhost",
        "Firstname",
        "Lastname",
    )


@pytest.mark.parametrize("edit_username", [False, True], ids=["edit_username_disabled", "edit_username_allowed"])
async def test_update_user_with_email_as_username(env: Env, realm_id: str, edit_username: bool) -> None:
    """updateUserWithEmailAsUsernameEditUsernameDisabled / …Allowed: a new e-mail renames the user."""
    await _switch(env, realm_id, registrationEmailAsUsername=True, editUsernameAllowed=edit_username)
    user_id = await _create_user(env, realm_id, _rep())
    rep = await get(env, f"/users/{user_id}")
    assert rep["username"] == "user1@localhost"
    await _update_user(env, realm_id, user_id, {**rep, "email": "user11@localhost"})
    rep = await get(env, f"/users/{user_id}")
    assert (rep["username"], rep["email"]) == ("user11@localhost", "user11@localhost")


async def test_update_user_with_new_username_accessing_via_old_username(env: Env, realm_id: str) -> None:
    """A username is no id: ``users/{username}`` is 404 and records nothing."""
    await _switch(env, realm_id, editUsernameAllowed=True)
    await _create_user(env, realm_id, _rep())
    response = await call(env, "GET", "/users/user1")
    assert response.status_code == 404
    assert response.json() == {"error": "User not found"}
    assert await poll_events(env) == []


@pytest.mark.keycloak_hash_cost
async def test_update_user_with_raw_credentials(env: Env, realm_id: str) -> None:
    rep = _rep("user_rawpw", "email.raw@localhost", credentials=[{"type": "password", "value": "ABCD"}])
    user_id = await _create_user(env, realm_id, rep)
    data, secret = await _password(env, user_id)
    assert (data["algorithm"], data["hashIterations"]) == ("argon2", 5) and secret["value"] != "ABCD"

    rep = {**await get(env, f"/users/{user_id}"), "credentials": [{"type": "password", "value": "EFGH"}]}
    await _update_user(env, realm_id, user_id, rep)
    updated, new_secret = await _password(env, user_id)
    assert (updated["algorithm"], updated["hashIterations"]) == ("argon2", 5)
    assert new_secret["value"] not in ("EFGH", secret["value"])
    assert await _logs_in(env, "user_rawpw", "EFGH")


# --- UserCredentialTest -----------------------------------------------------------------------------------
async def test_reset_user_password(env: Env, realm_id: str) -> None:
    user_id = await _create_user(env, realm_id, _rep())
    reset = {"type": "password", "value": "password", "temporary": False}
    await ok(env, "PUT", f"/users/{user_id}/reset-password", reset)
    await assert_event(env, realm_id, "ACTION", f"users/{user_id}/reset-password", "USER")
    assert await _logs_in(env, "user1", "password")


async def test_reset_user_invalid_password(env: Env, realm_id: str) -> None:
    user_id = await _create_user(env, realm_id, _rep())
    reset = {"type": "password", "value": " ", "temporary": False}
    response = await call(env, "PUT", f"/users/{user_id}/reset-password", reset)
    assert response.status_code == 400, response.text
    assert await poll_events(env) == []


async def test_login_should_fail_after_password_deleted(env: Env, realm_id: str) -> None:
    rep = _rep("credential-tester", "tester@localhost", credentials=[{"type": "password", "value": "s3cr37"}])
    user_id = await _create_user(env, realm_id, rep)
    assert await _logs_in(env, "credential-tester", "s3cr37")
    [password] = [c for c in await get(env, f"/users/{user_id}/credentials") if c["type"] == "password"]
    assert (await call(env, "DELETE", f"/users/{user_id}/credentials/{password['id']}")).status_code == 204
    env.http.cookies.clear()
    page = await start(env.http, "test", "test-app")
    answer = await submit(env.http, page, username="credential-tester", password="s3cr37")
    assert answer.status_code == 200 and "/realms/test/login-actions/authenticate" in answer.text


async def test_expect_no_password_shown_when_creating_user_with_password(env: Env, realm_id: str) -> None:
    """The CREATE event's representation is the one sent, its credentials stripped (StripSecretsUtils)."""
    rep = {"username": "test", "credentials": [{"type": "password", "value": "password"}], "enabled": True}
    await create(env, "/users", rep)
    [event] = await poll_events(env)
    assert "password" not in event["representation"].replace('"username"', "")
    assert json.loads(event["representation"]) == {"username": "test", "enabled": True}
