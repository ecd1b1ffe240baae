"""Keycloak 26's attribute validators, as a user profile configuration names them in ``validations``.

``length``, ``pattern``, ``email``, ``options``, ``integer``, ``double``, ``uri``, ``local-date``,
``iso-date``, ``person-name-prohibited-characters``, ``username-prohibited-characters``,
``up-username-not-idn-homograph`` and ``multivalued`` (server-spi-private's validate/validators and
services' userprofile/validator). ``check`` runs one on an attribute's values and returns Keycloak's errors
(``{"field", "errorMessage", "params"}``, the params starting with the attribute name, as
ValidationError.getInputHintWithMessageParameters gives them); ``config_errors`` is each validator's
validateConfig, in ValidationError.toString's words. As DeclarativeUserProfileProvider configures them, every
validator ignores empty values. ``local-date`` reads dates in the English short format (``M/d/yy``, any year
length), the one locale Doorkeep's themes speak.
"""

from __future__ import annotations

import datetime
import logging
import re
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

from doorkeep.numbers import parse_int
from doorkeep.users import admin_regex, profile

Error = dict[str, Any]
ConfigCheck = Callable[[dict[str, Any]], list[str]]
Check = Callable[[str, str, dict[str, Any]], "Error | None"]

_log = logging.getLogger(__name__)
PATTERN_TIMEOUT = 0.1
"""Seconds one ``pattern`` match may take; ordinary patterns take microseconds."""

MISSING = "error-validator-config-missing-value"
INVALID = "error-validator-config-invalid-value"
INVALID_NUMBER = "error-validator-config-invalid-number-value"
INVALID_BOOLEAN = "error-validator-config-invalid-boolean-value"
INVALID_VALUE = "error-invalid-value"
MULTIVALUED = "multivalued"
LENGTH = "length"
# Validators the server has that configurations may name but that add nothing Doorkeep checks beyond the
# profile rules it applies elsewhere (the username's homograph check is part of profile.check_username).
_NO_OP = frozenset({"up-username-not-idn-homograph"})


def _error(name: str, message: str, *params: Any) -> Error:
    return {"field": name, "errorMessage": message, "params": [name, *params]}


def _int(value: Any) -> int | None:
    """ValidatorConfig.getInt: an integer, or a string holding one."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"[+-]?\d+", value.strip()):
        return int(value)
    return None


def _float(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _bool(value: Any, default: bool) -> bool | None:
    if value is None:
        return default
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    return None


# --- the checks of a value ------------------------------------------------------------------------
def _length(name: str, value: str, config: dict[str, Any]) -> Error | None:
    low, high = _int(config.get("min")), _int(config.get("max"))
    if not _bool(config.get("trim-disabled"), False):
        value = value.strip()
    has_min, has_max = "min" in config, "max" in config
    message = profile.INVALID_LENGTH
    if not has_max:
        message = "error-invalid-length-too-short"
    elif not has_min:
        message = profile.TOO_LONG
    if (has_min and low is not None and len(value) < low) or (has_max and high is not None and len(value) > high):
        return _error(name, message, low, high)
    return None


def _pattern(name: str, value: str, config: dict[str, Any]) -> Error | None:
    pattern = str(config.get("pattern"))
    if not _pattern_matches(name, pattern, value):
        return _error(name, str(config.get("error-message") or "error-pattern-no-match"), pattern)
    return None


def _pattern_matches(name: str, pattern: str, value: str) -> bool:
    try:
        return admin_regex.compiled(pattern).fullmatch(value, timeout=PATTERN_TIMEOUT) is not None
    except TimeoutError:
        _log.warning("pattern validator of attribute %r ran past %s s; value refused", name, PATTERN_TIMEOUT)
    except admin_regex.UnsafePattern:  # a configuration stored before it was checked as below
        _log.warning("pattern validator of attribute %r cannot run its pattern; value refused", name)
    return False


def _email(name: str, value: str, config: dict[str, Any]) -> Error | None:
    """EmailValidator: ``max-local-length`` (an int, else the default 64) caps the local part."""
    local_max = parse_int(config.get("max-local-length"))
    if not profile.valid_email(value, profile.EMAIL_LOCAL_MAX if local_max is None else local_max):
        return _error(name, profile.INVALID_EMAIL, value)
    return None


def _not_blank(name: str, value: str, config: dict[str, Any]) -> Error | None:
    """NotBlankValidator (``not-blank``): a value of nothing but whitespace (String.trim) is blank."""
    return _error(name, "error-invalid-blank", value) if not value.strip("".join(map(chr, range(0x21)))) else None


def _options(name: str, value: str, config: dict[str, Any]) -> Error | None:
    options = config.get("options")
    if not isinstance(options, list) or value not in options:
        return _error(name, INVALID_VALUE)
    return None


def _number(convert: Callable[[str], float | int | None], validator: str) -> Check:
    def check(name: str, value: str, config: dict[str, Any]) -> Error | None:
        number = convert(value)
        if number is None:
            return _error(name, "error-invalid-number")
        low, high = (convert(str(config[k])) if k in config else None for k in ("min", "max"))
        if (low is not None and number < low) or (high is not None and number > high):
            return _error(name, "error-number-out-of-range", low, high)
        return None

    check.__name__ = validator
    return check


def _integer_value(text: str) -> int | None:
    return int(text) if re.fullmatch(r"[+-]?\d+", text.strip()) else None


def _double_value(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _uri(name: str, value: str, config: dict[str, Any]) -> Error | None:
    try:
        parts = urlsplit(value)
    except ValueError as problem:
        return _error(name, "error-invalid-uri", value, str(problem))
    if any(ch in value for ch in ' <>"{}|\\^`'):
        return _error(name, "error-invalid-uri", value, "Illegal character")
    schemes = config.get("allowedSchemes")
    allowed = set(schemes) if isinstance(schemes, list) else {"http", "https"}
    if parts.scheme and parts.scheme not in allowed:
        return _error(name, "error-invalid-uri-scheme", value, parts.scheme)
    if not _bool(config.get("allowFragment"), True) and "#" in value:
        return _error(name, "error-invalid-uri-fragment", value, parts.fragment)
    if _bool(config.get("requireValidUrl"), True) and not parts.scheme:
        return _error(name, "error-invalid-uri", value, "URI is not absolute")
    return None


def _local_date(name: str, value: str, config: dict[str, Any]) -> Error | None:
    found = re.fullmatch(r"(\d{1,2})/(\d{1,2})/(\d{1,4})", value)
    try:
        if found is None:
            raise ValueError(value)
        month, day, year = (int(g) for g in found.groups())
        datetime.date(year + 2000 if len(found.group(3)) <= 2 else year, month, day)
    except ValueError:
        return _error(name, "error-invalid-date")
    return None


def _iso_date(name: str, value: str, config: dict[str, Any]) -> Error | None:
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            raise ValueError(value)
        datetime.date.fromisoformat(value)
    except ValueError:
        return _error(name, "error-invalid-date")
    return None


def _prohibited(characters: frozenset[str], message: str) -> Check:
    def check(name: str, value: str, config: dict[str, Any]) -> Error | None:
        if any(ch in characters for ch in value):
            return _error(name, str(config.get("error-message") or message))
        return None

    return check


_CHECKS: dict[str, Check] = {
    LENGTH: _length,
    "pattern": _pattern,
    "email": _email,
    "not-blank": _not_blank,
    "options": _options,
    "integer": _number(_integer_value, "integer"),
    "double": _number(_double_value, "double"),
    "uri": _uri,
    "local-date": _local_date,
    "iso-date": _iso_date,
    "person-name-prohibited-characters": _prohibited(profile.PERSON_NAME_PROHIBITED, profile.PERSON_NAME_INVALID),
    "username-prohibited-characters": _prohibited(profile.USERNAME_PROHIBITED, profile.USERNAME_INVALID),
}
KNOWN = frozenset(_CHECKS) | _NO_OP | {MULTIVALUED}
"""The validator ids a configuration may name (Validators.validator finds them)."""


def check(
    validator: str, name: str, values: list[str], config: dict[str, Any], *, required: bool = False
) -> list[Error]:
    """The errors of ``validator`` on an attribute's values: one per failing value (AbstractSimpleValidator
    validates each value of a collection), empty values skipped (``ignore.empty.value``; the number validators
    skip blank ones too)."""
    if validator == MULTIVALUED:
        return multivalued(name, values, config, required=required)
    run = _CHECKS.get(validator)
    if run is None:
        return []
    found: list[Error] = []
    for value in values:
        if value == "" or (validator in ("integer", "double") and not value.strip()):
            continue
        error = run(name, value, config)
        if error is not None:
            found.append(error)
    return found


def multivalued(name: str, values: list[str], config: dict[str, Any], *, required: bool) -> list[Error]:
    """MultiValueValidator: the count of non-blank values within ``min`` (default 1 when required, else 0)
    and ``max``; no values on a required attribute are left to the required check."""
    low = _int(config.get("min"))
    low = (1 if required else 0) if low is None else low
    high = _int(config.get("max"))
    count = sum(1 for v in values if v.strip())
    if count == 0 and required:
        return []
    if count < low or (high is not None and count > high):
        return [_error(name, "error-invalid-multivalued-size", low, high)]
    return []


# --- validateConfig -------------------------------------------------------------------------------
def _config_error(validator: str, hint: str, message: str, *params: Any) -> str:
    """ValidationError.toString, the parameters as Arrays.toString writes them."""
    shown = ", ".join("null" if p is None else str(p) for p in params)
    return (
        f"ValidationError{{validatorId='{validator}', inputHint='{hint}', message='{message}', "
        f"messageParameters=[{shown}]}}"
    )


def _length_config(config: dict[str, Any]) -> list[str]:
    found: list[str] = []
    if "trim-disabled" in config and _bool(config["trim-disabled"], False) is None:
        found.append(_config_error(LENGTH, "trim-disabled", INVALID_BOOLEAN, config["trim-disabled"]))
    has_min, has_max = "min" in config, "max" in config
    if not (has_min or has_max):
        return [*found, _config_error(LENGTH, "min", MISSING), _config_error(LENGTH, "max", MISSING)]
    for key in ("min", "max"):
        if key in config and _int(config[key]) is None:
            found.append(_config_error(LENGTH, key, INVALID_NUMBER, config[key]))
    low, high = _int(config.get("min")), _int(config.get("max"))
    if not found and low is not None and high is not None and low > high:
        found.append(_config_error(LENGTH, "max", INVALID))
    return found


def _pattern_config(config: dict[str, Any]) -> list[str]:
    if "pattern" not in config:
        return [_config_error("pattern", "pattern", MISSING)]
    try:
        admin_regex.compiled(str(config["pattern"]))
    except admin_regex.UnsafePattern:
        return [_config_error("pattern", "pattern", INVALID, config["pattern"])]
    return []


def _options_config(config: dict[str, Any]) -> list[str]:
    if "options" not in config:
        return [_config_error("options", "options", MISSING)]
    if not isinstance(config["options"], list):
        return [_config_error("options", "options", INVALID, "must be list of values")]
    return []


def _number_config(validator: str, convert: Callable[[Any], float | int | None]) -> ConfigCheck:
    def checked(config: dict[str, Any]) -> list[str]:
        found = [
            _config_error(validator, key, INVALID_NUMBER, config[key])
            for key in ("min", "max")
            if key in config and convert(config[key]) is None
        ]
        low, high = convert(config.get("min")), convert(config.get("max"))
        if not found and low is not None and high is not None and not high > low:
            found.append(_config_error(validator, "max", INVALID))
        return found

    return checked


def _multivalued_config(config: dict[str, Any]) -> list[str]:
    if not config:
        return [_config_error(MULTIVALUED, "max", MISSING)]
    found: list[str] = []
    low, high = _int(config.get("min")), _int(config.get("max"))
    if low is None and "min" in config:
        found.append(_config_error(MULTIVALUED, "min", INVALID_NUMBER))
    if high is None:
        found.append(_config_error(MULTIVALUED, "max", INVALID_NUMBER if "max" in config else MISSING))
    elif low is not None and low > high:
        found.append(_config_error(MULTIVALUED, "max", INVALID))
    return found


_CONFIG_CHECKS: dict[str, ConfigCheck] = {
    LENGTH: _length_config,
    "pattern": _pattern_config,
    "options": _options_config,
    "integer": _number_config("integer", _int),
    "double": _number_config("double", _float),
    MULTIVALUED: _multivalued_config,
}


def config_errors(validator: str, config: dict[str, Any]) -> list[str]:
    """Validators.validateConfig of one validation: its errors, empty when the configuration is usable."""
    run = _CONFIG_CHECKS.get(validator)
    return run(config) if run is not None else []
