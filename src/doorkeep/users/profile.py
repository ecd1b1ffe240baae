"""Keycloak 26's default user profile validators for username, email, firstName and lastName.

The rules of ``keycloak-default-user-profile.json``: username ``length`` 3–255 and
``username-prohibited-characters``; email ``email`` and ``length`` ≤ 255; first and last name ``length``
≤ 255 and ``person-name-prohibited-characters``; any other attribute the ``length`` ≤ 2048 that
DefaultAttributes adds to an attribute without a length validator. Each error is Keycloak's ErrorRepresentation:
``{"field", "errorMessage", "params"}``, the params starting with the attribute name. No regular
expression with backtracking is used, so no value can make validation slow.
"""

from __future__ import annotations

from typing import Any

from doorkeep.errors import AdminError

MAX_LENGTH = 255
MAX_LENGTH_ATTRIBUTES = 2048  # DefaultAttributes.DEFAULT_MAX_LENGTH_ATTRIBUTES
PROFILE_FIELDS = ("username", "email", "firstName", "lastName")
USERNAME_MIN = 3
EMAIL_LOCAL_MAX = 64  # EmailValidator's default max-local-length

# Java's \p{Cntrl} (ASCII controls), \v (vertical) and \h (horizontal whitespace), and \s (ASCII blanks).
_CONTROLS = {chr(c) for c in range(0x20)} | {"\x7f"}
_VERTICAL = set("\n\x0b\x0c\r\x85\u2028\u2029")
_HORIZONTAL = set(" \t\xa0\u1680\u180e\u202f\u205f\u3000") | {chr(c) for c in range(0x2000, 0x200B)}
PERSON_NAME_PROHIBITED = frozenset('<>&"$%!#?§;*~/\\|^=[]{}()') | _CONTROLS | _VERTICAL
USERNAME_PROHIBITED = (
    frozenset("<>&\"'$%!#?§,;:*~/\\|^=[]{}()`") | _CONTROLS | _VERTICAL | _HORIZONTAL | frozenset(" \t\n\x0b\x0c\r")
)
_ATOM = frozenset("abcdefghijklmnopqrstuvwxyz0123456789!#$%&'*+/=?^_`{|}~-")

INVALID_LENGTH = "error-invalid-length"
TOO_LONG = "error-invalid-length-too-long"
INVALID_EMAIL = "error-invalid-email"
PERSON_NAME_INVALID = "error-person-name-invalid-character"
USERNAME_INVALID = "error-username-invalid-character"


def _error(field: str, message: str, *params: Any) -> dict[str, Any]:
    return {"field": field, "errorMessage": message, "params": [field, *params]}


def _local_part_ok(local: str, local_max: int) -> bool:
    return 0 < len(local) <= local_max and all(
        atom and all(ch.lower() in _ATOM or ord(ch) >= 0x80 for ch in atom) for atom in local.split(".")
    )


def _domain_ok(domain: str) -> bool:
    if not 0 < len(domain) <= MAX_LENGTH:
        return False
    if domain.startswith("[") and domain.endswith("]"):
        octets = domain[1:-1].split(".")
        return len(octets) == 4 and all(0 < len(o) <= 3 and o.isascii() and o.isdecimal() for o in octets)
    labels = domain.split(".")
    return all(
        0 < len(label) <= 63 and label[0] != "-" and label[-1] != "-" and all(ch.isalnum() or ch == "-" for ch in label)
        for label in labels
    )


def valid_email(value: str, local_max: int = EMAIL_LOCAL_MAX) -> bool:
    """Keycloak's EmailValidationUtil, simplified: ``local@domain`` with dot-atoms and DNS labels, the local part
    at most ``local_max`` characters (EmailValidator's ``max-local-length``)."""
    local, at, domain = value.rpartition("@")
    return bool(at) and _local_part_ok(local, local_max) and _domain_ok(domain)


def check_username(value: str) -> dict[str, Any] | None:
    value = value.strip()
    if not USERNAME_MIN <= len(value) <= MAX_LENGTH:
        return _error("username", INVALID_LENGTH, USERNAME_MIN, MAX_LENGTH)
    if any(ch in USERNAME_PROHIBITED for ch in value):
        return _error("username", USERNAME_INVALID)
    return None


def check_email(value: str) -> dict[str, Any] | None:
    value = value.strip()
    if not value:
        return None
    if not valid_email(value):
        return _error("email", INVALID_EMAIL, value)
    if len(value) > MAX_LENGTH:
        return _error("email", TOO_LONG, None, MAX_LENGTH)
    return None


def check_person_name(field: str, value: str) -> dict[str, Any] | None:
    value = value.strip()
    if not value:
        return None
    if len(value) > MAX_LENGTH:
        return _error(field, TOO_LONG, None, MAX_LENGTH)
    if any(ch in PERSON_NAME_PROHIBITED for ch in value):
        return _error(field, PERSON_NAME_INVALID)
    return None


def check_attributes(attributes: Any) -> list[dict[str, Any]]:
    """DefaultAttributes' default ``length`` validator (min 0, max 2048, the value trimmed) on each custom
    attribute of a representation's ``attributes``: one error per attribute with a value too long."""
    if not isinstance(attributes, dict):
        return []
    errors = []
    for name, values in attributes.items():
        if name in PROFILE_FIELDS:
            continue
        values = values if isinstance(values, list) else [values]
        if any(isinstance(v, str) and len(v.strip()) > MAX_LENGTH_ATTRIBUTES for v in values):
            errors.append(_error(name, INVALID_LENGTH, 0, MAX_LENGTH_ATTRIBUTES))
    return errors


def validate(values: dict[str, Any]) -> list[dict[str, Any]]:
    """Errors for the given string attributes (``username``, ``email``, ``firstName``, ``lastName``), in
    Keycloak's attribute order, then for the custom ``attributes`` map if one is given; absent, null or
    non-string values are not checked here."""
    checks = (
        ("username", check_username),
        ("email", check_email),
        ("firstName", lambda v: check_person_name("firstName", v)),
        ("lastName", lambda v: check_person_name("lastName", v)),
    )
    errors = []
    for field, check in checks:
        value = values.get(field)
        if isinstance(value, str):
            error = check(value)
            if error is not None:
                errors.append(error)
    return errors + check_attributes(values.get("attributes"))


class ProfileError(AdminError):
    """400 with the validation errors, as Keycloak's ``ErrorResponse.errors``: one error is shown inline
    (plus the ``errors`` list unless ``shrink``, as the Account REST API does), several as ``errors`` only."""

    def __init__(self, errors: list[dict[str, Any]], *, shrink: bool, status: int = 400) -> None:
        super().__init__(status, str(errors[0]["errorMessage"]))
        self.errors = errors
        self.shrink = shrink

    def body(self) -> dict[str, Any]:
        if len(self.errors) > 1:
            return {"errors": self.errors}
        return dict(self.errors[0]) if self.shrink else {**self.errors[0], "errors": self.errors}


def require_valid(values: dict[str, Any], *, shrink: bool) -> None:
    """Raise ProfileError when ``validate`` finds anything."""
    errors = validate(values)
    if errors:
        raise ProfileError(errors, shrink=shrink)
