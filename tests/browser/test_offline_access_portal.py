"""The documents' offline-access demo, end to end in headless Chromium against real processes.

Doorkeep (demo realm), the backup service and the portal each run as their own process on 127.0.0.1, started
with the same commands as ``make demo``. Screenshots go to ``tests/artifacts/screenshots/offline-access-portal/``.
"""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from chromium_support import chromium_page
from playwright.sync_api import Page, expect

from interop.server import DEMO_REALM, DoorkeepProcess, free_port
from offline_portal import launch

pytestmark = [pytest.mark.browser, pytest.mark.interop]
SHOTS = Path(__file__).resolve().parents[1] / "artifacts" / "screenshots" / "offline-access-portal"


@pytest.fixture
def doorkeep(tmp_path: Path) -> Iterator[DoorkeepProcess]:
    process = DoorkeepProcess(tmp_path / "doorkeep", import_realms=[DEMO_REALM])
    process.start()
    yield process
    process.stop()


@pytest.fixture
def portal(tmp_path: Path, doorkeep: DoorkeepProcess) -> Iterator[str]:
    """The backup service and the portal as processes; the portal's base URL."""
    backup_port, portal_port = free_port(), free_port()
    backup_url = f"http://127.0.0.1:{backup_port}"
    processes: list[subprocess.Popen[bytes]] = []
    SHOTS.mkdir(parents=True, exist_ok=True)
    with (SHOTS / "apps.log").open("wb") as log:
        try:
            processes.append(
                launch.start(
                    launch.app_command("backup_service.app:from_environment", backup_port),
                    launch.backup_env(doorkeep.base_url),
                    log,
                )
            )
            launch.wait_until_up(f"{backup_url}/backups", processes[-1])
            processes.append(
                launch.start(
                    launch.app_command("offline_portal.app:from_environment", portal_port),
                    launch.portal_env(doorkeep.base_url, portal_port, backup_url, tmp_path / "tokens"),
                    log,
                )
            )
            launch.wait_until_up(f"http://127.0.0.1:{portal_port}/", processes[-1])
            yield f"http://127.0.0.1:{portal_port}"
        finally:
            for process in reversed(processes):
                launch.stop(process)


@pytest.fixture
def page() -> Iterator[Page]:
    with chromium_page(900, 700) as opened:
        yield opened


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def run_backup(page: Page) -> str:
    page.get_by_role("button", name="Run backup now").click()
    page.wait_for_selector("#outcome")
    return page.inner_text("#outcome")


def assert_no_token_shown(page: Page, store: Path) -> None:
    """The page and the portal's cookies carry none of the tokens the portal holds."""
    [record] = [json.loads(p.read_text()) for p in store.glob("*.json")]
    shown = page.content() + json.dumps(page.context.cookies())
    for token in (record["refresh_token"], record["access_token"]):
        assert token and token not in shown and token.split(".")[1] not in shown


def remove_access_in_account_console(page: Page, doorkeep: DoorkeepProcess) -> None:
    """The user signs in to the Account Console and removes the portal's access (applications, Remove access)."""
    page.goto(f"http://localhost:{doorkeep.port}/realms/demo/account/applications")
    page.wait_for_selector("#username", timeout=15000)
    page.fill("#username", "user1")
    page.fill("#password", "password")
    page.click("#kc-login")
    card = page.locator("section.application", has_text="offline-access-portal")
    expect(card.get_by_text("Offline access", exact=True).first).to_be_visible(timeout=15000)
    shot(page, "06a-account-console-applications")
    card.get_by_role("link", name="Remove access of Offline Access Portal").click()
    page.get_by_role("button", name="Remove access").click()
    expect(page.get_by_role("status")).to_have_text("Access of offline-access-portal removed.")


def test_the_portal_backs_up_after_logout_and_restart_and_fails_clearly_once_access_is_revoked(
    page: Page,
    portal: str,
    doorkeep: DoorkeepProcess,
    tmp_path: Path,
) -> None:
    page.goto(portal + "/")
    shot(page, "01-portal")
    page.get_by_role("link", name="Log in with offline access").click()
    page.wait_for_selector("#username")
    assert "scope=openid+offline_access" in page.url and "code_challenge_method=S256" in page.url
    page.fill("#username", "user1")
    page.fill("#password", "password")
    shot(page, "02-doorkeep-login")
    page.click("#kc-login")
    page.wait_for_selector("#held")
    assert "Signed in as user1" in page.inner_text("main")
    assert "an offline token (no expiry)" in page.inner_text("#held")
    assert "offline_access" in page.inner_text("#scopes").split()
    shot(page, "03-holding-offline-access")
    assert_no_token_shown(page, tmp_path / "tokens")

    page.get_by_role("link", name="Log out of Doorkeep").click()
    page.wait_for_selector("#logged-out")
    shot(page, "04-logged-out-of-doorkeep")
    first = run_backup(page)
    assert first == "Backup #1 of user1 done.", first
    assert page.inner_text("#refresh-count").startswith("1 time")
    shot(page, "05-backup-after-logout")
    assert_no_token_shown(page, tmp_path / "tokens")

    doorkeep.stop()
    doorkeep.start()
    second = run_backup(page)
    assert second == "Backup #2 of user1 done.", second
    assert page.inner_text("#refresh-count").startswith("2 times")

    remove_access_in_account_console(page, doorkeep)
    page.goto(portal + "/")
    third = run_backup(page)
    assert third == "Backup failed: offline access was revoked — log in again.", third
    assert page.inner_text("#held") == "The portal holds no offline token for you."
    page.get_by_role("link", name="Log in with offline access").wait_for()
    shot(page, "06-backup-after-revocation")

    page.get_by_role("link", name="Log in with offline access").first.click()
    page.wait_for_selector("#username")  # the Doorkeep SSO session really ended at the logout


def test_stop_backups_revokes_the_portals_offline_access_after_a_confirmation(
    page: Page,
    portal: str,
    doorkeep: DoorkeepProcess,
    tmp_path: Path,
) -> None:
    page.goto(portal + "/")
    page.get_by_role("link", name="Log in with offline access").click()
    page.fill("#username", "user1")
    page.fill("#password", "password")
    page.click("#kc-login")
    page.wait_for_selector("#held")
    [record] = [json.loads(p.read_text()) for p in (tmp_path / "tokens").glob("*.json")]
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Stop backups (revoke offline access)").click()
    page.wait_for_selector("#outcome")
    assert page.inner_text("#outcome") == "Backups stopped: the portal revoked its offline access and forgot the token."
    assert page.inner_text("#held") == "The portal holds no offline token for you."
    refused = httpx.post(
        f"{doorkeep.base_url}/realms/demo/protocol/openid-connect/token",
        data={
            "grant_type": "refresh_token",
            "client_id": "offline-access-portal",
            "client_secret": "password",
            "refresh_token": record["refresh_token"],
        },
    )
    assert refused.json()["error"] == "invalid_grant"
    shot(page, "07-backups-stopped")
