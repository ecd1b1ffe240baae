"""Hostile variants of the welcome page's admin creation (Keycloak's WelcomeResource.createUser, WelcomePageTest):
bodies of the wrong type or encoding, an over-long username, master's password policy, markup in the fields, a
state checker replaced by a newer page or spent by a creation. Never a 5xx, never a user created by a refused
request, never a field drawn back as markup."""

from __future__ import annotations

import httpx
import pytest

import welcome_support
from support import update_realm
from welcome_support import CHECKER, master_usernames
from wire_env import Env

pytestmark = pytest.mark.anyio
empty = welcome_support.empty


async def checker(http: httpx.AsyncClient) -> str:
    page = await http.get("/")
    found = CHECKER.search(page.text)
    assert found is not None, page.text
    return found.group(1)


def fields(state: str, **changes: str) -> dict[str, str]:
    return {"username": "root", "password": "pw", "passwordConfirmation": "pw", "stateChecker": state, **changes}


async def test_a_json_body_is_415(empty: Env) -> None:
    """@Consumes(APPLICATION_FORM_URLENCODED): RESTEasy's 415 before the method runs."""
    await checker(empty.http)
    response = await empty.http.post("/", json={"username": "root", "password": "pw"})
    assert response.status_code == 415
    assert response.json()["error"] == "HTTP 415 Unsupported Media Type"
    assert await master_usernames(empty) == []


async def test_a_form_that_is_not_utf8_is_400(empty: Env) -> None:
    await checker(empty.http)
    response = await empty.http.post(
        "/", content=b"username=%ff%fe&password=x", headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert response.status_code == 400
    assert await master_usernames(empty) == []


async def test_an_over_long_username_is_the_pages_error(empty: Env) -> None:
    """createMasterRealmUser failing (ModelException): "Error creating the administrative user: ..." and 400."""
    state = await checker(empty.http)
    response = await empty.http.post("/", data=fields(state, username="u" * 300))
    assert response.status_code == 400
    assert "Error creating the administrative user: " in response.text
    assert await master_usernames(empty) == []


async def test_masters_password_policy_applies(empty: Env) -> None:
    """The password goes through master's policy (its error on the page, nothing created)."""
    await update_realm(empty.db, "master", password_policy="length(12)")
    state = await checker(empty.http)
    response = await empty.http.post("/", data=fields(state))
    assert response.status_code == 400
    assert "Error creating the administrative user: " in response.text
    assert await master_usernames(empty) == []


async def test_markup_in_the_fields_is_never_drawn(empty: Env) -> None:
    """A username of markup is stored as typed (lower-cased) and never echoed; a refused form neither."""
    payload = '"><img src=x onerror=alert(1)>'
    state = await checker(empty.http)
    refused = await empty.http.post("/", data=fields(state, username=payload, passwordConfirmation="other"))
    assert refused.status_code == 400 and "<img" not in refused.text
    state = await checker(empty.http)
    created = await empty.http.post("/", data=fields(state, username=payload))
    assert created.status_code == 200 and "<img" not in created.text and "User created" in created.text
    assert await master_usernames(empty) == [payload.lower()]


async def test_a_newer_page_replaces_the_state_checker(empty: Env) -> None:
    """Each page sets a new checker in the cookie: the older one no longer matches (403)."""
    first = await checker(empty.http)
    second = await checker(empty.http)
    assert first != second
    assert (await empty.http.post("/", data=fields(first))).status_code == 403
    assert await master_usernames(empty) == []
    assert (await empty.http.post("/", data=fields(second))).status_code == 200


async def test_a_spent_state_checker_creates_no_second_admin(empty: Env) -> None:
    """After the creation the cookie is expired and master has a user: the same form again is the redirect."""
    state = await checker(empty.http)
    assert (await empty.http.post("/", data=fields(state))).status_code == 200
    empty.http.cookies.set("WELCOME_STATE_CHECKER", state, path="/")
    again = await empty.http.post("/", data=fields(state, username="second"), follow_redirects=False)
    assert again.status_code == 302
    assert await master_usernames(empty) == ["root"]


async def test_head_and_other_methods(empty: Env) -> None:
    """HEAD answers as GET; PUT and DELETE are Keycloak's unmatched method (405), never a 5xx."""
    assert (await empty.http.head("/")).status_code == 200
    for method in ("PUT", "DELETE", "PATCH"):
        response = await empty.http.request(method, "/")
        assert response.status_code == 405, method
