"""The shared part of the wire ports of Keycloak's RealmLocalizationResourceTest and its older twin
RealmRealmLocalizationResourceTest: each Java method's body, run against realm ``test`` holding en/key-a,
en/key-b and de/key-a (default locale ``en``) as master's admin, and checking that the localization calls record
no admin event (RealmLocalizationResource fires none)."""

from __future__ import annotations

from typing import Any

import httpx

from keycloak_port import admin_headers
from realm_port import admin
from role_port import poll_events
from wire_env import Env

LOCALIZATION = "/test/localization"


async def _call(env: Env, method: str, path: str, body: Any = None, **params: Any) -> httpx.Response:
    return await admin(env, method, LOCALIZATION + path, body, **params)


async def _ok(env: Env, path: str, **params: Any) -> Any:
    response = await _call(env, "GET", path, **params)
    assert response.status_code == 200, response.text
    return response.json()


async def _text(env: Env, locale: str, key: str) -> str:
    """``getRealmLocalizationText``: the text as ``text/plain``."""
    response = await _call(env, "GET", f"/{locale}/{key}")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


async def save(env: Env, locale: str, key: str, text: str) -> None:
    """``saveRealmLocalizationText``: a ``text/plain`` PUT, as the admin client sends it."""
    headers = {**(await admin_headers(env)), "Content-Type": "text/plain"}
    response = await env.http.put(f"/admin/realms{LOCALIZATION}/{locale}/{key}", content=text, headers=headers)
    assert response.status_code == 204, response.text


async def no_admin_events(env: Env) -> None:
    assert await poll_events(env) == []


async def get_realm_specific_locales(env: Env) -> None:
    """getRealmSpecificLocales: the two locales with texts."""
    assert sorted(await _ok(env, "")) == ["de", "en"]


async def get_realm_localization_texts(env: Env) -> None:
    """getRealmLocalizationTexts: the locale's two texts."""
    assert await _ok(env, "/en") == {"key-a": "text-a_en", "key-b": "text-b_en"}


async def get_realm_localization_texts_with_fallback(env: Env) -> None:
    """getRealmLocalizationTextsWithFallback: ``de``'s text over the default locale's (``en``)."""
    found = await _ok(env, "/de", useRealmDefaultLocaleFallback="true")
    assert found == {"key-a": "text-a_de", "key-b": "text-b_en"}


async def get_realm_localizations_not_exists(env: Env) -> None:
    """getRealmLocalizationsNotExists: a locale without texts is an empty map, not a 404."""
    assert await _ok(env, "/zz") == {}


async def get_realm_localization_text(env: Env) -> None:
    """getRealmLocalizationText."""
    assert await _text(env, "en", "key-a") == "text-a_en"


async def get_realm_localization_text_not_exists(env: Env) -> None:
    """getRealmLocalizationTextNotExists: NotFoundException."""
    response = await _call(env, "GET", "/en/key-zz")
    assert response.status_code == 404
    assert response.json() == {"error": "Localization text not found"}


async def add_realm_localization_text(env: Env) -> None:
    """addRealmLocalizationText: a new key is saved and read back."""
    await save(env, "en", "key-c", "text-c")
    assert await _text(env, "en", "key-c") == "text-c"
    await no_admin_events(env)


async def update_realm_localization_text(env: Env) -> None:
    """updateRealmLocalizationText: an existing key gets the new text."""
    await save(env, "en", "key-b", "text-b-new")
    assert await _text(env, "en", "key-b") == "text-b-new"
    await no_admin_events(env)


async def delete_realm_localization_text(env: Env) -> None:
    """deleteRealmLocalizationText: the other key of the locale stays."""
    response = await _call(env, "DELETE", "/en/key-a")
    assert response.status_code == 204, response.text
    assert await _ok(env, "/en") == {"key-b": "text-b_en"}
    await no_admin_events(env)


async def delete_realm_localization_text_not_exists(env: Env) -> None:
    """deleteRealmLocalizationTextNotExists: NotFoundException."""
    response = await _call(env, "DELETE", "/en/zz")
    assert response.status_code == 404
    assert response.json() == {"error": "Localization text not found"}


async def delete_realm_localization_texts(env: Env) -> None:
    """deleteRealmLocalizationTexts: the locale is gone, ``de`` is left."""
    response = await _call(env, "DELETE", "/en")
    assert response.status_code == 204, response.text
    assert await _ok(env, "") == ["de"]
    await no_admin_events(env)


async def create_or_update_realm_localization_when_locale_does_not_yet_exist(env: Env) -> None:
    """createOrUpdateRealmLocalizationWhenLocaleDoesNotYetExist: a new locale holds exactly the posted texts."""
    new = {"key-a": "text-a_es", "key-b": "text-b_es"}
    response = await _call(env, "POST", "/es", new)
    assert response.status_code == 204, response.text
    assert await _ok(env, "/es") == new
    await no_admin_events(env)


async def create_or_update_realm_localization_when_locale_already_exists(env: Env) -> None:
    """createOrUpdateRealmLocalizationWhenLocaleAlreadyExists: the posted texts over the locale's, the others
    kept."""
    new = {"key-b": "text-b_changed_en", "key-c": "text-c_en"}
    response = await _call(env, "POST", "/en", new)
    assert response.status_code == 204, response.text
    assert await _ok(env, "/en") == {"key-a": "text-a_en", **new}
    await no_admin_events(env)
