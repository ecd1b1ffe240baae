"""Lightweight access tokens through the client attribute ``client.use.lightweight.access.token.enabled``.

The first tests port the attribute-path methods of Keycloak's newer LightWeightAccessTokenTest (the one that
``extends AbstractClientPoliciesTest``), named after them; its client-policy methods (testPolicyLightWeight*) and
two of its admin-API methods are in test_kc_port2_lightweight_access_token.py; its admin-console methods need the
master realm's console client, which Doorkeep does not make lightweight. Its ``session-state-mapper`` is left out (Doorkeep
has no Session State mapper). The rest checks the wire around it: the ``lt`` in the ``jti``, refresh, userinfo
(refused since Keycloak 26.6.2, then) without ``sub``, and the admin API and serverinfo offering the switches.
"""

from __future__ import annotations

from typing import Any

import pytest

from lightweight_realm import (
    APP,
    LIGHTWEIGHT,
    SECRET,
    TOKEN_URL,
    assert_basic_claims,
    assert_init_claims,
    assert_introspect_claims,
    assert_mapper_claims,
    browser_login,
    client_credentials,
    client_uuid,
    get,
    import_realm,
    introspect,
    logout,
    send,
    set_client_attribute,
    set_protocol_mappers,
)
from support import claims
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> Env:
    return await import_realm(env)


def assert_access_token(token: dict[str, Any], auth_code: bool, added: bool, missing_basic: bool) -> None:
    """assertAccessToken."""
    assert "nonce" not in token, token
    assert_mapper_claims(token, added, auth_code)
    assert_init_claims(token, auth_code)
    assert_basic_claims(token, auth_code, missing_basic)


def assert_introspection(token: dict[str, Any], auth_code: bool, added: bool, missing_basic: bool) -> None:
    """assertTokenIntrospectionResponse."""
    assert_access_token(token, auth_code, added, missing_basic)
    assert_introspect_claims(token)


async def remove_basic_scope(env: Env) -> None:
    """removeDefaultBasicClientScope."""
    [basic] = [s for s in await get(env, "/client-scopes") if s["name"] == "basic"]
    await send(env, "DELETE", f"/clients/{await client_uuid(env)}/default-client-scopes/{basic['id']}")


async def test_always_use_light_weight_false_test(kc: Env) -> None:
    """testAlwaysUseLightWeightFalseTest: a lightweight token when no mapper is marked for it carries only
    initToken's claims (no ``sub``, no ``auth_time``); introspection gives them all back. With the attribute off
    again, the next login's token is a full one."""
    await set_client_attribute(kc, LIGHTWEIGHT, "true")
    await set_protocol_mappers(kc, access=True, introspection=True, lightweight=False)
    _, body = await browser_login(kc, nonce="123456")
    token = claims(body["access_token"])
    assert_access_token(token, auth_code=True, added=False, missing_basic=True)
    assert token["jti"].startswith("onltac:"), token["jti"]
    assert_introspection(await introspect(kc, body["access_token"]), auth_code=True, added=True, missing_basic=False)

    await set_client_attribute(kc, LIGHTWEIGHT, "false")
    await logout(kc, body["refresh_token"])
    _, body = await browser_login(kc)
    token = claims(body["access_token"])
    assert_access_token(token, auth_code=True, added=True, missing_basic=False)
    assert token["jti"].startswith("onrtac:"), token["jti"]


async def test_always_use_light_weight_true_test(kc: Env) -> None:
    """testAlwaysUseLightWeightTrueTest: the mappers marked ``lightweight.claim`` feed the lightweight token
    though ``access.token.claim`` is false; the basic scope's are not marked, so no ``sub``. The ``jti`` is
    ONLINE / LIGHTWEIGHT / authorization_code (testPolicyLightWeightTrueTest's getTokenContext)."""
    await set_client_attribute(kc, LIGHTWEIGHT, "true")
    await set_protocol_mappers(kc, access=False, introspection=True, lightweight=True)
    _, body = await browser_login(kc, nonce="123456")
    token = claims(body["access_token"])
    assert_access_token(token, auth_code=True, added=True, missing_basic=True)
    assert token["jti"].startswith("onltac:"), token["jti"]
    assert_introspection(await introspect(kc, body["access_token"]), auth_code=True, added=True, missing_basic=False)


async def test_without_basic_claim(kc: Env) -> None:
    """testWithoutBasicClaim, its lightweight half: without the ``basic`` scope neither the token nor its
    introspection has ``sub`` or ``auth_time``; the other mapped claims introspect. (Its second half, a regular
    token without ``basic``, is not ported: Doorkeep's regular access token still falls back to the user id
    for ``sub``, where Keycloak 25+ leaves it out.)"""
    await set_client_attribute(kc, LIGHTWEIGHT, "true")
    await remove_basic_scope(kc)
    await set_protocol_mappers(kc, access=True, introspection=True, lightweight=False)
    _, body = await browser_login(kc)
    assert_access_token(claims(body["access_token"]), auth_code=True, added=False, missing_basic=True)
    out = await introspect(kc, body["access_token"])
    assert_introspection(out, auth_code=True, added=True, missing_basic=True)


async def test_client_credential_without_basic_claims(kc: Env) -> None:
    """clientCredentialWithoutBasicClaims: a lightweight token of a transient session keeps ``sub`` (initToken
    sets it for TRANSIENT sessions) and has no ``sid`` nor ``auth_time``; introspection adds the mapped claims."""
    await remove_basic_scope(kc)
    await set_client_attribute(kc, LIGHTWEIGHT, "true")
    body = await client_credentials(kc)
    token = claims(body["access_token"])
    assert_access_token(token, auth_code=False, added=False, missing_basic=False)
    assert token["jti"].startswith("trltcc:"), token["jti"]
    out = await introspect(kc, body["access_token"])
    assert_introspection(out, auth_code=False, added=True, missing_basic=False)


async def test_a_refreshed_token_of_a_lightweight_client_is_lightweight(kc: Env) -> None:
    """The refresh grant mints through the same path: ``onltrt``, no mapped claims, no ``sub``; the ID token
    is untouched by the attribute."""
    await set_client_attribute(kc, LIGHTWEIGHT, "true")
    _, body = await browser_login(kc)
    form = {"grant_type": "refresh_token", "refresh_token": body["refresh_token"]}
    response = await kc.http.post(TOKEN_URL, data=form, auth=(APP, SECRET))
    assert response.status_code == 200, response.text
    token = claims(response.json()["access_token"])
    assert token["jti"].startswith("onltrt:") and "sub" not in token and "preferred_username" not in token, token
    id_token = claims(response.json()["id_token"])
    assert id_token["sub"] and id_token["preferred_username"] == "test-user@localhost", id_token


async def test_userinfo_answers_a_lightweight_token_without_sub_only_under_the_switch(kc: Env) -> None:
    """Keycloak 26.6.2 refuses a lightweight token at userinfo (401) unless its client's
    ``allow.userinfo.with.lightweight.access.token`` is on; then UserInfoEndpoint takes the user from the token's
    session, so a token without ``sub`` still works."""
    await set_client_attribute(kc, LIGHTWEIGHT, "true")
    _, body = await browser_login(kc)
    assert "sub" not in claims(body["access_token"])
    headers = {"Authorization": f"Bearer {body['access_token']}"}
    response = await kc.http.get("/realms/test/protocol/openid-connect/userinfo", headers=headers)
    assert response.status_code == 401 and 'error="invalid_token"' in response.headers["www-authenticate"]
    await set_client_attribute(kc, "allow.userinfo.with.lightweight.access.token", "true")
    response = await kc.http.get("/realms/test/protocol/openid-connect/userinfo", headers=headers)
    assert response.status_code == 200, response.text
    out = response.json()
    assert out["sub"] == claims(body["id_token"])["sub"] and out["preferred_username"] == "test-user@localhost"


async def test_the_admin_api_keeps_the_attribute_and_the_mapper_switch(kc: Env) -> None:
    """The client attribute and a mapper's ``lightweight.claim`` are stored and returned as sent."""
    await set_client_attribute(kc, LIGHTWEIGHT, "true")
    uuid = await client_uuid(kc)
    assert (await get(kc, f"/clients/{uuid}"))["attributes"][LIGHTWEIGHT] == "true"
    mapper = {
        "name": "light",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-claim-mapper",
        "config": {
            "claim.name": "light",
            "claim.value": "yes",
            "lightweight.claim": "true",
            "access.token.claim": "false",
        },
    }
    await send(kc, "POST", f"/clients/{uuid}/protocol-mappers/models", mapper, status=201)
    [stored] = [m for m in await get(kc, f"/clients/{uuid}/protocol-mappers/models") if m["name"] == "light"]
    assert stored["config"]["lightweight.claim"] == "true"
    _, body = await browser_login(kc)
    assert claims(body["access_token"])["light"] == "yes"


async def test_serverinfo_offers_add_to_lightweight_access_token(kc: Env) -> None:
    """OIDCAttributeMapperHelper.addIncludeInTokensConfig: every mapper type that feeds the access token offers
    ``lightweight.claim`` right after ``access.token.claim``, a boolean off by default."""
    response = await kc.http.get("/admin/serverinfo", headers=await kc.admin_headers())
    assert response.status_code == 200, response.text
    types = {t["id"]: t for t in response.json()["protocolMapperTypes"]["openid-connect"]}
    for mapper in ("oidc-usermodel-attribute-mapper", "oidc-sub-mapper", "oidc-audience-mapper"):
        names = [p["name"] for p in types[mapper]["properties"]]
        assert names[names.index("access.token.claim") + 1] == "lightweight.claim", names
        [light] = [p for p in types[mapper]["properties"] if p["name"] == "lightweight.claim"]
        assert light["type"] == "boolean" and light["defaultValue"] == "false", light
        assert light["label"] == "includeInLightweight.label", light
    assert [p["name"] for p in types["oidc-sub-mapper"]["properties"]] == [
        "access.token.claim",
        "lightweight.claim",
        "introspection.token.claim",
    ]
    assert [p["name"] for p in types["oidc-hardcoded-claim-mapper"]["properties"]] == [
        "id.token.claim",
        "access.token.claim",
        "lightweight.claim",
        "userinfo.token.claim",
        "access.tokenResponse.claim",
        "introspection.token.claim",
    ]
