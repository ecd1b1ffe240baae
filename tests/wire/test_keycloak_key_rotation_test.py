"""Wire port of Keycloak's ``org.keycloak.tests.keys.KeyRotationTest`` (tests/base/src/test/java/org/keycloak/
tests/keys/): two sets of keys (an imported ``rsa`` key and an HS512 ``hmac-generated`` key, priority 1000, then
2000) added and dropped in turn while a browser's identity cookie, tokens (access, refresh), userinfo,
introspection and a client's registration access token are used; ten ``rsa-generated`` providers of rising
priority each taking over RS256 at once.

What each key set signs is read from ``GET /keys``' ``active`` map, as the Java ``createKeys`` returns it.
Every Java @Test is ported.
"""

from __future__ import annotations

from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from browser_flow import REDIRECT, exchange, login, start
from key_provider_port import REALM, add, metadata, realm_id, rep
from support import add_audience, header, seed_client, seed_realm, seed_user, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio

REG = "/realms/test/clients-registrations/default"


@pytest.fixture
async def basic(env: Env) -> Env:
    """BasicRealmWithUserConfig: realm ``test``, its user, a confidential client for the browser login."""
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app", redirect_uris=(REDIRECT,))
    await seed_user(env.db, env.clock, "test", "user1")
    return env


async def create_keys(env: Env, priority: str) -> dict[str, str]:
    """``createKeys``: an imported RSA key and an HS512 key of ``priority``; the realm's active kids after."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption()
    ).decode()
    for body in (
        await rep(env, "mycomponent", "rsa", {"priority": priority, "privateKey": pem}),
        await rep(env, "mycomponent2", "hmac-generated", {"priority": priority, "algorithm": "HS512"}),
    ):
        assert (await add(env, body)).status_code == 201
    active: dict[str, str] = (await metadata(env))["active"]
    return active


async def drop_keys(env: Env, priority: str) -> None:
    """``dropKeys``: the two providers of ``priority`` removed."""
    headers = await env.admin_headers()
    params = {"parent": await realm_id(env), "type": "org.keycloak.keys.KeyProvider"}
    listed: list[dict[str, Any]] = (await env.http.get(f"{REALM}/components", params=params, headers=headers)).json()
    dropped = [c for c in listed if c["config"].get("priority") == [priority]]
    assert len(dropped) == 2, "Failed to find keys"
    for component in dropped:
        assert (await env.http.delete(f"{REALM}/components/{component['id']}", headers=headers)).status_code == 204


async def userinfo_status(env: Env, token: str) -> int:
    response = await env.http.get(token_url("test", "userinfo"), headers={"Authorization": f"Bearer {token}"})
    return response.status_code


async def introspected_active(env: Env, token: str) -> bool:
    form = {"token": token, "client_id": "app", "client_secret": "secret"}
    response = await env.http.post(token_url("test", "token/introspect"), data=form)
    assert response.status_code == 200, response.text
    return bool(response.json()["active"])


async def refreshed(env: Env, refresh_token: str) -> Any:
    form = {
        "grant_type": "refresh_token",
        "refresh_token": refresh_token,
        "client_id": "app",
        "client_secret": "secret",
    }
    return await env.http.post(token_url("test"), data=form)


async def registered(env: Env, registration_token: str) -> Any:
    return await env.http.get(f"{REG}/test", headers={"Authorization": f"Bearer {registration_token}"})


async def test_identity_cookie(basic: Env) -> None:
    """``testIdentityCookie``: the SSO cookie signed with keys #1 still logs in after keys #2 come (and is
    signed again with them), so dropping keys #1 changes nothing; dropping keys #2 ends the SSO login."""
    await create_keys(basic, "1000")
    await login(basic.http, "test", "app")
    await create_keys(basic, "2000")
    assert (await start(basic.http, "test", "app")).status_code == 302
    await drop_keys(basic, "1000")
    assert (await start(basic.http, "test", "app")).status_code == 302
    await drop_keys(basic, "2000")
    page = await start(basic.http, "test", "app")
    assert page.status_code == 200 and 'id="kc-form-login"' in page.text


async def test_tokens(basic: Env) -> None:
    """``testTokens``. app names itself in its tokens' audience, so that its introspection answers (Keycloak
    26.6.2's audience check)."""
    await add_audience(basic.db, "test", "app")
    keys1 = await create_keys(basic, "1000")
    code = await login(basic.http, "test", "app")
    response = await exchange(basic.http, "test", "app", code["code"])
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert header(tokens["access_token"])["kid"] == keys1["RS256"]
    assert header(tokens["refresh_token"])["kid"] == keys1["HS512"]

    initial = await basic.http.post(
        f"{REALM}/clients-initial-access", json={"count": 100, "expiration": 0}, headers=await basic.admin_headers()
    )
    assert initial.status_code == 201, initial.text
    made = await basic.http.post(
        REG, json={"clientId": "test"}, headers={"Authorization": f"Bearer {initial.json()['token']}"}
    )
    assert made.status_code == 201, made.text
    client_rep = made.json()
    assert await userinfo_status(basic, tokens["access_token"]) == 200
    assert await introspected_active(basic, tokens["access_token"])
    client_rep2 = (await registered(basic, client_rep["registrationAccessToken"])).json()
    assert client_rep2["registrationAccessToken"] == client_rep["registrationAccessToken"]

    keys2 = await create_keys(basic, "2000")
    assert keys1["RS256"] != keys2["RS256"] and keys1["HS512"] != keys2["HS512"]
    response = await refreshed(basic, tokens["refresh_token"])
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert header(tokens["access_token"])["kid"] == keys2["RS256"]
    assert header(tokens["refresh_token"])["kid"] == keys2["HS512"]
    assert await userinfo_status(basic, tokens["access_token"]) == 200
    assert await introspected_active(basic, tokens["access_token"])
    client_rep3 = (await registered(basic, client_rep["registrationAccessToken"])).json()
    assert client_rep3["registrationAccessToken"] != client_rep["registrationAccessToken"]

    await drop_keys(basic, "1000")
    response = await refreshed(basic, tokens["refresh_token"])
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert header(tokens["access_token"])["kid"] == keys2["RS256"]
    assert header(tokens["refresh_token"])["kid"] == keys2["HS512"]
    assert await userinfo_status(basic, tokens["access_token"]) == 200
    assert await introspected_active(basic, tokens["access_token"])
    assert (await registered(basic, client_rep["registrationAccessToken"])).status_code == 401
    client_rep4 = await registered(basic, client_rep3["registrationAccessToken"])
    assert client_rep4.status_code == 200, client_rep4.text
    assert client_rep4.json()["registrationAccessToken"] != client_rep2["registrationAccessToken"]

    await drop_keys(basic, "2000")
    assert await userinfo_status(basic, tokens["access_token"]) == 401
    assert not await introspected_active(basic, tokens["access_token"])
    response = await refreshed(basic, tokens["refresh_token"])
    assert response.status_code == 400
    assert response.json()["error_description"] == "Invalid refresh token"


async def test_provider_order(basic: Env) -> None:
    """``providerOrder``: the later, higher-priority set is the active one."""
    keys1 = await create_keys(basic, "1000")
    keys2 = await create_keys(basic, "2000")
    assert keys1["RS256"] != keys2["RS256"] and keys1["HS512"] != keys2["HS512"]
    await drop_keys(basic, "1000")
    await drop_keys(basic, "2000")


async def test_rotate_keys(basic: Env) -> None:
    """``rotateKeys``: each new rsa-generated provider of higher priority is RS256's active key at once."""
    realm = await realm_id(basic)
    for i in range(10):
        active = (await metadata(basic))["active"]["RS256"]
        body = {
            "name": f"generated{i}",
            "providerType": "org.keycloak.keys.KeyProvider",
            "providerId": "rsa-generated",
            "parentId": realm,
            "config": {"priority": [f"1000{i}"]},
        }
        assert (await add(basic, body)).status_code == 201
        assert (await metadata(basic))["active"]["RS256"] != active
