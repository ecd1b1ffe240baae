"""Keycloak's AppAuthManagerTest (tests/base/.../tests/admin/, the new test framework): the Admin Console's whoami
takes the ``Bearer`` scheme in any case, followed by one space and the token; two spaces, a tab, or a token signed
with ``alg: none`` is 401 (AppAuthManager.extractTokenStringFromAuthHeader, then the token's verification).

TestRealmConfig: realm ``test`` (internationalization off) whose ``admin-cli`` is confidential (secret ``secret``),
marked ``security.admin.console`` and allows direct grants; ``test-admin`` holds realm-management's realm-admin."""

from __future__ import annotations

import base64
import json

import pytest

from admin_support import make_admin
from support import claims, password_grant, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

WHOAMI = "/admin/test/console/whoami"


async def _tokens(realm: Env) -> dict[str, str]:
    """``accessToken(oAuthClient, "admin-cli", "secret", "test-admin", "password")``."""
    await make_admin(realm, "test", "test-admin", "realm-admin")  # signs in once while admin-cli is still public
    await update_client(
        realm.db,
        "test",
        "admin-cli",
        public_client=False,
        secret="secret",
        attributes={"security.admin.console": "true"},
    )
    response = await password_grant(realm.http, "test", "admin-cli", "test-admin")
    assert response.status_code == 200, response.text
    return dict(response.json())


async def _status(realm: Env, prefix: str, token: str) -> int:
    """``send``: whoami with ``Authorization: {prefix}{token}``, then the session logged out."""
    response = await realm.http.get(WHOAMI, headers={"Accept": "application/json", "Authorization": prefix + token})
    return response.status_code


@pytest.mark.parametrize(
    ("prefix", "status"),
    [
        pytest.param("Bearer ", 200, id="testSuccess"),
        pytest.param("bearer ", 200, id="testFailure_BearerLowerCase"),
        pytest.param("BEARER ", 200, id="testFailure_BearerUpperCase"),
        pytest.param("BeArEr ", 200, id="testFailure_BearerDiffCase"),
        pytest.param("Bearer  ", 401, id="testFailure_TwoSpaces"),
        pytest.param("Bearer     ", 401, id="testFailure_MultiSpaces"),
        pytest.param("Bearer\t", 401, id="testFailure_TabSymbol"),
    ],
)
async def test_prefix(realm: Env, prefix: str, status: int) -> None:
    """AppAuthManagerTest#testSuccess, #testFailure_BearerLowerCase, #testFailure_BearerUpperCase,
    #testFailure_BearerDiffCase, #testFailure_TwoSpaces, #testFailure_MultiSpaces, #testFailure_TabSymbol (the
    Java names say "Failure" for the accepted spellings too)."""
    tokens = await _tokens(realm)
    assert await _status(realm, prefix, tokens["access_token"]) == status


async def test_none_failure(realm: Env) -> None:
    """AppAuthManagerTest#testNoneFailure: the same claims, re-encoded as an unsecured JWS (``alg: none``)."""
    tokens = await _tokens(realm)

    def part(value: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).decode().rstrip("=")

    none = f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims(tokens['access_token']))}."
    assert await _status(realm, "Bearer ", none) == 401
