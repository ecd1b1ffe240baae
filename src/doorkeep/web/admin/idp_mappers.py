"""Admin REST: an identity provider's mappers (Keycloak's IdentityProviderResource ``mapper-types`` and
``mappers``): the types Doorkeep runs, and the provider's mappers listed, created, read, updated and deleted;
reading needs view-identity-providers, writing manage-identity-providers (and, for a mapper that grants a
role or a group, the right to grant it: idp_mapper_grants.py). The mappers are kept with the realm's
configuration (``Realm.identity_provider_mappers``); the core is broker/idp_mapper_types.py (the writes:
broker/admin_writes.py), the logins apply them (broker/idp_mappers.py).
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin.unknown_properties import refuse_unknown
from doorkeep.broker import admin_writes as writes
from doorkeep.broker import idp_mapper_types as types
from doorkeep.broker import providers as idp
from doorkeep.model import JSON
from doorkeep.web.admin import audit
from doorkeep.web.admin.common import RealmCall, created, no_content, not_found, ok, read_object, run_realm
from doorkeep.web.admin.identity_providers import BASE, MANAGE, NOT_FOUND, VIEW
from doorkeep.web.admin.idp_mapper_grants import require_conferrable, require_organization_rights

MODEL_NOT_FOUND = not_found("Model not found")  # NotFoundException("Model not found")
IDP_MAPPER = "IDENTITY_PROVIDER_MAPPER"  # ResourceType.IDENTITY_PROVIDER_MAPPER


def _provider(call: RealmCall, request: Request, *, manage: bool = False) -> JSON:
    """The sub-resource's provider (by internal id or alias), after view-identity-providers and, for a writing
    method (``manage``), manage-identity-providers, which IdentityProviderResource checks before its null check;
    404 when missing."""
    call.require(VIEW)
    if manage:
        call.require(MANAGE)
    provider = idp.find(call.realm, request.path_params["alias"])
    if provider is None:
        raise NOT_FOUND
    return provider


async def mapper_types(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        provider = _provider(call, request)
        return ok(types.types(provider["providerId"]))

    return await run_realm(request, work, write=False)


async def listing(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        provider = _provider(call, request)
        return ok(types.of_provider(call.realm.identity_provider_mappers, provider["alias"]))

    return await run_realm(request, work, write=False)


async def create(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require(VIEW)
        rep = await read_object(request)
        refuse_unknown(await request.body(), types.REPRESENTATION, "IdentityProviderMapperRepresentation")
        provider = _provider(call, request, manage=True)
        require_organization_rights(call.realm, call.identity, rep)
        await require_conferrable(call.tx, call.realm, call.identity, rep, provider)
        mapper = await writes.add_mapper(call.tx, call.realm.id, provider, rep)
        audit.resource(request, IDP_MAPPER)
        path = ("identity-provider", "instances", request.path_params["alias"], "mappers", mapper["id"])
        return created(call.url(call.realm.name, *path))

    return await run_realm(request, work)


async def one(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        _provider(call, request)
        mapper = types.find(call.realm.identity_provider_mappers, request.path_params["id"])
        if mapper is None:
            raise MODEL_NOT_FOUND
        return ok(mapper)

    return await run_realm(request, work, write=False)


async def update(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require(VIEW)
        rep = await read_object(request)
        refuse_unknown(await request.body(), types.REPRESENTATION, "IdentityProviderMapperRepresentation")
        provider = _provider(call, request, manage=True)
        stored = types.find(call.realm.identity_provider_mappers, request.path_params["id"])
        require_organization_rights(call.realm, call.identity, rep, stored)
        await require_conferrable(call.tx, call.realm, call.identity, rep, provider)
        if not await writes.update_mapper(call.tx, call.realm.id, provider, request.path_params["id"], rep):
            raise MODEL_NOT_FOUND
        audit.resource(request, IDP_MAPPER)
        return no_content()

    return await run_realm(request, work)


async def delete(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        _provider(call, request, manage=True)
        require_organization_rights(
            call.realm, call.identity, types.find(call.realm.identity_provider_mappers, request.path_params["id"])
        )
        if not await writes.delete_mapper(call.tx, call.realm.id, request.path_params["id"]):
            raise MODEL_NOT_FOUND
        audit.resource(request, IDP_MAPPER)
        return no_content()

    return await run_realm(request, work)


ROUTES = [
    Route(BASE + "/instances/{alias}/mapper-types", mapper_types, methods=["GET"]),
    Route(BASE + "/instances/{alias}/mappers", listing, methods=["GET"]),
    Route(BASE + "/instances/{alias}/mappers", create, methods=["POST"]),
    Route(BASE + "/instances/{alias}/mappers/{id}", one, methods=["GET"]),
    Route(BASE + "/instances/{alias}/mappers/{id}", update, methods=["PUT"]),
    Route(BASE + "/instances/{alias}/mappers/{id}", delete, methods=["DELETE"]),
]
