"""A claim mapper whose claim name is ``aud``: OIDCAttributeMapperHelper's property setter for it (Keycloak 26):
``token.audience(value)``, each value's string, replacing the audience the mappers before it gave; later audience
mappers add to it; ``aud.x`` (more than one level in a setter) is ignored. Before, a hardcoded ``aud`` claim with an
audience mapper answered 500 at the token endpoint (a string where a list was kept)."""

from __future__ import annotations

from typing import Any

import pytest

from support import claims, password_grant, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
FLAGS = {"access.token.claim": "true", "id.token.claim": "true", "introspection.token.claim": "true"}


REALM = "aud-realm"


async def create_realm(env: Env) -> None:
    made = await env.http.post(
        "/admin/realms", json={"realm": REALM, "enabled": True}, headers=await env.admin_headers()
    )
    assert made.status_code == 201, made.text


async def create_client(env: Env, realm: str, client_id: str, *mappers: dict[str, Any]) -> None:
    rep = {"clientId": client_id, "publicClient": True, "directAccessGrantsEnabled": True}
    made = await env.http.post(
        f"/admin/realms/{realm}/clients",
        json={**rep, "protocolMappers": list(mappers)},
        headers=await env.admin_headers(),
    )
    assert made.status_code == 201, made.text


async def access(env: Env, realm: str, client_id: str, username: str) -> dict[str, Any]:
    response = await password_grant(env.http, realm, client_id, username, secret=None)
    assert response.status_code == 200, response.text
    return claims(response.json()["access_token"])


def hardcoded(name: str, claim: str, value: str, kind: str = "String") -> dict[str, Any]:
    config = {**FLAGS, "claim.name": claim, "claim.value": value, "jsonType.label": kind}
    return {
        "name": name,
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-claim-mapper",
        "config": config,
    }


def audience(name: str, custom: str) -> dict[str, Any]:
    config = {"included.custom.audience": custom, "access.token.claim": "true", "introspection.token.claim": "true"}
    return {"name": name, "protocol": "openid-connect", "protocolMapper": "oidc-audience-mapper", "config": config}


async def test_a_hardcoded_aud_claim_with_an_audience_mapper_is_no_server_error(env: Env) -> None:
    await create_realm(env)
    await seed_user(env.db, env.clock, REALM, "test-user")
    await create_client(
        env, REALM, "aud-client", hardcoded("a-aud", "aud", "service-a"), audience("b-aud", "service-b")
    )
    token = await access(env, REALM, "aud-client", "test-user")
    held = token["aud"] if isinstance(token["aud"], list) else [token["aud"]]
    assert "service-b" in held, token
    assert all(isinstance(a, str) for a in held), token


async def test_a_hardcoded_aud_claim_sets_the_audience_as_strings(env: Env) -> None:
    await create_realm(env)
    await seed_user(env.db, env.clock, REALM, "test-user")
    await create_client(env, REALM, "aud-json", hardcoded("a-aud", "aud", '["service-a", 7, true]', "JSON"))
    held = (await access(env, REALM, "aud-json", "test-user"))["aud"]
    assert held[:3] == ["service-a", "7", "true"], held  # the audience resolve mapper (priority 10) adds after


async def test_a_nested_aud_claim_is_ignored(env: Env) -> None:
    await create_realm(env)
    await seed_user(env.db, env.clock, REALM, "test-user")
    await create_client(env, REALM, "aud-nested", hardcoded("a-aud", "aud.x", "service-a"))
    token = await access(env, REALM, "aud-nested", "test-user")
    assert "service-a" not in str(token.get("aud")), token
