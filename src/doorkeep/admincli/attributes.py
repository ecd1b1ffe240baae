"""kcadm's ``-s name=value`` and ``-d name`` edits of a JSON document, and its ``update`` merge.

The rules are kcadm's (``AttributeKey``, ``ReflectionUtil``): a key is dot-separated components, each
optionally quoted (``attributes."a.b"``) and optionally indexed (``redirectUris[0]``); a trailing ``+``
appends to an array (``redirectUris+=https://x``). A value is taken as JSON when it parses
(``enabled=true``, ``'redirectUris=["https://x"]'``, ``count=3``), else as a string.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from doorkeep.admincli.errors import AdminCliError


@dataclass(frozen=True)
class Component:
    name: str
    index: int = -1  # -1: not indexed

    @property
    def is_array(self) -> bool:
        return self.index >= 0


@dataclass(frozen=True)
class Operation:
    """One ``-s`` (``value`` set) or ``-d`` (``value`` None) on the document."""

    components: tuple[Component, ...]
    value: str | None
    append: bool = False


def split_key_value(text: str) -> tuple[str, str]:
    """``name=value`` split at the first ``=``; the name must not be empty."""
    pos = text.find("=")
    if pos <= 0:
        raise AdminCliError(f"Invalid key=value parameter: [{text}]")
    return text[:pos], text[pos + 1 :]


def parse_set(text: str) -> Operation:
    key, value = split_key_value(text)
    append = key.endswith("+")
    return Operation(parse_key(key[:-1] if append else key), value, append)


def parse_delete(key: str) -> Operation:
    return Operation(parse_key(key), None)


def parse_key(key: str) -> tuple[Component, ...]:
    """Split ``a.b[2]."c.d"`` into components, with kcadm's error for a malformed key."""
    parts: list[str] = []
    current: list[str] = []
    state = "start"
    for pos, char in enumerate(key, 1):
        if state == "start":
            if char == '"':
                state = "quoted"
            elif char == ".":
                raise AdminCliError(f"Invalid attribute key: {key} (at position {pos})")
            else:
                state = "unquoted"
                current.append(char)
        elif state == "quoted":
            if char == '"':
                state = "end"
            else:
                current.append(char)
        elif char == ".":
            parts.append("".join(current))
            current, state = [], "start"
        elif state == "end" or char == '"':
            raise AdminCliError(f"Invalid attribute key: {key} (at position {pos})")
        else:
            current.append(char)
    if not ((current and state in ("unquoted", "end")) or (not current and state == "end")):
        raise AdminCliError(f"Invalid attribute key: {key} (at position {len(key)})")
    parts.append("".join(current))
    return tuple(_component(part) for part in parts)


def _component(name: str) -> Component:
    if not name.endswith("]"):
        return Component(name)
    pos = name.rfind("[")
    if pos == -1:
        raise AdminCliError(f"Invalid attribute key: {name} (']' not allowed here)")
    index = name[pos + 1 : -1]
    if not index.isdigit():
        raise AdminCliError(f"Invalid attribute key: {name} (Invalid array index: '[{index}]')")
    return Component(name[:pos], int(index))


def _not_json(name: str) -> Any:
    raise ValueError(name)


def to_json_value(text: str) -> Any:
    """The value as JSON if it parses, else the string (quotes around it removed, as kcadm does)."""
    try:  # NaN and Infinity are not JSON (Jackson refuses them, so kcadm keeps them as strings)
        return json.loads(text, parse_constant=_not_json)
    except ValueError:
        pass
    if text[:1] in ("'", '"'):
        if len(text) < 2 or text[-1:] not in ("'", '"'):
            raise AdminCliError(f"Invalid string value: {text}")
        return text[1:-1]
    return text


def apply(document: dict[str, Any], operations: list[Operation]) -> dict[str, Any]:
    """Apply the edits to ``document`` in place, in order; returns it."""
    for op in operations:
        node: Any = document
        for depth, comp in enumerate(op.components):
            if not isinstance(node, dict):
                raise AdminCliError(f"Failed to set attribute '{_name(op)}': not a JSON object at '{comp.name}'")
            if depth < len(op.components) - 1:
                child = node.get(comp.name)
                if child is None:
                    child = [] if comp.is_array else {}
                    node[comp.name] = child
                node = (
                    child[comp.index]
                    if comp.is_array and isinstance(child, list) and comp.index < len(child)
                    else child
                )
                continue
            _apply_last(node, comp, op)
    return document


def _apply_last(node: dict[str, Any], comp: Component, op: Operation) -> None:
    if op.value is None:
        if not comp.is_array:
            node.pop(comp.name, None)
        elif isinstance(node.get(comp.name), list) and comp.index < len(node[comp.name]):
            del node[comp.name][comp.index]
        return
    value = to_json_value(op.value)
    if not (comp.is_array or op.append):
        node[comp.name] = value
        return
    items = node.get(comp.name)
    if not isinstance(items, list):
        items = node[comp.name] = []
    if not comp.is_array:
        items.append(value)
        return
    items.extend([None] * (comp.index + 1 - len(items)))
    items[comp.index] = value


def _name(op: Operation) -> str:
    return ".".join(c.name + (f"[{c.index}]" if c.is_array else "") for c in op.components)


def merge(local: dict[str, Any], remote: dict[str, Any]) -> dict[str, Any]:
    """kcadm's update merge: ``local`` over ``remote``; objects merge deeply, arrays and scalars replace."""
    for name, value in local.items():
        existing = remote.get(name)
        if isinstance(existing, dict):
            if not isinstance(value, dict):
                raise AdminCliError(f"Attribute is of incompatible type - {name}: {json.dumps(value)}")
            merge(value, existing)
        elif isinstance(existing, list) and not isinstance(value, list):
            raise AdminCliError(f"Attribute is of incompatible type - {name}: {json.dumps(value)}")
        else:
            remote[name] = value
    return remote
