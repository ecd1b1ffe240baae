"""Keycloak 26's UserProfileTest (tests/base/.../tests/admin/user/UserProfileTest.java): the three methods no
port had, one method to one test on AbstractUserTest's managed realm (user_search_port.py), the realm's user
profile put back afterwards as each method's ``finally`` does: ``testSearchBasedOnUserProfileSettings`` (an
attribute the admin may not view is left out of ``GET users``), ``defaultMaxResults`` and
``defaultMaxResultsBrief`` (``search`` pages 100 users unless ``max`` says otherwise, with the custom attribute
the admin may view, without attributes in the brief representation).

Its other methods (testUsernameReadOnlyIfEmailAsUsernameEnabled,
testEmailNotReadOnlyIfEmailAsUsernameEnabledAndEditUsernameDisabled, testUserProfileMetadata) are ported in
test_keycloak_user_test_with_user_profile.py.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from typing import Any

import pytest

import group_port
import user_search_port
from role_port import create, ok
from user_search_port import create_user, users
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env
managed_realm, realm_id = user_search_port.managed_realm, user_search_port.realm_id


@pytest.fixture
async def profile(env: Env, realm_id: str) -> AsyncIterator[dict[str, Any]]:
    """The realm's user-profile configuration (``GET users/profile``), a copy to change; put back afterwards."""
    config: dict[str, Any] = await ok(env, "GET", "/users/profile")
    yield copy.deepcopy(config)
    await ok(env, "PUT", "/users/profile", config)


def _attribute(config: dict[str, Any], name: str) -> dict[str, Any]:
    found: dict[str, Any] = next(a for a in config["attributes"] if a["name"] == name)
    return found


async def _with_a_name(env: Env, config: dict[str, Any], view: list[str], edit: list[str]) -> None:
    """AbstractUserTest.createAttributeMetadata("aName") (multivalued) with these permissions, the
    configuration saved."""
    permissions = {"view": view, "edit": edit}
    config["attributes"].append({"name": "aName", "multivalued": True, "permissions": permissions})
    await ok(env, "PUT", "/users/profile", config)


async def _users_with_a_name(env: Env, prefix: str) -> None:
    """110 users ``{prefix}0`` … ``{prefix}109``, each with ``aName: aValue`` (the 201 is all Java checks)."""
    for i in range(110):
        await create(env, "/users", {"username": f"{prefix}{i}", "attributes": {"aName": ["aValue"]}})


async def test_search_based_on_user_profile_settings(env: Env, realm_id: str, profile: dict[str, Any]) -> None:
    """firstName given no permissions at all: the admin's user list leaves it out."""
    rep: dict[str, Any] = {"username": "test_username", "firstName": "test_first_name", "lastName": "test_last_name"}
    rep |= {"email": "test_email@test.com", "enabled": True, "emailVerified": True}
    await create_user(env, realm_id, rep)
    _attribute(profile, "firstName")["permissions"] = {"view": [], "edit": []}
    await ok(env, "PUT", "/users/profile", profile)
    [listed] = await users(env)
    assert listed.get("firstName") is None, listed
    assert listed["lastName"] == "test_last_name"


async def test_default_max_results(env: Env, realm_id: str, profile: dict[str, Any]) -> None:
    """``search`` without ``max`` answers 100 users, each carrying just the attribute the admin may view."""
    await _with_a_name(env, profile, view=["user", "admin"], edit=["user", "admin"])
    await _users_with_a_name(env, "test2-")
    found = await users(env, search="test2")
    assert len(found) == 100
    for user in found:
        assert user["attributes"] == {"aName": ["aValue"]}, user
    assert len(await users(env, search="test2", first=0, max=105)) == 105
    assert len(await users(env, search="test2", first=0, max=1000)) == 110


async def test_default_max_results_brief(env: Env, realm_id: str, profile: dict[str, Any]) -> None:
    """``briefRepresentation=true`` without ``max``: 100 users, none with attributes."""
    await _with_a_name(env, profile, view=[], edit=[])
    await _users_with_a_name(env, "test-")
    found = await users(env, search="test", briefRepresentation=True)
    assert len(found) == 100
    assert all(user.get("attributes") is None for user in found), found[0]
