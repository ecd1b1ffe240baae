"""Keycloak 26.6's "Adjusted default clock-skew for not-before JWT token checks": a bearer token whose ``nbf`` lies up
to 10 seconds ahead is active (JsonWebToken.isActive() with its new default skew, TokenVerifier.IS_ACTIVE); one
further ahead is still refused (401 ``invalid_token``). Keycloak's own access tokens carry no ``nbf``; a hardcoded-claim
mapper puts one in, as the upgrading note's "customized setups" do."""

from __future__ import annotations

import pytest

from support import claims, password_grant, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio


async def _token_with_nbf(env: Env, nbf: int) -> str:
    headers = await env.admin_headers()
    (app,) = (await env.http.get("/admin/realms/test/clients", params={"clientId": "app"}, headers=headers)).json()
    mapper = {
        "name": "not-before",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-claim-mapper",
        "config": {
            "claim.name": "nbf",
            "claim.value": str(nbf),
            "jsonType.label": "long",
            "access.token.claim": "true",
        },
    }
    url = f"/admin/realms/test/clients/{app['id']}/protocol-mappers/models"
    assert (await env.http.post(url, json=mapper, headers=headers)).status_code == 201
    response = await password_grant(env.http, "test", "app", scope="openid")
    assert response.status_code == 200, response.text
    token: str = response.json()["access_token"]
    assert claims(token)["nbf"] == nbf
    return token


async def test_a_token_ten_seconds_before_its_nbf_is_already_active_at_userinfo(realm: Env) -> None:
    token = await _token_with_nbf(realm, realm.clock.now() + 10)
    answer = await realm.http.get(token_url("test", "userinfo"), headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text


async def test_a_token_eleven_seconds_before_its_nbf_is_not_active_at_userinfo(realm: Env) -> None:
    token = await _token_with_nbf(realm, realm.clock.now() + 11)
    answer = await realm.http.get(token_url("test", "userinfo"), headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 401, answer.text
    assert 'error="invalid_token"' in answer.headers["www-authenticate"]
