"""client_credentials keeps its service-account user per process (store/config_cache.py) only until a user
changes: what the Admin REST API changes applies to the very next grant, as Keycloak's does."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from support import assert_error, claims, seed_client, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio

ADMIN = "/admin/realms/test"


async def grant(env: Env) -> httpx.Response:
    return await env.http.post(
        token_url("test"), data={"grant_type": "client_credentials", "client_id": "svc", "client_secret": "secret"}
    )


async def realm_roles(env: Env) -> set[str]:
    response = await grant(env)
    assert response.status_code == 200, response.text
    return set(claims(response.json()["access_token"]).get("realm_access", {}).get("roles", []))


async def send(env: Env, method: str, path: str, body: Any = None) -> None:
    response = await env.http.request(method, ADMIN + path, json=body, headers=await env.admin_headers())
    assert response.status_code in (201, 204), response.text


async def test_admin_changes_to_the_service_account_apply_to_the_next_grant(realm: Env) -> None:
    await seed_client(realm.db, "test", "svc", service_accounts=True)
    await send(realm, "POST", "/roles", {"name": "auditor"})  # configuration first: what follows is user data
    headers = await realm.admin_headers()
    role = (await realm.http.get(f"{ADMIN}/roles/auditor", headers=headers)).json()
    found = await realm.http.get(
        f"{ADMIN}/users", params={"username": "service-account-svc", "exact": "true"}, headers=headers
    )
    account = found.json()[0]
    assert "auditor" not in await realm_roles(realm)  # the grant that keeps the service account

    await send(realm, "POST", f"/users/{account['id']}/role-mappings/realm", [role])
    assert "auditor" in await realm_roles(realm)
    await send(realm, "DELETE", f"/users/{account['id']}/role-mappings/realm", [role])
    assert "auditor" not in await realm_roles(realm)

    await send(realm, "PUT", f"/users/{account['id']}", {"enabled": False})
    assert_error(await grant(realm), 401, "invalid_request", "User 'service-account-svc' disabled")
    assert_error(await grant(realm), 401, "invalid_request", "User 'service-account-svc' disabled")
    await send(realm, "PUT", f"/users/{account['id']}", {"enabled": True})
    assert (await grant(realm)).status_code == 200


async def test_an_attribute_change_reaches_a_mapper_at_the_next_grant(realm: Env) -> None:
    await seed_client(realm.db, "test", "svc", service_accounts=True)
    mapper = {
        "name": "team",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-usermodel-attribute-mapper",
        "config": {
            "user.attribute": "team",
            "claim.name": "team",
            "access.token.claim": "true",
            "jsonType.label": "String",
        },
    }
    headers = await realm.admin_headers()
    uuid = (await realm.http.get(f"{ADMIN}/clients", params={"clientId": "svc"}, headers=headers)).json()[0]["id"]
    await send(realm, "POST", f"/clients/{uuid}/protocol-mappers/models", mapper)
    found = await realm.http.get(
        f"{ADMIN}/users", params={"username": "service-account-svc", "exact": "true"}, headers=headers
    )
    account = found.json()[0]
    first = await grant(realm)
    assert "team" not in claims(first.json()["access_token"])
    await send(realm, "PUT", f"/users/{account['id']}", {"attributes": {"team": ["backup"]}})
    second = await grant(realm)
    assert claims(second.json()["access_token"])["team"] == "backup"


async def admin_get(env: Env, path: str, **params: str) -> Any:
    response = await env.http.get(ADMIN + path, params=params, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    return response.json()


async def cc_post(env: Env, **form: str) -> httpx.Response:
    return await env.http.post(
        token_url("test"),
        data={"grant_type": "client_credentials", "client_id": "svc", "client_secret": "secret", **form},
    )


async def token_claims(env: Env, **form: str) -> dict[str, Any]:
    response = await cc_post(env, **form)
    assert response.status_code == 200, response.text
    return claims(response.json()["access_token"])


async def test_a_group_membership_change_reaches_roles_and_mappers_at_the_next_grant(realm: Env) -> None:
    """What a grant derives from the service account (its roles through groups, a group mapper's claim) is kept
    only until a membership changes (migration 0016)."""
    await seed_client(realm.db, "test", "svc", service_accounts=True)
    await send(realm, "POST", "/roles", {"name": "operator"})
    await send(realm, "POST", "/groups", {"name": "ops"})
    group = (await admin_get(realm, "/groups", search="ops"))[0]
    role = await admin_get(realm, "/roles/operator")
    await send(realm, "POST", f"/groups/{group['id']}/role-mappings/realm", [role])
    uuid = (await admin_get(realm, "/clients", clientId="svc"))[0]["id"]
    mapper = {
        "name": "groups",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-group-membership-mapper",
        "config": {"claim.name": "groups", "full.path": "true", "access.token.claim": "true"},
    }
    await send(realm, "POST", f"/clients/{uuid}/protocol-mappers/models", mapper)
    account = (await admin_get(realm, "/users", username="service-account-svc", exact="true"))[0]

    for _ in range(2):  # the second grant is served from what the first kept
        before = await token_claims(realm)
        assert "operator" not in before["realm_access"]["roles"] and "groups" not in before
    await send(realm, "PUT", f"/users/{account['id']}/groups/{group['id']}")
    joined = await token_claims(realm)
    assert "operator" in joined["realm_access"]["roles"] and joined["groups"] == ["/ops"]
    await send(realm, "DELETE", f"/users/{account['id']}/groups/{group['id']}")
    left = await token_claims(realm)
    assert "operator" not in left["realm_access"]["roles"] and "groups" not in left


async def test_kept_claims_follow_the_configuration_and_the_scope_parameter(realm: Env) -> None:
    """A configuration change (a new mapper, a role's new composite) applies at the next grant; each scope
    parameter keeps its own results; an unknown scope is refused every time; tokens repeat their claims
    exactly, apart from their time and id, grant after grant."""
    await seed_client(realm.db, "test", "svc", service_accounts=True)
    uuid = (await admin_get(realm, "/clients", clientId="svc"))[0]["id"]
    plain, with_openid = await token_claims(realm), await token_claims(realm, scope="openid")
    for _ in range(3):
        again = await token_claims(realm)
        assert {k: v for k, v in again.items() if k not in ("exp", "iat", "jti")} == {
            k: v for k, v in plain.items() if k not in ("exp", "iat", "jti")
        }
        assert again["jti"] != plain["jti"]
    assert with_openid["scope"].split()[0] == "openid" and "openid" not in plain["scope"].split()
    for _ in range(2):
        assert_error(await cc_post(realm, scope="nope"), 400, "invalid_scope")

    mapper = {
        "name": "tier",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-claim-mapper",
        "config": {"claim.name": "tier", "claim.value": "gold", "access.token.claim": "true", "id.token.claim": "true"},
    }
    await send(realm, "POST", f"/clients/{uuid}/protocol-mappers/models", mapper)
    assert (await token_claims(realm))["tier"] == "gold"
    response = await cc_post(realm, scope="openid")
    assert claims(response.json()["id_token"])["tier"] == "gold"

    await send(realm, "POST", "/roles", {"name": "reader"})
    await send(realm, "POST", "/roles", {"name": "bundle"})
    reader = await admin_get(realm, "/roles/reader")
    account = (await admin_get(realm, "/users", username="service-account-svc", exact="true"))[0]
    await send(realm, "POST", f"/users/{account['id']}/role-mappings/realm", [await admin_get(realm, "/roles/bundle")])
    assert "reader" not in (await token_claims(realm))["realm_access"]["roles"]
    await send(realm, "POST", "/roles/bundle/composites", [reader])  # configuration, not the user
    assert "reader" in (await token_claims(realm))["realm_access"]["roles"]


async def test_text_orjson_refuses_still_reaches_the_token_and_the_admin_api(realm: Env) -> None:
    """A JSON body may carry a lone surrogate ("\\ud800"); orjson refuses to write one, so the token and the
    answers fall back to the standard encoder: never a 500 (doorkeep/json_bytes.py)."""
    await seed_client(realm.db, "test", "svc", service_accounts=True)
    mapper = {
        "name": "team",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-usermodel-attribute-mapper",
        "config": {"user.attribute": "team", "claim.name": "team", "access.token.claim": "true"},
    }
    uuid = (await admin_get(realm, "/clients", clientId="svc"))[0]["id"]
    await send(realm, "POST", f"/clients/{uuid}/protocol-mappers/models", mapper)
    account = (await admin_get(realm, "/users", username="service-account-svc", exact="true"))[0]
    body = '{"attributes": {"team": ["ops \\ud800 \\u00e9"]}}'
    response = await realm.http.put(
        f"{ADMIN}/users/{account['id']}",
        content=body,
        headers={**await realm.admin_headers(), "Content-Type": "application/json"},
    )
    assert response.status_code in (204, 400), response.text
    if response.status_code == 204:
        assert (await token_claims(realm))["team"] == "ops \ud800 é"
        assert (await admin_get(realm, f"/users/{account['id']}"))["attributes"]["team"] == ["ops \ud800 é"]
    else:  # refused as bad input, as Keycloak refuses what it cannot store
        assert "team" not in await token_claims(realm)
