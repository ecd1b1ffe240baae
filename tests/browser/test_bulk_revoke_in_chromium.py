"""The Admin Console's bulk revocation page in headless Chromium against a real Doorkeep server: an
administrator finds the offline sessions of one device label, previews them, confirms, and their offline
tokens stop working while the others keep working (docs/bulk-revocation.md)."""

from __future__ import annotations

import pytest
import requests
from admin_console_support import (
    PORTAL,
    PORTAL_SECRET,
    refresh,
    shot,
    sign_in,
)
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.interop]


def labelled_token(server: str, label: str) -> str:
    response = requests.post(
        f"{server}/realms/demo/protocol/openid-connect/token",
        timeout=10,
        data={
            "grant_type": "password",
            "client_id": PORTAL,
            "client_secret": PORTAL_SECRET,
            "username": "user1",
            "password": "password",
            "scope": "openid offline_access",
            "device_label": label,
        },
    )
    assert response.status_code == 200, response.text
    return str(response.json()["refresh_token"])


def test_an_administrator_previews_then_revokes_the_offline_sessions_of_one_device(server: str, page: Page) -> None:
    kiosk, phone = labelled_token(server, "Lobby kiosk"), labelled_token(server, "Phone")
    sign_in(page, server, "demo", "realmadmin")
    page.get_by_role("link", name="Sessions", exact=True).click()
    page.get_by_role("link", name="Offline").click()
    expect(page.get_by_text("Lobby kiosk")).to_be_visible()
    page.get_by_role("link", name="Revoke in bulk…").click()
    page.get_by_label("Device label").fill("LOBBY KIOSK")
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview: 1 offline session(s) match")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text="Lobby kiosk")).to_contain_text(PORTAL)
    shot(page, "20-bulk-revoke-preview")
    assert refresh(server, kiosk).status_code == 200  # the preview ended nothing
    page.get_by_role("button", name="Revoke 1 offline session(s)").click()
    expect(page.get_by_text("End the 1 offline session(s) matching these criteria?")).to_be_visible()
    page.get_by_role("button", name="Revoke").click()
    expect(page.get_by_role("status")).to_contain_text("Ended 1 offline session(s).")
    answer = refresh(server, kiosk)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant", answer.text
    assert refresh(server, phone).status_code == 200


def test_an_administrator_follows_a_client_count_to_its_offline_tab_and_sets_its_not_before(
    server: str, page: Page
) -> None:
    token = labelled_token(server, "Backup job")
    sign_in(page, server, "demo", "realmadmin")
    page.get_by_role("link", name="Sessions", exact=True).click()
    page.get_by_role("link", name="By client").click()
    count = page.get_by_role("link", name=f"offline sessions of {PORTAL}")
    expect(count).to_be_visible()
    shot(page, "21-sessions-by-client")
    count.click()
    expect(page.get_by_role("link", name="Revoke all of this client's offline sessions…")).to_be_visible()
    expect(page.get_by_text("Backup job")).to_be_visible()
    page.get_by_role("link", name="Advanced").click()
    expect(page.get_by_role("heading", name="Revocation")).to_be_visible()
    page.get_by_role("button", name="Set to now").focus()
    page.keyboard.press("Enter")  # the buttons work from the keyboard, the confirm step too
    expect(page.get_by_text(f"Every token of {PORTAL} issued before now stops working")).to_be_visible()
    page.get_by_role("button", name="Set to now").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(f"Not-before of {PORTAL} set to now")
    shot(page, "22-client-revocation")
    answer = refresh(server, token)
    assert answer.status_code == 400 and answer.json()["error"] == "invalid_grant", answer.text
    page.get_by_role("button", name="Clear").click()
    page.get_by_role("button", name="Clear").click()
    expect(page.get_by_role("status")).to_contain_text(f"Not-before of {PORTAL} cleared.")
