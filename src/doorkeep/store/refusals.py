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
    if not isinstance(exc, IntegrityError):
        return False
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code == "23505" or "UNIQUE constraint failed" in str(exc.orig)


def is_vanished_reference(exc: BaseException) -> bool:
    """Whether a foreign key refused a row: it names something another request deleted after this one found it
    (SQLSTATE 23503 on PostgreSQL; SQLite's writers are serial, its "FOREIGN KEY constraint failed" is the same
    refusal). A write that lost a race with a deletion: a conflict, not a server fault."""
    if not isinstance(exc, IntegrityError):
        return False
    code = getattr(exc.orig, "sqlstate", None) or getattr(exc.orig, "pgcode", None)
    return code == "23503" or "FOREIGN KEY constraint failed" in str(exc.orig)
