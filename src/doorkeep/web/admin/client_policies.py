"""Admin REST: ``client-policies/profiles`` and ``client-policies/policies`` (Keycloak's ClientProfilesResource
and ClientPoliciesResource): GET needs view-realm (``include-global-profiles`` / ``include-global-policies``
add the built-in ones), PUT needs manage-realm and answers 204, or 400 ``{"errorMessage": …}`` with
ClientPoliciesUtil's message. Keycloak records no admin event for either (admin/admin_event_rules.py)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin import operations
from doorkeep.clientpolicies import realm_config
from doorkeep.clientpolicies.validation import ClientPolicyError
from doorkeep.errors import AdminError
from doorkeep.model import Realm
from doorkeep.web.admin.common import RealmCall, no_content, ok, query_bool, read_object, run_realm

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


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


async def put_document(tx: Tx, realm: Realm, key: str, rep: dict[str, Any]) -> None:
    """What ``PUT client-policies/{key}`` (``profiles`` or ``policies``) stores, validated as Keycloak validates
    it; ClientPolicyError with Keycloak's message when refused. The Admin Console's Client policies tab too."""
    if key == "profiles":
        updated = realm_config.with_profiles(realm, rep)
    else:
        scope_names = frozenset(s.name for s in await tx.scopes.list(realm.id))
        updated = realm_config.with_policies(realm, rep, scope_names)
    await operations.update_realm(tx, realm, updated)


def _put(key: str) -> Callable[[Request], Awaitable[Response]]:
    async def put(request: Request) -> Response:
        async def work(call: RealmCall) -> Response:
            call.require("manage-realm")
            rep = await read_object(request)
            try:
                await put_document(call.tx, call.realm, key, rep)
            except ClientPolicyError as problem:
                raise AdminError(400, str(problem)) from None
            return no_content()

        return await run_realm(request, work)

    return put


ROUTES = [
    Route("/{realm}/client-policies/profiles", get_profiles, methods=["GET"]),
    Route("/{realm}/client-policies/profiles", _put("profiles"), methods=["PUT"]),
    Route("/{realm}/client-policies/policies", get_policies, methods=["GET"]),
    Route("/{realm}/client-policies/policies", _put("policies"), methods=["PUT"]),
]
