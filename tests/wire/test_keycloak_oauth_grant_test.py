"""Keycloak's OAuthGrantTest (testsuite/integration-arquillian/tests/base/.../oauth/OAuthGrantTest.java) over
HTTP: the consent screen of ``third-party`` (its title, the scope texts as OAuthGrantPage reads them from
``#kc-oauth li span``, their GUI order), accept and cancel, the consent stored and listed by the admin API
(``users/{id}/consents``) and revoked there (AccountHelper.revokeConsents), and the LOGIN / LOGIN_ERROR /
CODE_TO_TOKEN events as AssertEvents expects them (``consent``, ``code_id``, ``username``, the session).

The realm is the slice of Keycloak's ``testrealm.json`` in testrealm_slice.py. The Java test's page objects
become HTML reads; ``driver.manage().deleteAllCookies()`` is the HTTP client's cookie jar cleared.

Not ported:
* oauthGrantDynamicScopeParamRequired: it turns on the DYNAMIC_SCOPES preview feature; Doorkeep, like
  Keycloak with its default features, refuses a dynamic client scope (``is.dynamic.scope``).
* oauthGrantAcceptTest's last check (no ``revoke-third-party`` element): it reads the old account page, which
  Keycloak 26 no longer has.
"""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from browser_flow import REDIRECT, code_from, exchange, start, submit
from keycloak_port import poll
from support import claims, password_grant
from testrealm_slice import THIRD_PARTY, THIRD_PARTY_BASE, USER, admin, client_id_of, seed_testrealm, user_id_of
from wire_env import Env

pytestmark = pytest.mark.anyio

PROFILE, EMAIL, ROLES = "User profile", "Email address", "User roles"  # OAuthGrantPage.*_CONSENT_TEXT
GRANTED, PERSISTED = "consent_granted", "persistent_consent"  # Details.CONSENT_VALUE_*
_PENDING: dict[int, list[dict[str, Any]]] = {}


@pytest.fixture
async def kc(env: Env) -> Env:
    await seed_testrealm(env)
    await poll(env)
    _PENDING[id(env)] = []
    return env


def grants(page: httpx.Response) -> list[str]:
    """``grantPage.assertCurrent()`` (the title "Grant Access to ...") and ``getDisplayedGrants()``: the text of
    each ``span`` of each ``li`` of ``#kc-oauth``, in page order."""
    assert page.status_code == 200, (page.status_code, page.text[:800])
    title = re.search(r'<h1 id="kc-page-title">(.*?)</h1>', page.text, re.S)
    assert title and "Grant Access to " in title[1], page.text[:800]
    block = re.search(r'<div id="kc-oauth"[^>]*>(.*?)</div>', page.text, re.S)
    assert block, page.text[:800]
    return re.findall(r"<li><span>([^<]*)</span></li>", block[1])


def assert_grants(page: httpx.Response, *expected: str) -> None:
    """``grantPage.assertGrants(...)``: the same texts, in any order."""
    shown = grants(page)
    assert sorted(shown) == sorted(expected), shown


async def do_login(env: Env, **params: str) -> httpx.Response:
    """``oauth.doLogin(user, password)`` as ``third-party``: the login form filled in (when it is asked)."""
    page = await start(env.http, "test", THIRD_PARTY, **params)
    if page.status_code == 200 and 'name="password"' in page.text:
        page = await submit(env.http, page, username=USER, password="password")
    return page


async def accept(env: Env, page: httpx.Response) -> dict[str, str]:
    """``grantPage.accept()``: back at the client with a code."""
    query = code_from(await submit(env.http, page, accept="yes"))
    assert "code" in query and "error" not in query, query
    return query


async def next_event(env: Env) -> dict[str, Any]:
    pending = _PENDING.setdefault(id(env), [])
    if not pending:
        pending.extend(await poll(env))
    assert pending, "no event"
    return pending.pop(0)


async def expect_login(env: Env, consent: str | None, *, username: bool = True) -> dict[str, Any]:
    """``events.expectLogin().client(third-party)``: LOGIN by test-user@localhost with a session, ``code_id``,
    the redirect URI, ``auth_method`` and (unless removed for an SSO login) ``username``; ``consent`` as given."""
    event = await next_event(env)
    assert (event["type"], event.get("error"), event["clientId"]) == ("LOGIN", None, THIRD_PARTY), event
    assert event["userId"] == await user_id_of(env, USER) and event.get("sessionId"), event
    details = event["details"]
    assert details["auth_method"] == "openid-connect" and details["redirect_uri"] == REDIRECT, details
    assert details.get("code_id"), details
    assert details.get("consent") == consent, details
    if username:
        assert details["username"] == USER, details
    return event


async def expect_rejected(env: Env) -> None:
    """``expectLogin().error("rejected_by_user").removeDetail(CONSENT).session(null)``."""
    event = await next_event(env)
    assert (event["type"], event.get("error"), event["clientId"]) == ("LOGIN_ERROR", "rejected_by_user", THIRD_PARTY)
    assert event["userId"] == await user_id_of(env, USER) and event.get("sessionId") is None, event
    assert event["details"]["username"] == USER and event["details"]["redirect_uri"] == REDIRECT, event


async def consents(env: Env) -> list[dict[str, Any]]:
    """AccountHelper.getUserConsents: ``GET users/{id}/consents``."""
    found = await admin(env, "GET", f"/users/{await user_id_of(env, USER)}/consents", status=200)
    listed: list[dict[str, Any]] = found.json()
    return listed


async def revoke(env: Env) -> None:
    """AccountHelper.revokeConsents: ``DELETE users/{id}/consents/third-party``."""
    await admin(env, "DELETE", f"/users/{await user_id_of(env, USER)}/consents/{THIRD_PARTY}")


async def new_client_scope(env: Env, name: str) -> str:
    created = await admin(env, "POST", "/client-scopes", {"name": name, "protocol": "openid-connect"}, status=201)
    return created.headers["location"].rsplit("/", 1)[-1]


async def test_oauth_grant_accept_test(kc: Env) -> None:
    """OAuthGrantTest.oauthGrantAcceptTest: the three scope texts; accepted, LOGIN ``consent_granted``; the
    token's session is the event's, its roles only those third-party is scoped to; CODE_TO_TOKEN with the
    login's ``code_id``; the consent revoked through the admin API leaves none."""
    page = await do_login(kc)
    assert_grants(page, PROFILE, EMAIL, ROLES)
    code = (await accept(kc, page))["code"]
    login = await expect_login(kc, GRANTED)
    response = await exchange(kc.http, "test", THIRD_PARTY, code, secret="password")
    assert response.status_code == 200, response.text
    token = claims(response.json()["access_token"])
    assert token["sid"] == login["sessionId"]
    assert token["realm_access"]["roles"] == ["user"]
    assert token["resource_access"] == {"test-app": {"roles": ["customer-user"]}}
    event = await next_event(kc)
    assert (event["type"], event["clientId"], event["sessionId"]) == ("CODE_TO_TOKEN", THIRD_PARTY, login["sessionId"])
    assert event["details"]["code_id"] == login["details"]["code_id"], event
    assert event["details"].get("token_id") and event["details"].get("refresh_token_id"), event
    await revoke(kc)
    assert await consents(kc) == []


async def test_oauth_grant_cancel_test(kc: Env) -> None:
    """OAuthGrantTest.oauthGrantCancelTest: cancel returns ``error=access_denied``; LOGIN_ERROR
    ``rejected_by_user`` with no session."""
    page = await do_login(kc)
    assert_grants(page, PROFILE, EMAIL, ROLES)
    query = code_from(await submit(kc.http, page, cancel="no"))
    assert query["error"] == "access_denied" and "code" not in query, query
    await expect_rejected(kc)


async def test_oauth_grant_not_shown_when_already_granted(kc: Env) -> None:
    """OAuthGrantTest.oauthGrantNotShownWhenAlreadyGranted: the granted scopes listed; the next login goes
    straight back (LOGIN ``persistent_consent``); revoked, the screen shows again with the three texts."""
    await accept(kc, await do_login(kc))
    await expect_login(kc, GRANTED)
    granted = (await consents(kc))[0]["grantedClientScopes"]
    assert "profile" in granted and "email" in granted, granted
    assert "code" in code_from(await start(kc.http, "test", THIRD_PARTY))  # appPage.assertCurrent()
    await expect_login(kc, PERSISTED, username=False)
    await revoke(kc)
    assert await consents(kc) == []
    assert_grants(await start(kc.http, "test", THIRD_PARTY), PROFILE, EMAIL, ROLES)


async def test_oauth_grant_not_shown_when_already_granted_revoked_by_the_user(kc: Env) -> None:
    """Not in OAuthGrantTest (its older version revoked on the account page): the user's own revocation through
    the account REST API (REVOKE_GRANT by ``account``) brings the screen back too."""
    await accept(kc, await do_login(kc))
    await expect_login(kc, GRANTED)
    token = (await password_grant(kc.http, "test", "test-app", USER, secret="password")).json()["access_token"]
    url = f"/realms/test/account/applications/{THIRD_PARTY}/consent"
    revoked = await kc.http.delete(url, headers={"Authorization": f"Bearer {token}"})
    assert revoked.status_code == 204, revoked.text
    found = [e for e in await poll(kc) if e["type"] == "REVOKE_GRANT"]
    assert [e["details"] for e in found] == [{"revoked_client": THIRD_PARTY}], found
    assert await consents(kc) == []
    assert_grants(await start(kc.http, "test", THIRD_PARTY), PROFILE, EMAIL, ROLES)


async def test_oauth_grant_add_another_scope(kc: Env) -> None:
    """OAuthGrantTest.oauthGrantAddAnotherScope: ``foo-scope`` added as a default scope while the screen is
    open; accepting that screen does not grant it, so the next login asks for ``foo-scope`` alone."""
    page = await do_login(kc)
    foo = await new_client_scope(kc, "foo-scope")
    await admin(kc, "PUT", f"/clients/{await client_id_of(kc, THIRD_PARTY)}/default-client-scopes/{foo}")
    grants(page)
    await accept(kc, page)
    await expect_login(kc, GRANTED)
    assert "foo-scope" not in (await consents(kc))[0]["grantedClientScopes"]
    page = await start(kc.http, "test", THIRD_PARTY)
    assert_grants(page, "foo-scope")
    await accept(kc, page)
    await expect_login(kc, GRANTED)
    assert "foo-scope" in (await consents(kc))[0]["grantedClientScopes"]
    await revoke(kc)
    assert await consents(kc) == []


async def test_oauth_grant_scope_param_required(kc: Env) -> None:
    """OAuthGrantTest.oauthGrantScopeParamRequired: an optional ``foo-scope`` is on the screen only when the
    request's ``scope`` names it."""
    foo = await new_client_scope(kc, "foo-scope")
    await admin(kc, "PUT", f"/clients/{await client_id_of(kc, THIRD_PARTY)}/optional-client-scopes/{foo}")
    page = await do_login(kc)
    assert "foo-scope" not in grants(page)
    assert code_from(await submit(kc.http, page, cancel="no"))["error"] == "access_denied"
    await expect_rejected(kc)
    page = await do_login(kc, scope="openid foo-scope")
    assert "foo-scope" in grants(page)
    await accept(kc, page)
    await expect_login(kc, GRANTED)
    await revoke(kc)
    assert await consents(kc) == []


async def test_oauth_grant_client_scope_mappers(kc: Env) -> None:
    """OAuthGrantTest.oauthGrantClientScopeMappers (KEYCLOAK-4326): a default scope ``foo-addr`` with an address
    mapper is shown by its name, granted and listed; the user's consents (admin API) hold one; the next login
    uses the persisted consent."""
    foo = await new_client_scope(kc, "foo-addr")
    mapper = {
        "name": "address",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-address-mapper",
        "config": {"id.token.claim": "true", "access.token.claim": "true", "userinfo.token.claim": "true"},
    }
    await admin(kc, "POST", f"/client-scopes/{foo}/protocol-mappers/models", mapper, status=201)
    await admin(kc, "PUT", f"/clients/{await client_id_of(kc, THIRD_PARTY)}/default-client-scopes/{foo}")
    page = await do_login(kc)
    assert_grants(page, EMAIL, PROFILE, ROLES, "foo-addr")
    await accept(kc, page)
    await expect_login(kc, GRANTED)
    [consent] = await consents(kc)
    assert consent["clientId"] == THIRD_PARTY and "foo-addr" in consent["grantedClientScopes"], consent
    assert "code" in code_from(await start(kc.http, "test", THIRD_PARTY))
    await expect_login(kc, PERSISTED, username=False)
    await revoke(kc)
    assert await consents(kc) == []


async def test_oauth_grant_expired_auth_session(kc: Env) -> None:
    """OAuthGrantTest.oauthGrantExpiredAuthSession: the cookies gone, accepting shows the error page whose
    "Back to Application" link is third-party's base URL."""
    page = await do_login(kc)
    grants(page)
    kc.http.cookies.clear()  # driver.manage().deleteAllCookies()
    expired = await submit(kc.http, page, accept="yes")
    assert expired.status_code == 400 and 'name="accept"' not in expired.text, expired.text[:800]
    link = re.search(r'<a id="backToApplication" href="([^"]+)"', expired.text)
    assert link is not None, expired.text[:1500]
    assert link[1].replace("&amp;", "&") == THIRD_PARTY_BASE


async def test_oauth_grant_ordered_client_scopes(kc: Env) -> None:
    """OAuthGrantTest.oauthGrantOrderedClientScopes (KEYCLOAK-7470): ``gui.order`` email=1, profile=2 puts
    "Email address" first; email=3 afterwards puts "User profile" first."""
    scopes = (await admin(kc, "GET", "/client-scopes", status=200)).json()
    email = next(s for s in scopes if s["name"] == "email")
    profile = next(s for s in scopes if s["name"] == "profile")

    async def order(scope: dict[str, Any], value: str) -> None:
        rep = (await admin(kc, "GET", f"/client-scopes/{scope['id']}", status=200)).json()
        rep["attributes"]["gui.order"] = value
        await admin(kc, "PUT", f"/client-scopes/{scope['id']}", rep)
        stored = (await admin(kc, "GET", f"/client-scopes/{scope['id']}", status=200)).json()
        assert stored["attributes"]["gui.order"] == value

    await order(email, "1")
    await order(profile, "2")
    page = await do_login(kc)
    assert grants(page)[:2] == [EMAIL, PROFILE]
    await accept(kc, page)
    await order(email, "3")
    await revoke(kc)
    assert grants(await start(kc.http, "test", THIRD_PARTY))[:2] == [PROFILE, EMAIL]


async def test_oauth_grant_user_not_logged_out_after_consent_revoke(kc: Env) -> None:
    """OAuthGrantTest.oauthGrantUserNotLoggedOutAfterConsentRevoke (KEYCLOAK-16006): the consent revoked by the
    admin, the next authorization shows the screen without asking for the password, and its LOGIN keeps the
    same session."""
    page = await do_login(kc)
    assert_grants(page, PROFILE, EMAIL, ROLES)
    await accept(kc, page)
    session_id = (await expect_login(kc, GRANTED))["sessionId"]
    await revoke(kc)
    page = await start(kc.http, "test", THIRD_PARTY)
    assert_grants(page, PROFILE, EMAIL, ROLES)
    await accept(kc, page)
    assert (await expect_login(kc, GRANTED))["sessionId"] == session_id
    await revoke(kc)


async def optional_scope(env: Env, name: str, text: str) -> str:
    """A client scope shown on the consent screen by its ``consent.screen.text``, added as an optional scope of
    third-party."""
    rep = {
        "name": name,
        "protocol": "openid-connect",
        "attributes": {"consent.screen.text": text, "display.on.consent.screen": "true"},
    }
    created = await admin(env, "POST", "/client-scopes", rep, status=201)
    scope_id = created.headers["location"].rsplit("/", 1)[-1]
    await admin(env, "PUT", f"/clients/{await client_id_of(env, THIRD_PARTY)}/optional-client-scopes/{scope_id}")
    return scope_id


async def test_oauth_grant_selective_optional_scopes_test(kc: Env) -> None:
    """OAuthGrantTest.oauthGrantSelectiveOptionalScopesTest (#42641): a requested optional scope is on the
    screen by its consent text; accepting stores one consent for third-party."""
    await optional_scope(kc, "optional-scope", "Optional permissions")
    page = await do_login(kc, scope="openid profile email optional-scope")
    assert "Optional permissions" in grants(page)
    await accept(kc, page)
    [consent] = await consents(kc)
    assert "optional-scope" in consent["grantedClientScopes"], consent
    await revoke(kc)


async def test_oauth_grant_required_scopes_always_granted_test(kc: Env) -> None:
    """OAuthGrantTest.oauthGrantRequiredScopesAlwaysGrantedTest: accepting grants the default scopes shown."""
    await accept(kc, await do_login(kc))
    await expect_login(kc, GRANTED)
    [consent] = await consents(kc)
    assert {"profile", "email"} <= set(consent["grantedClientScopes"]), consent
    await revoke(kc)


async def test_oauth_grant_partial_consent_reconsent_test(kc: Env) -> None:
    """OAuthGrantTest.oauthGrantPartialConsentReconsentTest: consent given with one optional scope; the same
    request later needs no screen, a request adding the second optional scope shows that scope alone."""
    await optional_scope(kc, "optional-scope-1", "Optional permissions 1")
    await optional_scope(kc, "optional-scope-2", "Optional permissions 2")
    await accept(kc, await do_login(kc, scope="openid profile email optional-scope-1"))
    await expect_login(kc, GRANTED)
    assert "code" in code_from(await start(kc.http, "test", THIRD_PARTY, scope="openid profile email optional-scope-1"))
    await expect_login(kc, PERSISTED, username=False)
    page = await start(kc.http, "test", THIRD_PARTY, scope="openid profile email optional-scope-1 optional-scope-2")
    assert grants(page) == ["Optional permissions 2"]
    await revoke(kc)


async def test_test_per_scope_consent_disabled_grants_all_scopes(kc: Env) -> None:
    """OAuthGrantTest.testPerScopeConsentDisabledGrantsAllScopes: without ``allow.user.deselect.optional.scopes``
    accepting grants every requested scope, so the access token's ``scope`` carries the optional one."""
    await optional_scope(kc, "test-optional-backward-compat", "Test Optional Backward Compatibility")
    page = await do_login(kc, scope="openid profile email test-optional-backward-compat")
    code = (await accept(kc, page))["code"]
    response = await exchange(kc.http, "test", THIRD_PARTY, code, secret="password")
    assert response.status_code == 200, response.text
    assert "error" not in response.json()
    assert "test-optional-backward-compat" in claims(response.json()["access_token"])["scope"].split()
    await revoke(kc)
