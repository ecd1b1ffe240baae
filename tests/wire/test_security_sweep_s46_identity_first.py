"""Security sweep (session 46): the organization identity-first login does not tell a known name from an unknown
one (CVE-2026-4633). With organizations on, a name no organization resolves, a user's or nobody's, gets the same
username and password form, and a wrong password there the same "Invalid username or password."; the known user
still signs in with the right one. Keycloak showed a known name the password page and "Invalid password."."""

from __future__ import annotations

import re

import httpx
import pytest

from browser_flow import REDIRECT, code_from, start, submit
from support import seed_client
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
REALM = "/admin/realms/test"


@pytest.fixture
async def orgs(realm: Env) -> Env:
    h = await realm.admin_headers()
    assert (await realm.http.put(REALM, json={"organizationsEnabled": True}, headers=h)).status_code == 204
    body = {"name": "acme", "domains": [{"name": "acme.org"}]}
    assert (await realm.http.post(f"{REALM}/organizations", json=body, headers=h)).status_code == 201
    await seed_client(realm.db, "test", "web", public=True, redirect_uris=(REDIRECT,))
    return realm


def _shape(page: httpx.Response, username: str) -> str:
    """The page without what differs from one login to the next (its codes) and the name typed."""
    text = re.sub(r"(session_code|tab_id|client_data)=[^&\"]+", "", page.text.replace(username, "NAME"))
    return re.sub(r'name="session_code" value="[^"]*"', "", text)


async def _named(http: httpx.AsyncClient, username: str) -> httpx.Response:
    page = await start(http, "test", "web")
    assert page.status_code == 200 and 'name="password"' not in page.text  # the username page first
    return await submit(http, page, username=username)


async def test_a_known_and_an_unknown_name_get_the_same_form_and_error(orgs: Env) -> None:
    async with client_at(orgs, "127.0.0.5") as known_http, client_at(orgs, "127.0.0.6") as unknown_http:
        known, unknown = await _named(known_http, "user1"), await _named(unknown_http, "nobody1")
        assert known.status_code == unknown.status_code == 200
        assert _shape(known, "user1") == _shape(unknown, "nobody1")
        wrong_known = await submit(known_http, known, username="user1", password="wrong")
        wrong_unknown = await submit(unknown_http, unknown, username="nobody1", password="wrong")
        assert "Invalid username or password." in wrong_known.text
        assert _shape(wrong_known, "user1") == _shape(wrong_unknown, "nobody1")
        right = await submit(known_http, wrong_known, username="user1", password="password")
        assert "code" in code_from(right)
