"""The Admin Console in headless Chromium against a real Doorkeep server: what an administrator sees and
revokes, what the realm's timeouts do to the next refresh, and what other callers are refused.

Every page visited is saved as a screenshot into the test output folder (``admin_console_support.OUTPUT``).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
import requests
from admin_console_support import (
    OTHER_CLIENT,
    PASSWORD,
    PORTAL,
    offline_token,
    refresh,
    shot,
    sign_in,
)
from page_layout import page_width
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.interop]


def open_portal_offline_access(page: Page) -> None:
    page.get_by_role("link", name="Clients", exact=True).click()
    page.get_by_label("Search by client ID").fill("portal")
    page.get_by_role("button", name="Search").click()
    page.get_by_role("link", name=PORTAL).click()
    page.get_by_role("link", name="Offline Access").click()


def test_an_administrator_revokes_an_offline_session_in_the_client_offline_access_tab(server: str, page: Page) -> None:
    token = offline_token(server)
    sign_in(page, server, "demo", "realmadmin")
    shot(page, "01-overview")
    open_portal_offline_access(page)
    row = page.get_by_role("row").filter(has_text="user1")
    expect(row).to_contain_text("127.0.0.1")
    shot(page, "05-client-offline-access")
    row.get_by_role("button", name="Revoke").first.click()
    expect(page.get_by_text("End this offline session")).to_be_visible()
    shot(page, "06-confirm-revoke-offline-session")
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("status")).to_contain_text("Offline session of user1 ended.")
    answer = refresh(server, token)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant", answer.text


def test_an_administrator_sees_the_offline_token_in_the_user_consents_tab_and_revokes_it(
    server: str, page: Page
) -> None:
    token = offline_token(server)
    sign_in(page, server, "demo", "realmadmin")
    open_portal_offline_access(page)
    expect(page.get_by_role("row").filter(has_text="user1").first).to_be_visible()  # the same session, both places
    page.get_by_role("link", name="Users", exact=True).click()
    page.get_by_label("Search users").fill("user1")
    page.get_by_role("button", name="Search").click()
    shot(page, "07-users")
    page.get_by_role("link", name="user1").click()
    consent = page.get_by_role("row").filter(has_text=PORTAL)
    expect(consent).to_contain_text("Offline Token")
    shot(page, "08-user-consents")
    page.get_by_role("link", name="Sessions").last.click()
    expect(page.get_by_role("heading", name="Offline sessions (1)")).to_be_visible()
    shot(page, "09-user-sessions")
    page.get_by_role("link", name="Consents").click()
    consent.get_by_role("button", name=f"Revoke {PORTAL}").click()
    expect(page.get_by_text("Its offline tokens stop working at once")).to_be_visible()
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("status")).to_contain_text(f"Revoked {PORTAL}")
    expect(page.get_by_text("No consents and no offline tokens.")).to_be_visible()
    answer = refresh(server, token)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant", answer.text


def test_the_sessions_tab_changes_offline_session_idle_and_the_next_refresh_obeys_it(server: str, page: Page) -> None:
    sign_in(page, server, "demo", "realmadmin")
    page.get_by_role("link", name="Realm settings").click()
    idle = page.get_by_label("Offline Session Idle", exact=True)
    expect(idle).to_have_value("30")
    expect(page.get_by_label("Offline Session Idle unit", exact=True)).to_have_value("days")
    shot(page, "02-realm-settings-sessions")
    expect(page.get_by_label("Offline Session Max", exact=True)).to_be_hidden()  # only matters when limited
    page.get_by_label("Offline Session Max Limited").check()
    expect(page.get_by_label("Offline Session Max", exact=True)).to_have_value("60")
    page.get_by_label("Offline Session Max Limited").uncheck()
    idle.fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Offline Session Idle is required.")
    shot(page, "03-realm-settings-sessions-error")
    page.get_by_label("Offline Session Idle", exact=True).fill("6")
    page.get_by_label("Offline Session Idle unit", exact=True).select_option("seconds")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Sessions settings saved.")
    expect(page.get_by_label("Offline Session Idle unit", exact=True)).to_have_value("seconds")
    try:
        token = offline_token(server)
        first = refresh(server, token)
        assert first.status_code == 200, first.text  # used within the idle time: still good
        time.sleep(8)  # past the 6 s idle time: a short realm timeout against a real server (DESIGN.md §6)
        late = refresh(server, first.json()["refresh_token"])
        assert late.status_code == 400, late.text
        assert late.json() == {"error": "invalid_grant", "error_description": "Offline session not active"}
    finally:
        page.get_by_label("Offline Session Idle", exact=True).fill("30")
        page.get_by_label("Offline Session Idle unit", exact=True).select_option("days")
        page.get_by_role("button", name="Save").click()
        expect(page.get_by_role("status")).to_contain_text("Sessions settings saved.")
    page.get_by_role("link", name="Tokens").click()
    expect(page.get_by_label("Revoke Refresh Token")).to_be_checked()
    shot(page, "04-realm-settings-tokens")


def test_revocation_sets_and_clears_not_before_after_a_confirmation(server: str, page: Page) -> None:
    token = offline_token(server)
    time.sleep(1.1)  # not-before is whole seconds: a quick sign-in could set it in the token's own second
    # The master admin's own tokens come from master, so demo's not-before leaves the console signed in.
    sign_in(page, server, "master", "admin", "admin")
    page.get_by_role("navigation", name="Realm master").get_by_role("link", name="demo").click()
    page.get_by_role("link", name="Revocation").click()
    shot(page, "10-revocation")
    page.get_by_role("button", name="Set to now").click()
    page.get_by_role("button", name="Set to now").click()  # the confirm step
    expect(page.get_by_role("status")).to_contain_text("earlier tokens no longer work")
    time.sleep(1.1)  # a token issued in the same second as not-before is still valid (iat < notBefore)
    stale = refresh(server, token)
    assert stale.json().get("error_description") == "Stale token", stale.text
    page.get_by_role("button", name="Clear").click()
    page.get_by_role("button", name="Clear").click()
    expect(page.get_by_role("status")).to_contain_text("Not-before cleared.")
    page.get_by_role("button", name="Push").click()
    page.get_by_role("button", name="Push").click()
    expect(page.get_by_role("status")).to_contain_text("nothing to push")


def test_the_realm_sessions_page_and_events_list_what_happened(server: str, page: Page) -> None:
    offline_token(server)
    sign_in(page, server, "demo", "realmadmin")
    page.get_by_role("link", name="Sessions", exact=True).click()
    expect(page.get_by_role("link", name="Online (")).to_be_visible()
    shot(page, "11-realm-sessions")
    expect(page.get_by_role("columnheader", name="Type")).to_be_visible()
    expect(page.get_by_role("cell", name="Regular SSO").first).to_be_visible()
    page.get_by_role("link", name="Offline (").click()
    row = page.get_by_role("row").filter(has_text="user1").first
    expect(row).to_be_visible()
    expect(row.get_by_role("cell", name="Offline", exact=True)).to_be_visible()
    shot(page, "12-realm-offline-sessions")
    row.get_by_role("link", name=PORTAL, exact=True).click()  # the session's client: its Offline Access tab
    expect(page).to_have_url(re.compile(r"/clients/[^/]+/offline-access$"))
    expect(page.get_by_role("row").filter(has_text="user1").first).to_be_visible()
    page.get_by_role("link", name="Events").click()
    page.get_by_label("Event type").select_option("LOGIN")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("cell", name="LOGIN", exact=True).first).to_be_visible()
    shot(page, "13-events")
    page.get_by_label("From").fill("2020-01-01")
    page.get_by_label("To").fill("2020-01-02")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_text("No events match")).to_be_visible()


def test_client_settings_show_the_secret_only_on_request_masked(server: str, page: Page) -> None:
    sign_in(page, server, "demo", "realmadmin")
    page.get_by_role("link", name="Clients", exact=True).click()
    shot(page, "14-clients")
    page.get_by_role("link", name=PORTAL).click()
    expect(page.locator("#client-secret")).to_have_count(0)  # not in the page until asked for
    page.get_by_role("button", name="Show secret").click()
    secret = page.get_by_label("Client secret")
    expect(secret).to_have_attribute("type", "password")
    expect(secret).to_have_value("password")
    shot(page, "15-client-settings")
    page.get_by_role("link", name="Advanced").click()
    page.get_by_label("Client Offline Session Idle", exact=True).fill("2")
    page.get_by_label("Client Offline Session Idle unit").select_option("hours")
    page.get_by_label("Refresh Token Max Reuse").fill("-3")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("alert")).to_contain_text("Refresh Token Max Reuse must be a whole number, 0 or more.")
    page.get_by_label("Refresh Token Max Reuse").fill("")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Advanced settings saved.")
    expect(page.get_by_label("Client Offline Session Idle", exact=True)).to_have_value("2")
    shot(page, "16-client-advanced")


def test_a_realm_administrator_of_one_realm_sees_nothing_of_another(server: str, page: Page) -> None:
    sign_in(page, server, "demo", "realmadmin")
    assert "other" not in page.get_by_role("navigation", name="Realm demo").inner_text()
    for path in ("/other/", "/other/clients", "/other/users", "/other/realm-settings/sessions"):
        response = page.goto(f"{server}/admin/demo/console{path}")
        assert response is not None and response.status == 404, path
        expect(page.get_by_role("alert")).to_have_text("Realm not found.")
        assert OTHER_CLIENT not in page.content()
    shot(page, "17-other-realm-refused")
    page.goto(f"{server}/admin/demo/console/demo/clients?search={OTHER_CLIENT}")
    expect(page.get_by_text("No client matches")).to_be_visible()


def test_a_user_without_admin_roles_is_refused_with_a_page(server: str, page: Page) -> None:
    sign_in(page, server, "demo", "nobody")
    expect(page.get_by_role("alert")).to_contain_text("holds no administration roles in realm demo")
    assert "Traceback" not in page.content()
    response = page.goto(f"{server}/admin/demo/console/demo/clients")
    assert response is not None and response.status == 403
    shot(page, "18-not-an-administrator")


def test_a_view_only_administrator_sees_read_only_forms_and_cannot_submit(server: str, page: Page) -> None:
    sign_in(page, server, "demo", "viewer")
    page.get_by_role("link", name="Realm settings").click()
    expect(page.get_by_label("Offline Session Idle", exact=True)).to_be_disabled()
    expect(page.get_by_role("button", name="Save")).to_have_count(0)
    shot(page, "19-view-only-realm-settings")
    csrf = page.locator("input[name=csrf_token]").first.get_attribute("value")
    status = page.evaluate(
        """async (csrf) => {
        const body = new URLSearchParams({csrf_token: csrf, "offlineSessionIdleTimeout": "1",
                                          "offlineSessionIdleTimeout.unit": "seconds"});
        const r = await fetch(location.pathname, {method: "POST", body});
        return r.status; }""",
        csrf,
    )
    assert status == 403
    page.reload()
    expect(page.get_by_label("Offline Session Idle", exact=True)).to_have_value("30")
    page.get_by_role("link", name="Revocation").click()
    expect(page.get_by_role("button", name="Set to now")).to_have_count(0)
    page.get_by_role("link", name="Users", exact=True).click()
    page.get_by_role("link", name="user1").click()
    expect(page.get_by_role("button", name="Revoke")).to_have_count(0)


def test_the_master_administrator_manages_every_realm(server: str, page: Page) -> None:
    sign_in(page, server, "master", "admin", "admin")
    nav = page.get_by_role("navigation", name="Realm master")
    expect(nav.get_by_role("link", name="other")).to_be_visible()
    nav.get_by_role("link", name="demo").click()
    page.get_by_role("link", name="Clients", exact=True).click()
    expect(page.get_by_role("link", name=PORTAL)).to_be_visible()
    shot(page, "20-master-admin-demo-clients")


def test_the_console_reads_on_a_phone(server: str, page: Page, tmp_path: Path) -> None:
    page.set_viewport_size({"width": 390, "height": 800})
    offline_token(server)
    sign_in(page, server, "demo", "realmadmin")
    open_portal_offline_access(page)
    width = page_width(page)
    assert width <= 400, f"the page is {width}px wide on a 390px screen"
    shot(page, "21-phone-offline-access")


def test_admin_events_are_switched_on_and_a_rest_change_shows_with_its_representation(server: str, page: Page) -> None:
    sign_in(page, server, "demo", "realmadmin")
    page.get_by_role("link", name="Events", exact=True).click()
    page.get_by_role("link", name="Admin events", exact=True).click()
    page.get_by_label("Save events").check()
    page.get_by_label("Include representation").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Admin events settings saved.")).to_be_visible()
    token = requests.post(
        f"{server}/realms/demo/protocol/openid-connect/token",
        timeout=10,
        data={"grant_type": "password", "client_id": "admin-cli", "username": "realmadmin", "password": PASSWORD},
    )
    assert token.status_code == 200, token.text
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    created = requests.post(
        f"{server}/admin/realms/demo/users", json={"username": "newbie"}, headers=headers, timeout=10
    )
    assert created.status_code == 201, created.text
    page.reload()
    row = page.get_by_role("row").filter(has_text="CREATE")
    expect(row.get_by_text("users/", exact=False)).to_be_visible()
    row.get_by_text("Show representation").click()
    expect(row.get_by_text('"username": "newbie"')).to_be_visible()
    shot(page, "admin-console-admin-events")
