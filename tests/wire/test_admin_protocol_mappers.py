"""Protocol mappers through the Admin REST, and tokens that follow them."""

from __future__ import annotations

from typing import Any

import pytest

from admin_support import DEMO, client_uuid, demo_realm
from support import claims, password_grant, seed_client, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

HARDCODED: dict[str, Any] = {
    "name": "tenant",
    "protocol": "openid-connect",
    "protocolMapper": "oidc-hardcoded-claim-mapper",
    "config": {
        "claim.name": "org.tenant",
        "claim.value": "42",
        "jsonType.label": "long",
        "access.token.claim": "true",
        "id.token.claim": "false",
    },
}


async def test_a_client_mapper_is_created_read_updated_and_deleted_and_tokens_follow(env: Env) -> None:
    await demo_realm(env)
    await seed_client(env.db, "demo", "app")
    await seed_user(env.db, env.clock, "demo", "user1")
    h = await env.admin_headers()
    models = f"{DEMO}/clients/{await client_uuid(env, 'demo', 'app')}/protocol-mappers/models"
    created = await env.http.post(models, json=HARDCODED, headers=h)
    assert created.status_code == 201, created.text
    mapper_id = created.headers["location"].rsplit("/", 1)[1]
    assert (await env.http.post(models, json=HARDCODED, headers=h)).json() == {
        "errorMessage": "Protocol mapper exists with same name"
    }
    one = (await env.http.get(f"{models}/{mapper_id}", headers=h)).json()
    # Read back with its effective config (getEffectiveModel): userinfo follows the ID token, introspection the
    # access token.
    effective = {**HARDCODED["config"], "userinfo.token.claim": "false", "introspection.token.claim": "true"}
    assert one == {"id": mapper_id, "consentRequired": False, **HARDCODED, "config": effective}
    assert [m["name"] for m in (await env.http.get(models, headers=h)).json()] == ["tenant"]

    token = await password_grant(env.http, "demo", "app", scope="openid")
    assert claims(token.json()["access_token"])["org"] == {"tenant": 42}
    assert "org" not in claims(token.json()["id_token"])

    changed = {**one, "config": {**HARDCODED["config"], "claim.value": "7", "id.token.claim": "true"}}
    assert (await env.http.put(f"{models}/{mapper_id}", json=changed, headers=h)).status_code == 204
    token = await password_grant(env.http, "demo", "app", scope="openid")
    assert claims(token.json()["id_token"])["org"] == {"tenant": 7}

    assert (await env.http.delete(f"{models}/{mapper_id}", headers=h)).status_code == 204
    missing = await env.http.get(f"{models}/{mapper_id}", headers=h)
    assert missing.status_code == 404 and missing.json() == {"error": "Model not found"}
    token = await password_grant(env.http, "demo", "app", scope="openid")
    assert "org" not in claims(token.json()["access_token"])


async def test_removing_the_profile_scope_mappers_removes_their_claims(env: Env) -> None:
    await demo_realm(env)
    await seed_client(env.db, "demo", "app")
    await seed_user(env.db, env.clock, "demo", "user1")
    h = await env.admin_headers()
    profile = next(s for s in (await env.http.get(f"{DEMO}/client-scopes", headers=h)).json() if s["name"] == "profile")
    models = f"{DEMO}/client-scopes/{profile['id']}/protocol-mappers/models"
    listed = (await env.http.get(models, headers=h)).json()
    assert {"full name", "username", "given name", "family name"} <= {m["name"] for m in listed}
    before = claims((await password_grant(env.http, "demo", "app", scope="openid")).json()["access_token"])
    assert before["preferred_username"] == "user1" and before["name"] == "User1 Tester"
    for mapper in listed:
        if mapper["name"] in ("full name", "username"):
            assert (await env.http.delete(f"{models}/{mapper['id']}", headers=h)).status_code == 204
    added = await env.http.post(
        f"{models.rsplit('/', 1)[0]}/add-models",
        headers=h,
        json=[
            {
                "name": "login",
                "protocol": "openid-connect",
                "protocolMapper": "oidc-usermodel-property-mapper",
                "config": {"user.attribute": "username", "claim.name": "login", "access.token.claim": "true"},
            }
        ],
    )
    assert added.status_code == 204
    after = claims((await password_grant(env.http, "demo", "app", scope="openid")).json()["access_token"])
    assert "name" not in after and "preferred_username" not in after
    assert after["login"] == "user1" and after["given_name"] == "User1"
    # ProtocolMappersResource.createMapper: toModel checks nothing, validateModel looks the provider up first.
    bad = await env.http.post(models, json={"name": "x"}, headers=h)
    assert bad.status_code == 404 and bad.json() == {"error": "ProtocolMapper provider not found"}
    unknown = await env.http.post(models, json={"name": "x", "protocolMapper": "no-such-mapper"}, headers=h)
    assert unknown.status_code == 404 and unknown.json() == {"error": "ProtocolMapper provider not found"}


def property_mapper(name: str, attribute: str) -> dict[str, Any]:
    """A multivalued User Property mapper into the claim ``names`` of the access token."""
    return {
        "name": name,
        "protocol": "openid-connect",
        "protocolMapper": "oidc-usermodel-property-mapper",
        "config": {
            "user.attribute": attribute,
            "claim.name": "names",
            "jsonType.label": "String",
            "access.token.claim": "true",
            "multivalued": "true",
        },
    }


async def test_two_multivalued_property_mappers_on_one_claim_give_both_values(env: Env) -> None:
    """OIDCAttributeMapperHelper.mapClaim: one multivalued mapper's single property is a string; a second writing
    the same claim gathers both into a list instead of replacing the first."""
    await demo_realm(env)
    await seed_client(env.db, "demo", "app")
    await seed_user(env.db, env.clock, "demo", "user1")
    h = await env.admin_headers()
    models = f"{DEMO}/clients/{await client_uuid(env, 'demo', 'app')}/protocol-mappers/models"
    first = await env.http.post(models, json=property_mapper("first", "firstName"), headers=h)
    assert first.status_code == 201, first.text
    token = await password_grant(env.http, "demo", "app")
    assert claims(token.json()["access_token"])["names"] == "User1"
    second = await env.http.post(models, json=property_mapper("last", "lastName"), headers=h)
    assert second.status_code == 201, second.text
    token = await password_grant(env.http, "demo", "app")
    assert sorted(claims(token.json()["access_token"])["names"]) == ["Tester", "User1"]
