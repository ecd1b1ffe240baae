"""The Account Console's language, as Keycloak 26's AccountConsole picks it: ``resolveLocale(user)``
(``users.locale.resolve``) with no login under way, so the user's ``locale`` attribute, then the
``KEYCLOAK_LOCALE`` cookie, then ``Accept-Language``, each only when the realm supports it; then the realm's
default locale, then English. With internationalization off every page is English. A pick on the console's
own login (``kc_locale``, ``ui_locales``) reaches the console through the attribute and the cookie the login
writes; the console's sign-in passes them on to that login.

The locale field of Personal info (account-ui's LocaleSelector, "Select a locale") offers the realm's
supported locales while internationalization is on.
"""

from __future__ import annotations

from dataclasses import dataclass

from doorkeep.console.i18n import label
from doorkeep.console.messages.account import CATALOGS, EN
from doorkeep.model import Realm, User
from doorkeep.users import locale


@dataclass(frozen=True)
class Speech:
    """The texts of one locale: its own catalog, else its language's (``de-CH`` → ``de``), else English."""

    tag: str = "en"

    def t(self, key: str, *args: object) -> str:
        messages = CATALOGS.get(self.tag) or CATALOGS.get(self.tag.split("-")[0].lower()) or EN
        text = messages.get(key) or EN.get(key, key)
        for index, arg in enumerate(args):
            text = text.replace(f"{{{index}}}", str(arg))
        return text


ENGLISH = Speech()


def speech(realm: Realm, user: User | None, cookie: str | None, accept_language: str) -> Speech:
    """The console's language for this user and request."""
    return speech_of(realm, locale.of_user(user), cookie, accept_language)


def speech_of(realm: Realm, user_locale: str | None, cookie: str | None, accept_language: str) -> Speech:
    """The console's language for a user whose ``locale`` attribute is ``user_locale`` (say, just saved)."""
    asked = locale.Asked(user=user_locale, cookie=cookie, accept_language=accept_language)
    return Speech(locale.resolve(realm, asked))


def with_locale(shown: dict[str, list[str]], value: str) -> dict[str, list[str]]:
    """The ``attributes`` an Account REST update sends to save the locale field, as the account UI sends its
    whole representation: the attributes the user's profile shows, ``locale`` set to ``value`` (none: removed)."""
    attributes = {k: v for k, v in shown.items() if k != locale.ATTRIBUTE}
    if value:
        attributes[locale.ATTRIBUTE] = [value]
    return attributes


def choices(realm: Realm) -> list[tuple[str, str]]:
    """The locale field's options, ``(tag, name in its own language)``; none with internationalization off."""
    if not realm.internationalization_enabled:
        return []
    return [(tag, label(tag)) for tag in realm.supported_locales]


def offered(realm: Realm, value: str) -> bool:
    """Whether the locale field may be saved with ``value``: empty (no preference) or one of its options."""
    return value == "" or value in dict(choices(realm))
