"""Keycloak's AuthorizationCodeTest, ported method by method
(testsuite/integration-arquillian/tests/base/.../oauth/AuthorizationCodeTest.java, the last arquillian
version, with ``testInvalidNULCharacterClientId`` and the form_post methods).

Each test is named after the Java method and says so in its docstring. The installed-app error page shows
the error as plain text, as the newest version of the test (tests/base) expects. The newest version's
``authorizationRequestFormPostJwtResponseModeHTMLEntitiesRedirectUri`` is here too (JARM: the signed response
token is checked as test_keycloak_authorization_token_response_mode_test.py checks it).
"""

from __future__ import annotations

import html
import re
from typing import Any
from urllib.parse import urlsplit

import jwt
import pytest

from access_token_realm import APP, REDIRECT, USER, code_to_token, import_realm, update_client
from authorize_port import ISSUER, authorize, error_page, form_post, log_in, sent_back
from keycloak_port import poll
from wire_env import Env

pytestmark = pytest.mark.anyio

STATE = "OpenIdConnect.AuthenticationProperties=2302984sdlk"
OOB = "urn:ietf:wg:oauth:2.0:oob"
OOB_PAGE = ISSUER + "/protocol/openid-connect/oauth/oob"


@pytest.fixture
async def kc(env: Env) -> Env:
    """Keycloak's testrealm.json as AuthorizationCodeTest uses it."""
    await import_realm(env)
    await poll(env)
    return env


async def expect_login(env: Env, **details: str) -> dict[str, Any]:
    """``events.expectLogin().assertEvent()``: the one LOGIN since the last poll, by test-user for test-app."""
    [event] = [e for e in await poll(env) if e["type"].startswith("LOGIN")]
    assert (event["type"], event["clientId"], event.get("error")) == ("LOGIN", APP, None), event
    assert event["userId"] and event["sessionId"], event
    assert event["details"]["code_id"] and event["details"]["username"] == USER, event
    assert event["details"]["redirect_uri"] == details.pop("redirect_uri", REDIRECT), event
    for name, value in details.items():
        assert event["details"][name] == value, (name, event)
    return event


async def expect_login_error(env: Env, error: str, client_id: str | None = APP) -> dict[str, Any]:
    """``events.expectLogin().error(error).user(null).session(null)``: the one LOGIN_ERROR since the last poll."""
    [event] = await poll(env)
    assert (event["type"], event["error"], event.get("clientId")) == ("LOGIN_ERROR", error, client_id), event
    assert event.get("userId") is None and event.get("sessionId") is None, event
    return event


async def test_authorization_request(kc: Env) -> None:
    """AuthorizationCodeTest.authorizationRequest: code, state and iss come back in the query."""
    params = sent_back(await log_in(kc.http, await authorize(kc.http, state=STATE)))
    assert params["code"] and params["state"] == STATE and params["iss"] == ISSUER, params
    assert "error" not in params
    await expect_login(kc)


async def test_authorization_valid_redirect_uri(kc: Env) -> None:
    """AuthorizationCodeTest.authorizationValidRedirectUri: a registered exact URI next to the wildcard."""
    await update_client(kc, redirectUris=["http://127.0.0.1:9999/*", REDIRECT])
    params = sent_back(await log_in(kc.http, await authorize(kc.http)))
    assert params["code"], params
    await expect_login(kc)


async def test_authorization_request_installed_app(kc: Env) -> None:
    """AuthorizationCodeTest.authorizationRequestInstalledApp: the URN's response lands on the realm's page
    showing the code, which the token request redeems with the URN."""
    await update_client(kc, redirectUris=["http://127.0.0.1:9999/*", OOB])
    done = await log_in(kc.http, await authorize(kc.http, redirect_uri=OOB))
    location = done.headers["location"]
    assert location.startswith(OOB_PAGE + "?"), location
    code = sent_back(done)["code"]
    page = await kc.http.get(location)
    assert page.status_code == 200
    title = re.search(r'<h1 id="kc-page-title">([^<]*)</h1>', page.text)
    assert title is not None and title.group(1) == "Success code", page.text[:500]
    assert f'<input id="code" value="{code}"' in page.text
    await expect_login(kc, redirect_uri=OOB_PAGE)
    response = await code_to_token(kc, code, redirect_uri=OOB)
    assert response.status_code == 200, response.text


async def test_authorization_request_installed_app_errors(kc: Env) -> None:
    """AuthorizationCodeTest.authorizationRequestInstalledAppErrors: the error is shown as text, never as markup
    or a link back to the application."""
    for error in (
        '<p><a href="javascript&amp;colon;alert(document.domain);">Back to application</a></p>',
        '<p><a href="http://foo.com">Back to application</a></p>',
    ):
        page = await kc.http.get(OOB_PAGE, params={"error": error})
        assert page.status_code == 200
        assert "<a href" not in page.text and "backToApplication" not in page.text, page.text
        title = re.search(r'<h1 id="kc-page-title">([^<]*)</h1>', page.text)
        assert title is not None and html.unescape(title.group(1)) == "Error code: " + error, page.text


async def test_the_installed_app_page_shows_a_hostile_code_as_text(kc: Env) -> None:
    """Not in AuthorizationCodeTest: anyone can craft the oob page's URL, so a ``code`` that tries to leave
    the input's value attribute stays inside it, escaped; and an unknown realm gets Keycloak's 404."""
    hostile = '"><script>alert(document.domain)</script><input value="'
    page = await kc.http.get(OOB_PAGE, params={"code": hostile})
    assert page.status_code == 200
    assert "<script>alert" not in page.text, page.text
    value = re.search(r'<input id="code" value="([^"]*)" readonly>', page.text)
    assert value is not None and html.unescape(value.group(1)) == hostile, page.text
    missing = await kc.http.get(OOB_PAGE.replace("/realms/test/", "/realms/no-such-realm/"), params={"code": "x"})
    assert missing.status_code == 404


async def test_test_invalid_redirect_uri(kc: Env) -> None:
    """AuthorizationCodeTest.testInvalidRedirectUri: a space, then a format-string probe with a newline."""
    await update_client(kc, redirectUris=["http://127.0.0.1:9999/*", REDIRECT])
    response = await authorize(kc.http, redirect_uri=REDIRECT + " test")
    assert error_page(response) == "Invalid parameter: redirect_uri"
    response = await authorize(kc.http, redirect_uri="ZAP" + "%n%s" * 20 + "\n")
    assert error_page(response) == "Invalid parameter: redirect_uri"


async def test_test_invalid_nul_character_client_id(kc: Env) -> None:
    """AuthorizationCodeTest.testInvalidNULCharacterClientId: a NUL client_id is an error page, not a crash.

    Keycloak answers its 500 page ("An internal server error has occurred"): its database refuses the NUL.
    Doorkeep answers no 500 for bad input: the client is unknown, on SQLite and PostgreSQL alike."""
    response = await authorize(kc.http, client_id="\x00")
    assert response.status_code == 400, response.status_code
    assert error_page(response) == "Client not found."
    [event] = await poll(kc)
    assert (event["type"], event["error"]) == ("LOGIN_ERROR", "client_not_found"), event


async def test_authorization_request_no_state(kc: Env) -> None:
    """AuthorizationCodeTest.authorizationRequestNoState: no state asked, none sent back."""
    params = sent_back(await log_in(kc.http, await authorize(kc.http)))
    assert params["code"] and params["iss"] == ISSUER, params
    assert "state" not in params and "error" not in params, params
    await expect_login(kc)


async def test_authorization_request_invalid_response_type(kc: Env) -> None:
    """AuthorizationCodeTest.authorizationRequestInvalidResponseType: unsupported_response_type, with iss."""
    params = sent_back(await authorize(kc.http, response_type="tokenn"))
    assert params["error"] == "unsupported_response_type" and params["iss"] == ISSUER, params
    event = await expect_login_error(kc, "invalid_request")
    assert event["details"]["response_type"] == "tokenn", event


async def test_authorization_request_invalid_response_type_test_headers(kc: Env) -> None:
    """AuthorizationCodeTest.authorizationRequestInvalidResponseType_testHeaders: the error redirect is not
    cached (issue 29866)."""
    response = await authorize(kc.http, response_type="tokenn")
    assert response.status_code == 302
    cache_control = response.headers["cache-control"]
    assert "no-store" in cache_control and "must-revalidate" in cache_control, cache_control


async def test_authorization_request_form_post_response_mode_invalid_response_type(kc: Env) -> None:
    """AuthorizationCodeTest.authorizationRequestFormPostResponseModeInvalidResponseType: the error is posted."""
    response = await authorize(kc.http, response_type="tokenn", response_mode="form_post", state=STATE)
    action, fields = form_post(response)
    assert action == REDIRECT
    assert (fields["error"], fields["state"]) == ("unsupported_response_type", STATE), fields
    event = await expect_login_error(kc, "invalid_request")
    assert event["details"]["response_type"] == "tokenn", event
    assert event["details"]["reason"] == "Unsupported response_type", event


async def test_authorization_request_form_post_response_mode_without_response_type(kc: Env) -> None:
    """AuthorizationCodeTest.authorizationRequestFormPostResponseModeWithoutResponseType."""
    response = await authorize(kc.http, response_type=None, response_mode="form_post", state=STATE)
    _, fields = form_post(response)
    assert fields["error"] == "invalid_request", fields
    assert fields["error_description"] == "Missing parameter: response_type"
    assert fields["state"] == STATE
    event = await expect_login_error(kc, "invalid_request")
    assert event["details"]["reason"] == "Missing parameter: response_type", event


async def test_authorization_request_form_post_response_mode(kc: Env) -> None:
    """AuthorizationCodeTest.authorizationRequestFormPostResponseMode (KEYCLOAK-3281): code and state posted."""
    page = await authorize(kc.http, response_mode="form_post", state=STATE)
    action, fields = form_post(await log_in(kc.http, page))
    assert action == REDIRECT
    assert fields["code"] and fields["state"] == STATE, fields
    await expect_login(kc, response_mode="form_post")


async def test_authorization_request_form_post_response_mode_invalid_redirect_uri(kc: Env) -> None:
    """AuthorizationCodeTest.authorizationRequestFormPostResponseModeInvalidRedirectUri: ``*`` never allows
    ``javascript:``."""
    await update_client(kc, redirectUris=["*"])
    await poll(kc)
    response = await authorize(kc.http, redirect_uri="javascript:alert('XSS')", response_mode="form_post")
    assert error_page(response) == "Invalid parameter: redirect_uri"
    await expect_login_error(kc, "invalid_redirect_uri")


async def test_authorization_request_form_post_response_mode_html_entities_redirect_uri(kc: Env) -> None:
    """AuthorizationCodeTest.authorizationRequestFormPostResponseModeHTMLEntitiesRedirectUri: the form posts
    to ``?p=&gt;`` literally (its action attribute is escaped), not to ``?p=>``."""
    await update_client(kc, redirectUris=["*"])
    await poll(kc)
    redirect_uri = REDIRECT + "?p=&gt;"
    state = "authorizationRequestFormPostResponseModeHTMLEntitiesRedirectUri"
    page = await authorize(kc.http, redirect_uri=redirect_uri, response_mode="form_post", state=state)
    response = await log_in(kc.http, page)
    assert 'action="http://127.0.0.1:9999/callback?p=&amp;gt;"' in response.text, response.text[:500]
    action, fields = form_post(response)
    assert action == redirect_uri
    assert fields["state"] == state and fields["code"], fields
    await expect_login(kc, redirect_uri=redirect_uri, response_mode="form_post")


async def test_authorization_request_form_post_jwt_response_mode_html_entities_redirect_uri(kc: Env) -> None:
    """AuthorizationCodeTest.authorizationRequestFormPostJwtResponseModeHTMLEntitiesRedirectUri: the form_post.jwt
    page posts its one ``response`` field to ``?p=&gt;`` literally; the LOGIN event names the mode by its enum
    name and the redirect URI as asked."""
    await update_client(kc, redirectUris=["*"])
    await poll(kc)
    redirect_uri = REDIRECT + "?p=&gt;"
    state = "authorizationRequestFormPostJwtResponseModeHTMLEntitiesRedirectUri"
    page = await authorize(kc.http, redirect_uri=redirect_uri, response_mode="form_post.jwt", state=state)
    response = await log_in(kc.http, page)
    assert 'action="http://127.0.0.1:9999/callback?p=&amp;gt;"' in response.text, response.text[:500]
    action, fields = form_post(response)
    assert action == redirect_uri and list(fields) == ["response"], (action, fields)
    certs = (await kc.http.get("/realms/test/protocol/openid-connect/certs")).json()
    token = fields["response"]
    key = jwt.PyJWKSet.from_dict(certs)[jwt.get_unverified_header(token)["kid"]]
    options: jwt.types.Options = {"verify_exp": False}  # the app's clock is the fake one
    signed = jwt.decode(token, key.key, algorithms=["RS256"], audience=APP, options=options)
    assert signed["state"] == state and signed["code"] and signed["iss"] == ISSUER, signed
    await expect_login(kc, redirect_uri=redirect_uri, response_mode="form_post_jwt")


async def test_authorization_request_form_post_response_mode_with_custom_state(kc: Env) -> None:
    """AuthorizationCodeTest.authorizationRequestFormPostResponseModeWithCustomState: markup in state is
    escaped in the posted form and arrives unchanged."""
    state = '"><foo>bar_baz(2)far</foo>'
    page = await authorize(kc.http, response_mode="form_post", state=state)
    response = await log_in(kc.http, page)
    assert "<foo>" not in response.text
    _, fields = form_post(response)
    assert fields["state"] == state and fields["code"], fields
    await expect_login(kc, response_mode="form_post")


async def test_authorization_request_fragment_response_mode_not_kept(kc: Env) -> None:
    """AuthorizationCodeTest.authorizationRequestFragmentResponseModeNotKept: the next request of the SSO
    session, without response_mode, answers in the query again."""
    state = "authorizationRequestFragmentResponseModeNotKept"
    page = await authorize(kc.http, response_mode="fragment", state=state)
    response = await log_in(kc.http, page)
    location = urlsplit(response.headers["location"])
    assert location.query == "" and location.fragment, location
    params = sent_back(response, "fragment")
    assert params["code"] and params["state"] == state, params

    response = await authorize(kc.http, state=state + "2")
    location = urlsplit(response.headers["location"])
    assert location.query and location.fragment == "", location
    params = sent_back(response)
    assert params["code"] and params["state"] == state + "2" and params["iss"] == ISSUER, params


async def test_authorization_request_params_more_than_once(kc: Env) -> None:
    """AuthorizationCodeTest.authorizationRequestParamsMoreThanOnce: a repeated scope is sent back as
    ``duplicated parameter``."""
    response = await authorize(kc.http, scope=["openid", "read_write", "pop push"], state=[STATE, "abcdefg"])
    params = sent_back(response)
    assert (params["error"], params["error_description"]) == ("invalid_request", "duplicated parameter"), params
    await expect_login_error(kc, "invalid_request")


async def test_authorization_request_client_params_more_than_once(kc: Env) -> None:
    """AuthorizationCodeTest.authorizationRequestClientParamsMoreThanOnce: a repeated client_id is the
    "Invalid Request" page, with no client in the event."""
    response = await authorize(
        kc.http,
        client_id=[APP, "client2client"],
        redirect_uri=[REDIRECT, "https://www.example.com"],
        scope=["openid", "read_write", "pop push"],
        state=[STATE, "abcdefg"],
    )
    assert error_page(response) == "Invalid Request"
    await expect_login_error(kc, "invalid_request", client_id=None)
