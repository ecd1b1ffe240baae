"""Admin REST: ``/admin/realms/{realm}/clients/{id}/evaluate-scopes/…`` (Keycloak's ClientScopeEvaluateResource and
ClientScopeEvaluateScopeMappingsResource; the work is in admin/evaluate_scopes.py). view-clients reads all of it.

``protocol-mappers?scope=``, ``scope-mappings/{roleContainerId}/granted`` and ``…/not-granted`` (the container is
the realm by name or a client by UUID; else 404 "Role Container not found"), and
``generate-example-{access-token,id-token,userinfo}?scope=&userId=`` (404 "No userId provided", "No user found").
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin import evaluate_scopes as evaluate
from doorkeep.model import Role
from doorkeep.oauth.mappers import claims as mappings
from doorkeep.web.admin.common import RealmCall, not_found, ok, role_json, run_realm
from doorkeep.web.http import base_url

Endpoint = Callable[[Request], Awaitable[Response]]
BASE = "/{realm}/clients/{id}/evaluate-scopes"


async def protocol_mappers(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        client = await call.client(request.path_params["id"])
        call.require("view-clients")
        return ok(await evaluate.protocol_mappers(call.tx, client, request.query_params.get("scope")))

    return await run_realm(request, work, write=False)


async def _container_roles(call: RealmCall, container: str) -> list[Role]:
    if container == call.realm.name:
        return await call.tx.roles.list_realm_roles(call.realm.id)
    client = await call.tx.clients.get(container)
    if client is None or client.realm_id != call.realm.id:
        raise not_found("Role Container not found")
    return await call.tx.roles.list_client_roles(client.id)


def scope_mappings(granted_only: bool) -> Endpoint:
    """``…/granted`` (getGrantedScopeMappings) or ``…/not-granted`` (the container's other roles), as full
    RoleRepresentations."""

    async def endpoint(request: Request) -> Response:
        async def work(call: RealmCall) -> Response:
            client = await call.client(request.path_params["id"])
            call.require("view-clients")
            roles = await _container_roles(call, request.path_params["container"])
            granted = await evaluate.granted_roles(call.tx, client, request.query_params.get("scope"), roles)
            if not granted_only:
                ids = {r.id for r in granted}
                granted = [r for r in roles if r.id not in ids]
            return ok([role_json(r) for r in granted])

        return await run_realm(request, work, write=False)

    return endpoint


def example(token: str) -> Endpoint:
    """generateExampleAccessToken, generateExampleIdToken or generateExampleUserinfo: the claims as JSON."""

    async def endpoint(request: Request) -> Response:
        async def work(call: RealmCall) -> Response:
            client = await call.client(request.path_params["id"])
            call.require("view-clients")
            user_id = request.query_params.get("userId")
            if user_id is None:
                raise not_found("No userId provided")
            user = await call.tx.users.get(user_id)
            if user is None or user.realm_id != call.realm.id:
                raise not_found("No user found")
            scope, url = request.query_params.get("scope"), base_url(request)
            return ok(
                await evaluate.example_claims(
                    call.tx, call.realm, client, user, scope, token, now=call.now, base_url=url
                )
            )

        return await run_realm(request, work, write=False)

    return endpoint


ROUTES = [
    Route(BASE + "/protocol-mappers", protocol_mappers, methods=["GET"]),
    Route(BASE + "/scope-mappings/{container}/granted", scope_mappings(True), methods=["GET"]),
    Route(BASE + "/scope-mappings/{container}/not-granted", scope_mappings(False), methods=["GET"]),
    Route(BASE + "/generate-example-access-token", example(mappings.ACCESS), methods=["GET"]),
    Route(BASE + "/generate-example-id-token", example(mappings.ID), methods=["GET"]),
    Route(BASE + "/generate-example-userinfo", example(mappings.USERINFO), methods=["GET"]),
]
