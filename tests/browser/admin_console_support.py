"""Shared pieces of the Admin Console browser tests: the realms, signing in, screenshots, token calls."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from playwright.sync_api import Page

from interop.server import DoorkeepProcess

HERE = Path(__file__).parent
REPO = HERE.parents[1]
DEMO = REPO / "examples" / "demo-realm.json"
OUTPUT = HERE.parent / "artifacts" / "screenshots" / "admin-console"  # the browser tests' output folder
PORTAL, PORTAL_SECRET = "offline-access-portal", "password"
PASSWORD = "Secret-Pass-1"
OTHER_CLIENT = "other-realm-secret-app"


def person(username: str, management: list[str] | None = None) -> dict[str, Any]:
    """A user of the realm file with a password and, optionally, realm-management roles."""
    out: dict[str, Any] = {
        "username": username,
        "enabled": True,
        "email": f"{username}@example.com",
        "emailVerified": True,
        "firstName": username.capitalize(),
        "lastName": "Tester",
        "credentials": [{"type": "password", "value": PASSWORD, "temporary": False}],
        "realmRoles": ["default-roles-{realm}"],
    }
    if management:
        out["clientRoles"] = {"realm-management": management}
    return out


def realm_files(tmp_path: Path) -> list[Path]:
    """The demo realm with events on and three console users, and a second realm with its own admin."""
    demo = json.loads(DEMO.read_text())
    demo["eventsEnabled"] = True
    demo["users"] = [
        *demo["users"],
        person("realmadmin", ["realm-admin"]),
        person("viewer", ["view-realm", "view-clients", "view-users", "view-events"]),
        person("nobody"),
    ]
    other: dict[str, Any] = {  # realm-export JSON, as json.loads gives the demo realm
        "realm": "other",
        "enabled": True,
        "clients": [{"clientId": OTHER_CLIENT, "secret": "other-secret", "directAccessGrantsEnabled": True}],
        "users": [person("otheradmin", ["realm-admin"])],
    }
    paths = []
    for realm in (demo, other):
        realm = copy.deepcopy(realm)
        for user in realm["users"]:
            user["realmRoles"] = [r.replace("{realm}", realm["realm"]) for r in user.get("realmRoles", [])]
        path = tmp_path / f"{realm['realm']}-realm.json"
        path.write_text(json.dumps(realm))
        paths.append(path)
    return paths


def shot(page: Page, name: str) -> Path:
    """A full-page screenshot into the test output folder."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    path = OUTPUT / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Page, server: str, realm: str, username: str, password: str = PASSWORD) -> None:
    """Open the realm's Admin Console and sign in through Doorkeep's login page."""
    page.goto(f"{server}/admin/{realm}/console/")
    page.wait_for_selector("#username", timeout=15000)
    page.fill("#username", username)
    if page.locator("#password").count() == 0:  # identity-first (the realm has organizations): password next
        page.click("#kc-login")
        page.wait_for_selector("#password", timeout=15000)
    page.fill("#password", password)
    page.click("#kc-login")
    page.wait_for_url(re.compile(rf".*/admin/{realm}/console/.*"), timeout=30000)


def master_token(server: str) -> dict[str, str]:
    """The Authorization header of the master realm's admin (admin-cli, password grant)."""
    form = {"grant_type": "password", "client_id": "admin-cli", "username": "admin", "password": "admin"}
    answer = requests.post(f"{server}/realms/master/protocol/openid-connect/token", data=form, timeout=10)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def offline_token(server: str, username: str = "user1", password: str = "password") -> str:
    """An offline token of the demo portal for ``username`` (direct grant, as the seeds' curl does)."""
    response = requests.post(
        f"{server}/realms/demo/protocol/openid-connect/token",
        timeout=10,
        data={
            "grant_type": "password",
            "client_id": PORTAL,
            "client_secret": PORTAL_SECRET,
            "username": username,
            "password": password,
            "scope": "openid offline_access",
        },
    )
    assert response.status_code == 200, response.text
    return str(response.json()["refresh_token"])


def refresh(server: str, token: str) -> requests.Response:
    return requests.post(
        f"{server}/realms/demo/protocol/openid-connect/token",
        timeout=10,
        data={
            "grant_type": "refresh_token",
            "client_id": PORTAL,
            "client_secret": PORTAL_SECRET,
            "refresh_token": token,
        },
    )


@contextmanager
def console_server(tmp: Path) -> Iterator[str]:
    """A real server with the console test realms, as ``http://localhost:PORT`` (a secure origin)."""
    process = DoorkeepProcess(tmp / "server", import_realms=realm_files(tmp))
    process.start()
    try:
        yield f"http://localhost:{process.port}"
    finally:
        process.stop()
