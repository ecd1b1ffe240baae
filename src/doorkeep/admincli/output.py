"""Printing answers: JSON (the default, as kcadm), aligned tables and CSV; kcadm's ``--fields`` filter.

``--fields id,clientId,attributes(pkce.code.challenge.method)`` keeps those fields of an object or of each
object of a list; ``name(sub,fields)`` filters inside a nested object.
"""

from __future__ import annotations

import json
from typing import Any

from doorkeep.admincli import jackson
from doorkeep.admincli.errors import AdminCliError

Fields = dict[str, "Fields | None"]


def parse_fields(text: str) -> Fields:
    """``a,b(c,d),e`` → ``{"a": None, "b": {"c": None, "d": None}, "e": None}``."""
    fields, rest = _parse(text.replace(" ", ""), 0)
    if rest != len(text.replace(" ", "")):
        raise AdminCliError(f"Invalid fields specification: {text}")
    return fields


def _parse(text: str, pos: int) -> tuple[Fields, int]:
    out: Fields = {}
    name: list[str] = []
    while pos < len(text):
        char = text[pos]
        if char == "(":
            if not name:
                raise AdminCliError(f"Invalid fields specification: {text}")
            out["".join(name)], pos = _parse(text, pos + 1)
            name = []
            if pos >= len(text) or text[pos] != ")":
                raise AdminCliError(f"Invalid fields specification: {text} (missing ')')")
            pos += 1
            continue
        if char == ")":
            break
        if char == ",":
            if name:
                out["".join(name)] = None
            name = []
        else:
            name.append(char)
        pos += 1
    if name:
        out["".join(name)] = None
    return out, pos


def select(value: Any, fields: Fields | None) -> Any:
    """Keep only ``fields`` of an object, or of every object in a list."""
    if fields is None:
        return value
    if isinstance(value, list):
        return [select(item, fields) for item in value]
    if not isinstance(value, dict):
        return value
    return {name: select(value[name], sub) for name, sub in fields.items() if name in value}


def render(value: Any, fmt: str, columns: list[str] | None = None, *, quote: bool = True) -> str:
    """The text to print for ``value`` in ``fmt``: json and csv as kcadm prints them, table (ours) aligned."""
    if fmt == "json":
        return jackson.dumps(value)
    if fmt == "csv":
        return "\n".join(csv_lines(value, columns, quote=quote))
    rows = value if isinstance(value, list) else [value]
    columns = columns or _columns(rows)
    cells = [[_cell(row.get(c) if isinstance(row, dict) else row) for c in columns] for row in rows]
    return table([c.upper() for c in columns], cells)


def csv_lines(value: Any, columns: list[str] | None = None, *, quote: bool = True) -> list[str]:
    """kcadm's CSV (``OutputUtil.printAsCsv``): one line per item, no header, every scalar of the item in order.

    A string is its JSON text (``"a \\"b\\""``) unless ``--noquotes``; numbers, booleans and null are bare;
    nested objects and arrays are flattened into the same line; a field asked for but absent is empty.
    """
    items = value if isinstance(value, list) else [value]
    lines = []
    for item in items:
        cells: list[str] = []
        _csv_cells(cells, item, columns, quote)
        lines.append(",".join(cells))
    return lines


def _csv_cells(cells: list[str], node: Any, columns: list[str] | None, quote: bool) -> None:
    if isinstance(node, dict):
        for name in columns if columns is not None else list(node):
            if columns is not None and name not in node:
                cells.append("")
            else:
                _csv_cells(cells, node[name], None, quote)
    elif isinstance(node, list):
        for item in node:
            _csv_cells(cells, item, columns, quote)
    else:
        cells.append(node if isinstance(node, str) and not quote else jackson.dumps(node, pretty=False))


def table(header: list[str], cells: list[list[str]]) -> str:
    """Columns padded to their widest cell, separated by two spaces."""
    widths = [max([len(h), *(len(row[i]) for row in cells)]) for i, h in enumerate(header)]
    lines = [header, *cells]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip() for line in lines)


def _columns(rows: list[Any]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        if isinstance(row, dict):
            seen.update(dict.fromkeys(row))
    return list(seen) or ["value"]


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
