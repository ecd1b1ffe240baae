"""Keycloak's IdentityProviderStoreTokenV1Test (InterfaceIdentityProviderStoreTokenTest,
InterfaceIdentityProviderStoreTokenV1Test, InterfaceOIDCIdentityProviderStoreTokenTest; before them
IdentityProviderStoreTokenTest and AbstractIdentityProviderStoreTokenTest) over real HTTP: realm ``provider`` is
the external OpenID Connect provider of realm ``test`` (alias ``kc``, ``storeToken``), and the stored token is read
with ``GET /realms/test/broker/kc/token`` (IdentityBrokerService.getTokenV1).

Not ported here: the ``POST`` of the brokering API v2 (IdentityProviderStoreTokenV2Test and
InterfaceIdentityProviderStoreTokenV2Test), a Keycloak feature off by default that Doorkeep does not serve.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from broker_support import ALIAS, Broker, broker_login, browser, served
from broker_token_support import alice_token, retrieve, user_id_of
from browser_flow import REDIRECT
from support import password_grant, refresh
from wire_env import Env

pytestmark = pytest.mark.anyio
MIN_VALIDITY = 5  # IdentityProviderModel.DEFAULT_MIN_VALIDITY_TOKEN


async def _app_tokens(broker: Broker) -> dict[str, Any]:
    """alice in through the provider: the app's whole token response (InterfaceIdentityProviderStoreTokenTest's
    loginWithIdP and doAccessTokenRequest)."""
    async with browser(broker) as http:
        done = await broker_login(http)
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        data = {"grant_type": "authorization_code", "client_id": "app", "client_secret": "secret"}
        data |= {"code": dict(httpx.URL(done.headers["location"]).params)["code"], "redirect_uri": REDIRECT}
        answer = await http.post("/realms/test/protocol/openid-connect/token", data=data)
    assert answer.status_code == 200, answer.text
    tokens: dict[str, Any] = answer.json()
    return tokens


async def _link_token(env: Env) -> str | None:
    """What alice's link keeps (the runOnServer read of FederatedIdentityModel.getToken)."""
    alice = await user_id_of(env, "alice")
    async with env.db.transaction() as tx:
        (link,) = [f for f in await tx.federated.of_user(alice) if f.alias == ALIAS]
    return link.token


async def _update_provider(broker: Broker, **changes: Any) -> None:
    rep = broker.provider_rep()
    rep.update(storeToken=True, addReadTokenRoleOnCreate=True)
    rep.update(changes)
    headers = await broker.env.admin_headers()
    put = await broker.env.http.put(
        f"/admin/realms/test/identity-provider/instances/{ALIAS}", json=rep, headers=headers
    )
    assert put.status_code == 204, put.text


async def _assert_usable_at_provider(broker: Broker, answer: httpx.Response) -> dict[str, Any]:
    """IdentityProviderStoreTokenV1Test.checkSuccessfulTokenResponse: access, refresh and ID tokens, and the access
    token accepted by the provider's userinfo endpoint, which names the user."""
    assert answer.status_code == 200, answer.text
    stored: dict[str, Any] = answer.json()
    assert stored["access_token"] and stored["refresh_token"] and stored["id_token"]
    async with browser(broker) as http:
        userinfo = await http.get(
            "/realms/provider/protocol/openid-connect/userinfo",
            headers={"Authorization": f"Bearer {stored['access_token']}"},
        )
    assert userinfo.status_code == 200, userinfo.text
    assert userinfo.json()["preferred_username"] == "alice"
    return stored


async def test_the_stored_token_is_answered_and_the_provider_accepts_it(env: Env) -> None:
    """InterfaceIdentityProviderStoreTokenTest.testDefaultSuccess (and the older
    testOIDCIdentityProviderStoreTokenRoleGrantOnUserCreation): the user the provider created holds read-token, the
    retrieval succeeds, and the provider's userinfo accepts the access token it answers."""
    async with served(env) as broker:
        await broker.add_provider(storeToken=True, addReadTokenRoleOnCreate=True)
        token = await alice_token(broker)
        await _assert_usable_at_provider(broker, await retrieve(broker, token))


async def test_a_disabled_provider_cannot_give_its_stored_token(env: Env) -> None:
    """InterfaceIdentityProviderStoreTokenTest.testIdpDisabled (AbstractIdentityProviderStoreTokenTest: 502): the
    provider disabled after the login, getTokenV1's getIdentityProvider finds no enabled provider of that alias
    (IdentityBrokerService.getIdentityProviderModel: ``model == null || !model.isEnabled()``) and answers the 502
    error page "Could not obtain token from identity provider."; the stored token is not answered."""
    async with served(env) as broker:
        await broker.add_provider(storeToken=True, addReadTokenRoleOnCreate=True)
        token = await alice_token(broker)
        stored = await _link_token(env)
        assert stored is not None
        await _update_provider(broker, enabled=False)
        answer = await retrieve(broker, token)
        assert answer.status_code == 502 and "text/html" in answer.headers["content-type"], answer.text
        assert "Could not obtain token from identity provider." in answer.text
        assert json.loads(stored)["access_token"] not in answer.text
        await _update_provider(broker, enabled=True)
        again = await retrieve(broker, token)
        assert again.status_code == 200, again.text


async def test_a_disabled_user_is_refused(env: Env) -> None:
    """InterfaceIdentityProviderStoreTokenTest.testUserDisabled: the user disabled after the login, the bearer token
    no longer authenticates: 400 ``Invalid token.``."""
    async with served(env) as broker:
        await broker.add_provider(storeToken=True, addReadTokenRoleOnCreate=True)
        token = await alice_token(broker)
        headers = await env.admin_headers()
        alice = await user_id_of(env, "alice")
        user = (await env.http.get(f"/admin/realms/test/users/{alice}", headers=headers)).json()
        put = await env.http.put(f"/admin/realms/test/users/{alice}", json={**user, "enabled": False}, headers=headers)
        assert put.status_code == 204, put.text
        answer = await retrieve(broker, token)
        assert (answer.status_code, answer.json()) == (400, {"errorMessage": "Invalid token."})


async def test_the_read_token_role_granted_later_counts_from_the_next_login(env: Env) -> None:
    """InterfaceIdentityProviderStoreTokenV1Test.testOIDCIdentityProviderStoreTokenManualRoleGrant: without
    ``addReadTokenRoleOnCreate`` the user's token is refused (403); the broker client's read-token role granted and
    the user logged out, the next login through the provider reads the stored token, usable at the provider."""
    async with served(env) as broker:
        await broker.add_provider(storeToken=True)
        first = await alice_token(broker)
        refused = await retrieve(broker, first)
        assert refused.status_code == 403, refused.text

        headers = await env.admin_headers()
        alice = await user_id_of(env, "alice")
        logout = await env.http.post(f"/admin/realms/test/users/{alice}/logout", headers=headers)
        assert logout.status_code == 204, logout.text
        clients = await env.http.get("/admin/realms/test/clients", params={"clientId": "broker"}, headers=headers)
        broker_uuid = clients.json()[0]["id"]
        role = await env.http.get(f"/admin/realms/test/clients/{broker_uuid}/roles/read-token", headers=headers)
        granted = await env.http.post(
            f"/admin/realms/test/users/{alice}/role-mappings/clients/{broker_uuid}", json=[role.json()], headers=headers
        )
        assert granted.status_code == 204, granted.text

        second = await alice_token(broker)
        await _assert_usable_at_provider(broker, await retrieve(broker, second))


async def test_a_stored_token_near_expiry_is_renewed_and_persisted(env: Env) -> None:
    """InterfaceOIDCIdentityProviderStoreTokenTest.testRefreshTokenFetchExternalIdpTokenSuccess: the clock moved to
    one second inside ``minValidityToken`` of the stored token's expiry, the app's token refreshed, the retrieval
    answers a new access token from the provider, and the link keeps the new response."""
    async with served(env) as broker:
        await broker.add_provider(storeToken=True, addReadTokenRoleOnCreate=True)
        tokens = await _app_tokens(broker)
        first = await _assert_usable_at_provider(broker, await retrieve(broker, tokens["access_token"]))
        old = await _link_token(env)

        env.clock.advance(first["expires_in"] - MIN_VALIDITY + 1)
        async with browser(broker) as http:
            refreshed = await refresh(http, "test", "app", tokens["refresh_token"])
        assert refreshed.status_code == 200, refreshed.text
        second = await _assert_usable_at_provider(broker, await retrieve(broker, refreshed.json()["access_token"]))
        assert second["access_token"] != first["access_token"]
        new = await _link_token(env)
        assert new is not None and new != old and json.loads(new)["access_token"] == second["access_token"]


async def test_a_renewal_the_provider_refuses_fails_the_retrieval(env: Env) -> None:
    """InterfaceOIDCIdentityProviderStoreTokenTest.testRefreshTokenFetchExternalIdpTokenFailure: the stored token
    expired and the provider's client secret now wrong, the app's own refresh still works but the retrieval fails
    (the provider's token endpoint answers an error: AbstractOAuth2IdentityProvider.retrieveToken's 502
    ``{"errorMessage": "Unable to refresh token"}``), and the link keeps its token."""
    async with served(env) as broker:
        await broker.add_provider(storeToken=True, addReadTokenRoleOnCreate=True)
        tokens = await _app_tokens(broker)
        first = await retrieve(broker, tokens["access_token"])
        assert first.status_code == 200, first.text
        old = await _link_token(env)

        env.clock.advance(first.json()["expires_in"] + 10)
        await _update_provider(broker, config={**broker.provider_rep()["config"], "clientSecret": "wrongpassword"})
        async with browser(broker) as http:
            refreshed = await refresh(http, "test", "app", tokens["refresh_token"])
        assert refreshed.status_code == 200, refreshed.text
        failed = await retrieve(broker, refreshed.json()["access_token"])
        assert (failed.status_code, failed.json()) == (502, {"errorMessage": "Unable to refresh token"})
        assert await _link_token(env) == old


async def test_a_token_of_a_password_login_reads_and_renews_the_stored_token(env: Env) -> None:
    """InterfaceOIDCIdentityProviderStoreTokenTest.testRefreshTokenFetchExternalIdpFromDifferentLogin (its V1 part:
    the API v1 reads the link, never the user session): the brokered user given a password, a password grant's
    token reads the token the broker login stored; near expiry, after a refresh, the broker login's token reads the
    renewed one."""
    async with served(env) as broker:
        await broker.add_provider(storeToken=True, addReadTokenRoleOnCreate=True)
        tokens = await _app_tokens(broker)
        headers = await env.admin_headers()
        alice = await user_id_of(env, "alice")
        reset = await env.http.put(
            f"/admin/realms/test/users/{alice}/reset-password",
            json={"type": "password", "value": "password", "temporary": False},
            headers=headers,
        )
        assert reset.status_code == 204, reset.text
        async with browser(broker) as http:
            direct = await password_grant(http, "test", "app", "alice")
        assert direct.status_code == 200, direct.text
        from_direct = await retrieve(broker, direct.json()["access_token"])
        assert from_direct.status_code == 200, from_direct.text

        env.clock.advance(from_direct.json()["expires_in"] - MIN_VALIDITY + 1)
        async with browser(broker) as http:
            refreshed = await refresh(http, "test", "app", direct.json()["refresh_token"])
        assert refreshed.status_code == 200, refreshed.text
        renewed = await retrieve(broker, tokens["access_token"])
        assert renewed.status_code == 200, renewed.text
        assert renewed.json()["access_token"] != from_direct.json()["access_token"]
        again = await retrieve(broker, refreshed.json()["access_token"])
        assert again.status_code == 200 and again.json() == renewed.json()
