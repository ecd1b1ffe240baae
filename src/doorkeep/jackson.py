"""How Keycloak's Jackson binds a JSON scalar to a Java ``String`` field."""

from __future__ import annotations

from typing import Any


def string_field(value: Any) -> str | None:
    """A ``String`` field as Jackson binds it (``String.valueOf`` of the scalar): null stays absent, a string is
    itself, a boolean or a number becomes its text."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
