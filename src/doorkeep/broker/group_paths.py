"""Identity provider mappers follow a realm group that is renamed or moved (Keycloak's
GroupConfigPropertyByPathSynchronizer, run on each GroupPathChangeEvent): a mapper whose ``group`` is the group's
previous path gets the new one, and one naming a group below it the new path with the same tail. As in Keycloak,
every mapper of the realm with a ``group`` config is matched by its value, whatever its type; an organization
group's rename is not followed (Doorkeep's organization groups fire no such event).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from doorkeep.model import JSON

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

GROUP = "group"  # ConfigConstants.GROUP


def followed(mappers: tuple[JSON, ...], previous: str, new: str) -> tuple[JSON, ...] | None:
    """The mappers with their group paths moved from ``previous`` to ``new``; None when no mapper names it."""
    below = previous + "/"
    out, changed = [], False
    for mapper in mappers:
        path = (mapper.get("config") or {}).get(GROUP)
        if isinstance(path, str) and (path == previous or path.startswith(below)):
            mapper = {**mapper, "config": {**mapper["config"], GROUP: new + path[len(previous) :]}}
            changed = True
        out.append(mapper)
    return tuple(out) if changed else None


async def follow(tx: Tx, realm_id: str, previous: str, new: str) -> None:
    """After a realm group's path changed from ``previous`` to ``new``: its mappers follow, under the realm's lock
    (nothing is written when no mapper names it)."""
    realm = await tx.realms.get(realm_id)
    if previous == new or realm is None or followed(realm.identity_provider_mappers, previous, new) is None:
        return
    realm = await tx.realms.lock(realm_id)
    mappers = followed(realm.identity_provider_mappers, previous, new) if realm is not None else None
    if realm is not None and mappers is not None:
        await tx.realms.update(dataclasses.replace(realm, identity_provider_mappers=mappers))
