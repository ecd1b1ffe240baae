"""Offline idle and max lifetimes at the edge while refreshes storm both workers over PostgreSQL (short realm
timeouts, DESIGN.md §6). Persistent sessions leave no idle skew (SessionTimeoutHelper: 0), so a session refreshed
within its idle timeout lives on, one left idle past it is refused "Offline session not active" and removed (S1
validateToken); with Offline Session Max Limited the session ends at its max however often it is refreshed, and no
token outlives it: ``expires_in`` and ``refresh_expires_in`` are capped to what is left (KEYCLOAK.md §3.2, §5.3)."""

from __future__ import annotations

import asyncio
import time

import pytest

from hostile_s65_cluster import Cluster, claims, outcome, storm, two_workers

__all__ = ["two_workers"]
pytestmark = [pytest.mark.anyio, pytest.mark.interop, pytest.mark.postgres]

GONE = {(400, "Offline session not active"), (400, "Offline user session not found")}
EXPIRED = (400, "Token is not active")  # the offline token's own exp, set under Offline Session Max Limited
DEFAULTS = {"offlineSessionIdleTimeout": 2592000, "offlineSessionMaxLifespanEnabled": False}


async def test_refreshing_within_the_idle_timeout_keeps_the_session_and_idling_past_it_ends_it(
    two_workers: Cluster,
) -> None:
    cluster = two_workers
    await cluster.realm(revokeRefreshToken=False, offlineSessionIdleTimeout=3)
    try:
        other = await cluster.client_uuid("other")
        token = (await cluster.offline_login("user4", "other"))["refresh_token"]
        last = claims(token)["iat"]
        for _ in range(5):  # 5 s of refreshes a second apart: never idle 3 s
            answers = await storm(8, lambda: cluster.refresh(token, "other"))
            assert {outcome(a) for a in answers} == {(200, "")}, (time.time() - last, [a.text for a in answers])
            last = max(claims(a.json()["access_token"])["iat"] for a in answers)
            await asyncio.sleep(1)
        await asyncio.sleep(3.5)
        late = await storm(8, lambda: cluster.refresh(token, "other"))
        assert {outcome(a) for a in late} <= GONE, [a.text for a in late]
        assert (await cluster.admin_json(f"/clients/{other}/offline-session-count"))["count"] == 0
    finally:
        await cluster.realm(**DEFAULTS)


async def test_no_refresh_outlives_the_offline_max_nor_issues_a_token_past_it(two_workers: Cluster) -> None:
    cluster = two_workers
    await cluster.realm(revokeRefreshToken=False, offlineSessionMaxLifespanEnabled=True, offlineSessionMaxLifespan=4)
    try:
        login = await cluster.offline_login("user5", "other")
        token, end = login["refresh_token"], claims(login["access_token"])["iat"] + 4
        issued = []
        while time.time() < end + 1.5:
            answers = await storm(8, lambda: cluster.refresh(token, "other"))
            for answer in answers:
                if answer.status_code == 200:
                    body = answer.json()
                    issued.append(body)
                    assert claims(body["access_token"])["exp"] <= end, body
                    assert claims(body["refresh_token"])["exp"] <= end, body
                else:
                    assert outcome(answer) in GONE | {EXPIRED}, answer.text
            await asyncio.sleep(0.4)
        assert issued, "no refresh passed before the max"
        late = await storm(8, lambda: cluster.refresh(token, "other"))
        assert {outcome(a) for a in late} <= GONE | {EXPIRED}, [a.text for a in late]
        assert not (await cluster.introspect(issued[-1]["access_token"], "other"))["active"]
    finally:
        await cluster.realm(**DEFAULTS)
