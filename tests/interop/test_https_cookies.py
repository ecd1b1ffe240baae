"""The realm cookies as a real server writes them (Keycloak 26's CookieType, CookieScope, DefaultCookieProvider):
over HTTPS (a self-signed certificate) ``Secure; SameSite=None``, over plain HTTP ``SameSite=Lax`` without
``Secure``; and a login through a cookie jar works end to end on both."""

from __future__ import annotations

import json
import ssl
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from browser_flow import form_action, form_fields
from interop.server import DEMO_REALM, DoorkeepProcess, StartServer

pytestmark = pytest.mark.interop
REDIRECT = "http://127.0.0.1:9999/callback"
PATH = "Path=/realms/demo/"
EXPIRED = {"expires=Thu, 01 Jan 1970 00:00:00 GMT", "Max-Age=0", PATH}  # DefaultCookieProvider.expire
SSO_MAX = "Max-Age=36000"  # the realm's default ssoSessionMaxLifespan


def realm_file(folder: Path) -> Path:
    """The demo realm with Remember Me and two languages, so every cookie of a login is written."""
    data = json.loads(DEMO_REALM.read_text())
    data.update(rememberMe=True, internationalizationEnabled=True, supportedLocales=["en", "de"], defaultLocale="en")
    path = folder / "demo-cookies.json"
    path.write_text(json.dumps(data))
    return path


def authorize(browser: httpx.Client, base: str, **extra: str) -> httpx.Response:
    query = {
        "client_id": "offline-access-portal",
        "redirect_uri": REDIRECT,
        "response_type": "code",
        "scope": "openid",
        "state": "s",
        **extra,
    }
    return browser.get(f"{base}/realms/demo/protocol/openid-connect/auth", params=query)


def set_cookies(response: httpx.Response) -> dict[str, tuple[str, set[str]]]:
    """Each Set-Cookie by name: its value and the set of its attributes, as written."""
    out: dict[str, tuple[str, set[str]]] = {}
    for header in response.headers.get_list("set-cookie"):
        first, *attributes = header.split("; ")
        name, _, value = first.partition("=")
        out[name] = (value, set(attributes))
    return out


def code_of(response: httpx.Response) -> str:
    assert response.status_code == 302, response.text[:500]
    return parse_qs(urlsplit(response.headers["location"]).query)["code"][0]


def verify(server: DoorkeepProcess) -> ssl.SSLContext | bool:
    return server.ssl_context() or True


def exchange(server: DoorkeepProcess, code: str) -> httpx.Response:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": "offline-access-portal",
        "client_secret": "password",
    }
    return httpx.post(f"{server.base_url}/realms/demo/protocol/openid-connect/token", data=form, verify=verify(server))


def login_and_logout(server: DoorkeepProcess) -> list[dict[str, tuple[str, set[str]]]]:
    """A browser's login (Remember me, German), its SSO on a second authorization and its confirmed logout,
    through httpx's cookie jar; the Set-Cookie headers of each answer."""
    with httpx.Client(verify=verify(server)) as browser:
        page = authorize(browser, server.base_url, kc_locale="de")
        assert page.status_code == 200, page.text[:500]
        fields = {**form_fields(page.text), "username": "user1", "password": "password", "rememberMe": "on"}
        done = browser.post(form_action(page.text), data=fields)
        assert exchange(server, code_of(done)).status_code == 200
        sso = authorize(browser, server.base_url)  # the jar sent the SSO cookies back: no login page
        assert exchange(server, code_of(sso)).status_code == 200
        confirm = browser.get(f"{server.base_url}/realms/demo/protocol/openid-connect/logout")
        assert confirm.status_code == 200, confirm.text[:500]
        logged_out = browser.post(form_action(confirm.text), data=form_fields(confirm.text))
        assert logged_out.status_code == 200 and "Sie sind abgemeldet." in logged_out.text  # KEYCLOAK_LOCALE kept
        again = authorize(browser, server.base_url)
        assert again.status_code == 200 and 'name="username"' in again.text  # the SSO cookies are gone
    return [set_cookies(r) for r in (page, done, confirm, logged_out)]


def test_over_https_the_federation_cookies_are_secure_and_same_site_none(
    start_server: StartServer, tmp_path: Path
) -> None:
    server = start_server(import_realms=[realm_file(tmp_path)], https=True)
    assert server.base_url.startswith("https://")
    page, done, confirm, logged_out = login_and_logout(server)
    federation = {PATH, "HttpOnly", "SameSite=None", "Secure"}
    assert page["AUTH_SESSION_ID"][1] == federation
    assert page["KC_RESTART"][1] == federation  # CookieType.AUTH_RESTART
    assert page["KEYCLOAK_LOCALE"] == ("de", federation)
    assert done["KEYCLOAK_IDENTITY"][1] == federation | {SSO_MAX}
    assert done["KEYCLOAK_SESSION"][1] == {PATH, "SameSite=None", "Secure", SSO_MAX}  # FEDERATION_JS
    assert done["KEYCLOAK_REMEMBER_ME"] == ("username:user1", federation | {"Max-Age=31536000"})
    assert "AUTH_SESSION_ID" not in done  # it names the root, which outlives the login (Keycloak leaves it)
    assert done["KC_RESTART"][1] == EXPIRED  # with the login's authentication session
    assert confirm["DOORKEEP_LOGOUT_CSRF"][1] == federation
    for name in ("KEYCLOAK_IDENTITY", "KEYCLOAK_SESSION", "DOORKEEP_LOGOUT_CSRF"):
        assert logged_out[name][1] == EXPIRED, name


def test_over_plain_http_they_stay_same_site_lax_without_secure(start_server: StartServer, tmp_path: Path) -> None:
    """Doorkeep's secure context is HTTPS only: on http://127.0.0.1 SameSite=None is downgraded to Lax, as
    Keycloak does in a non-secure context, and Secure is not written, so Python's cookie jars keep them."""
    server = start_server(import_realms=[realm_file(tmp_path)])
    assert server.base_url.startswith("http://")
    page, done, confirm, logged_out = login_and_logout(server)
    federation = {PATH, "HttpOnly", "SameSite=Lax"}
    assert page["AUTH_SESSION_ID"][1] == federation
    assert page["KC_RESTART"][1] == federation  # CookieType.AUTH_RESTART
    assert page["KEYCLOAK_LOCALE"] == ("de", federation)
    assert done["KEYCLOAK_IDENTITY"][1] == federation | {SSO_MAX}
    assert done["KEYCLOAK_SESSION"][1] == {PATH, "SameSite=Lax", SSO_MAX}
    assert done["KEYCLOAK_REMEMBER_ME"] == ("username:user1", federation | {"Max-Age=31536000"})
    assert confirm["DOORKEEP_LOGOUT_CSRF"][1] == federation
    for name in ("KEYCLOAK_IDENTITY", "KEYCLOAK_SESSION", "DOORKEEP_LOGOUT_CSRF"):
        assert logged_out[name][1] == EXPIRED, name
