"""The liveness windows (doorkeep.sessions.liveness) as SQL conditions on user_sessions ⋈ client_sessions."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, false, not_, or_

from doorkeep.sessions.liveness import LiveFilter, Liveness, Window
from doorkeep.store.tables import client_sessions, user_sessions

US = user_sessions.c
CS = client_sessions.c


def _window(active: ColumnElement[int], start: ColumnElement[int], w: Window | None) -> ColumnElement[bool]:
    if w is None:
        return false()
    clause = active > w.idle_after
    return clause if w.max_after is None else and_(clause, start > w.max_after)


def _by_remember_me(pair: tuple[ColumnElement[bool], ColumnElement[bool]]) -> ColumnElement[bool]:
    return or_(and_(not_(US.remember_me), pair[0]), and_(US.remember_me, pair[1]))


def user_live(live: LiveFilter) -> ColumnElement[bool]:
    """The user session (a user_sessions row) is live."""
    w = live.default.user
    return _by_remember_me(
        (_window(US.last_session_refresh, US.started, w[0]), _window(US.last_session_refresh, US.started, w[1]))
    )


def _client(live: Liveness) -> ColumnElement[bool]:
    w = live.client
    return _by_remember_me((_window(CS.timestamp, CS.started, w[0]), _window(CS.timestamp, CS.started, w[1])))


def client_live(live: LiveFilter) -> ColumnElement[bool]:
    """The client session and its user session are live (the query joins both tables)."""
    if not live.overrides:
        clause = _client(live.default)
    else:
        clause = or_(
            and_(CS.client_id.not_in(list(live.overrides)), _client(live.default)),
            *(and_(CS.client_id == cid, _client(w)) for cid, w in live.overrides.items()),
        )
    return and_(user_live(live), clause)
