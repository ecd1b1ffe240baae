"""The form_post page's CSP in a real Chromium: its script runs, and its form may only post to the
redirect URI's origin (``form-action``), so a form pointed anywhere else is not sent.

Doorkeep runs on http://localhost:<port>; the client's callback and a second, "evil" receiver are
two plain HTTP servers on 127.0.0.1 that record what is posted to them.
"""

from __future__ import annotations

import contextlib
import http.server
import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import pytest
from chromium_support import chromium_page
from playwright.sync_api import Page, Route
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from interop.server import DoorkeepProcess, free_port

pytestmark = [pytest.mark.browser, pytest.mark.interop]


@dataclass
class Receiver:
    """An HTTP server that records the form bodies posted to it."""

    url: str
    posts: list[dict[str, list[str]]] = field(default_factory=list)


def receiver() -> tuple[Receiver, http.server.ThreadingHTTPServer]:
    port = free_port()
    box = Receiver(f"http://127.0.0.1:{port}/cb")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            box.posts.append(parse_qs(self.rfile.read(length).decode()))
            body = b"<!DOCTYPE html><title>received</title>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return box, httpd


@pytest.fixture
def receivers() -> Iterator[tuple[Receiver, Receiver]]:
    app, app_httpd = receiver()
    evil, evil_httpd = receiver()
    yield app, evil
    for httpd in (app_httpd, evil_httpd):
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture
def server(tmp_path: Path, receivers: tuple[Receiver, Receiver]) -> Iterator[DoorkeepProcess]:
    app, _ = receivers
    realm = {
        "realm": "csp",
        "enabled": True,
        "sslRequired": "external",
        "clients": [
            {
                "clientId": "rp",
                "enabled": True,
                "publicClient": True,
                "standardFlowEnabled": True,
                "redirectUris": [app.url],
            }
        ],
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
    path = tmp_path / "csp-realm.json"
    path.write_text(json.dumps(realm))
    process = DoorkeepProcess(tmp_path / "server", import_realms=[path])
    process.start()
    yield process
    process.stop()


@pytest.fixture
def page() -> Iterator[Page]:
    with chromium_page() as opened:
        yield opened


def sign_in_with_form_post(page: Page, server: DoorkeepProcess, redirect_uri: str) -> None:
    query = urlencode(
        {
            "client_id": "rp",
            "redirect_uri": redirect_uri,
            "response_type": "code",
            "response_mode": "form_post",
            "scope": "openid",
            "state": "st4te",
        }
    )
    page.goto(f"http://localhost:{server.port}/realms/csp/protocol/openid-connect/auth?{query}")
    page.wait_for_selector("#username", timeout=15000)
    page.fill("#username", "user1")
    page.fill("#password", "password")


def wait_for(condition: Callable[[], object], seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and not condition():
        time.sleep(0.05)


def test_the_form_post_page_posts_the_code_to_the_redirect_uri(
    page: Page,
    server: DoorkeepProcess,
    receivers: tuple[Receiver, Receiver],
) -> None:
    app, _ = receivers
    sign_in_with_form_post(page, server, app.url)
    with page.expect_response(lambda r: "/login-actions/authenticate" in r.url) as answer:
        page.click("#kc-login")
    csp = answer.value.headers["content-security-policy"]
    assert f"form-action {app.url.removesuffix('/cb')};" in csp
    assert "default-src 'none'" in csp and "frame-ancestors 'none'" in csp
    wait_for(lambda: app.posts)
    assert len(app.posts) == 1, "the CSP-allowed script did not submit the form"
    assert app.posts[0]["state"] == ["st4te"] and app.posts[0]["code"][0]
    page.wait_for_function("document.title === 'received'", timeout=10000)


def test_the_csp_stops_the_form_from_posting_to_another_origin(
    page: Page,
    server: DoorkeepProcess,
    receivers: tuple[Receiver, Receiver],
) -> None:
    app, evil = receivers
    # Init scripts run outside the page's CSP: record the violations the page reports.
    page.add_init_script(
        "window.__violations = [];"
        "document.addEventListener('securitypolicyviolation', e =>"
        " window.__violations.push(e.effectiveDirective + ' ' + e.blockedURI));"
    )

    def point_form_elsewhere(route: Route) -> None:
        # The real answer, headers (and CSP) untouched; only the form's target is changed, as an
        # injected or hostile redirect URI would change it.
        response = route.fetch()
        route.fulfill(response=response, body=response.text().replace(app.url, evil.url))

    page.route("**/login-actions/authenticate?*", point_form_elsewhere)
    sign_in_with_form_post(page, server, app.url)
    with page.expect_response(lambda r: "/login-actions/authenticate" in r.url):
        page.evaluate("document.getElementById('kc-form-login').submit()")  # a click would wait for the blocked post
    with contextlib.suppress(PlaywrightTimeoutError):  # polled across navigations; the asserts below explain
        page.wait_for_function("window.__violations && window.__violations.length > 0", timeout=10000)
    time.sleep(1.0)  # give a wrongly allowed submission time to arrive
    assert evil.posts == [], "the form was posted to an origin the CSP does not allow"
    assert app.posts == []
    violations = page.evaluate("window.__violations")
    assert "/login-actions/authenticate" in page.url  # still on the form_post page: nothing was sent
    assert any(v.startswith("form-action ") and evil.url.split("/cb")[0] in v for v in violations), violations
