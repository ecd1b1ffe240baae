"""What the push-revocation tests share: the realm they push from and the reading of the pushed action."""

from __future__ import annotations

from typing import Any

import jwt

from support import seed_client, seed_realm
from wire_env import Env


async def seeded(env: Env) -> Env:
    """Realm ``test`` with the client ``app``."""
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    return env


async def verified(env: Env, token: str) -> dict[str, Any]:
    """A pushed admin action's claims, its signature checked against the realm's published keys."""
    jwks = jwt.PyJWKSet.from_dict((await env.http.get("/realms/test/protocol/openid-connect/certs")).json())
    head = jwt.get_unverified_header(token)
    key = next(k for k in jwks.keys if k.key_id == head["kid"])
    return dict(jwt.decode(token, key.key, algorithms=[head["alg"]]))


async def client_uuid(env: Env, client_id: str) -> str:
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        client = await tx.clients.get_by_client_id(realm.id, client_id)
        assert client is not None
        return client.id
