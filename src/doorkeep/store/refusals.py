"""Rows the database refused for what another request did meanwhile: a namesake it created, or a row it deleted.

Both are conflicts between requests, not server faults: the admin creates answer a namesake met at a unique index
as they answer one found by their own check (``Tx.refused_as``), and the last line of defence answers what is
left with Keycloak's 409 (web/server_errors.py).
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError


def is_duplicate(exc: BaseException) -> bool:
    """Whether a unique index refused a row: two requests creating the same thing at once, the second meeting
    the first's row only at the index (SQLSTATE 23505 on PostgreSQL, SQLite's UNIQUE constraint). Keycloak's
    ModelDuplicateException: a conflict, not a server fault."""
    return _refused(exc, "23505", "UNIQUE constraint failed")


def is_vanished_reference(exc: BaseException) -> bool:
    """Whether a foreign key refused a row: it names something another request deleted after this one found it
    (SQLSTATE 23503 on PostgreSQL; SQLite's writers are serial, its "FOREIGN KEY constraint failed" is the same
    refusal). A write that lost a race with a deletion: a conflict, not a server fault."""
    return _refused(exc, "23503", "FOREIGN KEY constraint failed")


def _refused(exc: BaseException, sqlstate: str, sqlite_text: str) -> bool:
    """An integrity refusal of this SQLSTATE (asyncpg's ``sqlstate``, psycopg's ``pgcode``) or SQLite text."""
    if not isinstance(exc, IntegrityError):
        return False
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code == sqlstate or sqlite_text in str(exc.orig)
