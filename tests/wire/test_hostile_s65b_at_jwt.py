"""Hostile s65b: access tokens typed ``at+jwt`` (client attribute ``access.token.header.type.rfc9068``) are taken
wherever Doorkeep takes its own access tokens, as Keycloak's checks read the payload's ``typ`` (Bearer), never the
header's; an at+jwt access token is still refused where an access token is refused (as a refresh token, as an ID
token hint)."""

from __future__ import annotations

import base64
import dataclasses
import json

import pytest

import account_rest_service_port as account
import token_exchange_realm as te
from admin_support import make_admin
from doorkeep.model import Client
from support import claims, header, refresh, seed_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

RFC9068 = "access.token.header.type.rfc9068"


async def _typed_at_jwt(env: Env, client_id: str) -> Client:
    """The client's attributes as they are, with the setting on."""
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        client = await tx.clients.get_by_client_id(realm.id, client_id)
        assert client is not None
        client = dataclasses.replace(client, attributes={**client.attributes, RFC9068: "true"})
        await tx.clients.update(client)
        return client


async def test_an_at_jwt_admin_token_calls_the_admin_api(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    await _typed_at_jwt(env, "admin-cli")
    _, bearer = await make_admin(env, "test", "helper", "view-users")
    assert header(bearer["Authorization"].removeprefix("Bearer "))["typ"] == "at+jwt"
    response = await env.http.get("/admin/realms/test/users", headers=bearer)
    assert response.status_code == 200, response.text
    assert any(u["username"] == "helper" for u in response.json())
    forbidden = await env.http.get(
        "/admin/realms/test/authentication/flows", headers=bearer
    )  # still its own rights only
    assert forbidden.status_code == 403, forbidden.text


async def test_an_at_jwt_token_reads_the_account_api_and_is_no_refresh_token(env: Env) -> None:
    await account.account_realm(env)
    await _typed_at_jwt(env, "direct-grant")
    body = await account.grant(env)
    assert header(body["access_token"])["typ"] == "at+jwt"
    response = await account.call(env, "GET", "", body["access_token"])
    assert response.status_code == 200, response.text
    assert response.json()["username"] == "test-user@localhost"
    wrong = await refresh(env.http, "test", "direct-grant", body["access_token"], secret="password")
    assert wrong.status_code == 400, wrong.text
    logout = await env.http.get(
        "/realms/test/protocol/openid-connect/logout", params={"id_token_hint": body["access_token"]}
    )
    assert logout.status_code == 400, logout.text


async def test_an_at_jwt_token_is_a_subject_token_for_token_exchange(env: Env) -> None:
    await te.import_realm(env)
    await _typed_at_jwt(env, "requester-client")
    access = (await te.subject(env, "requester-client"))["access_token"]
    assert header(access)["typ"] == "at+jwt"
    response = await te.exchange(env, access)
    assert response.status_code == 200, response.text
    exchanged = response.json()["access_token"]
    assert header(exchanged)["typ"] == "at+jwt" and claims(exchanged)["typ"] == "Bearer"


async def test_a_forged_header_typ_changes_nothing(env: Env) -> None:
    """The header is signed with the token: changing ``typ`` to at+jwt by hand breaks the signature."""
    await seed_realm(env.db, env.clock)
    _, bearer = await make_admin(env, "test", "helper", "view-users")
    token = bearer["Authorization"].removeprefix("Bearer ")
    _, payload, signature = token.split(".")
    head = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    forged_head = base64.urlsafe_b64encode(json.dumps({**head, "typ": "at+jwt"}).encode()).rstrip(b"=").decode()
    forged = f"{forged_head}.{payload}.{signature}"
    response = await env.http.get("/admin/realms/test/users", headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401, response.text
    userinfo = "/realms/test/protocol/openid-connect/userinfo"
    refused = await env.http.get(userinfo, headers={"Authorization": f"Bearer {forged}"})
    assert refused.status_code == 401 and 'error="invalid_token"' in refused.headers["www-authenticate"]
