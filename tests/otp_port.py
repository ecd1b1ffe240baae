"""Shared helpers of the wire ports of Keycloak's OTP browser tests (LoginTotpTest, RequiredActionTotpSetupTest,
AppInitiatedActionTotpSetupTest): the codes as the Java tests' TimeBasedOTP and HmacOTP compute them, the OTP
and Configure OTP pages read over HTTP (LoginTotpPage, LoginConfigTotpPage, RegisterPage), and AssertEvents'
``expect…().assertEvent()`` over the admin events API. The module set-up is ``group_port``'s, one app for the
module: a port defines the fixtures ``otp_realm`` (its realm, imported once for the module) and ``otp_users``
(the users made anew for each test) and takes ``kc`` and ``events`` from here."""

from __future__ import annotations

import hashlib
import hmac
import html
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

import group_port
from browser_flow import REDIRECT, exchange, form_action, form_fields, start, submit
from group_port import fresh_realm
from keycloak_port import ADMIN, admin_headers, delete, get, poll, post, put, user_id
from wire_env import Env

anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env

APP = "test-app"
SECRET = "password"
USER = "test-user@localhost"
INVALID_TOTP = "Invalid authenticator code."  # Messages.INVALID_TOTP
MISSING_TOTP = "Please specify authenticator code."  # Messages.MISSING_TOTP
DUPLICATE_LABEL = "Device already exists with the same name"
# The Configure OTP page's texts (Keycloak 26's messages_en.properties).
STEP1 = "Install one of the following applications on your mobile"
SCAN = "Open the application and scan this QR-Code"
ENTER_KEY = "Open the application and enter the key"
UNABLE_TO_SCAN = "Unable to scan?"
SCAN_QR = "Scan QR-Code?"
_DIGESTS = {"HmacSHA1": hashlib.sha1, "HmacSHA256": hashlib.sha256, "HmacSHA512": hashlib.sha512}


# --- TimeBasedOTP / HmacOTP ---------------------------------------------------------------------------------
def hotp(secret: str | bytes, counter: int, digits: int = 6, algorithm: str = "HmacSHA1") -> str:
    """HmacOTP.generateHOTP: the key is the secret's bytes (a str is encoded as Java's getBytes does)."""
    key = secret.encode() if isinstance(secret, str) else secret
    mac = hmac.new(key, counter.to_bytes(8, "big"), _DIGESTS[algorithm]).digest()
    offset = mac[-1] & 0x0F
    return str((int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF) % 10**digits).zfill(digits)


def totp(secret: str | bytes, now: int, digits: int = 6, period: int = 30, algorithm: str = "HmacSHA1") -> str:
    """TimeBasedOTP.generateTOTP at the server's time ``now`` (the Java tests' setOtpTimeOffset moves both)."""
    return hotp(secret, now // period, digits, algorithm)


# --- the realm, once a module ---------------------------------------------------------------------------------
# Keycloak's OTPPolicy.DEFAULT_POLICY, as a RealmRepresentation carries it.
DEFAULT_POLICY = {
    "otpPolicyType": "totp",
    "otpPolicyAlgorithm": "HmacSHA1",
    "otpPolicyDigits": 6,
    "otpPolicyPeriod": 30,
    "otpPolicyLookAheadWindow": 1,
    "otpPolicyInitialCounter": 0,
    "otpPolicyCodeReusable": False,
}


# setupOtpPolicyChangedTotp8Digits' policy.
TOTP8_POLICY = {
    "otpPolicyLookAheadWindow": 1,
    "otpPolicyDigits": 8,
    "otpPolicyPeriod": 30,
    "otpPolicyType": "totp",
    "otpPolicyAlgorithm": "HmacSHA1",
    "otpPolicyInitialCounter": 0,
}


def realm_rep(**extra: Any) -> dict[str, Any]:
    """Realm ``test`` with events on and the app (``client_rep``), plus ``extra``."""
    return {"realm": "test", "enabled": True, "eventsEnabled": True, "clients": [client_rep()], **extra}


@pytest.fixture(scope="module")
async def imported(shared_env: Env, otp_realm: dict[str, Any]) -> Env:
    """The port's realm (its ``otp_realm`` fixture), imported once for the module."""
    await fresh_realm(shared_env, otp_realm)
    return shared_env


@pytest.fixture
async def kc(imported: Env, otp_users: list[dict[str, Any]]) -> AsyncIterator[Env]:
    """The module's app for a test, on ``fresh_users`` with the port's ``otp_users``; no cookies left after."""
    await fresh_users(imported, *otp_users)
    yield imported
    imported.http.cookies.clear()


@pytest.fixture
def events(kc: Env) -> Events:
    return Events(kc)


async def fresh_users(env: Env, *users: dict[str, Any]) -> None:
    """What each test starts from, on the realm the module imported once: the Java ``@Before`` (the test user
    removed and created again through the admin API, so with the realm's default required actions) and the
    cleanup of the users a test registered; the OTP policy back to Keycloak's default, no events, no cookies,
    and the clock one period on, so no code an earlier test spent is the current one."""
    env.http.cookies.clear()
    headers = await admin_headers(env)
    for user in await get(env, "/users", max=1000):
        await delete(env, f"/users/{user['id']}")
    for rep in users:
        created = await env.http.post(f"{ADMIN}/users", json=rep, headers=headers)
        assert created.status_code == 201, created.text
    await put(env, "", DEFAULT_POLICY)
    await poll(env)
    env.clock.advance(30)


# --- the pages -----------------------------------------------------------------------------------------------
def otp_credential(secret: str, label: str | None = None) -> dict[str, Any]:
    """UserBuilder.totpSecret: an ``otp`` credential of the default policy (6 digits, 30 s, HmacSHA1)."""
    data = '{"subType":"totp","digits":6,"counter":0,"period":30,"algorithm":"HmacSHA1"}'
    cred = {"type": "otp", "secretData": '{"value":"' + secret + '"}', "credentialData": data}
    return {**cred, "userLabel": label} if label else cred


def client_rep() -> dict[str, Any]:
    return {
        "clientId": APP,
        "secret": SECRET,
        "redirectUris": ["http://127.0.0.1:9999/*"],
        "directAccessGrantsEnabled": True,
    }


def user_rep(username: str = USER, *credentials: dict[str, Any], **extra: Any) -> dict[str, Any]:
    password = {"type": "password", "value": "password", "temporary": False}
    return {"username": username, "email": username, "enabled": True, "credentials": [password, *credentials], **extra}


def input_error(page: httpx.Response) -> str | None:
    """``getInputError()`` of the OTP and Configure OTP pages (the code's or the device name's error)."""
    found = re.search(r'<div id="input-error" class="error">([^<]*)</div>', page.text)
    return html.unescape(found[1]) if found else None


def shows(page: httpx.Response, *texts: str) -> list[bool]:
    """Which of ``texts`` the page shows (the Java tests' ``pageSource.contains``)."""
    return [text in page.text for text in texts]


def is_login_totp_page(page: httpx.Response) -> bool:
    """``loginTotpPage.isCurrent()``."""
    return page.status_code == 200 and 'id="kc-otp-login-form"' in page.text


def is_config_totp_page(page: httpx.Response) -> bool:
    """``totpPage.isCurrent()``: the Configure OTP required action's form."""
    return page.status_code == 200 and 'id="kc-totp-settings-form"' in page.text


def is_login_page(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'id="kc-form-login"' in page.text


def totp_secret(page: httpx.Response) -> str:
    """``totpPage.getTotpSecret()``: the secret the page's hidden ``totpSecret`` carries."""
    found = re.search(r'name="totpSecret" value="([^"]+)"', page.text)
    assert found, page.text[:800]
    return html.unescape(found[1])


def element_text(page: httpx.Response, element_id: str) -> str | None:
    """``driver.findElement(By.id(...)).getText()`` of an element holding only text."""
    found = re.search(rf'id="{element_id}"[^>]*>([^<]*)<', page.text)
    return html.unescape(found[1]) if found else None


def link(page: httpx.Response, element_id: str) -> str | None:
    """The ``href`` of the page's link ``element_id``."""
    for tag in re.findall(r"<a [^>]*>", page.text):
        if f'id="{element_id}"' in tag:
            href = re.search(r'href="([^"]+)"', tag)
            return html.unescape(href[1]) if href else None
    return None


async def click(env: Env, page: httpx.Response, element_id: str) -> httpx.Response:
    """A click on the page's link ``element_id`` (``clickManual``: mode-manual, ``clickBarcode``: mode-barcode,
    ``clickResetLogin``: reset-login, whose redirect a browser follows)."""
    target = link(page, element_id)
    assert target, (element_id, page.text[:800])
    return await env.http.get(target, follow_redirects=True)


async def configure(env: Env, page: httpx.Response, code: str, label: str | None = None) -> httpx.Response:
    """``totpPage.configure(code[, label])``; the "Sign out from other devices" box as the page has it."""
    fields = {"totp": code} | ({"userLabel": label} if label is not None else {})
    return await submit(env.http, page, **fields)


async def open_login(env: Env, **params: str) -> httpx.Response:
    return await start(env.http, "test", APP, **params)


async def login(env: Env, page: httpx.Response, username: str = USER, password: str = "password") -> httpx.Response:
    return await submit(env.http, page, username=username, password=password)


async def register(env: Env, first: str, last: str, email: str, username: str, password: str) -> httpx.Response:
    """``loginPage.open(); loginPage.clickRegister(); registerPage.register(...)``."""
    page = await open_login(env)
    found = re.search(r'<div id="kc-registration"><span>[^<]*<a href="([^"]+)"', page.text)
    assert found, page.text[:800]
    form = await env.http.get(html.unescape(found[1]))
    assert form.status_code == 200 and 'id="kc-register-form"' in form.text, form.text[:800]
    fields = {"firstName": first, "lastName": last, "email": email, "username": username}
    data = {**form_fields(form.text), **fields, "password": password, "password-confirm": password}
    return await env.http.post(form_action(form.text), data=data)


def auth_response(response: httpx.Response) -> dict[str, str]:
    """``appPage.getRequestType() == AUTH_RESPONSE``: the redirect to the client with its parameters."""
    assert response.status_code == 302, (response.status_code, response.text[:800])
    location = httpx.URL(response.headers["location"])
    assert str(location).startswith(REDIRECT.rsplit("/", 1)[0]), location
    return dict(location.params)


async def token_and_logout(env: Env, code: str) -> dict[str, Any]:
    """``sendTokenRequestAndGetResponse`` then ``oauth.logoutForm().idTokenHint(...).withRedirect().open()``:
    the tokens, and the browser logged out (its SSO cookie gone)."""
    tokens = await exchange(env.http, "test", APP, code, secret=SECRET)
    assert tokens.status_code == 200, tokens.text
    params = {"id_token_hint": tokens.json()["id_token"], "post_logout_redirect_uri": REDIRECT}
    out = await env.http.get("/realms/test/protocol/openid-connect/logout", params=params)
    assert out.status_code == 302, (out.status_code, out.text[:500])
    body: dict[str, Any] = tokens.json()
    return body


async def otp_credentials(env: Env, username: str) -> list[dict[str, Any]]:
    """The user's ``otp`` credentials through the admin API (AccountHelper.isTotpPresent and friends)."""
    uid = await user_id(env, username)
    return [c for c in await get(env, f"/users/{uid}/credentials") if c["type"] == "otp"]


async def remove_device(env: Env, username: str) -> None:
    """AccountHelper.deleteTotpAuthentication then AccountHelper.logout: the user's one OTP device removed and
    their sessions ended through the admin API."""
    uid = await user_id(env, username)
    [device] = await otp_credentials(env, username)
    gone = await env.http.delete(f"{ADMIN}/users/{uid}/credentials/{device['id']}", headers=await admin_headers(env))
    assert gone.status_code == 204, gone.text
    await post(env, f"/users/{uid}/logout", None)


# --- AssertEvents ---------------------------------------------------------------------------------------------
class Events:
    """``events.expect…().assertEvent()``: the events since the last poll, read oldest first."""

    def __init__(self, env: Env) -> None:
        self.env, self.pending = env, list[dict[str, Any]]()

    async def clear(self) -> None:
        await poll(self.env)
        self.pending = []

    async def skip(self) -> None:
        """``events.poll()`` for its side effect: the oldest event dropped."""
        await self.next()

    async def next(self) -> dict[str, Any]:
        if not self.pending:
            self.pending.extend(await poll(self.env))
        assert self.pending, "no event"
        return self.pending.pop(0)

    async def expect(
        self, type: str, *, user: str | None = USER, client: str | None = APP, error: str | None = None, **details: Any
    ) -> dict[str, Any]:
        event = await self.next()
        assert (event["type"], event.get("error")) == (type, error), [event, *self.pending]
        assert event.get("clientId") == client, event
        if user is not None:
            assert event.get("userId") == await user_id(self.env, user), event
        for name, value in details.items():
            assert event.get("details", {}).get(name) == value, (name, event)
        return event

    async def expect_login(self, *, user: str = USER, session: str | None = None, **details: Any) -> dict[str, Any]:
        """``expectLogin()``: LOGIN, its session (``.session(id)``) when given, the username detail."""
        event = await self.expect("LOGIN", user=user, auth_method="openid-connect", **details)
        assert event.get("sessionId"), event
        if session is not None:
            assert event["sessionId"] == session, event
        return event

    async def expect_required_action(self, type: str, *, user: str = USER, **details: Any) -> dict[str, Any]:
        """``expectRequiredAction(type).detail(CREDENTIAL_TYPE, otp)``, with its ``code_id`` (``isCodeId()``): the
        root authentication session's id, which the login's user session then takes."""
        event = await self.expect(type, user=user, credential_type="otp", **details)
        assert event.get("details", {}).get("code_id"), event
        return event

    async def none_left(self) -> None:
        left = self.pending + await poll(self.env)
        assert not left, [(e["type"], e.get("error")) for e in left]


async def setup_done_then_logout(
    env: Env, events: Events, code: str, *, user: str = USER, **details: Any
) -> dict[str, Any]:
    """After a setup: UPDATE_TOTP, UPDATE_CREDENTIAL and LOGIN (each with ``details``), then the code exchanged
    and the browser logged out (``token_and_logout``): CODE_TO_TOKEN, and LOGOUT of the LOGIN's session. The
    LOGIN event."""
    await events.expect_required_action("UPDATE_TOTP", user=user, **details)
    await events.expect_required_action("UPDATE_CREDENTIAL", user=user, **details)
    login_event = await events.expect_login(user=user, **details)
    await token_and_logout(env, code)
    await events.expect("CODE_TO_TOKEN", user=user)
    assert (await events.expect("LOGOUT", user=user))["sessionId"] == login_event["sessionId"]
    return login_event
