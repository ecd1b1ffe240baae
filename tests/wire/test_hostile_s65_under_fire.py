"""Revocation racing refreshes on two workers over PostgreSQL, rotation off (the lock-free refresh path: a refresh
reads its session without row locks, sessions/resume.py ``for_refresh``). Ten clients keep refreshing one offline
token through both workers while the revocation runs; once the revocation has answered, no refresh sent after it
succeeds, and no token any refresh issued (even one in flight across the revocation) introspects active.

The revocations are Keycloak's: the admin's ``DELETE sessions/{id}?isOffline=true`` (RealmAdminResource), the
logout endpoint with the offline token and the revoke endpoint (S17, S16), the consent revoked through the account
console and through the admin (UserConsentManager.revokeConsentToClient), the user disabled and the client disabled
(TokenManager.validateToken, AuthorizeClientUtil), the user's logout and the realm's not-before (NotBeforeCheck),
and the client secret regenerated (the old secret authenticates nothing)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx
import pytest

from hostile_s65_cluster import SECRETS, Cluster, claims, two_workers

__all__ = ["two_workers"]
pytestmark = [pytest.mark.anyio, pytest.mark.interop, pytest.mark.postgres]

HAMMERS = 10


@dataclass(frozen=True)
class Shot:
    sent: float
    answer: httpx.Response


async def _hammer(cluster: Cluster, token: str, client: str, stop: asyncio.Event, shots: list[Shot]) -> None:
    while not stop.is_set():
        sent = time.monotonic()
        shots.append(Shot(sent, await cluster.refresh(token, client)))


async def _under_fire(cluster: Cluster, token: str, client: str, revoke: Callable[[], Awaitable[None]]) -> list[Shot]:
    """Refreshes of ``token`` from HAMMERS clients before, across and after ``revoke``; the shots sent after it
    answered are those whose ``sent`` is past the returned mark (the first Shot of the list, a marker)."""
    stop, shots = asyncio.Event(), list[Shot]()
    hammers = [asyncio.create_task(_hammer(cluster, token, client, stop, shots)) for _ in range(HAMMERS)]
    await asyncio.sleep(0.3)
    await revoke()
    revoked_at = time.monotonic()
    await asyncio.sleep(0.6)
    stop.set()
    await asyncio.gather(*hammers)
    assert any(s.sent < revoked_at for s in shots) and any(s.sent > revoked_at for s in shots)
    late = [s.answer for s in shots if s.sent > revoked_at]
    assert [a.status_code for a in late if a.status_code == 200] == [], "a refresh sent after the revocation passed"
    assert {a.status_code for a in late} <= {400, 401}, {a.text for a in late}
    return shots


async def _dead(cluster: Cluster, shots: list[Shot], client: str = "app") -> None:
    """Every token issued under fire is inactive now, the refresh and the access token alike."""
    issued = [s.answer.json() for s in shots if s.answer.status_code == 200]
    for tokens in issued[-3:] + issued[:1]:  # the last ones answered, across or just before the revocation
        for kind in ("refresh_token", "access_token"):
            assert not (await cluster.introspect(tokens[kind], client))["active"], kind


async def _ok(answer: Awaitable[httpx.Response], *codes: int) -> None:
    response = await answer
    assert response.status_code in (codes or (204,)), response.text


async def _offline(cluster: Cluster, user: str, client: str = "app") -> dict[str, str]:
    await cluster.realm(revokeRefreshToken=False)
    return {k: str(v) for k, v in (await cluster.offline_login(user, client)).items()}


async def test_the_admin_ending_the_offline_session(two_workers: Cluster) -> None:
    cluster = two_workers
    tokens = await _offline(cluster, "user1")
    sid = claims(tokens["refresh_token"])["sid"]
    shots = await _under_fire(
        cluster, tokens["refresh_token"], "app", lambda: _ok(cluster.admin("DELETE", f"/sessions/{sid}?isOffline=true"))
    )
    await _dead(cluster, shots)


async def test_logout_with_the_offline_token(two_workers: Cluster) -> None:
    cluster = two_workers
    tokens = await _offline(cluster, "user2")
    form = {"refresh_token": tokens["refresh_token"]}
    shots = await _under_fire(cluster, tokens["refresh_token"], "app", lambda: _ok(cluster.post("logout", form)))
    await _dead(cluster, shots)


async def test_the_revoke_endpoint(two_workers: Cluster) -> None:
    cluster = two_workers
    tokens = await _offline(cluster, "user3")
    form = {"token": tokens["refresh_token"], "token_type_hint": "refresh_token"}
    shots = await _under_fire(cluster, tokens["refresh_token"], "app", lambda: _ok(cluster.post("revoke", form), 200))
    await _dead(cluster, shots)


async def test_the_user_revoking_consent_in_the_account_console(two_workers: Cluster) -> None:
    cluster = two_workers
    tokens = await _offline(cluster, "user4")

    async def revoke() -> None:
        async with cluster.http() as http:
            headers = {"Authorization": f"Bearer {tokens['access_token']}"}
            gone = await http.delete("/realms/s65/account/applications/app/consent", headers=headers)
        assert gone.status_code == 204, gone.text

    shots = await _under_fire(cluster, tokens["refresh_token"], "app", revoke)
    await _dead(cluster, shots)


async def test_the_admin_revoking_consent(two_workers: Cluster) -> None:
    cluster = two_workers
    tokens = await _offline(cluster, "user5")
    user = await cluster.user_id("user5")
    shots = await _under_fire(
        cluster, tokens["refresh_token"], "app", lambda: _ok(cluster.admin("DELETE", f"/users/{user}/consents/app"))
    )
    await _dead(cluster, shots)


async def test_the_user_disabled(two_workers: Cluster) -> None:
    cluster = two_workers
    tokens = await _offline(cluster, "user6")
    user = await cluster.user_id("user6")
    try:
        shots = await _under_fire(
            cluster,
            tokens["refresh_token"],
            "app",
            lambda: _ok(cluster.admin("PUT", f"/users/{user}", {"enabled": False})),
        )
        await _dead(cluster, shots)
    finally:
        await _ok(cluster.admin("PUT", f"/users/{user}", {"enabled": True}))


async def test_the_users_logout_setting_their_not_before(two_workers: Cluster) -> None:
    cluster = two_workers
    tokens = await _offline(cluster, "user7")
    user = await cluster.user_id("user7")
    await asyncio.sleep(1.1)  # not-before is in seconds: the token must be older than the logout's second
    shots = await _under_fire(
        cluster, tokens["refresh_token"], "app", lambda: _ok(cluster.admin("POST", f"/users/{user}/logout"))
    )
    refused = {s.answer.json()["error_description"] for s in shots if s.answer.status_code == 400}
    assert refused == {"Stale token"}, refused


async def test_the_realms_not_before(two_workers: Cluster) -> None:
    cluster = two_workers
    tokens = await _offline(cluster, "user8")
    await asyncio.sleep(1.1)
    try:
        shots = await _under_fire(
            cluster, tokens["refresh_token"], "app", lambda: cluster.realm(notBefore=int(time.time()))
        )
        refused = {s.answer.json()["error_description"] for s in shots if s.answer.status_code == 400}
        assert refused == {"Stale token"}, refused
    finally:
        await cluster.realm(notBefore=0)


async def test_the_client_disabled(two_workers: Cluster) -> None:
    cluster = two_workers
    tokens = await _offline(cluster, "user9", "other")
    other = await cluster.client_uuid("other")
    try:
        shots = await _under_fire(
            cluster,
            tokens["refresh_token"],
            "other",
            lambda: _ok(cluster.admin("PUT", f"/clients/{other}", {"enabled": False})),
        )
        late = {(s.answer.status_code, s.answer.json()["error"]) for s in shots if s.answer.status_code != 200}
        assert late == {(401, "invalid_client")}, late
    finally:
        await _ok(cluster.admin("PUT", f"/clients/{other}", {"enabled": True}))


async def test_the_client_secret_regenerated(two_workers: Cluster) -> None:
    """The sessions live on (Keycloak revokes nothing on a new secret); the old secret refreshes nothing after."""
    cluster = two_workers
    tokens = await _offline(cluster, "user0", "other")
    other = await cluster.client_uuid("other")
    try:
        shots = await _under_fire(
            cluster,
            tokens["refresh_token"],
            "other",
            lambda: _ok(cluster.admin("POST", f"/clients/{other}/client-secret"), 200),
        )
        late = {(s.answer.status_code, s.answer.json()["error"]) for s in shots if s.answer.status_code != 200}
        assert late == {(401, "unauthorized_client")}, late
    finally:
        await _ok(cluster.admin("PUT", f"/clients/{other}", {"secret": SECRETS["other"]}))
    assert (await cluster.refresh(tokens["refresh_token"], "other")).status_code == 200


@pytest.mark.parametrize("path", ["admin", "revoke"])
async def test_the_same_under_rotation_with_its_row_locks(two_workers: Cluster, path: str) -> None:
    """Revoke Refresh Token on (the refresh reads its sessions under row locks), the reuse limit set out of reach
    so that only the revocation refuses: the admin's session delete and the revoke endpoint hold as above."""
    cluster = two_workers
    user = {"admin": "user1", "revoke": "user3"}[path]
    await cluster.realm(revokeRefreshToken=True, refreshTokenMaxReuse=100000)
    try:
        tokens = {k: str(v) for k, v in (await cluster.offline_login(user)).items()}
        sid = claims(tokens["refresh_token"])["sid"]
        form = {"token": tokens["refresh_token"], "token_type_hint": "refresh_token"}
        revoke = {
            "admin": lambda: _ok(cluster.admin("DELETE", f"/sessions/{sid}?isOffline=true")),
            "revoke": lambda: _ok(cluster.post("revoke", form), 200),
        }[path]
        shots = await _under_fire(cluster, tokens["refresh_token"], "app", revoke)
        await _dead(cluster, shots)
    finally:
        await cluster.realm(revokeRefreshToken=False, refreshTokenMaxReuse=0)
