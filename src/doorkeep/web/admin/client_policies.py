"""Admin REST: ``client-policies/profiles`` and ``client-policies/policies`` (Keycloak's ClientProfilesResource
and ClientPoliciesResource): GET needs view-realm (``include-global-profiles`` / ``include-global-policies``
add the built-in ones), PUT needs manage-realm and answers 204, or 400 ``{"errorMessage": …}`` with
ClientPoliciesUtil's message. Keycloak records no admin event for either (admin/admin_event_rules.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin import operations
from doorkeep.clientpolicies import realm_config
from doorkeep.clientpolicies.validation import ClientPolicyError
from doorkeep.errors import AdminError
from doorkeep.model import Realm
from doorkeep.web.admin.common import RealmCall, no_content, ok, query_bool, read_object, run_realm


async def get_profiles(request: Request) -> Response:
    include = query_bool(request, "include-global-profiles", False)

    async def work(call: RealmCall) -> Response:
        call.require("view-realm")
        return ok(realm_config.profiles_of(call.realm, include_global=include))

    return await run_realm(request, work, write=False)


async def get_policies(request: Request) -> Response:
    include = query_bool(request, "include-global-policies", False)

    async def work(call: RealmCall) -> Response:
        call.require("view-realm")
        return ok(realm_config.policies_of(call.realm, include_global=include))

    return await run_realm(request, work, write=False)


async def _policies(call: RealmCall, rep: dict[str, Any]) -> Realm:
    scope_names = frozenset(s.name for s in await call.tx.scopes.list(call.realm.id))
    return realm_config.with_policies(call.realm, rep, scope_names)


async def _profiles(call: RealmCall, rep: dict[str, Any]) -> Realm:
    return realm_config.with_profiles(call.realm, rep)


def _put(change: Callable[[RealmCall, dict[str, Any]], Awaitable[Realm]]) -> Callable[[Request], Any]:
    async def put(request: Request) -> Response:
        async def work(call: RealmCall) -> Response:
            call.require("manage-realm")
            rep = await read_object(request)
            try:
                updated = await change(call, rep)
            except ClientPolicyError as problem:
                raise AdminError(400, str(problem)) from None
            await operations.update_realm(call.tx, call.realm, updated)
            return no_content()

        return await run_realm(request, work)

    return put


ROUTES = [
    Route("/{realm}/client-policies/profiles", get_profiles, methods=["GET"]),
    Route("/{realm}/client-policies/profiles", _put(_profiles), methods=["PUT"]),
    Route("/{realm}/client-policies/policies", get_policies, methods=["GET"]),
    Route("/{realm}/client-policies/policies", _put(_policies), methods=["PUT"]),
]
