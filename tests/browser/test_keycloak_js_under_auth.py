"""keycloak-js in headless Chromium against ``doorkeep start-dev --http-relative-path /auth``: Keycloak's layout
before 17 (``url: 'http://host/auth'``), which older keycloak-js set-ups still use.

Every request the browser makes to Doorkeep (the authorization endpoint, the login page's stylesheet, the form
it posts, the token endpoint, the refresh) stays under ``/auth``, and the cookies are set on ``/auth/...``.
"""

from __future__ import annotations

import http.server
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from chromium_support import chromium_page, wait_for_keycloak_js
from playwright.sync_api import Page

from interop.server import DoorkeepProcess, free_port

pytestmark = [pytest.mark.browser, pytest.mark.interop]
HERE = Path(__file__).parent
DEMO = HERE.parents[1] / "examples" / "demo-realm.json"
KEYCLOAK_JS = HERE / "node_modules" / "keycloak-js" / "lib" / "keycloak.js"
APP = """<!DOCTYPE html><html><head><title>loading</title></head><body><pre id="out"></pre>
<script type="module">
import Keycloak from './keycloak.js';
const kc = new Keycloak({url: '%(server)s', realm: 'demo', clientId: 'offline-access-spa'});
window.kc = kc;
kc.init({onLoad: 'login-required', scope: 'openid offline_access', pkceMethod: 'S256'})
  .then((ok) => { document.title = ok ? 'ready' : 'anonymous'; })
  .catch((e) => { document.title = 'error'; document.getElementById('out').textContent = String(e); });
</script></body></html>"""


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[DoorkeepProcess, int]]:
    if not KEYCLOAK_JS.exists():
        pytest.fail(f"{KEYCLOAK_JS} is missing: `make test` installs it with npm")
    app_port = free_port()
    realm = json.loads(DEMO.read_text())
    spa = next(c for c in realm["clients"] if c["clientId"] == "offline-access-spa")
    spa["webOrigins"] = ["+", f"http://127.0.0.1:{app_port}"]
    (tmp_path / "demo-realm.json").write_text(json.dumps(realm))
    process = DoorkeepProcess(tmp_path / "server", import_realms=[tmp_path / "demo-realm.json"], relative_path="/auth")
    process.start()
    yield process, app_port
    process.stop()


@pytest.fixture
def app(tmp_path: Path, server: tuple[DoorkeepProcess, int]) -> Iterator[str]:
    process, app_port = server
    root = tmp_path / "app"
    root.mkdir()
    shutil.copy(KEYCLOAK_JS, root / "keycloak.js")
    (root / "index.html").write_text(APP % {"server": f"http://localhost:{process.port}/auth"})

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, directory=str(root), **kwargs)  # type: ignore[arg-type]

        def log_message(self, format: str, *args: object) -> None:
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", app_port), Quiet)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{app_port}/index.html"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def page() -> Iterator[Page]:
    with chromium_page() as opened:
        yield opened


def test_keycloak_js_signs_in_and_refreshes_with_every_request_under_auth(
    page: Page, app: str, server: tuple[DoorkeepProcess, int]
) -> None:
    process, _ = server
    doorkeep = f"localhost:{process.port}"
    visited: list[str] = []
    page.on("request", lambda request: visited.append(request.url))
    page.goto(app)
    page.wait_for_selector("#username", timeout=15000)
    form_action = page.eval_on_selector("form", "form => form.action")
    assert form_action.startswith(f"http://{doorkeep}/auth/realms/demo/login-actions/authenticate?"), form_action
    cookies = [c for c in page.context.cookies() if c["domain"] == "localhost"]
    assert cookies and all(c["path"] == "/auth/realms/demo/" for c in cookies), cookies
    page.fill("#username", "user1")
    page.fill("#password", "password")
    page.click("#kc-login")
    wait_for_keycloak_js(page)
    assert page.evaluate("kc.tokenParsed.iss") == f"http://{doorkeep}/auth/realms/demo"
    assert page.evaluate("kc.refreshTokenParsed.typ") == "Offline"
    assert page.evaluate("kc.updateToken(-1)") is True
    paths = [urlsplit(url).path for url in visited if urlsplit(url).netloc == doorkeep]
    assert any(p.endswith("/protocol/openid-connect/token") for p in paths), paths
    assert "/auth/resources/console/login.css" in paths
    assert all(p.startswith("/auth/") for p in paths), paths
