"""The Admin Console over HTTP against the real app (both engines, fake clock): roles as the REST API
checks them, confirmed revocations that kill offline tokens at once, timeouts the next refresh obeys,
CSRF on every form, realms kept apart, paging."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import AsyncIterator

import httpx
import pytest

from admin_console_http import post, realm_admin_console, sign_in
from admin_support import client_uuid, make_admin
from browser_flow import form_fields
from console_support import csrf
from doorkeep.web.admin_console import views_sessions
from support import assert_error, password_grant, refresh, seed_client, seed_realm, seed_user
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
HTML = {"Accept": "text/html"}
BASE = "/admin/test/console"
ORIGIN = {"Origin": "http://localhost"}


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    """A realm administrator of ``test`` (realm-admin), signed in to its console."""
    async with realm_admin_console(realm) as http:
        yield http


async def offline(env: Env) -> str:
    response = await password_grant(env.http, "test", "app", scope="openid offline_access")
    assert response.status_code == 200, response.text
    return str(response.json()["refresh_token"])


async def test_an_admin_revokes_an_offline_session_from_the_offline_access_tab_after_confirming(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    token = await offline(realm)
    app = await client_uuid(realm, "test", "app")
    tab = await admin.get(f"{BASE}/test/clients/{app}/offline-access", headers=HTML)
    assert tab.status_code == 200 and "user1" in tab.text and "127.0.0.1" in tab.text
    action = re.search(r'action="([^"]+/sessions/[^"]+/sign-out)"', tab.text)
    assert action
    confirm = await post(admin, action.group(1), tab, offline="true", back=f"/test/clients/{app}/offline-access")
    assert confirm.status_code == 200 and "End this offline session" in confirm.text
    assert (await refresh(realm.http, "test", "app", token)).status_code == 200  # not yet: only asked
    token = (await refresh(realm.http, "test", "app", token)).json()["refresh_token"]
    done = await post(admin, action.group(1), confirm, **form_fields(confirm.text))
    assert done.status_code == 303 and done.headers["location"].endswith(f"/test/clients/{app}/offline-access")
    shown = await admin.get(done.headers["location"], headers=HTML)
    assert "Offline session of user1 ended." in shown.text and "No sessions." in shown.text
    assert_error(await refresh(realm.http, "test", "app", token), 400, "invalid_grant")


async def test_the_consents_tab_shows_the_offline_token_grant_and_revoke_kills_it(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    token = await offline(realm)
    async with realm.db.transaction() as tx:
        found = await tx.realms.get_by_name("test")
        assert found is not None
        user = await tx.users.get_by_username(found.id, "user1")
        assert user is not None
    tab = await admin.get(f"{BASE}/test/users/{user.id}/consents", headers=HTML)
    assert "Offline Token" in tab.text and ">app<" in tab.text
    path = f"{BASE}/test/users/{user.id}/consents/revoke"
    confirm = await post(admin, path, tab, client="app")
    assert "Its offline tokens stop working at once" in confirm.text
    done = await post(admin, path, confirm, **form_fields(confirm.text))
    assert done.status_code == 303
    assert "No consents and no offline tokens." in (await admin.get(done.headers["location"], headers=HTML)).text
    assert_error(await refresh(realm.http, "test", "app", token), 400, "invalid_grant")


async def test_the_sessions_tab_sets_offline_session_idle_in_hours_and_the_next_refresh_obeys_it(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    token = await offline(realm)
    tab = await admin.get(f"{BASE}/test/realm-settings/sessions", headers=HTML)
    fields = dict(re.findall(r'<input type="number"[^>]*name="([^"]+)"\s+value="([^"]*)"', tab.text))
    units = dict(
        re.findall(
            r'<select name="([^"]+)\.unit"[^>]*>(?:(?!</select>).)*?<option value="(\w+)" selected', tab.text, re.S
        )
    )
    form = {**fields, **{f"{k}.unit": v for k, v in units.items()}}
    assert form["offlineSessionIdleTimeout"] == "30" and form["offlineSessionIdleTimeout.unit"] == "days"
    saved = await post(
        admin,
        f"{BASE}/test/realm-settings/sessions",
        tab,
        **{**form, "offlineSessionIdleTimeout": "2", "offlineSessionIdleTimeout.unit": "hours"},
    )
    assert saved.status_code == 303, saved.text[:500]
    realm.clock.advance(3600)
    answer = await refresh(realm.http, "test", "app", token)
    assert answer.status_code == 200, answer.text
    realm.clock.advance(2 * 3600 + 1)
    assert_error(
        await refresh(realm.http, "test", "app", answer.json()["refresh_token"]),
        400,
        "invalid_grant",
        "Offline session not active",
    )


async def test_the_tokens_tab_sets_the_device_grant_lifespan_and_interval_and_the_device_endpoint_obeys(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    await seed_client(realm.db, "test", "tv", attributes={"oauth2.device.authorization.grant.enabled": "true"})
    tab = await admin.get(f"{BASE}/test/realm-settings/tokens", headers=HTML)
    form = dict(re.findall(r'<input type="number"[^>]*name="([^"]+)"\s+value="([^"]*)"', tab.text))
    units = re.findall(
        r'<select name="([^"]+)\.unit"[^>]*>(?:(?!</select>).)*?<option value="(\w+)" selected', tab.text, re.S
    )
    form |= {f"{name}.unit": unit for name, unit in units}
    # Keycloak's defaults, shown as its console shows them.
    assert (form["oauth2DeviceCodeLifespan"], form["oauth2DeviceCodeLifespan.unit"]) == ("10", "minutes")
    assert form["oauth2DevicePollingInterval"] == "5"
    refused = await post(
        admin, f"{BASE}/test/realm-settings/tokens", tab, **{**form, "oauth2DevicePollingInterval": "-1"}
    )
    assert refused.status_code == 400
    assert "OAuth 2.0 Device Polling Interval must be a whole number, 0 or more." in refused.text
    changes = {"oauth2DeviceCodeLifespan": "2", "oauth2DevicePollingInterval": "7"}
    saved = await post(admin, f"{BASE}/test/realm-settings/tokens", tab, **{**form, **changes})
    assert saved.status_code == 303, saved.text[:500]
    device = await realm.http.post(
        "/realms/test/protocol/openid-connect/auth/device", data={"client_id": "tv", "client_secret": "secret"}
    )
    assert device.status_code == 200, device.text
    assert (device.json()["expires_in"], device.json()["interval"]) == (120, 7)


async def test_a_refused_value_comes_back_as_a_sentence_and_nothing_is_saved(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    tab = await admin.get(f"{BASE}/test/realm-settings/tokens", headers=HTML)
    refused = await post(
        admin,
        f"{BASE}/test/realm-settings/tokens",
        tab,
        accessTokenLifespan="1.5",
        **{"accessTokenLifespan.unit": "minutes"},
        refreshTokenMaxReuse="lots",
    )
    assert refused.status_code == 400
    assert "Access Token Lifespan must be a whole number of minutes." in refused.text
    assert "Refresh Token Max Reuse must be a whole number, 0 or more." in refused.text
    assert "Traceback" not in refused.text


async def test_a_form_without_the_csrf_token_or_from_another_origin_is_refused(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    tab = await admin.get(f"{BASE}/test/revocation", headers=HTML)
    missing = await admin.post(f"{BASE}/test/revocation/set-to-now", data={"confirmed": "yes"}, headers=ORIGIN)
    elsewhere = await admin.post(
        f"{BASE}/test/revocation/set-to-now",
        data={"csrf_token": csrf(tab), "confirmed": "yes"},
        headers={"Origin": "http://evil.example"},
    )
    assert missing.status_code == elsewhere.status_code == 403
    async with realm.db.transaction() as tx:
        found = await tx.realms.get_by_name("test")
        assert found is not None and found.not_before == 0


async def test_a_realm_administrator_sees_nothing_of_another_realm(realm: Env, admin: httpx.AsyncClient) -> None:
    await seed_realm(realm.db, realm.clock, "other")
    await seed_client(realm.db, "other", "other-secret-app")
    other_app = await client_uuid(realm, "other", "other-secret-app")
    for path in ("/other/", "/other/clients", "/other/sessions", "/other/events", "/nowhere/users"):
        page = await admin.get(BASE + path, headers=HTML)
        assert page.status_code == 404 and "Realm not found." in page.text, path
    probe = await admin.get(f"{BASE}/test/clients/{other_app}", headers=HTML)
    assert probe.status_code == 404 and "Could not find client" in probe.text
    listing = await admin.get(f"{BASE}/test/clients", headers=HTML, params={"search": "other"})
    assert (
        "other-secret-app" not in listing.text
        and ">other<" not in (await admin.get(f"{BASE}/test/", headers=HTML)).text
    )


async def test_the_sessions_tab_refuses_a_client_session_idle_above_sso_idle_next_to_the_field(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    """The check PUT /admin/realms/{realm} makes (Keycloak 26.5, test_client_session_timeout_limits.py), shown
    on the form as a 400 with the message, nothing saved; other tabs still save."""
    tab = await admin.get(f"{BASE}/test/realm-settings/sessions", headers=HTML)
    fields = dict(re.findall(r'<input type="number"[^>]*name="([^"]+)"\s+value="([^"]*)"', tab.text))
    units = dict(
        re.findall(
            r'<select name="([^"]+)\.unit"[^>]*>(?:(?!</select>).)*?<option value="(\w+)" selected', tab.text, re.S
        )
    )
    form = {**fields, **{f"{k}.unit": v for k, v in units.items()}}
    typed = {"clientSessionIdleTimeout": "31", "clientSessionIdleTimeout.unit": "minutes"}
    refused = await post(admin, f"{BASE}/test/realm-settings/sessions", tab, **{**form, **typed})
    assert refused.status_code == 400, refused.text[:500]
    assert "Client session idle timeout cannot exceed realm SSO session idle timeout." in refused.text
    async with realm.db.transaction() as tx:
        found = await tx.realms.get_by_name("test")
        assert found is not None and found.client_session_idle_timeout == 0


async def test_a_user_without_admin_roles_gets_a_refusal_page(realm: Env) -> None:
    async with client_at(realm, "127.0.0.3") as http:
        page = await sign_in(http, "user1")
        assert page.status_code == 403 and "holds no administration roles in realm test" in page.text
        assert page.headers["content-type"].startswith("text/html")


async def test_a_view_only_administrator_gets_read_only_forms_and_a_refused_post(realm: Env) -> None:
    await make_admin(realm, "test", "watcher", "view-realm", "view-users", "view-clients")
    async with client_at(realm, "127.0.0.4") as http:
        await sign_in(http, "watcher")
        tab = await http.get(f"{BASE}/test/realm-settings/sessions", headers=HTML)
        assert tab.status_code == 200 and "<fieldset disabled>" in tab.text and ">Save</button>" not in tab.text
        refused = await post(
            http,
            f"{BASE}/test/realm-settings/sessions",
            tab,
            offlineSessionIdleTimeout="1",
            **{"offlineSessionIdleTimeout.unit": "seconds"},
        )
        assert refused.status_code == 403 and "manage-realm" in refused.text
        events = await http.get(f"{BASE}/test/events", headers=HTML)
        assert events.status_code == 403  # view-events is not among the roles
    async with realm.db.transaction() as tx:
        found = await tx.realms.get_by_name("test")
        assert found is not None and found.offline_session_idle_timeout == 2592000


async def test_the_client_secret_is_shown_only_on_request_and_never_cached(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    app = await client_uuid(realm, "test", "app")
    settings = await admin.get(f"{BASE}/test/clients/{app}", headers=HTML)
    assert settings.status_code == 200 and 'value="secret"' not in settings.text
    shown = await post(admin, f"{BASE}/test/clients/{app}/secret", settings)
    assert 'type="password" id="client-secret" value="secret"' in shown.text
    assert shown.headers["cache-control"] == "no-store"


async def test_the_client_settings_switch_turns_the_device_grant_on_and_off(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    app = await client_uuid(realm, "test", "app")
    device_url = "/realms/test/protocol/openid-connect/auth/device"
    credentials = {"client_id": "app", "client_secret": "secret"}
    assert (await realm.http.post(device_url, data=credentials)).status_code == 400  # off until switched on
    page = await admin.get(f"{BASE}/test/clients/{app}", headers=HTML)
    assert 'name="oauth2.device.authorization.grant.enabled" value="on">' in page.text  # shown unchecked
    on = {"enabled": "on", "standardFlowEnabled": "on", "directAccessGrantsEnabled": "on"}
    form = {**on, "redirectUris": "http://localhost/*", "oauth2.device.authorization.grant.enabled": "on"}
    assert (await post(admin, f"{BASE}/test/clients/{app}", page, **form)).status_code == 303
    assert (await realm.http.post(device_url, data=credentials)).status_code == 200
    page = await admin.get(f"{BASE}/test/clients/{app}", headers=HTML)
    assert 'name="oauth2.device.authorization.grant.enabled" value="on" checked>' in page.text
    assert (
        await post(admin, f"{BASE}/test/clients/{app}", page, **on, redirectUris="http://localhost/*")
    ).status_code == 303
    refused = await realm.http.post(device_url, data=credentials)
    assert (refused.status_code, refused.json()["error"]) == (400, "unauthorized_client")


async def test_the_client_settings_switch_turns_standard_token_exchange_on_and_off(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    app = await client_uuid(realm, "test", "app")
    subject = (await password_grant(realm.http, "test", "app")).json()["access_token"]
    exchange = {
        "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
        "client_id": "app",
        "client_secret": "secret",
        "subject_token": subject,
        "subject_token_type": "urn:ietf:params:oauth:token-type:access_token",
    }
    refused = await realm.http.post("/realms/test/protocol/openid-connect/token", data=exchange)
    assert refused.json()["error_description"] == "Standard token exchange is not enabled for the requested client"
    page = await admin.get(f"{BASE}/test/clients/{app}", headers=HTML)
    assert 'name="standard.token.exchange.enabled" value="on">' in page.text  # shown unchecked
    on = {"enabled": "on", "standardFlowEnabled": "on", "directAccessGrantsEnabled": "on"}
    form = {**on, "redirectUris": "http://localhost/*", "standard.token.exchange.enabled": "on"}
    assert (await post(admin, f"{BASE}/test/clients/{app}", page, **form)).status_code == 303
    exchanged = await realm.http.post("/realms/test/protocol/openid-connect/token", data=exchange)
    assert exchanged.status_code == 200, exchanged.text
    page = await admin.get(f"{BASE}/test/clients/{app}", headers=HTML)
    assert 'name="standard.token.exchange.enabled" value="on" checked>' in page.text
    async with realm.db.transaction() as tx:
        stored = await tx.clients.get(app)
        assert stored is not None and "oauth2.device.authorization.grant.enabled" not in stored.attributes


async def test_the_client_settings_logout_fields_set_front_channel_logout(realm: Env, admin: httpx.AsyncClient) -> None:
    app = await client_uuid(realm, "test", "app")
    page = await admin.get(f"{BASE}/test/clients/{app}", headers=HTML)
    assert "Front channel logout" in page.text and "Front-channel logout URL" in page.text
    # absent frontchannel.logout.session.required means on (OIDCAdvancedConfigWrapper): shown checked
    assert 'name="frontchannel.logout.session.required" value="on" checked>' in page.text
    assert 'name="frontchannelLogout" value="on">' in page.text
    base = {"enabled": "on", "standardFlowEnabled": "on", "redirectUris": "http://localhost/*"}
    refused = await post(
        admin, f"{BASE}/test/clients/{app}", page, **base, frontchannelLogout="on", **{"frontchannel.logout.url": "x:y"}
    )
    assert (
        refused.status_code == 400 and "Front-channel logout URL: give an absolute http or https URL." in refused.text
    )
    fields = {"frontchannelLogout": "on", "frontchannel.logout.url": " http://rp.example/fc "}
    saved = await post(admin, f"{BASE}/test/clients/{app}", page, **base, **fields)
    assert saved.status_code == 303, saved.text
    rep = (await realm.http.get(f"/admin/realms/test/clients/{app}", headers=await realm.admin_headers())).json()
    assert rep["frontchannelLogout"] is True
    assert rep["attributes"]["frontchannel.logout.url"] == "http://rp.example/fc"
    assert rep["attributes"]["frontchannel.logout.session.required"] == "false", "the box was left unchecked"
    page = await admin.get(f"{BASE}/test/clients/{app}", headers=HTML)
    assert 'name="frontchannelLogout" value="on" checked>' in page.text
    assert 'value="http://rp.example/fc"' in page.text
    assert 'name="frontchannel.logout.session.required" value="on">' in page.text
    cleared = await post(
        admin, f"{BASE}/test/clients/{app}", page, **base, **{"frontchannel.logout.session.required": "on"}
    )
    assert cleared.status_code == 303
    rep = (await realm.http.get(f"/admin/realms/test/clients/{app}", headers=await realm.admin_headers())).json()
    assert rep["frontchannelLogout"] is False and "frontchannel.logout.url" not in rep["attributes"]
    assert rep["attributes"]["frontchannel.logout.session.required"] == "true"


async def test_offline_sessions_are_paged_twenty_at_a_time(realm: Env, admin: httpx.AsyncClient) -> None:
    for i in range(23):
        await seed_user(realm.db, realm.clock, "test", f"person{i:02}", realm_roles=("offline_access",))
        response = await password_grant(realm.http, "test", "app", f"person{i:02}", scope="offline_access")
        assert response.status_code == 200, response.text
    app = await client_uuid(realm, "test", "app")
    first = await admin.get(f"{BASE}/test/clients/{app}/offline-access", headers=HTML)
    assert first.text.count('class="badge offline"') == 20 and "23 in all" in first.text
    assert "Next page" in first.text and "Previous page" not in first.text
    second = await admin.get(f"{BASE}/test/clients/{app}/offline-access", headers=HTML, params={"first": "20"})
    assert second.text.count('class="badge offline"') == 3 and "Next page" not in second.text
    sessions = await admin.get(f"{BASE}/test/sessions", headers=HTML, params={"type": "offline", "max": "10"})
    assert sessions.text.count('class="badge offline"') == 10 and "Offline (23)" in sessions.text


async def test_the_realm_counts_stop_at_the_cap_and_say_so(
    realm: Env, admin: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The Sessions tabs and the overview count at most ``COUNT_CAP`` live sessions (an exact count reads
    every session of the realm), then show the cap with a plus."""
    for i in range(4):
        await seed_user(realm.db, realm.clock, "test", f"person{i}", realm_roles=("offline_access",))
        response = await password_grant(realm.http, "test", "app", f"person{i}", scope="offline_access")
        assert response.status_code == 200, response.text
    for cap, shown in [(4, "4"), (3, "3+"), (2, "2+")]:
        monkeypatch.setattr(views_sessions, "COUNT_CAP", cap)
        sessions = await admin.get(f"{BASE}/test/sessions", headers=HTML, params={"type": "offline"})
        assert f"Offline ({shown})" in sessions.text and sessions.text.count('class="badge offline"') == 4
        overview = await admin.get(f"{BASE}/test/", headers=HTML)
        assert f'type=offline">{shown}</a>' in overview.text


async def test_events_are_filtered_and_a_bad_date_is_refused_in_words(realm: Env, admin: httpx.AsyncClient) -> None:
    async with realm.db.transaction() as tx:
        found = await tx.realms.get_by_name("test")
        assert found is not None
        await tx.realms.update(dataclasses.replace(found, events_enabled=True))
    await offline(realm)
    logins = await admin.get(f"{BASE}/test/events", headers=HTML, params={"type": "LOGIN", "client": "app"})
    assert logins.status_code == 200 and logins.text.count(">LOGIN</td>") == 1
    bad = await admin.get(f"{BASE}/test/events", headers=HTML, params={"dateFrom": "yesterday", "type": "NOPE"})
    assert bad.status_code == 400
    assert "From must be a date such as 2026-01-31." in bad.text and "Unknown event type &#39;NOPE&#39;." in bad.text


async def test_signing_a_user_out_everywhere_is_confirmed_and_keeps_offline_sessions(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    token = await offline(realm)
    online = await password_grant(realm.http, "test", "app")  # and a plain online session
    assert online.status_code == 200, online.text
    async with realm.db.transaction() as tx:
        found = await tx.realms.get_by_name("test")
        assert found is not None
        user = await tx.users.get_by_username(found.id, "user1")
        assert user is not None
    tab = await admin.get(f"{BASE}/test/users/{user.id}/sessions", headers=HTML)
    assert "Sessions (1)" in tab.text and "Offline sessions (1)" in tab.text
    realm.clock.advance(1)  # tokens issued before the sign-out second turn stale (iat < notBefore)
    confirm = await post(admin, f"{BASE}/test/users/{user.id}/sign-out", tab)
    assert "Sign user1 out of every browser session?" in confirm.text
    done = await post(admin, f"{BASE}/test/users/{user.id}/sign-out", confirm, **form_fields(confirm.text))
    shown = await admin.get(done.headers["location"], headers=HTML)
    assert "Sessions (0)" in shown.text and "Offline sessions (1)" in shown.text
    assert_error(await refresh(realm.http, "test", "app", token), 400, "invalid_grant", "Stale token")


async def test_the_console_signs_in_with_a_console_client_whose_tokens_carry_no_subject(realm: Env) -> None:
    """Keycloak 25+: without the ``basic`` scope an access token has no ``sub`` (a realm whose console client lost
    it, or one imported from before the scope existed). The console then knows its administrator by the token's
    session, and still refuses a user without admin roles."""
    headers = await realm.admin_headers()
    console = await client_uuid(realm, "test", "security-admin-console")
    scopes = await realm.http.get(f"/admin/realms/test/clients/{console}/default-client-scopes", headers=headers)
    basic = next(s["id"] for s in scopes.json() if s["name"] == "basic")
    removed = await realm.http.delete(
        f"/admin/realms/test/clients/{console}/default-client-scopes/{basic}", headers=headers
    )
    assert removed.status_code == 204, removed.text
    await make_admin(realm, "test", "boss", "realm-admin")
    async with client_at(realm, "127.0.0.2") as http:
        page = await sign_in(http, "boss")
        assert page.status_code == 200, page.text[:500]
        assert "boss" in page.text
    async with client_at(realm, "127.0.0.3") as http:
        page = await sign_in(http, "user1")
        assert page.status_code == 403 and "holds no administration roles in realm test" in page.text
