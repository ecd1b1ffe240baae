"""Keycloak 26's UserSearchTest (tests/base/.../tests/admin/user/UserSearchTest.java): the three methods
test_keycloak_user_search_test.py had left out, ported one method to one test on the same set-up
(user_search_port.py): ``searchByIdp`` and ``searchByIdpAndEnabled`` (``GET users`` with ``idpAlias``,
``idpUserId`` and ``enabled``, users linked through ``POST users/{id}/federated-identity/{alias}``) and
``wildcardSearch`` (the username's ``username-prohibited-characters`` validator taken out of the realm's user
profile, then ``search`` with ``*``, a trailing backslash and a quoted exact term)."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator

import pytest

import group_port
import user_search_port
from role_port import clear_events, ok
from user_search_port import add_federated_identity, add_sample_identity_provider, create_user, user_rep, users
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env
managed_realm, realm_id = user_search_port.managed_realm, user_search_port.realm_id


async def _linked_user(env: Env, realm_id: str, rep: dict[str, object], alias: str, idp_user_id: str) -> str:
    """A user made as AbstractUserTest.createUser makes it, then linked to ``alias`` as ``idp_user_id``."""
    user_id = await create_user(env, realm_id, rep)
    link = {"userId": idp_user_id, "userName": str(rep["username"])}
    await add_federated_identity(env, realm_id, user_id, alias, link)
    return user_id


def _names(found: list[dict[str, object]]) -> list[object]:
    return [u["username"] for u in found]


async def test_search_by_idp(env: Env, realm_id: str) -> None:
    """``idpAlias`` alone, ``idpUserId`` alone (across providers) and both together, ordered by username."""
    await create_user(env, realm_id, user_rep("user1", "user1@localhost"))
    await add_sample_identity_provider(env, realm_id, "identity-provider-alias1", 0)
    await add_sample_identity_provider(env, realm_id, "identity-provider-alias2", 1)
    common = "commonIdpUserId"
    alias1, alias2 = "identity-provider-alias1", "identity-provider-alias2"
    await _linked_user(env, realm_id, user_rep("idp1user1", "idp1user1@localhost"), alias1, "idp1user1Id")
    await _linked_user(env, realm_id, user_rep("idp1user2", "idp1user2@localhost"), alias1, common)
    await _linked_user(env, realm_id, user_rep("idp2user", "idp2user@localhost"), alias2, common)

    assert len(await users(env)) == 4
    assert _names(await users(env, idpAlias=alias1)) == ["idp1user1", "idp1user2"]
    assert _names(await users(env, idpUserId=common)) == ["idp1user2", "idp2user"]
    assert _names(await users(env, idpAlias=alias1, idpUserId="idp1user1Id")) == ["idp1user1"]


async def test_search_by_idp_and_enabled(env: Env, realm_id: str) -> None:
    """``idpAlias`` with ``enabled`` true, false and absent."""
    alias = "identity-provider-alias"
    await add_sample_identity_provider(env, realm_id, alias, 0)
    disabled = {"username": "disabled_username", "email": "disabled@localhost", "enabled": False}
    await _linked_user(env, realm_id, disabled, alias, "disabledUserId")
    enabled = {"username": "enabled_username", "email": "enabled@localhost", "enabled": True}
    await _linked_user(env, realm_id, enabled, alias, "enabledUserId")

    assert _names(await users(env, idpAlias=alias, enabled=True)) == ["enabled_username"]
    assert _names(await users(env, idpAlias=alias, enabled=False)) == ["disabled_username"]
    assert _names(await users(env, idpAlias=alias)) == ["disabled_username", "enabled_username"]


@pytest.fixture
async def no_prohibited_characters(env: Env, realm_id: str) -> AsyncIterator[None]:
    """wildcardSearch's set-up: the username's ``username-prohibited-characters`` validation removed from the
    realm's user profile (``PUT users/profile``) and the admin events cleared, and its ``finally``: the
    validation put back."""
    config = await ok(env, "GET", "/users/profile")
    relaxed = copy.deepcopy(config)
    [username] = [a for a in relaxed["attributes"] if a["name"] == "username"]
    assert "username-prohibited-characters" in username["validations"], username
    del username["validations"]["username-prohibited-characters"]
    await ok(env, "PUT", "/users/profile", relaxed)
    await clear_events(env)  # adminEvents.clear()
    yield
    await ok(env, "PUT", "/users/profile", config)


@pytest.mark.usefixtures("no_prohibited_characters")
async def test_wildcard_search(env: Env, realm_id: str) -> None:
    """LIKE's own characters (``\\``, ``%``, ``_``) in usernames are matched literally: ``*`` finds all five,
    ``*user\\`` (a trailing backslash) all five too, and the quoted ``"2user\\\\%"`` exactly one."""
    for i, suffix in enumerate(("0", "", "%", "*", "_")):
        await create_user(env, realm_id, user_rep(f"{i}user\\\\{suffix}", f"email{i}@emal"))
    assert len(await users(env, search="*")) == 5
    assert len(await users(env, search="*user\\")) == 5
    assert _names(await users(env, search='"2user\\\\%"')) == ["2user\\\\%"]
