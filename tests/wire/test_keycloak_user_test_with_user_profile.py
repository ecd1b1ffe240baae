"""Keycloak's UserTestWithUserProfile (testsuite .../admin/UserTestWithUserProfile.java): UserTest run again
under a declarative user profile, plus four methods of its own, ported here one method to one test on one
module-wide app with the realm ``test`` imported anew for each test. Its ``@Before`` resets the profile to
Keycloak's default configuration and adds the test's managed attributes (``createAttributeMetadata``: edit
for ``user`` and ``admin``, no view permission).

Not ported here: the methods the class inherits from UserTest. Keycloak 26 split UserTest into UserCreateTest,
UserDeleteTest, UserRequiredActionsTest, UserUpdateTest, UserCredentialTest, UserAttributesTest, UserSearchTest
and UserEmailTest, ported in test_keycloak_user_create_test.py, test_keycloak_user_update_test.py,
test_keycloak_user_attributes_test.py, test_keycloak_user_search_test.py and test_keycloak_user_email_test.py;
there the declarative profile is always on, as it is in Keycloak 26, so running them a second time would
test nothing new.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

import group_port
from group_port import fresh_realm
from role_port import TEST_REALM, call, create, ok
from user_profile_config import DEFAULT_PROFILE
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

MANAGED = ("attr1", "attr2", "aName", "custom-a", "phoneNumber")  # UserTest's managed attribute names


@pytest.fixture
async def realm(env: Env) -> str:
    """Realm ``test`` with the @Before profile: the default configuration plus MANAGED."""
    realm_id = await fresh_realm(env, TEST_REALM)
    config = copy.deepcopy(DEFAULT_PROFILE)
    edit_only = {"edit": ["user", "admin"], "view": []}
    config["attributes"] += [{"name": name, "permissions": edit_only} for name in MANAGED]
    await ok(env, "PUT", "/users/profile", config)
    return realm_id


async def create_user(env: Env, username: str, email: str) -> str:
    """UserTest.createUser(username, email): enabled, no required actions."""
    rep = {"username": username, "email": email, "requiredActions": [], "enabled": True}
    return await create(env, "/users", rep)


async def profile_metadata(env: Env, user_id: str) -> dict[str, dict[str, Any]]:
    """``toRepresentation(true)``'s ``userProfileMetadata``, its attributes by name."""
    rep = await ok(env, "GET", f"/users/{user_id}", userProfileMetadata="true")
    assert rep["userProfileMetadata"] is not None
    return {a["name"]: a for a in rep["userProfileMetadata"]["attributes"]}


async def email_as_username(env: Env) -> None:
    """switchRegistrationEmailAsUsername(true); each test's realm is imported anew, so no switch back."""
    await ok(env, "PUT", "", {"registrationEmailAsUsername": True})


@pytest.mark.usefixtures("realm")
async def test_user_profile_metadata(env: Env) -> None:
    user_id = await create_user(env, "user-metadata", "user-metadata@keycloak.org")
    metadata = await profile_metadata(env, user_id)
    for name in MANAGED:
        assert name in metadata, f"no metadata for {name}: {sorted(metadata)}"


@pytest.mark.usefixtures("realm")
async def test_username_read_only_if_email_as_username_enabled(env: Env) -> None:
    await email_as_username(env)
    user_id = await create_user(env, "user-metadata", "user-metadata@keycloak.org")
    metadata = await profile_metadata(env, user_id)
    assert metadata["username"]["readOnly"] is True
    assert metadata["email"]["readOnly"] is False


@pytest.mark.usefixtures("realm")
async def test_email_not_read_only_if_email_as_username_enabled_and_edit_username_disabled(env: Env) -> None:
    await email_as_username(env)
    assert (await ok(env, "GET", ""))["editUsernameAllowed"] is False
    user_id = await create_user(env, "user-metadata", "user-metadata@keycloak.org")
    metadata = await profile_metadata(env, user_id)
    assert metadata["username"]["readOnly"] is True
    assert metadata["email"]["readOnly"] is False


@pytest.mark.usefixtures("realm")
async def test_default_character_validation_on_username(env: Env) -> None:
    # the Java literals "1user\\\\" etc.: each name holds two backslashes
    for invalid in ("1user\\\\", "2user\\\\%", "3user\\\\*", "4user\\\\_"):
        rep: dict[str, Any] = {"username": invalid, "email": "test@invalid.org", "requiredActions": [], "enabled": True}
        refused = await call(env, "POST", "/users", rep)
        assert refused.status_code == 400, (invalid, refused.status_code, refused.text)
        assert refused.json()["errorMessage"] == "error-username-invalid-character", refused.text
    assert await ok(env, "GET", "/users/count") == 0
