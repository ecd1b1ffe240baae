"""Keycloak's DeclarativeUserTest (tests/base/.../tests/admin/DeclarativeUserTest.java, formerly
testsuite/integration-arquillian/.../testsuite/admin/DeclarativeUserTest.java): the admin user API under a
declarative user profile, one test per method, on one module-wide app with the realm ``test`` imported anew for
each test (``DeclarativeRealmConfig``: internationalization on, locales ``en`` and ``de``) and the profile of
the Java test's ``@BeforeEach`` set through ``PUT users/profile``.

Not ported: ``testDefaultUserProfileProviderIsActive`` asks the server's provider registry (``RunOnServer``)
which class serves the UserProfileProvider SPI; nothing of it shows on the wire.
"""

from __future__ import annotations

from typing import Any

import pytest

import group_port
from group_port import fresh_realm
from role_port import TEST_REALM, call, create, ok
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

PERMISSIONS_ALL = {"view": ["admin", "user"], "edit": ["admin", "user"]}  # UserProfileUtil.PERMISSIONS_ALL
REQUIRED_ATTR_KEY = "required-attr"


def profile(*names: str, plain: tuple[str, ...] = (), required: tuple[str, ...] = ()) -> dict[str, Any]:
    """A configuration as the Java test writes it: ``names`` with PERMISSIONS_ALL, ``plain`` with no
    permissions (only what Keycloak defaults), ``required`` with ``"required": {}`` and PERMISSIONS_ALL."""
    attributes: list[dict[str, Any]] = [{"name": n, "permissions": PERMISSIONS_ALL} for n in names]
    attributes += [{"name": n} for n in plain]
    attributes += [{"name": n, "required": {}, "permissions": PERMISSIONS_ALL} for n in required]
    return {"attributes": attributes}


BASE = ("username", "firstName", "email", "lastName")
BEFORE_EACH = profile(*BASE, "aName", "custom-a", "attr1", "attr2", plain=("custom-hidden",))


async def set_profile(env: Env, config: dict[str, Any]) -> None:
    """UserProfileUtil.setUserProfileConfiguration: ``PUT users/profile``."""
    await ok(env, "PUT", "/users/profile", config)


@pytest.fixture
async def realm(env: Env) -> str:
    """Realm ``test`` of DeclarativeRealmConfig with the @BeforeEach profile."""
    realm_id = await fresh_realm(
        env, {**TEST_REALM, "internationalizationEnabled": True, "supportedLocales": ["en", "de"]}
    )
    await set_profile(env, BEFORE_EACH)
    return realm_id


async def user(env: Env, user_id: str) -> dict[str, Any]:
    found: dict[str, Any] = await ok(env, "GET", f"/users/{user_id}")
    return found


async def update(env: Env, user_id: str, rep: dict[str, Any]) -> None:
    answer = await call(env, "PUT", f"/users/{user_id}", rep)
    assert answer.status_code == 204, answer.text


@pytest.mark.usefixtures("realm")
async def test_do_not_return_attribute_if_not_readble(env: Env) -> None:
    user_id = await create(
        env, "/users", {"username": "user1", "attributes": {"attr1": ["value1user1"], "attr2": ["value2user1"]}}
    )
    attributes = (await user(env, user_id))["attributes"]
    assert attributes == {"attr1": ["value1user1"], "attr2": ["value2user1"]}
    assert "custom-hidden" not in attributes

    await set_profile(env, profile(*BASE, "aName", "custom-a", "custom-hidden", "attr1", "attr2"))
    attributes = (await user(env, user_id))["attributes"]
    assert len(attributes) == 2  # an attribute never set is not listed, readable or not
    assert "custom-hidden" not in attributes


@pytest.mark.usefixtures("realm")
async def test_update_unset_attribute_with_empty_value(env: Env) -> None:
    await set_profile(env, profile(*BASE, "attr1", plain=("attr2",)))
    user_id = await create(env, "/users", {"username": "user1", "attributes": {"attr1": ["some-value"]}})
    # attr1 leaves the configuration: the user keeps its value, now an unmanaged attribute
    await set_profile(env, profile(*BASE, plain=("attr2",)))

    rep = await user(env, user_id)
    assert "attributes" not in rep  # unmanaged attributes are off: attr1 is not shown
    # a read-only attribute (attr2: admins may not edit it) with an empty or null value does not fail an update
    await update(env, user_id, {**rep, "attributes": {"attr2": [""]}})
    rep = await user(env, user_id)
    assert "attributes" not in rep
    await update(env, user_id, {**rep, "attributes": {"attr2": None}})
    assert "attributes" not in await user(env, user_id)


@pytest.mark.usefixtures("realm")
async def test_validation_using_existing_attributes(env: Env) -> None:
    await set_profile(env, profile(*BASE, required=(REQUIRED_ATTR_KEY,)))
    user_id = await create(env, "/users", {"username": "user1", "attributes": {REQUIRED_ATTR_KEY: ["some-value"]}})

    rep = await user(env, user_id)
    rep["firstName"] = "changed"
    rep.pop("attributes", None)  # setAttributes(null): the user's own value of the required attribute counts
    await update(env, user_id, rep)
    rep = await user(env, user_id)
    assert rep["firstName"] == "changed"
    assert rep["attributes"] == {REQUIRED_ATTR_KEY: ["some-value"]}

    rep["attributes"] = {}  # an empty map removes it: the required attribute is missing
    refused = await call(env, "PUT", f"/users/{user_id}", rep)
    assert refused.status_code == 400, refused.text
    assert refused.json()["errorMessage"] == "error-user-attribute-required"
    assert (await user(env, user_id))["attributes"] == {REQUIRED_ATTR_KEY: ["some-value"]}


@pytest.mark.usefixtures("realm")
async def test_user_locale(env: Env) -> None:
    user_id = await create(env, "/users", {"username": "user1", "attributes": {"locale": ["pt_BR"]}})
    assert (await user(env, user_id))["attributes"]["locale"] == ["pt_BR"]

    await ok(env, "PUT", "", {"internationalizationEnabled": False})
    rep = await user(env, user_id)
    assert "attributes" not in rep  # locale is a managed attribute only with internationalization on
    listed = await ok(env, "GET", "/users", username="user1", exact="true")
    assert [u.get("attributes") for u in listed] == [None]

    # beyond the Java test: the locale's read and write conditions are the realm's internationalization, so it
    # stays hidden where unmanaged attributes are shown, a locale sent is ignored, and the stored one comes back
    config = await ok(env, "GET", "/users/profile")
    await set_profile(env, {**config, "unmanagedAttributePolicy": "ENABLED"})
    assert "attributes" not in await user(env, user_id)
    await update(env, user_id, {**rep, "firstName": "Ana", "attributes": {"locale": ["de"]}})
    assert "attributes" not in await user(env, user_id)
    user2_id = await create(env, "/users", {"username": "user2", "attributes": {"locale": ["de"]}})
    await ok(env, "PUT", "", {"internationalizationEnabled": True})
    assert (await user(env, user_id))["attributes"] == {"locale": ["pt_BR"]}
    assert "attributes" not in await user(env, user2_id)


async def test_user_locale_in_a_realm_never_given_a_profile_configuration(env: Env) -> None:
    """Beyond the Java class: the locale's conditions do not depend on a configuration being set (Doorkeep keeps
    unmanaged attributes leniently in such a realm, but not the locale)."""
    await fresh_realm(env, {**TEST_REALM, "internationalizationEnabled": True, "supportedLocales": ["en", "de"]})
    user_id = await create(env, "/users", {"username": "user1", "attributes": {"locale": ["de"], "other": ["x"]}})
    assert (await user(env, user_id))["attributes"] == {"locale": ["de"], "other": ["x"]}
    await ok(env, "PUT", "", {"internationalizationEnabled": False})
    rep = await user(env, user_id)
    assert rep["attributes"] == {"other": ["x"]}
    await update(env, user_id, {**rep, "attributes": {"other": ["x"], "locale": ["en"]}})
    await ok(env, "PUT", "", {"internationalizationEnabled": True})
    assert (await user(env, user_id))["attributes"] == {"locale": ["de"], "other": ["x"]}
