"""Admin REST: a required action's ``config`` sub-resource and its ``config-description`` (Keycloak 26's
AuthenticationManagementResource), served for the actions realms/required_action_config.py describes.

The path's alias names the factory (lookupConfigurableRequiredActionFactory) and then the realm's registered
action holding the values. A name that is no deployed provider (or CONFIGURE_RECOVERY_AUTHN_CODES with its
feature off) is Keycloak's "not configurable" (404 for the description, 400 for the config); a deployed provider
the realm has not registered has no config (404). A refused value is the 400 of ``ErrorResponse.errors`` naming
the field.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.errors import AdminError
from doorkeep.model import Realm
from doorkeep.oauth.required_actions import unavailable
from doorkeep.realms import required_action_config as rac
from doorkeep.realms import required_actions as ra
from doorkeep.realms.required_actions import RequiredAction
from doorkeep.web.admin.common import RealmCall, no_content, not_found, ok, read_object, run_realm
from doorkeep.web.admin.required_actions import BASE, save
from doorkeep.web.http import state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

NOT_CONFIGURABLE = "RequiredAction is not configurable"
NO_PROVIDER = "Could not find configurable RequiredAction provider"
NO_CONFIG = "Could not find RequiredAction config"


def _factory(request: Request) -> str | None:
    """The configurable factory the path names, or None."""
    return factory(str(request.path_params["alias"]), state(request).services.disabled_features)


def factory(alias: str, disabled: frozenset[str]) -> str | None:
    """lookupConfigurableRequiredActionFactory: the deployed, configurable factory ``alias`` names, or None."""
    return alias if rac.configurable(alias) and alias not in unavailable(disabled) else None


def _kept(realm: Realm, alias: str) -> RequiredAction:
    found = ra.by_alias(realm, alias)
    if found is None:
        raise not_found(NO_CONFIG)
    return found


async def description(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("view-realm")
        found = _factory(request)
        if found is None:
            raise not_found(NO_PROVIDER)
        return ok({"properties": rac.description(found)})

    return await run_realm(request, work, write=False)


async def read(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("view-realm")
        _configurable(request)
        return ok({"config": dict(_kept(call.realm, request.path_params["alias"]).config)})

    return await run_realm(request, work, write=False)


async def update(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("manage-realm")
        configurable = _configurable(request)
        sent = rac.sent_config(await read_object(request))
        await write(call.tx, call.realm, configurable, request.path_params["alias"], sent)
        return no_content()

    return await run_realm(request, work)


async def delete(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("manage-realm")
        _configurable(request)
        await clear(call.tx, call.realm, request.path_params["alias"])
        return no_content()

    return await run_realm(request, work)


async def write(tx: Tx, realm: Realm, factory: str, alias: str, sent: dict[str, str]) -> None:
    """``PUT config`` (the Admin Console's Configure form too): checked, then written over the kept config."""
    kept = _kept(realm, alias)
    changed = rac.configured(factory, kept, sent)
    await save(tx, realm, [changed if a.alias == kept.alias else a for a in ra.of(realm)])


async def clear(tx: Tx, realm: Realm, alias: str) -> None:
    """``DELETE config``: the action keeps no config."""
    kept = _kept(realm, alias)
    cleared = dataclasses.replace(kept, config={})
    await save(tx, realm, [cleared if a.alias == kept.alias else a for a in ra.of(realm)])


def _configurable(request: Request) -> str:
    found = _factory(request)
    if found is None:
        raise AdminError(400, NOT_CONFIGURABLE, key="error")
    return found


ROUTES = [
    Route(BASE + "/required-actions/{alias}/config-description", description, methods=["GET"]),
    Route(BASE + "/required-actions/{alias}/config", read, methods=["GET"]),
    Route(BASE + "/required-actions/{alias}/config", update, methods=["PUT"]),
    Route(BASE + "/required-actions/{alias}/config", delete, methods=["DELETE"]),
]
