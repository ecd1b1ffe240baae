"""What Keycloak's newest UsersTest (tests/base/.../tests/admin/UsersTest.java, keycloak@6733f487) asserts that
test_keycloak_users_test.py, ported from an older copy (@091ec956), does not: ``testFullRepresentationOnSearches``,
``testCountUsersByEnabledStatus``, ``testCountUsersByFederatedIdentity`` and the second half of
``findUsersByEmailVerifiedStatus`` (a ``search`` with ``emailVerified``, listed and counted).

The admin-client calls map onto query parameters as Keycloak's UsersResource interface declares them:
``search(search, first, max, brief)`` is ``?search=&briefRepresentation=``; the eight-argument
``search``/``count`` are ``search, lastName, firstName, email, emailVerified, username, enabled, q``; the
ten-argument ``count`` adds ``idpAlias`` and ``idpUserId`` before ``q``. A null argument is no parameter.

The Java test links the users to providers ``user1Broker`` / ``user2Broker`` on the server (runOnServer, no such
provider configured); here the providers are made first and the links added through the admin API
(``POST users/{id}/federated-identity/{alias}``), which needs the provider to exist.
"""

from __future__ import annotations

from typing import Any

import pytest

from keycloak_port import ADMIN, admin_headers, import_realm
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> Env:
    await import_realm(env, {"realm": "test", "enabled": True})
    return env


async def _call(env: Env, method: str, path: str, body: Any = None, *, params: Any = None) -> Any:
    response = await env.http.request(
        method, f"{ADMIN}{path}", json=body, params=params, headers=await admin_headers(env)
    )
    assert response.status_code in (200, 201, 204), (method, path, response.status_code, response.text)
    return response.json() if response.status_code == 200 else response.headers.get("location")


async def create_user(env: Env, username: str, *, verified: bool = False, enabled: bool = True) -> str:
    """UserConfigBuilder's user with a password, first/last names and e-mail made from the username."""
    rep = {
        "username": username,
        "enabled": enabled,
        "firstName": f"{username}FirstName",
        "lastName": f"{username}LastName",
        "email": f"{username}@example.com",
        "emailVerified": verified,
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
    }
    location: str = await _call(env, "POST", "/users", rep)
    return location.rsplit("/", 1)[-1]


def _sent(params: dict[str, Any]) -> dict[str, str]:
    return {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in params.items() if v is not None}


async def search(env: Env, **params: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = await _call(env, "GET", "/users", params=_sent(params))
    return found


async def count(env: Env, **params: Any) -> int:
    number = await _call(env, "GET", "/users/count", params=_sent(params))
    assert isinstance(number, int), number
    return number


async def test_full_representation_on_searches(kc: Env) -> None:
    """testFullRepresentationOnSearches: a search's full representation carries ``requiredActions`` (empty);
    the brief one neither ``requiredActions`` nor ``totp``."""
    await create_user(kc, "user")
    [full] = await search(kc, search="user", briefRepresentation=False)
    assert full["requiredActions"] == []
    [brief] = await search(kc, search="user", briefRepresentation=True)
    assert "requiredActions" not in brief and "totp" not in brief, brief


async def test_find_users_by_email_verified_status_with_a_search(kc: Env) -> None:
    """findUsersByEmailVerifiedStatus (newest): ``search`` and ``emailVerified`` together, listed and counted;
    ``testuser2``/``testuser3`` share the flag but not the prefix ``user``."""
    await create_user(kc, "user1", verified=True)
    await create_user(kc, "user2")
    verified = await search(kc, emailVerified=True, briefRepresentation=True)
    assert verified and verified[0]["username"] == "user1"

    await create_user(kc, "testuser2", verified=True)
    found = await search(kc, search="user", emailVerified=True)
    assert [u["username"] for u in found] == ["user1"]
    assert await count(kc, search="user", emailVerified=True) == 1

    not_verified = await search(kc, emailVerified=False, briefRepresentation=True)
    assert not_verified and not_verified[0]["username"] == "user2"

    await create_user(kc, "testuser3")
    found = await search(kc, search="user", emailVerified=False)
    assert [u["username"] for u in found] == ["user2"]
    assert await count(kc, search="user", emailVerified=False) == 1


async def test_count_users_by_enabled_status(kc: Env) -> None:
    """testCountUsersByEnabledStatus: ``/count?search=user&enabled=`` counts the enabled or the disabled one."""
    await create_user(kc, "user1", verified=True)
    await create_user(kc, "user2", enabled=False)
    assert await count(kc, search="user", enabled=True) == 1
    assert await count(kc, search="user", enabled=False) == 1


async def _link(env: Env, user_id: str, alias: str, idp_user_id: str, idp_username: str) -> None:
    config = {
        "clientId": "dummy",
        "clientSecret": "dummy",
        "authorizationUrl": "http://localhost/dummy/auth",
        "tokenUrl": "http://localhost/dummy/token",
    }
    rep = {"alias": alias, "providerId": "oidc", "enabled": True, "config": config}
    await _call(env, "POST", "/identity-provider/instances", rep)
    link = {"identityProvider": alias, "userId": idp_user_id, "userName": idp_username}
    await _call(env, "POST", f"/users/{user_id}/federated-identity/{alias}", link)


async def test_count_users_by_federated_identity(kc: Env) -> None:
    """testCountUsersByFederatedIdentity: in a field query of ``/count`` (here ``lastName``), ``idpAlias`` and
    ``idpUserId`` keep the users linked to that provider, with that provider-side id (Keycloak 26.4's
    getUsersCount puts both in the query map)."""
    user1 = await create_user(kc, "user1", verified=True)
    user2 = await create_user(kc, "user2", enabled=False)
    await _link(kc, user1, "user1Broker", "user1BrokerId", "user1BrokerUsername")
    await _link(kc, user2, "user2Broker", "user2BrokerId", "user2BrokerUsername")

    assert await count(kc, lastName="user", idpAlias="user1Broker") == 1
    assert await count(kc, lastName="user", idpAlias="user1Broker", idpUserId="user1BrokerId") == 1
    assert await count(kc, lastName="user", idpAlias="user1Broker", idpUserId="invalidId") == 0
    assert await count(kc, lastName="user", enabled=False, idpAlias="user2Broker") == 1
    assert await count(kc, lastName="user", enabled=False, idpAlias="user2Broker", idpUserId="user1BrokerId") == 0
