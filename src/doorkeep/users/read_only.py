"""Attributes no user (or no admin) may change: Keycloak 26's read-only attribute patterns.

DeclarativeUserProfileProviderFactory gives every user profile context a ``kc.read.only`` validator
(ReadOnlyAttributeUnchangedValidator) built from attribute-name patterns:

* the user's contexts (ACCOUNT: the Account API and console; UPDATE_PROFILE: the login's update-profile page;
  REGISTRATION): the built-in ``DEFAULT_READ_ONLY_ATTRIBUTES`` plus the server's
  ``--spi-user-profile-declarative-user-profile-read-only-attributes``;
* the admin API (USER_API): the built-in ``DEFAULT_ADMIN_READ_ONLY_ATTRIBUTES`` plus
  ``--spi-user-profile-declarative-user-profile-admin-read-only-attributes``.

A pattern is an attribute name, or a prefix followed by ``*``; the rest is literal (``Pattern.quote``: a ``*``
inside the name, ``/`` or ``.`` match only themselves) and the match ignores ASCII case (Java's ``(?i:…)``),
so ``uSErCertificate`` is ``userCertificate``. ``^`` and ``$`` are Java's: ``$`` also matches before one
final line terminator, and the ``.*`` of a prefix does not cross one.

An attribute a pattern names is refused (``updateReadOnlyAttributesRejectedMessage``) when the request changes
it: Keycloak compares the first values (a user without the attribute may send it blank). Doorkeep also
refuses a change to any later value, where Keycloak lets ``["mine", "added"]`` through; a read-only attribute
is then exactly as the user had it, whatever the request held (``pinned``). The server's patterns reach the
flows as ``Services.read_only``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

REJECTED = "updateReadOnlyAttributesRejectedMessage"  # ReadOnlyAttributeUnchangedValidator's message
DEFAULT_READ_ONLY = (
    "KERBEROS_PRINCIPAL",
    "LDAP_ID",
    "LDAP_ENTRY_DN",
    "CREATED_TIMESTAMP",
    "createTimestamp",
    "modifyTimestamp",
    "userCertificate",
    "saml.persistent.name.id.for.*",
    "ENABLED",
    "EMAIL_VERIFIED",
    "disabledReason",
)
DEFAULT_ADMIN_READ_ONLY = (
    "KERBEROS_PRINCIPAL",
    "LDAP_ID",
    "LDAP_ENTRY_DN",
    "CREATED_TIMESTAMP",
    "createTimestamp",
    "modifyTimestamp",
)
_TERMINATORS = "\n\r\u0085\u2028\u2029"  # Java's line terminators (no UNIX_LINES)
_END = rf"(?:\r\n|[{_TERMINATORS}])?\Z"  # Java's $ without MULTILINE


def _regex(names: Iterable[str]) -> re.Pattern[str]:
    """DeclarativeUserProfileProviderFactory.getRegexPatternString, in Python's syntax."""
    parts = []
    for name in names:
        if name.endswith("*"):
            parts.append(rf"\A{re.escape(name[:-1])}[^{_TERMINATORS}]*{_END}")
        else:
            parts.append(rf"\A{re.escape(name)}{_END}")
    return re.compile("|".join(parts), re.IGNORECASE | re.ASCII)


@dataclass(frozen=True)
class Names:
    """The attribute names one context may not change."""

    pattern: re.Pattern[str]

    def match(self, name: str) -> bool:
        return self.pattern.search(name) is not None


@dataclass(frozen=True)
class ReadOnlyAttributes:
    """The server's patterns: the user's contexts' and the admin API's."""

    user: Names
    admin: Names


def configured(read_only: Sequence[str] = (), admin_read_only: Sequence[str] = ()) -> ReadOnlyAttributes:
    """The built-in patterns plus the server's options (each already split on commas)."""
    return ReadOnlyAttributes(
        user=Names(_regex([*DEFAULT_READ_ONLY, *read_only])),
        admin=Names(_regex([*DEFAULT_ADMIN_READ_ONLY, *admin_read_only])),
    )


BUILT_IN = configured()


def _values(value: Any) -> list[str]:
    if isinstance(value, list):
        return [v if isinstance(v, str) else str(v) for v in value if v is not None]
    return [] if value is None else [value if isinstance(value, str) else str(value)]


def unchanged(existing: Sequence[str], given: Sequence[str]) -> bool:
    """ReadOnlyAttributeUnchangedValidator.isUnchanged on the first values (no value before: a blank one is no
    change), and Doorkeep's stricter rule that the non-blank values stay the user's, in order."""
    first, sent = (existing[0] if existing else None), (given[0] if given else None)
    if first is None:
        return sent is None or not sent.strip()
    return first == sent and [v for v in given if v.strip()] == [v for v in existing if v.strip()]


def refused(names: Names, given: Mapping[str, Any], current: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The ``kc.read.only`` errors of the attributes ``given`` (name → the values the profile holds): one per
    attribute a pattern names whose value differs from the user's (``current``; None for a new user)."""
    mine = current or {}
    return [
        {"field": name, "errorMessage": REJECTED, "params": [name]}
        for name, values in given.items()
        if names.match(name) and not unchanged(_values(mine.get(name)), _values(values))
    ]


def held(
    names: Names, sent: Mapping[str, Any] | None, current: Mapping[str, Any] | None, *, unmanaged: bool
) -> dict[str, Any]:
    """The attributes of a request outside the declared ones that the profile holds, so validates
    (DefaultAttributes.normalizeAttributes): every one where the context takes unmanaged attributes
    (``unmanaged``), else only those a pattern names that the user already has (``isReadOnlyInternalAttribute``);
    the others are dropped unseen."""
    mine = current or {}
    return {k: v for k, v in (sent or {}).items() if unmanaged or (names.match(k) and _values(mine.get(k)))}


def pinned(names: Names, attributes: Mapping[str, Any], current: Mapping[str, Any] | None) -> dict[str, Any]:
    """``attributes`` (what an update would store) with every attribute a pattern names as the user has it:
    kept when the request left it out (DefaultUserProfile never removes a read-only attribute), never added."""
    mine = current or {}
    out = {k: v for k, v in attributes.items() if not names.match(k)}
    out.update({k: v for k, v in mine.items() if names.match(k)})
    return out
