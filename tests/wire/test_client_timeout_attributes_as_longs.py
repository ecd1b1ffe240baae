"""A client's session timeout attributes above 2^31-1 count, as Keycloak reads them with ``Long.parseLong``
(SessionExpirationUtils.getClientAttributeTimeout): they override the realm's client-session values, within the
user session's limits, instead of being taken for unset. The admin API's check against the SSO values
(Keycloak 26.5) compares the same numbers, so such an online idle or max is refused there."""

from __future__ import annotations

import pytest

from support import assert_error, password_grant, refresh, seed_client, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
HUGE = str(3_000_000_000)  # above Integer.MAX_VALUE, a valid long
IDLE = "Client session idle timeout cannot exceed realm SSO session idle timeout."


async def test_a_client_idle_above_the_int_range_overrides_the_realm_client_idle(realm: Env) -> None:
    await update_realm(realm.db, "test", client_session_idle_timeout=600)
    await seed_client(realm.db, "test", "long-idle", attributes={"client.session.idle.timeout": HUGE})
    plain = await password_grant(realm.http, "test", "app")
    assert plain.json()["refresh_expires_in"] == 600  # the realm's client idle
    tokens = await password_grant(realm.http, "test", "long-idle")
    assert tokens.status_code == 200, tokens.text
    # Keycloak's refresh exp is the client session's idle capped by its max (the SSO max here), not by the SSO idle
    assert tokens.json()["refresh_expires_in"] == 36000


async def test_a_client_offline_max_above_the_int_range_overrides_the_realm_client_offline_max(realm: Env) -> None:
    await update_realm(
        realm.db, "test", offline_session_max_lifespan_enabled=True, client_offline_session_max_lifespan=1000
    )
    attributes = {"client.offline.session.max.lifespan": HUGE}
    await seed_client(realm.db, "test", "long-offline", attributes=attributes)
    plain = await password_grant(realm.http, "test", "app", scope="openid offline_access")
    assert plain.json()["refresh_expires_in"] == 1000
    tokens = await password_grant(realm.http, "test", "long-offline", scope="openid offline_access")
    assert tokens.status_code == 200, tokens.text
    assert tokens.json()["refresh_expires_in"] == 2592000  # the offline idle, now the nearer limit


async def test_the_admin_api_refuses_an_online_idle_above_the_int_range_and_keeps_offline_ones(realm: Env) -> None:
    headers = await realm.admin_headers()
    rep = {"clientId": "huge-idle", "attributes": {"client.session.idle.timeout": HUGE}}
    refused = await realm.http.post("/admin/realms/test/clients", json=rep, headers=headers)
    assert_error(refused, 400, "invalid_input", IDLE)
    offline = {"client.offline.session.idle.timeout": HUGE, "client.offline.session.max.lifespan": HUGE}
    rep = {"clientId": "huge-offline", "attributes": offline}
    created = await realm.http.post("/admin/realms/test/clients", json=rep, headers=headers)
    assert created.status_code == 201, created.text
    found = await realm.http.get("/admin/realms/test/clients", params={"clientId": "huge-offline"}, headers=headers)
    assert found.json()[0]["attributes"]["client.offline.session.max.lifespan"] == HUGE


async def test_the_largest_long_in_every_session_attribute_still_issues_and_refreshes(realm: Env) -> None:
    """At Long.MAX_VALUE Keycloak's millisecond sums overflow and end the session at once; Doorkeep counts in
    whole seconds and keeps the session to its other limits (a deliberate difference, never a 500)."""
    keys = (
        "client.session.idle.timeout",
        "client.session.max.lifespan",
        "client.offline.session.idle.timeout",
        "client.offline.session.max.lifespan",
    )
    await seed_client(realm.db, "test", "longest", attributes=dict.fromkeys(keys, str(2**63 - 1)))
    for scope in ("openid", "openid offline_access"):
        tokens = await password_grant(realm.http, "test", "longest", scope=scope)
        assert tokens.status_code == 200, tokens.text
        realm.clock.advance(60)
        again = await refresh(realm.http, "test", "longest", tokens.json()["refresh_token"])
        assert again.status_code == 200, again.text
    sessions = await realm.http.get("/admin/realms/test/client-session-stats", headers=await realm.admin_headers())
    assert sessions.status_code == 200, sessions.text
