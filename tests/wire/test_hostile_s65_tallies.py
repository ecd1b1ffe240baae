"""Offline session counts on two workers over PostgreSQL, exact after concurrent logins, refreshes and revocations:
``clients/{id}/offline-session-count`` and ``offline-sessions`` (ClientResource), ``client-session-stats``
(RealmAdminResource: string values) and ``users/{id}/offline-sessions/{client}`` (UserResource). Every password
grant with ``offline_access`` is a new offline session (KEYCLOAK.md §4.3 #5); a revoked offline token takes its
client out of that session, which goes when no client is left (S16)."""

from __future__ import annotations

import asyncio
from collections import Counter
from typing import Any

import pytest

from hostile_s65_cluster import USERS, Cluster, claims, two_workers

__all__ = ["two_workers"]
pytestmark = [pytest.mark.anyio, pytest.mark.interop, pytest.mark.postgres]

PER_USER = 2


async def _counts(cluster: Cluster, client_uuid: str) -> tuple[int, int, str]:
    count = (await cluster.admin_json(f"/clients/{client_uuid}/offline-session-count"))["count"]
    listed = await cluster.admin_json(f"/clients/{client_uuid}/offline-sessions?max=1000")
    stats = await cluster.admin_json("/client-session-stats")
    offline = next((s["offline"] for s in stats if s["id"] == client_uuid), "0")
    return int(count), len(listed), str(offline)


async def test_counts_are_exact_after_concurrent_logins_refreshes_and_revocations(two_workers: Cluster) -> None:
    cluster = two_workers
    await cluster.realm(revokeRefreshToken=False)
    other = await cluster.client_uuid("other")
    assert await _counts(cluster, other) == (0, 0, "0")
    logins: list[dict[str, Any]] = list(
        await asyncio.gather(*(cluster.offline_login(user, "other") for user in USERS for _ in range(PER_USER)))
    )
    made = len(USERS) * PER_USER
    assert len({claims(t["refresh_token"])["sid"] for t in logins}) == made
    refreshed = await asyncio.gather(*(cluster.refresh(t["refresh_token"], "other") for t in logins for _ in range(2)))
    assert {r.status_code for r in refreshed} == {200}, {r.text for r in refreshed if r.status_code != 200}
    assert await _counts(cluster, other) == (made, made, str(made))
    for user in USERS[:3]:
        uid = await cluster.user_id(user)
        assert len(await cluster.admin_json(f"/users/{uid}/offline-sessions/{other}")) == PER_USER
    doomed, kept = logins[::4], [t for n, t in enumerate(logins) if n % 4]

    async def revoke(tokens: dict[str, Any]) -> int:
        form = {"token": tokens["refresh_token"], "token_type_hint": "refresh_token"}
        return (await cluster.post("revoke", form, "other")).status_code

    async def refresh(tokens: dict[str, Any]) -> int:
        return (await cluster.refresh(tokens["refresh_token"], "other")).status_code

    racing = await asyncio.gather(*(revoke(t) for t in doomed), *(refresh(t) for t in kept))
    assert racing == [200] * len(racing), racing
    left = made - len(doomed)
    assert await _counts(cluster, other) == (left, left, str(left))
    for sub, expected in Counter(claims(t["refresh_token"])["sub"] for t in kept).items():
        assert len(await cluster.admin_json(f"/users/{sub}/offline-sessions/{other}")) == expected
    # The admin ending the rest, all at once, through both workers: none left.
    ended = await asyncio.gather(
        *(cluster.admin("DELETE", f"/sessions/{claims(t['refresh_token'])['sid']}?isOffline=true") for t in kept)
    )
    assert {e.status_code for e in ended} == {204}, {e.text for e in ended}
    assert await _counts(cluster, other) == (0, 0, "0")
