"""Port of Keycloak's ``ClientTokenExchangeAudienceAndScopesTest`` (testsuite/integration-arquillian,
``org.keycloak.testsuite.oauth.tokenexchange``): combinations of ``audience`` and ``scope`` in an
internal-internal exchange of requester-client's own token, on the realm of ``tests/token_exchange_realm.py``.

The class predates the filtering StandardTokenExchangeProvider does now, and two of its expectations are
superseded by the newer StandardTokenExchangeV2Test on the same realm, which these tests follow:
``test02`` expected optional-scope2 kept with ``audience=target-client1``; the scope is now dropped with its
target-client2 role when the audience leaves target-client2 out (``testScopeFilter``). ``test03`` expected an
unavailable target-client3 silently left out of ``aud``; ``checkRequestedAudiences`` now refuses it with
"Requested audience not available: target-client3" (``testUnavailableAudienceRequested``).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from support import assert_error, claims
from token_exchange_realm import aud, exchange, import_realm, subject
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def te(env: Env) -> Env:
    return await import_realm(env)


def _assert_audiences_and_scopes(token: dict[str, Any], audiences: list[str], scopes: list[str]) -> None:
    assert aud(token) == set(audiences) and set(token["resource_access"]) == set(audiences), token
    assert set(token["scope"].split(" ")) == set(scopes), token


async def _resource_owner_login(env: Env) -> str:
    """requester-client's own token for john: target-client1's audience, default-scope1."""
    access: str = (await subject(env, "requester-client"))["access_token"]
    _assert_audiences_and_scopes(claims(access), ["target-client1"], ["default-scope1"])
    return access


def _exchanged(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    return claims(response.json()["access_token"])


async def test01_scope_param_included_without_audience(te: Env) -> None:
    access = await _resource_owner_login(te)
    token = _exchanged(await exchange(te, access, scope="optional-scope2"))
    _assert_audiences_and_scopes(token, ["target-client1", "target-client2"], ["default-scope1", "optional-scope2"])


async def test02_scope_param_included_audience_included(te: Env) -> None:
    access = await _resource_owner_login(te)
    token = _exchanged(await exchange(te, access, audience=["target-client1"], scope="optional-scope2"))
    _assert_audiences_and_scopes(token, ["target-client1"], ["default-scope1"])


async def test03_scope_param_included_audience_included_unavailable_audience(te: Env) -> None:
    access = await _resource_owner_login(te)
    response = await exchange(te, access, audience=["target-client1", "target-client3"], scope="optional-scope2")
    assert_error(response, 400, "invalid_request", "Requested audience not available: target-client3")
