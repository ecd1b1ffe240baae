"""The provider's userinfo at a brokered login (OIDCIdentityProvider.extractIdentity): read whenever
``disableUserInfo`` is off and ``userInfoUrl`` is set, since KEYCLOAK-14039 (keycloak#7214) not only when the ID
token lacks a claim; its ``sub`` must be the ID token's (getFederatedIdentity's "Mismatch between the subject in
the id_token and the subject from the user_info endpoint"), and its claims are the user's.

Ports of Keycloak's KcOidcBrokerSubMatchIntrospectionTest and KcOidcBrokerClientUserInfoTest, with realm
``provider`` as the Keycloak provider of realm ``test`` over real HTTP; the FakeIdp for the answers a Keycloak
provider never gives (a userinfo without ``sub``).
"""

from __future__ import annotations

from typing import Any

import pytest

from broker_support import Broker, broker_login, browser, callback, served, to_provider, user_named
from browser_flow import REDIRECT
from fake_idp import fake_idp
from wire_env import Env

pytestmark = pytest.mark.anyio
UNEXPECTED = "Unexpected error when authenticating with identity provider"


async def _userinfo_only_mapper(broker: Broker, name: str, config: dict[str, str]) -> None:
    """A protocol mapper on the provider's client ``broker-app`` whose claim goes to userinfo only."""
    env = broker.env
    headers = await env.admin_headers()
    clients = await env.http.get("/admin/realms/provider/clients", params={"clientId": "broker-app"}, headers=headers)
    app = clients.json()[0]["id"]
    flags = {"access.token.claim": "false", "id.token.claim": "false", "userinfo.token.claim": "true"}
    mapper = {"name": name, "protocol": "openid-connect", "config": {**config, **flags}}
    mapper["protocolMapper"] = config.pop("_type")
    made = await env.http.post(
        f"/admin/realms/provider/clients/{app}/protocol-mappers/models", json=mapper, headers=headers
    )
    assert made.status_code == 201, made.text


async def _provider_userinfo(broker: Broker) -> dict[str, Any]:
    """What the provider's userinfo says of alice (a password grant of ``broker-app``)."""
    async with browser(broker) as http:
        form = {"grant_type": "password", "client_id": "broker-app", "client_secret": "provider-secret"}
        form |= {"username": "alice", "password": "password", "scope": "openid"}
        tokens = await http.post("/realms/provider/protocol/openid-connect/token", data=form)
        assert tokens.status_code == 200, tokens.text
        bearer = {"Authorization": f"Bearer {tokens.json()['access_token']}"}
        info = await http.get("/realms/provider/protocol/openid-connect/userinfo", headers=bearer)
    assert info.status_code == 200, info.text
    answer: dict[str, Any] = info.json()
    return answer


async def test_a_userinfo_subject_other_than_the_id_tokens_ends_the_login(env: Env) -> None:
    """KcOidcBrokerSubMatchIntrospectionTest.testLogInAsUserInIDP: the provider's client puts a hardcoded ``sub``
    ("overriden") in userinfo only; the ID token holds every claim the broker reads, userinfo is still read, its
    subject differs: the login ends on the error page and no user is made."""
    async with served(env) as broker:
        await broker.add_provider(config={**broker.provider_rep()["config"], "disableUserInfo": "false"})
        hardcoded = {"_type": "oidc-hardcoded-claim-mapper", "claim.name": "sub", "claim.value": "overriden"}
        await _userinfo_only_mapper(broker, "sub-override", {**hardcoded, "jsonType.label": "String"})
        assert (await _provider_userinfo(broker))["sub"] == "overriden"
        async with browser(broker) as http:
            done = await broker_login(http)
        assert done.status_code == 502, done.text
        assert UNEXPECTED in done.text and "location" not in done.headers
        assert await user_named(env, "alice") is None


async def test_claims_the_provider_gives_in_userinfo_only_reach_the_user(env: Env) -> None:
    """KcOidcBrokerClientUserInfoTest (AbstractBrokerTest's login with KcOidcBrokerConfigurationUserInfoOnlyMappers):
    the provider's client maps the user attribute ``user-attribute-ufo`` to userinfo only, ``disableUserInfo`` off;
    the login goes through, and an attribute importer reading that claim (its only source is userinfo, as the ID
    token holds every claim the broker reads) sets it on the new user."""
    async with served(env) as broker:
        await broker.add_provider(config={**broker.provider_rep()["config"], "disableUserInfo": "false"})
        attribute = "user-attribute-ufo"
        mapper = {"_type": "oidc-usermodel-attribute-mapper", "user.attribute": attribute, "claim.name": attribute}
        await _userinfo_only_mapper(broker, "attribute - name", {**mapper, "jsonType.label": "String"})
        headers = await env.admin_headers()
        users = await env.http.get("/admin/realms/provider/users", params={"username": "alice"}, headers=headers)
        alice = users.json()[0]
        put = await env.http.put(
            f"/admin/realms/provider/users/{alice['id']}",
            json={**alice, "attributes": {attribute: ["ufo-value"]}},
            headers=headers,
        )
        assert put.status_code == 204, put.text
        assert (await _provider_userinfo(broker))[attribute] == "ufo-value"
        importer = {
            "name": "ufo",
            "identityProviderAlias": "kc",
            "identityProviderMapper": "oidc-user-attribute-idp-mapper",
            "config": {"claim": attribute, "user.attribute": attribute, "syncMode": "INHERIT"},
        }
        made = await env.http.post(
            "/admin/realms/test/identity-provider/instances/kc/mappers", json=importer, headers=headers
        )
        assert made.status_code == 201, made.text
        profile = await env.http.get("/admin/realms/test/users/profile", headers=headers)
        upconfig = profile.json()
        upconfig["unmanagedAttributePolicy"] = "ENABLED"
        assert (await env.http.put("/admin/realms/test/users/profile", json=upconfig, headers=headers)).is_success

        async with browser(broker) as http:
            done = await broker_login(http)
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        user = await user_named(env, "alice")
        assert user is not None
        got = await env.http.get(f"/admin/realms/test/users/{user['id']}", headers=headers)
        assert got.json()["attributes"][attribute] == ["ufo-value"]


async def test_a_userinfo_without_subject_ends_the_login(env: Env) -> None:
    """OIDCIdentityProvider.extractIdentity takes the id from userinfo's ``sub``: without one the identity has no
    id and getFederatedIdentity's subject check fails ("Could not fetch attributes from userinfo endpoint."); the
    login ends on the error page. (Keycloak's own userinfo always names ``sub``; the FakeIdp omits it.)"""
    async with served(env) as broker, fake_idp() as idp:
        headers = await env.admin_headers()
        rep = idp.rep(disableUserInfo="false")
        made = await env.http.post("/admin/realms/test/identity-provider/instances", json=rep, headers=headers)
        assert made.status_code == 201, made.text
        now = env.clock.now()
        idp.id_token = lambda nonce: idp.signed(idp.claims(now))
        idp.userinfo_answer = ("application/json", b'{"preferred_username": "mallory", "email": "m@idp.example"}')
        async with browser(broker) as http:
            params = await to_provider(http, idp)
            done = await callback(http, params["state"], code="idp-code-1")
        assert done.status_code == 502, done.text
        assert UNEXPECTED in done.text and "location" not in done.headers
        assert await user_named(env, "mallory") is None


async def test_a_provider_giving_only_a_name_gives_the_user_both_names(env: Env) -> None:
    """OIDCIdentityProvider.extractIdentity: without ``given_name`` and ``family_name``, the ``name`` claim goes to
    BrokeredIdentityContext.setName, the first name up to its last space, the last name after it; the new user has
    both and goes straight back to the client."""
    async with served(env) as broker, fake_idp() as idp:
        headers = await env.admin_headers()
        made = await env.http.post("/admin/realms/test/identity-provider/instances", json=idp.rep(), headers=headers)
        assert made.status_code == 201, made.text
        now = env.clock.now()
        named = {"given_name": None, "family_name": None, "name": "Mal Lory Jr"}
        idp.id_token = lambda nonce: idp.signed(idp.claims(now, **named))
        async with browser(broker) as http:
            params = await to_provider(http, idp)
            done = await callback(http, params["state"], code="idp-code-1")
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        user = await user_named(env, "mallory")
        assert user is not None
        assert (user["firstName"], user["lastName"]) == ("Mal Lory", "Jr")
