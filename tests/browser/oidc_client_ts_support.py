"""oidc-client-ts (npm; the browser SPA library people point at Keycloak) in headless Chromium against Doorkeep.

``SpaStage`` is a real ``doorkeep start-dev`` and a static single-page app served from 127.0.0.1 on another port:
the library's own browser build (``dist/browser/oidc-client-ts.js``, the ``oidc`` global) and one page that is, by
its path, the app (``/``), the redirect callback (``/callback.html``), the silent-renew iframe page
(``/silent.html``), the popup sign-in and silent sign-out callback (``/popup.html``) and the post-logout landing page
(``/logged-out.html``). The ``UserManager`` settings a test
gives are kept in ``sessionStorage``, so every page of the tab (the iframe included) builds the same manager, as
an SPA's bundle would. The browser reaches Doorkeep as ``localhost`` and the app as ``localhost`` (another port,
the same site) or as ``127.0.0.1`` (another site, where Doorkeep's iframes are third-party).
"""

from __future__ import annotations

import base64
import http.server
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests
from chromium_support import CHROMIUM, FLAGS
from playwright.sync_api import Browser, Page

from interop.server import DoorkeepProcess, free_port, self_signed_certificate

HERE = Path(__file__).parent
OIDC_CLIENT_TS = HERE.parent / "oidc_client_ts" / "node_modules" / "oidc-client-ts" / "dist" / "browser"
LIBRARY = OIDC_CLIENT_TS / "oidc-client-ts.js"
USERNAME = "alice"
PASSWORD = "alice-password"
CLIENT_ID = "spa"
NO_REFRESH_CLIENT_ID = "spa-without-refresh-tokens"

# One page for every path: the app builds the manager from sessionStorage (``start`` saves the settings first) and
# counts the manager's events (and the check-session iframe's answers); the callback pages finish what the library started. The silent page's manager
# neither monitors nor renews: it only hands the URL it was loaded with to its parent.
PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>loading</title>
<script src="/oidc-client-ts.js"></script></head><body><pre id="out"></pre><script>
globalThis.events = [];
globalThis.answers = [];  // what the check-session iframe posts back: "unchanged", "changed" or "error"
addEventListener('message', (event) => { if (typeof event.data === 'string') { answers.push(event.data); } });
globalThis.manager = (extra) => {
  const settings = {...JSON.parse(sessionStorage.getItem('settings')), ...(extra ?? {})};
  const mgr = new oidc.UserManager(settings);
  for (const name of ['UserLoaded', 'UserUnloaded', 'UserSignedIn', 'UserSignedOut', 'UserSessionChanged',
                      'SilentRenewError', 'AccessTokenExpiring']) {
    mgr.events['add' + name](() => globalThis.events.push(name));
  }
  return mgr;
};
globalThis.start = (settings) => {
  sessionStorage.setItem('settings', JSON.stringify(settings));
  globalThis.mgr = manager();
};
const done = (title, text) => { document.getElementById('out').textContent = text; document.title = title; };
const path = location.pathname;
if (path === '/callback.html') {
  globalThis.mgr = manager();
  mgr.signinRedirectCallback().then(() => done('ready', ''), (error) => done('error', String(error)));
} else if (path === '/silent.html') {
  manager({monitorSession: false, automaticSilentRenew: false}).signinSilentCallback();
} else if (path === '/popup.html') {
  // signinPopup's callback, and signoutSilent's: the library sends that one here too, without a state
  const answer = new URLSearchParams(location.search || location.hash.slice(1));
  const mgr = manager({monitorSession: false, automaticSilentRenew: false});
  void (answer.has('code') || answer.has('error') ? mgr.signinCallback() : mgr.signoutSilentCallback());
} else if (path === '/logged-out.html') {
  globalThis.mgr = manager();
  mgr.signoutRedirectCallback().then(() => done('logged-out', location.search), (error) => done('error', String(error)));
} else {
  if (sessionStorage.getItem('settings')) { globalThis.mgr = manager(); }
  document.title = 'app';
}
</script></body></html>"""
PATHS = {"/", "/callback.html", "/silent.html", "/popup.html", "/logged-out.html"}


@dataclass
class SpaStage:
    """The auth server (reached as ``localhost``) and the app's static server (its port)."""

    server: DoorkeepProcess
    app_port: int
    _token: tuple[float, str] | None = None

    @property
    def auth_origin(self) -> str:
        return f"{'https' if self.server.tls else 'http'}://localhost:{self.server.port}"

    def app_origin(self, host: str = "localhost") -> str:
        """The app as the browser reaches it: ``localhost`` (Doorkeep's site) or ``127.0.0.1`` (another site)."""
        return f"http://{host}:{self.app_port}"

    def admin(self, method: str, path: str, body: Any = None) -> requests.Response:
        """An Admin REST call as master's admin (a token at most 30 s old: master's live 60 s)."""
        if self._token is None or time.monotonic() - self._token[0] > 30:
            self._token = (time.monotonic(), self.server.admin_token())
        response = requests.request(
            method,
            f"{self.server.base_url}/admin/realms{path}",
            json=body,
            headers={"Authorization": f"Bearer {self._token[1]}"},
            timeout=20,
            verify=self.server.certificate or True,
        )
        assert response.status_code < 300, (method, path, response.status_code, response.text)
        return response

    def settings(
        self, realm: str, client_id: str = CLIENT_ID, app_host: str = "localhost", **more: object
    ) -> dict[str, object]:
        """The ``UserManagerSettings`` of an SPA of ``realm``: code flow with PKCE (the library's only flow)."""
        app = self.app_origin(app_host)
        return {
            "authority": f"{self.auth_origin}/realms/{realm}",
            "client_id": client_id,
            "redirect_uri": f"{app}/callback.html",
            "silent_redirect_uri": f"{app}/silent.html",
            "post_logout_redirect_uri": f"{app}/logged-out.html",
            "popup_redirect_uri": f"{app}/popup.html",
            "popup_post_logout_redirect_uri": f"{app}/popup.html",
            "scope": "openid profile email",
            "automaticSilentRenew": False,
            **more,
        }

    def create_realm(self) -> str:
        """A realm of its own with the user ``alice`` and two public SPA clients of the app's origin: ``spa`` and
        one that is issued no refresh tokens (``use.refresh.tokens`` false), whose renewals take the iframe."""
        realm = f"spa-{uuid.uuid4().hex[:12]}"
        self.admin("POST", "", {"realm": realm, "enabled": True})
        user = {
            "username": USERNAME,
            "enabled": True,
            "firstName": "Alice",
            "lastName": "Liddell",
            "email": "alice@example.org",
            "emailVerified": True,
            "credentials": [{"type": "password", "value": PASSWORD, "temporary": False}],
        }
        self.admin("POST", f"/{realm}/users", user)
        for client_id, attributes in [(CLIENT_ID, {}), (NO_REFRESH_CLIENT_ID, {"use.refresh.tokens": "false"})]:
            client = {
                "clientId": client_id,
                "publicClient": True,
                "redirectUris": [f"{self.app_origin(host)}/*" for host in ("localhost", "127.0.0.1")],
                "webOrigins": ["+"],
                "attributes": {"post.logout.redirect.uris": "+", "pkce.code.challenge.method": "S256", **attributes},
            }
            self.admin("POST", f"/{realm}/clients", client)
        return realm

    def user_sessions(self, realm: str, offline_client: str | None = None) -> list[dict[str, Any]]:
        """``alice``'s online sessions, or her offline sessions of ``offline_client``."""
        user_id = self.admin("GET", f"/{realm}/users?username={USERNAME}&exact=true").json()[0]["id"]
        if offline_client is None:
            return list(self.admin("GET", f"/{realm}/users/{user_id}/sessions").json())
        client_uuid = self.admin("GET", f"/{realm}/clients?clientId={offline_client}").json()[0]["id"]
        return list(self.admin("GET", f"/{realm}/users/{user_id}/offline-sessions/{client_uuid}").json())


def _app_handler() -> type[http.server.BaseHTTPRequestHandler]:
    library = LIBRARY.read_bytes()

    class App(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            path = urlsplit(self.path).path
            if path == "/oidc-client-ts.js":
                self._send(200, "text/javascript", library)
            elif path in PATHS:
                self._send(200, "text/html; charset=utf-8", PAGE.encode())
            else:
                self._send(404, "text/plain", b"Not found")

        def _send(self, status: int, content_type: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return App


@contextmanager
def spa_stage(workdir: Path, https: bool = False) -> Iterator[SpaStage]:
    """A Doorkeep server (over HTTPS with a self-signed certificate if asked) and the SPA's static server, both on
    127.0.0.1, stopped after."""
    if not LIBRARY.exists():
        pytest.fail(f"{LIBRARY} is missing: `make node` installs it with npm (tests/oidc_client_ts)")
    tls = self_signed_certificate(workdir / "tls") if https else None
    server = DoorkeepProcess(workdir / "server", tls=tls)
    server.start()
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), _app_handler())
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield SpaStage(server, int(httpd.server_address[1]))
    finally:
        httpd.shutdown()
        httpd.server_close()
        server.stop()


@contextmanager
def third_party_cookies_allowed(browser: Browser, directory: Path) -> Iterator[Page]:
    """A page of the browser's Chromium on a profile of its own that allows third-party cookies (this Chromium
    blocks them by default: ``profile.cookie_controls_mode`` 0 is the user's "Allow third-party cookies") and
    trusts self-signed certificates."""
    (directory / "Default").mkdir(parents=True)
    (directory / "Default" / "Preferences").write_text(json.dumps({"profile": {"cookie_controls_mode": 0}}))
    context = browser.browser_type.launch_persistent_context(
        directory, executable_path=CHROMIUM, args=FLAGS, headless=True, ignore_https_errors=True
    )
    try:
        yield context.pages[0] if context.pages else context.new_page()
    finally:
        context.close()


def start(page: Page, settings: dict[str, object]) -> None:
    """Open the app (at the origin of the settings' redirect URI) and build its ``UserManager`` with ``settings``."""
    page.goto(str(settings["redirect_uri"]).removesuffix("callback.html"))
    page.wait_for_function("document.title === 'app'")
    page.evaluate("(settings) => start(settings)", settings)


def sign_in(page: Page, settings: dict[str, object]) -> dict[str, Any]:
    """``signinRedirect``, Doorkeep's login form, and the callback page's ``signinRedirectCallback``: the user the
    library stored."""
    start(page, settings)
    page.evaluate("() => { void mgr.signinRedirect(); }")
    page.get_by_role("textbox", name="Username or email").fill(USERNAME)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_function("document.title === 'ready' || document.title === 'error'", timeout=15000)
    assert page.title() == "ready", page.inner_text("#out")
    return user(page)


def user(page: Page) -> dict[str, Any]:
    """The library's stored ``User`` as JSON (``toStorageString``), or an empty dict when there is none."""
    stored = page.evaluate("async () => { const u = await mgr.getUser(); return u ? u.toStorageString() : '{}'; }")
    return dict(json.loads(stored))


def call(page: Page, expression: str) -> dict[str, Any]:
    """Await ``expression`` in the page: ``{"value": ...}`` or ``{"error": message, "code": OAuth error}``."""
    script = f"""async () => {{
      try {{ const value = await ({expression}); return {{value: value === undefined ? null : value}}; }}
      catch (error) {{ return {{error: String(error && error.message || error), code: error && error.error}}; }}
    }}"""
    return dict(page.evaluate(script))


def claims(token: str) -> dict[str, Any]:
    """The payload of a JWT, unverified (the library verified nothing either: it is what it stores)."""
    body = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))))
