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


_FIELDS: dict[type[Any], tuple[frozenset[str], frozenset[str]]] = {}


def _fields(cls: type[Any]) -> tuple[frozenset[str], frozenset[str]]:
    """A dataclass's field names, and those of its tuple fields (a JSON list comes back as a tuple)."""
    found = _FIELDS.get(cls)
    if found is None:
        fields = dataclasses.fields(cls)
        names = frozenset(f.name for f in fields)
        found = _FIELDS[cls] = names, frozenset(f.name for f in fields if "tuple" in str(f.type))
    return found


def from_row(cls: type[T], row: Any, columns: tuple[str, ...]) -> T:
    """Build ``cls`` from the named columns plus the JSON config (unknown keys dropped)."""
    names, tuples = _fields(cls)
    mapping = row._mapping  # a prepared row builds this mapping on each access
    values: dict[str, Any] = {c: mapping[c] for c in columns if c in names}
    for key, value in (mapping["config"] or {}).items():
        if key not in names or key in values:
            continue
        values[key] = tuple(value) if isinstance(value, list) and key in tuples else value
    return cls(**values)
