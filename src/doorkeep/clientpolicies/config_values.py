"""Reading an executor's or condition's configuration as Jackson binds it: a boolean may be sent as the
string ``"true"``/``"false"`` (the global profiles do both), a list of strings may not be a bare string."""

from __future__ import annotations

from typing import Any


def flag_or_none(config: dict[str, Any] | None, key: str) -> bool | None:
    """The boolean at ``key`` (None when absent); ValueError when it is no boolean."""
    value = (config or {}).get(key)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise ValueError(f"{key}: not a boolean")


def flag(config: dict[str, Any] | None, key: str, default: bool = False) -> bool:
    """The boolean at ``key``, ``default`` when absent or unreadable (a stored configuration was validated)."""
    try:
        value = flag_or_none(config, key)
    except ValueError:
        return default
    return default if value is None else value


def string_list(value: Any) -> list[str] | None:
    """A list of strings (None when absent); ValueError otherwise."""
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("not a list of strings")
    return value


def strings(config: dict[str, Any] | None, key: str) -> list[str]:
    """The strings at ``key`` of a stored (validated) configuration; empty when absent or unreadable."""
    try:
        return string_list((config or {}).get(key)) or []
    except ValueError:
        return []
