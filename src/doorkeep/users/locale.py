"""Which language a page speaks: Keycloak 26's DefaultLocaleSelectorProvider and DefaultLocaleUpdaterProvider.

With the realm's internationalization off every page is English. Otherwise the first of these that names a
locale the realm supports wins, in Keycloak's order: the user's pick on a login page (``kc_locale``, kept on
the authentication session), the user's ``locale`` attribute, the client's ``ui_locales``, the
``KEYCLOAK_LOCALE`` cookie, ``Accept-Language``; then the realm's default locale, then English. A candidate
matches a supported locale of the same language when the countries are equal or exactly one of the two has
none (``findBestMatchingLocale``): ``de-CH`` finds ``de``, ``de`` finds ``de-CH``, ``de-CH`` never finds
``de-AT``; an exact country (then variant) beats a bare language.

A pick on a login page is stored on the user once they log in (``updateUsersLocale``, Keycloak's
``update_user_locale`` required action, with an UPDATE_PROFILE event), so the user's later logins use it.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep import events

if TYPE_CHECKING:
    from doorkeep.model import Realm, User
    from doorkeep.store.tx import Tx

COOKIE = "KEYCLOAK_LOCALE"  # CookieType.LOCALE: a session cookie on the realm's path
PARAM = "kc_locale"  # LocaleSelectorProvider.KC_LOCALE_PARAM
# What a language tag can look like (BCP 47: letters and digits in subtags of up to eight, ``-`` or ``_``).
_TAG = re.compile(r"[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8}){0,4}")


def well_formed(value: str | None) -> str | None:
    """``value`` if it is shaped like a language tag, else None. Keycloak keeps any ``kc_locale`` text as the
    user's ``locale`` attribute and cookie; a link could then plant arbitrary text on a user, so Doorkeep
    heeds only what could name a locale (stricter than Keycloak)."""
    return value if value is not None and _TAG.fullmatch(value) else None


ATTRIBUTE = "locale"  # UserModel.LOCALE
ENGLISH = "en"
_ALPHA = re.compile(r"[A-Za-z]+")


@dataclass(frozen=True)
class Asked:
    """What one request says about the language, one field per source, in Keycloak's order of precedence."""

    requested: str | None = None  # kc_locale: the user's pick (auth note locale_user_requested)
    user: str | None = None  # the user's ``locale`` attribute
    ui_locales: str | None = None  # the client's, space-separated (client note locale_client_requested)
    cookie: str | None = None  # KEYCLOAK_LOCALE
    accept_language: str = ""


@dataclass(frozen=True)
class _Tag:
    language: str
    country: str
    variant: str


def _parse(tag: str) -> _Tag | None:
    """The language, country and variant of a BCP 47 tag, as ``Locale.forLanguageTag`` reads them (script
    and extensions play no part in matching); None for a tag whose first subtag is no language."""
    parts = tag.split("-")
    language = parts[0]
    if not (2 <= len(language) <= 8 and _ALPHA.fullmatch(language)):
        return None
    country = variant = ""
    for part in parts[1:]:
        if not country and not variant and len(part) == 4 and _ALPHA.fullmatch(part):
            continue  # a script (zh-Hant)
        if (
            not country
            and not variant
            and ((len(part) == 2 and _ALPHA.fullmatch(part)) or (len(part) == 3 and part.isdigit()))
        ):
            country = part.upper()
        elif not variant and (5 <= len(part) <= 8 or (len(part) == 4 and part[0].isdigit())):
            variant = part
        else:
            break
    return _Tag(language.lower(), country, variant)


def _matches(candidate: _Tag, supported: _Tag) -> bool:
    """``doesLocaleMatch``: same language, and the same country or exactly one of the two without one."""
    if candidate.language != supported.language:
        return False
    return (candidate.country == "") != (supported.country == "") or candidate.country == supported.country


def _better(first: _Tag, second: _Tag, wanted: _Tag) -> bool:
    """``doesFirstLocaleBetterMatchThanSecondLocale``: the wanted country, then the wanted variant."""
    if first.country == wanted.country and second.country != wanted.country:
        return True
    return first.variant == wanted.variant and second.variant != wanted.variant


def best_match(supported: tuple[str, ...], *candidates: str | None) -> str | None:
    """The supported locale the first matching candidate finds (``findBestMatchingLocale``), or None."""
    parsed = [(tag, _parse(tag)) for tag in supported]
    for candidate in candidates:
        wanted = _parse(candidate) if candidate else None
        if wanted is None:
            continue
        found: tuple[str, _Tag] | None = None
        for tag, have in parsed:
            if have is not None and _matches(wanted, have) and (found is None or _better(have, found[1], wanted)):
                found = (tag, have)
        if found is not None:
            return found[0]
    return None


def accepted_languages(header: str) -> list[str]:
    """``HttpHeaders.getAcceptableLanguages``: the header's language ranges, highest quality first (a stable
    sort, so equal weights keep their order), without ``*`` and without those weighted 0."""
    weighted: list[tuple[float, str]] = []
    for item in header.split(","):
        name, _, params = item.strip().partition(";")
        name = name.strip()
        quality = 1.0
        for param in params.split(";"):
            key, _, value = param.strip().partition("=")
            if key.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if name and name != "*" and quality > 0:
            weighted.append((quality, name))
    return [name for _, name in sorted(weighted, key=lambda pair: -pair[0])]


def resolve(realm: Realm, asked: Asked) -> str:
    """``DefaultLocaleSelectorProvider.resolveLocale``: the page's locale (a supported tag, the realm's
    default, or ``en``)."""
    if not realm.internationalization_enabled:
        return ENGLISH
    supported = realm.supported_locales
    sources: list[tuple[str | None, ...]] = [
        (asked.requested,),
        (asked.user,),
        tuple(asked.ui_locales.split(" ")) if asked.ui_locales is not None else (),
        (asked.cookie,),
        *((tag,) for tag in accepted_languages(asked.accept_language)),
    ]
    for candidates in sources:
        found = best_match(supported, *candidates)
        if found is not None:
            return found
    return realm.default_locale or ENGLISH


def of_user(user: User | None) -> str | None:
    """The user's ``locale`` attribute (its first value), if any."""
    if user is None:
        return None
    value = user.attributes.get(ATTRIBUTE)
    if isinstance(value, list):
        return str(value[0]) if value else None
    return str(value) if value is not None else None


async def update_users_locale(
    tx: Tx, realm: Realm, user: User, locale: str, *, now: int, client_id: str | None, ip: str | None
) -> User:
    """``DefaultLocaleUpdaterProvider.updateUsersLocale``: the user's ``locale`` attribute set to the picked
    value (as given: Keycloak stores the raw ``kc_locale``), with an UPDATE_PROFILE event naming the previous
    and the new value; nothing happens when it is already that value."""
    previous = of_user(user)
    if previous == locale:
        return user
    user = dataclasses.replace(user, attributes={**user.attributes, ATTRIBUTE: [locale]})
    await tx.users.update(user)
    await events.record(
        tx,
        realm,
        "UPDATE_PROFILE",
        now=now,
        client_id=client_id,
        user_id=user.id,
        ip=ip,
        details={"previous_locale": previous, "updated_locale": locale},
    )
    return user


def cookie_after_login(requested: str | None, user: User) -> str | None:
    """``UpdateUserLocaleAction.evaluateTriggers``: after a login the cookie holds the user's pick, else the
    user's stored locale; None means the cookie is expired (the last user to log in here had none)."""
    return requested if requested is not None else of_user(user)
