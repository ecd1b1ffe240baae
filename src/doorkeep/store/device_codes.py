"""Device authorizations of the OAuth 2.0 Device Authorization Grant (RFC 8628), by hashed device and user code.

Every change of state is a conditional ``UPDATE`` or ``DELETE`` whose row count decides: two polls in the same
interval, an approval racing a denial, two token requests with one approved code, only one wins in any number
of processes (Keycloak's single-use store: ``putIfAbsent``, ``replace``, ``remove``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import DEVICE_APPROVED, DEVICE_DENIED, DEVICE_PENDING, DeviceCode
from doorkeep.store.tables import device_codes

_FIELDS = tuple(DeviceCode.__dataclass_fields__)


def _model(row: Any) -> DeviceCode:
    m = row._mapping
    return DeviceCode(**{name: m[name] for name in _FIELDS})


class DeviceCodeRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self._c = conn

    async def user_code_taken(self, realm_id: str, user_code_hash: str) -> bool:
        found = await self._c.scalar(
            select(device_codes.c.device_code_hash).where(
                device_codes.c.realm_id == realm_id, device_codes.c.user_code_hash == user_code_hash
            )
        )
        return found is not None

    async def create(self, device_code_hash: str, user_code_hash: str, code: DeviceCode) -> None:
        await self._c.execute(
            insert(device_codes),
            {"device_code_hash": device_code_hash, "user_code_hash": user_code_hash, **code.__dict__},
        )

    async def by_device_code(self, device_code_hash: str, now: int) -> DeviceCode | None:
        """The authorization, unless gone (consumed, or kept past its ``keep_until``)."""
        row = (
            await self._c.execute(
                select(device_codes).where(
                    device_codes.c.device_code_hash == device_code_hash, device_codes.c.keep_until >= now
                )
            )
        ).first()
        return _model(row) if row else None

    async def by_user_code(self, realm_id: str, user_code_hash: str, now: int) -> DeviceCode | None:
        row = (
            await self._c.execute(
                select(device_codes).where(
                    device_codes.c.realm_id == realm_id,
                    device_codes.c.user_code_hash == user_code_hash,
                    device_codes.c.keep_until >= now,
                )
            )
        ).first()
        return _model(row) if row else None

    async def claim_poll(self, device_code_hash: str, now: int) -> bool:
        """Record a poll now, unless the last allowed one was less than its interval ago (then: ``slow_down``)."""
        result = await self._c.execute(
            update(device_codes)
            .where(device_codes.c.device_code_hash == device_code_hash, device_codes.c.next_poll <= now)
            .values(next_poll=now + device_codes.c.interval)
        )
        return bool(result.rowcount)

    async def approve(self, realm_id: str, user_code_hash: str, user_session_id: str, now: int) -> bool:
        """Approve a pending authorization for this user session and retire its user code; False if it is gone."""
        result = await self._c.execute(
            update(device_codes)
            .where(*self._pending(realm_id, user_code_hash, now))
            .values(status=DEVICE_APPROVED, user_session_id=user_session_id, user_code_hash=None)
        )
        return bool(result.rowcount)

    async def approve_backchannel(self, realm_id: str, user_code_hash: str, data: dict[str, Any], now: int) -> bool:
        """A CIBA request's authentication device said SUCCEED: approve it while pending, its ``data`` replaced
        (the callback's extra parameters added). The auth result id stays: a second callback must find it."""
        result = await self._c.execute(
            update(device_codes)
            .where(*self._pending(realm_id, user_code_hash, now))
            .values(status=DEVICE_APPROVED, data=data)
        )
        return bool(result.rowcount)

    async def remove(self, device_code_hash: str) -> None:
        """Drop an authorization whatever its state (a CIBA callback for a request no longer pending)."""
        await self._c.execute(delete(device_codes).where(device_codes.c.device_code_hash == device_code_hash))

    async def deny(self, realm_id: str, user_code_hash: str, now: int) -> bool:
        """Mark a pending (or already denied) authorization denied by the user; False if it is gone or approved
        (an approved code has no user code any more)."""
        result = await self._c.execute(
            update(device_codes)
            .where(
                device_codes.c.realm_id == realm_id,
                device_codes.c.user_code_hash == user_code_hash,
                device_codes.c.status.in_((DEVICE_PENDING, DEVICE_DENIED)),
                device_codes.c.keep_until >= now,
            )
            .values(status=DEVICE_DENIED)
        )
        return bool(result.rowcount)

    @staticmethod
    def _pending(realm_id: str, user_code_hash: str, now: int) -> tuple[Any, ...]:
        return (
            device_codes.c.realm_id == realm_id,
            device_codes.c.user_code_hash == user_code_hash,
            device_codes.c.status == DEVICE_PENDING,
            device_codes.c.keep_until >= now,
        )

    async def consume(self, device_code_hash: str) -> bool:
        """Remove an approved authorization as its tokens are issued; False if another request did first."""
        result = await self._c.execute(
            delete(device_codes).where(
                device_codes.c.device_code_hash == device_code_hash, device_codes.c.status == DEVICE_APPROVED
            )
        )
        return bool(result.rowcount)

    async def purge(self, now: int, batch: int) -> int:
        """Delete up to ``batch`` authorizations kept past their ``keep_until``; returns how many went."""
        doomed = select(device_codes.c.device_code_hash).where(device_codes.c.keep_until < now).limit(batch)
        result = await self._c.execute(delete(device_codes).where(device_codes.c.device_code_hash.in_(doomed)))
        return int(result.rowcount or 0)
