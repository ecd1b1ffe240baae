"""Keycloak's new-framework RealmLocalizationTest (tests/base/.../tests/i18n/) over HTTP: a realm localization text
whose key and value are outside ASCII (``Äǜṳǚǘǖ`` = ``Öṏṏ``) is saved (``PUT localization/en/{key}``, a text/plain
body) and read back as it was (``GET localization/en?useRealmDefaultLocaleFallback=false``), on a realm with
internationalization on (RealmWithInternationalization)."""

from __future__ import annotations

from urllib.parse import quote

import pytest

import group_port
from group_port import fresh_realm
from keycloak_port import ADMIN, admin_headers
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

REALM = {
    "realm": "test",
    "enabled": True,
    "internationalizationEnabled": True,
    "supportedLocales": ["en", "de"],
    "defaultLocale": "en",
}


@pytest.mark.parametrize("content_type", ["text/plain; charset=utf-8", "text/plain"])
async def test_realm_localization_texts_support_unicode(env: Env, content_type: str) -> None:
    """RealmLocalizationTest#realmLocalizationTextsSupportUnicode; the body's UTF-8 read as such whether or not the
    type names the charset (RESTEasy reads a String entity as UTF-8 by default)."""
    await fresh_realm(env, REALM)
    locale, key, text = "en", "Äǜṳǚǘǖ", "Öṏṏ"
    headers = {**await admin_headers(env), "Content-Type": content_type}
    saved = await env.http.put(f"{ADMIN}/localization/{locale}/{quote(key)}", content=text.encode(), headers=headers)
    assert saved.status_code == 204, saved.text
    found = await env.http.get(
        f"{ADMIN}/localization/{locale}",
        params={"useRealmDefaultLocaleFallback": "false"},
        headers=await admin_headers(env),
    )
    assert found.status_code == 200, found.text
    assert found.json().get(key) == text, found.json()
