"""What an offline (or online) token may do after its client's scopes change, and the token endpoint's
parameter limits, beyond what the OIDCScopeTest / AudienceTest ports check.

A refresh rebuilds the client scopes as TokenManager.getRequestedClientScopes does: every default scope the
client has now, plus the optional scopes the refresh token names. So a default scope linked after issuance
reaches the refreshed access token, and on a consent-required client it must be consented to, else
``invalid_scope`` "Client no longer has requested consent from user" (TokenManager.validateToken,
verifyConsentStillAvailable). An audience mapper on an optional scope keeps its audience across offline
refreshes until a ``scope`` parameter narrows the scope away. TokenEndpoint.checkParameters drops an ordinary
parameter over 4000 characters and refuses a token parameter over 20000.
"""

from __future__ import annotations

from typing import Any

import pytest

from browser_flow import code_from, exchange
from keycloak_port import client_uuid, get, poll, put
from oidc_scope_realm import (
    SECRET,
    accept,
    base_realm,
    create_client_scope,
    create_mapper,
    do_login,
    grants,
    import_test_realm,
    refresh,
)
from support import claims
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> Env:
    """testrealm.json's test-app and third-party (scoped to offline_access too), and john holding offline_access."""
    rep = base_realm()
    rep["scopeMappings"].append({"client": "third-party", "roles": ["offline_access"]})
    rep["users"].append(
        {
            "username": "john",
            "enabled": True,
            "email": "john@email.cz",
            "firstName": "John",
            "lastName": "Doe",
            "credentials": [{"type": "password", "value": "password", "temporary": False}],
            "realmRoles": ["offline_access"],
            "attributes": {"phoneNumber": ["111-222-333"]},
        }
    )
    return await import_test_realm(env, rep)


async def code_tokens(env: Env, client_id: str, scope: str) -> dict[str, Any]:
    """A browser login (accepting the consent screen, if any) and its code exchanged."""
    page = await do_login(env, client_id=client_id, scope=scope)
    redirect = await accept(env, page) if page.status_code == 200 else page
    response = await exchange(env.http, "test", client_id, code_from(redirect)["code"], secret=SECRET)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def link_default(env: Env, client_id: str, scope_name: str) -> None:
    scope = next(s["id"] for s in await get(env, "/client-scopes") if s["name"] == scope_name)
    await put(env, f"/clients/{await client_uuid(env, client_id)}/default-client-scopes/{scope}", None)


@pytest.mark.parametrize("scope", ["openid", "openid offline_access"])
async def test_a_default_scope_linked_after_issuance_reaches_the_refreshed_token(kc: Env, scope: str) -> None:
    tokens = await code_tokens(kc, "test-app", scope)
    assert "phone" not in tokens["scope"].split()
    await link_default(kc, "test-app", "phone")
    refreshed = await refresh(kc, tokens["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    assert "phone" in refreshed.json()["scope"].split()
    assert claims(refreshed.json()["access_token"])["phone_number"] == "111-222-333"
    # the new refresh token keeps the original scope verbatim, its type too
    new_refresh = claims(refreshed.json()["refresh_token"])
    assert new_refresh["scope"] == claims(tokens["refresh_token"])["scope"]
    assert new_refresh["typ"] == ("Offline" if "offline_access" in scope else "Refresh")


@pytest.mark.parametrize("scope", ["openid", "openid offline_access"])
async def test_an_unconsented_new_default_scope_stops_the_refresh_of_a_consent_client(kc: Env, scope: str) -> None:
    tokens = await code_tokens(kc, "third-party", scope)
    await link_default(kc, "third-party", "phone")
    await poll(kc)
    refused = await refresh(kc, tokens["refresh_token"], "third-party")
    assert refused.status_code == 400, refused.text
    assert refused.json() == {
        "error": "invalid_scope",
        "error_description": "Client no longer has requested consent from user",
    }
    [event] = await poll(kc)
    assert (event["type"], event["error"], event["clientId"]) == ("REFRESH_TOKEN_ERROR", "invalid_token", "third-party")

    page = await do_login(kc, client_id="third-party", scope=scope)  # the SSO session asks for the new scope only
    assert grants(page) == ["Phone number"]
    await accept(kc, page)
    refreshed = await refresh(kc, tokens["refresh_token"], "third-party")
    assert refreshed.status_code == 200, refreshed.text
    assert "phone" in refreshed.json()["scope"].split()


async def test_an_offline_token_keeps_its_optional_audience_until_narrowed(kc: Env) -> None:
    audience_scope = await create_client_scope(kc, "audience-scope")
    await put(kc, f"/clients/{await client_uuid(kc, 'test-app')}/optional-client-scopes/{audience_scope}", None)
    config = {"included.custom.audience": "http://host/service", "access.token.claim": "true"}
    mapper = {"name": "aud", "protocol": "openid-connect", "protocolMapper": "oidc-audience-mapper", "config": config}
    await create_mapper(kc, audience_scope, mapper)
    tokens = await code_tokens(kc, "test-app", "openid offline_access audience-scope")
    assert claims(tokens["refresh_token"])["typ"] == "Offline"
    assert claims(tokens["access_token"])["aud"] == "http://host/service"

    refreshed = await refresh(kc, tokens["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    assert claims(refreshed.json()["access_token"])["aud"] == "http://host/service"

    narrowed = await refresh(kc, tokens["refresh_token"], scope="openid offline_access")
    assert narrowed.status_code == 200, narrowed.text
    assert "aud" not in claims(narrowed.json()["access_token"])
    assert "audience-scope" not in narrowed.json()["scope"].split()
    assert "audience-scope" in claims(narrowed.json()["refresh_token"])["scope"].split()


async def test_an_over_long_scope_on_refresh_is_ignored(kc: Env) -> None:
    tokens = await code_tokens(kc, "test-app", "openid offline_access")
    at_limit = await refresh(kc, tokens["refresh_token"], scope="openid " + "x" * 3993)  # 4000: still validated
    assert at_limit.status_code == 400 and at_limit.json()["error"] == "invalid_scope", at_limit.text
    ignored = await refresh(kc, tokens["refresh_token"], scope="openid " + "x" * 3994)  # 4001: dropped
    assert ignored.status_code == 200, ignored.text
    assert ignored.json()["scope"] == tokens["scope"]


async def test_an_over_long_refresh_token_is_refused_without_an_event(kc: Env) -> None:
    await code_tokens(kc, "test-app", "openid")
    await poll(kc)
    refused = await refresh(kc, "x" * 20001)
    assert refused.status_code == 400, refused.text
    assert refused.json() == {
        "error": "invalid_request",
        "error_description": "The size of OIDC parameter 'refresh_token' is longer than allowed.",
    }
    assert await poll(kc) == []
    garbage = await refresh(kc, "x" * 20000)  # at the limit: read, and not a token
    assert garbage.status_code == 400 and garbage.json()["error_description"] == "Invalid refresh token"
