"""Mapping between frozen dataclasses and rows whose less-queried fields live in a JSON ``config``."""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

T = TypeVar("T")


def to_config(obj: Any, columns: tuple[str, ...]) -> dict[str, Any]:
    """The dataclass fields that are not columns, as JSON-ready values."""
    out: dict[str, Any] = {}
    for f in dataclasses.fields(obj):
        if f.name in columns:
            continue
        value = getattr(obj, f.name)
        out[f.name] = list(value) if isinstance(value, tuple) else value
    return out


def from_row(cls: type[T], row: Any, columns: tuple[str, ...]) -> T:
    """Build ``cls`` from the named columns plus the JSON config (unknown keys dropped)."""
    names = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
    values: dict[str, Any] = {c: row._mapping[c] for c in columns if c in names}
    for key, value in (row._mapping["config"] or {}).items():
        field = names.get(key)
        if field is None or key in values:
            continue
        if isinstance(value, list) and "tuple" in str(field.type):
            value = tuple(value)
        values[key] = value
    return cls(**values)
