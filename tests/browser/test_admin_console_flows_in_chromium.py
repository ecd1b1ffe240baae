"""Authentication → Flows of the Admin Console in headless Chromium against a real Doorkeep server: an
administrator duplicates the browser flow, sets a step's requirement and binds the copy as the realm's browser
flow, as in Keycloak's console; the realm then names the copy (the Admin REST API, as that administrator).

Every page visited is saved as a screenshot into the test output folder (``admin_console_support.OUTPUT``).
"""

from __future__ import annotations

import pytest
import requests
from admin_console_support import PASSWORD, shot, sign_in
from page_layout import page_width
from playwright.sync_api import Page, expect

pytestmark = [pytest.mark.browser, pytest.mark.interop]
COPY = "browser with otp"


def realm_as_admin(server: str) -> dict[str, object]:
    """``GET /admin/realms/demo`` with the realm administrator's token."""
    token = requests.post(
        f"{server}/realms/demo/protocol/openid-connect/token",
        timeout=10,
        data={"grant_type": "password", "client_id": "admin-cli", "username": "realmadmin", "password": PASSWORD},
    )
    assert token.status_code == 200, token.text
    headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
    response = requests.get(f"{server}/admin/realms/demo", headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    found: dict[str, object] = response.json()
    return found


def test_an_administrator_duplicates_the_browser_flow_sets_a_requirement_and_binds_it(server: str, page: Page) -> None:
    sign_in(page, server, "demo", "realmadmin")
    page.get_by_role("link", name="Authentication", exact=True).click()
    expect(page.get_by_role("link", name="Flows", exact=True)).to_have_attribute("aria-current", "page")
    browser = page.get_by_role("row").filter(has=page.get_by_role("link", name="browser", exact=True))
    expect(browser).to_contain_text("Browser flow")
    expect(browser).to_contain_text("Built-in")
    assert page_width(page) <= 1200
    shot(page, "flows-01-list")

    browser.get_by_role("link", name="Duplicate browser").click()
    expect(page.get_by_label("Name")).to_have_value("Copy of browser")
    page.get_by_label("Name").fill(COPY)
    shot(page, "flows-02-duplicate")
    page.get_by_role("button", name="Duplicate").click()
    expect(page.get_by_role("status")).to_contain_text("Flow successfully duplicated")
    expect(page.get_by_role("heading", name=COPY)).to_be_visible()
    expect(page.get_by_text("Not in use").first).to_be_visible()

    requirement = page.get_by_label("Requirement of OTP Form", exact=True)
    expect(requirement).to_have_value("ALTERNATIVE")
    requirement.select_option("REQUIRED")
    page.get_by_role("button", name="Set requirement of OTP Form").click()
    expect(page.get_by_role("status")).to_contain_text("Flow successfully updated")
    expect(page.get_by_label("Requirement of OTP Form", exact=True)).to_have_value("REQUIRED")
    shot(page, "flows-03-requirement-set")

    page.get_by_role("link", name="Bind flow").click()
    page.get_by_label("Choose binding type").select_option("browserFlow")
    shot(page, "flows-04-bind")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_contain_text("Flow successfully updated")
    expect(page.get_by_role("link", name="Bind flow")).to_have_count(0)
    shot(page, "flows-05-bound")

    page.get_by_role("navigation", name="Authentication").get_by_role("link", name="Flows").click()
    bound = page.get_by_role("row").filter(has=page.get_by_role("link", name=COPY, exact=True))
    expect(bound).to_contain_text("Browser flow")
    shot(page, "flows-06-list-bound")
    assert realm_as_admin(server)["browserFlow"] == COPY
