"""Refresh-token rotation stormed on two workers over PostgreSQL (Keycloak's Revoke Refresh Token on, max reuse 0, 1
and 2): one offline token sent many times at once, the requests spread over both processes. Keycloak serialises
the refreshes of one family (AbstractRefreshTokenProvider's ``refreshLock``), counts each use on the offline
client session (``refreshTokenUseCount``) and, past the limit, detaches the client session
(TokenManager.validateTokenReuseForRefresh): exactly max reuse + 1 succeed, and every token the winners got is
dead after (RefreshTokenRevokeTest, GH-45647's parallel refreshes)."""

from __future__ import annotations

import pytest

from hostile_s65_cluster import Cluster, claims, outcome, storm, two_workers

__all__ = ["two_workers"]
pytestmark = [pytest.mark.anyio, pytest.mark.interop, pytest.mark.postgres]

IN_FLIGHT = 30
REFUSED = {
    (400, "Maximum allowed refresh token reuse exceeded"),
    (400, "Session doesn't have required client"),
    (400, "Stale token"),
}


@pytest.mark.parametrize("max_reuse", [0, 1, 2])
async def test_exactly_max_reuse_plus_one_of_a_stormed_offline_token_succeed(
    two_workers: Cluster, max_reuse: int
) -> None:
    cluster = two_workers
    await cluster.realm(revokeRefreshToken=True, refreshTokenMaxReuse=max_reuse)
    token = (await cluster.offline_login("user1"))["refresh_token"]
    answers = await storm(IN_FLIGHT, lambda: cluster.refresh(token))
    outcomes = [outcome(a) for a in answers]
    winners = [a.json()["refresh_token"] for a in answers if a.status_code == 200]
    assert len(winners) == max_reuse + 1, outcomes
    assert set(outcomes) - {(200, "")} <= REFUSED, outcomes
    assert all(claims(w)["typ"] == "Offline" for w in winners)
    # Past the limit the client session is gone: no winner's token refreshes, on either worker.
    after = await storm(6, lambda: cluster.refresh(winners[-1]))
    assert {outcome(a) for a in after} == {(400, "Session doesn't have required client")}, [a.text for a in after]
    assert not (await cluster.introspect(winners[-1]))["active"]


async def test_two_families_stormed_at_once_are_counted_apart(two_workers: Cluster) -> None:
    """RefreshTokenRevokeTest.refreshTokenReuseOnDifferentTab: each login's family keeps its own count, even with
    both stormed together through both workers (max reuse 1: two successes each)."""
    cluster = two_workers
    await cluster.realm(revokeRefreshToken=True, refreshTokenMaxReuse=1)
    first = (await cluster.offline_login("user2"))["refresh_token"]
    second = (await cluster.offline_login("user2"))["refresh_token"]
    assert claims(first)["reuse_id"] != claims(second)["reuse_id"]
    answers = await storm(IN_FLIGHT, lambda: cluster.refresh(first)) + await storm(
        IN_FLIGHT, lambda: cluster.refresh(second)
    )
    by_family = [claims(a.json()["refresh_token"])["sid"] for a in answers if a.status_code == 200]
    assert sorted(by_family) == sorted([claims(first)["sid"]] * 2 + [claims(second)["sid"]] * 2), by_family


async def test_a_chain_refreshed_in_turn_on_both_workers_never_trips_the_limit(two_workers: Cluster) -> None:
    """Max reuse 0, each successor used once: twenty rotations through whatever worker answers all succeed."""
    cluster = two_workers
    await cluster.realm(revokeRefreshToken=True, refreshTokenMaxReuse=0)
    token = (await cluster.offline_login("user3"))["refresh_token"]
    for _ in range(20):
        answer = await cluster.refresh(token)
        assert answer.status_code == 200, answer.text
        token = answer.json()["refresh_token"]
