"""Admin REST: a realm's required actions (Keycloak's AuthenticationManagementResource, its required-action half).

Also ``GET credential-registrators`` (RealmAdminResource.getCredentialRegistrators, view-realm).
Reads need view-realm (the list also query-users, RealmPermissions.requireViewRequiredActions); writes need
manage-realm. The actions live in the realm's config (realms/required_actions.py), so a change reaches every
process with the realm's next config version. Admin events are REQUIRED_ACTION ones (admin_event_rules).
The per-action ``config`` sub-resource is not served here (a 501, web/not_found.py). The writes are spelled
once (``updated``, ``moved``, ``registered``, ``save``), for these handlers and the Admin Console's Required
actions tab (web/admin_console/views_required_actions.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin.representations import is_true
from doorkeep.errors import AdminError
from doorkeep.model import Realm
from doorkeep.numbers import parse_int
from doorkeep.oauth.required_actions import unavailable
from doorkeep.realms import required_actions as ra
from doorkeep.realms.provisioning import new_id
from doorkeep.realms.required_actions import RequiredAction
from doorkeep.web.admin import audit
from doorkeep.web.admin.common import RealmCall, no_content, not_found, ok, read_object, run_realm
from doorkeep.web.http import state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

BASE = "/{realm}/authentication"
NOT_FOUND = "Failed to find required action"  # getRequiredAction, updateRequiredAction
NOT_FOUND_DOT = "Failed to find required action."  # removeRequiredAction, raise- and lowerRequiredActionPriority
NO_PROVIDER = "Required Action Provider with given providerId not found"
# ModelDuplicateException through KeycloakErrorHandler: a 409 without a message of its own.
DUPLICATE = AdminError(409, "unknown_error", key="error", description="For more on this error consult the server log.")


async def listing(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        if not call.can("view-realm"):
            call.require("query-users")  # requireViewRequiredActions: view-realm or query-users
        return ok([ra.representation(a) for a in ra.of(call.realm)])

    return await run_realm(request, work, write=False)


async def one(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("view-realm")
        return ok(ra.representation(_stored(call, request, NOT_FOUND)))

    return await run_realm(request, work, write=False)


def _stored(call: RealmCall, request: Request, message: str) -> RequiredAction:
    return stored(call.realm, request.path_params["alias"], message)


def stored(realm: Realm, alias: str, message: str = NOT_FOUND) -> RequiredAction:
    """The realm's action ``alias``; a 404 with ``message`` (the calls differ by a full stop) without one."""
    found = ra.by_alias(realm, alias)
    if found is None:
        raise not_found(message)
    return found


async def save(tx: Tx, realm: Realm, actions: list[RequiredAction]) -> None:
    """Keep ``actions`` as the realm's required actions."""
    await tx.realms.update(ra.with_actions(realm, actions))


async def _save(call: RealmCall, actions: list[RequiredAction]) -> None:
    await save(call.tx, call.realm, actions)


def updated(realm: Realm, old: RequiredAction, rep: dict[str, Any]) -> list[RequiredAction]:
    """updateRequiredAction: the realm's actions with name, alias, enabled, defaultAction, priority and config
    from ``rep`` (an absent boolean or priority is Java's false or 0, an absent config none); the provider id
    stays. Another action's alias is ModelDuplicateException's 409."""
    wanted = rep.get("alias")
    alias = wanted if isinstance(wanted, str) else old.alias
    others = [a for a in ra.of(realm) if a.alias != old.alias]
    if any(a.alias == alias for a in others):
        raise DUPLICATE
    changed = dataclasses.replace(
        old,
        alias=alias,
        name=rep.get("name") if isinstance(rep.get("name"), str) else None,
        enabled=is_true(rep.get("enabled")),
        default_action=is_true(rep.get("defaultAction")),
        priority=_priority(rep.get("priority")),
        config=_config(rep.get("config")),
    )
    return [*others, changed]


async def update(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("manage-realm")
        rep = await read_object(request)
        await _save(call, updated(call.realm, _stored(call, request, NOT_FOUND), rep))
        return no_content()

    return await run_realm(request, work)


def _priority(value: Any) -> int:
    if value is None:
        return 0
    parsed = parse_int(str(value)) if not isinstance(value, bool) else None
    if parsed is None:
        raise AdminError(400, "unknown_error", key="error", description="Cannot parse the JSON")
    return parsed


def _config(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        return {}
    return {str(k): v if isinstance(v, str) else str(v) for k, v in value.items() if v is not None}


async def delete(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("manage-realm")
        found = _stored(call, request, NOT_FOUND_DOT)
        await _save(call, [a for a in ra.of(call.realm) if a.alias != found.alias])
        return no_content()

    return await run_realm(request, work)


Move = Callable[[list[RequiredAction], str], list[RequiredAction]]


def moved(realm: Realm, action: RequiredAction, move: Move) -> list[RequiredAction] | None:
    """raise- or lowerRequiredActionPriority: the actions with ``action`` swapped with its neighbour in the
    listed order; None for the first (last) one, where Keycloak returns before changing or recording."""
    actions = ra.of(realm)
    after = move(actions, action.alias)
    return None if after is actions else after


def _moving(move: Move) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        async def work(call: RealmCall) -> Response:
            call.require("manage-realm")
            after = moved(call.realm, _stored(call, request, NOT_FOUND_DOT), move)
            if after is None:
                audit.unchanged(request)
            else:
                await _save(call, after)
            return no_content()

        return await run_realm(request, work)

    return endpoint


async def unregistered(request: Request) -> Response:
    """getUnregisteredRequiredActions: the deployed providers no registered action runs."""

    async def work(call: RealmCall) -> Response:
        call.require("view-realm")
        taken = {a.provider_id for a in ra.of(call.realm)}
        return ok([{"name": name, "providerId": pid} for pid, name in ra.PROVIDERS.items() if pid not in taken])

    return await run_realm(request, work, write=False)


def registered(realm: Realm, data: dict[str, Any]) -> tuple[list[RequiredAction], RequiredAction]:
    """registerRequiredAction: the actions with a deployed provider added under its own id as alias, enabled,
    last in priority; and the one added."""
    provider_id = data.get("providerId")
    if not isinstance(provider_id, str) or provider_id not in ra.PROVIDERS:
        raise AdminError(400, NO_PROVIDER, key="error")
    actions = ra.of(realm)
    if any(a.alias == provider_id for a in actions):
        raise DUPLICATE
    name = data.get("name") if isinstance(data.get("name"), str) else None
    added = RequiredAction(provider_id, name, provider_id, True, False, ra.next_priority(actions), {}, new_id())
    return [*actions, added], added


async def register(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("manage-realm")
        data = await read_object(request)
        actions, added = registered(call.realm, data)
        await _save(call, actions)
        audit.represent(request, {**data, "id": added.id})
        return no_content()

    return await run_realm(request, work)


async def credential_registrators(request: Request) -> Response:
    """``GET credential-registrators`` (RealmAdminResource, view-realm): the enabled required actions that
    register a credential, as provider ids."""

    async def work(call: RealmCall) -> Response:
        call.require("view-realm")
        off = unavailable(state(request).services.disabled_features)
        return ok(ra.credential_registrators(call.realm, off))

    return await run_realm(request, work, write=False)


ROUTES = [
    Route("/{realm}/credential-registrators", credential_registrators, methods=["GET"]),
    Route(BASE + "/required-actions", listing, methods=["GET"]),
    Route(BASE + "/required-actions/{alias}", one, methods=["GET"]),
    Route(BASE + "/required-actions/{alias}", update, methods=["PUT"]),
    Route(BASE + "/required-actions/{alias}", delete, methods=["DELETE"]),
    Route(BASE + "/required-actions/{alias}/raise-priority", _moving(ra.raised), methods=["POST"]),
    Route(BASE + "/required-actions/{alias}/lower-priority", _moving(ra.lowered), methods=["POST"]),
    Route(BASE + "/unregistered-required-actions", unregistered, methods=["GET"]),
    Route(BASE + "/register-required-action", register, methods=["POST"]),
]
