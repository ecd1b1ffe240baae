"""The token endpoint's common checks (KEYCLOAK.md §2.1) and the password and client-credentials grants."""

from __future__ import annotations

import base64

import pytest

from support import (
    assert_error,
    claims,
    password_grant,
    seed_client,
    token_url,
    update_client,
    update_realm,
    update_user,
)
from wire_env import Env

pytestmark = pytest.mark.anyio


async def test_missing_grant_type_is_invalid_request(realm: Env) -> None:
    response = await realm.http.post(token_url("test"), data={"client_id": "app", "client_secret": "secret"})
    assert_error(response, 400, "invalid_request", "Missing form parameter: grant_type")
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["pragma"] == "no-cache"


async def test_unknown_grant_type_is_unsupported(realm: Env) -> None:
    response = await realm.http.post(token_url("test"), data={"grant_type": "magic", "client_id": "app"})
    assert_error(response, 400, "unsupported_grant_type", "Unsupported grant_type")


async def test_wrong_client_secret_is_unauthorized_client(realm: Env) -> None:
    response = await password_grant(realm.http, "test", "app", secret="nope")
    assert_error(response, 401, "unauthorized_client", "Invalid client or Invalid client credentials")


async def test_missing_client_secret_on_confidential_client_is_refused(realm: Env) -> None:
    response = await password_grant(realm.http, "test", "app", secret=None)
    assert_error(response, 401, "unauthorized_client", "Invalid client or Invalid client credentials")


async def test_unknown_client_is_invalid_client(realm: Env) -> None:
    response = await password_grant(realm.http, "test", "ghost")
    assert_error(response, 401, "invalid_client", "Invalid client or Invalid client credentials")


async def test_disabled_client_is_invalid_client(realm: Env) -> None:
    await update_client(realm.db, "test", "app", enabled=False)
    response = await password_grant(realm.http, "test", "app")
    assert_error(response, 401, "invalid_client")


async def test_bearer_only_client_is_refused(realm: Env) -> None:
    await update_client(realm.db, "test", "app", bearer_only=True)
    response = await password_grant(realm.http, "test", "app")
    assert_error(response, 400, "invalid_client", "Bearer-only not allowed")


async def test_client_secret_basic_authenticates(realm: Env) -> None:
    basic = base64.b64encode(b"app:secret").decode()
    response = await realm.http.post(
        token_url("test"),
        data={"grant_type": "password", "username": "user1", "password": "password"},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert response.status_code == 200, response.text


def _basic(client_id: str, secret: str) -> dict[str, str]:
    return {"Authorization": "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()}


PASSWORD_FORM = {"grant_type": "password", "username": "user1", "password": "password"}


async def test_a_form_client_secret_replaces_the_basic_headers(realm: Env) -> None:
    """ClientIdAndSecretAuthenticator: the header first, then each form parameter present replaces it."""
    wrong_in_form = await realm.http.post(
        token_url("test"),
        data={**PASSWORD_FORM, "client_id": "app", "client_secret": "nope"},
        headers=_basic("app", "secret"),
    )
    assert_error(wrong_in_form, 401, "unauthorized_client", "Invalid client or Invalid client credentials")
    right_in_form = await realm.http.post(
        token_url("test"), data={**PASSWORD_FORM, "client_secret": "secret"}, headers=_basic("app", "nope")
    )
    assert right_in_form.status_code == 200, right_in_form.text


async def test_a_form_client_id_replaces_the_basic_headers_and_keeps_its_secret(realm: Env) -> None:
    await seed_client(realm.db, "test", "other", secret="other-secret")
    named_in_form = await realm.http.post(
        token_url("test"), data={**PASSWORD_FORM, "client_id": "other"}, headers=_basic("app", "secret")
    )
    assert_error(named_in_form, 401, "unauthorized_client", "Invalid client or Invalid client credentials")
    both = await realm.http.post(
        token_url("test"), data={**PASSWORD_FORM, "client_id": "other"}, headers=_basic("app", "other-secret")
    )
    assert both.status_code == 200, both.text
    assert claims(both.json()["access_token"])["azp"] == "other"


@pytest.mark.parametrize("header", [None, "Negotiate abc", "Bearer abc", "Basic !!!"])
async def test_no_client_named_at_all_is_invalid_client(realm: Env, header: str | None) -> None:
    """No client id anywhere: Keycloak's ClientAuthenticationFlow ends with CLIENT_NOT_FOUND (the
    authenticator's "Missing client_id parameter" challenge only counts once a client was found)."""
    headers = {"Authorization": header} if header else {}
    response = await realm.http.post(token_url("test"), data=PASSWORD_FORM, headers=headers)
    assert_error(response, 401, "invalid_client", "Invalid client or Invalid client credentials")


async def test_duplicated_parameter_is_refused(realm: Env) -> None:
    body = "grant_type=password&client_id=app&client_secret=secret&username=user1&username=user1&password=password"
    response = await realm.http.post(
        token_url("test"), content=body, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert_error(response, 400, "invalid_request", "duplicated parameter")


async def test_empty_parameters_sent_by_python_keycloak_are_ignored(realm: Env) -> None:
    response = await password_grant(realm.http, "test", "app", code="", redirect_uri="")
    assert response.status_code == 200, response.text


async def test_unknown_realm_is_404(realm: Env) -> None:
    response = await password_grant(realm.http, "nowhere", "app")
    assert response.status_code == 404


async def test_disabled_realm_is_access_denied(realm: Env) -> None:
    await update_realm(realm.db, "test", enabled=False)
    response = await password_grant(realm.http, "test", "app")
    assert_error(response, 403, "access_denied", "Realm not enabled")


async def test_ssl_required_all_refuses_plain_http(realm: Env) -> None:
    await update_realm(realm.db, "test", ssl_required="all")
    response = await password_grant(realm.http, "test", "app")
    assert_error(response, 403, "invalid_request", "HTTPS required")


async def test_malformed_form_body_is_invalid_request(realm: Env) -> None:
    response = await realm.http.post(
        token_url("test"), content=b"grant_type=%ff%fe", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 400
    assert response.json()["error"] == "invalid_request"


async def test_json_body_is_unsupported_media_type(realm: Env) -> None:
    response = await realm.http.post(token_url("test"), json={"grant_type": "password"})
    assert response.status_code == 415


async def test_oversized_body_is_refused_without_reading_it_all(realm: Env) -> None:
    response = await realm.http.post(
        token_url("test"),
        content=b"a=" + b"x" * 100_000,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 413


async def test_wrong_password_is_invalid_user_credentials(realm: Env) -> None:
    response = await password_grant(realm.http, "test", "app", password="wrong")
    assert_error(response, 400, "invalid_grant", "Invalid user credentials")


async def test_unknown_user_is_invalid_user_credentials(realm: Env) -> None:
    response = await password_grant(realm.http, "test", "app", username="nobody")
    assert_error(response, 400, "invalid_grant", "Invalid user credentials")


async def test_disabled_user_cannot_log_in(realm: Env) -> None:
    await update_user(realm.db, "test", "user1", enabled=False)
    response = await password_grant(realm.http, "test", "app")
    assert_error(response, 400, "invalid_grant", "Account disabled")


@pytest.mark.parametrize("password", ["wrong", "", "password"])
async def test_a_disabled_user_is_refused_before_the_password_is_checked(realm: Env, password: str) -> None:
    # Keycloak's direct grant flow: ValidateUsername (disabled -> 400) runs before ValidatePassword.
    await update_user(realm.db, "test", "user1", enabled=False)
    response = await password_grant(realm.http, "test", "app", password=password)
    assert_error(response, 400, "invalid_grant", "Account disabled")


async def test_a_missing_username_is_a_missing_parameter(realm: Env) -> None:
    response = await realm.http.post(
        token_url("test"),
        data={"grant_type": "password", "client_id": "app", "client_secret": "secret", "password": "password"},
    )
    assert_error(response, 401, "invalid_request", "Missing parameter: username")


async def test_an_empty_username_is_a_missing_one(realm: Env) -> None:
    """ValidateUsername trims the username since Keycloak 26.8 (PR 51129), and one that leaves nothing is missing
    (DirectGrantInputValidationTest.directGrantRejectsWhitespaceOnlyUsernameAsMissing): an empty one too."""
    response = await password_grant(realm.http, "test", "app", username="")
    assert_error(response, 401, "invalid_request", "Missing parameter: username")


async def test_pending_required_action_blocks_direct_grant(realm: Env) -> None:
    await update_user(realm.db, "test", "user1", required_actions=("UPDATE_PASSWORD",))
    response = await password_grant(realm.http, "test", "app")
    assert_error(response, 400, "invalid_grant", "Account is not fully set up")


async def test_direct_grant_disabled_is_unauthorized_client(realm: Env) -> None:
    await update_client(realm.db, "test", "app", direct_access_grants_enabled=False)
    response = await password_grant(realm.http, "test", "app")
    assert_error(response, 400, "unauthorized_client", "Client not allowed for direct access grants")


async def test_consent_required_client_cannot_use_direct_grant(realm: Env) -> None:
    await update_client(realm.db, "test", "app", consent_required=True)
    response = await password_grant(realm.http, "test", "app")
    assert_error(response, 400, "invalid_client", "Client requires user consent")


async def test_unknown_scope_is_invalid_scope(realm: Env) -> None:
    response = await password_grant(realm.http, "test", "app", scope="openid bogus")
    assert_error(response, 400, "invalid_scope", "Invalid scopes: openid bogus")


async def test_user_can_log_in_with_email(realm: Env) -> None:
    response = await password_grant(realm.http, "test", "app", username="user1@example.com")
    assert response.status_code == 200, response.text


async def test_access_token_carries_keycloak_claims(realm: Env) -> None:
    body = (await password_grant(realm.http, "test", "app", scope="openid")).json()
    access = claims(body["access_token"])
    assert access["iss"] == "http://localhost/realms/test"
    assert access["jti"].startswith("onrtro:")
    assert access["aud"] == "account"
    assert access["preferred_username"] == "user1"
    assert access["email"] == "user1@example.com"
    assert access["given_name"] == "User1" and access["family_name"] == "Tester"
    assert "offline_access" in access["realm_access"]["roles"]
    assert access["resource_access"]["account"]["roles"] == ["manage-account", "manage-account-links", "view-profile"]
    assert access["scope"] == "openid email profile"
    assert access["acr"] == "1"
    assert "nonce" not in access and "session_state" not in access
    assert access["exp"] - access["iat"] == 300
    refresh_claims = claims(body["refresh_token"])
    assert refresh_claims["aud"] == "http://localhost/realms/test"
    assert "realm_access" not in refresh_claims
    assert refresh_claims["scope"] == "openid acr basic email profile roles web-origins"
    id_claims = claims(body["id_token"])
    assert id_claims["typ"] == "ID" and id_claims["exp"] == access["exp"] and "at_hash" in id_claims


async def test_no_id_token_without_openid_scope(realm: Env) -> None:
    body = (await password_grant(realm.http, "test", "app")).json()
    assert "id_token" not in body
    assert body["scope"] == "email profile"


async def test_client_credentials_without_refresh_token_is_transient(realm: Env) -> None:
    await seed_client(realm.db, "test", "svc", service_accounts=True)
    response = await realm.http.post(
        token_url("test"), data={"grant_type": "client_credentials", "client_id": "svc", "client_secret": "secret"}
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "refresh_token" not in body and "session_state" not in body
    assert body["refresh_expires_in"] == 0
    access = claims(body["access_token"])
    assert "sid" not in access
    assert access["preferred_username"] == "service-account-svc"
    assert access["client_id"] == "svc"


@pytest.mark.parametrize(
    ("changes", "status", "error", "description"),
    [
        (
            {"service_accounts_enabled": False},
            401,
            "unauthorized_client",
            "Client not enabled to retrieve service account",
        ),
        ({"public_client": True}, 401, "unauthorized_client", "Public client not allowed to retrieve service account"),
    ],
)
async def test_client_credentials_errors(
    realm: Env, changes: dict[str, bool], status: int, error: str, description: str
) -> None:
    await seed_client(realm.db, "test", "svc", service_accounts=True)
    await update_client(realm.db, "test", "svc", **changes)
    response = await realm.http.post(
        token_url("test"), data={"grant_type": "client_credentials", "client_id": "svc", "client_secret": "secret"}
    )
    assert_error(response, status, error, description)


async def test_client_credentials_with_disabled_service_account_user(realm: Env) -> None:
    await seed_client(realm.db, "test", "svc", service_accounts=True)
    await update_user(realm.db, "test", "service-account-svc", enabled=False)
    response = await realm.http.post(
        token_url("test"), data={"grant_type": "client_credentials", "client_id": "svc", "client_secret": "secret"}
    )
    assert_error(response, 401, "invalid_request", "User 'service-account-svc' disabled")
