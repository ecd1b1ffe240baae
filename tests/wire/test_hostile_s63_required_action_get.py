"""Hostile uses of the required-action URL session 62 added (the 302 to ``login-actions/required-action`` whose GET
renders the page, Keycloak's redirectToRequiredActions and requiredActionGET). Its GET changes nothing a page's
form does (a cross-site GET carrying the form's fields updates no password); it shows the action only to the
browser whose login it is, only while that login waits on it, and only the action that login waits on; its
``client_data`` never sends the browser outside the client's redirect URIs; a posted form is taken once."""

from __future__ import annotations

import base64
import json
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest

from browser_flow import REDIRECT, code_from, form_action, form_fields, start, submit
from login_client import raw
from support import update_client, update_user
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio

ACTION_PATH = "/realms/test/login-actions/required-action"
TOKEN = "/realms/test/protocol/openid-connect/token"
NEW = "Hijacked-Pa55!"
UPDATE_FORM = 'name="password-new"'


async def _action_url(env: Env) -> str:
    """user1's login, through the password, redirected to UPDATE_PASSWORD's URL (not yet followed)."""
    await update_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await update_user(env.db, "test", "user1", required_actions=("UPDATE_PASSWORD",))
    login = await start(env.http, "test", "app")
    with raw(env.http):
        answer = await submit(env.http, login, username="user1", password="password")
    assert answer.status_code == 302, answer.text[:500]
    location = answer.headers["location"]
    assert urlsplit(location).path == ACTION_PATH, location
    return location


async def _password_works(env: Env, password: str) -> bool:
    data = {"grant_type": "password", "client_id": "app", "client_secret": "secret", "username": "user1"}
    answer = await env.http.post(TOKEN, data=data | {"password": password})
    # the right password of a user with a required action pending: "Account is not fully set up" (400), not 401
    return answer.status_code == 200 or answer.json().get("error_description") == "Account is not fully set up"


def _with(location: str, **changes: str) -> str:
    parts = urlsplit(location)
    query = dict(parse_qsl(parts.query)) | changes
    return parts._replace(query=urlencode(query)).geturl()


async def test_a_cross_site_get_carrying_the_forms_fields_changes_nothing(realm: Env) -> None:
    """A page elsewhere makes the victim's browser GET the action's URL with the password fields (it cannot know the
    form's code): no password is set, and the page it shows still works. (Each page shown carries a new code here,
    a refresh too; Keycloak's retrieveCode keeps the code until a request presents it.)"""
    location = await _action_url(realm)
    page = await realm.http.get(location)
    assert page.status_code == 200 and UPDATE_FORM in page.text, page.text[:500]
    fields = {"password-new": NEW, "password-confirm": NEW}
    with raw(realm.http):
        got = await realm.http.get(location, params=fields)
    assert got.status_code == 200 and UPDATE_FORM in got.text, got.text[:500]
    assert not await _password_works(realm, NEW)
    done = await submit(realm.http, got, **{"password-new": "Victims-Own-1!", "password-confirm": "Victims-Own-1!"})
    assert "code" in code_from(done)
    assert await _password_works(realm, "Victims-Own-1!")


async def test_a_get_with_the_forms_code_and_fields_sets_no_password(realm: Env) -> None:
    """The form's own URL (its code in the query) fetched with GET: the page again, never the form's action; the
    code is spent as SessionCodeChecks' verifyCode spends it, so the page shown carries a new one."""
    location = await _action_url(realm)
    page = await realm.http.get(location)
    fields = {"password-new": NEW, "password-confirm": NEW, **form_fields(page.text)}
    with raw(realm.http):
        got = await realm.http.get(form_action(page.text), params=fields)
    assert got.status_code < 500, got.text[:500]
    assert not got.headers.get("location", "").startswith(REDIRECT), got.headers
    assert not await _password_works(realm, NEW) and await _password_works(realm, "password")


async def test_another_browser_without_the_cookie_sees_no_action_page(realm: Env) -> None:
    location = await _action_url(realm)
    other = client_at(realm, "127.0.0.2")
    async with other:
        with raw(other):
            got = await other.get(location)
        assert got.status_code < 500 and UPDATE_FORM not in got.text, got.text[:500]
        assert "code=" not in got.headers.get("location", ""), got.headers
    page = await realm.http.get(location)
    assert UPDATE_FORM in page.text  # the owner's browser still has it


async def test_the_url_once_the_login_is_through_shows_no_action(realm: Env) -> None:
    location = await _action_url(realm)
    page = await realm.http.get(location)
    done = await submit(realm.http, page, **{"password-new": NEW, "password-confirm": NEW})
    assert "code" in code_from(done)
    with raw(realm.http):
        again = await realm.http.get(location)
    assert again.status_code < 500 and UPDATE_FORM not in again.text, again.text[:500]


@pytest.mark.parametrize("execution", ["CONFIGURE_TOTP", "UPDATE_PROFILE", "VERIFY_EMAIL", "OAUTH_GRANT", "delete"])
async def test_an_execution_the_login_does_not_wait_on_shows_no_such_page(realm: Env, execution: str) -> None:
    """SessionCodeChecks.verifyRequiredAction: the URL names an action the user does not have; the page is never
    that action's (no OTP secret, no profile form, no consent)."""
    location = await _action_url(realm)
    with raw(realm.http):
        got = await realm.http.get(_with(location, execution=execution))
    assert got.status_code < 500, got.text[:500]
    for foreign in ('name="totp"', 'id="kc-update-profile-form"', 'name="accept"', "kc-oauth"):
        assert foreign not in got.text, (foreign, got.text[:800])
    page = await realm.http.get(location)
    assert UPDATE_FORM in page.text, page.text[:500]


async def test_the_update_password_post_is_taken_once(realm: Env) -> None:
    location = await _action_url(realm)
    page = await realm.http.get(location)
    done = await submit(realm.http, page, **{"password-new": NEW, "password-confirm": NEW})
    assert "code" in code_from(done)
    replay = await submit(realm.http, page, **{"password-new": "Replayed-Pa55!", "password-confirm": "Replayed-Pa55!"})
    assert replay.status_code < 500, replay.text[:500]
    assert "code=" not in replay.headers.get("location", ""), replay.headers  # no second code from one login
    assert await _password_works(realm, NEW) and not await _password_works(realm, "Replayed-Pa55!")


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/cb", "http://127.0.0.1:9999@evil.example/", "javascript:alert(1)", "//evil.example/"],
    ids=["other-host", "userinfo", "javascript", "scheme-relative"],
)
async def test_client_data_never_redirects_outside_the_clients_uris(realm: Env, target: str) -> None:
    """A finished tab's URL with a forged ``client_data`` (ClientData's ``ru``): the redirect is checked against the
    client's URIs again (OIDCLoginProtocol.sendError: ``invalid_redirect_uri``), so the login's browser is never
    sent elsewhere."""
    location = await _action_url(realm)
    page = await realm.http.get(location)
    done = await submit(realm.http, page, **{"password-new": NEW, "password-confirm": NEW})
    assert "code" in code_from(done)
    forged = json.dumps({"ru": target, "rt": "code", "rm": "query", "st": "x"}).encode()
    data = base64.urlsafe_b64encode(forged).rstrip(b"=").decode()
    with raw(realm.http):
        got = await realm.http.get(_with(location, client_data=data))
    assert got.status_code < 500, got.text[:500]
    assert "evil.example" not in got.headers.get("location", ""), got.headers
    assert "javascript" not in got.headers.get("location", ""), got.headers
    assert 'action="https://evil.example' not in got.text and "javascript:alert" not in got.text
