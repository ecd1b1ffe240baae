"""``offline_access`` in a standard token exchange, on the realm of ``tests/token_exchange_realm.py``
(requester-client has offline_access among its optional scopes).

StandardTokenExchangeProvider.exchangeClientToOIDCClient refuses a refresh token when the client session
context's scopes hold offline_access ("Scope offline_access not allowed for token exchange"). Those scopes are
DefaultClientSessionContext's, which keeps a client scope only if the user has one of the roles it maps
(isClientScopePermittedForUser); the built-in offline_access scope maps the offline_access realm role
(RealmManager.createOfflineAccessClientScope). So for a user without that role the scope is dropped: no refusal,
and no offline_access in any exchanged token.
"""

from __future__ import annotations

import pytest

import token_exchange_realm
from access_token_realm import get, send
from support import claims, refresh
from token_exchange_realm import ACCESS, ID, REFRESH, events, exchange, subject
from wire_env import Env

pytestmark = pytest.mark.anyio

te = token_exchange_realm.te


async def _without_offline_role(env: Env) -> None:
    """The realm's default roles lose offline_access: john no longer has it."""
    offline = await get(env, "/roles/offline_access")
    await send(env, "DELETE", "/roles/default-roles-test/composites", [offline])


async def test_a_refresh_token_is_refused_with_offline_access_for_a_user_with_the_role(te: Env) -> None:
    access = (await subject(te))["access_token"]
    response = await exchange(te, access, scope="offline_access", requested_token_type=REFRESH)
    assert response.status_code == 400, response.text
    assert response.json()["error_description"] == "Scope offline_access not allowed for token exchange"


async def test_offline_access_is_dropped_for_a_user_without_the_role(te: Env) -> None:
    await _without_offline_role(te)
    access = (await subject(te))["access_token"]
    for requested in (REFRESH, ACCESS, ID):
        response = await exchange(te, access, scope="offline_access", requested_token_type=requested)
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["scope"] == "default-scope1", body
        (event, *_) = await events(te, "TOKEN_EXCHANGE")
        assert event["details"]["scope"] == "default-scope1" and event["details"]["requested_token_type"] == requested
        if requested == ACCESS:
            assert claims(body["access_token"])["scope"] == "default-scope1"
        if requested == REFRESH:  # the refresh token holds no offline_access either, and refreshes as a regular one
            assert claims(body["refresh_token"])["typ"] == "Refresh"
            assert "offline_access" not in claims(body["refresh_token"])["scope"].split(" ")
            refreshed = await refresh(te.http, "test", "requester-client", body["refresh_token"])
            assert refreshed.status_code == 200, refreshed.text
            assert refreshed.json()["scope"] == "default-scope1"
