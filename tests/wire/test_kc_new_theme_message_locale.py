"""Keycloak's new-framework ThemeMessageLocaleTest (tests/base/.../tests/i18n/), its methods over HTTP.

``GET /resources/{realm}/login/{locale}`` (ThemeResource.getLocalizationTexts) for a well-formed locale neither the
theme nor the realm supports answers 200 with the English texts, never those of the realm's default locale; a
supported locale (``de``) keeps its own. Two realms as the Java class's: ``en``/``de`` supported, default ``en``
(LocaleRealmConfig) and default ``de`` (GermanDefaultRealmConfig), created through the admin API.

Not ported, with the reason: ``unsupportedLocaleIsResolvedToSupportedLocale`` and
``unsupportedLocaleIsResolvedToEnglishRatherThanRealmDefault`` call LocaleUtil.resolveSupportedLocale inside the
server (run-on-server) against the ``base`` theme's locales, and Keycloak's theme message cache they guard does not
exist here (Doorkeep's catalogs are fixed at start); what they mean for a client is what the two HTTP methods read.
"""

from __future__ import annotations

import httpx
import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio

UNSUPPORTED = "zz-x-00000001"


async def create_realm(env: Env, name: str, default_locale: str) -> None:
    realm = {
        "realm": name,
        "enabled": True,
        "internationalizationEnabled": True,
        "supportedLocales": ["en", "de"],
        "defaultLocale": default_locale,
    }
    created = await env.http.post("/admin/realms", json=realm, headers=await env.admin_headers())
    assert created.status_code == 201, created.text


async def body(http: httpx.AsyncClient, url: str) -> str:
    response = await http.get(url)
    assert response.status_code == 200, response.text
    return response.text


async def test_localization_texts_fall_back_for_unsupported_locale(env: Env) -> None:
    """ThemeMessageLocaleTest#localizationTextsFallBackForUnsupportedLocale."""
    await create_realm(env, "locale-realm", "en")
    url = "/resources/locale-realm/login/"
    assert await body(env.http, url + "en") == await body(env.http, url + UNSUPPORTED)


async def test_localization_texts_fall_back_to_english_for_realm_with_other_default_locale(env: Env) -> None:
    """ThemeMessageLocaleTest#localizationTextsFallBackToEnglishForRealmWithOtherDefaultLocale."""
    await create_realm(env, "german-default", "de")
    url = "/resources/german-default/login/"
    unsupported = await body(env.http, url + UNSUPPORTED)
    assert await body(env.http, url + "en") == unsupported
    assert await body(env.http, url + "de") != unsupported
