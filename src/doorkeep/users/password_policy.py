"""A realm's password policy: Keycloak 26's policy string and the checks it names.

The string is Keycloak's (``PasswordPolicy.Builder``): policies joined by `` and ``, each an id with an
optional ``(config)``, e.g. ``length(8) and digits(1) and notUsername(undefined)``. Parsing refuses an
unknown id (``Password policy not found``) or a bad config (``Invalid config for length: Not a valid
number``), and writes the string back as Keycloak's ``asString`` does (one entry per id, the last config
winning; an empty config dropped; nothing left is no policy at all).

``notUsername`` and ``notContainsUsername`` ignore case, as Keycloak's providers do (``equalsIgnoreCase``,
``toLowerCase().contains``); ``notEmail`` too.

A password is checked by the policies in the order Keycloak's ``DefaultPasswordPolicyManagerProvider`` meets
them (the key order of a Java ``HashMap``), and the first failure is reported with its message key and
the English text of Keycloak's admin messages. ``passwordHistory(N)`` refuses the user's current password
(whatever N but -1) and its N-1 predecessors, which every password update keeps while N is above 1
(HistoryPasswordPolicyProvider, PasswordCredentialProvider). ``passwordAge(D)`` ("Not Recently Used (In Days)",
AgePasswordPolicyProvider) refuses the current password (whatever D but -1) and, D above 0, every previous one
created in the last D days, with the generic message; a password update keeps those too (``retention``: with
both policies a hash stays while either keeps it). ``hashAlgorithm(id)`` names the PasswordHashProvider that
hashes new passwords (users/passwords.py; without it the default, argon2) and ``hashIterations(N)`` its iterations
(-1 without it: the provider's default); a login re-hashes a password they no longer describe. Keycloak 24+'s
HashAlgorithmPasswordPolicyProviderFactory refuses ``hashAlgorithm`` without an id ("Password hashing provider id
must be set") and an id no provider has ("Password hashing provider not found"). ``hashIterations`` below 1 (but
-1) is refused here, where Keycloak takes it and then fails every password it hashes (PBEKeySpec's "invalid
iterationCount value"); ``forceExpiredPasswordChange`` checks no password but expires one, as UpdatePassword's trigger
(oauth/required_actions.py; the password grant runs it).

``regexPattern`` runs on the ``regex`` engine with a time limit: the pattern is a realm administrator's and the
password anyone's, and a backtracking pattern (``(a|aa)+b``) on Python's ``re`` would hold the interpreter for
hours, for every realm. A match that runs out of time refuses the password (the policy could not show it
matches), where Keycloak's thread would run on. A pattern whose nested counted repeats the engine would unroll
for hours (``(?:x{65535}){65535}``) is not a valid regular expression (``users.admin_regex``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import regex

from doorkeep import features, java_order
from doorkeep.model import PasswordRetention
from doorkeep.users import admin_regex, password_denylist, passwords

_log = logging.getLogger(__name__)

DEFAULT_COUNT = {"length": 8, "maxLength": 64, "digits": 1, "lowerCase": 1, "upperCase": 1, "specialChars": 1}
# Seconds one regexPattern match may take; ordinary patterns take microseconds.
REGEX_TIMEOUT = 0.1
# PasswordCredentialModel.PASSWORD_HISTORY: the type of a previous password in Keycloak's realm files.
HISTORY_TYPE = "password-history"
# themes/.../base/admin/messages/messages_en.properties; a key it lacks is answered as itself, as Keycloak's
# ``messages.getProperty(key, key)`` does.
MESSAGES = {
    "invalidPasswordMinLengthMessage": "Invalid password: minimum length {0}.",
    "invalidPasswordMinLowerCaseCharsMessage": "Invalid password: must contain at least {0} lower case characters.",
    "invalidPasswordMinDigitsMessage": "Invalid password: must contain at least {0} numerical digits.",
    "invalidPasswordMinUpperCaseCharsMessage": "Invalid password: must contain at least {0} upper case characters.",
    "invalidPasswordMinSpecialCharsMessage": "Invalid password: must contain at least {0} special characters.",
    "invalidPasswordNotUsernameMessage": "Invalid password: must not be equal to the username.",
    "invalidPasswordNotContainsUsernameMessage": "Invalid password: Can not contain the username.",
    "invalidPasswordNotEmailMessage": "Invalid password: must not be equal to the email.",
    "invalidPasswordRegexPatternMessage": "Invalid password: fails to match regex pattern(s).",
    "invalidPasswordHistoryMessage": "Invalid password: must not be equal to any of last {0} passwords.",
    "invalidPasswordGenericMessage": "Invalid password: new password doesn't match password policies.",
    password_denylist.MESSAGE_KEY: "Invalid password: password is blacklisted.",
}
MS_PER_DAY = 24 * 60 * 60 * 1000


class PolicyConfigError(ValueError):
    """The policy string names an unknown policy or gives one a bad config; the text is Keycloak's."""


@dataclass(frozen=True)
class PolicyViolation(Exception):
    """A password the policy refuses: Keycloak's message key and its English text."""

    key: str
    text: str


@dataclass(frozen=True)
class Candidate:
    """What the policies look at: the new password and the user it is for. ``reused`` tells whether it is the
    user's current password or one of the previous ones ``passwordHistory`` counts, ``recently_used`` the same
    for ``passwordAge`` (each asked only when its policy is set: each costs a hash)."""

    password: str
    username: str | None
    email: str | None
    reused: bool = False
    recently_used: bool = False


@dataclass(frozen=True)
class PasswordPolicy:
    """A parsed policy string: each id with its raw config (as written) and its parsed value."""

    raw: tuple[tuple[str, str | None], ...]
    parsed: dict[str, Any]

    def as_string(self) -> str | None:
        """Keycloak's ``Builder.asString``: what the realm stores and GET shows."""
        if not self.raw:
            return None
        return " and ".join(key if not config or not config.strip() else f"{key}({config})" for key, config in self.raw)

    @property
    def history(self) -> int:
        """``passwordHistory``'s N, or -1 without the policy (``PasswordPolicy.getExpiredPasswords``)."""
        value = self.parsed.get("passwordHistory", -1)
        return value if isinstance(value, int) else -1

    @property
    def age(self) -> int:
        """``passwordAge``'s days, or -1 without the policy (``PasswordPolicy.getPasswordAgeInDays``)."""
        value = self.parsed.get("passwordAge", -1)
        return value if isinstance(value, int) else -1

    @property
    def max_auth_age(self) -> int:
        """``maxAuthAge``'s seconds, or -1 without it (``PasswordPolicy.getMaxAuthAge``): UpdatePassword's max
        auth age for a client-initiated password change (oauth/required_actions.py)."""
        value = self.parsed.get("maxAuthAge", -1)
        return value if isinstance(value, int) else -1

    @property
    def hash_algorithm(self) -> str | None:
        """``hashAlgorithm``'s provider id, or None: the default provider (``PasswordPolicy.getHashAlgorithm``)."""
        value = self.parsed.get("hashAlgorithm")
        return value if isinstance(value, str) else None

    @property
    def hash_iterations(self) -> int:
        """``hashIterations``' N, or -1: the provider's default (``PasswordPolicy.getHashIterations``)."""
        value = self.parsed.get("hashIterations", -1)
        return value if isinstance(value, int) else -1

    def hash(self, password: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """The new credential's (secret_data, credential_data), as the policy's provider hashes ``password``
        (PasswordCredentialProvider.createCredential). CPU-bound: run it in a worker thread."""
        return passwords.hash_password(password, algorithm=self.hash_algorithm, iterations=self.hash_iterations)

    def up_to_date(self, secret_data: Any, credential_data: Any) -> bool:
        """The policy's provider's ``policyCheck``: False when a login should hash the password again."""
        return passwords.up_to_date(self.hash_algorithm, self.hash_iterations, secret_data, credential_data)

    def retention(self, now: int) -> PasswordRetention:
        """What a password update at ``now`` (s) keeps of the previous hashes: the newest N-1 (none below 2,
        ``passwordHistoryListMaxSize``) and, ``passwordAge(D)`` above 0, those created in the last D days."""
        days = max(0, self.age)
        return PasswordRetention(max(0, self.history - 1), now * 1000 - days * MS_PER_DAY if days > 0 else None)


def _int(value: str | None, default: int) -> int:
    """``PasswordPolicyProvider.parseInteger``: Java's ``Integer.parseInt``, no blanks allowed."""
    if value is None:
        return default
    if re.fullmatch(r"[+-]?[0-9]+", value) is None or not -(2**31) <= int(value) < 2**31:
        raise PolicyConfigError("Not a valid number")
    return int(value)


def _regex(value: str | None) -> regex.Pattern[str]:
    if value is None:
        raise PolicyConfigError("Config required")
    if not value.strip():
        raise PolicyConfigError("White space not acepted")  # sic, Keycloak's text
    try:
        return admin_regex.compiled(value)
    except admin_regex.UnsafePattern:  # invalid, or nested counted repeats the engine would unroll for hours
        raise PolicyConfigError("Not a valid regular expression") from None


def _hash_algorithm(value: str | None) -> str:
    """HashAlgorithmPasswordPolicyProviderFactory.parseConfig: a PasswordHashProvider's id."""
    if value is None:
        raise PolicyConfigError("Password hashing provider id must be set")
    if value not in passwords.ALGORITHMS:
        raise PolicyConfigError("Password hashing provider not found")
    return value


def _hash_iterations(value: str | None) -> int:
    """HashIterationsPasswordPolicyProviderFactory: -1 (the provider's default) without a config."""
    iterations = _int(value, -1)
    if iterations < 1 and iterations != -1:  # Keycloak would fail at every password it then hashes
        raise PolicyConfigError("Not a valid number of iterations")
    return iterations


def _count(default: int) -> Callable[[str | None], Any]:
    return lambda value: _int(value, default)


def _denylist(value: str | None) -> password_denylist.Listed | None:
    """DenylistPasswordPolicyProvider.parseConfig: the denylist file's name (users/password_denylist.py)."""
    try:
        return password_denylist.parse(value)
    except password_denylist.DenylistNameError as problem:
        raise PolicyConfigError(str(problem)) from None


UNENFORCED = ("recoveryCodesWarningThreshold",)

PARSERS: dict[str, Callable[[str | None], Any]] = {
    **{key: _count(default) for key, default in DEFAULT_COUNT.items()},
    "notUsername": lambda value: None,
    "notContainsUsername": lambda value: None,
    "notEmail": lambda value: None,
    "regexPattern": _regex,
    "passwordHistory": _count(3),
    "passwordAge": _count(30),  # AgePasswordPolicyProviderFactory.DEFAULT_AGE_DAYS
    "forceExpiredPasswordChange": _count(365),
    "hashIterations": _hash_iterations,
    "maxAuthAge": _count(-1),  # MaxAuthAgePasswordPolicyProviderFactory.parseConfig: parseInteger(value, -1)
    "hashAlgorithm": _hash_algorithm,
    "passwordBlacklist": _denylist,
    # Keycloak 26 policies Doorkeep accepts and keeps but does not enforce (docs/admin-api.md): refusing them
    # would make a realm exported from Keycloak impossible to import.
    **{key: (lambda value: value) for key in UNENFORCED},
}


def _entries(policy_string: str | None) -> dict[str, str | None]:
    entries: dict[str, str | None] = {}
    if policy_string is not None and policy_string.strip():
        parts = policy_string.split(" and ")
        while parts and parts[-1] == "":  # Java's String.split drops trailing empty strings
            parts.pop()
        for part in parts:
            part = part.strip()
            i = part.find("(")
            key, config = (part, None) if i == -1 else (part[:i].strip(), part[i + 1 : len(part) - 1])
            entries[key] = config
    return entries


def unavailable(disabled: frozenset[str]) -> frozenset[str]:
    """The policy ids whose provider factory the disabled features leave unsupported: the recovery codes' warning
    threshold without ``recovery-codes`` (RecoveryCodesWarningThresholdPasswordPolicyProviderFactory is an
    EnvironmentDependentProviderFactory)."""
    return frozenset(UNENFORCED) if features.RECOVERY_CODES in disabled else frozenset()


def _parse_entry(key: str, config: str | None, unsupported: frozenset[str] = frozenset()) -> Any:
    parser = PARSERS.get(key)
    if parser is None or key in unsupported:
        raise PolicyConfigError("Password policy not found")
    try:
        return parser(config)
    except PolicyConfigError as problem:
        raise PolicyConfigError(f"Invalid config for {key}: {problem}") from None


def parse(policy_string: str | None, disabled: frozenset[str] = frozenset()) -> PasswordPolicy:
    """Keycloak's ``PasswordPolicy.parse``; raises ``PolicyConfigError`` with its message. ``disabled``: the
    server's disabled features, whose policies are not found (``unavailable``)."""
    entries, unsupported = _entries(policy_string), unavailable(disabled)
    parsed = {key: _parse_entry(key, config, unsupported) for key, config in entries.items()}
    return PasswordPolicy(tuple(entries.items()), parsed)


def stored(policy_string: str | None) -> PasswordPolicy:
    """A realm's stored policy, which ``parse`` accepted when it was set. An entry an earlier Doorkeep accepted and
    this one refuses (a bare ``hashAlgorithm``, ``hashIterations(0)``) is left out, with a warning, rather than
    failing every login and password change of the realm."""
    try:
        return parse(policy_string)
    except PolicyConfigError:
        pass
    raw: list[tuple[str, str | None]] = []
    parsed: dict[str, Any] = {}
    for key, config in _entries(policy_string).items():
        try:
            parsed[key] = _parse_entry(key, config)
        except PolicyConfigError as problem:
            _log.warning("stored password policy entry %r ignored: %s", key, problem)
            continue
        raw.append((key, config))
    return PasswordPolicy(tuple(raw), parsed)


def check(policy: PasswordPolicy, candidate: Candidate) -> None:
    """Raise ``PolicyViolation`` for the first policy ``candidate`` fails, in Keycloak's order."""
    for key in java_order.hash_order(policy.parsed):  # a HashMap of the parsed policies
        failure = _failure(key, policy.parsed[key], candidate)
        if failure is not None:
            message_key, param = failure
            template = MESSAGES.get(message_key, message_key)
            raise PolicyViolation(message_key, template.replace("{0}", _java_format(param)))


def _failure(key: str, config: Any, c: Candidate) -> tuple[str, Any] | None:
    """The message key and parameter of ``key``'s PolicyError, or None if ``c`` passes it."""
    chars = _utf16_units(c.password)
    counts: dict[str, tuple[Callable[[str], bool], str]] = {
        "digits": (str.isdecimal, "invalidPasswordMinDigitsMessage"),
        "lowerCase": (str.islower, "invalidPasswordMinLowerCaseCharsMessage"),
        "upperCase": (str.isupper, "invalidPasswordMinUpperCaseCharsMessage"),
        "specialChars": (lambda ch: not (ch.isalpha() or ch.isdecimal()), "invalidPasswordMinSpecialCharsMessage"),
    }
    if key == "length":
        return ("invalidPasswordMinLengthMessage", config) if len(chars) < config else None
    if key == "maxLength":
        return ("invalidPasswordMaxLengthMessage", config) if len(chars) > config else None
    if key in counts:
        test, message = counts[key]
        return (message, config) if sum(1 for ch in chars if test(ch)) < config else None
    # NotUsername / NotContainsUsernamePasswordPolicyProvider: both ignore case (equalsIgnoreCase, and
    # toLowerCase().contains), as RegisterTest's registerUserNot(Contains)UsernamePasswordPolicy show.
    if key == "notUsername":
        same = c.username is not None and c.username.lower() == c.password.lower()
        return ("invalidPasswordNotUsernameMessage", None) if same else None
    if key == "notContainsUsername":
        inside = c.username is not None and c.username.lower() in c.password.lower()
        return ("invalidPasswordNotContainsUsernameMessage", None) if inside else None
    if key == "notEmail":
        same = c.email is not None and c.email.casefold() == c.password.casefold()
        return ("invalidPasswordNotEmailMessage", None) if same else None
    if key == "regexPattern":
        return None if _matches(config, c.password) else ("invalidPasswordRegexPatternMessage", config.pattern)
    if key == "passwordHistory":
        return ("invalidPasswordHistoryMessage", config) if config != -1 and c.reused else None
    if key == "passwordAge":
        return ("invalidPasswordGenericMessage", config) if config != -1 and c.recently_used else None
    if key == "passwordBlacklist" and isinstance(config, password_denylist.Listed):
        return (password_denylist.MESSAGE_KEY, None) if password_denylist.refuses(config, c.password) else None
    return None  # hashAlgorithm, hashIterations, forceExpiredPasswordChange, maxAuthAge, UNENFORCED: no check


def _matches(pattern: regex.Pattern[str], password: str) -> bool:
    try:
        return pattern.fullmatch(password, timeout=REGEX_TIMEOUT) is not None
    except TimeoutError:
        _log.warning("regexPattern password policy %r ran past %s s; password refused", pattern.pattern, REGEX_TIMEOUT)
        return False


def _utf16_units(text: str) -> list[str]:
    """The password as Java's ``char``s: a character outside the BMP is two (surrogates, neither a letter nor
    a digit), as ``String.length`` and ``toCharArray`` count them."""
    units: list[str] = []
    for ch in text:
        units.extend((ch,) if ord(ch) < 0x10000 else ("\ud800", "\udc00"))
    return units


def _java_format(param: Any) -> str:
    """``MessageFormat``'s rendering of a parameter: integers with grouping commas."""
    if param is None:
        return "{0}"
    return f"{param:,}" if isinstance(param, int) else str(param)
