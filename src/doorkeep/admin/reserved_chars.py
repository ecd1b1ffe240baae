"""Keycloak's ReservedCharValidator.validate: the RFC 3986 reserved characters (section 2.2) and the backslash,
refused in a name that ends up in a URL path (an identity provider's alias, a client's cluster node)."""

from __future__ import annotations

import re

from doorkeep.errors import AdminError

# ReservedCharValidator.RESERVED_CHARS_PATTERN: the ANSI control characters, RFC 3986's reserved ones, the backslash
_RESERVED_CLASS = r"\x00-\x1f:/?#@!$&()*+,;=\[\]\\"
RESERVED = re.compile(f"[{_RESERVED_CLASS}]")
# RESERVED_CHARS_LOCALES_PATTERN (KEYCLOAK-14231): the same and ``{``, ``}``, ``%``, for a realm's supported locales
LOCALES = re.compile(f"[{_RESERVED_CLASS}{{}}%]")


def _message(found: re.Match[str]) -> str:
    """validate's message: a control character as ``0x`` and its hex code, any other quoted."""
    char = found.group()
    shown = f"0x{ord(char):x}" if ord(char) < 32 else f"'{char}'"
    return f"Character {shown} not allowed."


def reserved_message(value: str) -> str | None:
    """ReservedCharException's message for the first reserved character of ``value``; None when it has none."""
    found = RESERVED.search(value)
    return None if found is None else _message(found)


def locale_message(locales: object) -> str | None:
    """ReservedCharValidator.validateLocales: the message for the first locale holding a reserved character (the
    first such character in it); None when none does or ``locales`` is not a list."""
    for locale in locales if isinstance(locales, list) else ():
        if isinstance(locale, str) and (found := LOCALES.search(locale)) is not None:
            return _message(found)
    return None


def refuse_reserved(value: str) -> None:
    """The ReservedCharException (a BadRequestException: 400 with its message as ``error``)."""
    if (message := reserved_message(value)) is not None:
        raise AdminError(400, message, key="error")
