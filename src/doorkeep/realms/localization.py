"""A realm's own localization texts (Keycloak's realm localization overrides), kept in the realm's config.

Keycloak keeps one map of texts per locale (REALM_LOCALIZATIONS, RealmModel.getRealmLocalizationTexts): the
admin API lists the locales that have a map, saves, merges and deletes texts, and a realm imported with
``localizationTexts`` starts with them. A locale whose last text is deleted keeps its (empty) map, as the JPA
store's ``deleteLocalizationText`` leaves the row; only deleting the locale removes it. These functions answer
the realm as changed, or None where Keycloak answers "not found", and never touch storage.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from doorkeep.model import Realm

Texts = dict[str, str]


def locales(realm: Realm) -> list[str]:
    """getRealmLocalizationLocales: the locales with a map of texts, sorted."""
    return sorted(realm.localization_texts)


def texts(realm: Realm, locale: str, *, default_locale_fallback: bool = False) -> Texts:
    """getRealmLocalizationTextsByLocale; with the (deprecated) fallback, the realm's default locale's texts
    under the locale's own."""
    own = dict(realm.localization_texts.get(locale, {}))
    if default_locale_fallback and realm.default_locale and realm.default_locale.strip():
        return {**realm.localization_texts.get(realm.default_locale, {}), **own}
    return own


def chain(tag: str) -> list[str]:
    """The locale and its parents, most specific first (LocaleUtil.getParentLocale): ``de-CH``, ``de``, ``en``;
    written as Locale.toLanguageTag writes them (language lower case, region upper case)."""
    parts = tag.replace("_", "-").split("-")
    parts[0] = parts[0].lower()
    if len(parts) > 1 and len(parts[1]) == 2:
        parts[1] = parts[1].upper()
    found = ["-".join(parts[:n]) for n in range(min(len(parts), 2), 0, -1)]
    if found[-1] != "en":
        found.append("en")
    return list(dict.fromkeys(found))


def overrides(realm: Realm, tag: str, theme: Mapping[str, Mapping[str, str]]) -> dict[str, str]:
    """The realm's texts that win over the ``theme``'s catalogs (by locale) for a page in ``tag``
    (LocaleUtil.mergeGroupedMessages): along the chain from English up, a step's theme texts replace the
    realm's of the steps below, then the step's realm texts replace everything."""
    out: dict[str, str] = {}
    for step in reversed(chain(tag)):
        for key in theme.get(step, {}):
            out.pop(key, None)
        out.update(realm.localization_texts.get(step, {}))
    return out


def text(realm: Realm, locale: str, key: str) -> str | None:
    """getLocalizationTextsById: one text, None if the locale or the key has none."""
    return realm.localization_texts.get(locale, {}).get(key)


def _with(realm: Realm, locale: str, merged: Texts | None) -> Realm:
    everything = {k: dict(v) for k, v in realm.localization_texts.items()}
    if merged is None:
        everything.pop(locale, None)
    else:
        everything[locale] = merged
    return dataclasses.replace(realm, localization_texts=everything)


def saved(realm: Realm, locale: str, key: str, value: str) -> Realm:
    """saveLocalizationText: ``key`` set to ``value`` in ``locale``, the locale created if need be."""
    return _with(realm, locale, {**realm.localization_texts.get(locale, {}), key: value})


def merged(realm: Realm, locale: str, new: Mapping[str, str]) -> Realm:
    """createOrUpdateRealmLocalizationTexts: ``new`` over the locale's texts; the others are kept."""
    return _with(realm, locale, {**realm.localization_texts.get(locale, {}), **new})


def without_locale(realm: Realm, locale: str) -> Realm | None:
    """removeRealmLocalizationTexts: the locale and all its texts gone; None if it had none."""
    if locale not in realm.localization_texts:
        return None
    return _with(realm, locale, None)


def without_text(realm: Realm, locale: str, key: str) -> Realm | None:
    """deleteLocalizationText: one text gone, its locale kept; None if there was no such text."""
    current = realm.localization_texts.get(locale, {})
    if key not in current:
        return None
    return _with(realm, locale, {k: v for k, v in current.items() if k != key})
