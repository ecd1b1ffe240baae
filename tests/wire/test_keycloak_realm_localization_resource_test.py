"""Keycloak's RealmLocalizationResourceTest (tests/base/.../tests/admin/), one test per method, over HTTP as
master's admin: one app for the module, realm ``test`` imported anew for each test with the Java class's
RealmLocaleConfig (default locale ``en``; ``en``: key-a, key-b; ``de``: key-a). The realm's admin events are
recorded, and each test checks that the localization calls add none (RealmLocalizationResource fires none).

Doorkeep's own checks of the resource (roles, media types, the upload, bad bodies) are test_realm_localization.py's.
"""

from __future__ import annotations

import pytest

import group_port
import localization_port as port
from realm_port import managed_realm
from role_port import TEST_REALM
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

TEXTS = {"en": {"key-a": "text-a_en", "key-b": "text-b_en"}, "de": {"key-a": "text-a_de"}}


@pytest.fixture
async def realm(env: Env) -> Env:
    """``@InjectRealm(config = RealmLocaleConfig.class)``: the texts come with the imported realm."""
    await managed_realm(env, {**TEST_REALM, "defaultLocale": "en", "localizationTexts": TEXTS})
    return env


async def test_get_realm_specific_locales(realm: Env) -> None:
    """getRealmSpecificLocales: the two locales with texts."""
    await port.get_realm_specific_locales(realm)


async def test_get_realm_localization_texts(realm: Env) -> None:
    """getRealmLocalizationTexts: the locale's two texts."""
    await port.get_realm_localization_texts(realm)


async def test_get_realm_localization_texts_with_fallback(realm: Env) -> None:
    """getRealmLocalizationTextsWithFallback: ``de``'s text over the default locale's (``en``)."""
    await port.get_realm_localization_texts_with_fallback(realm)


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


async def test_create_or_update_realm_localization_when_locale_does_not_yet_exist(realm: Env) -> None:
    """createOrUpdateRealmLocalizationWhenLocaleDoesNotYetExist: a new locale holds exactly the posted texts."""
    await port.create_or_update_realm_localization_when_locale_does_not_yet_exist(realm)


async def test_create_or_update_realm_localization_when_locale_already_exists(realm: Env) -> None:
    """createOrUpdateRealmLocalizationWhenLocaleAlreadyExists: the posted texts over the locale's, the others
    kept."""
    await port.create_or_update_realm_localization_when_locale_already_exists(realm)
