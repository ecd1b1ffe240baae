"""Keycloak's OAuthGrantTest, OAuthScopeInTokenResponseTest, TokenEndpointCorsTest and LogoutCorsTest, ported
method by method (testsuite/integration-arquillian/tests/base/.../testsuite/oauth/).

The realm is the slice of Keycloak's ``testrealm.json`` in testrealm_slice.py, shared with
test_keycloak_cors_and_response_test.py.

Left out: OAuthGrantTest.oauthGrantDynamicScopeParamRequired (the DYNAMIC_SCOPES preview feature: Doorkeep has
no dynamic, parameterised client scopes).
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from browser_flow import code_from, exchange, login, start, submit
from support import assert_error, claims, password_grant, refresh, token_url, update_client
from testrealm_slice import (
    APP2_REDIRECT,
    INVALID_CORS_URL,
    THIRD_PARTY,
    THIRD_PARTY_BASE,
    USER,
    VALID_CORS_URL,
    admin,
    assert_cors,
    assert_not_cors,
    client_id_of,
    events,
    seed_testrealm,
    user_id_of,
)
from wire_env import Env

pytestmark = pytest.mark.anyio

SCOPES_SHOWN = ["Email address", "User profile", "User roles"]  # OAuthGrantPage's *_CONSENT_TEXT


@pytest.fixture
async def kc(env: Env) -> Env:
    """The slice of testrealm.json these classes use (testrealm_slice.py)."""
    return await seed_testrealm(env)


async def last_login(env: Env, consent: str | None, username: str | None = USER) -> dict[str, Any]:
    """AssertEvents.expectLogin().client(third-party): the newest LOGIN, with its ``consent`` detail."""
    event = (await events(env, "LOGIN"))[0]
    assert event["clientId"] == THIRD_PARTY and event["sessionId"], event
    details = event["details"]
    assert details["auth_method"] == "openid-connect" and details["code_id"] == event["sessionId"], details
    assert details.get("consent") == consent, details
    if username is not None:
        assert details["username"] == username, details
    return event


def grants(page: httpx.Response) -> list[str]:
    """OAuthGrantPage.getDisplayedGrants, after assertCurrent."""
    assert page.status_code == 200 and 'name="accept"' in page.text, (page.status_code, page.text[:300])
    return re.findall(r"<li>([^<]*)</li>", page.text)


async def grant_page(env: Env, **params: str) -> httpx.Response:
    """oauth.doLogin as the third party: the login form, then the consent screen."""
    page = await start(env.http, "test", THIRD_PARTY, **params)
    if page.status_code == 200 and 'name="password"' in page.text:
        page = await submit(env.http, page, username=USER, password="password")
    return page


async def consents(env: Env) -> list[dict[str, Any]]:
    """AccountHelper.getUserConsents: the admin API's list for the user."""
    listed: list[dict[str, Any]] = (
        await admin(env, "GET", f"/users/{await user_id_of(env, USER)}/consents", status=200)
    ).json()
    return listed


async def revoke_by_admin(env: Env) -> None:
    """AccountHelper.revokeConsents: ``DELETE /users/{id}/consents/{clientId}``."""
    await admin(env, "DELETE", f"/users/{await user_id_of(env, USER)}/consents/{THIRD_PARTY}")


async def new_client_scope(env: Env, name: str) -> str:
    created = await admin(env, "POST", "/client-scopes", {"name": name, "protocol": "openid-connect"}, status=201)
    return created.headers["location"].rsplit("/", 1)[-1]


# --- OAuthGrantTest ---------------------------------------------------------------------------------
async def test_oauth_grant_accept_test(kc: Env) -> None:
    """OAuthGrantTest.oauthGrantAcceptTest"""
    page = await grant_page(kc)
    assert sorted(grants(page)) == SCOPES_SHOWN
    params = code_from(await submit(kc.http, page, accept="yes"))
    login_event = await last_login(kc, "consent_granted")
    body = (await exchange(kc.http, "test", THIRD_PARTY, params["code"], secret="password")).json()
    token = claims(body["access_token"])
    assert token["sid"] == login_event["sessionId"]
    assert token["realm_access"]["roles"] == ["user"]
    assert token["resource_access"] == {"test-app": {"roles": ["customer-user"]}}
    (code_to_token,) = await events(kc, "CODE_TO_TOKEN")
    assert code_to_token["clientId"] == THIRD_PARTY and code_to_token["sessionId"] == login_event["sessionId"]
    assert code_to_token["details"]["code_id"] == login_event["details"]["code_id"]
    await revoke_by_admin(kc)
    assert await consents(kc) == []


async def test_oauth_grant_cancel_test(kc: Env) -> None:
    """OAuthGrantTest.oauthGrantCancelTest"""
    page = await grant_page(kc)
    assert sorted(grants(page)) == SCOPES_SHOWN
    params = code_from(await submit(kc.http, page, cancel="no"))
    assert params["error"] == "access_denied" and "code" not in params
    (event,) = await events(kc, "LOGIN_ERROR")
    assert (event["clientId"], event["error"], event.get("sessionId")) == (THIRD_PARTY, "rejected_by_user", None)
    assert event["userId"] == await user_id_of(kc, USER)
    assert "consent" not in event["details"] and event["details"]["username"] == USER
    assert await events(kc, "LOGIN") == []


async def test_oauth_grant_not_shown_when_already_granted(kc: Env) -> None:
    """OAuthGrantTest.oauthGrantNotShownWhenAlreadyGranted (the grant revoked through the account REST API,
    as its older version did on the account page: a REVOKE_GRANT by ``account``)"""
    first = code_from(await submit(kc.http, await grant_page(kc), accept="yes"))
    await last_login(kc, "consent_granted")
    granted = (await consents(kc))[0]["grantedClientScopes"]
    assert "profile" in granted and "email" in granted
    again = code_from(await start(kc.http, "test", THIRD_PARTY))  # no screen: the app's page
    assert "code" in again
    await last_login(kc, "persistent_consent", username=None)
    token = (await password_grant(kc.http, "test", "test-app", USER, secret="password")).json()["access_token"]
    revoked = await kc.http.delete(
        f"/realms/test/account/applications/{THIRD_PARTY}/consent", headers={"Authorization": f"Bearer {token}"}
    )
    assert revoked.status_code == 204, revoked.text
    (revoke,) = await events(kc, "REVOKE_GRANT")
    assert revoke["details"] == {"revoked_client": THIRD_PARTY}
    assert await consents(kc) == []
    assert sorted(grants(await start(kc.http, "test", THIRD_PARTY))) == SCOPES_SHOWN
    assert first["session_state"]


async def test_oauth_grant_add_another_scope(kc: Env) -> None:
    """OAuthGrantTest.oauthGrantAddAnotherScope"""
    page = await grant_page(kc)
    foo = await new_client_scope(kc, "foo-scope")
    await admin(kc, "PUT", f"/clients/{await client_id_of(kc, THIRD_PARTY)}/default-client-scopes/{foo}")
    code_from(await submit(kc.http, page, accept="yes"))  # the screen shown before foo-scope was added
    await last_login(kc, "consent_granted")
    assert "foo-scope" not in (await consents(kc))[0]["grantedClientScopes"]
    page = await start(kc.http, "test", THIRD_PARTY)
    assert grants(page) == ["foo-scope"]
    code_from(await submit(kc.http, page, accept="yes"))
    await last_login(kc, "consent_granted")
    assert "foo-scope" in (await consents(kc))[0]["grantedClientScopes"]
    await revoke_by_admin(kc)
    assert await consents(kc) == []


async def test_oauth_grant_scope_param_required(kc: Env) -> None:
    """OAuthGrantTest.oauthGrantScopeParamRequired"""
    foo = await new_client_scope(kc, "foo-scope")
    await admin(kc, "PUT", f"/clients/{await client_id_of(kc, THIRD_PARTY)}/optional-client-scopes/{foo}")
    page = await grant_page(kc)
    assert "foo-scope" not in grants(page)
    assert code_from(await submit(kc.http, page, cancel="no"))["error"] == "access_denied"
    (refused,) = await events(kc, "LOGIN_ERROR")
    assert (refused["error"], refused.get("sessionId")) == ("rejected_by_user", None)
    page = await grant_page(kc, scope="openid foo-scope")
    assert "foo-scope" in grants(page)
    code_from(await submit(kc.http, page, accept="yes"))
    await last_login(kc, "consent_granted")
    await revoke_by_admin(kc)
    assert await consents(kc) == []


async def test_oauth_grant_client_scope_mappers(kc: Env) -> None:
    """OAuthGrantTest.oauthGrantClientScopeMappers"""
    foo = await new_client_scope(kc, "foo-addr")
    mapper = {
        "name": "address",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-address-mapper",
        "config": {"id.token.claim": "true", "access.token.claim": "true", "userinfo.token.claim": "true"},
    }
    await admin(kc, "POST", f"/client-scopes/{foo}/protocol-mappers/models", mapper, status=201)
    await admin(kc, "PUT", f"/clients/{await client_id_of(kc, THIRD_PARTY)}/default-client-scopes/{foo}")
    page = await grant_page(kc)
    assert sorted(grants(page)) == [*SCOPES_SHOWN, "foo-addr"]
    code_from(await submit(kc.http, page, accept="yes"))
    await last_login(kc, "consent_granted")
    (consent,) = await consents(kc)
    assert consent["clientId"] == THIRD_PARTY and "foo-addr" in consent["grantedClientScopes"]
    assert "code" in code_from(await start(kc.http, "test", THIRD_PARTY))
    await last_login(kc, "persistent_consent", username=None)
    await revoke_by_admin(kc)
    assert await consents(kc) == []


async def test_oauth_grant_expired_auth_session(kc: Env) -> None:
    """OAuthGrantTest.oauthGrantExpiredAuthSession"""
    page = await grant_page(kc)
    grants(page)
    kc.http.cookies.clear()  # driver.manage().deleteAllCookies()
    expired = await submit(kc.http, page, accept="yes")
    assert expired.status_code == 400 and 'name="accept"' not in expired.text  # ErrorPage: 400
    assert "Cookie not found. Please make sure cookies are enabled in your browser." in expired.text
    (event,) = await events(kc, "LOGIN_ERROR")  # LoginTest: the error is cookie_not_found
    assert (event["error"], event["clientId"]) == ("cookie_not_found", THIRD_PARTY)
    link = re.search(r'<a id="backToApplication" href="([^"]+)"', expired.text)
    assert link is not None, expired.text[:1500]
    assert link.group(1).replace("&amp;", "&") == THIRD_PARTY_BASE


async def test_oauth_grant_ordered_client_scopes(kc: Env) -> None:
    """OAuthGrantTest.oauthGrantOrderedClientScopes"""
    scopes = (await admin(kc, "GET", "/client-scopes", status=200)).json()
    email = next(s for s in scopes if s["name"] == "email")
    profile = next(s for s in scopes if s["name"] == "profile")

    async def order(scope: dict[str, Any], value: str) -> None:
        scope["attributes"]["gui.order"] = value
        await admin(kc, "PUT", f"/client-scopes/{scope['id']}", scope)

    await order(email, "1")
    await order(profile, "2")
    page = await grant_page(kc)
    assert grants(page)[:2] == ["Email address", "User profile"]
    code_from(await submit(kc.http, page, accept="yes"))
    await order(email, "3")
    await revoke_by_admin(kc)
    assert grants(await start(kc.http, "test", THIRD_PARTY))[:2] == ["User profile", "Email address"]


async def test_oauth_grant_user_not_logged_out_after_consent_revoke(kc: Env) -> None:
    """OAuthGrantTest.oauthGrantUserNotLoggedOutAfterConsentRevoke"""
    page = await grant_page(kc)
    assert sorted(grants(page)) == SCOPES_SHOWN
    assert "code" in code_from(await submit(kc.http, page, accept="yes"))
    session_id = (await last_login(kc, "consent_granted"))["sessionId"]
    await revoke_by_admin(kc)
    page = await start(kc.http, "test", THIRD_PARTY)  # no password asked: the SSO session is still there
    assert sorted(grants(page)) == SCOPES_SHOWN
    code_from(await submit(kc.http, page, accept="yes"))
    assert (await last_login(kc, "consent_granted"))["sessionId"] == session_id
    await revoke_by_admin(kc)


# --- OAuthScopeInTokenResponseTest ------------------------------------------------------------------
async def scope_of_code(env: Env, user: str, expected: str, **params: str) -> None:
    """expectSuccessfulResponseFromTokenEndpoint: the code's token response names exactly these scopes; then
    the refresh token logs the session out."""
    code = (await login(env.http, "test", "test-app", user, **params))["code"]
    response = await exchange(env.http, "test", "test-app", code, secret="password")
    assert response.status_code == 200, response.text
    assert sorted(response.json()["scope"].split(" ")) == sorted(expected.split(" "))
    form = {"client_id": "test-app", "client_secret": "password", "refresh_token": response.json()["refresh_token"]}
    assert (await env.http.post(token_url("test", "logout"), data=form)).status_code == 204


async def without_default_scopes(env: Env) -> None:
    app = await client_id_of(env, "test-app")
    for scope in (await admin(env, "GET", f"/clients/{app}/default-client-scopes", status=200)).json():
        await admin(env, "DELETE", f"/clients/{app}/default-client-scopes/{scope['id']}")


async def test_specify_no_scope_test(kc: Env) -> None:
    """OAuthScopeInTokenResponseTest.specifyNoScopeTest"""
    await scope_of_code(kc, "john-doh@localhost", "openid profile email")


async def test_specify_empty_scope_test(kc: Env) -> None:
    """OAuthScopeInTokenResponseTest.specifyEmptyScopeTest"""
    await scope_of_code(kc, "john-doh@localhost", "openid profile email", scope="openid ")


async def test_fail_code_not_existing_scope(kc: Env) -> None:
    """OAuthScopeInTokenResponseTest.failCodeNotExistingScope"""
    await without_default_scopes(kc)
    for scope in ("user openid phone", "user"):
        response = await start(kc.http, "test", "test-app", scope=scope)
        assert response.status_code == 302, response.text[:300]
        query = parse_qs(urlsplit(response.headers["location"]).query)
        assert query["error"] == ["invalid_scope"]
        assert query["error_description"][0].startswith("Invalid scopes")
    await scope_of_code(kc, "john-doh@localhost", "phone", scope="phone")
    code = (await login(kc.http, "test", "test-app", "john-doh@localhost", scope=""))["code"]
    response = await exchange(kc.http, "test", "test-app", code, secret="password")
    assert response.status_code == 200 and response.json()["scope"] == "", response.text


async def test_fail_token_not_existing_scope(kc: Env) -> None:
    """OAuthScopeInTokenResponseTest.failTokenNotExistingScope"""
    await without_default_scopes(kc)
    for scope in ("user phone", "user"):
        refused = await password_grant(
            kc.http, "test", "test-app", "john-doh@localhost", secret="password", scope=scope
        )
        assert_error(refused, 400, "invalid_scope")
    granted = await password_grant(kc.http, "test", "test-app", "john-doh@localhost", secret="password")
    assert granted.status_code == 200 and granted.json()["access_token"], granted.text


async def test_specify_multiple_scope_test(kc: Env) -> None:
    """OAuthScopeInTokenResponseTest.specifyMultipleScopeTest"""
    await scope_of_code(kc, "rich.roles@redhat.com", "openid profile email address", scope="openid address")


async def test_specify_multiple_existing_scopes_test(kc: Env) -> None:
    """OAuthScopeInTokenResponseTest.specifyMultipleExistingScopesTest"""
    user_scope = await new_client_scope(kc, "user")
    await admin(kc, "PUT", f"/clients/{await client_id_of(kc, 'test-app')}/optional-client-scopes/{user_scope}")
    expected = "openid profile email address phone"
    await scope_of_code(kc, "john-doh@localhost", expected, scope="openid address phone")
    await scope_of_code(kc, "john-doh@localhost", expected + " user", scope="openid user address phone")


# --- TokenEndpointCorsTest --------------------------------------------------------------------------
async def test_preflight_request(kc: Env) -> None:
    """TokenEndpointCorsTest.preflightRequest"""
    response = await kc.http.options(token_url("test"), headers={"Origin": "http://example.com"})
    assert response.status_code == 200
    assert set(response.headers["Access-Control-Allow-Methods"].split(", ")) == {"POST", "OPTIONS"}


async def test_access_token_cors_request(kc: Env) -> None:
    """TokenEndpointCorsTest.accessTokenCorsRequest"""
    origin = {"Origin": VALID_CORS_URL}
    code = (await login(kc.http, "test", "test-app2", USER, redirect_uri=APP2_REDIRECT))["code"]
    form = {"grant_type": "authorization_code", "client_id": "test-app2", "code": code, "redirect_uri": APP2_REDIRECT}
    response = await kc.http.post(token_url("test"), data=form, headers=origin)
    assert response.status_code == 200, response.text
    assert_cors(response)
    response = await refresh(kc.http, "test", "test-app2", response.json()["refresh_token"], secret=None)
    assert response.status_code == 200
    assert_not_cors(response)  # no Origin sent: none echoed
    form = {"grant_type": "refresh_token", "client_id": "test-app2", "refresh_token": response.json()["refresh_token"]}
    response = await kc.http.post(token_url("test"), data=form, headers=origin)
    assert response.status_code == 200
    assert_cors(response)
    form["refresh_token"] = response.json()["refresh_token"]
    response = await kc.http.post(token_url("test"), data=form, headers={"Origin": INVALID_CORS_URL})
    assert response.status_code == 200
    assert_not_cors(response)
    form["refresh_token"] = response.json()["refresh_token"]
    logout = await kc.http.get(token_url("test", "logout"), params={"id_token_hint": response.json()["id_token"]})
    assert logout.status_code == 200, logout.text[:300]
    response = await kc.http.post(token_url("test"), data=form, headers=origin)
    assert_error(response, 400, "invalid_grant", "Session not active")
    assert_cors(response)


async def test_access_token_resource_owner_cors_request(kc: Env) -> None:
    """TokenEndpointCorsTest.accessTokenResourceOwnerCorsRequest (401 for the wrong password, as
    ValidatePassword answers and the test asserts at 898fdedc)"""

    async def grant(password: str) -> httpx.Response:
        form = {"grant_type": "password", "client_id": "test-app2", "username": USER, "password": password}
        return await kc.http.post(token_url("test"), data=form, headers={"Origin": VALID_CORS_URL})

    response = await grant("password")
    assert response.status_code == 200, response.text
    assert_cors(response)
    response = await grant("invalid")
    assert_error(response, 401, "invalid_grant", "Invalid user credentials")
    assert_cors(response)


async def test_access_token_with_confidential_client_cors_request(kc: Env) -> None:
    """TokenEndpointCorsTest.accessTokenWithConfidentialClientCorsRequest"""

    async def grant(secret: str, origin: str) -> httpx.Response:
        form = {"grant_type": "password", "client_id": "direct-grant", "client_secret": secret}
        form |= {"username": USER, "password": "password"}
        return await kc.http.post(token_url("test"), data=form, headers={"Origin": origin})

    response = await grant("password", VALID_CORS_URL)
    assert response.status_code == 200, response.text
    assert_cors(response)
    response = await grant("invalid", VALID_CORS_URL)
    assert_error(response, 401, "unauthorized_client", "Invalid client or Invalid client credentials")
    assert_cors(response)
    response = await grant("password", INVALID_CORS_URL)
    assert response.status_code == 200
    assert_not_cors(response)


# --- LogoutCorsTest ---------------------------------------------------------------------------------
async def logged_in(env: Env) -> str:
    """LogoutCorsTest.loginUser, after clientConfiguration added the valid origin to test-app."""
    await update_client(env.db, "test", "test-app", web_origins=(VALID_CORS_URL,))
    code = (await login(env.http, "test", "test-app", USER))["code"]
    response = await exchange(env.http, "test", "test-app", code, secret="password")
    assert response.status_code == 200, response.text
    return str(response.json()["refresh_token"])


async def logout(env: Env, refresh_token: str, origin: str, secret: str = "password") -> httpx.Response:
    form = {"client_id": "test-app", "client_secret": secret, "refresh_token": refresh_token}
    return await env.http.post(token_url("test", "logout"), data=form, headers={"Origin": origin})


async def test_post_logout_valid_request_with_valid_origin(kc: Env) -> None:
    """LogoutCorsTest.postLogout_validRequestWithValidOrigin"""
    response = await logout(kc, await logged_in(kc), VALID_CORS_URL)
    assert response.status_code == 204
    assert_cors(response)


async def test_post_logout_valid_request_with_in_valid_origin_should_fail(kc: Env) -> None:
    """LogoutCorsTest.postLogout_validRequestWithInValidOriginShouldFail"""
    response = await logout(kc, await logged_in(kc), INVALID_CORS_URL)
    assert response.status_code == 204
    assert_not_cors(response)


async def test_post_logout_invalid_request_with_valid_origin(kc: Env) -> None:
    """LogoutCorsTest.postLogout_invalidRequestWithValidOrigin"""
    refresh_token = await logged_in(kc)
    response = await logout(kc, "invalid-refresh-token", VALID_CORS_URL)
    assert_error(response, 400, "invalid_grant", "Invalid refresh token")
    assert_cors(response)
    response = await logout(kc, refresh_token, VALID_CORS_URL, secret="invalid-secret")
    assert_error(response, 401, "unauthorized_client", "Invalid client or Invalid client credentials")
    assert_cors(response)
