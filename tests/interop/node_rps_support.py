"""The realm, the node apps and the browser steps of tests/interop/test_node_rps.py (Doorkeep's login and consent
forms played with httpx)."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx

from browser_flow import form_action, form_fields
from interop.server import DoorkeepProcess

REALM = "node-rps"
APP_DIR = Path(__file__).resolve().parents[1] / "node_rps"
PASSWORD = {"alice": "alice-password", "carol": "carol-password", "dave": "dave-password"}
# the app script of each client (tests/node_rps), started with the client id and secret(client id)
APPS = {
    "authjs-app": "authjs_app.mjs",
    "passport-app": "passport_openidconnect_app.mjs",
    "openid-client-app": "openid_client_passport_app.mjs",
}


def secret(client_id: str) -> str:
    return f"{client_id}-secret"


def realm(urls: dict[str, str]) -> dict[str, Any]:
    """One confidential client per app (consent required; Auth.js's access tokens live two seconds so that it
    refreshes), events on, used refresh tokens revoked; alice, carol and dave may have offline tokens."""
    lifespan = {"authjs-app": {"access.token.lifespan": "2"}}
    clients = [
        {
            "clientId": c,
            "secret": secret(c),
            "rootUrl": url,
            "redirectUris": [f"{url}/*"],
            "consentRequired": True,
            "attributes": {"post.logout.redirect.uris": "+", **lifespan.get(c, {})},
        }
        for c, url in urls.items()
    ]
    users = [
        {
            "username": name,
            "enabled": True,
            "emailVerified": True,
            "email": f"{name}@example.com",
            "firstName": name.capitalize(),
            "lastName": "Liddell",
            "realmRoles": [f"default-roles-{REALM}"],
            "credentials": [{"type": "password", "value": PASSWORD[name], "temporary": False}],
        }
        for name in PASSWORD
    ]
    events = {"eventsEnabled": True, "enabledEventTypes": ["CODE_TO_TOKEN_ERROR", "LOGIN_ERROR", "REFRESH_TOKEN"]}
    return {"realm": REALM, "enabled": True, "revokeRefreshToken": True, **events, "clients": clients, "users": users}


@dataclass
class Setup:
    doorkeep: DoorkeepProcess
    urls: dict[str, str]  # client id -> its app's URL
    logs: dict[str, Path]

    @property
    def issuer(self) -> str:
        return f"{self.doorkeep.base_url}/realms/{REALM}"

    def admin(self) -> httpx.Client:
        headers = {"Authorization": f"Bearer {self.doorkeep.admin_token()}"}
        return httpx.Client(base_url=f"{self.doorkeep.base_url}/admin/realms/{REALM}", headers=headers, timeout=15)

    def failure(self, what: str) -> str:
        """A failure message with the apps' output (their errors) and the end of Doorkeep's log."""
        apps = "\n".join(f"--- {c} ---\n{log.read_text()[-3000:]}" for c, log in self.logs.items())
        return f"{what}\n{apps}\n--- doorkeep log ---\n{self.doorkeep.output()[-4000:]}"

    def user_id(self, admin: httpx.Client, username: str) -> str:
        return str(admin.get("/users", params={"username": username, "exact": "true"}).json()[0]["id"])

    def client_uuid(self, admin: httpx.Client, client_id: str) -> str:
        return str(admin.get("/clients", params={"clientId": client_id}).json()[0]["id"])

    def events(self, client_id: str, type_: str) -> list[dict[str, Any]]:
        with self.admin() as admin:
            found = admin.get("/events", params={"client": client_id, "type": type_})
        assert found.status_code == 200, found.text
        return list(found.json())


def start_app(script: str, issuer: str, port: int, client_id: str, log: Path) -> subprocess.Popen[str]:
    node = shutil.which("node")
    assert node is not None, "node is needed: Debian's nodejs, and `make node` for the npm packages"
    assert (APP_DIR / "node_modules" / "@auth" / "express").is_dir(), "run `make node` (tests/node_rps)"
    with log.open("w") as err:  # the child keeps its own copy of the file
        return subprocess.Popen(
            [node, script, issuer, str(port), client_id, secret(client_id)],
            cwd=APP_DIR,
            stdout=subprocess.PIPE,
            stderr=err,
            text=True,
        )


def claims(jwt: str) -> dict[str, Any]:
    body = jwt.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))))


def browser() -> httpx.Client:
    return httpx.Client(timeout=15)


def query_of(url: str) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def through_doorkeep(setup: Setup, b: httpx.Client, to_doorkeep: httpx.Response, username: str, consent: str) -> str:
    """Follow the app's redirect to Doorkeep's authorization endpoint, sign in, answer the consent page if it shows
    (``accept`` or ``cancel``): the URL Doorkeep sends the browser back to."""
    assert to_doorkeep.status_code in (302, 303), setup.failure(to_doorkeep.text[:500])
    location = to_doorkeep.headers["location"]
    assert location.startswith(f"{setup.issuer}/protocol/openid-connect/auth?"), location
    form = b.get(location)
    assert form.status_code == 200 and 'name="password"' in form.text, form.text[:500]
    fields = {**form_fields(form.text), "username": username, "password": PASSWORD[username]}
    page = b.post(form_action(form.text), data=fields)
    while page.status_code == 302 and page.headers["location"].startswith(setup.doorkeep.base_url):
        page = b.get(page.headers["location"])  # the consent page, a required action of the login
        if page.status_code == 200 and 'name="accept"' in page.text:
            page = b.post(form_action(page.text), data={**form_fields(page.text), consent: "yes"})
    assert page.status_code == 302, setup.failure(page.text[:500])
    return str(page.headers["location"])
