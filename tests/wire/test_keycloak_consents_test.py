"""Keycloak 26's ``org.keycloak.testsuite.admin.ConsentsTest`` (testsuite/integration-arquillian/tests/base/
.../admin/), one method to one test: a user's consents and sessions through the admin API
(``users/{id}/consents``, its DELETE, ``users/{id}/sessions``), the "Offline Token" grant, the consent page's
cancel and client links, and a refresh refused once the client requires consent.

The realms are imported through ``POST /admin/realms``; the user, the clients and every change go through the
admin API, as the Java test's set-up does (createUser, addClients). Browser logins run over plain HTTP
(browser_flow.py), so the redirect URIs are its callback rather than the Java test's app pages. Where the
port differs from the Java test:

* testConsents logs in to the provider realm through a ``consumer`` realm's identity provider (kc-oidc-idp),
  and reads the brokered user in the consumer realm first. Here ``brokerapp`` is logged in to directly, as the
  broker would; the whole brokered login, consumer side included, is test_kc_port4_consents.py.
* clientConsentRequiredAfterLogin's events come from the realm's stored events (Keycloak's test listener
  there), so REFRESH_TOKEN_ERROR, not stored by default, is listed in ``enabledEventTypes``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from browser_flow import REDIRECT, code_from, exchange, start, submit
from keycloak_port import admin_headers, forget, import_realm
from support import assert_error, refresh, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio

PROVIDER = "/admin/realms/provider"
TEST = "/admin/realms/test"
CLIENT_ID, CLIENT_SECRET = "brokerapp", "secret"
USER_LOGIN, USER_PASSWORD, USER_EMAIL = "testuser", "password", "user@localhost.com"
LOGO = "https://www.keycloak.org/resources/images/keycloak_logo_480x108.png"
POLICY, TOS = "https://www.keycloak.org/policy", "https://www.keycloak.org/tos"


async def _admin(env: Env, method: str, path: str, body: Any = None, status: int = 204) -> Any:
    response = await env.http.request(method, path, json=body, headers=await admin_headers(env))
    assert response.status_code == status, (method, path, response.status_code, response.text)
    return response.json() if status == 200 else response


async def _client(env: Env, base: str, client_id: str) -> dict[str, Any]:
    [client] = await _admin(env, "GET", f"{base}/clients?clientId={client_id}", status=200)
    return dict(client)


async def _update_client(env: Env, base: str, client_id: str, **changes: Any) -> None:
    """The representation read, changed and written back (``accountClient.update``)."""
    rep = await _client(env, base, client_id)
    attributes = {**rep.get("attributes", {}), **changes.pop("attributes", {})}
    await _admin(env, "PUT", f"{base}/clients/{rep['id']}", {**rep, **changes, "attributes": attributes})


@pytest.fixture
async def provider(env: Env) -> AsyncIterator[Env]:
    """addTestRealms, createUser and addClients for the provider realm: the user with a password reset through
    the admin API, and ``brokerapp``, a confidential client requiring consent."""
    await import_realm(env, {"realm": "provider", "enabled": True})
    user = {
        "username": USER_LOGIN,
        "email": USER_EMAIL,
        "firstName": "User",
        "lastName": "Tester",
        "emailVerified": True,
        "enabled": True,
    }
    created = await _admin(env, "POST", f"{PROVIDER}/users", user, status=201)
    user_id = created.headers["location"].rsplit("/", 1)[-1]
    password = {"type": "password", "value": USER_PASSWORD, "temporary": False}
    await _admin(env, "PUT", f"{PROVIDER}/users/{user_id}/reset-password", password)
    client = {
        "clientId": CLIENT_ID,
        "name": CLIENT_ID,
        "secret": CLIENT_SECRET,
        "enabled": True,
        "consentRequired": True,
        "redirectUris": [REDIRECT],
    }
    await _admin(env, "POST", f"{PROVIDER}/clients", client, status=201)
    yield env
    forget(env)


async def _consent_page(env: Env, realm: str, client_id: str, **params: str) -> httpx.Response:
    """The login form filled in; the page that follows must be the consent page (consentPage.assertCurrent)."""
    page = await start(env.http, realm, client_id, **params)
    assert page.status_code == 200 and 'name="password"' in page.text, page.text[:500]
    consent = await submit(env.http, page, username=USER_LOGIN, password=USER_PASSWORD)
    assert consent.status_code == 200, consent.text[:500]
    assert 'name="accept"' in consent.text and 'name="cancel"' in consent.text, consent.text[:500]
    return consent


async def _confirm(env: Env, consent: httpx.Response) -> dict[str, str]:
    """consentPage.confirm(): back at the client with a code and no error (the AUTH_RESPONSE page)."""
    query = code_from(await submit(env.http, consent, accept="yes"))
    assert "error" not in query and query["code"], query
    return query


async def test_consents(provider: Env) -> None:
    """ConsentsTest.testConsents (the provider realm's side; see the module docstring): one consent, to
    ``brokerapp``; one session holding one client; the consent revoked (204), no consent is left and the
    session stays, holding no client."""
    code = (await _confirm(provider, await _consent_page(provider, "provider", CLIENT_ID)))["code"]
    tokens = await exchange(provider.http, "provider", CLIENT_ID, code, secret=CLIENT_SECRET)
    assert tokens.status_code == 200, tokens.text

    users = await _admin(provider, "GET", f"{PROVIDER}/users?firstName=User&lastName=Tester&first=0&max=1", status=200)
    assert len(users) == 1, "Same user should be in provider realm"
    user_id = users[0]["id"]

    consents = await _admin(provider, "GET", f"{PROVIDER}/users/{user_id}/consents", status=200)
    assert len(consents) == 1, "There should be one consent"
    assert consents[0]["clientId"] == CLIENT_ID
    sessions = await _admin(provider, "GET", f"{PROVIDER}/users/{user_id}/sessions", status=200)
    assert len(sessions) == 1, "There should be one active session"
    assert len(sessions[0]["clients"]) == 1, "There should be one client in user session"

    await _admin(provider, "DELETE", f"{PROVIDER}/users/{user_id}/consents/{CLIENT_ID}")
    assert await _admin(provider, "GET", f"{PROVIDER}/users/{user_id}/consents", status=200) == []
    sessions = await _admin(provider, "GET", f"{PROVIDER}/users/{user_id}/sessions", status=200)
    assert len(sessions) == 1, "There should be one active session"
    assert sessions[0]["clients"] == {}, "There should be no client in user session"


async def test_retrieve_consents_for_user_with_clients_with_granted_offline_access(provider: Env) -> None:
    """ConsentsTest.testRetrieveConsentsForUserWithClientsWithGrantedOfflineAccess (KEYCLOAK-18954): the public
    ``test-app`` gets ``offline_access`` as a default scope and requires consent; the consent is given in the
    browser, then (consent no longer required) a direct grant asks for an offline token; the user's consents
    list the client with its "Offline Token" grant."""
    app = {"clientId": "test-app", "redirectUris": ["*"], "webOrigins": ["*"], "publicClient": True}
    await _admin(provider, "POST", f"{PROVIDER}/clients", app, status=201)
    uuid = (await _client(provider, PROVIDER, "test-app"))["id"]
    optional = await _admin(provider, "GET", f"{PROVIDER}/default-optional-client-scopes", status=200)
    [offline] = [scope for scope in optional if scope["name"] == "offline_access"]
    await _admin(provider, "DELETE", f"{PROVIDER}/clients/{uuid}/optional-client-scopes/{offline['id']}")
    await _admin(provider, "PUT", f"{PROVIDER}/clients/{uuid}/default-client-scopes/{offline['id']}")
    await _update_client(provider, PROVIDER, "test-app", consentRequired=True, directAccessGrantsEnabled=True)
    [user] = await _admin(provider, "GET", f"{PROVIDER}/users?search={USER_LOGIN}", status=200)

    await _confirm(provider, await _consent_page(provider, "provider", "test-app"))
    await _update_client(provider, PROVIDER, "test-app", consentRequired=False)
    form = {
        "grant_type": "password",
        "client_id": "test-app",
        "username": USER_LOGIN,
        "password": USER_PASSWORD,
        "scope": "openid profile offline_access",
    }
    response = await provider.http.post(token_url("provider"), data=form)
    assert response.status_code == 200 and response.json()["refresh_token"], response.text

    consents = await _admin(provider, "GET", f"{PROVIDER}/users/{user['id']}/consents", status=200)
    assert consents, "Consents should not be empty"
    assert "Offline Token" in str(consents)
    [consent] = consents
    assert consent["clientId"] == "test-app" and "offline_access" in consent["grantedClientScopes"]
    assert consent["additionalGrants"] == [{"client": uuid, "key": "Offline Token"}]


async def _app_in_provider(env: Env, **attributes: str) -> None:
    """createAppClientInRealm(provider): the confidential ``test-app``, then made to require consent."""
    app = {"clientId": "test-app", "secret": "password", "redirectUris": [REDIRECT], "enabled": True}
    await _admin(env, "POST", f"{PROVIDER}/clients", app, status=201)
    await _update_client(env, PROVIDER, "test-app", consentRequired=True, attributes=attributes)


async def test_consent_cancel(provider: Env) -> None:
    """ConsentsTest.testConsentCancel: cancelling the consent returns to the client with
    ``error=access_denied`` (and the request's state); a new login then shows the consent page again, whose
    confirmation returns a code and no error."""
    await _app_in_provider(provider)
    consent = await _consent_page(provider, "provider", "test-app")
    cancelled = code_from(await submit(provider.http, consent, cancel="no"))
    assert cancelled["error"] == "access_denied" and "code" not in cancelled, cancelled
    assert cancelled["state"] == "st4te"

    await _confirm(provider, await _consent_page(provider, "provider", "test-app"))


async def test_consent_with_additional_client_attributes(provider: Env) -> None:
    """ConsentsTest.testConsentWithAdditionalClientAttributes: the client's logoUri, policyUri and tosUri
    attributes are shown on the consent page (the logo as an image, the policy and terms as links), and its
    confirmation logs the user in."""
    await _app_in_provider(provider, logoUri=LOGO, policyUri=POLICY, tosUri=TOS)
    consent = await _consent_page(provider, "provider", "test-app")
    assert f'<img src="{LOGO}"' in consent.text, "logoUri must be presented"
    assert f'<a href="{POLICY}"' in consent.text, "policyUri must be presented"
    assert f'<a href="{TOS}"' in consent.text, "tosUri must be presented"
    await _confirm(provider, consent)


async def test_consent_page_without_client_links_shows_neither_logo_nor_links(provider: Env) -> None:
    """The other side of testConsentWithAdditionalClientAttributes: login-oauth-grant.ftl shows the logo and
    the "Make sure you trust" line only when the client has those attributes."""
    await _app_in_provider(provider)
    consent = await _consent_page(provider, "provider", "test-app")
    assert "<img" not in consent.text and "Make sure you trust" not in consent.text


async def test_client_consent_required_after_login(env: Env) -> None:
    """ConsentsTest.clientConsentRequiredAfterLogin: a code login to ``test-app`` (the LOGIN event names the
    user), then the client made to require consent: the earlier refresh token is refused with 400
    ``invalid_scope`` "Client no longer has requested consent from user", and REFRESH_TOKEN_ERROR is recorded
    with no user, the login's session and the error ``invalid_token``."""
    rep = {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "enabledEventTypes": ["LOGIN", "REFRESH_TOKEN", "REFRESH_TOKEN_ERROR"],
        "clients": [{"clientId": "test-app", "secret": "password", "redirectUris": [REDIRECT]}],
        "users": [
            {
                "username": "test-user@localhost",
                "email": "test-user@localhost",
                "firstName": "Tom",
                "lastName": "Brady",
                "enabled": True,
                "credentials": [{"type": "password", "value": "password"}],
            }
        ],
    }
    await import_realm(env, rep)
    page = await start(env.http, "test", "test-app")
    query = code_from(await submit(env.http, page, username="test-user@localhost", password="password"))
    tokens = await exchange(env.http, "test", "test-app", query["code"], secret="password")
    assert tokens.status_code == 200, tokens.text
    [login] = await _admin(env, "GET", f"{TEST}/events?type=LOGIN", status=200)
    assert login["details"]["username"] == "test-user@localhost"
    session_id = login["sessionId"]
    await _admin(env, "DELETE", f"{TEST}/events")  # events.clear()

    await _update_client(env, TEST, "test-app", consentRequired=True)
    response = await refresh(env.http, "test", "test-app", tokens.json()["refresh_token"], secret="password")
    assert_error(response, 400, "invalid_scope", "Client no longer has requested consent from user")
    assert "refresh_token" not in response.json()
    [event] = await _admin(env, "GET", f"{TEST}/events", status=200)
    assert (event["type"], event["error"], event["clientId"]) == ("REFRESH_TOKEN_ERROR", "invalid_token", "test-app")
    assert event["sessionId"] == session_id and event.get("userId") is None, event
    await _update_client(env, TEST, "test-app", consentRequired=False)
    forget(env)
