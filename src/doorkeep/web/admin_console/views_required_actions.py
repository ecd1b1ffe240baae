"""Authentication → Required actions, as Keycloak's console shows it (RequiredActions.tsx): the registered
actions in their order, then the deployed providers no action runs yet, each with its Enabled and "Set as
default action" switches; the registered ones move up and down.

The changes are the Admin REST API's (web/admin/required_actions.py: ``updated``, ``moved``, ``registered``,
``save``), made the way Keycloak's console makes them: a switch sends ``PUT required-actions/{alias}`` with
the whole action and that field turned; turning on a provider not yet registered is
``register-required-action`` with its name and provider id; up and down are ``raise-priority`` and
``lower-priority``. view-realm reads, manage-realm changes; each change is recorded as its REST call.
"""

from __future__ import annotations

from dataclasses import dataclass

from doorkeep.errors import AdminError
from doorkeep.realms import required_actions as ra
from doorkeep.web.admin import required_actions as rest
from doorkeep.web.admin_console.context import Console, Missing

SWITCHES = {"enabled": "Enabled", "defaultAction": "Set as default action"}
MOVES = {"raise-priority": ra.raised, "lower-priority": ra.lowered}


@dataclass(frozen=True)
class Row:
    """One row of the tab: a registered action (``alias`` set) or a provider not registered (``alias`` None)."""

    name: str
    provider_id: str
    alias: str | None
    enabled: bool
    default_action: bool
    first: bool = False
    last: bool = False


def rows(c: Console) -> list[Row]:
    """``GET required-actions`` then ``GET unregistered-required-actions`` (view-realm), as the tab joins them."""
    c.require("view-realm")
    actions = ra.of(c.realm)
    out = [
        Row(a.name or a.alias, a.provider_id, a.alias, a.enabled, a.default_action, i == 0, i == len(actions) - 1)
        for i, a in enumerate(actions)
    ]
    taken = {a.provider_id for a in actions}
    out += [Row(name, pid, None, False, False) for pid, name in ra.PROVIDERS.items() if pid not in taken]
    return out


def _action(c: Console, alias: str) -> ra.RequiredAction:
    try:
        return rest.stored(c.realm, alias)
    except AdminError as err:
        raise Missing(err.message) from None


async def switch(c: Console, alias: str, field: str, on: bool) -> None:
    """``PUT required-actions/{alias}`` with the action as listed and ``field`` set (manage-realm)."""
    c.require("manage-realm")
    if field not in SWITCHES:
        raise Missing(f"No switch {field}.")
    old = _action(c, alias)
    rep = {**ra.representation(old), field: on}
    await rest.save(c.tx, c.realm, rest.updated(c.realm, old, rep))
    c.changed("PUT", "authentication", "required-actions", alias, body=rep)


async def register(c: Console, provider_id: str) -> None:
    """``POST register-required-action`` with ``{name, providerId}`` (manage-realm): the switch of a provider
    no action runs yet, as Keycloak's console turns it on."""
    c.require("manage-realm")
    name = ra.PROVIDERS.get(provider_id)
    if name is None:
        raise Missing(rest.NO_PROVIDER)
    data = {"name": name, "providerId": provider_id}
    actions, added = rest.registered(c.realm, data)
    await rest.save(c.tx, c.realm, actions)
    c.changed("POST", "authentication", "register-required-action", body={**data, "id": added.id})


async def move(c: Console, alias: str, direction: str) -> None:
    """``POST required-actions/{alias}/raise-priority`` (or ``lower-priority``) (manage-realm); the first
    (last) one stays and nothing is recorded, as Keycloak."""
    c.require("manage-realm")
    if direction not in MOVES:
        raise Missing(f"No move {direction}.")
    after = rest.moved(c.realm, _action(c, alias), MOVES[direction])
    if after is not None:
        await rest.save(c.tx, c.realm, after)
        c.changed("POST", "authentication", "required-actions", alias, direction)
