"""Authentication → Required actions, as Keycloak's console shows it (RequiredActions.tsx): the registered
actions in their order, then the deployed providers no action runs yet, each with its Enabled and "Set as
default action" switches; the registered ones move up and down.

The changes are the Admin REST API's (web/admin/required_actions.py: ``updated``, ``moved``, ``registered``,
``save``), made the way Keycloak's console makes them: a switch sends ``PUT required-actions/{alias}`` with
the whole action and that field turned; turning on a provider not yet registered is
``register-required-action`` with its name and provider id; up and down are ``raise-priority`` and
``lower-priority``. A configurable action's Configure form (RequiredActionConfigModal) shows its factory's
properties and saves them with ``PUT required-actions/{alias}/config``; Clear is ``DELETE`` of it. view-realm
reads, manage-realm changes; each change is recorded as its REST call.
"""

from __future__ import annotations

from dataclasses import dataclass

from doorkeep.errors import AdminError
from doorkeep.oauth.context import Form
from doorkeep.realms import required_action_config as rac
from doorkeep.realms import required_actions as ra
from doorkeep.realms.auth_providers import Prop
from doorkeep.users.profile import ProfileError
from doorkeep.web.admin import required_action_configs as rest_config
from doorkeep.web.admin import required_actions as rest
from doorkeep.web.admin_console.context import Console, Missing
from doorkeep.web.admin_console.forms import FormErrors, FormState
from doorkeep.web.admin_console.views_flows import default_text, typed_config

REFUSALS = {rac.INVALID: "Invalid value: a whole number is expected.", rac.TOO_SMALL: "Must be {0} or more."}
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
    configurable: bool = False  # a registered action whose factory has a Configure form


def rows(c: Console, disabled: frozenset[str]) -> list[Row]:
    """``GET required-actions`` then ``GET unregistered-required-actions`` (view-realm), as the tab joins them."""
    c.require("view-realm")
    actions = ra.of(c.realm)
    out = [
        Row(
            a.name or a.alias,
            a.provider_id,
            a.alias,
            a.enabled,
            a.default_action,
            i == 0,
            i == len(actions) - 1,
            rest_config.factory(a.provider_id, disabled) is not None,
        )
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


@dataclass(frozen=True)
class ActionConfig:
    """RequiredActionConfigModal: a registered action, its factory's properties and what its config holds."""

    action: ra.RequiredAction
    factory: str
    props: tuple[Prop, ...]

    def shown(self, typed: dict[str, object]) -> dict[str, object]:
        """Each property's field: what was typed (a form shown again), else the stored value, else the default
        (the modal fills a field the config lacks with its defaultValue)."""
        kept = self.action.config
        return {p.name: typed.get(f"config.{p.name}", kept.get(p.name, default_text(p))) for p in self.props}


def config(c: Console, alias: str, disabled: frozenset[str]) -> ActionConfig:
    """``GET config-description`` and ``GET config`` (view-realm) of a registered, configurable action."""
    c.require("view-realm")
    action = _action(c, alias)
    factory = rest_config.factory(action.provider_id, disabled)
    if factory is None:
        raise Missing(rest_config.NOT_CONFIGURABLE)
    return ActionConfig(action, factory, rac.PROPERTIES[factory])


async def configure(c: Console, alias: str, form: Form, disabled: frozenset[str]) -> None:
    """``PUT required-actions/{alias}/config`` with the form's values (manage-realm): a switch "true" or
    "false", a text as typed, an empty one left out; a value validateConfig refuses is the form again, its
    field saying why."""
    found = config(c, alias, disabled)
    c.require("manage-realm")
    values = typed_config(found.props, form)
    try:
        await rest_config.write(c.tx, c.realm, found.factory, alias, {k: v for k, v in values.items() if v})
    except ProfileError as err:
        raise FormErrors(FormState({f"config.{k}": v for k, v in values.items()}, refusals(err))) from None
    c.changed("PUT", "authentication", "required-actions", alias, "config", body={"config": values})


async def clear(c: Console, alias: str, disabled: frozenset[str]) -> None:
    """``DELETE required-actions/{alias}/config`` (manage-realm): the action keeps no config."""
    config(c, alias, disabled)
    c.require("manage-realm")
    await rest_config.clear(c.tx, c.realm, alias)
    c.changed("DELETE", "authentication", "required-actions", alias, "config")


def refusals(err: ProfileError) -> dict[str, str]:
    """validateConfig's refusal as a sentence under its field."""
    return {
        str(e["field"]): REFUSALS.get(str(e["errorMessage"]), "Invalid value.").format(*e["params"]) for e in err.errors
    }
