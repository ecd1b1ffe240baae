"""The Account Console in headless Chromium against a real ``doorkeep start-dev`` process with the demo realm.

A user with an offline token (from a password grant with ``scope=offline_access``) signs in through
Doorkeep's login page, sees the application's offline access, removes it, and the offline token then
refuses to refresh; the devices page signs a session out; personal info shows validation errors in
words; an action without its CSRF token is refused; a page without a session goes to the login.
Every page is saved as a screenshot under ``tests/artifacts/screenshots/``.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from page_layout import page_width
from playwright.sync_api import Browser, Page, ViewportSize, expect

from interop.server import DoorkeepProcess

pytestmark = [pytest.mark.browser, pytest.mark.interop]
HERE = Path(__file__).parent
DEMO = HERE.parents[1] / "examples" / "demo-realm.json"
SHOTS = HERE.parent / "artifacts" / "screenshots"
PORTAL = "offline-access-portal"


def session_id(token: str) -> str:
    """The ``sid`` claim of a token (its payload read without checking the signature)."""
    payload = token.split(".")[1]
    return str(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["sid"])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DoorkeepProcess]:
    work = tmp_path_factory.mktemp("account-console")
    realm = json.loads(DEMO.read_text())
    (work / "demo-realm.json").write_text(json.dumps(realm))
    process = DoorkeepProcess(work / "server", import_realms=[work / "demo-realm.json"])
    process.start()
    yield process
    process.stop()


@pytest.fixture
def viewport() -> ViewportSize:
    return {"width": 1100, "height": 800}


def token_url(server: DoorkeepProcess) -> str:
    return f"http://localhost:{server.port}/realms/demo/protocol/openid-connect/token"


def password_grant(server: DoorkeepProcess, scope: str = "openid") -> dict[str, str]:
    response = requests.post(
        token_url(server),
        timeout=10,
        data={
            "grant_type": "password",
            "client_id": PORTAL,
            "client_secret": "password",
            "username": "user1",
            "password": "password",
            "scope": scope,
        },
        headers={"User-Agent": "backup-job/1.0 (X11; Linux x86_64)"},
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def refresh(server: DoorkeepProcess, token: str) -> requests.Response:
    return requests.post(
        token_url(server),
        timeout=10,
        data={"grant_type": "refresh_token", "client_id": PORTAL, "client_secret": "password", "refresh_token": token},
    )


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"account-{name}.png"), full_page=True)


def sign_in(page: Page, server: DoorkeepProcess, path: str) -> None:
    page.goto(f"http://localhost:{server.port}/realms/demo/account{path}")
    page.wait_for_selector("#username", timeout=15000)
    shot(page, "login")
    page.fill("#username", "user1")
    page.fill("#password", "password")
    page.click("#kc-login")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=15000)


def test_a_user_sees_an_offline_grant_removes_it_and_the_token_stops_refreshing(
    page: Page, server: DoorkeepProcess
) -> None:
    offline = password_grant(server, "openid offline_access")["refresh_token"]
    sign_in(page, server, "/applications")
    expect(page.get_by_role("heading", name="Applications", level=1)).to_be_visible()
    card = page.locator("section.application", has_text=PORTAL)
    expect(card.get_by_text("Offline access", exact=True).first).to_be_visible()
    expect(card.get_by_text("127.0.0.1")).to_be_visible()
    expect(card.get_by_text("offline_access")).to_be_visible()
    shot(page, "applications")
    card.get_by_role("link", name="Remove access of Offline Access Portal").click()
    expect(page.get_by_text(f"Remove the access of {PORTAL}?")).to_be_visible()
    shot(page, "remove-access-confirm")
    page.get_by_role("button", name="Remove access").click()
    expect(page.get_by_role("status")).to_have_text(f"Access of {PORTAL} removed.")
    shot(page, "applications-removed")
    response = refresh(server, offline)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant", response.text


def test_the_devices_page_signs_another_session_out(page: Page, server: DoorkeepProcess) -> None:
    other = password_grant(server)["refresh_token"]
    password_grant(server, "openid offline_access")
    sign_in(page, server, "/")
    page.get_by_role("link", name="Devices").click()
    expect(page.get_by_role("heading", name="Offline sessions")).to_be_visible()
    expect(page.get_by_text("This session")).to_be_visible()
    shot(page, "devices")
    # The module's earlier tests left sessions of the same user, started within the same second as this
    # one at times: the link is picked by the session it ends, not by its place in the list.
    page.locator(f"a[href$='/online/{session_id(other)}/sign-out']").click()
    expect(page.get_by_text("Sign out this session?")).to_be_visible()
    page.get_by_role("button", name="Sign out", exact=True).last.click()
    expect(page.get_by_role("status")).to_have_text("Signed out.")
    response = refresh(server, other)
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant", response.text


def test_personal_info_shows_keycloaks_validation_error_in_words(page: Page, server: DoorkeepProcess) -> None:
    sign_in(page, server, "/")
    expect(page.get_by_role("heading", name="Personal info")).to_be_visible()
    shot(page, "personal-info")
    page.get_by_label("Email").fill("not-an-email")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Invalid email address.")).to_be_visible()
    expect(page.get_by_label("Email")).to_have_attribute("aria-invalid", "true")
    shot(page, "personal-info-error")
    page.get_by_label("Email").fill("ada@example.com")
    page.get_by_label("First name").fill("Ada")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status")).to_have_text("Your account has been updated.")


def test_an_action_without_its_csrf_token_is_refused(page: Page, server: DoorkeepProcess) -> None:
    sign_in(page, server, "/")
    base = f"http://localhost:{server.port}"
    response = page.request.post(
        f"{base}/realms/demo/account/applications/{PORTAL}/remove",
        form={"confirm": "yes"},
        headers={"Origin": base},
        max_redirects=0,
    )
    assert response.status == 403
    assert "did not come from this page" in response.text()


def test_a_page_without_a_session_redirects_to_the_login_page(page: Page, server: DoorkeepProcess) -> None:
    page.goto(f"http://localhost:{server.port}/realms/demo/account/account-security/device-activity")
    page.wait_for_selector("#username", timeout=15000)
    assert "/realms/demo/protocol/openid-connect/auth" in page.url
    assert "code_challenge_method=S256" in page.url


def test_signing_out_ends_the_browser_session_and_returns_to_the_login(page: Page, server: DoorkeepProcess) -> None:
    sign_in(page, server, "/")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_selector("#username", timeout=15000)
    page.goto(f"http://localhost:{server.port}/realms/demo/account/")
    page.wait_for_selector("#username", timeout=15000)  # no SSO left: the login form again


def test_the_console_is_readable_on_a_phone(browser: Browser, server: DoorkeepProcess) -> None:
    context = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
    try:
        page = context.new_page()
        password_grant(server, "openid offline_access")
        sign_in(page, server, "/applications")
        width = page_width(page)
        assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
        shot(page, "applications-phone")
        page.get_by_role("link", name="Devices").click()
        expect(page.get_by_role("heading", name="Devices", level=1)).to_be_visible()
        width = page_width(page)
        assert width <= 390, f"the devices page scrolls sideways on a phone ({width}px)"
        shot(page, "devices-phone")
    finally:
        context.close()
