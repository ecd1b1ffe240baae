"""Browser-login state: authentication sessions and single-use authorization codes."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import AuthSession, StoredCode
from doorkeep.store.tables import auth_codes, auth_sessions


class FlowRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self._c = conn

    async def create_auth_session(self, s: AuthSession) -> None:
        await self._c.execute(insert(auth_sessions).values(**s.__dict__))

    async def get_auth_session(self, session_id: str) -> AuthSession | None:
        row = (await self._c.execute(select(auth_sessions).where(auth_sessions.c.id == session_id))).first()
        if row is None:
            return None
        values = dict(row._mapping)
        return AuthSession(**{**values, "notes": values.get("notes") or {}})

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

    async def replace_auth_request(self, session_id: str, request: dict[str, Any]) -> None:
        """Keep a changed login request (the user's pick of a language, ``kc_locale``) on the session."""
        await self._c.execute(update(auth_sessions).where(auth_sessions.c.id == session_id).values(request=request))

    async def delete_auth_session(self, session_id: str) -> None:
        await self._c.execute(delete(auth_sessions).where(auth_sessions.c.id == session_id))

    async def save_code(self, code_hash: str, code: StoredCode) -> None:
        await self._c.execute(insert(auth_codes).values(code_hash=code_hash, **code.__dict__))

    async def claim_code(self, code_hash: str) -> tuple[StoredCode | None, bool]:
        """The code and whether this call consumed it (False: unknown or already used)."""
        row = (await self._c.execute(select(auth_codes).where(auth_codes.c.code_hash == code_hash))).first()
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
