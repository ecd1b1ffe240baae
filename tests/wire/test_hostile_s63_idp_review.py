"""Hostile posts to the first broker login's Review Profile (IDP_REVIEW, session 62's oauth/login_broker_review.py):
the page's form is the user's to fill, so what it may not write must not be written by adding fields to the post.
An admin-only or read-only declared attribute, an attribute the profile does not declare (unmanaged attributes
off), and an over-long value write nothing and answer a page, never a 500; an e-mail another user holds does not
sign the brokered identity in as that user (Keycloak's idp-create-user-if-unique: "User with email ... already
exists", then the existing account must be confirmed and re-authenticated)."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx
import pytest

from broker_support import Broker, broker_login, browser, served
from browser_flow import REDIRECT, form_action, form_fields
from wire_env import Env

pytestmark = pytest.mark.anyio

ALL = {"view": ["admin", "user"], "edit": ["admin", "user"]}
ADMIN_EDITABLE = {"view": ["admin", "user"], "edit": ["admin"]}
ADMIN_ONLY = {"view": ["admin"], "edit": ["admin"]}
# keycloak-default-user-profile.json's validators of the root attributes
NAME = {"length": {"max": 255}, "person-name-prohibited-characters": {}}
EMAIL = {"email": {}, "length": {"max": 255}}
FLOW = quote("first broker login", safe="")


async def _review_on(broker: Broker) -> None:
    env = broker.env
    headers = await env.admin_headers()
    base = "/admin/realms/test/authentication"
    rows = (await env.http.get(f"{base}/flows/{FLOW}/executions", headers=headers)).json()
    [review] = [r for r in rows if r.get("providerId") == "idp-review-profile"]
    config = (await env.http.get(f"{base}/config/{review['authenticationConfig']}", headers=headers)).json()
    config["config"]["update.profile.on.first.login"] = "on"
    put = await env.http.put(f"{base}/config/{config['id']}", json=config, headers=headers)
    assert put.status_code == 204, put.text


async def _profile(env: Env, *attributes: dict[str, Any]) -> None:
    config = {
        "attributes": [
            {"name": "username"},
            {"name": "email", "permissions": ALL, "required": {"roles": ["user"]}, "validations": EMAIL},
            {"name": "firstName", "permissions": ALL, "validations": NAME},
            {"name": "lastName", "permissions": ALL, "validations": NAME},
            *attributes,
        ],
        "groups": [],
    }
    put = await env.http.put("/admin/realms/test/users/profile", json=config, headers=await env.admin_headers())
    assert put.status_code == 200, put.text


async def _users(env: Env, **query: str) -> list[dict[str, Any]]:
    found = await env.http.get("/admin/realms/test/users", params=query, headers=await env.admin_headers())
    assert found.status_code == 200, found.text
    users: list[dict[str, Any]] = found.json()
    return users


async def _review_page(broker: Broker, http: httpx.AsyncClient) -> httpx.Response:
    page = await broker_login(http)
    assert page.status_code == 200 and "Update Account Information" in page.text, page.text[:500]
    return page


async def _post(http: httpx.AsyncClient, page: httpx.Response, **typed: str) -> httpx.Response:
    base = {"username": "alice", "email": "alice@example.org", "firstName": "Alice", "lastName": "A"}
    return await http.post(form_action(page.text), data={**form_fields(page.text), **base, **typed})


async def test_fields_the_user_may_not_write_are_not_written_by_adding_them_to_the_post(env: Env) -> None:
    async with served(env) as broker:
        await broker.add_provider()
        await _review_on(broker)
        await _profile(
            env,
            {"name": "department", "permissions": ADMIN_EDITABLE},
            {"name": "clearance", "permissions": ADMIN_ONLY},
            {"name": "nickname", "permissions": ALL},
        )
        async with browser(broker) as http:
            page = await _review_page(broker, http)
            assert 'name="department"' not in page.text and 'name="clearance"' not in page.text
            done = await _post(http, page, department="ops", clearance="top", nickname="al", isAdmin="true")
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:500]
    [user] = await _users(env, username="alice", exact="true")
    attributes = user.get("attributes", {})
    assert attributes.get("nickname") == ["al"], user  # the control: a field the user may write is written
    for name in ("department", "clearance", "isAdmin"):
        assert name not in attributes, user


@pytest.mark.parametrize(
    "typed",
    [{"firstName": "F" * 256}, {"nickname": "n" * 2049}, {"nickname": "n" * 100_000}, {"email": "a" * 250 + "@x.org"}],
    ids=["name-256", "attribute-2049", "attribute-100k", "email-256"],
)
async def test_an_over_long_value_is_the_page_again_not_a_server_error(env: Env, typed: dict[str, str]) -> None:
    """The profile's length validators (255 for the names and e-mail as the default profile has them,
    DefaultAttributes' 2048 for the others)."""
    async with served(env) as broker:
        await broker.add_provider()
        await _review_on(broker)
        await _profile(env, {"name": "nickname", "permissions": ALL})
        async with browser(broker) as http:
            page = await _review_page(broker, http)
            answer = await _post(http, page, **typed)
            assert answer.status_code == 200, (answer.status_code, answer.text[:500])
            assert "Update Account Information" in answer.text
            assert 'class="field-error"' in answer.text, answer.text  # the field's error shown
    assert await _users(env, username="alice", exact="true") == []


async def test_another_users_email_does_not_sign_in_as_that_user(env: Env) -> None:
    async with served(env) as broker:
        await broker.add_provider()
        await _review_on(broker)
        [victim] = await _users(env, username="user1", exact="true")
        headers = await env.admin_headers()
        put = await env.http.put(
            f"/admin/realms/test/users/{victim['id']}", json={"email": "victim@example.org"}, headers=headers
        )
        assert put.status_code == 204, put.text
        async with browser(broker) as http:
            page = await _review_page(broker, http)
            answer = await _post(http, page, username="alice", email="victim@example.org")
            assert answer.status_code == 200, (answer.status_code, answer.text[:500])
            assert not answer.headers.get("location", "").startswith(REDIRECT)
            assert "already exists" in answer.text, answer.text[:2000]
    links = await env.http.get(f"/admin/realms/test/users/{victim['id']}/federated-identity", headers=headers)
    assert links.json() == [], links.text
