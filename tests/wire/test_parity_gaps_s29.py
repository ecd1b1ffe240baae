"""Four Keycloak parity gaps, each checked against Keycloak's source:

1. ``client_auth_method`` on every event recorded after the client authenticated (ClientAuthenticationFlow.
   processFlow puts ``Details.CLIENT_AUTH_METHOD`` on the endpoint's event builder): REVOKE_GRANT,
   INTROSPECT_TOKEN, INTROSPECT_TOKEN_ERROR and OAUTH2_DEVICE_AUTH_ERROR as on the token endpoint's events.
2. Negative Brute Force Detection numbers refused on every import path (DefaultExportImportManager.importRealm's
   checkNonNegativeNumber): a realm file, ``POST /admin/realms``; a partial import carries no realm settings.
3. A user locked out by the switch to permanent lockout shows disabled, with ``disabledReason``, wherever Keycloak
   builds the user through the user profile (DefaultAttributes.toRepresentation): group members, role members and
   the brief user search, not only ``GET users/{id}`` and the full search.
4. UpdatePassword.evaluateTriggers in the browser login: a password older than ``forceExpiredPasswordChange(N)``
   days leads to the update-password page, through the trigger the password grant runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from browser_flow import code_from, exchange, start, submit
from brute_force_realm import (
    expect_permanently_disabled,
    expect_temporarily_disabled,
    login_invalid_password,
    mark_start,
    set_time_offset,
)
from brute_force_realm import realm_rep as brute_force_realm
from client_auth_support import secret_jwt, with_assertion
from doorkeep.realms.exportimport import files
from keycloak_port import ADMIN, admin_headers, forget, get, import_realm, poll, post, put, update_realm, user_id
from realm_files import write
from support import audience_rep, claims
from wire_env import Env

pytestmark = pytest.mark.anyio

KEPT = ["REVOKE_GRANT", "INTROSPECT_TOKEN", "INTROSPECT_TOKEN_ERROR", "OAUTH2_DEVICE_AUTH_ERROR", "LOGIN"]
REDIRECT = "http://127.0.0.1:9999/*"


def _user(username: str) -> dict[str, Any]:
    return {
        "username": username,
        "enabled": True,
        "email": f"{username}@localhost",
        "emailVerified": True,
        "firstName": "First",
        "lastName": "Last",
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
    }


async def _events_realm(env: Env) -> None:
    """A realm keeping the events read here, with a client-secret client, a client-secret-jwt client (its
    own authenticator, so the detail is seen to follow the client) and a device client."""
    client = {"secret": "secret", "directAccessGrantsEnabled": True, "redirectUris": [REDIRECT]}
    rep = {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "enabledEventTypes": KEPT,
        "clients": [
            # app and sjwt introspect their own tokens: Keycloak 26.6.2 answers only a client in the token's audience
            {"clientId": "app", "protocolMappers": [audience_rep("app")], **client},
            {
                "clientId": "sjwt",
                "clientAuthenticatorType": "client-secret-jwt",
                "protocolMappers": [audience_rep("sjwt")],
                **client,
            },
            {
                "clientId": "dev",
                "secret": "secret",
                "attributes": {"oauth2.device.authorization.grant.enabled": "false"},
            },
        ],
        "users": [_user("user1")],
    }
    await import_realm(env, rep)
    await poll(env)


def _auth(client_id: str) -> dict[str, str]:
    return {"client_id": client_id, "client_secret": "secret"}


async def _send(env: Env, path: str, auth: dict[str, str], **form: str) -> Any:
    return await env.http.post(f"/realms/test/protocol/openid-connect/{path}", data={**auth, **form})


async def _tokens(env: Env, auth: dict[str, str]) -> dict[str, Any]:
    response = await _send(env, "token", auth, grant_type="password", username="user1", password="password")
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _only(env: Env, type: str) -> dict[str, Any]:
    found = [e for e in await poll(env) if e["type"] == type]
    assert len(found) == 1, found
    return found[0]


# --- 1. client_auth_method -----------------------------------------------------------------------------


async def test_revoking_a_refresh_token_records_the_authenticating_method(env: Env) -> None:
    await _events_realm(env)
    body = await _tokens(env, _auth("app"))
    await poll(env)
    revoked = await _send(env, "revoke", _auth("app"), token=body["refresh_token"])
    assert revoked.status_code == 200, revoked.text
    event = await _only(env, "REVOKE_GRANT")
    assert event["details"] == {
        "revoked_client": "app",
        "refresh_token_id": claims(body["refresh_token"])["jti"],
        "refresh_token_type": "Refresh",
        "client_auth_method": "client-secret",
    }


async def test_a_client_secret_jwt_client_is_named_by_its_own_authenticator_on_revoke_and_introspect(
    env: Env,
) -> None:
    await _events_realm(env)
    body = await _tokens(env, with_assertion(secret_jwt(env, "sjwt", "secret")))
    login = await _only(env, "LOGIN")
    assert login["details"]["client_auth_method"] == "client-secret-jwt"
    active = await _send(
        env, "token/introspect", with_assertion(secret_jwt(env, "sjwt", "secret")), token=body["access_token"]
    )
    assert active.status_code == 200 and active.json()["active"] is True, active.text
    assert (await _only(env, "INTROSPECT_TOKEN"))["details"] == {"client_auth_method": "client-secret-jwt"}
    revoked = await _send(env, "revoke", with_assertion(secret_jwt(env, "sjwt", "secret")), token=body["access_token"])
    assert revoked.status_code == 200, revoked.text
    revoke = await _only(env, "REVOKE_GRANT")
    assert revoke["details"]["client_auth_method"] == "client-secret-jwt"


async def test_introspection_events_carry_the_method_active_or_not(env: Env) -> None:
    await _events_realm(env)
    body = await _tokens(env, _auth("app"))
    await poll(env)
    active = await _send(env, "token/introspect", _auth("app"), token=body["access_token"])
    assert active.json()["active"] is True
    event = await _only(env, "INTROSPECT_TOKEN")
    assert (event["clientId"], event["details"]) == ("app", {"client_auth_method": "client-secret"})
    inactive = await _send(env, "token/introspect", _auth("app"), token="not-a-token")
    assert inactive.json() == {"active": False}
    error = await _only(env, "INTROSPECT_TOKEN_ERROR")
    # AccessTokenIntrospectionProvider.verifyToken's reason comes with it (the token does not even parse)
    details = {"reason": "Access token JWT check failed", "client_auth_method": "client-secret"}
    assert (error["error"], error["details"]) == ("invalid_token", details)


async def test_a_failed_client_authentication_leaves_the_method_out(env: Env) -> None:
    """processFlow sets the detail only once an authenticator succeeded: the device endpoint's error for a
    wrong secret has none, its error for an authenticated client not allowed the grant has it."""
    await _events_realm(env)
    wrong = await _send(env, "auth/device", {"client_id": "dev", "client_secret": "wrong"})
    assert wrong.status_code == 401, wrong.text
    refused = await _only(env, "OAUTH2_DEVICE_AUTH_ERROR")
    assert "client_auth_method" not in refused["details"]
    not_allowed = await _send(env, "auth/device", _auth("dev"))
    assert not_allowed.status_code == 400, not_allowed.text
    event = await _only(env, "OAUTH2_DEVICE_AUTH_ERROR")
    assert event["details"]["client_auth_method"] == "client-secret"


# --- 2. negative Brute Force Detection numbers on import -----------------------------------------------


async def test_a_realm_file_with_a_negative_brute_force_number_is_not_imported(env: Env, tmp_path: Path) -> None:
    """``--import-realm`` at startup reads the file through the same parser: nothing is written."""
    path = write(tmp_path, {"realm": "neg", "enabled": True, "bruteForceProtected": True, "failureFactor": -1})
    with pytest.raises(files.ImportError_) as refused:
        await files.import_file(env.db, path, env.clock, skip_existing=True)
    assert str(refused.value) == f"{path}: failureFactor: Failure factor may not be a negative value"
    async with env.db.transaction(write=False) as tx:
        assert await tx.realms.get_by_name("neg") is None


@pytest.mark.parametrize(
    ("field", "label"),
    [
        ("maxDeltaTimeSeconds", "Maximum delta time seconds"),
        ("quickLoginCheckMilliSeconds", "Quick login check milliseconds"),
    ],
)
async def test_creating_a_realm_with_a_negative_brute_force_number_is_a_400(env: Env, field: str, label: str) -> None:
    response = await env.http.post(
        "/admin/realms", json={"realm": "neg", "enabled": True, field: -5}, headers=await admin_headers(env)
    )
    assert (response.status_code, response.json()) == (400, {"errorMessage": f"{label} may not be a negative value"})
    missing = await env.http.get("/admin/realms/neg", headers=await admin_headers(env))
    assert missing.status_code == 404
    forget(env)


async def test_a_zero_is_imported(env: Env, tmp_path: Path) -> None:
    path = write(tmp_path, {"realm": "zero", "enabled": True, "failureFactor": 0, "maxTemporaryLockouts": 0})
    assert await files.import_file(env.db, path, env.clock, skip_existing=True) == ["zero"]


async def test_a_partial_import_ignores_realm_settings_as_keycloak_s_representation_has_none(env: Env) -> None:
    await import_realm(env, {"realm": "test", "enabled": True, "failureFactor": 7})
    response = await env.http.post(
        ADMIN + "/partialImport",
        json={"ifResourceExists": "SKIP", "failureFactor": -1},
        headers=await admin_headers(env),
    )
    assert response.status_code == 200, response.text
    assert (await get(env, ""))["failureFactor"] == 7
    forget(env)


# --- 3. the locked out user, wherever the profile's representation is built -----------------------------


async def test_a_permanently_locked_out_user_shows_disabled_in_group_and_role_listings(env: Env) -> None:
    await import_realm(env, brute_force_realm())
    await poll(env)
    mark_start(env)
    uid = await user_id(env, "user2")
    await post(env, "/roles", {"name": "member"}, status=201)
    role = await get(env, "/roles/member")
    await post(env, f"/users/{uid}/role-mappings/realm", [role])
    await post(env, "/groups", {"name": "staff"}, status=201)
    (group,) = await get(env, "/groups", search="staff")
    await put(env, f"/users/{uid}/groups/{group['id']}", {})
    await login_invalid_password(env, "user2")
    await login_invalid_password(env, "user2")
    await expect_temporarily_disabled(env, "user2")

    def shown(rep: dict[str, Any]) -> tuple[bool, list[str] | None]:
        return rep["enabled"], (rep.get("attributes") or {}).get("disabledReason")

    (member,) = await get(env, f"/groups/{group['id']}/members")
    (holder,) = await get(env, "/roles/member/users")
    assert shown(member) == shown(holder) == (True, None)
    await update_realm(env, permanentLockout=True)
    set_time_offset(env, 60)
    (member,) = await get(env, f"/groups/{group['id']}/members")
    (holder,) = await get(env, "/roles/member/users")
    assert shown(member) == shown(holder) == (False, ["permanentLockout"])
    (brief_member,) = await get(env, f"/groups/{group['id']}/members", briefRepresentation="true")
    (brief_holder,) = await get(env, "/roles/member/users", briefRepresentation="true")
    (brief_found,) = await get(env, "/users", username="user2", exact="true", briefRepresentation="true")
    assert brief_member["enabled"] is brief_holder["enabled"] is brief_found["enabled"] is False
    await expect_permanently_disabled(env, "user2")
    forget(env)


async def test_a_user_not_locked_out_keeps_its_stored_representation(env: Env) -> None:
    """Detection on but no record: the listings show the stored user (a failing-free check)."""
    await import_realm(env, {**brute_force_realm(), "permanentLockout": True})
    (found,) = await get(env, "/users", username="user2", exact="true", briefRepresentation="true")
    assert found["enabled"] is True
    forget(env)


# --- 4. forceExpiredPasswordChange in the browser login -------------------------------------------------


async def _browser_realm(env: Env, policy: str) -> None:
    rep = {
        "realm": "test",
        "enabled": True,
        "passwordPolicy": policy,
        "clients": [{"clientId": "app", "secret": "secret", "redirectUris": [REDIRECT]}],
        "users": [_user("user1")],
    }
    await import_realm(env, rep)


async def test_an_expired_password_leads_the_browser_login_to_the_update_password_page(env: Env) -> None:
    await _browser_realm(env, "forceExpiredPasswordChange(1)")
    env.clock.advance(2 * 86_400)
    page = await start(env.http, "test", "app")
    update = await submit(env.http, page, username="user1", password="password")
    assert update.status_code == 200 and "Update password" in update.text, update.text[:400]
    uid = await user_id(env, "user1")
    assert (await get(env, f"/users/{uid}"))["requiredActions"] == ["UPDATE_PASSWORD"]
    done = await submit(env.http, update, **{"password-new": "n3w-pass", "password-confirm": "n3w-pass"})
    params = code_from(done)
    assert (await exchange(env.http, "test", "app", params["code"], secret="secret")).status_code == 200
    assert (await get(env, f"/users/{uid}"))["requiredActions"] == []
    forget(env)


async def test_a_password_within_its_days_goes_straight_to_the_code(env: Env) -> None:
    await _browser_realm(env, "forceExpiredPasswordChange(3)")
    env.clock.advance(2 * 86_400)
    page = await start(env.http, "test", "app")
    assert "code" in code_from(await submit(env.http, page, username="user1", password="password"))


async def test_a_wrong_password_adds_no_action_even_when_expired(env: Env) -> None:
    await _browser_realm(env, "forceExpiredPasswordChange(1)")
    env.clock.advance(2 * 86_400)
    page = await start(env.http, "test", "app")
    again = await submit(env.http, page, username="user1", password="wrong")
    assert 'name="password"' in again.text
    assert (await get(env, f"/users/{await user_id(env, 'user1')}"))["requiredActions"] == []
    forget(env)
