"""Logging in through an OpenID Connect identity provider, end to end over real HTTP: the provider is another
realm of the same server (KcOidcBrokerTest, AbstractBrokerTest, AbstractFirstBrokerLoginTest)."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from broker_support import ALIAS, Broker, broker_login, browser, button, provider_login, query, served, start_login
from browser_flow import REDIRECT, form_action, form_fields, typed_fields
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _links(broker: Broker, username: str) -> list[dict[str, Any]]:
    headers = await broker.env.admin_headers()
    found = await broker.env.http.get(
        "/admin/realms/test/users", params={"username": username, "exact": "true"}, headers=headers
    )
    users = found.json()
    assert len(users) == 1, found.text
    links = await broker.env.http.get(f"/admin/realms/test/users/{users[0]['id']}/federated-identity", headers=headers)
    result: list[dict[str, Any]] = links.json()
    return result


async def _events(broker: Broker) -> list[str]:
    got = await broker.env.http.get("/admin/realms/test/events", headers=await broker.env.admin_headers())
    return [e["type"] for e in got.json()]


async def _token(http: Any, code: str) -> dict[str, Any]:
    data = {
        "grant_type": "authorization_code",
        "code": code,
        "client_id": "app",
        "client_secret": "secret",
        "redirect_uri": REDIRECT,
    }
    answer = await http.post("/realms/test/protocol/openid-connect/token", data=data)
    assert answer.status_code == 200, answer.text
    claims: dict[str, Any] = jwt.decode(answer.json()["access_token"], options={"verify_signature": False})
    return claims | {"raw": answer.json()["access_token"]}


async def test_first_login_creates_the_user_and_the_second_finds_the_link(env: Env) -> None:
    """AbstractBrokerTest.testLogInAsUserInIDP, loginWithExistingUser: the first login through the provider creates
    the user (its e-mail verified only when the provider is trusted) and links it; a second login finds it."""
    async with served(env) as broker:
        await broker.add_provider(trustEmail=True)
        async with browser(broker) as http:
            page = await start_login(http)
            assert "Provider Realm" in page.text and "Or sign in with" in page.text
            to_provider = await http.get(button(page))
            target = query(to_provider.headers["location"])
            assert target["client_id"] == "broker-app" and target["code_challenge_method"] == "S256"
            assert target["redirect_uri"] == f"{broker.base}/realms/test/broker/{ALIAS}/endpoint"
            assert target["scope"] == "openid" and target["nonce"] and target["state"]
            done = await http.get(await provider_login(http, to_provider))
            assert done.status_code == 302, done.text
            assert done.headers["location"].startswith(REDIRECT)
            claims = await _token(http, query(done.headers["location"])["code"])
            assert claims["preferred_username"] == "alice"
            assert claims["email"] == "alice@example.org" and claims["email_verified"] is True
            linked = await http.get(
                "/realms/test/account/linked-accounts", headers={"Authorization": f"Bearer {claims['raw']}"}
            )
            assert linked.status_code == 200, linked.text
            assert linked.json() == [
                {
                    "connected": True,
                    "social": False,
                    "providerAlias": ALIAS,
                    "providerName": ALIAS,
                    "displayName": "Provider Realm",
                    "linkedUsername": "alice",
                }
            ]
        assert await _links(broker, "alice") == [
            {"identityProvider": ALIAS, "userId": await _alice_id(env), "userName": "alice"}
        ]
        kinds = await _events(broker)
        assert {"IDENTITY_PROVIDER_FIRST_LOGIN", "REGISTER", "LOGIN"} <= set(kinds)
        got = await env.http.get(
            "/admin/realms/test/events", params={"type": "LOGIN"}, headers=await env.admin_headers()
        )
        [login] = got.json()
        assert login["details"]["identity_provider"] == ALIAS
        assert login["details"]["identity_provider_identity"] == "alice"

        async with browser(broker) as http:  # another browser: no SSO session at the consumer, a new provider login
            done = await broker_login(http)
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
            claims = await _token(http, query(done.headers["location"])["code"])
            assert claims["preferred_username"] == "alice"
        headers = await env.admin_headers()
        listed = await env.http.get("/admin/realms/test/users", params={"search": "alice"}, headers=headers)
        assert [u["username"] for u in listed.json()] == ["alice"]  # one user, not a second


async def _alice_id(env: Env) -> str:
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("provider")
        assert realm is not None
        user = await tx.users.get_by_username(realm.id, "alice")
        assert user is not None
        return user.id


async def test_an_existing_account_with_the_email_is_linked_after_its_password(env: Env) -> None:
    """AbstractFirstBrokerLoginTest.testLinkAccountWithUsernamePassword: the e-mail belongs to a user of the
    realm: "Account already exists", "Add to existing account", the account's password, then the link."""
    async with served(env) as broker:
        await seed_user(env.db, env.clock, "test", "alice-local", "local-pass", email="alice@example.org")
        await broker.add_provider()
        async with browser(broker) as http:
            confirm = await broker_login(http)
            assert confirm.status_code == 200, confirm.text
            assert "Account already exists" in confirm.text
            assert "User with email alice@example.org already exists. How do you want to continue?" in confirm.text
            reauth = await http.post(
                form_action(confirm.text), data={**form_fields(confirm.text), "submitAction": "linkAccount"}
            )
            assert reauth.status_code == 200, reauth.text
            assert "Authenticate to link your account with kc" in reauth.text and "alice-local" in reauth.text
            wrong = await http.post(form_action(reauth.text), data={**typed_fields(reauth.text), "password": "nope"})
            # IdpUsernamePasswordForm inherits the generic message (keycloak@b137016c), no longer "Invalid password."
            assert wrong.status_code == 200 and "Invalid username or password." in wrong.text
            done = await http.post(form_action(wrong.text), data={**typed_fields(wrong.text), "password": "local-pass"})
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
            claims = await _token(http, query(done.headers["location"])["code"])
            assert claims["preferred_username"] == "alice-local"
        assert [link["identityProvider"] for link in await _links(broker, "alice-local")] == [ALIAS]
        assert "FEDERATED_IDENTITY_LINK" in await _events(broker)


async def test_kc_idp_hint_goes_straight_to_the_provider(env: Env) -> None:
    """KcOidcBrokerIdpHintTest (IdentityProviderAuthenticator): no login page, the browser sent on to the broker's
    login, then the provider; an unknown hint is ignored."""
    async with served(env) as broker:
        await broker.add_provider()
        async with browser(broker) as http:
            hinted = await start_login(http, kc_idp_hint=ALIAS)
            assert hinted.status_code == 303, hinted.text  # Response.seeOther to Urls.identityProviderAuthnRequest
            assert hinted.headers["location"].startswith(f"{broker.base}/realms/test/broker/{ALIAS}/login?")
            to_provider = await http.get(hinted.headers["location"])
            location = to_provider.headers["location"]
            assert location.startswith(f"{broker.base}/realms/provider/protocol/openid-connect/auth")
            done = await http.get(await provider_login(http, to_provider))
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        async with browser(broker) as http:
            page = await start_login(http, kc_idp_hint="nope")
            assert page.status_code == 200 and "kc-form-login" in page.text


async def test_a_tampered_state_and_a_missing_state_are_refused(env: Env) -> None:
    async with served(env) as broker:
        await broker.add_provider()
        async with browser(broker) as http:
            page = await start_login(http)
            to_provider = await http.get(button(page))
            back = await provider_login(http, to_provider)
            params = query(back)
            secret, rest = params["state"].split(".", 1)
            forged = await http.get(
                f"/realms/test/broker/{ALIAS}/endpoint", params={**params, "state": "x" + secret + "." + rest}
            )
            assert forged.status_code == 400 and "Invalid Request" in forged.text
            missing = await http.get(f"/realms/test/broker/{ALIAS}/endpoint", params={"code": params["code"]})
            assert missing.status_code == 502
            assert "Missing state parameter in response from identity provider." in missing.text
            done = await http.get(back)  # the genuine answer still works, once
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
            # the answer again, its tab gone and the browser signed in: getAndVerifyAuthenticationSession's
            # SessionCodeChecks sends the client temporarily_unavailable by the state's client data; no second code
            again = await http.get(back)
            assert again.status_code == 302, again.text
            assert query(again.headers["location"])["error_description"] == "authentication_expired"
            assert again.headers["location"].startswith(REDIRECT + "?error=temporarily_unavailable&")
        assert "IDENTITY_PROVIDER_LOGIN_ERROR" in await _events(broker)


async def test_the_provider_refusing_brings_back_the_login_page(env: Env) -> None:
    """AbstractOAuth2IdentityProvider: ``access_denied`` (the user cancelled) shows the login page again; another
    error shows it with "Unexpected error when authenticating with identity provider"."""
    async with served(env) as broker:
        await broker.add_provider()
        async with browser(broker) as http:
            page = await start_login(http)
            to_provider = await http.get(button(page))
            state = query(to_provider.headers["location"])["state"]
            denied = await http.get(
                f"/realms/test/broker/{ALIAS}/endpoint", params={"error": "access_denied", "state": state}
            )
            assert denied.status_code == 200 and "kc-form-login" in denied.text
            assert "Unexpected error" not in denied.text
            to_provider = await http.get(button(denied))
            state = query(to_provider.headers["location"])["state"]
            failed = await http.get(
                f"/realms/test/broker/{ALIAS}/endpoint", params={"error": "server_error", "state": state}
            )
            assert failed.status_code == 200
            assert "Unexpected error when authenticating with identity provider" in failed.text


async def test_a_disabled_or_hidden_provider_starts_no_login(env: Env) -> None:
    async with served(env) as broker:
        await broker.add_provider()
        async with browser(broker) as http:
            page = await start_login(http)
            url = button(page)
            headers = await env.admin_headers()
            rep = (
                await env.http.get(f"/admin/realms/test/identity-provider/instances/{ALIAS}", headers=headers)
            ).json()
            rep["enabled"] = False
            updated = await env.http.put(
                f"/admin/realms/test/identity-provider/instances/{ALIAS}", json=rep, headers=headers
            )
            assert updated.status_code == 204
            refused = await http.get(url)
            assert refused.status_code == 400
            assert "Could not proceed with authentication request to identity provider." in refused.text
            again = await start_login(http)
            assert 'id="social-kc"' not in again.text
            hinted = await start_login(http, kc_idp_hint=ALIAS)
            assert hinted.status_code == 200  # a disabled provider's hint is ignored


async def test_a_wrong_client_secret_at_the_provider_is_an_unexpected_error(env: Env) -> None:
    """The token request refused by the provider: 502 and IDENTITY_PROVIDER_LOGIN_ERROR, no user made."""
    async with served(env) as broker:
        rep = broker.provider_rep(clientSecret="wrong", clientAuthMethod="client_secret_basic")
        headers = await env.admin_headers()
        assert (
            await env.http.post("/admin/realms/test/identity-provider/instances", json=rep, headers=headers)
        ).status_code == 201
        async with browser(broker) as http:
            failed = await broker_login(http)
            assert failed.status_code == 502
            assert "Unexpected error when authenticating with identity provider" in failed.text
        listed = await env.http.get("/admin/realms/test/users", params={"search": "alice"}, headers=headers)
        assert listed.json() == []
        assert "IDENTITY_PROVIDER_LOGIN_ERROR" in await _events(broker)


async def test_missing_names_ask_for_the_profile_and_store_token_keeps_the_tokens(env: Env) -> None:
    """IdpReviewProfileAuthenticator's ``missing`` (the review page) for a provider user without a last name; ``storeToken`` keeps the provider's token response on the link."""
    async with served(env) as broker:
        await seed_user(env.db, env.clock, "provider", "bob", email="bob@example.org", last_name=None)
        await broker.add_provider(storeToken=True)
        async with browser(broker) as http:
            page = await broker_login(http, "bob")
            assert page.status_code == 200, page.text
            assert 'name="lastName"' in page.text  # the update-profile form
            done = await http.post(
                form_action(page.text),
                data={**form_fields(page.text), "email": "bob@example.org", "firstName": "Bob", "lastName": "Builder"},
            )
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        async with env.db.transaction() as tx:
            realm = await tx.realms.get_by_name("test")
            assert realm is not None
            user = await tx.users.get_by_username(realm.id, "bob")
            assert user is not None and user.last_name == "Builder"
            [link] = await tx.federated.of_user(user.id)
            assert link.token is not None and "access_token" in link.token


async def test_a_disabled_linked_user_gets_the_error_page(env: Env) -> None:
    """AbstractAdvancedBrokerTest.testDisabledUser: IdentityBrokerService.validateUser answers a disabled linked
    user with the 400 error page "Account is disabled, contact your administrator." (ErrorPage.error), not the
    login form."""
    async with served(env) as broker:
        await broker.add_provider()
        async with browser(broker) as http:
            assert (await broker_login(http)).status_code == 302
        headers = await env.admin_headers()
        [alice] = (await env.http.get("/admin/realms/test/users", params={"username": "alice"}, headers=headers)).json()
        disabled = await env.http.put(
            f"/admin/realms/test/users/{alice['id']}", json={"enabled": False}, headers=headers
        )
        assert disabled.status_code == 204
        async with browser(broker) as http:
            refused = await broker_login(http)
            assert refused.status_code == 400, refused.text
            assert "Account is disabled, contact your administrator." in refused.text
            assert 'id="kc-error-message"' in refused.text and 'name="password"' not in refused.text


async def test_a_provider_configured_from_its_discovery_document_logs_in(env: Env) -> None:
    """IdentityProvidersResource.importFrom (``import-config`` with ``fromUrl``), then a login with that config."""
    async with served(env) as broker:
        headers = await env.admin_headers()
        discovery = f"{broker.base}/realms/provider/.well-known/openid-configuration"
        imported = await env.http.post(
            "/admin/realms/test/identity-provider/import-config",
            json={"providerId": "oidc", "fromUrl": discovery},
            headers=headers,
        )
        assert imported.status_code == 200, imported.text
        config = imported.json()
        oidc = f"{broker.base}/realms/provider/protocol/openid-connect"
        assert config["tokenUrl"] == f"{oidc}/token" and config["jwksUrl"] == f"{oidc}/certs"
        assert config["issuer"] == f"{broker.base}/realms/provider" and config["validateSignature"] == "true"
        assert config["metadataDescriptorUrl"] == discovery
        missing = await env.http.post(
            "/admin/realms/test/identity-provider/import-config", json={"fromUrl": discovery}, headers=headers
        )
        assert missing.status_code == 400
        rep = {
            "alias": ALIAS,
            "providerId": "oidc",
            "config": {**config, "clientId": "broker-app", "clientSecret": "provider-secret"},
        }
        created = await env.http.post("/admin/realms/test/identity-provider/instances", json=rep, headers=headers)
        assert created.status_code == 201, created.text
        async with browser(broker) as http:
            done = await broker_login(http)
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
