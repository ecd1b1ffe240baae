"""Logging in through a generic OAuth 2.0 provider (Keycloak's OAuth2IdentityProvider and its factory, id
``oauth2``), end to end over real HTTP, as Keycloak's OAuth2BrokerTest does it: the provider is another realm of the
same server, asked with scope ``openid`` so that its userinfo answers; no ID token is read, the user comes from the
userinfo JSON through the configured claim names."""

from __future__ import annotations

from typing import Any

import pytest

from broker_support import Broker, browser, button, provider_login, query, served, start_login, user_named
from browser_flow import REDIRECT, form_action, form_fields
from flow_builder import admin
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
ALIAS = "kc"  # the alias whose broker endpoint the provider realm's broker-app may redirect to
INSTANCES = "/admin/realms/test/identity-provider/instances"


def _rep(broker: Broker, **config: str) -> dict[str, Any]:
    """OAuth2BrokerTest's provider: KcOidcBrokerConfiguration's with providerId ``oauth2`` and scope ``openid``."""
    oidc = f"{broker.base}/realms/provider/protocol/openid-connect"
    return {
        "alias": ALIAS,
        "providerId": "oauth2",
        "enabled": True,
        "config": {
            "clientId": "broker-app",
            "clientSecret": "provider-secret",
            "authorizationUrl": f"{oidc}/auth",
            "tokenUrl": f"{oidc}/token",
            "userInfoUrl": f"{oidc}/userinfo",
            "defaultScope": "openid",
            "syncMode": "IMPORT",
            **config,
        },
    }


async def _login(broker: Broker, username: str, email: str = "") -> Any:
    """From the app's authorization request, through the provider's login page, to the app (past the review page
    if the first broker login shows one)."""
    async with browser(broker) as http:
        page = await start_login(http)
        sent = await http.get(button(page, ALIAS))
        assert sent.status_code == 302, sent.text
        params = query(sent.headers["location"])
        assert params["scope"] == "openid" and params["client_id"] == "broker-app" and params["state"]
        assert params["redirect_uri"] == f"{broker.base}/realms/test/broker/{ALIAS}/endpoint"
        answer = await http.get(await provider_login(http, sent, username))
        if answer.status_code == 200 and 'name="lastName"' in answer.text:
            answer = await http.post(
                form_action(answer.text),
                data={**form_fields(answer.text), "email": email, "firstName": "Firstname", "lastName": "Lastname"},
            )
        assert answer.status_code == 302 and answer.headers["location"].startswith(REDIRECT), answer.text
        return answer


async def _hardcoded_claim(broker: Broker, name: str, value: str) -> None:
    """HardcodedClaim.create(name, name, value, "String", true, true, true) on the provider realm's broker-app."""
    [client] = (await admin(broker.env, "GET", "/admin/realms/provider/clients?clientId=broker-app", status=200)).json()
    mapper = {
        "name": name,
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-claim-mapper",
        "config": {
            "claim.name": name,
            "claim.value": value,
            "jsonType.label": "String",
            "id.token.claim": "true",
            "access.token.claim": "true",
            "userinfo.token.claim": "true",
        },
    }
    path = f"/admin/realms/provider/clients/{client['id']}/protocol-mappers/models"
    await admin(broker.env, "POST", path, mapper, status=201)


async def test_login_with_the_default_claims(env: Env) -> None:
    """OAuth2BrokerTest.testLoginDefaultConfiguration: the id from ``sub``, the username from
    ``preferred_username``, the e-mail and names from ``email``, ``given_name`` and ``family_name`` (all there: no
    review page); the link names the provider's subject."""
    async with served(env) as broker:
        await seed_user(env.db, env.clock, "provider", "carol", email="carol@example.org", last_name="Jones")
        await admin(env, "POST", INSTANCES, _rep(broker), status=201)
        await _login(broker, "carol")
        user = await user_named(env, "carol")
        assert user is not None and user["email"] == "carol@example.org"
        assert (user["firstName"], user["lastName"]) == ("Carol", "Jones")
        [upstream] = (await admin(env, "GET", "/admin/realms/provider/users?username=carol", status=200)).json()
        links = (
            await admin(env, "GET", f"/admin/realms/test/users/{user['id']}/federated-identity", status=200)
        ).json()
        assert links == [{"identityProvider": ALIAS, "userId": upstream["id"], "userName": "carol"}]


async def test_the_configured_claims_name_the_user(env: Env) -> None:
    """OAuth2BrokerTest.testFetchUserProfileClaims: ``userNameClaim``, ``emailClaim`` and ``fullNameClaim`` name
    other claims of the userinfo; without given and family names the full name is split at its last space."""
    async with served(env) as broker:
        await seed_user(env.db, env.clock, "provider", "dave", first_name=None, last_name=None)
        for name, value in (
            ("username-claim", "username-claim"),
            ("name-claim", "my user"),
            ("email-claim", "email-claim@keycloak.org"),
        ):
            await _hardcoded_claim(broker, name, value)
        rep = _rep(broker, userNameClaim="username-claim", emailClaim="email-claim", fullNameClaim="name-claim")
        await admin(env, "POST", INSTANCES, rep, status=201)
        await _login(broker, "dave")
        user = await user_named(env, "username-claim")
        assert user is not None
        assert (user["email"], user["firstName"], user["lastName"]) == ("email-claim@keycloak.org", "my", "user")


async def test_the_user_info_url_is_mandatory(env: Env) -> None:
    """OAuth2BrokerTest.testMandatoryFields: a provider without ``userInfoUrl`` is refused, on create and update,
    with "User Info URL not provided"; the stored one is unchanged."""
    async with served(env) as broker:
        rep = _rep(broker)
        del rep["config"]["userInfoUrl"]
        refused = await admin(env, "POST", INSTANCES, rep, status=400)
        assert "User Info URL not provided" in refused.text
        await admin(env, "POST", INSTANCES, _rep(broker), status=201)
        stored = (await admin(env, "GET", f"{INSTANCES}/{ALIAS}", status=200)).json()
        del stored["config"]["userInfoUrl"]
        again = await admin(env, "PUT", f"{INSTANCES}/{ALIAS}", stored, status=400)
        assert "User Info URL not provided" in again.text
        kept = (await admin(env, "GET", f"{INSTANCES}/{ALIAS}", status=200)).json()
        assert kept["config"]["userInfoUrl"].endswith("/userinfo")


async def test_a_userinfo_that_is_not_json_fails_the_login(env: Env) -> None:
    """OAuth2IdentityProvider.fetchUserProfile: an answer that is not JSON ("Unsupported content-type") is the
    error page's unexpected error; no user is made. Here the user info URL answers the provider's login page."""
    async with served(env) as broker:
        page = f"{broker.base}/realms/provider/account"
        await admin(env, "POST", INSTANCES, _rep(broker, userInfoUrl=page), status=201)
        async with browser(broker) as http:
            start = await start_login(http)
            sent = await http.get(button(start, ALIAS))
            answer = await http.get(await provider_login(http, sent, "alice"))
            assert answer.status_code == 502, answer.text
            assert "Unexpected error when authenticating with identity provider" in answer.text
        assert await user_named(env, "alice") is None
