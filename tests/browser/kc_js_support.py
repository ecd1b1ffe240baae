"""keycloak-js's own Playwright suite (keycloak/keycloak-js ``test/``), ported to Python Playwright against Doorkeep.

The pieces mirror upstream's ``test/support``: ``KcJsStage`` is the auth server (a real ``doorkeep start-dev``)
with upstream's app (``test/app``: ``index.html`` that puts the ``Keycloak`` constructor on ``globalThis``,
``silent-check-sso.html``, ``/adapter-config.json?realm=`` and the "redirect service" host) served from
``localhost`` on another port; ``create_test_bed`` is ``createTestBed`` (a realm of its own per test, made through
the Admin REST API: roles ``user`` and ``admin``, an authorized and an unauthorized user, the public client
``keycloak-js-test-client``), and ``Executor`` is ``TestExecutor``: the adapter is driven with
``page.evaluate``, and a navigation while ``init``/``login``/``logout`` runs is told apart from an error the
adapter throws, as upstream does.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import requests
from playwright.sync_api import ConsoleMessage, Page
from playwright.sync_api import Error as PlaywrightError

from interop.server import DoorkeepProcess, free_port

HERE = Path(__file__).parent
KEYCLOAK_JS = HERE / "node_modules" / "keycloak-js" / "lib" / "keycloak.js"
CLIENT_ID = "keycloak-js-test-client"
AUTHORIZED_USERNAME = "test-user@localhost"
AUTHORIZED_PASSWORD = "password"
UNAUTHORIZED_USERNAME = "unauthorized"
UNAUTHORIZED_PASSWORD = "password"
REDIRECT_SERVICE_HOST = "kjs-redirect.localhost"
THIRD_PARTY_WARNING = "Your browser is blocking access to 3rd-party cookies, this means:"

INDEX = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Keycloak JS Tests</title>
<script type="importmap">{"imports": {"keycloak-js": "./keycloak.js"}}</script>
<link rel="modulepreload" href="./keycloak.js"></head>
<body><script type="module">
import Keycloak from 'keycloak-js'
globalThis.Keycloak = Keycloak
</script></body></html>"""
SILENT_CHECK_SSO = """<!doctype html>
<html><body><script>parent.postMessage(location.href, location.origin)</script></body></html>"""
# Not upstream's: a page that places a SameSite=None cookie and tells its parent whether it can read it back, to show
# whether the browser lets a frame from another site keep cookies.
COOKIE_PROBE = """<!doctype html>
<html><body><script>
document.cookie = 'KJS_PROBE=placed; Max-Age=60; SameSite=None; Secure';
parent.postMessage(document.cookie.includes('KJS_PROBE=placed') ? 'kept' : 'blocked', '*');
</script></body></html>"""
PAGES = {
    "/": INDEX,
    "/index.html": INDEX,
    "/silent-check-sso.html": SILENT_CHECK_SSO,
    "/cookie-probe.html": COOKIE_PROBE,
}


class AdapterError(Exception):
    """What the adapter rejected with: an ``Error`` (``message``) or an OAuth error object (``error``...)."""

    def __init__(self, payload: dict[str, Any]) -> None:
        super().__init__(payload.get("message") or json.dumps(payload))
        self.payload = payload


@dataclass
class KcJsStage:
    """The auth server and the app, as upstream's ``AUTH_SERVER_URL`` and ``APP_URL``; ``app_host`` ``127.0.0.1``
    puts the app on another site than the auth server (``localhost``), as upstream's cross-origin project does."""

    server: DoorkeepProcess
    app_port: int
    app_host: str = "localhost"
    _token: tuple[float, str] | None = None

    @property
    def auth_server_url(self) -> str:
        return f"http://localhost:{self.server.port}/"

    @property
    def app_url(self) -> str:
        return f"{self.app_origin}/"

    @property
    def app_origin(self) -> str:
        return f"http://{self.app_host}:{self.app_port}"

    @property
    def redirect_service_origin(self) -> str:
        return f"http://{REDIRECT_SERVICE_HOST}:{self.app_port}"

    def admin(self, method: str, path: str, body: Any = None) -> requests.Response:
        if self._token is None or time.monotonic() - self._token[0] > 30:  # master's tokens live 60 s
            self._token = (time.monotonic(), self.server.admin_token())
        response = requests.request(
            method,
            f"{self.server.base_url}/admin/realms{path}",  # 127.0.0.1, the issuer of the admin token
            json=body,
            headers={"Authorization": f"Bearer {self._token[1]}"},
            timeout=20,
        )
        assert response.status_code < 300, (method, path, response.status_code, response.text)
        return response


def _app_handler(stage_auth_url: Callable[[], str]) -> type[http.server.BaseHTTPRequestHandler]:
    keycloak_js = KEYCLOAK_JS.read_bytes()

    class App(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlsplit(self.path)
            query = dict(parse_qsl(url.query))
            if self.headers.get("Host", "").split(":")[0] == REDIRECT_SERVICE_HOST:
                # app.ts: the "redirect service" sends the browser on to ?origin=, the rest of the URL kept.
                origin = query.pop("origin", None)
                if origin is None:
                    return self._send(400, "text/plain", b"Missing origin query parameter")
                rest = f"?{urlencode(query)}" if query else ""
                self.send_response(302)
                self.send_header("Location", f"{origin}{url.path}{rest}")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            if url.path == "/keycloak.js":
                return self._send(200, "text/javascript", keycloak_js)
            if url.path == "/adapter-config.json":
                if "realm" not in query:
                    return self._send(400, "application/json", b'{"error": "Missing realm parameter."}')
                config = {"auth-server-url": stage_auth_url(), "realm": query["realm"], "resource": CLIENT_ID}
                return self._send(200, "application/json", json.dumps(config).encode())
            if url.path in PAGES:
                return self._send(200, "text/html; charset=utf-8", PAGES[url.path].encode())
            return self._send(404, "text/plain", b"Not found")

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
def kc_js_stage(workdir: Path, app_host: str = "localhost") -> Iterator[KcJsStage]:
    """A Doorkeep server and upstream's test app on 127.0.0.1, Doorkeep reached as ``localhost``, the app as
    ``app_host``."""
    if not KEYCLOAK_JS.exists():
        pytest.fail(f"{KEYCLOAK_JS} is missing: `make test` installs it with npm")
    server = DoorkeepProcess(workdir / "server")
    server.start()
    app_port = free_port()
    httpd = http.server.ThreadingHTTPServer(
        ("127.0.0.1", app_port), _app_handler(lambda: f"http://localhost:{server.port}/")
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield KcJsStage(server, app_port, app_host)
    finally:
        httpd.shutdown()
        httpd.server_close()
        server.stop()


@dataclass
class TestBed:
    """upstream's ``TestBed``: the executor, the realm's name, and updates of the realm and of the client."""

    __test__ = False  # not a pytest test class

    executor: Executor
    realm: str
    stage: KcJsStage
    client_uuid: str

    def update_realm(self, **changes: object) -> None:
        representation = self.stage.admin("GET", f"/{self.realm}").json()
        self.stage.admin("PUT", f"/{self.realm}", {**representation, **changes})

    def update_client(self, **changes: object) -> None:
        path = f"/{self.realm}/clients/{self.client_uuid}"
        representation = self.stage.admin("GET", path).json()
        self.stage.admin("PUT", path, {**representation, **changes})


def _create_user(stage: KcJsStage, realm: str, user: dict[str, object], password: str) -> None:
    created = stage.admin("POST", f"/{realm}/users", user)
    user_id = created.headers["Location"].rsplit("/", 1)[1]
    credential = {"temporary": False, "type": "password", "value": password}
    stage.admin("PUT", f"/{realm}/users/{user_id}/reset-password", credential)


def create_realm(stage: KcJsStage) -> tuple[str, str]:
    """createTestBed's realm, named by a random UUID, with upstream's roles, users and public client: the
    realm's name and the client's id."""
    realm = str(uuid.uuid4())
    stage.admin("POST", "", {"realm": realm, "enabled": True})
    for role in ("user", "admin"):
        stage.admin("POST", f"/{realm}/roles", {"name": role, "scopeParamRequired": False})
    _create_user(
        stage,
        realm,
        {
            "enabled": True,
            "username": AUTHORIZED_USERNAME,
            "firstName": "Authorized",
            "lastName": "User",
            "email": "test-user@localhost",
            "emailVerified": True,
            "realmRoles": ["user"],
            "clientRoles": {
                "realm-management": ["view-realm", "manage-users"],
                "account": ["view-profile", "manage-account"],
            },
        },
        AUTHORIZED_PASSWORD,
    )
    _create_user(
        stage,
        realm,
        {
            "enabled": True,
            "username": UNAUTHORIZED_USERNAME,
            "firstName": "Unauthorized",
            "lastName": "User",
            "email": "unauthorized@localhost",
            "emailVerified": True,
        },
        UNAUTHORIZED_PASSWORD,
    )
    client = {
        "enabled": True,
        "clientId": CLIENT_ID,
        "redirectUris": [f"{stage.app_origin}/*"],
        "webOrigins": [stage.app_origin],
        "publicClient": True,
    }
    created = stage.admin("POST", f"/{realm}/clients", client)
    return realm, created.headers["Location"].rsplit("/", 1)[1]


# Run inside the page: each returns {value} or {error}, so that an error the adapter throws is told apart from
# the one Playwright raises when the page navigates away while the call runs.
_INIT = """async (options) => {
  try { return {value: await globalThis.keycloak.init(options ?? undefined)}; }
  catch (error) { return {error: error instanceof Error ? {message: error.message} : error}; }
}"""
_CALL = """async ([name, options]) => {
  try { await globalThis.keycloak[name](options ?? undefined); return {error: null}; }
  catch (error) { return {error: error instanceof Error ? {message: error.message} : error}; }
}"""
_VALUE = """async ([name, argument]) => {
  try { return {value: await globalThis.keycloak[name](argument ?? undefined)}; }
  catch (error) { return {error: error instanceof Error ? {message: error.message} : error}; }
}"""


class Executor:
    """upstream's ``TestExecutor``, method for method."""

    def __init__(self, page: Page, realm: str, stage: KcJsStage) -> None:
        self.page = page
        self.realm = realm
        self.stage = stage
        self._console: list[ConsoleMessage] = []
        page.on("console", lambda message: self._console.append(message))

    def navigate_to_app(self, fragment: str = "") -> None:
        self.page.goto(self.stage.app_url + fragment)

    def default_config(self) -> dict[str, str]:
        return {"url": self.stage.auth_server_url, "realm": self.realm, "clientId": CLIENT_ID}

    def instantiate_adapter(self, config: dict[str, str] | str | None = None) -> None:
        self._console.clear()
        self.page.wait_for_function("'Keycloak' in globalThis")
        self.page.evaluate(
            "(config) => { globalThis.keycloak = new globalThis.Keycloak(config); }",
            self.default_config() if config is None else config,
        )

    def default_init_options(self, **more: object) -> dict[str, object]:
        return {"enableLogging": True, **more}

    def silent_sso_redirect_url(self) -> str:
        return self.stage.app_url + "silent-check-sso.html"

    def console_messages(self) -> list[str]:
        return [message.text for message in self._console]

    def initialize_adapter(self, options: dict[str, object] | None = None, should_redirect: bool = False) -> bool:
        self._ensure_instantiated()
        try:
            result = self.page.evaluate(_INIT, options)
        except PlaywrightError:
            # The page navigated away while init ran.
            if not should_redirect:
                raise AssertionError("Did not expect a redirect to occur during initialization, but it did.") from None
            if options is not None and options.get("onLoad") == "login-required":
                return False
            self._wait_for_app()
            return self.initialize_adapter(options)
        if should_redirect:
            raise AssertionError("Expected a redirect to occur during initialization, but it did not.")
        if "error" in result:
            raise AdapterError(result["error"])
        return bool(result["value"])

    def submit_login_form(self, username: str = AUTHORIZED_USERNAME, password: str = AUTHORIZED_PASSWORD) -> None:
        """Fill Keycloak's login form by its accessible names, as upstream does, and wait to be back."""
        self.page.get_by_role("textbox", name="Username or email").fill(username)
        self.page.get_by_role("textbox", name="Password").fill(password)
        self.page.get_by_role("button", name="Sign In").click()
        self._wait_for_app()

    def create_login_url(self, options: dict[str, object] | None = None) -> str:
        return str(self._value("createLoginUrl", options))

    def create_logout_url(self, options: dict[str, object] | None = None) -> str:
        return str(self._value("createLogoutUrl", options))

    def create_register_url(self, options: dict[str, object] | None = None) -> str:
        return str(self._value("createRegisterUrl", options))

    def create_account_url(self, options: dict[str, object] | None = None) -> str:
        return str(self._value("createAccountUrl", options))

    def login(self, options: dict[str, object] | None = None) -> None:
        self._navigating_call("login", options)

    def logout(self, options: dict[str, object] | None = None) -> None:
        # A POST logout submits a form from the app's own URL: wait for that navigation, not just for the URL.
        with self.page.expect_navigation(timeout=15000):
            self._navigating_call("logout", options)
        self._wait_for_app()

    def update_token(self, min_validity: int | None = None) -> bool:
        return bool(self._value("updateToken", min_validity))

    def add_time_skew(self, addition: int) -> None:
        self.page.evaluate("(addition) => { globalThis.keycloak.timeSkew += addition; }", addition)

    def load_user_profile(self) -> dict[str, Any]:
        return dict(self._value("loadUserProfile", None))

    def load_user_info(self) -> dict[str, Any]:
        return dict(self._value("loadUserInfo", None))

    def prop(self, name: str) -> Any:
        """A property of the adapter: ``authenticated``, ``profile``, ``userInfo``, ``tokenParsed`` ..."""
        return self.page.evaluate("(name) => globalThis.keycloak[name]", name)

    def is_authenticated(self) -> bool:
        return bool(self.prop("authenticated"))

    def is_token_expired(self, min_validity: int | None = None) -> bool:
        return bool(self._value("isTokenExpired", min_validity))

    def reload(self) -> None:
        self.page.reload()

    def _value(self, name: str, argument: object) -> Any:
        self._assert_instantiated()
        result = self.page.evaluate(_VALUE, [name, argument])
        if "error" in result:
            raise AdapterError(result["error"])
        return result["value"]

    def _navigating_call(self, name: str, options: dict[str, object] | None) -> None:
        self._assert_instantiated()
        try:
            result = self.page.evaluate(_CALL, [name, options])
        except PlaywrightError:
            return  # the page navigated, as expected
        if result["error"] is not None:
            raise AdapterError(result["error"])

    def _wait_for_app(self) -> None:
        """Wait until the browser is back on the app (after the auth server, and the redirect service, if any)."""
        self.page.wait_for_url(lambda url: url.startswith(self.stage.app_origin + "/"), timeout=15000)
        self.page.wait_for_load_state()

    def _is_instantiated(self) -> bool:
        try:
            return bool(self.page.evaluate("() => globalThis.keycloak !== undefined"))
        except PlaywrightError:
            return False

    def _ensure_instantiated(self) -> None:
        if not self._is_instantiated():
            self.instantiate_adapter()

    def _assert_instantiated(self) -> None:
        if not self._is_instantiated():
            raise AssertionError("The adapter is not instantiated, make sure it is before calling this method.")


def log_in(executor: Executor, init: dict[str, object] | None) -> None:
    """``login``, the login form submitted, and ``init`` again: now authenticated, no redirect."""
    executor.login()
    executor.submit_login_form()
    assert executor.initialize_adapter(init) is True


@pytest.fixture(scope="module")
def stage(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KcJsStage]:
    """One auth server and app per module; each test makes a realm of its own (create_test_bed)."""
    with kc_js_stage(tmp_path_factory.mktemp("kc-js")) as made:
        yield made


@pytest.fixture(scope="module")
def shared_realm(stage: KcJsStage) -> tuple[str, str]:
    """One test bed realm for the tests of a module that change neither realm nor client (a realm takes a second
    or more to make, keys and all)."""
    return create_realm(stage)


@pytest.fixture
def bed(page: Page, stage: KcJsStage, shared_realm: tuple[str, str]) -> TestBed:
    """createTestBed for this test's page (a browser context of its own: no cookies or sessions shared between
    tests) on the module's realm."""
    return TestBed(Executor(page, shared_realm[0], stage), shared_realm[0], stage, shared_realm[1])


@pytest.fixture
def fresh_bed(page: Page, stage: KcJsStage) -> TestBed:
    """createTestBed with a realm of its own, for a test that changes the realm or the client."""
    realm, client_uuid = create_realm(stage)
    return TestBed(Executor(page, realm, stage), realm, stage, client_uuid)
