"""Keycloak 26's UserCreateTest, UserDeleteTest and UserRequiredActionsTest (tests/base/.../tests/admin/user/,
the split of the old testsuite's admin UserTest), ported one method to one test over the admin API with admin
events on, as AbstractUserTest sets them up.

Already covered elsewhere, so not repeated here:

* ``createDuplicateEmailWithExistingDuplicates`` and ``createUserWithEmailAsUsername``:
  test_admin_users_keycloak_parity.py.
* ``createUserWithTempolaryCredentials``: test_admin_users.py
  (test_temporary_credential_on_create_adds_update_password).

Left out, with the reason:

* ``createUserWithFederationLink``: user federation (a dummy UserStorageProvider component), which Doorkeep
  deliberately lacks.

The rest of the split UserTest lives in test_keycloak_user_groups_roles.py (UserGroupTest, UserRoleTest),
test_keycloak_user_email_test.py (UserEmailTest), test_keycloak_user_update_test.py (UserUpdateTest,
UserCredentialTest) and test_keycloak_user_attributes_test.py (UserAttributesTest); sessions, offline
sessions and consents per user in test_keycloak_admin_user_sessions.py and test_keycloak_consents_test.py;
UserSearchTest in test_keycloak_user_search_test.py
(``searchById`` in test_admin_users_keycloak_parity.py; ``searchByIdp``, ``searchByIdpAndEnabled`` and
``wildcardSearch`` in test_kc_s66k_user_search.py); UserProfileTest in test_keycloak_user_test_with_user_profile.py
(the metadata methods) and test_kc_s66k_user_profile.py (the rest); UserSessionClientVisibilityTest's methods
without fine-grained admin permissions in test_admin_user_session_client_visibility.py. Not ported, by design:

* UserFedarationTest: user federation / LDAP.
* UserSessionClientVisibilityTest's ``*Hide*`` methods: fine-grained admin permissions v2 (per-client view policies).
* Issued/Federated(User)VerifiableCredentialTest, UserVerifiableCredentialsTest: OID4VC, not in Doorkeep.

CompositeClientRoleMappingsTest and CompositeRealmRoleMappingsTest (the composite role-mapping listings) live in
test_keycloak_composite_client_role_mappings_test.py and test_keycloak_composite_realm_role_mappings_test.py.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from doorkeep.model import Credential
from keycloak_port import get
from role_port import assert_event, call, clear_events, create, ok, poll_events, user_named
from role_port import import_test_realm as _import
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def realm_id(env: Env) -> str:
    """Realm ``test`` with admin events and their representations recorded (AbstractUserTest)."""
    return await _import(env)


def _rep(username: str = "user1", email: str | None = "user1@localhost", **more: Any) -> dict[str, Any]:
    """AbstractUserTest.createUser(username, email)'s representation."""
    return {"username": username, "email": email, "requiredActions": [], "enabled": True, **more}


async def _create_user(env: Env, realm_id: str, rep: dict[str, Any], *, event: bool = True) -> str:
    """AbstractUserTest.createUser: 201, and (with ``event``) one CREATE USER event carrying the representation
    stripped of its credentials."""
    user_id = await create(env, "/users", rep)
    stripped = {k: v for k, v in rep.items() if k != "credentials"}
    if event:
        await assert_event(env, realm_id, "CREATE", f"users/{user_id}", "USER", stripped)
    else:
        await clear_events(env)
    return user_id


async def _refused(env: Env, rep: dict[str, Any], status: int) -> dict[str, Any]:
    """A create that must fail with ``status`` and record no admin event; the error body."""
    response = await call(env, "POST", "/users", rep)
    assert response.status_code == status, response.text
    assert await poll_events(env) == []
    body: dict[str, Any] = response.json()
    return body


# --- UserCreateTest ---------------------------------------------------------------------------------------
async def test_verify_create_user(env: Env, realm_id: str) -> None:
    await _create_user(env, realm_id, _rep())


async def test_create_user_with_temporary_password_with_additional_password_update_should_remove_update_password_required_action(
    env: Env, realm_id: str
) -> None:
    """KEYCLOAK-11003: a permanent reset after a temporary one takes UPDATE_PASSWORD away again."""
    user_id = await _create_user(env, realm_id, _rep())
    await ok(env, "PUT", f"/users/{user_id}/reset-password", {"type": "password", "value": "temp", "temporary": True})
    assert (await get(env, f"/users/{user_id}"))["requiredActions"] == ["UPDATE_PASSWORD"]
    await ok(env, "PUT", f"/users/{user_id}/reset-password", {"type": "password", "value": "perm"})
    assert "UPDATE_PASSWORD" not in (await get(env, f"/users/{user_id}"))["requiredActions"]


async def test_create_duplicated_user1(env: Env, realm_id: str) -> None:
    await _create_user(env, realm_id, _rep())
    body = await _refused(env, {"username": "user1"}, 409)
    assert body == {"errorMessage": "User exists with same username"}


async def test_create_duplicated_user2(env: Env, realm_id: str) -> None:
    await _create_user(env, realm_id, _rep())
    body = await _refused(env, {"username": "user2", "email": "user1@localhost"}, 409)
    assert body == {"errorMessage": "User exists with same email"}


async def test_create_duplicated_username_with_email(env: Env, realm_id: str) -> None:
    await _create_user(env, realm_id, _rep("user1@local.com", "user1@local.org"))
    body = await _refused(env, {"username": "user1@local.org", "email": "user2@localhost"}, 409)
    assert body == {"errorMessage": "User exists with same username"}


async def test_create_duplicated_email_with_username(env: Env, realm_id: str) -> None:
    await _create_user(env, realm_id, _rep("user1@local.com", "user1@local.org"))
    body = await _refused(env, {"username": "user2", "email": "user1@local.com"}, 409)
    assert body == {"errorMessage": "User exists with same email"}


async def _stored_password(env: Env, user_id: str) -> Credential:
    """fetchCredentials (run-on-server in Keycloak): the user's one stored credential."""
    async with env.db.transaction() as tx:
        [credential] = await tx.users.credentials(user_id)
    return credential


def _assert_my_algorithm(credential: Credential) -> None:
    assert credential.type == "password" and credential.created_date == 1001 and credential.user_label == "deviceX"
    assert isinstance(credential.credential_data, dict) and isinstance(credential.secret_data, dict)
    assert credential.credential_data["algorithm"] == "my-algorithm"
    assert credential.credential_data["hashIterations"] == 22
    assert credential.secret_data["value"] == "ABC"
    assert base64.b64decode(credential.secret_data["salt"]) == b"theSalt"


async def test_create_user_with_hashed_credentials(env: Env, realm_id: str) -> None:
    """A hash in ``secretData`` / ``credentialData`` is stored as given, with its createdDate and userLabel."""
    salt = base64.b64encode(b"theSalt").decode()
    hashed = {
        "type": "password",
        "createdDate": 1001,
        "userLabel": "deviceX",
        "secretData": json.dumps({"value": "ABC", "salt": salt, "additionalParameters": {}}),
        "credentialData": json.dumps({"hashIterations": 22, "algorithm": "my-algorithm", "additionalParameters": {}}),
    }
    rep = {"username": "user_creds", "email": "email@localhost", "credentials": [hashed]}
    user_id = await _create_user(env, realm_id, rep)
    _assert_my_algorithm(await _stored_password(env, user_id))


async def test_create_user_with_deprecated_credentials_format(env: Env, realm_id: str) -> None:
    """The pre-12 ``hashedSaltedValue`` / ``salt`` / ``hashIterations`` / ``algorithm`` fields."""
    deprecated = {
        "type": "password",
        "hashedSaltedValue": "ABC",
        "salt": base64.b64encode(b"theSalt").decode(),
        "hashIterations": 22,
        "algorithm": "my-algorithm",
        "createdDate": 1001,
        "userLabel": "deviceX",
    }
    rep = {"username": "user_creds", "email": "email@localhost", "credentials": [deprecated]}
    user_id = await _create_user(env, realm_id, rep, event=False)
    _assert_my_algorithm(await _stored_password(env, user_id))


@pytest.mark.keycloak_hash_cost
async def test_create_user_with_raw_credentials(env: Env, realm_id: str) -> None:
    """The raw value is hashed with the default provider (Keycloak 26: argon2 outside FIPS) and never stored."""
    rep = _rep("user_rawpw", "email.raw@localhost", credentials=[{"type": "password", "value": "ABCD"}])
    user_id = await _create_user(env, realm_id, rep)
    credential = await _stored_password(env, user_id)
    assert credential.type == "password"
    assert isinstance(credential.credential_data, dict) and isinstance(credential.secret_data, dict)
    assert credential.credential_data["algorithm"] == "argon2"
    assert credential.credential_data["hashIterations"] == 5
    assert credential.secret_data["value"] != "ABCD"


@pytest.mark.parametrize(
    ("method", "username", "email"),
    [
        ("create_duplicated_user3", "User1", None),
        ("create_duplicated_user4", "USER1", None),
        ("create_duplicated_user5", "user2", "User1@localhost"),
        ("create_duplicated_user6", "user2", "user1@LOCALHOST"),
    ],
)
async def test_create_duplicated_user3_to_6(
    env: Env, realm_id: str, method: str, username: str, email: str | None
) -> None:
    """Usernames and e-mails compare case-insensitively (createDuplicatedUser3 .. 6)."""
    await _create_user(env, realm_id, _rep())
    rep = {"username": username} if email is None else {"username": username, "email": email}
    await _refused(env, rep, 409)


async def test_create_duplicated_user7(env: Env, realm_id: str) -> None:
    await _create_user(env, realm_id, _rep("user1", "USer1@Localhost"))
    await _refused(env, {"username": "user2", "email": "user1@localhost"}, 409)


async def test_create_two_users_with_empty_string_emails(env: Env, realm_id: str) -> None:
    """KEYCLOAK-7015: an empty e-mail is no e-mail, so two of them do not conflict."""
    await _create_user(env, realm_id, _rep("user1", ""))
    await _create_user(env, realm_id, _rep("user2", ""))


async def test_create_user_without_username(env: Env, realm_id: str) -> None:
    body = await _refused(env, {"email": "user1@localhost"}, 400)
    assert body == {"errorMessage": "User name is missing"}


async def test_create_user_with_empty_username(env: Env, realm_id: str) -> None:
    body = await _refused(env, {"username": "", "email": "user2@localhost"}, 400)
    assert body == {"errorMessage": "User name is missing"}


async def test_create_user_with_invalid_policy_password(env: Env, realm_id: str) -> None:
    await ok(env, "PUT", "", {"passwordPolicy": "length(8)"})
    await clear_events(env)
    rep = {"username": "user4", "email": "user4@localhost", "credentials": [{"type": "password", "value": "ABCD"}]}
    body = await _refused(env, rep, 400)
    assert body == {
        "error": "invalidPasswordMinLengthMessage",
        "error_description": "Invalid password: minimum length 8.",
    }
    assert await get(env, "/users", username="user4", exact="true") == []


async def test_create_user_with_create_timestamp(env: Env, realm_id: str) -> None:
    user_id = await _create_user(env, realm_id, _rep(createdTimestamp=1695238476))
    assert (await get(env, f"/users/{user_id}"))["createdTimestamp"] == 1695238476


async def test_fail_create_user_using_regular_user(env: Env, realm_id: str) -> None:
    """A user of ``test`` without realm-management roles gets 403 through admin-cli, with or without groups."""
    rep = {"username": "regular-user", "enabled": True, "credentials": [{"type": "password", "value": "password"}]}
    await _create_user(env, realm_id, rep, event=False)
    token = await env.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={"grant_type": "password", "client_id": "admin-cli", "username": "regular-user", "password": "password"},
    )
    assert token.status_code == 200, token.text
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    for invalid in ({"username": "do-not-create-me"}, {"username": "do-not-create-me", "groups": []}):
        response = await env.http.post("/admin/realms/test/users", json=invalid, headers=headers)
        assert response.status_code == 403, response.text
    assert await get(env, "/users", username="do-not-create-me", exact="true") == []


async def test_create_user_do_not_grant_role(env: Env, realm_id: str) -> None:
    """``realmRoles`` in a created representation are ignored: UsersResource.createUser grants none of them."""
    await create(env, "/roles", {"name": "realm-role"})
    rep = {"username": "alice", "enabled": True, "realmRoles": ["realm-role"]}
    rep["credentials"] = [{"type": "password", "value": "password"}]
    user_id = await create(env, "/users", rep)
    mappings = await get(env, f"/users/{user_id}/role-mappings")
    assert "realm-role" not in {r["name"] for r in mappings.get("realmMappings", [])}


@pytest.mark.parametrize("invalid", ["1user\\\\", "2user\\\\%", "3user\\\\*", "4user\\\\_"])
async def test_default_character_validation_on_username(env: Env, realm_id: str, invalid: str) -> None:
    body = await _refused(env, _rep(invalid, "test@invalid.org"), 400)
    assert body["errorMessage"] == "error-username-invalid-character"


# --- UserDeleteTest ---------------------------------------------------------------------------------------
async def test_delete(env: Env, realm_id: str) -> None:
    user_id = await _create_user(env, realm_id, _rep())
    response = await call(env, "DELETE", f"/users/{user_id}")
    assert response.status_code == 204, response.text
    await assert_event(env, realm_id, "DELETE", f"users/{user_id}", "USER")
    assert (await call(env, "GET", f"/users/{user_id}")).status_code == 404


async def test_delete_non_existent(env: Env, realm_id: str) -> None:
    response = await call(env, "DELETE", "/users/does-not-exist")
    assert response.status_code == 404
    assert response.json() == {"error": "User not found"}
    assert await poll_events(env) == []


# --- UserRequiredActionsTest ------------------------------------------------------------------------------
async def _update_user(env: Env, realm_id: str, rep: dict[str, Any]) -> None:
    """AbstractUserTest.updateUser: 204 and one UPDATE USER event with the representation."""
    await ok(env, "PUT", f"/users/{rep['id']}", rep)
    await assert_event(env, realm_id, "UPDATE", f"users/{rep['id']}", "USER", rep)


async def test_add_required_action(env: Env, realm_id: str) -> None:
    user_id = await _create_user(env, realm_id, _rep())
    rep = await get(env, f"/users/{user_id}")
    assert rep["requiredActions"] == []
    rep["requiredActions"].append("UPDATE_PASSWORD")
    await _update_user(env, realm_id, rep)
    assert (await get(env, f"/users/{user_id}"))["requiredActions"] == ["UPDATE_PASSWORD"]


async def test_remove_required_action(env: Env, realm_id: str) -> None:
    user_id = await _create_user(env, realm_id, _rep())
    rep = await get(env, f"/users/{user_id}")
    rep["requiredActions"].append("UPDATE_PASSWORD")
    await _update_user(env, realm_id, rep)
    rep = await get(env, f"/users/{user_id}")
    rep["requiredActions"].clear()
    await _update_user(env, realm_id, rep)
    assert (await get(env, f"/users/{user_id}"))["requiredActions"] == []


async def test_default_required_action_added(env: Env, realm_id: str) -> None:
    """A default required action is given to a new user even when its representation lists none."""
    path = "/authentication/required-actions/UPDATE_PASSWORD"
    action = await get(env, path)
    action["defaultAction"] = True
    await ok(env, "PUT", path, action)
    await assert_event(env, realm_id, "UPDATE", path.lstrip("/"), "REQUIRED_ACTION", action)

    user_id = await _create_user(env, realm_id, _rep("user1", "user1@localhost"))
    assert (await get(env, f"/users/{user_id}"))["requiredActions"] == ["UPDATE_PASSWORD"]

    action = await get(env, path)
    action["defaultAction"] = False
    await ok(env, "PUT", path, action)
    await assert_event(env, realm_id, "UPDATE", path.lstrip("/"), "REQUIRED_ACTION", action)
    assert (await user_named(env, "user1"))["id"] == user_id
