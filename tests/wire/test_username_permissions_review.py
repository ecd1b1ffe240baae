"""The username's configured permissions on the first broker login's Review Profile (IDP_REVIEW, role ``user``):
DeclarativeUserProfileProvider adds their read and write conditions to readUsernameCondition and
editUsernameCondition, so the page shows a username only administrators edit disabled and one only administrators
see not at all, and a new username posted anyway is refused by ImmutableAttributeValidator
("error-user-attribute-read-only"); the username left out is the brokered one. Another realm of the same server is
the provider (``broker_support``), as in test_broker_review_profile."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest

from broker_support import Broker, broker_login, browser, served
from browser_flow import REDIRECT, form_action, form_fields
from wire_env import Env

pytestmark = pytest.mark.anyio

ALL = {"view": ["admin", "user"], "edit": ["admin", "user"]}
ADMIN_EDITABLE = {"view": ["admin", "user"], "edit": ["admin"]}
ADMIN_ONLY = {"view": ["admin"], "edit": ["admin"]}


async def _review_on(broker: Broker, permissions: dict[str, list[str]]) -> None:
    """Review Profile always shown, and the username's ``permissions`` in the realm's user profile."""
    env = broker.env
    headers = await env.admin_headers()
    base = "/admin/realms/test/authentication"
    rows = (await env.http.get(f"{base}/flows/first%20broker%20login/executions", headers=headers)).json()
    [review] = [r for r in rows if r.get("providerId") == "idp-review-profile"]
    config = (await env.http.get(f"{base}/config/{review['authenticationConfig']}", headers=headers)).json()
    config["config"]["update.profile.on.first.login"] = "on"
    put = await env.http.put(f"{base}/config/{config['id']}", json=config, headers=headers)
    assert put.status_code == 204, put.text
    others = [{"name": name, "permissions": ALL} for name in ("email", "firstName", "lastName")]
    profile = {"attributes": [{"name": "username", "permissions": permissions}, *others]}
    put = await env.http.put("/admin/realms/test/users/profile", json=profile, headers=headers)
    assert put.status_code == 200, put.text


def _username_input(page: httpx.Response) -> str | None:
    found = re.search(r'<input [^>]*name="username"[^>]*>', page.text)
    return found[0] if found else None


async def _usernames(env: Env) -> list[str]:
    found = await env.http.get("/admin/realms/test/users", headers=await env.admin_headers())
    return sorted(u["username"] for u in found.json())


async def _refused_then_kept(env: Env, http: httpx.AsyncClient, review: httpx.Response) -> None:
    """A new username posted anyway is refused and nothing is made; the form as a browser posts it (no username)
    makes the user under the brokered username."""
    before = await _usernames(env)
    fields: dict[str, Any] = {**form_fields(review.text), "username": "mallory"}
    refused = await http.post(form_action(review.text), data=fields)
    assert refused.status_code == 200 and 'id="kc-idp-review-profile-form"' in refused.text, refused.text[:800]
    assert await _usernames(env) == before
    fields = {k: v for k, v in form_fields(refused.text).items() if k != "username"}
    done = await http.post(form_action(refused.text), data=fields)
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:800]
    assert "alice" in await _usernames(env) and "mallory" not in await _usernames(env)


async def test_review_shows_a_username_only_administrators_edit_disabled_and_refuses_a_new_one(env: Env) -> None:
    async with served(env) as broker:
        await broker.add_provider()
        await _review_on(broker, ADMIN_EDITABLE)
        async with browser(broker) as http:
            review = await broker_login(http)
            assert review.status_code == 200, review.text[:800]
            shown = _username_input(review)
            assert shown is not None and " disabled" in shown and 'value="alice"' in shown
            await _refused_then_kept(env, http, review)


async def test_review_hides_a_username_only_administrators_see_and_refuses_a_new_one(env: Env) -> None:
    async with served(env) as broker:
        await broker.add_provider()
        await _review_on(broker, ADMIN_ONLY)
        async with browser(broker) as http:
            review = await broker_login(http)
            assert review.status_code == 200, review.text[:800]
            assert _username_input(review) is None
            await _refused_then_kept(env, http, review)
