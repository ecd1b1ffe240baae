"""The Account Console against the Account REST API in headless Chromium, for a user holding two offline sessions of
two clients and one online session (a real ``doorkeep start-dev`` with the demo realm and a second client).

The console's Applications and Devices pages list what ``GET /account/applications`` and
``GET /account/sessions/devices`` answer; signing the online device out and removing one application's access
in the console end exactly what the REST API then stops listing: the signed-out session's refresh token and the
removed application's offline token are refused with Keycloak's ``invalid_grant``, the other application's offline
token still refreshes (KEYCLOAK.md §4's "Session not active" and "Offline user session not found"). Each REST read uses a token of its own session, logged out right after.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from playwright.sync_api import Page, ViewportSize, expect

from interop.server import DoorkeepProcess

pytestmark = [pytest.mark.browser, pytest.mark.interop]
HERE = Path(__file__).parent
DEMO = HERE.parents[1] / "examples" / "demo-realm.json"
PORTAL, AGENT = "offline-access-portal", "backup-agent"
SECRETS = {PORTAL: "password", AGENT: "agent-secret"}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DoorkeepProcess]:
    work = tmp_path_factory.mktemp("account-two-clients")
    realm = json.loads(DEMO.read_text())
    agent = {"clientId": AGENT, "name": "Backup Agent", "secret": SECRETS[AGENT], "directAccessGrantsEnabled": True}
    realm["clients"].append(agent)
    (work / "demo-realm.json").write_text(json.dumps(realm))
    process = DoorkeepProcess(work / "server", import_realms=[work / "demo-realm.json"])
    process.start()
    yield process
    process.stop()


@pytest.fixture
def viewport() -> ViewportSize:
    return {"width": 1100, "height": 800}


def _endpoint(server: DoorkeepProcess, name: str) -> str:
    return f"http://localhost:{server.port}/realms/demo/protocol/openid-connect/{name}"


def grant(server: DoorkeepProcess, client_id: str, scope: str = "openid") -> dict[str, Any]:
    form = {"grant_type": "password", "username": "user1", "password": "password", "scope": scope}
    form |= {"client_id": client_id, "client_secret": SECRETS[client_id]}
    response = requests.post(_endpoint(server, "token"), data=form, timeout=10)
    assert response.status_code == 200, response.text
    return dict(response.json())


def refresh(server: DoorkeepProcess, client_id: str, token: str) -> requests.Response:
    form = {"grant_type": "refresh_token", "refresh_token": token}
    form |= {"client_id": client_id, "client_secret": SECRETS[client_id]}
    return requests.post(_endpoint(server, "token"), data=form, timeout=10)


def rest(server: DoorkeepProcess, path: str) -> Any:
    """One Account REST read with a session of its own, which is logged out afterwards (so that it is not listed)."""
    reader = grant(server, PORTAL)
    headers = {"Authorization": f"Bearer {reader['access_token']}", "Accept": "application/json"}
    response = requests.get(f"http://localhost:{server.port}/realms/demo/account/{path}", headers=headers, timeout=10)
    assert response.status_code == 200, response.text
    form = {"refresh_token": reader["refresh_token"], "client_id": PORTAL, "client_secret": SECRETS[PORTAL]}
    assert requests.post(_endpoint(server, "logout"), data=form, timeout=10).status_code == 204
    return response.json()


def rest_sessions(server: DoorkeepProcess) -> dict[str, list[str]]:
    """``GET /account/sessions/devices``: each session id with its clients' ids, but the reader's own (current)."""
    devices = rest(server, "sessions/devices")
    listed = [s for d in devices for s in d["sessions"]]
    assert sum(bool(s.get("current")) for s in listed) == 1
    return {s["id"]: sorted(c["clientId"] for c in s["clients"]) for s in listed if not s.get("current")}


def rest_offline_clients(server: DoorkeepProcess) -> set[str]:
    return {a["clientId"] for a in rest(server, "applications") if a["offlineAccess"]}


def invalid_grant(description: str) -> dict[str, str]:
    return {"error": "invalid_grant", "error_description": description}


def sign_in(page: Page, server: DoorkeepProcess, path: str) -> None:
    page.goto(f"http://localhost:{server.port}/realms/demo/account{path}")
    page.wait_for_selector("#username", timeout=15000)
    page.fill("#username", "user1")
    page.fill("#password", "password")
    page.click("#kc-login")
    expect(page.get_by_role("button", name="Sign out")).to_be_visible(timeout=15000)


def sign_out_link(page: Page, kind: str, session_id: str) -> Any:
    return page.locator(f"a[href$='/{kind}/{session_id}/sign-out']")


def test_the_console_shows_and_ends_what_the_account_rest_api_lists(page: Page, server: DoorkeepProcess) -> None:
    portal = grant(server, PORTAL, "openid offline_access")
    agent = grant(server, AGENT, "openid offline_access")
    online = grant(server, AGENT)
    sessions = rest_sessions(server)
    assert sessions == {
        portal["session_state"]: [PORTAL],
        agent["session_state"]: [AGENT],
        online["session_state"]: [AGENT],
    }
    assert rest_offline_clients(server) == {PORTAL, AGENT}

    sign_in(page, server, "/applications")
    for name in ("Offline Access Portal", "Backup Agent"):
        card = page.locator("section.application", has=page.get_by_role("heading", name=name))
        expect(card.locator(".badge.offline")).to_be_visible()
        expect(card.get_by_role("link", name=f"Remove access of {name}")).to_be_visible()

    page.get_by_role("link", name="Devices").click()
    expect(sign_out_link(page, "online", online["session_state"])).to_be_visible()
    for offline in (portal, agent):
        expect(sign_out_link(page, "offline", offline["session_state"])).to_be_visible()
    sign_out_link(page, "online", online["session_state"]).click()
    page.get_by_role("button", name="Sign out", exact=True).last.click()
    expect(page.get_by_role("status")).to_have_text("Signed out.")
    expect(sign_out_link(page, "online", online["session_state"])).to_have_count(0)
    assert online["session_state"] not in rest_sessions(server)
    refused = refresh(server, AGENT, online["refresh_token"])
    assert (refused.status_code, refused.json()) == (400, invalid_grant("Session not active"))

    page.get_by_role("link", name="Applications").click()
    page.get_by_role("link", name="Remove access of Backup Agent").click()
    page.get_by_role("button", name="Remove access").click()
    expect(page.get_by_role("status")).to_have_text(f"Access of {AGENT} removed.")
    agent_card = page.locator("section.application", has=page.get_by_role("heading", name="Backup Agent"))
    expect(agent_card.locator(".badge.offline")).to_have_count(0)
    assert rest_offline_clients(server) == {PORTAL}
    left = rest_sessions(server)  # the portal's offline session and the console's own browser session
    assert agent["session_state"] not in left and left[portal["session_state"]] == [PORTAL]
    refused = refresh(server, AGENT, agent["refresh_token"])  # its offline session had no other client: gone
    assert (refused.status_code, refused.json()) == (400, invalid_grant("Offline user session not found"))
    assert refresh(server, PORTAL, portal["refresh_token"]).status_code == 200
