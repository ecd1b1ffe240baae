"""Front-channel logout in a real Chromium: the browser signs in to two front-channel clients, logs out
(confirming, as without an ``id_token_hint``), and the logout page's hidden iframes really load both
clients' logout URLs, with ``sid`` and ``iss``, before the page continues to the post-logout redirect.
So the page's CSP ``frame-src`` lets the clients' origin in, as Keycloak's FrontChannelLogoutHandler makes it.

Doorkeep runs on http://localhost:<port>; both clients live on one plain HTTP server on 127.0.0.1 that
records every request it gets.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from chromium_support import chromium_page
from playwright.sync_api import Page

from interop.server import DoorkeepProcess

pytestmark = [pytest.mark.browser, pytest.mark.interop]
DOORKEEP_PORT = 18851
RP_PORT = 18852
RP = f"http://127.0.0.1:{RP_PORT}"


@dataclass
class Recorder:
    """The clients' server: every GET it answered, as (path, query parameters)."""

    hits: list[tuple[str, dict[str, list[str]]]] = field(default_factory=list)

    def paths(self) -> list[str]:
        return [path for path, _ in self.hits]

    def query(self, path: str) -> dict[str, list[str]]:
        return next(query for hit, query in self.hits if hit == path)


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    box = Recorder()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            box.hits.append((parts.path, parse_qs(parts.query)))
            body = f"<!DOCTYPE html><title>{parts.path}</title>".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", RP_PORT), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield box
    httpd.shutdown()
    httpd.server_close()


def front_channel_client(client_id: str) -> dict[str, object]:
    return {
        "clientId": client_id,
        "name": f"{client_id} app",
        "enabled": True,
        "publicClient": True,
        "standardFlowEnabled": True,
        "redirectUris": [f"{RP}/{client_id}/callback"],
        "frontchannelLogout": True,
        "attributes": {
            "frontchannel.logout.url": f"{RP}/{client_id}/logout",
            "post.logout.redirect.uris": f"{RP}/after-logout",
        },
    }


@pytest.fixture
def server(tmp_path: Path, recorder: Recorder) -> Iterator[DoorkeepProcess]:
    realm = {
        "realm": "fc",
        "enabled": True,
        "sslRequired": "external",
        "clients": [front_channel_client("rp1"), front_channel_client("rp2")],
        "users": [
            {
                "username": "user1",
                "enabled": True,
                "email": "user1@example.com",
                "firstName": "User",  # the default user profile's required names (else VERIFY_PROFILE asks)
                "lastName": "One",
                "credentials": [{"type": "password", "value": "password", "temporary": False}],
            }
        ],
    }
    path = tmp_path / "fc-realm.json"
    path.write_text(json.dumps(realm))
    process = DoorkeepProcess(tmp_path / "server", port=DOORKEEP_PORT, import_realms=[path])
    process.start()
    yield process
    process.stop()


@pytest.fixture
def page() -> Iterator[Page]:
    with chromium_page() as opened:
        yield opened


def oidc(path: str, **params: str) -> str:
    return f"http://localhost:{DOORKEEP_PORT}/realms/fc/protocol/openid-connect/{path}?{urlencode(params)}"


def sign_in(page: Page, client_id: str) -> None:
    page.goto(oidc("auth", client_id=client_id, redirect_uri=f"{RP}/{client_id}/callback", response_type="code"))


def wait_for(condition: Callable[[], object], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.05)


def test_the_logout_page_loads_every_front_channel_clients_logout_url(
    page: Page, server: DoorkeepProcess, recorder: Recorder
) -> None:
    sign_in(page, "rp1")
    page.wait_for_selector("#username", timeout=15000)
    page.fill("#username", "user1")
    page.fill("#password", "password")
    page.click("#kc-login")
    page.wait_for_url(f"{RP}/rp1/callback?*", timeout=15000)
    sign_in(page, "rp2")  # the SSO session answers at once
    page.wait_for_url(f"{RP}/rp2/callback?*", timeout=15000)
    session_state = recorder.query("/rp1/callback")["session_state"][0]

    page.goto(oidc("logout", client_id="rp1", post_logout_redirect_uri=f"{RP}/after-logout", state="bye"))
    page.wait_for_selector("#kc-logout", timeout=15000)
    with page.expect_response(lambda r: r.url.endswith("/protocol/openid-connect/logout/logout-confirm")) as answer:
        page.click("#kc-logout")
    assert answer.value.status == 200
    assert answer.value.headers["content-security-policy"].startswith(f"frame-src 'self' 127.0.0.1:{RP_PORT} ")

    page.wait_for_url(f"{RP}/after-logout?state=bye", timeout=15000)
    wait_for(lambda: {"/rp1/logout", "/rp2/logout"} <= set(recorder.paths()))
    issuer = f"http://localhost:{DOORKEEP_PORT}/realms/fc"
    for client_id in ("rp1", "rp2"):
        assert recorder.query(f"/{client_id}/logout") == {"sid": [session_state], "iss": [issuer]}, recorder.hits
    logged_out = recorder.paths()
    assert logged_out.index("/rp1/logout") < logged_out.index("/after-logout")
    assert logged_out.index("/rp2/logout") < logged_out.index("/after-logout")

    sign_in(page, "rp1")  # the session is gone: the login form again
    page.wait_for_selector("#username", timeout=15000)
