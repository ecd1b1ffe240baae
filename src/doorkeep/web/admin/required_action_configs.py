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

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.errors import AdminError
from doorkeep.oauth.required_actions import unavailable
from doorkeep.realms import required_action_config as rac
from doorkeep.realms import required_actions as ra
from doorkeep.realms.required_actions import RequiredAction
from doorkeep.users.profile import ProfileError
from doorkeep.web.admin.common import RealmCall, no_content, not_found, ok, read_object, run_realm
from doorkeep.web.admin.required_actions import BASE, save
from doorkeep.web.http import state

NOT_CONFIGURABLE = "RequiredAction is not configurable"
NO_PROVIDER = "Could not find configurable RequiredAction provider"
NO_CONFIG = "Could not find RequiredAction config"


def _factory(request: Request) -> str | None:
    """The configurable factory the path names, or None."""
    alias = str(request.path_params["alias"])
    if alias in unavailable(state(request).services.disabled_features):
        return None
    return alias if rac.configurable(alias) else None


def _kept(call: RealmCall, alias: str) -> RequiredAction:
    found = ra.by_alias(call.realm, alias)
    if found is None:
        raise not_found(NO_CONFIG)
    return found


async def description(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("view-realm")
        factory = _factory(request)
        if factory is None:
            raise not_found(NO_PROVIDER)
        return ok({"properties": rac.PROPERTIES[factory]})

    return await run_realm(request, work, write=False)


async def read(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("view-realm")
        _configurable(request)
        return ok({"config": dict(_kept(call, request.path_params["alias"]).config)})

    return await run_realm(request, work, write=False)


async def update(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("manage-realm")
        factory = _configurable(request)
        kept = _kept(call, request.path_params["alias"])
        sent = rac.sent_config(await read_object(request))
        error = rac.validation_error(factory, sent)
        if error is not None:
            raise ProfileError([error], shrink=True)
        changed = dataclasses.replace(kept, config=rac.merged(factory, kept.config, sent))
        await save(call.tx, call.realm, [changed if a.alias == kept.alias else a for a in ra.of(call.realm)])
        return no_content()

    return await run_realm(request, work)


async def delete(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("manage-realm")
        _configurable(request)
        kept = _kept(call, request.path_params["alias"])
        cleared = dataclasses.replace(kept, config={})
        await save(call.tx, call.realm, [cleared if a.alias == kept.alias else a for a in ra.of(call.realm)])
        return no_content()

    return await run_realm(request, work)


def _configurable(request: Request) -> str:
    factory = _factory(request)
    if factory is None:
        raise AdminError(400, NOT_CONFIGURABLE, key="error")
    return factory


ROUTES = [
    Route(BASE + "/required-actions/{alias}/config-description", description, methods=["GET"]),
    Route(BASE + "/required-actions/{alias}/config", read, methods=["GET"]),
    Route(BASE + "/required-actions/{alias}/config", update, methods=["PUT"]),
    Route(BASE + "/required-actions/{alias}/config", delete, methods=["DELETE"]),
]
