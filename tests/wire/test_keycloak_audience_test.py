"""Wire port of Keycloak's ``org.keycloak.testsuite.oidc.AudienceTest``
(testsuite/integration-arquillian/tests/base/src/test/java/org/keycloak/testsuite/oidc/AudienceTest.java
@898fdedc, with AbstractOIDCScopeTest's ``sendTokenRequest`` in ``oidc_scope_realm``): the ``aud`` claim an
audience mapper (``oidc-audience-mapper``, Keycloak's AudienceProtocolMapper) on an optional client scope puts
in the access and ID tokens.

One test per Java method, named after it. The realm is ``configureTestRealm``'s: the bearer-only
``service-client`` with its client role ``role1``, ``test-app`` with full scope off, and john holding
``role1`` and two ``account`` roles; ``beforeTest`` adds the optional client scope ``audience-scope`` to
``test-app``. Mappers are created through the admin API with ProtocolMapperUtil.createAudienceMapper's config
keys. As ``test-app`` has none of john's client roles in its scope, the ``roles`` scope's audience resolve
adds no audience: the mapper's audiences are the only ones.
"""

from __future__ import annotations

from typing import Any

import pytest

from keycloak_port import client_uuid, put, user_id
from oidc_scope_realm import (
    base_realm,
    create_client_scope,
    create_mapper,
    do_login,
    expect_login,
    import_test_realm,
    send_token_request,
)
from wire_env import Env

pytestmark = pytest.mark.anyio


def realm_rep() -> dict[str, Any]:
    """AudienceTest.configureTestRealm on top of testrealm.json."""
    rep = base_realm()
    rep["clients"].append(
        {
            "clientId": "service-client",
            "protocol": "openid-connect",
            "bearerOnly": True,
            "baseUrl": "http://foo/service-client",
        }
    )
    rep["roles"]["client"]["service-client"] = [{"name": "role1"}]
    next(c for c in rep["clients"] if c["clientId"] == "test-app")["fullScopeAllowed"] = False
    rep["users"].append(
        {
            "username": "john",
            "enabled": True,
            "email": "john@email.cz",
            "firstName": "John",
            "lastName": "Doe",
            "credentials": [{"type": "password", "value": "password", "temporary": False}],
            "clientRoles": {"account": ["manage-account", "view-profile"], "service-client": ["role1"]},
        }
    )
    return rep


@pytest.fixture
async def kc(env: Env) -> tuple[Env, str]:
    """The realm, and AudienceTest.beforeTest: ``audience-scope`` an optional scope of ``test-app``; its id."""
    await import_test_realm(env, realm_rep())
    scope = await create_client_scope(env, "audience-scope")
    await put(env, f"/clients/{await client_uuid(env, 'test-app')}/optional-client-scopes/{scope}", None)
    return env, scope


def audience_mapper(
    name: str, client_audience: str | None, custom_audience: str | None, access: bool, id_token: bool
) -> dict[str, Any]:
    """ProtocolMapperUtil.createAudienceMapper(name, client, custom, accessToken, idToken, introspection=true)."""
    config = {
        "access.token.claim": str(access).lower(),
        "id.token.claim": str(id_token).lower(),
        "introspection.token.claim": "true",
    }
    if client_audience is not None:
        config["included.client.audience"] = client_audience
    if custom_audience is not None:
        config["included.custom.audience"] = custom_audience
    return {"name": name, "protocol": "openid-connect", "protocolMapper": "oidc-audience-mapper", "config": config}


def audiences(token: dict[str, Any]) -> set[str]:
    """JsonWebToken.getAudience: a single audience is serialised as a string, several as a list."""
    aud = token.get("aud")
    return set() if aud is None else {aud} if isinstance(aud, str) else set(aud)


async def test_audience_protocol_mapper_with_client_audience(kc: tuple[Env, str]) -> None:
    """AudienceTest.testAudienceProtocolMapperWithClientAudience: a client audience for the access token only."""
    env, scope = kc
    await create_mapper(env, scope, audience_mapper("audience mapper", "service-client", None, True, False))
    uid = await user_id(env, "john")
    redirect = await do_login(env, scope="openid audience-scope")
    tokens = await send_token_request(
        env, redirect, await expect_login(env, uid), "openid profile email audience-scope"
    )
    assert tokens.access_token["aud"] == "service-client", tokens.access_token
    assert tokens.id_token["aud"] == "test-app", tokens.id_token


async def test_audience_protocol_mapper_with_custom_audience(kc: tuple[Env, str]) -> None:
    """AudienceTest.testAudienceProtocolMapperWithCustomAudience: two custom audiences in the access token, the
    one whose mapper also adds to the ID token there next to the client itself."""
    env, scope = kc
    await create_mapper(env, scope, audience_mapper("audience mapper 1", None, "http://host/service/ctx1", True, False))
    await create_mapper(env, scope, audience_mapper("audience mapper 2", None, "http://host/service/ctx2", True, True))
    uid = await user_id(env, "john")
    redirect = await do_login(env, scope="openid audience-scope")
    tokens = await send_token_request(
        env, redirect, await expect_login(env, uid), "openid profile email audience-scope"
    )
    assert audiences(tokens.access_token) == {"http://host/service/ctx1", "http://host/service/ctx2"}
    assert audiences(tokens.id_token) == {"test-app", "http://host/service/ctx2"}
