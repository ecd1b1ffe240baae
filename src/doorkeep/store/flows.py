"""Browser-login state: authentication sessions and single-use authorization codes.

A login tab is read and then advanced (a fresh form code, the next step) in one transaction. Two posts of one
form must not both pass that read: Keycloak serialises the writes of an authentication session, and the loser
meets a spent form code (SessionCodeChecks). Here a repository of a writing transaction on PostgreSQL reads tabs
``FOR UPDATE``, so a second post of the same tab waits for the first to commit and then reads its new code (or
no tab, once the login is over); SQLite's writing transactions are serial already (``BEGIN IMMEDIATE``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, delete, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import AuthSession, StoredCode
from doorkeep.store.tables import auth_codes, auth_sessions


class FlowRepo:
    def __init__(self, conn: AsyncConnection, *, lock: bool = False) -> None:
        self._c = conn
        self._lock = lock  # read tabs FOR UPDATE (a writing transaction on PostgreSQL)

    def _tabs(self, query: Select[Any]) -> Select[Any]:
        return query.with_for_update() if self._lock else query

    async def create_auth_session(self, s: AuthSession) -> None:
        """A new tab; its root's other tabs take its step time and expiry (RootAuthenticationSessionAdapter.
        createAuthenticationSession: "Update our timestamp when adding new authenticationSession")."""
        await self._c.execute(insert(auth_sessions), {**s.__dict__, "root_id": s.root_id or None})
        if s.root_id and s.root_id != s.id:
            await self.touch_root(s.root_id, s.step_time, s.expires)

    async def touch_root(self, root_id: str, step_time: int, expires: int) -> None:
        """A step of the login at ``step_time``: every tab of the root authentication session ``root_id`` takes the
        step's time and the expiry it gives (RootAuthenticationSessionModel.setTimestamp, the entry's lifespan from
        it). A tab expired already stays so: in Keycloak its root is gone, and a tab added since is in a new one.
        On PostgreSQL the tabs another transaction locks (their own login's step under way) are passed over, so
        that two tabs of one browser stepping at once cannot each wait on the other's row."""
        values = {"step_time": step_time, "expires": expires}
        live = select(auth_sessions.c.id).where(_in_root(root_id), auth_sessions.c.expires > step_time)
        if self._lock:  # a tab another login holds is at a step of its own right now: no lock waits on another
            live = live.with_for_update(skip_locked=True)
        await self._c.execute(update(auth_sessions).where(auth_sessions.c.id.in_(live)).values(**values))

    async def get_auth_session(self, session_id: str) -> AuthSession | None:
        if "\x00" in session_id:  # no tab has one (PostgreSQL refuses a NUL in a text): unknown on both engines
            return None
        row = (await self._c.execute(self._tabs(select(auth_sessions).where(auth_sessions.c.id == session_id)))).first()
        return _auth_session(row._mapping) if row is not None else None

    async def get_tab(
        self, realm_id: str, root_id: str, tab_id: str | None, form_token: str | None = None
    ) -> AuthSession | None:
        """The tab ``tab_id`` of the browser's root authentication session (AuthenticationSessionManager's
        getCurrentAuthenticationSession); without a ``tab_id``, the tab whose form code is ``form_token``, else
        the tab opened last. Locked until the transaction ends when this repository locks (the module's note)."""
        if "\x00" in root_id + (tab_id or ""):  # as get_auth_session: unknown on both engines
            return None
        query = select(auth_sessions).where(auth_sessions.c.realm_id == realm_id, _in_root(root_id))
        if tab_id is not None:
            query = query.where(auth_sessions.c.id == tab_id)
        elif form_token and "\x00" not in form_token:  # a form code with a NUL is no tab's: the newest one
            found = (await self._c.execute(self._tabs(query.where(auth_sessions.c.form_token == form_token)))).first()
            if found is not None:
                return _auth_session(found._mapping)
        newest = query.order_by(auth_sessions.c.started.desc()).limit(1)
        row = (await self._c.execute(self._tabs(newest))).first()
        return _auth_session(row._mapping) if row is not None else None

    async def root_alive(self, realm_id: str, root_id: str, now: int | None, *, besides: str | None = None) -> bool:
        """Whether the root authentication session still has a tab (other than ``besides``) live at ``now``
        (None: any tab not yet purged)."""
        query = select(auth_sessions.c.id).where(auth_sessions.c.realm_id == realm_id, _in_root(root_id))
        if now is not None:
            query = query.where(auth_sessions.c.expires > now)
        if besides is not None:
            query = query.where(auth_sessions.c.id != besides)
        return (await self._c.execute(query.limit(1))).first() is not None

    async def delete_root(self, root_id: str) -> None:
        """Every tab of the root authentication session ``root_id`` (removeRootAuthenticationSession)."""
        await self._c.execute(delete(auth_sessions).where(_in_root(root_id)))

    async def drop_oldest_tabs(self, realm_id: str, root_id: str, keep: int) -> None:
        """RootAuthenticationSessionAdapter.createAuthenticationSession at its limit: the root's tabs beyond the
        ``keep`` newest are removed, the oldest first (by their creation, TIMESTAMP_COMPARATOR)."""
        query = select(auth_sessions.c.id).where(auth_sessions.c.realm_id == realm_id, _in_root(root_id))
        ids = [row.id for row in await self._c.execute(query.order_by(auth_sessions.c.started, auth_sessions.c.id))]
        if len(ids) > keep:
            await self._c.execute(delete(auth_sessions).where(auth_sessions.c.id.in_(ids[: len(ids) - keep])))

    async def advance_auth_session(
        self, session_id: str, user_id: str | None, step: str, form_token: str, notes: dict[str, Any] | None = None
    ) -> None:
        """Record the next step, who is logging in and the step's notes, with a fresh form token (the old one
        is burnt)."""
        await self._c.execute(
            update(auth_sessions)
            .where(auth_sessions.c.id == session_id)
            .values(user_id=user_id, step=step, form_token=form_token, notes=notes or {})
        )

    async def tabs_at_step(self, realm_id: str, step: str) -> list[AuthSession]:
        """The realm's tabs waiting at ``step`` (a login's tabs are few and short-lived)."""
        query = select(auth_sessions).where(auth_sessions.c.realm_id == realm_id, auth_sessions.c.step == step)
        return [_auth_session(row._mapping) for row in await self._c.execute(self._tabs(query))]

    async def replace_notes(self, session_id: str, notes: dict[str, Any]) -> None:
        """A tab's notes changed by another request than its own login's (its step and form token kept)."""
        await self._c.execute(update(auth_sessions).where(auth_sessions.c.id == session_id).values(notes=notes))

    async def replace_auth_request(self, session_id: str, request: dict[str, Any]) -> None:
        """Keep a changed login request (the user's pick of a language, ``kc_locale``) on the session."""
        await self._c.execute(update(auth_sessions).where(auth_sessions.c.id == session_id).values(request=request))

    async def delete_auth_session(self, session_id: str) -> None:
        await self._c.execute(delete(auth_sessions).where(auth_sessions.c.id == session_id))

    async def save_code(self, code_hash: str, code: StoredCode) -> None:
        await self._c.execute(insert(auth_codes), {"code_hash": code_hash, **code.__dict__})

    async def claim_code(self, code_hash: str, realm_id: str) -> tuple[StoredCode | None, bool]:
        """The realm's code and whether this call consumed it (False: unknown or already used). A code of
        another realm is unknown here and stays unused, as Keycloak's OAuth2CodeParser finds no user session
        of this realm before it takes the code from its store."""
        known = (auth_codes.c.code_hash == code_hash, auth_codes.c.realm_id == realm_id)
        row = (await self._c.execute(select(auth_codes).where(*known))).first()
        if row is None:
            return None, False
        m = dict(row._mapping)
        m.pop("code_hash")
        unused = (auth_codes.c.code_hash == code_hash, auth_codes.c.used.is_(False))
        result = await self._c.execute(update(auth_codes).where(*unused).values(used=True))
        return StoredCode(**m), bool(result.rowcount)

    async def purge(self, now: int) -> None:
        await self._c.execute(delete(auth_sessions).where(auth_sessions.c.expires < now))
        await self._c.execute(delete(auth_codes).where(auth_codes.c.expires < now - 3600))


def _in_root(root_id: str) -> Any:
    """The tabs of ``root_id``: a row of a login of one tab (no root) is its own root."""
    return or_(
        auth_sessions.c.root_id == root_id, and_(auth_sessions.c.root_id.is_(None), auth_sessions.c.id == root_id)
    )


def _auth_session(row: Any) -> AuthSession:
    values = dict(row)
    return AuthSession(**{**values, "notes": values.get("notes") or {}, "root_id": values.get("root_id") or ""})
