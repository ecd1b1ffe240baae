"""The login pages' language: message catalogs by key, and the locale dropdown (Keycloak's LocaleBean).

A plain dictionary per language, keyed as Keycloak's ``messages_xx.properties``, rather than gettext catalogs:
the keys are Keycloak's, so each text can be checked against Keycloak's own file line by line, and there is
no compile step and no new dependency. ``text(key, *args)`` fills ``{0}``, ``{1}``... as MessageFormat does.

The core hands pages English texts (error messages are constants that tests compare); ``translate`` finds
the key of such a text in the English catalog (parameters included: "Invalid parameter: redirect_uri") and
renders it in the page's language. A text no catalog knows is shown as it is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from doorkeep.console.messages import de, en

CATALOGS = MappingProxyType({"en": en.MESSAGES, "de": de.MESSAGES})
# LocaleBean's label: the locale's name in its own language (Locale.getDisplayName(locale), capitalised).
LABELS = MappingProxyType({"en": "English", "de": "Deutsch", "fr": "Français", "es": "Español", "ja": "日本語"})
_PARAM = re.compile(r"\\\{(\d)\\\}")


def _parameters(escaped: str) -> str:
    """``{n}`` as a named group, and a parameter used twice ("trust {0} … how {0} will") as a backreference."""
    seen: set[str] = set()

    def group(found: re.Match[str]) -> str:
        index = found.group(1)
        if index in seen:
            return f"(?P=p{index})"
        seen.add(index)
        return f"(?P<p{index}>.+?)"

    return _PARAM.sub(group, escaped)


def _patterns() -> tuple[dict[str, str], list[tuple[re.Pattern[str], str]]]:
    """English text to key: exact texts, and a pattern per text with parameters."""
    exact: dict[str, str] = {}
    patterns: list[tuple[re.Pattern[str], str]] = []
    for text, key in [*((v, k) for k, v in en.MESSAGES.items()), *en.ALIASES.items()]:
        if "{0}" in text:
            patterns.append((re.compile(_parameters(re.escape(text)) + r"\Z", re.S), key))
        else:
            exact.setdefault(text, key)
    return exact, patterns


_EXACT, _TEMPLATES = _patterns()


def catalog(tag: str) -> dict[str, str]:
    """The catalog for a locale: its own, else its language's (``de-CH`` → ``de``), else English."""
    return CATALOGS.get(tag) or CATALOGS.get(tag.split("-")[0].lower()) or CATALOGS["en"]


def label(tag: str) -> str:
    return LABELS.get(tag) or LABELS.get(tag.split("-")[0].lower()) or tag


@dataclass(frozen=True)
class Choice:
    """One entry of the locale dropdown: a language's name and the link that switches to it."""

    label: str
    url: str


@dataclass(frozen=True)
class Language:
    """A page's language (``<html lang>``) and the dropdown offered on it (empty: no dropdown)."""

    tag: str = "en"
    choices: tuple[Choice, ...] = ()
    resources: str = "/resources/console"  # where the page's stylesheet is, under --http-relative-path
    # The realm's own localization texts that win over the catalogs for this tag (realms/localization.overrides).
    overrides: Mapping[str, str] = field(default_factory=dict, compare=False)

    @property
    def label(self) -> str:
        return label(self.tag)

    def text(self, key: str, *args: object) -> str:
        """The message ``key`` in this language (English where the language lacks it), parameters filled."""
        message = self.overrides.get(key) or catalog(self.tag).get(key) or en.MESSAGES.get(key, key)
        for index, arg in enumerate(args):
            message = message.replace(f"{{{index}}}", str(arg))
        return message

    def has(self, key: str) -> bool:
        """Whether ``key`` is a message of this language (or of English, its fallback)."""
        return key in self.overrides or key in catalog(self.tag) or key in en.MESSAGES

    def translate(self, english: str | None) -> str:
        """An English text the core produced, in this language (unchanged when no catalog knows it). A text that
        is itself a message key (an admin's configured message, Deny Access's ``denyErrorMessage``) is that key's
        text, as FreeMarkerLoginFormsProvider.formatMessage looks every message up in the bundle first."""
        if english and (english in self.overrides or english in en.MESSAGES):
            return self.text(english)
        messages = catalog(self.tag)
        if not english or (messages is en.MESSAGES and not self.overrides):  # English pages show the core's text
            return english or ""
        # An English page translates only into the realm's own texts; others into their catalog too.
        known = self.overrides if messages is en.MESSAGES else {**messages, **self.overrides}
        key = _EXACT.get(english)
        if key is not None:
            return self.text(key) if key in known else english
        for pattern, template_key in _TEMPLATES:
            found = pattern.match(english)
            if found is not None and template_key in known:
                groups = found.groupdict()
                return self.text(template_key, *(groups[f"p{i}"] for i in range(len(groups))))
        return english

    def display(self, text: str | None) -> str:
        """A ``${key}`` display text (a client or consent-scope name) in this language; others unchanged."""
        if not text:
            return ""
        if text.startswith("${") and text.endswith("}"):
            return self.text(text[2:-1])
        return text


ENGLISH = Language()
