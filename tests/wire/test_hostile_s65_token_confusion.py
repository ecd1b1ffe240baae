"""Token type confusion on two workers over PostgreSQL: an offline token (HS512, ``typ`` Offline) presented where an
access token belongs (userinfo, the Admin and Account REST APIs), an access or ID token presented as a refresh token,
and an offline token after the realm's keys rotate. Keycloak's answers: a bearer endpoint refuses what is not a
Bearer access token signed by the realm's signing key (UserInfoEndpoint, AppAuthManager: 401); the refresh grant
refuses any other type as "Invalid refresh token" (TokenManager.toRefreshToken, KEYCLOAK.md §6.1 #3); a new HMAC
key leaves the old one verifying, while a disabled one verifies nothing."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from hostile_s65_cluster import REALM_JSON, SECRETS, Cluster, claims, storm, two_workers

__all__ = ["two_workers"]
pytestmark = [pytest.mark.anyio, pytest.mark.interop, pytest.mark.postgres]


async def _tokens(cluster: Cluster) -> dict[str, str]:
    await cluster.realm(revokeRefreshToken=False)
    form = {
        "grant_type": "password",
        "username": "user1",
        "password": "pw-user1",
        "scope": "openid offline_access",
    }
    answer = await cluster.post("token", form)
    assert answer.status_code == 200, answer.text
    return {k: str(v) for k, v in answer.json().items()}


async def test_an_offline_token_is_no_bearer_token_anywhere(two_workers: Cluster) -> None:
    cluster = two_workers
    offline = (await _tokens(cluster))["refresh_token"]
    bearer = {"Authorization": f"Bearer {offline}"}
    async with cluster.http() as http:
        for _ in range(3):  # through whichever workers answer
            info = await http.get("/realms/s65/protocol/openid-connect/userinfo", headers=bearer)
            # OAuth2Error.json(false): the error in the challenge, no body
            assert info.status_code == 401, info.text
            assert 'error="invalid_token"' in info.headers["www-authenticate"], info.headers
            admin = await http.get("/admin/realms/s65/users", headers=bearer)
            assert admin.status_code == 401, admin.text
            account = await http.get("/realms/s65/account/applications", headers=bearer)
            assert account.status_code == 401, account.text


@pytest.mark.parametrize("kind", ["access_token", "id_token"])
async def test_an_access_or_id_token_is_no_refresh_token(two_workers: Cluster, kind: str) -> None:
    cluster = two_workers
    token = (await _tokens(cluster))[kind]
    answers = await storm(6, lambda: cluster.refresh(token))
    assert {(a.status_code, a.json()["error_description"]) for a in answers} == {(400, "Invalid refresh token")}


async def test_an_id_token_is_no_token_to_revoke_a_session_with(two_workers: Cluster) -> None:
    """RFC 7009 / TokenRevocationEndpoint: an ID token is an unsupported type; the offline token lives on."""
    cluster = two_workers
    tokens = await _tokens(cluster)
    revoked = await cluster.post("revoke", {"token": tokens["id_token"]})
    assert (revoked.status_code, revoked.json()["error"]) == (400, "unsupported_token_type"), revoked.text
    assert (await cluster.refresh(tokens["refresh_token"])).status_code == 200


async def _components(cluster: Cluster, provider: str) -> list[dict[str, Any]]:
    found = await cluster.admin_json("/components?type=org.keycloak.keys.KeyProvider")
    return [c for c in found if c["providerId"] == provider]


async def test_an_offline_token_outlives_a_new_hmac_key_and_dies_with_its_own(two_workers: Cluster) -> None:
    cluster = two_workers
    offline = (await _tokens(cluster))["refresh_token"]
    realm = await cluster.admin_json("")
    new_key = {
        "name": "hmac-rotated",
        "providerId": "hmac-generated",
        "providerType": "org.keycloak.keys.KeyProvider",
        "parentId": realm["id"],
        "config": {"priority": ["500"], "algorithm": ["HS512"]},
    }
    created = await cluster.admin("POST", "/components", new_key)
    assert created.status_code == 201, created.text
    answers = await storm(6, lambda: cluster.refresh(offline))
    assert {a.status_code for a in answers} == {200}, [a.text for a in answers]
    fresh = answers[0].json()["refresh_token"]
    old = [c for c in await _components(cluster, "hmac-generated") if c["name"] != "hmac-rotated"]
    assert old, "the realm's own HMAC key provider"
    for component in old:
        disabled = {**component, "config": {**component["config"], "enabled": ["false"], "active": ["false"]}}
        assert (await cluster.admin("PUT", f"/components/{component['id']}", disabled)).status_code == 204
    refused = await storm(6, lambda: cluster.refresh(offline))
    assert {(a.status_code, a.json()["error_description"]) for a in refused} == {(400, "Invalid refresh token")}
    kept = await storm(4, lambda: cluster.refresh(fresh))
    assert {a.status_code for a in kept} == {200}, [a.text for a in kept]
    assert claims(fresh)["typ"] == "Offline"


async def test_an_offline_token_of_another_realm_refreshes_nothing_here(two_workers: Cluster) -> None:
    """Realm ``s65b`` holds the same client, secret and users as ``s65`` but keys of its own: ``s65``'s offline
    token fails its signature check there ("Invalid refresh token", before the issuer is looked at: S1
    toRefreshToken), through both workers."""
    cluster = two_workers
    twin = {
        **REALM_JSON,
        "realm": "s65b",
        "users": [{**u, "realmRoles": ["default-roles-s65b"]} for u in REALM_JSON["users"]],
    }
    async with cluster.http() as http:
        created = await http.post("/admin/realms", json=twin, headers=cluster.admin_headers())
    assert created.status_code == 201, created.text
    offline = (await _tokens(cluster))["refresh_token"]
    form = {"grant_type": "refresh_token", "refresh_token": offline}

    async def elsewhere() -> httpx.Response:
        async with cluster.http() as http:
            return await http.post(
                "/realms/s65b/protocol/openid-connect/token", data=form, auth=("app", SECRETS["app"])
            )

    answers = await storm(6, elsewhere)
    assert {(a.status_code, a.json()["error_description"]) for a in answers} == {(400, "Invalid refresh token")}
    assert (await cluster.refresh(offline)).status_code == 200
