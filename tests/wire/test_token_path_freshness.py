"""The token path's shortcuts (issue #8) never serve a stale answer.

The realm row turned into a ``Realm`` once per row content, the session, user and client session
read in one joined statement, keys prepared once, the base URL worked out once per request: each
change made through the Admin REST of *another* app on its own ``Database`` (as another process
would make it) is obeyed by the very next refresh of the first app.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from admin_support import client_uuid
from support import assert_error, claims, header, password_grant, refresh
from wire_env import Env, admin_token, another_worker

pytestmark = pytest.mark.anyio

ADMIN = "/admin/realms/test"


@pytest.fixture
async def other(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    """A second app with its own Database (its own caches, its own connections) on the same database."""
    async with another_worker(realm) as http:
        yield http


async def _admin(other: httpx.AsyncClient) -> dict[str, str]:
    return {"Authorization": f"Bearer {await admin_token(other)}"}


async def _tokens(env: Env, scope: str = "openid") -> dict[str, Any]:
    response = await password_grant(env.http, "test", "app", scope=scope)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _refreshed(env: Env, token: str) -> dict[str, Any]:
    response = await refresh(env.http, "test", "app", token)
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _user_id(other: httpx.AsyncClient, h: dict[str, str]) -> str:
    found = (await other.get(f"{ADMIN}/users", params={"username": "user1", "exact": "true"}, headers=h)).json()
    return str(found[0]["id"])


async def test_a_realm_setting_changed_by_another_process_shapes_the_next_refresh(
    realm: Env, other: httpx.AsyncClient
) -> None:
    tokens = await _tokens(realm)
    before = claims((await _refreshed(realm, tokens["refresh_token"]))["access_token"])
    assert before["exp"] - before["iat"] == 300
    h = await _admin(other)
    assert (await other.put(ADMIN, json={"accessTokenLifespan": 123}, headers=h)).status_code == 204
    after = claims((await _refreshed(realm, tokens["refresh_token"]))["access_token"])
    assert after["exp"] - after["iat"] == 123


async def test_a_user_disabled_by_another_process_cannot_refresh_next(realm: Env, other: httpx.AsyncClient) -> None:
    tokens = await _tokens(realm, "openid offline_access")
    await _refreshed(realm, tokens["refresh_token"])
    h = await _admin(other)
    user = await _user_id(other, h)
    assert (await other.put(f"{ADMIN}/users/{user}", json={"enabled": False}, headers=h)).status_code == 204
    assert_error(
        await refresh(realm.http, "test", "app", tokens["refresh_token"]), 400, "invalid_grant", "User disabled"
    )


async def test_a_session_revoked_by_another_process_cannot_refresh_next(realm: Env, other: httpx.AsyncClient) -> None:
    tokens = await _tokens(realm)
    await _refreshed(realm, tokens["refresh_token"])
    h = await _admin(other)
    deleted = await other.delete(f"{ADMIN}/sessions/{tokens['session_state']}", headers=h)
    assert deleted.status_code == 204, deleted.text
    assert_error(await refresh(realm.http, "test", "app", tokens["refresh_token"]), 400, "invalid_grant")


async def test_a_role_and_a_mapper_added_by_another_process_appear_in_the_next_refresh(
    realm: Env, other: httpx.AsyncClient
) -> None:
    tokens = await _tokens(realm)
    first = claims((await _refreshed(realm, tokens["refresh_token"]))["access_token"])
    assert "extra" not in first.get("realm_access", {}).get("roles", []) and "hc" not in first
    h = await _admin(other)
    assert (await other.post(f"{ADMIN}/roles", json={"name": "extra"}, headers=h)).status_code == 201
    role = (await other.get(f"{ADMIN}/roles/extra", headers=h)).json()
    user = await _user_id(other, h)
    mapped = await other.post(f"{ADMIN}/users/{user}/role-mappings/realm", json=[role], headers=h)
    assert mapped.status_code == 204, mapped.text
    mapper = {
        "name": "hc",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-claim-mapper",
        "config": {"claim.name": "hc", "claim.value": "v1", "jsonType.label": "String", "access.token.claim": "true"},
    }
    models = f"{ADMIN}/clients/{await client_uuid(realm, 'test', 'app')}/protocol-mappers/models"
    assert (await other.post(models, json=mapper, headers=h)).status_code == 201
    after = claims((await _refreshed(realm, tokens["refresh_token"]))["access_token"])
    assert "extra" in after["realm_access"]["roles"] and after["hc"] == "v1"


async def test_a_client_setting_changed_by_another_process_shapes_the_next_refresh(
    realm: Env, other: httpx.AsyncClient
) -> None:
    tokens = await _tokens(realm)
    await _refreshed(realm, tokens["refresh_token"])
    h = await _admin(other)
    uuid = await client_uuid(realm, "test", "app")
    rep = (await other.get(f"{ADMIN}/clients/{uuid}", headers=h)).json()
    rep["attributes"] = {**rep.get("attributes", {}), "access.token.lifespan": "77"}
    assert (await other.put(f"{ADMIN}/clients/{uuid}", json=rep, headers=h)).status_code == 204
    after = claims((await _refreshed(realm, tokens["refresh_token"]))["access_token"])
    assert after["exp"] - after["iat"] == 77


async def test_a_signature_algorithm_changed_by_another_process_signs_the_next_refresh(
    realm: Env, other: httpx.AsyncClient
) -> None:
    tokens = await _tokens(realm)
    assert header((await _refreshed(realm, tokens["refresh_token"]))["access_token"])["alg"] == "RS256"
    h = await _admin(other)
    assert (await other.put(ADMIN, json={"defaultSignatureAlgorithm": "ES256"}, headers=h)).status_code == 204
    answer = await _refreshed(realm, tokens["refresh_token"])
    assert header(answer["access_token"])["alg"] == "ES256" and header(answer["id_token"])["alg"] == "ES256"
    certs = (await realm.http.get("/realms/test/protocol/openid-connect/certs")).json()["keys"]
    assert header(answer["access_token"])["kid"] in {k["kid"] for k in certs}


# --- What a refresh keeps of its user and configuration (issue #8: ``CachedConfig.kept``) ----------------------


async def _add_mapper(realm: Env, other: httpx.AsyncClient, h: dict[str, str], mapper: dict[str, Any]) -> None:
    models = f"{ADMIN}/clients/{await client_uuid(realm, 'test', 'app')}/protocol-mappers/models"
    added = await other.post(models, json={"protocol": "openid-connect", **mapper}, headers=h)
    assert added.status_code == 201, added.text


async def test_a_user_attribute_changed_by_another_process_appears_in_the_next_refresh(
    realm: Env, other: httpx.AsyncClient
) -> None:
    h = await _admin(other)
    config = {"user.attribute": "dept", "claim.name": "dept", "jsonType.label": "String", "access.token.claim": "true"}
    await _add_mapper(
        realm, other, h, {"name": "dept", "protocolMapper": "oidc-usermodel-attribute-mapper", "config": config}
    )
    tokens = await _tokens(realm)
    first = claims((await _refreshed(realm, tokens["refresh_token"]))["access_token"])
    again = claims((await _refreshed(realm, tokens["refresh_token"]))["access_token"])
    assert "dept" not in first and "dept" not in again
    user = await _user_id(other, h)
    rep = (await other.get(f"{ADMIN}/users/{user}", headers=h)).json()
    rep["attributes"] = {**rep.get("attributes", {}), "dept": ["ops"]}
    assert (await other.put(f"{ADMIN}/users/{user}", json=rep, headers=h)).status_code == 204
    after = claims((await _refreshed(realm, tokens["refresh_token"]))["access_token"])
    assert after["dept"] == "ops"


async def test_a_group_joined_and_its_role_changed_by_another_process_appear_in_the_next_refresh(
    realm: Env, other: httpx.AsyncClient
) -> None:
    h = await _admin(other)
    config = {"claim.name": "groups", "full.path": "false", "access.token.claim": "true"}
    await _add_mapper(
        realm, other, h, {"name": "groups", "protocolMapper": "oidc-group-membership-mapper", "config": config}
    )
    tokens = await _tokens(realm)
    await _refreshed(realm, tokens["refresh_token"])
    assert (await other.post(f"{ADMIN}/groups", json={"name": "crew"}, headers=h)).status_code == 201
    group = (await other.get(f"{ADMIN}/groups", params={"search": "crew"}, headers=h)).json()[0]["id"]
    user = await _user_id(other, h)
    assert (await other.put(f"{ADMIN}/users/{user}/groups/{group}", headers=h)).status_code == 204
    joined = claims((await _refreshed(realm, tokens["refresh_token"]))["access_token"])
    assert joined["groups"] == ["crew"]
    assert "crew-role" not in joined["realm_access"]["roles"]
    assert (await other.post(f"{ADMIN}/roles", json={"name": "crew-role"}, headers=h)).status_code == 201
    role = (await other.get(f"{ADMIN}/roles/crew-role", headers=h)).json()
    mapped = await other.post(f"{ADMIN}/groups/{group}/role-mappings/realm", json=[role], headers=h)
    assert mapped.status_code == 204, mapped.text
    after = claims((await _refreshed(realm, tokens["refresh_token"]))["access_token"])
    assert "crew-role" in after["realm_access"]["roles"]


async def test_two_sessions_of_one_user_each_keep_their_own_session_claims(
    realm: Env, other: httpx.AsyncClient
) -> None:
    """The kept part of a refresh is the user's; the session's notes, ``auth_time`` and ``sid`` are each session's."""
    h = await _admin(other)
    config = {"user.session.note": "AUTH_TIME", "claim.name": "login_at", "jsonType.label": "long"}
    config |= {"access.token.claim": "true", "id.token.claim": "true"}
    await _add_mapper(
        realm, other, h, {"name": "login_at", "protocolMapper": "oidc-usersessionmodel-note-mapper", "config": config}
    )
    first = await _tokens(realm)
    realm.clock.advance(7)
    second = await _tokens(realm)
    for _ in range(2):
        one = await _refreshed(realm, first["refresh_token"])
        two = await _refreshed(realm, second["refresh_token"])
        a, b = claims(one["access_token"]), claims(two["access_token"])
        assert (
            b["auth_time"] - a["auth_time"] == 7 and a["login_at"] == a["auth_time"] and b["login_at"] == b["auth_time"]
        )
        assert a["sid"] == first["session_state"] and b["sid"] == second["session_state"]
        assert claims(one["id_token"])["login_at"] == a["auth_time"]
        assert claims(two["id_token"])["sid"] == second["session_state"]


async def test_a_session_claim_named_like_a_kept_one_is_worked_out_in_mapper_order(
    realm: Env, other: httpx.AsyncClient
) -> None:
    """When a session-note mapper and a kept mapper write the same claim, the refresh runs every mapper again, so
    the answer is the one the mappers' order gives, as on the first token."""
    h = await _admin(other)
    hard = {"claim.name": "shared", "claim.value": "fixed", "jsonType.label": "String", "access.token.claim": "true"}
    await _add_mapper(
        realm, other, h, {"name": "shared-h", "protocolMapper": "oidc-hardcoded-claim-mapper", "config": hard}
    )
    note = {"user.session.note": "AUTH_TIME", "claim.name": "shared", "jsonType.label": "String"}
    note |= {"access.token.claim": "true"}
    await _add_mapper(
        realm, other, h, {"name": "shared-n", "protocolMapper": "oidc-usersessionmodel-note-mapper", "config": note}
    )
    tokens = await _tokens(realm)
    issued = claims(tokens["access_token"])["shared"]
    for _ in range(2):
        assert claims((await _refreshed(realm, tokens["refresh_token"]))["access_token"])["shared"] == issued
