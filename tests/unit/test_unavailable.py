"""Which errors mean "the database cannot be reached" (503 + Retry-After) rather than a bug (500)."""

from __future__ import annotations

import sqlite3

from sqlalchemy import exc as sa_exc
from starlette.requests import Request

from doorkeep.web.unavailable import database_unavailable, unavailable_response


class _PgError(Exception):
    def __init__(self, sqlstate: str) -> None:
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


def _wrapped(orig: BaseException) -> sa_exc.DBAPIError:
    return sa_exc.DBAPIError("SELECT 1", None, orig)


def test_sqlite_locked_missing_or_broken_file_is_unavailable() -> None:
    for message in ("database is locked", "unable to open database file", "disk I/O error"):
        assert database_unavailable(sa_exc.OperationalError("BEGIN", None, sqlite3.OperationalError(message)))


def test_connection_refused_reset_and_timeouts_are_unavailable() -> None:
    assert database_unavailable(ConnectionRefusedError(111, "Connect call failed"))
    assert database_unavailable(OSError("Multiple exceptions: connection refused"))
    assert database_unavailable(TimeoutError())
    assert database_unavailable(sa_exc.TimeoutError("QueuePool limit reached"))
    assert database_unavailable(sa_exc.DisconnectionError("gone"))
    assert database_unavailable(sa_exc.InterfaceError("SELECT", None, Exception("connection is closed")))


def test_postgresql_shutdown_and_connection_sqlstates_are_unavailable() -> None:
    for state in ("08006", "08001", "57P01", "57P02", "57P03", "53300", "40P01", "40001"):
        assert database_unavailable(_wrapped(_PgError(state)))
    cause = RuntimeError("wrapper")
    cause.__cause__ = _PgError("57P01")
    assert database_unavailable(cause)


def test_query_bugs_and_constraint_violations_stay_errors() -> None:
    assert not database_unavailable(ValueError("bug"))
    assert not database_unavailable(sa_exc.IntegrityError("INSERT", None, Exception("duplicate key")))
    assert not database_unavailable(_wrapped(_PgError("42P01")))  # undefined table: a bug, not an outage
    assert not database_unavailable(sa_exc.ProgrammingError("SELECT", None, Exception("syntax")))


def test_an_upstream_back_channel_logout_gets_json_and_a_browser_logout_html() -> None:
    def answer(path: str, accept: str) -> str:
        scope = {"type": "http", "method": "POST", "path": path, "headers": [(b"accept", accept.encode())]}
        scope["doorkeep.base_url"] = "http://localhost:8080"  # what web.http.base_url worked out
        return unavailable_response(Request(scope)).headers["content-type"]

    oidc = "/realms/test/protocol/openid-connect"
    assert answer(f"{oidc}/logout/backchannel-logout", "text/html").startswith("application/json")
    assert answer(f"{oidc}/logout", "text/html").startswith("text/html")
    assert answer(f"{oidc}/logout", "*/*").startswith("application/json")
