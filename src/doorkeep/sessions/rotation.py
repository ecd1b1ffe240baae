"""Refresh-token rotation and the writes of a successful refresh (KEYCLOAK.md §6.3, S2; issue #13 item 1).

A grant first validates (``check`` reads the family and decides), then mints, then calls
``record_refresh`` once: the client session's timestamp, the user session's last refresh and the
family row are written there and nowhere else. The only write ``check`` makes is Keycloak's
deliberate one: a reused or stale token detaches its client session, and that sticks.

With a refresh grace period (off by default; docs/refresh-grace-period.md) two things change. A
retry of the token just rotated away, inside the window and before its successor was used, is
answered with that same successor (``Rotation.replay``): one chain, one live successor, nothing
written. Any other reuse revokes only its own chain (the ``reuse_id`` family is marked revoked)
instead of detaching the client session, and the error carries a private reason for the event.
The rows' locks taken by ``resume`` (rotation on) serialise all of this per client session.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep import errors as e
from doorkeep import policy
from doorkeep.errors import InvalidGrant
from doorkeep.model import Client, ClientSession, Realm, RefreshFamily, UserSession

if TYPE_CHECKING:
    from doorkeep.oauth.minted import Minted
    from doorkeep.store.tx import Tx


@dataclass(frozen=True)
class Rotation:
    """What the rotation check decided: the family as it will be after this refresh (not written), or a
    grace-period retry to answer with the family's newest token again (``replay``; nothing to record)."""

    family: RefreshFamily
    replay: RefreshFamily | None = None


async def _verdict(
    tx: Tx,
    realm: Realm,
    client: Client,
    us: UserSession,
    token_jti: str,
    token_iat: int,
    reuse_id: str | None,
    fam: RefreshFamily | None = None,
) -> tuple[RefreshFamily, policy.ReuseVerdict]:
    if fam is None:  # not read with the sessions: read now (a missing row is a family not used yet)
        key = reuse_id or ""
        fam = await tx.sessions.get_family(us.id, us.offline, client.id, key) or RefreshFamily(key, None, 0, 0, None)
    if fam.revoked:  # a chain ended by reuse detection stays ended, whatever the settings now say
        return fam, policy.ReuseVerdict(e.STALE_TOKEN, fam.current_jti, fam.use_count)
    return fam, policy.reuse_verdict(token_jti, token_iat, fam, policy.refresh_token_max_reuse(realm, client))


async def refused(
    tx: Tx,
    realm: Realm,
    client: Client,
    us: UserSession,
    token_jti: str,
    token_iat: int,
    reuse_id: str | None,
) -> bool:
    """Whether a refresh with this token would now be refused as stale or reused (introspection; no write)."""
    return (await _verdict(tx, realm, client, us, token_jti, token_iat, reuse_id))[1].error is not None


async def check(
    tx: Tx,
    realm: Realm,
    client: Client,
    us: UserSession,
    token_jti: str,
    token_iat: int,
    reuse_id: str | None,
    now: int,
    family: RefreshFamily | None = None,
) -> Rotation:
    """Keycloak's validateTokenReuseForRefresh, with the grace period of issue #13 when it is on. ``family``: the
    token's family as read under the client session's lock with the sessions (None: read here, after the lock)."""
    fam, verdict = await _verdict(tx, realm, client, us, token_jti, token_iat, reuse_id, family)
    if verdict.error is None:
        return Rotation(dataclasses.replace(fam, current_jti=verdict.current_jti, use_count=verdict.use_count))
    grace = policy.refresh_grace_period(realm, client)
    if grace == 0:  # Keycloak: the whole client session goes
        await tx.sessions.detach_client_session(us.id, us.offline, client.id)
        raise InvalidGrant(verdict.error)
    if policy.grace_replay(token_jti, fam, grace, now):
        return Rotation(fam, replay=fam)
    if fam.revoked:
        raise InvalidGrant(verdict.error, detail=policy.CHAIN_REVOKED)
    # Only this chain dies: every token of this reuse_id is refused from now on, the others live on.
    await tx.sessions.save_family(us.id, us.offline, client.id, dataclasses.replace(fam, revoked=True))
    raise InvalidGrant(verdict.error, detail=policy.REUSED)


def new_family(reuse_id: str | None) -> RefreshFamily:
    """The family of a refresh token minted for a new session."""
    return RefreshFamily(reuse_id or "", None, 0, 0, None)


async def record_refresh(
    tx: Tx,
    us: UserSession,
    cs: ClientSession,
    client: Client,
    family: RefreshFamily | None,
    minted: Minted,
    now: int,
) -> None:
    """The writes of a successful grant, after every check and after minting.

    With a new refresh token both sessions are touched (the client session's timestamp is the
    newest refresh token's iat, S2) and, under rotation (``family``), the family records it as the
    latest, with its iat and exp for a retry inside the grace period. Without one only the family's
    use is recorded.

    ``us`` and ``cs`` are the sessions as read by this grant (under the rows' locks when rotating; without them
    for a rotation-off refresh, sessions/resume.py ``for_refresh``). A timestamp only moves forward, and one
    already at ``now`` is not written again: Keycloak's UserSessionAdapter.setLastSessionRefresh and
    AuthenticatedClientSessionAdapter.setTimestamp return when the new value is not above the stored one. A
    token refreshed many times a second thus costs no write (issue #8); the UPDATE itself keeps the rule against
    a concurrent refresh (store/sessions.py ``touch_sessions``).
    """
    refresh = minted.unsigned.get("refresh_token")
    touch_client = touch_user = False
    if minted.refresh_jti is not None:
        touch_client, touch_user = now > cs.timestamp, now > us.last_session_refresh
        if family is not None and refresh is not None:
            iat, exp = int(refresh.claims["iat"]), refresh.claims.get("exp")
            family = dataclasses.replace(
                family,
                last_refresh=now,
                latest_jti=minted.refresh_jti,
                latest_iat=iat,
                latest_exp=None if exp is None else int(exp),
            )
    if family is not None:  # rotating: the rows are locked; on PostgreSQL the touch and the family in one statement
        write = tx.sessions.save_family_touching
        await write(us.id, us.offline, client.id, family, now, client=touch_client, user=touch_user)
    elif touch_client or touch_user:
        await tx.sessions.touch_sessions(us.id, us.offline, client.id, now, client=touch_client, user=touch_user)
