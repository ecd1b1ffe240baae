"""KcOidcBrokerColonAliasClientSecretBasicAuthTest (tests/base, BrokerLoginTest's two methods): the provider's
client id is a URL, ``https://kc-dev.general.gr/staging/realms/general``, and the broker authenticates with
client_secret_basic, so the id's colons are form-encoded in the Basic header (RFC 6749 §2.3.1) and the provider
reads them back. #testLogInAsUserInIDP: the first login creates the user; #loginWithExistingUser: a later login
through the broker creates no other."""

from __future__ import annotations

import pytest

from broker_support import ALIAS, Broker, broker_login, browser, served, user_named
from browser_flow import REDIRECT
from support import seed_client
from wire_env import Env

pytestmark = pytest.mark.anyio

CLIENT_ID_COLON = "https://kc-dev.general.gr/staging/realms/general"


async def colon_provider(broker: Broker) -> None:
    endpoint = f"{broker.base}/realms/test/broker/{ALIAS}/endpoint"
    await seed_client(broker.env.db, "provider", CLIENT_ID_COLON, secret="provider-secret", redirect_uris=(endpoint,))
    config = broker.provider_rep(clientId=CLIENT_ID_COLON, clientAuthMethod="client_secret_basic")["config"]
    await broker.add_provider(config=config)


async def signs_in(broker: Broker) -> None:
    async with browser(broker) as http:
        done = await broker_login(http)
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text[:2000]


async def user_count(env: Env) -> int:
    counted = await env.http.get("/admin/realms/test/users/count", headers=await env.admin_headers())
    return int(counted.json())


async def test_log_in_as_user_in_idp(env: Env) -> None:
    """BrokerLoginTest#testLogInAsUserInIDP."""
    async with served(env) as broker:
        await colon_provider(broker)
        await signs_in(broker)
        user = await user_named(env, "alice")
        assert user is not None and user["email"] == "alice@example.org"


async def test_login_with_existing_user(env: Env) -> None:
    """BrokerLoginTest#loginWithExistingUser."""
    async with served(env) as broker:
        await colon_provider(broker)
        await signs_in(broker)
        before = await user_count(env)
        await signs_in(broker)
        assert await user_count(env) == before
