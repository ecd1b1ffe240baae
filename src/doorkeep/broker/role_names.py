"""Identity provider mappers follow a role that is renamed and a client whose clientId changes (Keycloak's
RoleConfigPropertyByRoleNameSynchronizer and RoleConfigPropertyByClientIdSynchronizer, run on the
RoleNameChangeEvent the admin role update publishes and the ClientIdChangeEvent of an admin client update).

As in Keycloak, every mapper of the realm with a ``role`` config is matched by its value, whatever its type; the
protocol mappers of clients and client scopes are left as they are (no synchronizer reads them), and so is a
master realm's ``<realm>-realm`` client renamed with its realm (RepresentationToModel.renameRealm sets the clientId
without the event).

- A role renamed: a mapper naming ``<clientId>.<previous>`` (a client role) or ``<previous>`` (a realm role)
  exactly names the new name.
- A clientId changed: a mapper naming ``<previous clientId>.<role>`` names ``<new clientId>.<role>``. Keycloak
  matches every value starting with ``<previous clientId>.`` and keeps only what follows the last dot; Doorkeep
  keeps the whole role name (a role ``a.b`` of the client is still ``a.b``) and leaves a value that names a role of
  another client (``old.sub.role`` when the lookup finds client ``old.sub``'s role).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

from doorkeep.broker.idp_mappers import role_of
from doorkeep.model import JSON, Client, Role

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

ROLE = "role"  # ConfigConstants.ROLE


def qualifier(client_id: str | None, name: str) -> str:
    """KeycloakModelUtils.buildRoleQualifier: ``clientId.name`` for a client role, the name for a realm role."""
    return name if client_id is None else f"{client_id}.{name}"


def followed(mappers: tuple[JSON, ...], moved: Callable[[str], str | None]) -> tuple[JSON, ...] | None:
    """The mappers with each ``role`` config that ``moved`` maps to a new value replaced; None when none moves."""
    out, changed = [], False
    for mapper in mappers:
        config = mapper.get("config")
        value = config.get(ROLE) if isinstance(config, dict) else None
        new = moved(value) if isinstance(value, str) else None
        if isinstance(config, dict) and new is not None and new != value:
            mapper = {**mapper, "config": {**config, ROLE: new}}
            changed = True
        out.append(mapper)
    return tuple(out) if changed else None


async def _store(tx: Tx, realm_id: str, moved: Callable[[str], str | None]) -> None:
    """Rewrite the realm's mappers as ``moved`` says, under the realm's lock; nothing is written when none moves."""
    realm = await tx.realms.get(realm_id)
    if realm is None or followed(realm.identity_provider_mappers, moved) is None:
        return
    realm = await tx.realms.lock(realm_id)
    mappers = followed(realm.identity_provider_mappers, moved) if realm is not None else None
    if realm is not None and mappers is not None:
        await tx.realms.update(dataclasses.replace(realm, identity_provider_mappers=mappers))


async def follow_role(tx: Tx, old: Role, new_name: str) -> None:
    """After ``old`` was renamed to ``new_name``: the mappers naming it by its previous name name the new one."""
    if new_name == old.name:
        return
    client_id = None
    if old.client_id is not None:
        client = await tx.clients.get(old.client_id)
        if client is None:
            return
        client_id = client.client_id
    previous, new = qualifier(client_id, old.name), qualifier(client_id, new_name)
    await _store(tx, old.realm_id, lambda value: new if value == previous else None)


async def follow_client(tx: Tx, client: Client, new_client_id: str) -> None:
    """Before ``client``'s clientId becomes ``new_client_id`` (it still holds the previous one): the mappers naming
    one of its roles as ``<clientId>.<role>`` name it with the new clientId."""
    previous = client.client_id
    if new_client_id == previous:
        return
    realm = await tx.realms.get(client.realm_id)
    if realm is None:
        return
    prefix = previous + "."
    ours: dict[str, str] = {}  # value -> new value, for the values naming this client's roles or none at all
    for mapper in realm.identity_provider_mappers:
        config = mapper.get("config")
        value = config.get(ROLE) if isinstance(config, dict) else None
        if isinstance(value, str) and value.startswith(prefix) and value not in ours:
            role = await role_of(tx, realm, value)
            if role is None or role.client_id == client.id:
                ours[value] = new_client_id + value[len(previous) :]
    if ours:
        await _store(tx, client.realm_id, ours.get)
