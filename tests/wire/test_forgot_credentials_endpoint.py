"""``/realms/{realm}/protocol/openid-connect/forgot-credentials`` (OIDCLoginProtocolService.forgotCredentialsPage,
AuthorizationEndpoint.forgotCredentials and buildForgotCredential): an authorization request whose first page is
the "Forgot Password?" form; the reset then goes on as the login page's link does and ends at the client with the
request's own state. A realm that does not allow resetting refuses before reading the request (no event); the
request's own errors are the authorization endpoint's, recorded as RESET_PASSWORD_ERROR."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from browser_flow import code_from, form_action, form_fields, login
from mail_sink import Sink
from support import seed_client, seed_realm, seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
ENDPOINT = "/realms/test/protocol/openid-connect/forgot-credentials"
CALLBACK = "http://127.0.0.1:9999/cb"
REQUEST = {"client_id": "app", "redirect_uri": CALLBACK, "response_type": "code", "scope": "openid", "state": "s1"}
SENT = "You should receive an email shortly with further instructions."


@pytest.fixture
async def realm(env: Env, mail: Sink) -> Env:
    await seed_realm(env.db, env.clock, events_enabled=True, reset_password_allowed=True)
    await update_realm(env.db, "test", smtp_server=mail.settings())
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await seed_client(env.db, "test", "off", redirect_uris=("http://127.0.0.1:9999/*",), enabled=False)
    await seed_user(env.db, env.clock, "test", "user1")
    return env


async def events(env: Env, *types: str) -> list[Any]:
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        return list(await tx.events.find(test.id, types=list(types)))


@pytest.mark.parametrize("method", ["GET", "POST"])
async def test_the_endpoint_opens_the_reset_form_and_the_reset_ends_at_the_client(
    realm: Env, mail: Sink, method: str
) -> None:
    """Signed in already, the browser still gets the form (the SSO session is not asked; its cookie expires)."""
    assert "code" in await login(realm.http, "test", "app")
    if method == "GET":
        page = await realm.http.get(ENDPOINT, params=REQUEST)
    else:
        page = await realm.http.post(ENDPOINT, data=REQUEST)
    assert page.status_code == 200 and 'id="kc-reset-password-form"' in page.text, page.text[:500]
    assert "no-store" in page.headers["cache-control"]
    expired = [c for c in page.headers.get_list("set-cookie") if c.startswith("KEYCLOAK_IDENTITY=")]
    assert expired and "Max-Age=0" in expired[0], expired  # buildForgotCredential's expireIdentityCookie
    asked = await realm.http.post(form_action(page.text), data={**form_fields(page.text), "username": "user1"})
    assert asked.status_code == 200 and SENT in asked.text
    [sent] = mail.received
    form = await realm.http.get(sent.link())
    assert form.status_code == 200 and 'name="password-new"' in form.text, form.text[:500]
    done = await realm.http.post(
        form_action(form.text),
        data={**form_fields(form.text), "password-new": "n3w-Secret", "password-confirm": "n3w-Secret"},
    )
    assert done.headers["location"].startswith(CALLBACK + "?")
    answer = code_from(done)
    assert answer["state"] == "s1" and "code" in answer
    assert await events(realm, "RESET_PASSWORD_ERROR", "LOGIN_ERROR") == []


async def test_a_realm_that_does_not_allow_resetting_refuses_before_reading_the_request(realm: Env) -> None:
    await update_realm(realm.db, "test", reset_password_allowed=False)
    for params in (REQUEST, {}):
        refused = await realm.http.get(ENDPOINT, params=params)
        assert refused.status_code == 400 and "Reset Credential not allowed" in refused.text
    assert await events(realm, "RESET_PASSWORD_ERROR", "LOGIN_ERROR") == []  # thrown before any event.error


@pytest.mark.parametrize(
    ("change", "text", "error"),
    [
        ({"client_id": None}, "Invalid Request", "invalid_request"),
        ({"client_id": "nobody"}, "Client not found.", "client_not_found"),
        ({"client_id": "off"}, "Client disabled.", "client_disabled"),
        ({"redirect_uri": "http://elsewhere.example/cb"}, "Invalid parameter: redirect_uri", "invalid_redirect_uri"),
    ],
)
async def test_a_bad_request_is_the_authorization_endpoints_error_page_recorded_as_reset_password_error(
    realm: Env, change: dict[str, str | None], text: str, error: str
) -> None:
    params = {k: v for k, v in {**REQUEST, **change}.items() if v is not None}
    refused = await realm.http.get(ENDPOINT, params=params)
    assert refused.status_code == 400 and text in refused.text, refused.text[:500]
    [event] = await events(realm, "RESET_PASSWORD_ERROR", "LOGIN_ERROR")
    assert (event.type, event.error) == ("RESET_PASSWORD_ERROR", error)


async def test_an_unsupported_response_type_goes_back_to_the_client(realm: Env) -> None:
    refused = await realm.http.get(ENDPOINT, params={**REQUEST, "response_type": "token"})
    assert refused.status_code == 302 and urlsplit(refused.headers["location"]).path == "/cb"
    answer = code_from(refused)
    assert (answer["error"], answer["state"]) == ("unauthorized_client", "s1")
    [event] = await events(realm, "RESET_PASSWORD_ERROR", "LOGIN_ERROR")
    assert event.type == "RESET_PASSWORD_ERROR"


async def test_prompt_create_registers_instead(realm: Env) -> None:
    """AuthorizationEndpoint.process looks at prompt=create before the endpoint's action."""
    await update_realm(realm.db, "test", registration_allowed=True)
    page = await realm.http.get(ENDPOINT, params={**REQUEST, "prompt": "create"})
    assert page.status_code == 200 and 'id="kc-register-form"' in page.text, page.text[:500]
