"""Keycloak 26.8's impersonation audit (release notes 26.8.0 "Impersonation audit improvements", issue #51489, pull
request #51492; upgrading guide 26.8.0 "Token introspection `act` claim now uses user ID for `sub`").

Tokens issued from a session the admin impersonation endpoint started carry RFC 8693's ``act`` claim, the
administrator as ``{"sub": <user id>, "preferred_username": <username>}`` (TokenManager.setActClaimFromImpersonator),
in the access token and the ID token; introspection shows the same ``act`` (before 26.8 it had ``act.sub`` = the
username alone, AccessTokenIntrospectionProvider); and the token events of such a session (``CODE_TO_TOKEN``,
``REFRESH_TOKEN``) carry the details ``impersonator`` and ``impersonator_id``. A session the user started
themselves has none of it. The claim "cannot be disabled": a protocol mapper writing ``act`` does not replace it.
"""

from __future__ import annotations

from typing import Any

import pytest

from browser_flow import REDIRECT, code_from, exchange, start
from impersonation_port import RESOURCE_AUDIENCE, actor_realm, impersonate_test_user, introspect, user
from keycloak_port import import_realm, poll, user_id
from support import claims, password_grant, refresh
from wire_env import Env

pytestmark = pytest.mark.anyio


def _hardcoded_act() -> dict[str, Any]:
    """A mapper that tries to write ``act`` itself (a JSON object claim)."""
    return {
        "name": "fake actor",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-hardcoded-claim-mapper",
        "config": {
            "claim.name": "act",
            "claim.value": '{"sub": "someone-else"}',
            "jsonType.label": "JSON",
            "access.token.claim": "true",
            "id.token.claim": "true",
            "introspection.token.claim": "true",
        },
    }


REALM = actor_realm(
    [RESOURCE_AUDIENCE],
    [user("impersonator", "impersonation", "view-users"), user("test-user")],
    {"clientId": "mapped-app", "secret": "secret", "redirectUris": [REDIRECT], "protocolMappers": [_hardcoded_act()]},
)


@pytest.fixture
async def kc(env: Env) -> Env:
    await import_realm(env, REALM)
    return env


async def _code_tokens(kc: Env, client_id: str = "test-app") -> dict[str, Any]:
    signed_in = await start(kc.http, "test", client_id)
    response = await exchange(kc.http, "test", client_id, code_from(signed_in)["code"])
    assert response.status_code == 200, response.text
    return dict(response.json())


async def test_impersonated_tokens_carry_the_administrator_as_act(kc: Env) -> None:
    admin_id = await impersonate_test_user(kc)
    actor = {"sub": admin_id, "preferred_username": "impersonator"}
    tokens = await _code_tokens(kc)
    assert claims(tokens["access_token"])["act"] == actor
    assert claims(tokens["id_token"])["act"] == actor
    assert "act" not in claims(tokens["refresh_token"])
    refreshed = await refresh(kc.http, "test", "test-app", tokens["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    assert claims(refreshed.json()["access_token"])["act"] == actor
    assert claims(refreshed.json()["id_token"])["act"] == actor


async def test_introspection_names_the_administrator_by_id_and_username(kc: Env) -> None:
    """26.8: ``act.sub`` the impersonator's id (it was the username), ``act.preferred_username`` added."""
    admin_id = await impersonate_test_user(kc)
    answer = await introspect(kc, (await _code_tokens(kc))["access_token"])
    assert answer["active"] is True
    assert answer["act"] == {"sub": admin_id, "preferred_username": "impersonator"}
    assert answer["username"] == "test-user"


async def test_token_events_of_an_impersonated_session_name_the_impersonator(kc: Env) -> None:
    admin_id = await impersonate_test_user(kc)
    await poll(kc)
    tokens = await _code_tokens(kc)
    assert (await refresh(kc.http, "test", "test-app", tokens["refresh_token"])).status_code == 200
    found = {e["type"]: e for e in await poll(kc)}
    for kind in ("CODE_TO_TOKEN", "REFRESH_TOKEN"):
        details = found[kind]["details"]
        assert details["impersonator"] == "impersonator", (kind, details)
        assert details["impersonator_id"] == admin_id, (kind, details)
        assert found[kind]["userId"] == await user_id(kc, "test-user")


async def test_a_mapper_cannot_replace_the_actor(kc: Env) -> None:
    """The release notes: the claim "is always present and cannot be disabled"."""
    admin_id = await impersonate_test_user(kc)
    tokens = await _code_tokens(kc, "mapped-app")
    actor = {"sub": admin_id, "preferred_username": "impersonator"}
    assert claims(tokens["access_token"])["act"] == actor
    assert claims(tokens["id_token"])["act"] == actor


async def test_the_users_own_session_has_no_actor(kc: Env) -> None:
    """A session the user started: no ``act`` in the tokens nor in introspection, no impersonator details (the
    hardcoded mapper's ``act`` of a client that has one is just a claim then)."""
    await poll(kc)
    response = await password_grant(kc.http, "test", "test-app", "test-user")
    assert response.status_code == 200, response.text
    tokens = response.json()
    assert "act" not in claims(tokens["access_token"])
    assert "act" not in await introspect(kc, tokens["access_token"])
    refreshed = await refresh(kc.http, "test", "test-app", tokens["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    for event in await poll(kc):
        assert "impersonator" not in (event.get("details") or {}), event
        assert "impersonator_id" not in (event.get("details") or {}), event
