"""Keycloak's RestartCookieTest (testsuite/integration-arquillian/tests/base/.../forms/RestartCookieTest.java) over
HTTP, on LoginTest's realm (``tests/login_test_realm.py``), and the KC_RESTART behaviour around it.

The KC_RESTART cookie holds the login's request (client, redirect URI, client notes) as an HS512 JWT encrypted in
a ``dir`` / ``A128CBC-HS256`` JWE made as Keycloak's TokenUtil.jweDirectEncode makes it: AES-128-CBC under the
realm's active AES key, the tag HMAC-SHA-256 under its whole active HMAC secret. Keycloak's test decrypts it on the
server with the realm's keys; here the test reads both keys from the store and opens the JWE by hand (with
``cryptography``'s AES and ``hmac``, not Doorkeep's code). The two
backwards-compatible tests sign Keycloak 3.1's cookie JSON with an HS256 key the test adds as Keycloak's does
(``afterAbstractKeycloakTestRealmImport``), with and without ``kid``; its secret is read from the store too
(``testingClient.server().fetchString``).

Every Java @Test is ported. Beyond them: the restart after the authentication session expired, the cookie's
attributes and its removal once the login is done, no cookie for ``prompt=none``, and the refusals
(``invalid_code``): a tampered cookie, another realm's, one naming another client than the form's URL.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import AsyncIterator
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from browser_flow import REDIRECT, followed, form_action, form_fields, start
from keycloak_port import forget, get, import_realm, one_event, poll, post
from login_test_realm import (
    APP,
    COOKIE_NOT_FOUND,
    LOGIN_TIMEOUT,
    auth_response,
    error,
    error_page_text,
    expect_login_error,
    is_login_page,
    login,
    mark_start,
    open_login_form,
    realm_rep,
    set_time_offset,
)
from wire_env import Env

pytestmark = pytest.mark.anyio

RESTART = "KC_RESTART"
INVALID_CODE = "An error occurred, please login again through your application."  # Messages.INVALID_CODE
# KC_RESTART cookie from Keycloak 3.1.0 (RestartCookieTest.OLD_RESTART_COOKIE_JSON)
OLD_RESTART_COOKIE = {
    "cs": "874a1ea8-5579-4f21-add0-903dd8e3ec1b",
    "cid": "test-app",
    "pty": "openid-connect",
    "ruri": "http://localhost:8081/auth/realms/master/app/auth",
    "act": "AUTHENTICATE",
    "notes": {
        "auth_type": "code",
        "scope": "openid",
        "iss": "http://localhost:8081/auth/realms/master/app/auth",
        "response_type": "code",
        "redirect_uri": "http://localhost:8081/auth/realms/master/app/auth/",
        "state": "6c983e5b-2dc1-411a-9ed1-0f51095949c5",
        "code_challenge_method": "plain",
        "nonce": "65639660-99b2-4cdf-bc9f-9978fdce5b03",
        "response_mode": "fragment",
    },
}
# RestartCookieTest.sensitiveNotes (AuthorizationEndpoint.LOGIN_SESSION_NOTE_ADDITIONAL_REQ_PARAMS_PREFIX too)
SENSITIVE = {"client_assertion_type", "client_assertion", "client_secret"}
SENSITIVE_NOTES = SENSITIVE | {"client_request_param_" + name for name in SENSITIVE}


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    """LoginTest's realm with events, and the HS256 key RestartCookieTest adds for the old cookie formats."""
    await import_realm(env, realm_rep())
    hs256 = {
        "name": "hmac-generated-256",
        "parentId": (await get(env, ""))["id"],
        "providerId": "hmac-generated",
        "providerType": "org.keycloak.keys.KeyProvider",
        "config": {"priority": ["100"], "algorithm": ["HS256"]},
    }
    await post(env, "/components", hs256, status=201)
    await poll(env)
    mark_start(env)
    yield env
    forget(env)


async def hmac_key(env: Env, realm: str, algorithm: str) -> tuple[str, bytes]:
    """The realm's active secret key of ``algorithm`` (kid, secret), HMAC or AES, as the key manager picks it."""
    async with env.db.transaction() as tx:
        found = await tx.realms.get_by_name(realm)
        assert found is not None
        keys = [k for k in await tx.keys.list(found.id) if k.algorithm == algorithm and k.status == "active"]
    key = sorted(keys, key=lambda k: (-k.priority, k.component_id))[0]
    return key.kid, base64.urlsafe_b64decode(key.private + "=" * (-len(key.private) % 4))


def open_jwe(value: str, aes: bytes, mac: bytes) -> bytes:
    """TokenUtil.jweDirectVerifyAndDecode worked out by hand: the tag is HMAC-SHA-256 under the whole realm HMAC
    secret over AAD || IV || ciphertext || AL, its first 16 octets; the content is AES-128-CBC under the AES key."""
    protected, cek, iv, ciphertext, tag = value.split(".")
    assert json.loads(unb64(protected)) == {"alg": "dir", "enc": "A128CBC-HS256"} and cek == ""
    aad = protected.encode()
    signed = aad + unb64(iv) + unb64(ciphertext) + (len(aad) * 8).to_bytes(8, "big")
    assert hmac.compare_digest(unb64(tag), hmac.new(mac, signed, hashlib.sha256).digest()[:16])
    decryptor = Cipher(algorithms.AES(aes), modes.CBC(unb64(iv))).decryptor()
    padded = decryptor.update(unb64(ciphertext)) + decryptor.finalize()
    unpadder = padding.PKCS7(128).unpadder()
    return unpadder.update(padded) + unpadder.finalize()


def unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def restart_cookie(response: httpx.Response) -> str | None:
    """The Set-Cookie header of KC_RESTART in ``response``, if any."""
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(RESTART + "="):
            return header
    return None


async def decrypted(env: Env, value: str, realm: str = "test") -> dict[str, Any]:
    """``assertRestartCookie``'s decoding: the JWE opened with the realm's keys, its JWT's signature checked."""
    kid, secret = await hmac_key(env, realm, "HS512")
    _, aes = await hmac_key(env, realm, "AES")
    inner = open_jwe(value, aes, secret).decode()
    assert jwt.get_unverified_header(inner) == {"alg": "HS512", "typ": "JWT", "kid": kid}
    claims: dict[str, Any] = jwt.decode(inner, secret, algorithms=["HS512"])
    return claims


def legacy(content: dict[str, Any], secret: bytes, kid: str | None) -> str:
    """``new JWSBuilder().kid(kid).content(json).hmac256(secret)``: a cookie of Keycloak 3.1 (1.9 without kid)."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    header = {"alg": "HS256", "typ": "JWT", **({"kid": kid} if kid else {})}
    signing_input = b64(json.dumps(header).encode()) + "." + b64(json.dumps(content, separators=(",", ":")).encode())
    return signing_input + "." + b64(hmac.new(secret, signing_input.encode(), hashlib.sha256).digest())


async def post_with_only(env: Env, page: httpx.Response, cookie: str, **fields: str) -> httpx.Response:
    """``driver.manage().deleteAllCookies(); addCookie(KC_RESTART)`` then ``loginPage.login``: the page's form
    posted with the KC_RESTART cookie alone."""
    env.http.cookies.clear()
    data = {**form_fields(page.text), **fields}
    return await env.http.post(form_action(page.text), data=data, headers={"Cookie": f"{RESTART}={cookie}"})


async def test_restart_cookie(kc: Env) -> None:
    """testRestartCookie: the login page sets KC_RESTART, the realm's keys open it, no sensitive note is in it."""
    page = await open_login_form(kc)
    assert is_login_page(page)
    claims = await decrypted(kc, kc.http.cookies[RESTART])
    assert not SENSITIVE_NOTES & set(claims["notes"])
    assert (claims["cid"], claims["pty"], claims["ruri"], claims["act"]) == (
        APP,
        "openid-connect",
        REDIRECT,
        "AUTHENTICATE",
    )
    notes = claims["notes"]
    assert (notes["response_type"], notes["scope"], notes["state"]) == ("code", "openid", "st4te")
    assert notes["redirect_uri"] == REDIRECT  # REDIRECT_URI_PARAM: the request sent it


async def test_an_aes_key_larger_than_aes_takes_encrypts_with_its_first_16_bytes(kc: Env) -> None:
    """aes-generated accepts secretSize 64 (the shared Secret size list); Keycloak's login then fails on the
    key's length, Doorkeep's encrypts KC_RESTART with the key's first 16 bytes and reads it back."""
    big = {
        "name": "aes-64",
        "parentId": (await get(kc, ""))["id"],
        "providerId": "aes-generated",
        "providerType": "org.keycloak.keys.KeyProvider",
        "config": {"priority": ["1000"], "secretSize": ["64"]},
    }
    await post(kc, "/components", big, status=201)
    page = await open_login_form(kc, state="big")
    assert is_login_page(page)
    _, aes = await hmac_key(kc, "test", "AES")
    _, secret = await hmac_key(kc, "test", "HS512")
    assert len(aes) == 64
    inner = open_jwe(kc.http.cookies[RESTART], aes[:16], secret).decode()
    assert jwt.decode(inner, secret, algorithms=["HS512"])["notes"]["state"] == "big"
    set_time_offset(kc, 5000)  # the restart reads the cookie back
    again = await followed(kc.http, await login(kc, page, "login-test"))
    assert is_login_page(again) and error(again) == LOGIN_TIMEOUT


async def test_restart_cookie_with_par(kc: Env) -> None:
    """testRestartCookieWithPar: a pushed request of a confidential client (its secret sent in the form) leaves
    no secret in KC_RESTART."""
    client = {
        "clientId": "par-confidential-client",
        "secret": "secret",
        "redirectUris": ["http://127.0.0.1:9999/*"],
        "attributes": {"require.pushed.authorization.requests": "true"},
    }
    await post(kc, "/clients", client, status=201)
    pushed = await kc.http.post(
        "/realms/test/protocol/openid-connect/ext/par/request",
        data={
            "client_id": "par-confidential-client",
            "client_secret": "secret",
            "redirect_uri": REDIRECT,
            "response_type": "code",
            "scope": "openid",
        },
    )
    assert pushed.status_code == 201, pushed.text
    query = {"client_id": "par-confidential-client", "request_uri": pushed.json()["request_uri"]}
    page = await kc.http.get(
        "/realms/test/protocol/openid-connect/auth", params={**query, "state": "testRestartCookieWithPar"}
    )
    assert is_login_page(page), page.text[:500]
    claims = await decrypted(kc, kc.http.cookies[RESTART])
    assert claims["cid"] == "par-confidential-client"
    assert not SENSITIVE_NOTES & set(claims["notes"]), claims["notes"]
    assert "secret" not in json.dumps(claims)


async def test_restart_cookie_backwards_compatible_keycloak25(kc: Env) -> None:
    """testRestartCookieBackwardsCompatible_Keycloak25: Keycloak 3.1's cookie, an HS256 JWS with the key's kid,
    restarts the login: the login page again with LOGIN_TIMEOUT, a LOGIN_ERROR expired_code."""
    kid, secret = await hmac_key(kc, "test", "HS256")
    page = await open_login_form(kc)
    again = await followed(
        kc.http, await post_with_only(kc, page, legacy(OLD_RESTART_COOKIE, secret, kid), username="foo", password="bar")
    )
    assert is_login_page(again) and error(again) == LOGIN_TIMEOUT
    event = await expect_login_error(kc, "expired_code", None, restart_after_timeout="true")
    assert event["clientId"] == APP


async def test_restart_cookie_backwards_compatible_keycloak19(kc: Env) -> None:
    """testRestartCookieBackwardsCompatible_Keycloak19: the same cookie without kid (Keycloak 1.9.8) is checked
    with the realm's active key of its algorithm."""
    _, secret = await hmac_key(kc, "test", "HS256")
    page = await open_login_form(kc)
    again = await followed(
        kc.http,
        await post_with_only(kc, page, legacy(OLD_RESTART_COOKIE, secret, None), username="foo", password="bar"),
    )
    assert is_login_page(again) and error(again) == LOGIN_TIMEOUT
    event = await expect_login_error(kc, "expired_code", None, restart_after_timeout="true")
    assert event["clientId"] == APP


async def test_restart_cookie_attributes_and_removal_after_login(kc: Env) -> None:
    """KC_RESTART is a browser-session cookie on the realm's path, HttpOnly (CookieType.AUTH_RESTART, SameSite
    Lax over plain HTTP); once the login is done it is expired with the authentication session."""
    page = await open_login_form(kc)
    written = restart_cookie(page)
    assert written is not None
    attributes = {a.strip().split("=")[0].lower() for a in written.split(";")[1:]}
    assert attributes == {"httponly", "path", "samesite"}, written
    assert "Path=/realms/test/" in written and "SameSite=Lax" in written
    done = await login(kc, page, "login-test")
    assert "code" in auth_response(done)
    expired = restart_cookie(done)
    assert expired is not None and "Max-Age=0" in expired, expired
    assert RESTART not in kc.http.cookies


async def test_no_restart_cookie_for_passive_request(kc: Env) -> None:
    """A ``prompt=none`` request does not set KC_RESTART (handleBrowserAuthenticationRequest's isPassive)."""
    passive = await start(kc.http, "test", APP, prompt="none")
    assert passive.status_code == 302 and "error=login_required" in passive.headers["location"]
    assert restart_cookie(passive) is None


async def test_expired_login_restarts_from_cookie_and_finishes(kc: Env) -> None:
    """The form of an expired authentication session restarts from KC_RESTART: LOGIN_TIMEOUT and the
    LOGIN_ERROR (expired_code, restart_after_timeout); the restarted login ends at the request's redirect URI
    with its state."""
    page = await open_login_form(kc, state="mine")
    set_time_offset(kc, 5000)
    again = await followed(kc.http, await login(kc, page, "login-test"))
    assert is_login_page(again) and error(again) == LOGIN_TIMEOUT
    event = await expect_login_error(kc, "expired_code", None, restart_after_timeout="true")
    assert event["clientId"] == APP
    done = auth_response(await login(kc, again, "login-test"))
    assert done["state"] == "mine" and "code" in done


async def test_expired_login_without_restart_cookie_is_cookie_not_found(kc: Env) -> None:
    """Without KC_RESTART the expired login cannot restart: "Cookie not found", LOGIN_ERROR cookie_not_found."""
    page = await open_login_form(kc)
    kc.http.cookies.delete(RESTART)
    set_time_offset(kc, 5000)
    refused = await login(kc, page, "login-test")
    assert refused.status_code == 400 and error_page_text(refused) == COOKIE_NOT_FOUND
    event = await one_event(kc)
    assert (event["type"], event["error"]) == ("LOGIN_ERROR", "cookie_not_found")


async def test_lost_auth_session_cookie_restarts_from_restart_cookie(kc: Env) -> None:
    """Only KC_RESTART left (AUTH_SESSION_ID gone): the login restarts in a new authentication session."""
    page = await open_login_form(kc)
    again = await followed(
        kc.http, await post_with_only(kc, page, kc.http.cookies[RESTART], username="login-test", password="password")
    )
    assert is_login_page(again) and error(again) == LOGIN_TIMEOUT
    await expect_login_error(kc, "expired_code", None, restart_after_timeout="true")
    assert "code" in auth_response(await login(kc, again, "login-test"))


async def test_tampered_restart_cookie_is_invalid_code(kc: Env) -> None:
    """A KC_RESTART whose ciphertext (or an old cookie whose signature) was changed: "An error occurred…" and a
    LOGIN_ERROR invalid_code; nobody is logged in."""
    page = await open_login_form(kc)
    value = kc.http.cookies[RESTART]
    head, empty, iv, ciphertext, tag = value.split(".")
    flipped = ciphertext[:10] + ("A" if ciphertext[10] != "A" else "B") + ciphertext[11:]
    _, secret = await hmac_key(kc, "test", "HS256")
    for forged in (
        ".".join((head, empty, iv, flipped, tag)),
        legacy(OLD_RESTART_COOKIE, secret + b"x", None),
        "not-a-cookie",
    ):
        refused = await post_with_only(kc, page, forged, username="login-test", password="password")
        assert refused.status_code == 400 and error_page_text(refused) == INVALID_CODE
        await expect_login_error(kc, "invalid_code", None)


async def test_restart_cookie_of_another_realm_is_invalid_code(kc: Env) -> None:
    """Another realm's KC_RESTART (its own keys) does not restart this realm's login, the same client id
    notwithstanding."""
    await import_realm(kc, {**realm_rep(), "realm": "other"})
    assert is_login_page(await start(kc.http, "other", APP))
    foreign = kc.http.cookies.get(RESTART, path="/realms/other/")
    assert foreign is not None
    page = await open_login_form(kc)
    refused = await post_with_only(kc, page, foreign, username="login-test", password="password")
    assert refused.status_code == 400 and error_page_text(refused) == INVALID_CODE
    await expect_login_error(kc, "invalid_code", None)


async def test_restart_cookie_of_another_client_is_invalid_code(kc: Env) -> None:
    """RestartLoginCookie.restartSession restarts only for the client the form's URL names."""
    await open_login_form(kc)
    value = kc.http.cookies[RESTART]
    other = await open_login_form(kc, "third-party")
    assert is_login_page(other)
    refused = await post_with_only(kc, other, value, username="login-test", password="password")
    assert refused.status_code == 400 and error_page_text(refused) == INVALID_CODE
    await expect_login_error(kc, "invalid_code", None)
