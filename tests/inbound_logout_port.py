"""The shared steps of the wire tests of an identity provider's back-channel logout into the consumer realm
``test`` (test_broker_backchannel_logout.py, test_kc_s66d_backchannel_logout.py): the provider ``kc`` set up on
``broker_support.served`` realms, logout tokens signed with the provider realm's own key, their POST, and the
LOGOUT / LOGOUT_ERROR events recorded."""

from __future__ import annotations

from typing import Any

import httpx

from broker_support import SAVED, Broker
from doorkeep.keys.ring import KeyRing
from doorkeep.tokens import TokenCodec
from support import update_client, update_realm
from wire_env import Env

BACKCHANNEL = "/realms/test/protocol/openid-connect/logout/backchannel-logout"
EVENT = "http://schemas.openid.net/event/backchannel-logout"


async def setup(broker: Broker, *, session_required: str = "true", **config: str) -> None:
    """The consumer's provider ``kc``; the provider's client ``broker-app`` told by back-channel logout."""
    env = broker.env
    attributes = {
        "backchannel.logout.url": broker.base + BACKCHANNEL,
        "backchannel.logout.session.required": session_required,
    }
    await update_client(env.db, "provider", "broker-app", attributes=attributes)
    await update_realm(env.db, "test", enabled_event_types=(*SAVED, "LOGOUT", "LOGOUT_ERROR"))
    headers = await env.admin_headers()
    rep = broker.provider_rep(**config)
    created = await env.http.post("/admin/realms/test/identity-provider/instances", json=rep, headers=headers)
    assert created.status_code == 201, created.text


async def events(env: Env) -> list[dict[str, Any]]:
    """The consumer realm's LOGOUT and LOGOUT_ERROR events."""
    got = await env.http.get("/admin/realms/test/events", headers=await env.admin_headers())
    return [e for e in got.json() if e["type"] in ("LOGOUT", "LOGOUT_ERROR")]


async def signed(env: Env, claims: dict[str, Any], alg: str = "RS256") -> str:
    """A token signed with the provider realm's own key, as its logout tokens are."""
    async with env.db.transaction() as tx:
        provider = await tx.realms.get_by_name("provider")
        assert provider is not None
        return await TokenCodec(KeyRing()).sign(tx, provider.id, claims, alg, env.clock.now(), typ="logout+jwt")


def claims(broker: Broker, sid: str | None, sub: str | None, **more: Any) -> dict[str, Any]:
    """A logout token's claims from the provider to ``broker-app`` (a None value leaves its claim out)."""
    now = broker.env.clock.now()
    found: dict[str, Any] = {
        "iss": f"{broker.base}/realms/provider",
        "aud": "broker-app",
        "iat": now,
        "exp": now + 120,
        "jti": f"jti-{now}-{sid}-{sub}",
        "typ": "Logout",
        "events": {EVENT: {}},
        **more,
    }
    found |= {k: v for k, v in (("sid", sid), ("sub", sub)) if v is not None}
    return {k: v for k, v in found.items() if v is not None}


async def post(http: httpx.AsyncClient, token: str) -> httpx.Response:
    return await http.post(BACKCHANNEL, data={"logout_token": token})
