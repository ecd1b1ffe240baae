"""OfflineTokenRefreshTest.offlineRefreshWhenNoOfflineScope (tests/base), the introspection requests exactly as
Keycloak's OAuthClient sends them: ``doIntrospectionAccessTokenRequest`` with ``token_type_hint=access_token``,
``doIntrospectionRefreshTokenRequest`` with ``token_type_hint=refresh_token``. The port in
test_keycloak_offline_token_test.py sends no hint; the refresh-token provider (reuse check, refresh tokens
only) is the one Keycloak's test asks first, and the access-token provider is then handed the refresh token."""

from __future__ import annotations

import pytest

import offline_token_realm
from keycloak_port import client_uuid, delete, poll
from offline_token_realm import NOT_GRANTED, OFFLINE, browser_login, code_to_token, introspect, offline_scope_id
from offline_token_realm import refresh_with as refresh
from support import add_audience
from wire_env import Env

pytestmark = pytest.mark.anyio
kc = offline_token_realm.kc  # the imported realm (Keycloak's OfflineTokenRealmConfig)


async def test_an_offline_refresh_token_introspected_as_a_refresh_token_is_active(kc: Env) -> None:
    """Both tokens of an offline session refreshed once: the access token (hint access_token) and the refresh
    token (hint refresh_token) are active, each recorded as INTROSPECT_TOKEN of the offline session."""
    await add_audience(kc.db, "test", OFFLINE)  # Keycloak's realm maps offline-client into its own audience
    params = await browser_login(kc)
    body = (await code_to_token(kc, params["code"])).json()
    response = await refresh(kc, body["refresh_token"])
    assert response.status_code == 200, response.text
    body = response.json()
    await poll(kc)
    for token, hint in ((body["access_token"], "access_token"), (body["refresh_token"], "refresh_token")):
        answer = await introspect(kc, token, hint)
        assert answer["active"] is True, (hint, answer)
        (event,) = await poll(kc)
        assert (event["type"], event["clientId"], event["sessionId"]) == (
            "INTROSPECT_TOKEN",
            OFFLINE,
            params["session_state"],
        )


async def test_without_the_offline_access_scope_both_tokens_introspect_inactive_with_the_reason(kc: Env) -> None:
    """Once offline-client lost the offline_access client scope, the access token and the refresh token, both
    introspected with hint access_token, are inactive: INTROSPECT_TOKEN_ERROR ``session_expired`` with the reason
    "Offline session invalid because offline access not granted anymore"; the refresh is refused with it."""
    await add_audience(kc.db, "test", OFFLINE)
    params = await browser_login(kc)
    body = (await code_to_token(kc, params["code"])).json()
    body = (await refresh(kc, body["refresh_token"])).json()
    await delete(kc, f"/clients/{await client_uuid(kc, OFFLINE)}/optional-client-scopes/{await offline_scope_id(kc)}")
    await poll(kc)
    for token in (body["access_token"], body["refresh_token"]):
        assert (await introspect(kc, token, "access_token")) == {"active": False}
        (event,) = await poll(kc)
        assert (event["type"], event["clientId"], event["sessionId"]) == (
            "INTROSPECT_TOKEN_ERROR",
            OFFLINE,
            params["session_state"],
        )
        assert event["error"] == "session_expired" and event["details"]["reason"] == NOT_GRANTED
    response = await refresh(kc, body["refresh_token"])
    assert response.status_code == 400
    assert response.json() == {"error": "invalid_grant", "error_description": NOT_GRANTED}
