"""Gathering who registers or updates a client for the client-updater-source-* conditions (ClientCRUDContext's
authenticated user or token subject, and the request's remote address), read only when an enabled policy of the
realm has such a condition. Host names are resolved here, not in the conditions, which stay pure."""

from __future__ import annotations

import socket
from typing import TYPE_CHECKING

import anyio

from doorkeep.clientpolicies import engine, updater_conditions
from doorkeep.clientpolicies.context import UpdaterFacts
from doorkeep.model import Realm, User
from doorkeep.oauth.roles import user_roles

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

DNS_SECONDS = 3.0  # a trusted host that does not resolve in time matches nothing, as an unknown host


async def _addresses(host: str) -> frozenset[str]:
    """The addresses ``host`` resolves to (InetAddress.getByName); none when it does not resolve."""
    with anyio.move_on_after(DNS_SECONDS):
        try:
            found = await anyio.getaddrinfo(host, None, type=socket.SOCK_STREAM)
        except OSError:
            return frozenset()
        return frozenset(str(info[4][0]) for info in found)
    return frozenset()


async def _host_name(address: str) -> str | None:
    """The host name of ``address`` (a reverse lookup); None when it has none."""
    with anyio.move_on_after(DNS_SECONDS):
        try:
            name, _ = await anyio.getnameinfo((address, 0))
        except OSError:
            return None
        return name
    return None


async def _hosts(realm: Realm, remote_addr: str | None) -> tuple[dict[str, frozenset[str]], str | None]:
    configured = {
        h
        for c in engine.condition_configs(realm, "client-updater-source-host")
        for h in updater_conditions.trusted_hosts(c)
    }
    if remote_addr is None or not configured:
        return {}, None
    resolved = {h: await _addresses(h) for h in configured if not h.startswith("*.")}
    domains = any(h.startswith("*.") for h in configured)
    return resolved, (await _host_name(remote_addr) if domains else None)


async def _role_names(tx: Tx, user: User) -> frozenset[str]:
    roles = await tx.roles.get_many(await user_roles(tx, user))
    owners: dict[str, str | None] = {}
    names: set[str] = set()
    for role in roles:
        if role.client_id is None:
            names.add(role.name)
            continue
        if role.client_id not in owners:
            owner = await tx.clients.get(role.client_id)
            owners[role.client_id] = None if owner is None else owner.client_id
        if owners[role.client_id] is not None:
            names.add(f"{owners[role.client_id]}.{role.name}")
    return frozenset(names)


async def gather(tx: Tx, realm: Realm, user: User | None, remote_addr: str | None) -> UpdaterFacts:
    """The facts the realm's updater-source conditions need; a user of another realm (a master administrator)
    has none of this realm's groups or roles."""
    member = user if user is not None and user.realm_id == realm.id else None
    groups: frozenset[str] = frozenset()
    roles: frozenset[str] = frozenset()
    if member is not None and engine.condition_configs(realm, "client-updater-source-groups"):
        groups = frozenset(g.path for g in await tx.groups.of_user(member.id))
    if member is not None and engine.condition_configs(realm, "client-updater-source-roles"):
        roles = await _role_names(tx, member)
    resolved, host_name = await _hosts(realm, remote_addr)
    return UpdaterFacts(groups, roles, remote_addr, resolved, host_name)
