"""User sessions by the identity provider session they were brokered from (UserSessionProvider's
getUserSessionByBrokerSessionId and getOfflineUserSessionByBrokerSessionId): the ``broker_session_id`` column,
``{alias}.{session_state}`` of the provider's token response, written when a brokered login makes the session and
carried to the offline session made from it."""

from __future__ import annotations

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import UserSession
from doorkeep.store.sessions import user_session_from
from doorkeep.store.tables import user_sessions

US = user_sessions.c


class BrokerSessionRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self._c = conn

    async def note(self, session_id: str, broker_session_id: str) -> None:
        """The online session was brokered from this provider session."""
        query = update(user_sessions).where(US.id == session_id, US.offline == bindparam("off", False))
        await self._c.execute(query.values(broker_session_id=broker_session_id))

    async def sessions(self, realm_id: str, broker_session_id: str, offline: bool) -> list[UserSession]:
        """The realm's online or offline sessions brokered from that provider session."""
        query = select(user_sessions).where(
            US.realm_id == realm_id, US.broker_session_id == broker_session_id, US.offline == offline
        )
        return [user_session_from(r) for r in await self._c.execute(query.order_by(US.started, US.id))]
