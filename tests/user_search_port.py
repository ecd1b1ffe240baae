"""Shared set-up of the wire ports of Keycloak's UserSearchTest (test_keycloak_user_search_test.py and
test_kc_s66k_user_search.py): AbstractUserTest's managed realm ``test`` (admin events on) on the module's one app,
its users made as AbstractUserTest makes them (201 and a CREATE USER event), and ``realm.users().search(...)`` /
``count(...)`` as ``GET users`` / ``GET users/count`` with the admin client's non-null arguments."""

from __future__ import annotations

import random
import string
from collections.abc import AsyncIterator
from typing import Any

import pytest

from group_port import fresh_realm
from role_port import TEST_REALM, assert_event, call, clear_events, create, ok
from wire_env import Env

MAX_LENGTH_ATTRIBUTES = 2048  # DefaultAttributes.DEFAULT_MAX_LENGTH_ATTRIBUTES


@pytest.fixture(scope="module")
async def managed_realm(shared_env: Env) -> str:
    """AbstractUserTest's managed realm, imported once: admin events on, with their representations."""
    return await fresh_realm(shared_env, TEST_REALM)


@pytest.fixture
async def realm_id(env: Env, managed_realm: str) -> AsyncIterator[str]:
    """The managed realm for one test; afterwards its users and the clients the test made are deleted, as the
    Java cleanups do (cheaper than a new realm on PostgreSQL), and its identity providers and groups, as
    AbstractUserTest.after removes them."""
    clients = {c["id"] for c in await ok(env, "GET", "/clients")}
    yield managed_realm
    for user in await ok(env, "GET", "/users", briefRepresentation="true", max=-1):
        await ok(env, "DELETE", f"/users/{user['id']}")
    for client in await ok(env, "GET", "/clients"):
        if client["id"] not in clients:
            await ok(env, "DELETE", f"/clients/{client['id']}")
    for provider in await ok(env, "GET", "/identity-provider/instances"):
        await ok(env, "DELETE", f"/identity-provider/instances/{provider['alias']}")
    for group in await ok(env, "GET", "/groups"):
        await ok(env, "DELETE", f"/groups/{group['id']}")
    await clear_events(env)


async def create_user(env: Env, realm_id: str, rep: dict[str, Any]) -> str:
    """AbstractUserTest.createUser: 201 and one CREATE USER event carrying the representation."""
    user_id = await create(env, "/users", rep)
    await assert_event(env, realm_id, "CREATE", f"users/{user_id}", "USER", rep)
    return user_id


async def add_sample_identity_provider(env: Env, realm_id: str, alias: str, expected_initial_count: int) -> None:
    """AbstractUserTest.addSampleIdentityProvider: the realm holds ``expected_initial_count`` providers, then an
    ``oidc`` one named ``alias`` (no configuration) is created with its CREATE IDENTITY_PROVIDER event."""
    assert len(await ok(env, "GET", "/identity-provider/instances")) == expected_initial_count
    rep = {"alias": alias, "providerId": "oidc"}
    await create(env, "/identity-provider/instances", rep)
    await assert_event(env, realm_id, "CREATE", f"identity-provider/instances/{alias}", "IDENTITY_PROVIDER", rep)


async def add_federated_identity(env: Env, realm_id: str, user_id: str, alias: str, link: dict[str, str]) -> None:
    """AbstractUserTest.addFederatedIdentity: the link's CREATE USER event on
    ``users/{id}/federated-identity/{alias}`` carrying the link, and a 204."""
    response = await call(env, "POST", f"/users/{user_id}/federated-identity/{alias}", link)
    await assert_event(env, realm_id, "CREATE", f"users/{user_id}/federated-identity/{alias}", "USER", link)
    assert response.status_code == 204, response.text


def user_rep(username: str, email: str | None = None, **more: Any) -> dict[str, Any]:
    """AbstractUserTest.createUser(username, email)'s representation: enabled, no required actions."""
    return {"username": username, "email": email, "requiredActions": [], "enabled": True, **more}


async def create_users(env: Env, realm_id: str) -> list[str]:
    """AbstractUserTest.createUsers: username1..9 with e-mail, names and the test/testN/attr attributes."""
    ids = []
    for i in range(1, 10):
        attributes = {"test": [f"test{i}"], f"test{i}": [f"test{i}"], "attr": ["common", "common2"]}
        rep = {"username": f"username{i}", "email": f"user{i}@localhost", "firstName": f"First{i}"}
        ids.append(await create_user(env, realm_id, {**rep, "lastName": f"Last{i}", "attributes": attributes}))
    return ids


async def users(env: Env, **params: Any) -> list[dict[str, Any]]:
    """``realm.users().search(...)``: GET users, the admin client's non-null arguments as query parameters."""
    sent = {k: str(v).lower() if isinstance(v, bool) else v for k, v in params.items() if v is not None}
    found: list[dict[str, Any]] = await ok(env, "GET", "/users", **sent)
    return found


async def count(env: Env, **params: Any) -> int:
    sent = {k: str(v).lower() if isinstance(v, bool) else v for k, v in params.items() if v is not None}
    return int(await ok(env, "GET", "/users/count", **sent))


def usernames(found: list[dict[str, Any]]) -> list[str]:
    return [u["username"] for u in found]


def q(attributes: dict[str, str]) -> str:
    """AbstractUserTest.mapToSearchQuery: ``key:value`` pairs separated by blanks."""
    return " ".join(f"{k}:{v}" for k, v in attributes.items())


def random_alphanumeric(length: int) -> str:
    """RandomStringUtils.random(length, letters, numbers)."""
    return "".join(random.choices(string.ascii_letters + string.digits, k=length))
