"""keycloak-js (the npm package, unmodified) in headless Chromium against a real Doorkeep server.

The app is served from http://127.0.0.1:<port>, Doorkeep from http://localhost:<port>: two origins,
both secure contexts, so PKCE and CORS are exercised as in production.
"""

from __future__ import annotations

import http.server
import json
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from chromium_support import chromium_page, wait_for_keycloak_js
from playwright.sync_api import Page

from interop.server import DoorkeepProcess, free_port
from totp_codes import key_from_shown, totp

pytestmark = [pytest.mark.browser, pytest.mark.interop]
HERE = Path(__file__).parent
DEMO = HERE.parents[1] / "examples" / "demo-realm.json"
KEYCLOAK_JS = HERE / "node_modules" / "keycloak-js" / "lib" / "keycloak.js"

APP = """<!DOCTYPE html><html><head><title>loading</title></head><body><pre id="out"></pre>
<script type="module">
import Keycloak from './keycloak.js';
const kc = new Keycloak({url: '%(server)s', realm: 'demo', clientId: 'offline-access-spa'});
window.kc = kc;
kc.onActionUpdate = (status, action) => { window.kcAction = [status, action]; };
kc.init(%(init)s)
  .then((ok) => { document.title = ok ? 'ready' : 'anonymous'; })
  .catch((e) => { document.title = 'error'; document.getElementById('out').textContent = String(e); });
</script></body></html>"""
CODE_FLOW = "{onLoad: 'login-required', scope: 'openid offline_access', pkceMethod: 'S256'}"
IMPLICIT_FLOW = "{onLoad: 'login-required', flow: 'implicit'}"  # JavascriptAdapterTest.implicitFlowTest
NO_LOGIN = "{pkceMethod: 'S256'}"  # signed out until the page calls kc.login() or kc.register()
# Without offline_access: a first login asking for offline access keeps no SSO session (FIRST_OFFLINE_ACCESS),
# and an application-initiated action needs one to start from.
ONLINE = "{onLoad: 'login-required', pkceMethod: 'S256'}"


@pytest.fixture
def app_port() -> int:
    return free_port()


@pytest.fixture
def server(tmp_path: Path, app_port: int) -> Iterator[DoorkeepProcess]:
    if not KEYCLOAK_JS.exists():
        pytest.fail(f"{KEYCLOAK_JS} is missing: `make test` installs it with npm")
    # The demo SPA allows any loopback port for redirects (RFC 8252); CORS needs the app's exact origin.
    realm = json.loads(DEMO.read_text())
    spa = next(c for c in realm["clients"] if c["clientId"] == "offline-access-spa")
    spa["webOrigins"] = ["+", f"http://127.0.0.1:{app_port}"]
    spa["implicitFlowEnabled"] = True  # for implicit.html
    realm["registrationAllowed"] = True  # for kc.register()
    (tmp_path / "demo-realm.json").write_text(json.dumps(realm))
    process = DoorkeepProcess(tmp_path / "server", import_realms=[tmp_path / "demo-realm.json"])
    process.start()
    yield process
    process.stop()


@pytest.fixture
def app(tmp_path: Path, server: DoorkeepProcess, app_port: int) -> Iterator[str]:
    root = tmp_path / "app"
    root.mkdir()
    shutil.copy(KEYCLOAK_JS, root / "keycloak.js")
    for name, init in (
        ("index.html", CODE_FLOW),
        ("implicit.html", IMPLICIT_FLOW),
        ("signed-out.html", NO_LOGIN),
        ("online.html", ONLINE),
    ):
        (root / name).write_text(APP % {"server": f"http://localhost:{server.port}", "init": init})

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(root), **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", app_port), Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/index.html"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def page() -> Iterator[Page]:
    with chromium_page() as opened:
        yield opened


def sign_in(page: Page, app: str) -> None:
    page.goto(app)
    page.wait_for_selector("#username", timeout=15000)
    page.fill("#username", "user1")
    page.fill("#password", "password")
    page.click("#kc-login")
    wait_for_keycloak_js(page)


def test_keycloak_js_logs_in_with_pkce_and_gets_an_offline_token(page: Page, app: str, server: DoorkeepProcess) -> None:
    sign_in(page, app)
    assert page.evaluate("kc.tokenParsed.preferred_username") == "user1"
    assert page.evaluate("kc.refreshTokenParsed.typ") == "Offline"
    assert "offline_access" in page.evaluate("kc.tokenParsed.scope").split()
    old = page.evaluate("kc.token")
    assert page.evaluate("kc.updateToken(-1)") is True
    assert page.evaluate("kc.token") != old
    assert page.evaluate("kc.refreshTokenParsed.typ") == "Offline"


def test_offline_token_outlives_the_browser_logout(page: Page, app: str, server: DoorkeepProcess) -> None:
    sign_in(page, app)
    offline = page.evaluate("kc.refreshToken")
    page.evaluate("kc.logout({redirectUri: location.href})")
    page.wait_for_selector("#username", timeout=15000)  # logged out: login-required shows the form again
    response = requests.post(
        f"http://localhost:{server.port}/realms/demo/protocol/openid-connect/token",
        data={"grant_type": "refresh_token", "client_id": "offline-access-spa", "refresh_token": offline},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    assert response.json()["refresh_expires_in"] == 0


def test_keycloak_js_logs_in_with_the_implicit_flow(page: Page, app: str, server: DoorkeepProcess) -> None:
    """flow: 'implicit' asks for ``id_token token`` in the fragment, checks the ID token's nonce, and gets
    no refresh token; the access token lives accessTokenLifespanForImplicitFlow (900 s by default)."""
    sign_in(page, app.replace("index.html", "implicit.html"))
    assert page.evaluate("kc.tokenParsed.preferred_username") == "user1"
    assert page.evaluate("kc.idTokenParsed.nonce") and page.evaluate("kc.refreshToken") is None
    assert page.evaluate("kc.tokenParsed.exp - kc.tokenParsed.iat") == 900
    assert "#" not in page.url or "access_token" not in page.url  # keycloak-js cleaned the fragment


def test_register_opens_the_registration_page_and_the_new_user_is_signed_in(
    page: Page, app: str, server: DoorkeepProcess
) -> None:
    """kc.register() sends the browser to the registrations endpoint; the registered user comes back signed
    in (JavascriptAdapterTest.testRegister)."""
    page.goto(app.replace("index.html", "signed-out.html"))
    page.wait_for_function("document.title === 'anonymous'", timeout=15000)
    page.evaluate("() => { kc.register(); }")
    page.wait_for_selector("#kc-register-form", timeout=15000)
    assert "/protocol/openid-connect/registrations" in page.url
    for field, value in (("firstName", "Ada"), ("lastName", "Lovelace"), ("email", "ada@example.com")):
        page.fill(f"#{field}", value)
    page.fill("#username", "ada")
    page.fill("#password", "Analytical-1843")
    page.fill("#password-confirm", "Analytical-1843")
    page.click("#kc-register")
    wait_for_keycloak_js(page)
    assert page.evaluate("kc.authenticated") is True
    assert page.evaluate("kc.tokenParsed.preferred_username") == "ada"
    assert page.evaluate("kc.idTokenParsed.email") == "ada@example.com"


def test_login_with_the_update_password_action_changes_the_password_and_stays_signed_in(
    page: Page, app: str, server: DoorkeepProcess
) -> None:
    """kc.login({action: 'UPDATE_PASSWORD'}) sends kc_action; the answer's kc_action_status reaches
    onActionUpdate and the code is exchanged as for any login (keycloak-js #processCallback)."""
    sign_in(page, app.replace("index.html", "online.html"))
    page.evaluate("() => { kc.login({action: 'UPDATE_PASSWORD'}); }")
    page.wait_for_selector("#kc-passwd-update-form", timeout=15000)
    assert page.locator("#kc-cancel").is_visible()  # the client asked for it: it may be cancelled
    page.fill("#password-new", "N3w-pass!")
    page.fill("#password-confirm", "N3w-pass!")
    page.click("#kc-submit")
    wait_for_keycloak_js(page)
    assert page.evaluate("window.kcAction") == ["success", "UPDATE_PASSWORD"]
    assert page.evaluate("kc.authenticated") is True and page.evaluate("kc.tokenParsed.preferred_username") == "user1"
    assert "kc_action" not in page.url  # keycloak-js cleaned the callback parameters
    response = requests.post(
        f"http://localhost:{server.port}/realms/demo/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": "offline-access-portal",
            "client_secret": "password",
            "username": "user1",
            "password": "N3w-pass!",
        },
        timeout=10,
    )
    assert response.status_code == 200, response.text


def test_a_user_sets_up_otp_and_then_signs_in_with_the_login_form_and_the_otp_form(
    page: Page, app: str, server: DoorkeepProcess
) -> None:
    """kc.login({action: 'CONFIGURE_TOTP'}) sets up an authenticator; the next sign-in through keycloak-js
    asks for the password, then for the code."""
    sign_in(page, app.replace("index.html", "online.html"))
    page.evaluate("() => { kc.login({action: 'CONFIGURE_TOTP'}); }")
    page.wait_for_selector("#mode-manual", timeout=15000)  # Keycloak's QR view first; "Unable to scan?" shows the key
    page.click("#mode-manual")
    page.wait_for_selector("#kc-totp-secret-key", timeout=15000)
    key = key_from_shown(page.inner_text("#kc-totp-secret-key"))
    page.fill("#totp", totp(key))
    page.click("#saveTOTPBtn")
    wait_for_keycloak_js(page)
    assert page.evaluate("window.kcAction") == ["success", "CONFIGURE_TOTP"]
    page.evaluate("() => { kc.logout({redirectUri: location.href}); }")
    page.wait_for_selector("#username", timeout=15000)
    page.fill("#username", "user1")
    page.fill("#password", "password")
    page.click("#kc-login")
    page.wait_for_selector("#kc-otp-login-form", timeout=15000)
    page.fill("#otp", totp(key, time.time() + 30))  # the next period's code: the setup spent this one
    page.click("#kc-login")
    wait_for_keycloak_js(page)
    assert page.evaluate("kc.tokenParsed.preferred_username") == "user1"
