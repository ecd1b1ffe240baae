"""An executor's or condition's configuration form, built from the ConfigPropertyRepresentations ``GET
/admin/serverinfo`` lists for its type, as Keycloak's DynamicComponents draws them: a switch (``boolean``), a
line (``String``, ``Integer``), a choice (``List``), ticked choices (``MultivaluedList``), lines
(``MultivaluedString``) and ``key=value`` lines (``Map``, stored as MapperTypeSerializer's JSON string of
``[{"key", "value"}]``). What is typed is sent as it is; the REST PUT's validation judges it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from doorkeep import numbers
from doorkeep.web.admin_console.forms import FormState

LINES = frozenset({"MultivaluedString", "Map"})


def _lines(given: list[str]) -> list[str]:
    return [line.strip() for text in given for line in text.splitlines() if line.strip()]


def _map_lines(raw: Any) -> list[str]:
    """A Map value as ``key=value`` lines (unreadable: none)."""
    try:
        pairs = numbers.loads(raw) if isinstance(raw, str) else raw
    except ValueError:
        return []
    if not isinstance(pairs, list):
        return []
    return [f"{p.get('key', '')}={p.get('value', '')}" for p in pairs if isinstance(p, dict)]


def _as_list(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(v) for v in value]
    return [] if value is None else [str(value)]


def form_of(properties: list[dict[str, Any]], config: Mapping[str, Any] | None) -> FormState:
    """The form of a stored configuration, or of a new one (``None``: each property's default)."""
    values: dict[str, object] = {}
    for prop in properties:
        name, kind = prop["name"], prop["type"]
        value = prop.get("defaultValue") if config is None else config.get(name)
        if kind == "boolean":
            values[name] = value is True or str(value).lower() == "true"
        elif kind == "Map":
            values[name] = "\n".join(_map_lines(value))
        elif kind == "MultivaluedString":
            values[name] = "\n".join(_as_list(value))
        elif kind == "MultivaluedList":
            values[name] = _as_list(value)
        else:
            values[name] = "" if value is None else str(value)
    return FormState(values)


def read_config(properties: list[dict[str, Any]], form: Mapping[str, list[str]]) -> tuple[FormState, dict[str, Any]]:
    """What was typed (to show again on a refusal) and the configuration it makes; a blank line is left out."""
    typed, config = FormState(), dict[str, Any]()
    for prop in properties:
        name, kind = prop["name"], prop["type"]
        given = form.get(name, [])
        if kind == "boolean":
            typed.values[name] = config[name] = "on" in given
        elif kind in LINES:
            typed.values[name] = "\n".join(given)
            lines = _lines(given)
            if kind == "Map":
                pairs = [dict(zip(("key", "value"), line.split("=", 1), strict=False)) for line in lines]
                config[name] = json.dumps(
                    [{"key": p["key"].strip(), "value": p.get("value", "").strip()} for p in pairs]
                )
            else:
                config[name] = lines
        elif kind == "MultivaluedList":
            typed.values[name] = config[name] = list(given)
        else:
            typed.values[name] = value = (given or [""])[0].strip()
            if value:  # an Integer goes as a JSON number (NumberComponent); any other text as typed, to be judged
                whole = kind == "Integer" and value.isascii() and value.lstrip("-").isdigit()
                config[name] = int(value) if whole and len(value) < 12 else value
    return typed, config
