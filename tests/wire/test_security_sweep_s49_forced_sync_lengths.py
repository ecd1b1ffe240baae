"""Security sweep s49 (review L3 and the engines' parity): at a later login through a provider in FORCE, the
provider's claims are copied onto the linked user (IdentityBrokerService.updateFederatedIdentity: the basic
attributes, the Username Template Importer, the Attribute Importer to ``lastName``). A claim longer than Keycloak's
255-character columns was written whole on SQLite (a 70,000-character username and last name) and refused by
PostgreSQL with a JSON 400 "Invalid input" in the middle of the browser login. Now such a value leaves the field as
it was and the login goes on, on both engines; a value that fits is still copied.

With the first broker login's review page off, nothing validated the new user's names before it was created:
SQLite created a user with a 300-character last name, PostgreSQL answered JSON. Now it is Keycloak's answer to
``addUser`` failing in its database (AuthenticationProcessor.handleBrowserException): the 400 page "Unexpected
error when handling authentication request to identity provider.", and no user, on both engines."""

from __future__ import annotations

import pytest

from broker_support import ALIAS, Broker, broker_login, browser, review_off, served
from browser_flow import REDIRECT
from support import update_user
from wire_env import Env

pytestmark = pytest.mark.anyio
ADMIN = "/admin/realms/test"
MAPPERS = f"{ADMIN}/identity-provider/instances/{ALIAS}/mappers"


async def _forced(broker: Broker) -> None:
    """The provider in FORCE with a username template and a last-name importer fed by ``given_name``."""
    env = broker.env
    await broker.add_provider(config={**broker.provider_rep()["config"], "syncMode": "FORCE"})
    headers = await env.admin_headers()
    for name, kind, config in (
        ("un", "oidc-username-idp-mapper", {"template": "${CLAIM.given_name}"}),
        ("ln", "oidc-user-attribute-idp-mapper", {"claim": "given_name", "user.attribute": "lastName"}),
    ):
        rep = {"name": name, "identityProviderMapper": kind, "config": {**config, "syncMode": "FORCE"}}
        made = await env.http.post(MAPPERS, json=rep, headers=headers)
        assert made.status_code == 201, made.text


async def _login_as(broker: Broker, first_name: str) -> dict[str, str]:
    """alice sending ``first_name`` as ``given_name``, back at the app: her one user's username and last name."""
    env = broker.env
    await update_user(env.db, "provider", "alice", first_name=first_name)
    async with browser(broker) as http:
        done = await broker_login(http)
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
    listed = await env.http.get(f"{ADMIN}/users", params={"q": "", "max": "10"}, headers=await env.admin_headers())
    [user] = [u for u in listed.json() if u["username"] != "user1"]
    return {"username": user["username"], "lastName": user.get("lastName", "")}


@pytest.mark.parametrize("size", [256, 70_000])
async def test_a_forced_claim_longer_than_the_columns_is_not_copied_and_the_login_goes_on(env: Env, size: int) -> None:
    async with served(env) as broker:
        await _forced(broker)
        assert await _login_as(broker, "Alice") == {"username": "alice", "lastName": "Alice"}
        assert await _login_as(broker, "a" * size) == {"username": "alice", "lastName": "Alice"}
        fits = "b" * 255
        assert await _login_as(broker, fits) == {"username": fits, "lastName": fits}


async def test_a_first_login_without_review_and_a_last_name_too_long_is_the_unexpected_error_page(env: Env) -> None:
    """(A username too long goes back to the review page instead: test_kc_s68d_idp_create_user_if_unique.py.)"""
    async with served(env) as broker:
        await broker.add_provider()
        await review_off(broker)
        config = {"syncMode": "INHERIT", "claim": "given_name", "user.attribute": "lastName"}
        rep = {"name": "ln", "identityProviderMapper": "oidc-user-attribute-idp-mapper", "config": config}
        made = await env.http.post(MAPPERS, json=rep, headers=await env.admin_headers())
        assert made.status_code == 201, made.text
        await update_user(env.db, "provider", "alice", first_name="a" * 300)
        async with browser(broker) as http:
            done = await broker_login(http)
        assert done.status_code == 400, done.text
        assert "Unexpected error when handling authentication request to identity provider." in done.text
        listed = await env.http.get(f"{ADMIN}/users", headers=await env.admin_headers())
        assert [u["username"] for u in listed.json()] == ["user1"]
