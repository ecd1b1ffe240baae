"""IdpCreateUserIfUniqueAuthenticatorTest (tests/base, keycloak#50903): a brokered username longer than Keycloak's
255 characters (Validation.MAX_USERNAME_LENGTH), here from a Username Template Importer, creates no user: the first
broker login starts again at its Review Profile step, which is shown whatever its mode (ENFORCE_UPDATE_PROFILE,
as for a missing username); a username of exactly 255 characters creates the user."""

from __future__ import annotations

import httpx
import pytest

from broker_support import ALIAS, Broker, broker_login, browser, review_off, served
from browser_flow import REDIRECT
from wire_env import Env

pytestmark = pytest.mark.anyio

ADMIN = "/admin/realms/test"
MAPPERS = f"{ADMIN}/identity-provider/instances/{ALIAS}/mappers"
REVIEW_FORM = 'id="kc-idp-review-profile-form"'


async def username_template(broker: Broker, name: str, template: str) -> None:
    """addUsernameTemplateMapper: the brokered username replaced by ``template`` (target LOCAL)."""
    config = {"template": template, "target": "LOCAL", "syncMode": "INHERIT"}
    rep = {"name": name, "identityProviderMapper": "oidc-username-idp-mapper", "config": config}
    made = await broker.env.http.post(MAPPERS, json=rep, headers=await broker.env.admin_headers())
    assert made.status_code == 201, made.text


async def usernames(env: Env) -> list[str]:
    listed = await env.http.get(f"{ADMIN}/users", params={"max": "10"}, headers=await env.admin_headers())
    return sorted(u["username"] for u in listed.json())


def is_review(page: httpx.Response) -> None:
    assert page.status_code == 200 and REVIEW_FORM in page.text, page.text[:2000]


async def test_idp_broker_login_rejects_username_longer_than_max_length(env: Env) -> None:
    """IdpCreateUserIfUniqueAuthenticatorTest#testIdpBrokerLoginRejectsUsernameLongerThanMaxLength."""
    async with served(env) as broker:
        await broker.add_provider()
        await username_template(broker, "oversized-username-mapper", "a" * 256)
        async with browser(broker) as http:
            is_review(await broker_login(http))
        assert await usernames(env) == ["user1"]


async def test_the_review_page_comes_back_for_a_username_too_long_even_when_review_is_off(env: Env) -> None:
    """The same with Review Profile ``off``: the reset flow enforces the page (was the 400 "Unexpected error when
    handling authentication request to identity provider." page, Keycloak's answer before #50903)."""
    async with served(env) as broker:
        await broker.add_provider()
        await review_off(broker)
        await username_template(broker, "oversized-username-mapper", "a" * 256)
        async with browser(broker) as http:
            is_review(await broker_login(http))
        assert await usernames(env) == ["user1"]


async def test_idp_broker_login_accepts_username_at_max_length(env: Env) -> None:
    """IdpCreateUserIfUniqueAuthenticatorTest#testIdpBrokerLoginAcceptsUsernameAtMaxLength: no review page, the
    user created with the 255-character username."""
    async with served(env) as broker:
        await broker.add_provider()
        await username_template(broker, "boundary-username-mapper", "a" * 255)
        async with browser(broker) as http:
            done = await broker_login(http)
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:2000]
        assert await usernames(env) == ["a" * 255, "user1"]
