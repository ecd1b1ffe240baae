"""Hostile input to what session 62 added to the login: the authorization request's additional parameters (kept in
the login session for an identity provider's ``forwardParameters``) and the GET of the required-action URL. A NUL,
an over-long or an unknown value is Keycloak's answer, never a 500, and the login still completes; on SQLite and
PostgreSQL (whose text refuses NUL)."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from browser_flow import code_from, start, submit
from login_client import raw
from support import update_client, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio

ACTION_PATH = "/realms/test/login-actions/required-action"


@pytest.mark.parametrize(
    "extra",
    [
        {"foo": "a\x00b"},
        {"fo\x00o": "bar"},
        {"foo": "x" * 5000},  # past the size limit: not kept
        {f"p{i}": str(i) for i in range(40)},  # past the number limit: the rest not kept
        {"foo": "\ud7ff\u2028\U0001f600"},
    ],
    ids=["nul-value", "nul-name", "long-value", "many", "unicode"],
)
async def test_odd_additional_parameters_never_break_the_login(realm: Env, extra: dict[str, str]) -> None:
    page = await start(realm.http, "test", "app", **extra)
    assert page.status_code in (200, 400), page.text[:500]
    if page.status_code == 400:
        return  # refused as a bad request, nothing kept
    done = await submit(realm.http, page, username="user1", password="password")
    assert "code" in code_from(done)


async def _action_url(env: Env) -> str:
    await update_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    await update_user(env.db, "test", "user1", required_actions=("UPDATE_PASSWORD",))
    login = await start(env.http, "test", "app")
    with raw(env.http):
        answer = await submit(env.http, login, username="user1", password="password")
    assert answer.status_code == 302, answer.text[:500]
    location = answer.headers["location"]
    assert urlsplit(location).path == ACTION_PATH, location
    return location


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("execution", "UPDATE\x00PASSWORD"),
        ("execution", "x" * 10000),
        ("execution", "NO_SUCH_ACTION"),
        ("tab_id", "t\x00b"),
        ("tab_id", "x" * 10000),
        ("client_data", "not base64 json \x00"),
        ("client_data", "x" * 20000),
        ("client_id", "app\x00"),
    ],
    ids=["exec-nul", "exec-long", "exec-unknown", "tab-nul", "tab-long", "data-nul", "data-long", "client-nul"],
)
async def test_a_tampered_required_action_url_is_an_answer_not_a_server_error(
    realm: Env, name: str, value: str
) -> None:
    location = await _action_url(realm)
    parts = urlsplit(location)
    query = dict(parse_qsl(parts.query)) | {name: value}
    with raw(realm.http):
        answer = await realm.http.get(parts.path, params=query)
    assert answer.status_code < 500, (answer.status_code, answer.text[:500])
    assert "Traceback" not in answer.text
    with raw(realm.http):
        again = await realm.http.get(location)  # the genuine URL still shows the action's page
    assert again.status_code == 200, again.text[:500]
    assert 'name="password-new"' in again.text
