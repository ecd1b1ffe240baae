"""A stored provider token refreshed when it is retrieved (AbstractOAuth2IdentityProvider.retrieveToken's
needsRefresh and refreshToken; Keycloak's testRefreshExpiredStoredToken): over real HTTP with a second realm as the
provider, the fake clock moved to within ``minValidityToken`` of the stored access token's expiry."""

from __future__ import annotations

import json
from typing import Any

import jwt
import pytest

from broker_support import ALIAS, Broker, served
from broker_token_support import RETRIEVE, alice_token, enable_events, events_of, retrieve, user_id_of
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _stored(env: Env) -> dict[str, Any]:
    """What alice's link keeps now."""
    alice = await user_id_of(env, "alice")
    async with env.db.transaction() as tx:
        (link,) = [f for f in await tx.federated.of_user(alice) if f.alias == ALIAS]
    assert link.token is not None
    stored: dict[str, Any] = json.loads(link.token)
    return stored


async def _ready(broker: Broker, **config: str) -> tuple[str, dict[str, Any]]:
    """The provider storing tokens, alice signed in through it: her app token and the stored response."""
    await enable_events(broker.env)
    rep = broker.provider_rep(**config)
    await broker.add_provider(storeToken=True, addReadTokenRoleOnCreate=True, config=rep["config"])
    token = await alice_token(broker)
    return token, await _stored(broker.env)


async def test_an_access_token_about_to_expire_is_refreshed_answered_and_stored(env: Env) -> None:
    """Within five seconds of ``accessTokenExpiration`` (DEFAULT_MIN_VALIDITY_TOKEN) the stored refresh token gets a
    new response from the provider: answered, kept on the link with its own expiration, asked for only once."""
    async with served(env) as broker:
        token, before = await _ready(broker)
        env.clock.advance(before["accessTokenExpiration"] - env.clock.now() - 4)
        answer = await retrieve(broker, token)
        assert answer.status_code == 200, answer.text
        renewed = answer.json()
        assert renewed["access_token"] != before["access_token"]
        claims = jwt.decode(renewed["access_token"], options={"verify_signature": False})
        assert claims["iss"] == f"{broker.base}/realms/provider" and claims["preferred_username"] == "alice"
        assert renewed["accessTokenExpiration"] == env.clock.now() + renewed["expires_in"]
        assert renewed["refresh_token"] and renewed["id_token"]
        assert await _stored(env) == renewed
        again = await retrieve(broker, token)
        assert again.status_code == 200 and again.json() == renewed  # not due any more: no second refresh
        events = await events_of(env, RETRIEVE)
        assert len(events) == 2
        assert renewed["access_token"] not in json.dumps(await events_of(env, ""))


async def test_a_token_further_from_expiry_than_min_validity_is_answered_as_stored(env: Env) -> None:
    """Six seconds before expiry with the default, nothing is asked; with ``minValidityToken`` 60 it is refreshed."""
    async with served(env) as broker:
        token, before = await _ready(broker)
        env.clock.advance(before["accessTokenExpiration"] - env.clock.now() - 6)
        answer = await retrieve(broker, token)
        assert answer.status_code == 200 and answer.json() == before
        headers = await env.admin_headers()
        rep = broker.provider_rep(minValidityToken="60")
        rep.update(storeToken=True, addReadTokenRoleOnCreate=True)
        put = await env.http.put(f"/admin/realms/test/identity-provider/instances/{ALIAS}", json=rep, headers=headers)
        assert put.status_code == 204, put.text
        refreshed = await retrieve(broker, token)
        assert refreshed.status_code == 200
        assert refreshed.json()["access_token"] != before["access_token"]


async def test_a_refresh_the_provider_refuses_is_keycloaks_502_and_keeps_the_stored_token(env: Env) -> None:
    """The provider's session gone, its refresh grant answers an error: AbstractOAuth2IdentityProvider.retrieveToken's
    WebApplicationException, which getTokenV1's inner catch answers (502 ``{"errorMessage": "Unable to refresh
    token"}``) after one IDENTITY_PROVIDER_RETRIEVE_TOKEN_ERROR ``identity_provider_error`` and no success event
    (success() follows retrieveToken); the stored response untouched."""
    async with served(env) as broker:
        token, before = await _ready(broker)
        headers = await env.admin_headers()
        users = await env.http.get("/admin/realms/provider/users", params={"username": "alice"}, headers=headers)
        ended = await env.http.post(f"/admin/realms/provider/users/{users.json()[0]['id']}/logout", headers=headers)
        assert ended.status_code == 204, ended.text
        env.clock.advance(before["accessTokenExpiration"] - env.clock.now())
        answer = await retrieve(broker, token)
        assert answer.status_code == 502 and answer.headers["content-type"].startswith("application/json")
        assert answer.json() == {"errorMessage": "Unable to refresh token"}
        assert await _stored(env) == before
        [error] = await events_of(env, f"{RETRIEVE}_ERROR")
        assert error["error"] == "identity_provider_error"
        assert error["details"] == {"identity_provider": ALIAS, "reason": "Unable to refresh token"}
        assert await events_of(env, RETRIEVE) == []
