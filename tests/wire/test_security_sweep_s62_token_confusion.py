"""Security sweep s62: token confusion with what sessions 54-61 added. A DPoP-bound access token made lightweight
(only ``azp``, ``sid``, ``scope``, ``cnf`` and the JWT basics in it) keeps its binding: without its proof it is
refused as a bearer token by userinfo, the Account REST, the Admin REST and the console's whoami, and standard token
exchange (V2) refuses it as a subject token without a proof ("DPoP proof is missing"). The temporary admin service
that ``bootstrap-admin service`` makes issues lightweight tokens too: its token works on the Admin REST of master and
is no key to the Account REST (a service account, 401)."""

from __future__ import annotations

import pytest

from doorkeep.realms import temporary_admin
from dpop_port import TOKEN_URL, ProofKey, payload
from support import seed_client, seed_user, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio
LIGHTWEIGHT = "client.use.lightweight.access.token.enabled"
BOUND = {"dpop.bound.access.tokens": "true", LIGHTWEIGHT: "true", "standard.token.exchange.enabled": "true"}
UNAUTHORIZED = {"error": "HTTP 401 Unauthorized"}


async def _bound_lightweight_token(env: Env) -> str:
    await seed_client(env.db, "test", "bound", attributes=BOUND)
    await seed_user(env.db, env.clock, "test", "dpopuser")
    key = ProofKey("ec")
    answer = await env.http.post(
        token_url("test"),
        data={"grant_type": "password", "client_id": "bound", "client_secret": "secret", "username": "dpopuser",
              "password": "password", "scope": "openid"},
        headers={"DPoP": key.proof("POST", TOKEN_URL, env.clock.now())},
    )  # fmt: skip
    assert answer.status_code == 200, answer.text
    assert answer.json()["token_type"] == "DPoP"
    token = str(answer.json()["access_token"])
    claims = payload(token)
    assert claims["cnf"] == {"jkt": key.jkt}  # the binding is kept in a lightweight token
    assert "sub" not in claims and "aud" not in claims and "realm_access" not in claims
    return token


async def test_a_dpop_bound_lightweight_token_is_no_bearer_token(realm: Env) -> None:
    token = await _bound_lightweight_token(realm)
    bearer = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    userinfo = await realm.http.get(token_url("test", "userinfo"), headers=bearer)
    assert userinfo.status_code == 401, userinfo.text
    account = await realm.http.get("/realms/test/account", headers=bearer)
    assert (account.status_code, account.json()) == (401, UNAUTHORIZED)
    for path in ("/admin/realms/test/users", "/admin/master/console/whoami?currentRealm=test"):
        admin = await realm.http.get(path, headers=bearer)
        assert admin.status_code == 401, (path, admin.text)
        assert admin.json()["error"] == "HTTP 401 Unauthorized", admin.text


async def test_a_dpop_bound_lightweight_subject_token_needs_its_proof(realm: Env) -> None:
    token = await _bound_lightweight_token(realm)
    traded = await realm.http.post(
        token_url("test"),
        data={"grant_type": "urn:ietf:params:oauth:grant-type:token-exchange", "client_id": "bound",
              "client_secret": "secret", "subject_token": token,
              "subject_token_type": "urn:ietf:params:oauth:token-type:access_token"},
    )  # fmt: skip
    assert traded.status_code == 400, traded.text
    assert traded.json() == {"error": "invalid_request", "error_description": "DPoP proof is missing"}


async def test_the_temporary_admin_service_token_is_lightweight_and_no_account_key(env: Env) -> None:
    async with env.db.transaction() as tx:
        await temporary_admin.create_service(tx, env.clock.now(), "s62-temp", "s62-secret")
    answer = await env.http.post(
        token_url("master"),
        data={"grant_type": "client_credentials", "client_id": "s62-temp", "client_secret": "s62-secret"},
    )
    assert answer.status_code == 200, answer.text
    token = answer.json()["access_token"]
    assert "realm_access" not in payload(token)  # lightweight, as Keycloak makes the temporary admin service
    bearer = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    realms = await env.http.get("/admin/realms", headers=bearer)
    assert realms.status_code == 200, realms.text
    account = await env.http.get("/realms/master/account", headers=bearer)
    assert (account.status_code, account.json()) == (401, UNAUTHORIZED)
