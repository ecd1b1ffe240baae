"""Keycloak's RealmRealmLocalizationResourceTest (testsuite/.../admin/), the older twin of
RealmLocalizationResourceTest: the same ten methods (without the fallback and createOrUpdate ones), its ``before``
saving the three texts one by one through ``PUT localization/{locale}/{key}`` instead of importing them with the
realm. The method bodies are shared with that class's port (tests/localization_port.py).
"""

from __future__ import annotations

import pytest

import group_port
import localization_port as port
from realm_port import managed_realm
from role_port import TEST_REALM, clear_events
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env


@pytest.fixture
async def realm(env: Env) -> Env:
    """``before``: en/key-a, en/key-b and de/key-a saved one at a time into a realm imported without texts."""
    await managed_realm(env, TEST_REALM)
    await port.save(env, "en", "key-a", "text-a_en")
    await port.save(env, "en", "key-b", "text-b_en")
    await port.save(env, "de", "key-a", "text-a_de")
    await clear_events(env)
    return env


async def test_get_realm_specific_locales(realm: Env) -> None:
    """getRealmSpecificLocales: the two locales with texts."""
    await port.get_realm_specific_locales(realm)


async def test_get_realm_localization_texts(realm: Env) -> None:
    """getRealmLocalizationTexts: the locale's two texts."""
    await port.get_realm_localization_texts(realm)


async def test_get_realm_localizations_not_exists(realm: Env) -> None:
    """getRealmLocalizationsNotExists: a locale without texts is an empty map, not a 404."""
    await port.get_realm_localizations_not_exists(realm)


async def test_get_realm_localization_text(realm: Env) -> None:
    """getRealmLocalizationText."""
    await port.get_realm_localization_text(realm)


async def test_get_realm_localization_text_not_exists(realm: Env) -> None:
    """getRealmLocalizationTextNotExists: NotFoundException."""
    await port.get_realm_localization_text_not_exists(realm)


async def test_add_realm_localization_text(realm: Env) -> None:
    """addRealmLocalizationText: a new key is saved and read back."""
    await port.add_realm_localization_text(realm)


async def test_update_realm_localization_text(realm: Env) -> None:
    """updateRealmLocalizationText: an existing key gets the new text."""
    await port.update_realm_localization_text(realm)


async def test_delete_realm_localization_text(realm: Env) -> None:
    """deleteRealmLocalizationText: the other key of the locale stays."""
    await port.delete_realm_localization_text(realm)


async def test_delete_realm_localization_text_not_exists(realm: Env) -> None:
    """deleteRealmLocalizationTextNotExists: NotFoundException."""
    await port.delete_realm_localization_text_not_exists(realm)


async def test_delete_realm_localization_texts(realm: Env) -> None:
    """deleteRealmLocalizationTexts: the locale is gone, ``de`` is left."""
    await port.delete_realm_localization_texts(realm)
