"""Stored sessions and rotation families as the pure rules of doorkeep.policy read them, built from the few
numbers a unit test varies (the rest are placeholders no rule looks at)."""

from __future__ import annotations

from doorkeep.model import ClientSession, RefreshFamily, UserSession


def session(offline: bool, remember_me: bool, started: int, last_refresh: int) -> UserSession:
    """A user session started at ``started`` and last refreshed at ``last_refresh``."""
    return UserSession(
        "session", "realm", "user", offline, "user", "127.0.0.1", "openid-connect", remember_me, started, last_refresh
    )


def client_session(started: int, timestamp: int, offline: bool = False) -> ClientSession:
    """A client session started at ``started`` whose newest refresh token is from ``timestamp``."""
    return ClientSession("session", offline, "client", started, timestamp)


def family(current_jti: str | None, latest_jti: str | None, last_refresh: int, use_count: int) -> RefreshFamily:
    """A stored rotation family as reuse_verdict reads it."""
    return RefreshFamily("", current_jti, use_count, last_refresh, latest_jti)
