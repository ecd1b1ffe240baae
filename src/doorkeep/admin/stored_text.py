"""Text the database can keep: PostgreSQL refuses a NUL character in a text column (SQLSTATE 22021) and a
string longer than its VARCHAR column (22001), which web/server_errors.py answers with a 400 ``Invalid input``,
while SQLite stores both. A write that checks its input here first gives that same 400 on both engines, before
anything is written."""

from __future__ import annotations

from doorkeep.errors import AdminError

BAD_INPUT = AdminError(400, "invalid_request", key="error", description="Invalid input")


def refuse_nul(value: object) -> None:
    """The 400 ``Invalid input`` when ``value`` (a string, or a JSON list or object: keys, values and items
    checked all the way down) holds a NUL character; other values pass."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                raise BAD_INPUT
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)


# Keycloak's VARCHAR(255) columns: a role's or client scope's name, a client's clientId, a component's name, a
# user's username, e-mail, first and last name
NAME_COLUMN = 255
ID_COLUMN = 36  # a UUID's text: the ids an import or a create may name


def refuse_longer(value: object, limit: int = NAME_COLUMN) -> None:
    """The 400 ``Invalid input`` when ``value`` is a string longer than its column's ``limit``."""
    if isinstance(value, str) and len(value) > limit:
        raise BAD_INPUT
