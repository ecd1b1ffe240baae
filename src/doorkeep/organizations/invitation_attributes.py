"""The attributes of an organization invitation request (Keycloak 26.7's OrganizationInvitationUserRequest and
OrganizationInvitationExistingUserRequest: ``attributes``, a ``Map<String, List<String>>`` kept on the invitation
and shown by OrganizationInvitationRepresentation).

As OrganizationInvitationAttributeTest pins them: a name holding null, a null value and a blank name are left
out; no attribute left (none given, an empty map) is an invitation without attributes, shown with none. As
Jackson reads the map, a single value stands for a list of one and a number or boolean for its text; anything
else is refused (400). [UNVERIFIED] The storage's bounds and the refusals' texts were not in the source index:
Doorkeep refuses a name or value longer than 255 characters or holding NUL, and more than 100 names or
values per name, with 400, rather than store what a Keycloak column would not hold.
"""

from __future__ import annotations

from typing import Any

from doorkeep.errors import AdminError

LONGEST = 255
MOST = 100
BAD = AdminError(400, "Invalid invitation attributes")


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    if not isinstance(value, str) or len(value) > LONGEST or "\x00" in value:
        raise BAD
    return value


def cleaned(value: Any) -> dict[str, list[str]] | None:
    """The request's ``attributes`` as the invitation keeps them; None when nothing is left."""
    if value is None:
        return None
    if not isinstance(value, dict) or len(value) > MOST:
        raise BAD
    out: dict[str, list[str]] = {}
    for name, values in value.items():
        if values is None or not name.strip():
            continue
        if len(name) > LONGEST or "\x00" in name:
            raise BAD
        items = values if isinstance(values, list) else [values]
        if len(items) > MOST:
            raise BAD
        kept = [_text(item) for item in items if item is not None]
        if kept:
            out[name] = kept
    return out or None
