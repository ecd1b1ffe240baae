"""Refresh-token rotation and the writes of a successful refresh (KEYCLOAK.md §6.3, S2).

A grant first validates (``check`` reads the family and decides), then mints, then calls
``record_refresh`` once: the client session's timestamp, the user session's last refresh and the
family row are written there and nowhere else. The only write ``check`` makes is Keycloak's
deliberate one: a reused or stale token detaches its client session, and that sticks.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from doorkeep import policy
from doorkeep.errors import InvalidGrant
from doorkeep.model import Client, Realm, RefreshFamily, UserSession

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


async def _verdict(
    tx: Tx,
    realm: Realm,
    client: Client,
    us: UserSession,
    token_jti: str,
    token_iat: int,
    reuse_id: str | None,
) -> tuple[RefreshFamily, policy.ReuseVerdict]:
    key = reuse_id or ""
    fam = await tx.sessions.get_family(us.id, us.offline, client.id, key) or RefreshFamily(key, None, 0, 0, None)
    return fam, policy.reuse_verdict(
        token_jti,
        token_iat,
        fam.current_jti,
        fam.latest_jti,
        fam.last_refresh,
        fam.use_count,
        policy.refresh_token_max_reuse(realm, client),
    )


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
) -> RefreshFamily:
    """Keycloak's validateTokenReuseForRefresh: the family as it will be after this refresh (not written)."""
    fam, verdict = await _verdict(tx, realm, client, us, token_jti, token_iat, reuse_id)
    if verdict.error is not None:
        await tx.sessions.detach_client_session(us.id, us.offline, client.id)
        raise InvalidGrant(verdict.error)
    return dataclasses.replace(fam, current_jti=verdict.current_jti, use_count=verdict.use_count)


def new_family(reuse_id: str | None) -> RefreshFamily:
    """The family of a refresh token minted for a new session."""
    return RefreshFamily(reuse_id or "", None, 0, 0, None)


async def record_refresh(
    tx: Tx,
    us: UserSession,
    client: Client,
    family: RefreshFamily | None,
    refresh_jti: str | None,
    now: int,
) -> None:
    """The writes of a successful grant, after every check and after minting.

    With a new refresh token (``refresh_jti``) both sessions are touched (the client session's
    timestamp is the newest refresh token's iat, S2) and, under rotation (``family``), the family
    records it as the latest. Without one only the family's use is recorded.
    """
    if refresh_jti is not None:
        await tx.sessions.touch_client_session(us.id, us.offline, client.id, now)
        await tx.sessions.touch_user_session(us.id, us.offline, now)
        if family is not None:
            family = dataclasses.replace(family, last_refresh=now, latest_jti=refresh_jti)
    if family is not None:
        await tx.sessions.save_family(us.id, us.offline, client.id, family)
