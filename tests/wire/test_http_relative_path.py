"""``--http-relative-path /auth`` end to end: a real ``doorkeep start-dev`` process serving Keycloak's layout
before 17, driven by python-keycloak (``KeycloakOpenID(server_url=".../auth/")``) and by a browser's requests.

Keycloak with ``--http-relative-path=/auth`` serves every endpoint under the prefix, puts it in every URL it
emits (issuer, discovery, form actions, cookies' ``Path``) and redirects ``/`` to it (26.0); Doorkeep answers a
request outside the prefix 404. Health is served under the prefix too (Keycloak's management interface
defaults ``--http-management-relative-path`` to the relative path; Doorkeep serves health on the main port).
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import anyio
import httpx
import pytest
from keycloak import KeycloakOpenID

from interop.server import DoorkeepProcess
from wire_process import started_with_realm

pytestmark = pytest.mark.anyio
REALM = "legacy"
CLIENT, SECRET = "legacy-app", "legacy-secret"
CALLBACK = "http://127.0.0.1:1/callback"
USER, PASSWORD = "alice", "alice-password"


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


def realm_representation() -> dict[str, Any]:
    return {
        "realm": REALM,
        "enabled": True,
        "clients": [
            {
                "clientId": CLIENT,
                "secret": SECRET,
                "publicClient": False,
                "standardFlowEnabled": True,
                "directAccessGrantsEnabled": True,
                "redirectUris": [CALLBACK],
            }
        ],
        "users": [
            {
                "username": USER,
                "enabled": True,
                "email": "alice@example.com",
                "emailVerified": True,
                "firstName": "Alice",
                "lastName": "Liddell",
                "realmRoles": ["offline_access"],  # an imported user gets no default roles, as in Keycloak
                "credentials": [{"type": "password", "value": PASSWORD, "temporary": False}],
            }
        ],
    }


@pytest.fixture(scope="module")
async def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[DoorkeepProcess]:
    """The module's server under ``/auth`` with realm ``legacy``."""
    folder = tmp_path_factory.mktemp("relative-path")
    async with started_with_realm(request, folder, realm_representation(), relative_path="/auth") as started:
        yield started


def claims(token: str) -> dict[str, Any]:
    payload = token.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4))))


async def test_python_keycloak_gets_a_token_and_refreshes_an_offline_token_under_auth(server: DoorkeepProcess) -> None:
    oidc = KeycloakOpenID(
        server_url=f"{server.base_url}/", realm_name=REALM, client_id=CLIENT, client_secret_key=SECRET
    )

    def login() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        well_known = oidc.well_known()
        offline = oidc.token(USER, PASSWORD, scope="openid offline_access")
        return well_known, offline, oidc.refresh_token(offline["refresh_token"])

    well_known, offline, refreshed = await anyio.to_thread.run_sync(login)
    issuer = f"{server.base_url}/realms/{REALM}"
    assert well_known["issuer"] == issuer
    assert well_known["token_endpoint"] == f"{issuer}/protocol/openid-connect/token"
    assert claims(offline["refresh_token"])["typ"] == "Offline"
    assert claims(offline["access_token"])["iss"] == issuer
    assert claims(refreshed["access_token"])["iss"] == issuer
    assert claims(refreshed["refresh_token"])["typ"] == "Offline"


async def test_a_browser_login_stays_under_auth(server: DoorkeepProcess) -> None:
    issuer = f"{server.base_url}/realms/{REALM}"
    query = {"client_id": CLIENT, "redirect_uri": CALLBACK, "response_type": "code", "scope": "openid", "state": "s"}
    async with httpx.AsyncClient(timeout=30) as browser:
        page = await browser.get(f"{issuer}/protocol/openid-connect/auth", params=query)
        assert page.status_code == 200, page.text
        action = html.unescape(re.search(r'<form[^>]*action="([^"]+)"', page.text).group(1))  # type: ignore[union-attr]
        assert action.startswith(f"{issuer}/login-actions/authenticate?"), action
        assert 'href="/auth/resources/console/login.css"' in page.text
        cookie_paths = set(re.findall(r"[Pp]ath=([^;]+)", ", ".join(page.headers.get_list("set-cookie"))))
        assert cookie_paths == {f"/auth/realms/{REALM}/"}, cookie_paths
        assert (await browser.get(f"{server.base_url}/resources/console/login.css")).status_code == 200
        # the page carries its icon, so a browser asks for no /favicon.ico (a 404) and fetches nothing for it
        assert '<link rel="icon" href="data:image/svg+xml,' in page.text
        done = await browser.post(action, data={"username": USER, "password": PASSWORD, "credentialId": ""})
        assert done.status_code == 302, done.text
        location = done.headers["location"]
        assert location.startswith(f"{CALLBACK}?"), location
        returned = parse_qs(urlsplit(location).query)
        assert returned["iss"] == [issuer]
        exchanged = await browser.post(
            f"{issuer}/protocol/openid-connect/token",
            data={"grant_type": "authorization_code", "code": returned["code"][0], "redirect_uri": CALLBACK},
            auth=(CLIENT, SECRET),
        )
    assert exchanged.status_code == 200, exchanged.text
    assert claims(exchanged.json()["id_token"])["iss"] == issuer


async def test_the_realm_not_found_page_links_its_stylesheet_under_auth(server: DoorkeepProcess) -> None:
    """A page drawn before any realm is known still asks for the stylesheet under the relative path."""
    async with httpx.AsyncClient(timeout=30) as browser:
        page = await browser.get(f"{server.base_url}/realms/no-such-realm/protocol/openid-connect/auth")
    assert page.status_code == 404 and "Realm does not exist." in page.text, page.text
    assert 'href="/auth/resources/console/login.css"' in page.text, page.text


async def test_the_admin_console_signs_in_under_auth(server: DoorkeepProcess) -> None:
    async with httpx.AsyncClient(timeout=30) as browser:
        console = await browser.get(f"{server.base_url}/admin/master/console/")
    assert console.status_code == 302, console.text
    location = console.headers["location"]
    assert location.startswith(f"{server.base_url}/realms/master/protocol/openid-connect/auth?"), location
    assert parse_qs(urlsplit(location).query)["redirect_uri"] == [f"{server.base_url}/admin/master/console/callback"]
    assert re.search(r"[Pp]ath=/auth/admin/master/console/", console.headers["set-cookie"])


async def test_requests_outside_auth_are_not_found_and_the_root_redirects_into_it(server: DoorkeepProcess) -> None:
    root = server.base_url.removesuffix("/auth")
    async with httpx.AsyncClient(base_url=root, timeout=30) as http:
        token = await http.post(
            f"/realms/{REALM}/protocol/openid-connect/token",
            data={"grant_type": "password", "username": USER, "password": PASSWORD},
            auth=(CLIENT, SECRET),
        )
        outside = [await http.get(path) for path in ("/realms/master", "/admin/realms", "/health", "/authx")]
        home = await http.get("/")
        health = await http.get("/auth/health")
    assert token.status_code == 404, token.text
    assert [r.status_code for r in outside] == [404, 404, 404, 404]
    assert outside[0].json()["error"] == "Unable to find matching target resource method"
    assert home.status_code == 302 and home.headers["location"] == "/auth"
    assert health.status_code == 200 and health.json()["status"] == "UP"


async def _raw_status(base_url: str, method: str, target: str) -> int:
    """The status of a request whose target is sent as written (an HTTP client would remove dot segments)."""
    parts = urlsplit(base_url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    async with await anyio.connect_tcp(host, port) as stream:
        head = f"{method} {target} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
        await stream.send(head.encode())
        answer = b""
        while b"\r\n" not in answer:
            answer += await stream.receive()
    return int(answer.split(b" ", 2)[1])


async def test_paths_that_leave_or_mimic_the_prefix_are_not_served(server: DoorkeepProcess) -> None:
    """Hostile spellings of the prefix: dot segments out of it, its case changed, a doubled slash. None may
    reach a route from outside /auth or by a route's name without the prefix."""
    root = server.base_url.removesuffix("/auth")
    token = f"/realms/{REALM}/protocol/openid-connect/token"
    targets = [
        ("GET", f"/auth/../realms/{REALM}/protocol/openid-connect/certs"),
        ("GET", "/auth/../admin/master/console/"),
        ("GET", f"/AUTH/realms/{REALM}"),
        ("GET", f"//auth/realms/{REALM}"),
        ("POST", f"/auth/..{token}"),
        ("POST", f"/Auth{token}"),
    ]
    statuses = [await _raw_status(root, method, target) for method, target in targets]
    # //auth/… normalizes into the prefix, so it reaches the application's router and its
    # RejectNonNormalizedPathFilter (400 missingNormalization); the dot segments normalize out of the prefix and
    # stay the outer router's 404 (Quarkus mounts the application's router at the relative path).
    expected = [400 if target.startswith("//auth/") else 404 for _, target in targets]
    assert statuses == expected, list(zip(targets, statuses, strict=True))
    assert await _raw_status(root, "GET", f"/auth/realms/{REALM}") == 200  # the same server serves the prefix
