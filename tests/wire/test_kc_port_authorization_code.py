"""Keycloak's AuthorizationCodeTest, the method of its newest version (tests/base/.../tests/oauth/
AuthorizationCodeTest.java) that test_keycloak_authorization_code_test.py does not port: testInvalidESCCharacterClientId.

Keycloak's test expects the "Client not found." page for an ESC (``%1B``) client_id (only a NUL one gets its 500
page, "An internal server error has occurred"). Doorkeep answers both alike, never a 500 for bad input: the client
is unknown, a 400 "Client not found." and a LOGIN_ERROR ``client_not_found`` event, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import pytest

from access_token_realm import import_realm
from authorize_port import authorize, error_page
from keycloak_port import poll
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> Env:
    """Keycloak's testrealm.json as AuthorizationCodeTest uses it."""
    await import_realm(env)
    await poll(env)
    return env


@pytest.mark.parametrize("client_id", ["\x1b", "test-app\x1b", "\x1b[31m"])
async def test_test_invalid_esc_character_client_id(kc: Env, client_id: str) -> None:
    """AuthorizationCodeTest.testInvalidESCCharacterClientId: an ESC in the client_id is an error page, not a crash
    (beyond the Java method: after a known client's id, and as a terminal colour sequence)."""
    response = await authorize(kc.http, client_id=client_id)
    assert response.status_code == 400, response.status_code
    assert error_page(response) == "Client not found."
    [event] = await poll(kc)
    assert (event["type"], event["error"]) == ("LOGIN_ERROR", "client_not_found"), event
