"""Account REST as Keycloak 26 answers it: userProfileMetadata, the ACCOUNT user-profile rules of POST /account,
roles from the token, CORS and preflight, the credentials/linked-accounts/groups/supportedLocales resources and
the versioned paths."""

from __future__ import annotations

from typing import Any

import pytest

from doorkeep.model import ProtocolMapper
from support import password_grant, seed_client, seed_realm, seed_user
from user_profile_config import METADATA_GROUP
from wire_env import Env

pytestmark = pytest.mark.anyio

ACCOUNT = "/realms/test/account"
MINE = {"username": "user1", "firstName": "User1", "lastName": "Tester", "email": "user1@example.com"}
ORIGIN = "https://spa.example"


async def _setup(env: Env, **realm: Any) -> dict[str, str]:
    await seed_realm(env.db, env.clock, **realm)
    await seed_client(env.db, "test", "app", web_origins=(ORIGIN,))
    await seed_user(env.db, env.clock, "test", "user1")
    return await _bearer(env)


async def _bearer(env: Env, client_id: str = "app", username: str = "user1") -> dict[str, str]:
    response = await password_grant(env.http, "test", client_id, username)
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['access_token']}", "Accept": "application/json"}


def _attribute(body: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(a for a in body["userProfileMetadata"]["attributes"] if a["name"] == name)
    return found


# --- userProfileMetadata -----------------------------------------------------------------------
async def test_the_profile_carries_the_default_user_profile_metadata(env: Env) -> None:
    headers = await _setup(env)
    body = (await env.http.get(ACCOUNT, headers=headers)).json()
    assert [a["name"] for a in body["userProfileMetadata"]["attributes"]] == [
        "username",
        "email",
        "firstName",
        "lastName",
    ]
    assert _attribute(body, "firstName") == {
        "name": "firstName",
        "displayName": "${firstName}",
        "required": True,
        "readOnly": False,
        "validators": {
            "length": {"max": 255, "ignore.empty.value": True},
            "person-name-prohibited-characters": {"ignore.empty.value": True},
        },
        "multivalued": False,
    }
    assert (_attribute(body, "username")["readOnly"], _attribute(body, "email")["readOnly"]) == (True, False)
    assert body["userProfileMetadata"]["groups"] == [METADATA_GROUP]
    plain = (await env.http.get(ACCOUNT, params={"userProfileMetadata": "false"}, headers=headers)).json()
    assert "userProfileMetadata" not in plain and plain["username"] == "user1"


@pytest.mark.parametrize(
    ("edit_username", "email_as_username", "username_read_only", "email_read_only"),
    [(True, False, False, False), (False, True, True, True), (True, True, True, False)],
)
async def test_read_only_flags_follow_edit_username_and_email_as_username(
    env: Env, edit_username: bool, email_as_username: bool, username_read_only: bool, email_read_only: bool
) -> None:
    headers = await _setup(env, edit_username_allowed=edit_username, registration_email_as_username=email_as_username)
    body = (await env.http.get(ACCOUNT, headers=headers)).json()
    assert _attribute(body, "username")["readOnly"] is username_read_only
    assert _attribute(body, "email")["readOnly"] is email_read_only


# --- POST /account -----------------------------------------------------------------------------
async def test_changing_the_username_without_edit_username_allowed_is_read_only_username(env: Env) -> None:
    headers = await _setup(env)
    response = await env.http.post(ACCOUNT, json={**MINE, "username": "renamed"}, headers=headers)
    error = {"field": "username", "errorMessage": "readOnlyUsernameMessage", "params": ["${username}"]}
    assert (response.status_code, response.json()) == (400, {**error, "errors": [error]})
    assert (await env.http.get(ACCOUNT, headers=headers)).json()["username"] == "user1"


async def test_with_edit_username_allowed_the_username_changes_lowercased_unless_taken(env: Env) -> None:
    headers = await _setup(env, edit_username_allowed=True)
    await seed_user(env.db, env.clock, "test", "taken")
    taken = await env.http.post(ACCOUNT, json={**MINE, "username": "Taken"}, headers=headers)
    error = {"field": "username", "errorMessage": "usernameExistsMessage", "params": ["${username}"]}
    assert (taken.status_code, taken.json()) == (409, {**error, "errors": [error]})
    assert (await env.http.post(ACCOUNT, json={**MINE, "username": "Renamed"}, headers=headers)).status_code == 204
    assert (await env.http.get(ACCOUNT, headers=headers)).json()["username"] == "renamed"


async def test_with_email_as_username_a_new_email_renames_the_user(env: Env) -> None:
    headers = await _setup(env, registration_email_as_username=True, edit_username_allowed=True)
    response = await env.http.post(ACCOUNT, json={**MINE, "email": "New@Example.com"}, headers=headers)
    assert response.status_code == 204, response.text
    body = (await env.http.get(ACCOUNT, headers=headers)).json()
    assert (body["username"], body["email"], body["emailVerified"]) == ("new@example.com", "new@example.com", False)


async def test_with_email_as_username_and_no_username_edits_a_new_email_is_ignored(env: Env) -> None:
    """The e-mail is read-only; sent anyway it is not written, and the username follows the e-mail kept
    (AccountRestServiceTest.testEditUsernameAllowed's last step)."""
    headers = await _setup(env, registration_email_as_username=True)
    response = await env.http.post(ACCOUNT, json={**MINE, "email": "new@example.com"}, headers=headers)
    assert response.status_code == 204, response.text
    assert (await env.http.get(ACCOUNT, headers=headers)).json()["email"] == "user1@example.com"


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({**MINE, "firstName": None}, ["firstName"]),
        ({**MINE, "lastName": "  "}, ["lastName"]),
        ({}, ["email", "firstName", "lastName"]),
    ],
)
async def test_first_name_last_name_and_email_are_required(env: Env, body: dict[str, Any], fields: list[str]) -> None:
    headers = await _setup(env)
    response = await env.http.post(ACCOUNT, json=body, headers=headers)
    assert response.status_code == 400, response.text
    errors = [{"field": f, "errorMessage": "error-user-attribute-required", "params": ["${" + f + "}"]} for f in fields]
    assert response.json() == ({**errors[0], "errors": errors} if len(errors) == 1 else {"errors": errors})
    assert (await env.http.get(ACCOUNT, headers=headers)).json()["firstName"] == "User1"


async def test_an_invalid_email_names_the_attribute_by_its_display_name_then_the_value(env: Env) -> None:
    headers = await _setup(env)
    response = await env.http.post(ACCOUNT, json={**MINE, "email": "not-an-email"}, headers=headers)
    assert response.json()["params"] == ["${email}", "not-an-email"]


# --- the body is a UserRepresentation (AccountRestService.updateAccount) ------------------------
def _unknown(name: str, column: int) -> dict[str, str]:
    """KcUnrecognizedPropertyExceptionHandler's answer (AccountRestServiceTest
    .testUpdateProfileUnrecognizedPropertyInRepresentation)."""
    where = f"at line 1 column {column}."
    return {"error": f'Invalid json representation for UserRepresentation. Unrecognized field "{name}" {where}'}


async def test_an_unknown_property_is_a_400_and_changes_nothing(env: Env) -> None:
    """Keycloak's ObjectMapper fails on a property UserRepresentation lacks (UnrecognizedPropertyException,
    answered by KcUnrecognizedPropertyExceptionHandler with the field and where the parser stood)."""
    headers = await _setup(env)
    for extra in ({"nickname": "x"}, {"FirstName": "Other"}, {"foo": None}):
        response = await env.http.post(ACCOUNT, json={**MINE, "firstName": "Changed", **extra}, headers=headers)
        assert response.status_code == 400, extra
        [(name, _)] = extra.items()
        assert response.json()["error"].startswith(_unknown(name, 0)["error"].split(" at line")[0]), response.text
    assert (await env.http.get(ACCOUNT, headers=headers)).json()["firstName"] == "User1"


async def test_every_user_representation_property_is_accepted(env: Env) -> None:
    """What GET /account answers may be sent back as is, with the representation's other properties too."""
    headers = await _setup(env)
    body = (await env.http.get(ACCOUNT, headers=headers)).json()
    extra = {"enabled": True, "totp": False, "requiredActions": [], "groups": [], "rawAttributes": {}, "origin": None}
    response = await env.http.post(ACCOUNT, json={**body, **extra, "firstName": "Changed"}, headers=headers)
    assert response.status_code == 204, response.text
    assert (await env.http.get(ACCOUNT, headers=headers)).json()["firstName"] == "Changed"


async def test_an_unknown_property_is_refused_before_the_role_check(env: Env) -> None:
    """The body is read before the resource method runs, so a token without manage-account learns of it first."""
    await _setup(env)
    audience = ProtocolMapper(
        id="aud-account",
        name="account audience",
        mapper="oidc-audience-mapper",
        config={"included.client.audience": "account", "access.token.claim": "true"},
    )
    await seed_client(env.db, "test", "narrow", full_scope_allowed=False, protocol_mappers=(audience,))
    headers = await _bearer(env, "narrow")
    response = await env.http.post(ACCOUNT, content=b'{"foo": 1}', headers=headers)
    assert (response.status_code, response.json()) == (400, _unknown("foo", 10))
    response = await env.http.post(ACCOUNT, json=MINE, headers=headers)
    assert (response.status_code, response.json()) == (403, {"error": "HTTP 403 Forbidden"})


# --- roles come from the token -----------------------------------------------------------------
async def test_a_token_without_account_roles_in_its_scope_is_forbidden(env: Env) -> None:
    """fullScopeAllowed=false and an audience mapper: aud=account but no resource_access.account."""
    await _setup(env)
    audience = ProtocolMapper(
        id="aud-account",
        name="account audience",
        mapper="oidc-audience-mapper",
        config={"included.client.audience": "account", "access.token.claim": "true"},
    )
    await seed_client(env.db, "test", "narrow", full_scope_allowed=False, protocol_mappers=(audience,))
    headers = await _bearer(env, "narrow")
    for path in ("", "/sessions", "/applications"):
        response = await env.http.get(ACCOUNT + path, headers=headers)
        assert (response.status_code, response.json()) == (403, {"error": "HTTP 403 Forbidden"}), path


# --- CORS --------------------------------------------------------------------------------------
async def test_the_preflight_answers_any_origin_with_the_account_methods(env: Env) -> None:
    await _setup(env)
    for path in ("", "/sessions", "/v1/credentials"):
        response = await env.http.options(
            ACCOUNT + path, headers={"Origin": ORIGIN, "Access-Control-Request-Method": "GET"}
        )
        assert response.status_code == 200, path
        assert response.headers["access-control-allow-origin"] == ORIGIN
        assert response.headers["access-control-allow-methods"] == "HEAD, DELETE, POST, GET, OPTIONS, PUT"
        assert response.headers["access-control-allow-credentials"] == "true"
        assert "Authorization" in response.headers["access-control-allow-headers"]


async def test_answers_carry_the_origin_when_the_token_allows_it_errors_included(env: Env) -> None:
    headers = await _setup(env)
    ok = await env.http.get(ACCOUNT, headers={**headers, "Origin": ORIGIN})
    assert ok.status_code == 200
    assert (ok.headers["access-control-allow-origin"], ok.headers["access-control-allow-credentials"]) == (
        ORIGIN,
        "true",
    )
    refused = await env.http.post(ACCOUNT, json={}, headers={**headers, "Origin": ORIGIN})
    assert refused.status_code == 400 and refused.headers["access-control-allow-origin"] == ORIGIN
    other = await env.http.get(ACCOUNT, headers={**headers, "Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers


# --- the other resources and the versioned paths -----------------------------------------------
async def test_credentials_list_the_password_which_cannot_be_removed(env: Env) -> None:
    headers = await _setup(env)
    response = await env.http.get(f"{ACCOUNT}/credentials", headers=headers)
    assert response.status_code == 200
    password, otp = response.json()  # the default browser flow's conditional OTP Form lists the otp type too
    assert (otp["type"], otp["userCredentialMetadatas"]) == ("otp", [])
    metadata = password.pop("userCredentialMetadatas")
    assert password == {
        "type": "password",
        "category": "basic-authentication",
        "displayName": "password-display-name",
        "helptext": "password-help-text",
        "iconCssClass": "kcAuthenticatorPasswordClass",
        "updateAction": "UPDATE_PASSWORD",
        "removeable": False,
    }
    credential = metadata[0]["credential"]
    assert credential["type"] == "password" and "secretData" not in credential
    assert (await env.http.get(f"{ACCOUNT}/credentials", params={"type": "webauthn"}, headers=headers)).json() == []
    removed = await env.http.delete(f"{ACCOUNT}/credentials/{credential['id']}", headers=headers)
    assert (removed.status_code, removed.json()) == (400, {"error": "Credential type cannot be removed"})
    unknown = await env.http.delete(f"{ACCOUNT}/credentials/nope", headers=headers)
    assert (unknown.status_code, unknown.json()) == (404, {"error": "Credential not found"})


async def test_linked_accounts_groups_and_supported_locales(env: Env) -> None:
    headers = await _setup(env, supported_locales=("en", "de"))
    assert (await env.http.get(f"{ACCOUNT}/linked-accounts", headers=headers)).json() == []
    assert (await env.http.get(f"{ACCOUNT}/groups", headers=headers)).json() == []
    assert (await env.http.get(f"{ACCOUNT}/supportedLocales", headers=headers)).json() == ["en", "de"]


async def test_v1_paths_are_the_api_and_other_versions_are_not_found(env: Env) -> None:
    headers = await _setup(env)
    assert (await env.http.get(f"{ACCOUNT}/v1", headers=headers)).json()["username"] == "user1"
    assert (await env.http.get(f"{ACCOUNT}/v1/sessions", headers=headers)).status_code == 200
    response = await env.http.get(f"{ACCOUNT}/v2-foo/sessions", headers=headers)
    assert (response.status_code, response.json()) == (404, {"error": "API version not found"})
