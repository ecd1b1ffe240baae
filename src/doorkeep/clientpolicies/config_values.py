"""Reading an executor's or condition's configuration as Jackson binds it: a boolean may be sent as the
string ``"true"``/``"false"`` (the global profiles do both), a list of strings may not be a bare string."""

from __future__ import annotations

from typing import Any

from doorkeep import numbers


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


def serialized_map(raw: object, key: str) -> dict[str, list[str]] | None:
    """A ``Map`` property as MapperTypeSerializer stores it (a JSON string of ``[{"key", "value"}]``), each key with
    its values; None when absent. ValueError when it cannot be read: no string (Jackson cannot bind it to the String
    field), or a string that is not such a list."""
    if raw is None:
        return None
    if not isinstance(raw, str):
        raise ValueError(f"{key}: expected a string")
    pairs = numbers.loads(raw)
    if not isinstance(pairs, list):
        raise ValueError(f"{key}: expected a list of key and value pairs")
    out: dict[str, list[str]] = {}
    for pair in pairs:
        if not isinstance(pair, dict) or not isinstance(pair.get("key"), str) or not isinstance(pair.get("value"), str):
            raise ValueError(f"{key}: expected a list of key and value pairs")
        out.setdefault(pair["key"], []).append(pair["value"])
    return out
