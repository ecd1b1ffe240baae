"""Users' links to identity providers, made and read through the store (the consoles' linked-accounts tests)."""

from __future__ import annotations

from typing import Any

from doorkeep.model import FederatedIdentity
from wire_env import Env


def provider(alias: str, *, enabled: bool = True, **extra: Any) -> dict[str, Any]:
    """An OpenID Connect provider's representation as the realm stores it; ``config`` entries added to its own."""
    config = {"clientId": "x", **extra.pop("config", {})}
    return {"alias": alias, "providerId": "oidc", "enabled": enabled, "config": config, **extra}


async def link(env: Env, username: str, alias: str, federated_username: str = "ext") -> None:
    """``username`` of realm ``test`` linked to ``alias`` as ``federated_username`` (id ``username@alias``)."""
    async with env.db.transaction() as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        user = await tx.users.get_by_username(test.id, username)
        assert user is not None
        await tx.federated.add(test.id, FederatedIdentity(user.id, alias, f"{username}@{alias}", federated_username))


async def links(env: Env, username: str = "user1") -> list[str]:
    """The aliases ``username`` of realm ``test`` is linked to."""
    async with env.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        user = await tx.users.get_by_username(test.id, username)
        assert user is not None
        return [f.alias for f in await tx.federated.of_user(user.id)]
