"""Keycloak's AccountRestServiceTest (tests/base/.../tests/account/AccountRestServiceTest.java @c402189e),
ported one method to one test over HTTP, on AbstractRestServiceTest's AccountRestRealmConfig
(tests/account_rest_service_port.py: one app for the module, the realm imported anew for each test). The Java
test's event listener is the realm's event store here (``keycloak_port.poll``).

Ported elsewhere, not repeated here:
* listApplications, listApplicationsFiltered, listApplicationsOfflineAccess, listApplicationsWithRootUrl,
  listApplicationsWithoutPermission, getNotExistingApplication, the consent methods (create/update/get/delete,
  with PUT, without permission, for a missing client), revokeOfflineAccess, testCredentialsGet,
  testCredentialsGetWithDisabledOtpRequiredAction, testCredentialsForUserWithoutPassword and
  testCRUDCredentialOfDifferentUser: test_keycloak_account_rest_sessions_apps.py (same names, snake_case).
* testApiVersion, testInvalidApiVersion: test_account_rest_keycloak_parity.py
  (test_v1_paths_are_the_api_and_other_versions_are_not_found).

Ported in session 61 (this note said until then that Doorkeep lacked what they need): testUpdateSingleField and
the custom attributes (attr1, attr2) of testUpdateProfile and testUpdateProfileEvent, on the user-profile
configuration each installs (``set_user_profile``), and testRemoveCredentialWithNonOtpCredentialTriggeringNoEvent
(WebAuthn; testCredentialsGet's WebAuthn containers are in test_keycloak_account_rest_sessions_apps.py).
Left out:
* testCredentialsGetDisabledOtp: it toggles the first-broker-login flow's OTP Form (identity brokering), and
  Doorkeep offers the OTP type by the CONFIGURE_TOTP action, not by the flows' OTP executions.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

import group_port
from account_rest_service_port import (
    ORIGIN,
    PERMISSIONS_ALL,
    account_realm,
    bearer,
    call,
    grant,
    set_user_profile,
    token,
)
from doorkeep.users import otp
from keycloak_port import ADMIN, admin_headers, poll, put, update_realm, user_id
from support import claims, refresh
from wire_env import Env

pytestmark = pytest.mark.anyio
# One app for the module (group_port.shared_env), each test on AccountRestRealmConfig imported anew.
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env


@pytest.fixture
async def realm_id(env: Env) -> str:
    return await account_realm(env)


async def _get_user(env: Env, access: str, metadata: bool = True) -> dict[str, Any]:
    response = await call(env, "GET", "", access, userProfileMetadata=str(metadata).lower())
    assert response.status_code == 200, response.text
    user: dict[str, Any] = response.json()
    return user


async def _update_and_get(env: Env, user: dict[str, Any], access: str) -> dict[str, Any]:
    response = await call(env, "POST", "", access, user)
    assert response.status_code == 204, response.text
    return await _get_user(env, access)


async def _update_error(env: Env, user: dict[str, Any], status: int, message: str, access: str) -> None:
    """``updateError``: the status, and the message either as the error or among its ``errors``."""
    response = await call(env, "POST", "", access, user)
    assert response.status_code == status, response.text
    body = response.json()
    if "errors" in body:
        assert message in [e["errorMessage"] for e in body["errors"]], body
    else:
        assert body["errorMessage"] == message, body


def _assert_metadata(user: dict[str, Any], name: str, required: bool, read_only: bool) -> None:
    """``assertUserProfileAttributeMetadata`` with the display name ``${name}``."""
    [attribute] = [a for a in user["userProfileMetadata"]["attributes"] if a["name"] == name]
    assert (attribute["displayName"], attribute["required"], attribute["readOnly"]) == (
        "${" + name + "}",
        required,
        read_only,
    ), attribute


async def _realm(env: Env, email_as_username: bool, edit_username: bool) -> None:
    await update_realm(env, registrationEmailAsUsername=email_as_username, editUsernameAllowed=edit_username)


# --- the profile -------------------------------------------------------------------------------
async def test_edit_username_allowed(env: Env, realm_id: str) -> None:
    access = await token(env)
    await _realm(env, False, True)
    user = await _get_user(env, access)
    for name in ("username", "email", "firstName", "lastName"):
        _assert_metadata(user, name, True, False)
    user = await _update_and_get(
        env, {**user, "username": "changed-username", "email": "changed-email@keycloak.org"}, access
    )
    assert (user["username"], user["email"]) == ("changed-username", "changed-email@keycloak.org")

    await _realm(env, False, False)
    user = await _get_user(env, access)
    _assert_metadata(user, "username", True, True)
    _assert_metadata(user, "email", True, False)
    changed = {**user, "username": "should-not-change", "email": "changed-email@keycloak.org"}
    await _update_error(env, changed, 400, "readOnlyUsernameMessage", access)

    await _realm(env, True, True)
    user = await _get_user(env, access)
    _assert_metadata(user, "username", False, True)
    _assert_metadata(user, "email", True, False)
    user = await _update_and_get(env, {**user, "username": "should-be-the-email", "email": "user@keycloak.org"}, access)
    assert (user["username"], user["email"]) == ("user@keycloak.org", "user@keycloak.org")

    await _realm(env, True, False)
    user = await _get_user(env, access)
    _assert_metadata(user, "username", False, True)
    _assert_metadata(user, "email", True, True)
    changed = {**user, "username": "should-be-the-email", "email": "should-not-change@keycloak.org"}
    user = await _update_and_get(env, changed, access)
    assert (user["username"], user["email"]) == ("user@keycloak.org", "user@keycloak.org")

    await _realm(env, False, True)
    user = await _get_user(env, access)
    user = await _update_and_get(
        env, {**user, "username": "different-than-email", "email": "user@keycloak.org"}, access
    )
    assert (user["username"], user["email"]) == ("different-than-email", "user@keycloak.org")

    await _realm(env, True, False)
    user = await _get_user(env, access)
    user = await _update_and_get(env, {**user, "email": "should-not-change@keycloak.org"}, access)
    assert user["email"] == "user@keycloak.org" == user["username"]


async def test_get_user_profile_without_metadata(env: Env, realm_id: str) -> None:
    user = await _get_user(env, await token(env), metadata=False)
    assert "userProfileMetadata" not in user


async def test_get_profile(env: Env, realm_id: str) -> None:
    user = await _get_user(env, await token(env))
    assert (user["firstName"], user["lastName"], user["email"]) == ("Tom", "Brady", "test-user@localhost")
    # AccountRestRealmConfig imports the user with emailVerified=true, which is what is answered; the Java
    # test's assertFalse holds there only once an earlier method of the class changed the e-mail
    assert user["emailVerified"] is True
    assert "attributes" not in user


async def test_update_profile_email_change_sets_email_verified(env: Env, realm_id: str) -> None:
    """KEYCLOAK-17424 and KEYCLOAK-17582"""
    await _realm(env, False, False)
    access = await token(env)
    user = await _get_user(env, access)
    original = user["email"]
    uid = await user_id(env, "test-user@localhost")
    await put(env, f"/users/{uid}", {"emailVerified": True})
    user = await _get_user(env, access)
    assert user["emailVerified"] is True
    user = await _update_and_get(env, {**user, "email": original}, access)
    assert (user["email"], user["emailVerified"]) == (original, True)
    user = await _update_and_get(env, {**user, "email": "bobby@localhost"}, access)
    assert (user["email"], user["emailVerified"]) == ("bobby@localhost", False)


async def test_update_single_field(env: Env, realm_id: str) -> None:
    await _realm(env, False, True)
    await set_user_profile(
        env,
        {"name": "email", "permissions": PERMISSIONS_ALL},
        {"name": "firstName", "permissions": PERMISSIONS_ALL},
        {"name": "lastName", "permissions": PERMISSIONS_ALL, "required": {}},
    )
    access = await token(env)
    user = await _get_user(env, access)
    user = {**user, "firstName": None, "lastName": "Bob", "email": None, "attributes": {}}
    user = await _update_and_get(env, user, access)
    assert (user["lastName"], user.get("firstName"), user.get("email")) == ("Bob", None, None), user


def _names_and_attributes(attr2: dict[str, Any]) -> list[dict[str, Any]]:
    """The configuration of testUpdateProfileEvent and testUpdateProfile: required names, attr1 and attr2."""
    return [
        {"name": "firstName", "permissions": PERMISSIONS_ALL, "required": {}},
        {"name": "lastName", "permissions": PERMISSIONS_ALL, "required": {}},
        {"name": "attr1", "permissions": PERMISSIONS_ALL},
        {"name": "attr2", "permissions": PERMISSIONS_ALL, **attr2},
    ]


async def test_update_profile_event(env: Env, realm_id: str) -> None:
    await _realm(env, False, False)
    await set_user_profile(env, *_names_and_attributes({}))
    access = await token(env)
    user = await _get_user(env, access)
    assert "attributes" not in user
    await poll(env)  # the login
    changed = {"email": "bobby@localhost", "firstName": "Homer", "lastName": "Simpsons"}
    await _update_and_get(env, {**user, **changed, "attributes": {"attr1": ["val1"], "attr2": ["val2"]}}, access)
    [event] = await poll(env)
    assert (event["type"], event["clientId"], event["userId"]) == ("UPDATE_PROFILE", "account", user["id"])
    # EventAssertion.details checks the details it names; EventAuditingAttributeChangeListener adds
    # ``updated_<name>`` for the custom attributes, which the Java test does not name
    assert event["details"] == {
        "context": "ACCOUNT",
        "previous_email": "test-user@localhost",
        "updated_email": "bobby@localhost",
        "previous_first_name": "Tom",
        "previous_last_name": "Brady",
        "updated_first_name": "Homer",
        "updated_last_name": "Simpsons",
        "updated_attr1": "val1",
        "updated_attr2": "val2",
    }


async def test_update_profile(env: Env, realm_id: str) -> None:
    await _realm(env, False, True)
    await set_user_profile(env, *_names_and_attributes({"multivalued": True}))
    access = await token(env)
    user = await _get_user(env, access)
    attributes = {"attr1": ["val1"], "attr2": ["val2"]}
    user = await _update_and_get(
        env, {**user, "firstName": "Homer", "lastName": "Simpsons", "attributes": attributes}, access
    )
    assert (user["firstName"], user["lastName"]) == ("Homer", "Simpsons")
    assert user["attributes"] == {"attr1": ["val1"], "attr2": ["val2"]}

    user = await _update_and_get(env, {**user, "attributes": {"attr2": ["val2", "val3"]}}, access)
    assert list(user["attributes"]) == ["attr2"]
    assert sorted(user["attributes"]["attr2"]) == ["val2", "val3"]

    user = await _update_and_get(env, {**user, "email": "bobby@localhost"}, access)
    assert user["email"] == "bobby@localhost"
    await _update_error(env, {**user, "email": "john-doh@localhost"}, 409, "emailExistsMessage", access)
    user = await _update_and_get(env, {**user, "email": "test-user@localhost"}, access)
    assert user["email"] == "test-user@localhost"
    await _update_error(env, {**user, "username": "john-doh@localhost"}, 409, "usernameExistsMessage", access)
    user = await _update_and_get(env, {**user, "username": "test-user@localhost"}, access)
    assert user["username"] == "test-user@localhost"

    await update_realm(env, registrationEmailAsUsername=True)
    user = await _update_and_get(env, {**user, "username": "updatedUsername"}, access)
    assert user["username"] == "test-user@localhost"
    user = await _update_and_get(env, {**user, "email": "new@localhost"}, access)
    assert user["username"] == "new@localhost"

    await update_realm(env, registrationEmailAsUsername=False)
    user = await _update_and_get(env, {**user, "username": "updatedUsername"}, access)
    assert user["username"] == "updatedusername"

    await _realm(env, False, False)
    await _update_error(env, {**user, "username": "updatedUsername2"}, 400, "readOnlyUsernameMessage", access)


async def test_email_readable_when_edit_username_disabled(env: Env, realm_id: str) -> None:
    await _realm(env, True, False)
    access = await token(env)
    user = await _get_user(env, access)
    assert user["email"]
    assert (await _update_and_get(env, user, access))["email"] == user["email"]


async def test_update_profile_cannot_change_through_attributes(env: Env, realm_id: str) -> None:
    access = await token(env)
    user = await _get_user(env, access)
    attributes = {"username": ["Username"], "attr2": ["val2"]}
    user = await _update_and_get(env, {**user, "attributes": attributes}, access)
    assert user["username"] == "test-user@localhost"


async def test_unmanaged_attribute_over_2048_characters_is_refused_when_the_policy_enables_it(
    env: Env, realm_id: str
) -> None:
    """Beyond the Java class (Keycloak's DefaultAttributes.addLengthValidatorIfNotSet, as the admin API's
    UserSearchTest.storeAndReadUserWithLongAttributeValue): under unmanagedAttributePolicy ENABLED the ACCOUNT
    context keeps unmanaged attributes and validates them, max 2048 characters; under the default (disabled)
    policy DefaultAttributes.normalizeAttributes drops them before validation, so nothing is refused."""
    access = await token(env)
    user = await _get_user(env, access, metadata=False)
    too_long = {**user, "attributes": {"attr": ["x" * 2049]}}
    assert (await call(env, "POST", "", access, too_long)).status_code == 204
    profile = (await env.http.get(f"{ADMIN}/users/profile", headers=await admin_headers(env))).json()
    await put(env, "/users/profile", {**profile, "unmanagedAttributePolicy": "ENABLED"}, status=200)
    response = await call(env, "POST", "", access, too_long)
    error = {"field": "attr", "errorMessage": "error-invalid-length", "params": ["attr", "0", "2048"]}
    assert (response.status_code, response.json()) == (400, {**error, "errors": [error]})
    fine = await call(env, "POST", "", access, {**user, "attributes": {"attr": [" " + "x" * 2048 + " "]}})
    assert fine.status_code == 204, fine.text


async def test_manage_user_locale_attribute(env: Env, realm_id: str) -> None:
    """With internationalization off a sent locale is neither stored nor shown; with it on it is stored, shown
    under ``attributes``, removed when the body leaves it out, and listed in ``userProfileMetadata``."""
    await update_realm(env, internationalizationEnabled=False)
    access = await token(env)
    user = await _get_user(env, access)
    user = await _update_and_get(env, {**user, "attributes": {"locale": ["pt_BR"]}}, access)
    assert user.get("attributes") is None, user

    await update_realm(env, internationalizationEnabled=True)
    user = await _update_and_get(env, {**user, "attributes": {"locale": ["pt_BR"]}}, access)
    assert user["attributes"]["locale"][0] == "pt_BR", user

    user = await _update_and_get(env, {**user, "attributes": {}}, access)
    assert user.get("attributes") is None, user
    assert "locale" in [a["name"] for a in user["userProfileMetadata"]["attributes"]]


async def test_update_profile_with_registration_email_as_username(env: Env, realm_id: str) -> None:
    """KEYCLOAK-7572"""
    await update_realm(env, registrationEmailAsUsername=True)
    access = await token(env)
    user = await _update_and_get(env, {**await _get_user(env, access), "firstName": "Homer1"}, access)
    assert user["firstName"] == "Homer1"


async def test_cors(env: Env, realm_id: str) -> None:
    headers = {"Authorization": f"Bearer {await token(env)}", "Origin": ORIGIN, "Content-Type": "application/json"}
    response = await env.http.get("/realms/test/account/linked-accounts", headers=headers)
    names = [name.decode().lower() for name, _ in response.headers.raw]
    assert len(names) == len(set(names)), names  # no header twice
    assert {"access-control-allow-origin", "access-control-allow-credentials"} <= set(names)


async def test_profile_permissions(env: Env, realm_id: str) -> None:
    none, view = await token(env, "no-account-access"), await token(env, "view-account-access")
    assert (await call(env, "GET", "", none)).status_code == 403
    assert (await call(env, "POST", "", none, {})).status_code == 403
    assert (await call(env, "POST", "", view, {})).status_code == 403


async def test_update_profile_permissions(env: Env, realm_id: str) -> None:
    assert (await call(env, "GET", "", await token(env, "no-account-access"))).status_code == 403
    assert (await call(env, "GET", "", await token(env, "view-account-access"))).status_code == 200


async def test_audience(env: Env, realm_id: str) -> None:
    assert (await call(env, "GET", "", await token(env, client_id="custom-audience"))).status_code == 401
    headers = await admin_headers(env)
    base = "/admin/realms/test/clients"
    [client] = (await env.http.get(base, params={"clientId": "custom-audience"}, headers=headers)).json()
    [mapper] = [m for m in client["protocolMappers"] if m["name"] == "aud"]
    mapper["config"]["included.custom.audience"] = "account"
    path = f"{base}/{client['id']}/protocol-mappers/models/{mapper['id']}"
    assert (await env.http.put(path, json=mapper, headers=headers)).status_code == 204
    assert (await call(env, "GET", "", await token(env, client_id="custom-audience"))).status_code == 200
    assert (await env.http.delete(path, headers=headers)).status_code == 204
    assert (await call(env, "GET", "", await token(env, client_id="custom-audience"))).status_code == 401


async def test_update_profile_unrecognized_property_in_representation(env: Env, realm_id: str) -> None:
    access = await token(env)
    user = await _get_user(env, access)
    response = await call(env, "POST", "", access, {"id": user["id"], "username": user["username"], "invalid": "x"})
    assert response.status_code == 400
    assert response.json()["error"].startswith(
        'Invalid json representation for UserRepresentation. Unrecognized field "invalid" at line'
    ), response.text


async def test_email_when_update_email_enabled(env: Env, realm_id: str) -> None:
    path = "/admin/realms/test/authentication/required-actions/UPDATE_EMAIL"
    headers = await admin_headers(env)
    rep = (await env.http.get(path, headers=headers)).json()
    assert (await env.http.put(path, json={**rep, "enabled": True}, headers=headers)).status_code == 204
    access = await token(env)
    await _realm(env, True, True)
    user = await _get_user(env, access)
    assert user["email"]
    _assert_metadata(user, "email", True, True)
    await _realm(env, False, False)
    user = await _get_user(env, access)
    assert user["email"]
    _assert_metadata(user, "email", True, True)


async def test_account_access_with_realm_not_before_and_client_not_before(env: Env, realm_id: str) -> None:
    """#49118: both the client's and the realm's notBefore are checked."""
    access = await token(env)
    assert (await call(env, "GET", "", access)).status_code == 200
    now = env.clock.now()
    headers = await admin_headers(env)
    base = "/admin/realms/test/clients"
    [client] = (await env.http.get(base, params={"clientId": "direct-grant"}, headers=headers)).json()
    for not_before, status in ((now + 100, 401), (now - 100, 200)):
        updated = await env.http.put(
            f"{base}/{client['id']}", json={**client, "notBefore": not_before}, headers=headers
        )
        assert updated.status_code == 204, updated.text
        assert (await call(env, "GET", "", access)).status_code == status, not_before
    await update_realm(env, notBefore=now + 100)
    assert (await call(env, "GET", "", access)).status_code == 401
    await update_realm(env, notBefore=0)
    assert (await call(env, "GET", "", access)).status_code == 200


# --- credentials -------------------------------------------------------------------------------
async def _credentials(env: Env, access: str) -> list[dict[str, Any]]:
    response = await call(env, "GET", "credentials", access)
    assert response.status_code == 200, response.text
    found: list[dict[str, Any]] = response.json()
    return found


async def _required_action(env: Env, alias: str, enabled: bool) -> None:
    """``setRequiredActionEnabledStatus``."""
    path = f"/admin/realms/test/authentication/required-actions/{alias}"
    headers = await admin_headers(env)
    rep = (await env.http.get(path, headers=headers)).json()
    assert (await env.http.put(path, json={**rep, "enabled": enabled}, headers=headers)).status_code == 204


async def test_credentials_get_with_disabled_delete_credential_action(env: Env, realm_id: str) -> None:
    """Issue 30204"""
    access = await token(env)
    credentials = await _credentials(env, access)
    assert [c["type"] for c in credentials] == ["password", "otp"]
    assert credentials[1]["removeable"] is True
    await _required_action(env, "delete_credential", False)
    assert (await _credentials(env, access))[1]["removeable"] is False


async def test_remove_credential_with_non_otp_credential_triggering_no_event(env: Env, realm_id: str) -> None:
    access = await token(env)
    uid = await user_id(env, "test-user@localhost")
    path, headers = f"{ADMIN}/users/{uid}", await admin_headers(env)
    assert len((await env.http.get(f"{path}/credentials", headers=headers)).json()) == 1
    # ModelToRepresentation.toRepresentation(WebAuthnCredentialModel.create(TYPE_TWOFACTOR, "foo", ..., 2L, "foo"))
    data = {
        "aaguid": "foo",
        "credentialId": "foo",
        "counter": 2,
        "attestationStatement": "foo",
        "credentialPublicKey": "foo",
        "attestationStatementFormat": "foo",
        "transports": [],
    }
    webauthn = {"type": "webauthn", "userLabel": "foo", "credentialData": json.dumps(data), "secretData": "{}"}
    user = (await env.http.get(path, headers=headers)).json()
    await put(env, f"/users/{uid}", {**user, "credentials": [webauthn]})

    credentials = await _credentials(env, access)
    assert len(credentials) == 2 and credentials[1]["removeable"] is True
    stored = (await env.http.get(f"{path}/credentials", headers=headers)).json()
    [credential] = [c for c in stored if c["type"] == "webauthn"]
    assert (await env.http.delete(f"{path}/credentials/{credential['id']}", headers=headers)).status_code == 204
    assert [e["type"] for e in await poll(env)] == ["LOGIN"]  # events.skip(); assertNull(events.poll())


async def test_remove_credential_with_otp_credential_triggering_event(env: Env, realm_id: str) -> None:
    access = await token(env)
    uid = await user_id(env, "test-user@localhost")
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        credential = otp.new_credential(uid, otp.policy(realm), "totpSecret", "totpCredentialUserLabel", 0)
        await tx.users.add_credential(credential)
    credentials = await _credentials(env, access)
    assert len(credentials) == 2 and credentials[1]["removeable"] is True
    # the Java test's event listener sees every event; the store keeps only these two when told to
    await update_realm(env, enabledEventTypes=["REMOVE_TOTP", "REMOVE_CREDENTIAL"])
    await poll(env)
    response = await call(env, "DELETE", f"credentials/{credential.id}", access)
    assert response.status_code == 204, response.text
    found = await poll(env)
    assert sorted(e["type"] for e in found) == ["REMOVE_CREDENTIAL", "REMOVE_TOTP"]
    for event in found:
        assert (event["clientId"], event["userId"]) == ("account", uid)
        assert event["details"] == {
            "selected_credential_id": credential.id,
            "credential_user_label": "totpCredentialUserLabel",
            "credential_type": "otp",
        }


# --- sessions ----------------------------------------------------------------------------------
async def _user_sessions(env: Env, username: str = "manage-account-access") -> list[str]:
    """``user.getUserSessions()``: the ids of the user's (online) sessions, through the admin API."""
    uid = await user_id(env, username)
    response = await env.http.get(f"/admin/realms/test/users/{uid}/sessions", headers=await admin_headers(env))
    assert response.status_code == 200, response.text
    return [s["id"] for s in response.json()]


async def _assert_logouts(env: Env, session_ids: set[str], username: str = "manage-account-access") -> None:
    """``assertLogoutEventsForSessions``, then ``assertNull(events.poll())``: nothing else was recorded."""
    uid = await user_id(env, username)
    found = await poll(env)
    assert [(e["type"], e["clientId"], e["userId"]) for e in found] == [("LOGOUT", "account", uid)] * len(found)
    assert sorted(e["sessionId"] for e in found) == sorted(session_ids)


async def test_deletion_of_all_user_sessions_will_fire_logout_events(env: Env, realm_id: str) -> None:
    first = await token(env, "manage-account-access")
    await token(env, "manage-account-access")
    sessions = await _user_sessions(env)
    assert len(sessions) == 2
    await poll(env)  # the two direct access grant logins
    response = await env.http.delete("/realms/test/account/sessions", params={"current": "true"}, headers=bearer(first))
    assert response.status_code == 204
    assert await _user_sessions(env) == []
    await _assert_logouts(env, set(sessions))


async def test_deletion_of_all_user_sessions_except_the_current_will_fire_logout_events(
    env: Env, realm_id: str
) -> None:
    first = await token(env, "manage-account-access")
    for _ in range(2):
        await token(env, "manage-account-access")
    sessions = await _user_sessions(env)
    assert len(sessions) == 3
    await poll(env)
    response = await env.http.delete(
        "/realms/test/account/sessions", params={"current": "false"}, headers=bearer(first)
    )
    assert response.status_code == 204
    assert await _user_sessions(env) == [claims(first)["sid"]]
    await _assert_logouts(env, set(sessions) - {claims(first)["sid"]})


async def test_deletion_of_specific_session_will_fire_logout_event(env: Env, realm_id: str) -> None:
    first = await token(env, "manage-account-access")
    await token(env, "manage-account-access")
    assert len(await _user_sessions(env)) == 2
    await poll(env)
    sid = claims(first)["sid"]
    assert (await call(env, "DELETE", f"sessions/{sid}", first)).status_code == 204
    assert len(await _user_sessions(env)) == 1
    [event] = await poll(env)
    assert (event["type"], event["clientId"], event["sessionId"]) == ("LOGOUT", "account", sid)
    assert event["userId"] == await user_id(env, "manage-account-access")


def _assert_login(event: dict[str, Any], client_id: str, uid: str, session_id: str, scope: str) -> None:
    """EventAssertion.assertSuccess(...).type(LOGIN) with ``hasScope``."""
    assert (event["type"], event["clientId"], event["userId"], event["sessionId"]) == (
        "LOGIN",
        client_id,
        uid,
        session_id,
    )
    assert set(event["details"]["scope"].split()) == set(scope.split())


async def test_listing_all_signed_in_devices_even_offline_sessions_then_terminating_all_sessions(
    env: Env, realm_id: str
) -> None:
    uid = await user_id(env, "manage-account-access")
    first = await token(env, "manage-account-access")
    [login] = await poll(env)
    _assert_login(login, "direct-grant", uid, claims(first)["sid"], "openid email profile")
    second = await token(env, "manage-account-access")
    [login] = await poll(env)
    _assert_login(login, "direct-grant", uid, claims(second)["sid"], "openid email profile")
    offline = await grant(env, "manage-account-access", "offline-client", "openid offline_access")
    [login] = await poll(env)
    _assert_login(login, "offline-client", uid, offline["session_state"], "openid email profile offline_access")

    response = await call(env, "GET", "sessions/devices", first)
    assert response.status_code == 200, response.text
    listed = [s["id"] for device in response.json() for s in device["sessions"]]
    assert len(listed) == 3
    response = await env.http.delete("/realms/test/account/sessions", params={"current": "true"}, headers=bearer(first))
    assert response.status_code == 204
    await _assert_logouts(env, set(listed))


async def test_deletion_of_offline_session_will_fire_logout_event(env: Env, realm_id: str) -> None:
    first = await token(env, "manage-account-access")
    offline = await grant(env, "manage-account-access", "offline-client", "openid offline_access")
    response = await call(env, "GET", "sessions/devices", first)
    assert len([s for device in response.json() for s in device["sessions"]]) == 2
    await poll(env)  # the direct access login and the offline_access login
    sid = offline["session_state"]
    assert (await call(env, "DELETE", f"sessions/{sid}", first)).status_code == 204
    [event] = await poll(env)
    assert (event["type"], event["clientId"], event["sessionId"]) == ("LOGOUT", "account", sid)
    assert event["userId"] == await user_id(env, "manage-account-access")
    refused = await refresh(env.http, "test", "offline-client", offline["refresh_token"], secret="secret1")
    assert (refused.status_code, refused.json()["error"]) == (400, "invalid_grant")


# --- applications ------------------------------------------------------------------------------
async def _list_applications_third_party(env: Env, scope_name: str, consent_text_as_name: bool) -> None:
    """``listApplicationsThirdParty``: a consent to ``third-party`` for one client scope, the list read, the
    consent revoked."""
    access = await token(env, "view-applications-access")
    headers = await admin_headers(env)
    scopes = (await env.http.get("/admin/realms/test/client-scopes", headers=headers)).json()
    [scope] = [s for s in scopes if s["name"] == scope_name]
    body = {"grantedScopes": [{"id": scope["id"]}]}
    assert (await call(env, "POST", "applications/third-party/consent", access, body)).status_code == 200
    response = await call(env, "GET", "applications", access)
    assert response.status_code == 200, response.text
    await call(env, "DELETE", "applications/third-party/consent", access)
    apps = {a["clientId"]: a for a in response.json()}
    assert set(apps) == {"third-party", "always-display-client", "direct-grant"}
    app = apps["third-party"]
    assert (app.get("clientName"), app["description"], app["userConsentRequired"]) == (
        None,
        "A third party application",
        True,
    )
    assert (app["inUse"], app["offlineAccess"], app.get("rootUrl")) == (False, False, None)
    assert app["baseUrl"] == app["effectiveUrl"] == "http://localhost:8180/auth/realms/master/app/auth"
    granted = app["consent"]["grantedScopes"][0]
    assert granted["id"] == scope["id"]
    expected = scope["attributes"]["consent.screen.text"] if consent_text_as_name else scope["name"]
    assert granted["name"] == expected


async def test_list_applications_third_party_without_consent_text(env: Env, realm_id: str) -> None:
    await _list_applications_third_party(env, "acr", False)


async def test_list_applications_third_party_with_consent_text(env: Env, realm_id: str) -> None:
    await _list_applications_third_party(env, "profile", True)


@pytest.mark.parametrize("attributes", ["x", 3, True, ["attr"]], ids=["string", "number", "boolean", "array"])
async def test_attributes_that_are_not_an_object_are_read_as_an_empty_map(
    env: Env, realm_id: str, attributes: object
) -> None:
    """Beyond the Java class: AbstractUserRepresentation's StringListMapDeserializer iterates the fields of the
    value it reads, and a string, number, boolean or array has none, so ``attributes`` becomes an empty map;
    nothing is refused (204) and, under unmanagedAttributePolicy ENABLED, the update removes the user's
    unmanaged attributes, as ``{}`` does."""
    access = await token(env)
    profile = (await env.http.get(f"{ADMIN}/users/profile", headers=await admin_headers(env))).json()
    await put(env, "/users/profile", {**profile, "unmanagedAttributePolicy": "ENABLED"}, status=200)
    await put(env, f"/users/{await user_id(env, 'test-user@localhost')}", {"attributes": {"attr": ["kept?"]}})
    user = await _get_user(env, access, metadata=False)
    assert user["attributes"] == {"attr": ["kept?"]}
    user = await _update_and_get(env, {**user, "attributes": attributes}, access)
    assert user.get("attributes") is None, user


async def test_attribute_values_are_read_as_jackson_reads_them(env: Env, realm_id: str) -> None:
    """Beyond the Java class: StringListMapDeserializer takes a value that is not a list as one value, and each
    value as ``JsonNode.asText``: a boolean ``true``/``false``, a number its digits, an object ``""`` (a blank
    value, which removes the attribute)."""
    access = await token(env)
    profile = (await env.http.get(f"{ADMIN}/users/profile", headers=await admin_headers(env))).json()
    await put(env, "/users/profile", {**profile, "unmanagedAttributePolicy": "ENABLED"}, status=200)
    user = await _get_user(env, access, metadata=False)
    sent = {"flag": True, "count": 3, "mixed": [False, 2, "x"], "nested": {"a": 1}, "single": "one"}
    user = await _update_and_get(env, {**user, "attributes": sent}, access)
    expected = {"flag": ["true"], "count": ["3"], "mixed": ["false", "2", "x"], "single": ["one"]}
    assert user["attributes"] == expected, user
