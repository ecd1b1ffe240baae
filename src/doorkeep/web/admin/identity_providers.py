"""Admin REST: the realm's identity providers (Keycloak's IdentityProvidersResource and IdentityProviderResource).

``identity-provider/instances`` lists (``search``, ``type`` or ``capability``, ``briefRepresentation``,
``realmOnly`` for the providers of no organization, ``first``, ``max`` 100 by default) and creates them,
``instances/{alias}`` reads, updates and deletes one (found by internal id or alias); reading needs
view-identity-providers, writing manage-identity-providers, as ``auth.realm().requireViewIdentityProviders()`` /
``requireManageIdentityProviders()``. ``clientSecret`` is always answered ``**********``; a PUT sending that mask
keeps the stored secret. Deleting a provider removes its users' links and its mappers (web/admin/idp_mappers.py);
``export`` and ``reload-keys`` answer as Keycloak's for an OpenID Connect provider; ``reload-well-known`` re-reads
its endpoints from its discovery document (broker/well_known_sync.py), as creating one with ``reloadEnabled``
does. The core is broker/providers.py, its writes broker/admin_writes.py (shared with the Admin Console); an
organization's providers are organizations/brokers.py. A write that links a provider to an organization also needs
manage-organizations (organization_access.require_linking).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin.unknown_properties import refuse_unknown
from doorkeep.broker import admin_role_mapping, oidc
from doorkeep.broker import admin_writes as writes
from doorkeep.broker import providers as idp
from doorkeep.broker import well_known_sync as sync
from doorkeep.errors import AdminError
from doorkeep.fetch_outside import once
from doorkeep.model import JSON
from doorkeep.oauth import client_keys
from doorkeep.organizations import brokers
from doorkeep.web.admin import audit, organization_access
from doorkeep.web.admin.common import (
    MISMATCHED_INPUT,
    RealmCall,
    created,
    no_content,
    not_found,
    ok,
    page,
    query_bool,
    query_int,
    read_object,
    run_realm,
)
from doorkeep.web.handlers import render_error
from doorkeep.web.http import read_admin_body, read_json, state

BASE = "/{realm}/identity-provider"
VIEW, MANAGE = "view-identity-providers", "manage-identity-providers"
NOT_FOUND = not_found("HTTP 404 Not Found")  # jakarta.ws.rs.NotFoundException
FACTORIES = {"oidc": "OpenID Connect v1.0", "keycloak-oidc": "Keycloak OpenID Connect"}


async def _representation(request: Request) -> JSON:
    rep = await read_object(request)
    refuse_unknown(await request.body(), idp.REPRESENTATION, "IdentityProviderRepresentation")
    idp.bound_provider_id(rep)  # a providerId Jackson cannot bind fails the body before the method runs
    return rep


async def listing(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require(VIEW)
        first = query_int(request, "first")
        max_results = query_int(request, "max", 100)
        q = request.query_params
        found = idp.of_type(idp.all_of(call.realm), q.get("type"), q.get("capability"))
        found = idp.search(found, q.get("search"))
        if query_bool(request, "realmOnly", False):  # the providers of no organization
            found = [p for p in found if brokers.organization_of(p) is None]
        shown = [idp.brief(p) if query_bool(request, "briefRepresentation", False) else idp.masked(p) for p in found]
        return ok(page(shown, first, max_results))

    return await run_realm(request, work, write=False)


def _syncer(request: Request) -> writes.Sync:
    """A well-known sync for this request: its fetch made outside the writing transaction (fetch_outside.once),
    the same ``TimedFetch`` serving every run of the work, so the run that stores the answer knows its duration."""
    clock = state(request).services.clock
    timed = sync.TimedFetch(client_keys.fetch_json, clock.now_ms)

    async def fetch(url: str) -> bytes:
        return await once(url, timed)

    async def synced(config: dict[str, Any]) -> dict[str, Any]:
        return await sync.synced(config, fetch, timed, clock.now_ms())

    return synced


async def create(request: Request) -> Response:
    syncer = _syncer(request)

    async def work(call: RealmCall) -> Response:
        rep = await _representation(request)
        call.require(MANAGE)
        if admin_role_mapping.turned_on(rep, None):
            call.require(admin_role_mapping.ENABLER)
        organization_access.require_linking(call, rep, None)
        provider = await writes.create_provider(call.tx, call.realm.id, rep, syncer)
        audit.represent(request, provider)
        return created(call.url(call.realm.name, "identity-provider", "instances", provider["alias"]))

    return await run_realm(request, work)


async def _found(call: RealmCall, request: Request, *, manage: bool = False) -> JSON:
    """The sub-resource locator: view-identity-providers first, then (``manage``: a writing method's own
    requireManageIdentityProviders, before its null check) manage-identity-providers, then the provider (404 when
    missing): a viewer writing to a missing provider is refused, not told it is missing."""
    call.require(VIEW)
    if manage:
        call.require(MANAGE)
    provider = idp.find(call.realm, request.path_params["alias"])
    if provider is None:
        raise NOT_FOUND
    return provider


async def one(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        return ok(idp.representation(await _found(call, request)))

    return await run_realm(request, work, write=False)


async def update(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require(VIEW)  # the sub-resource locator runs before the method's body is bound
        rep = await _representation(request)
        stored = await _found(call, request, manage=True)
        if admin_role_mapping.turned_on(rep, stored):
            call.require(admin_role_mapping.ENABLER)
        organization_access.require_linking(call, rep, stored)
        await writes.update_provider(call.tx, call.realm.id, stored, rep)
        return no_content()

    return await run_realm(request, work)


async def delete(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        stored = await _found(call, request, manage=True)
        await writes.delete_provider(call.tx, call.realm.id, stored)
        return no_content()

    return await run_realm(request, work)


async def factory(request: Request) -> Response:
    """getIdentityProviderFactory: the factory of a provider id Doorkeep brokers; another is a 400."""

    async def work(call: RealmCall) -> Response:
        call.require(VIEW)
        provider_id = request.path_params["provider_id"]
        if provider_id not in FACTORIES:
            raise AdminError(400, "HTTP 400 Bad Request", key="error")  # BadRequestException()
        body: dict[str, Any] = {"id": provider_id, "name": FACTORIES[provider_id]}
        return ok(body)

    return await run_realm(request, work, write=False)


async def import_config(request: Request) -> Response:
    """``POST import-config`` with ``{"providerId", "fromUrl"}`` (IdentityProvidersResource.importFrom,
    manage-identity-providers): the provider's discovery document read from ``fromUrl`` and answered as the
    provider's ``config``; nothing is stored and no admin event recorded. The document is fetched after the
    caller is checked, outside the transaction."""
    checked: list[dict[str, Any]] = []

    async def work(call: RealmCall) -> Response:
        body = await read_json(request)  # an empty body binds null: the caller is checked, then it is a 400
        if body is not None and not isinstance(body, dict):
            raise MISMATCHED_INPUT
        call.require(MANAGE)
        audit.unchanged(request)
        if body is None or not ("providerId" in body and "fromUrl" in body):
            raise AdminError(400, "HTTP 400 Bad Request", key="error")  # BadRequestException()
        alias = body.get("alias")
        if isinstance(alias, str) and " " in alias:
            raise idp.bad("Empty Space not allowed.")
        if body["providerId"] not in FACTORIES:
            raise AdminError(400, "HTTP 400 Bad Request", key="error")
        checked.append(body)
        return no_content()

    answered = await run_realm(request, work, write=False)
    if not checked:
        return answered
    try:
        return ok(await writes.discover(str(checked[0]["fromUrl"])))
    except AdminError as err:
        return render_error(err)


async def reload_well_known(request: Request) -> Response:
    """``POST instances/{alias}/reload-well-known`` with an IdentityProviderReloadWellKnownRepresentation
    (``metadataDescriptorUrl``, ``includedWellKnownFields``, ``reloadEnabled``, each optional and kept):
    manage-identity-providers; the provider synced from its discovery document now (broker/well_known_sync.py) and
    answered as GET answers it, a failed fetch recorded in its ``wellKnownLastSyncError``."""
    syncer = _syncer(request)

    async def work(call: RealmCall) -> Response:
        raw = await read_admin_body(request)
        body = await read_object(request) if raw.strip() else {}
        refuse_unknown(raw, sync.RELOAD_REPRESENTATION, "IdentityProviderReloadWellKnownRepresentation")
        stored = await _found(call, request)
        call.require(MANAGE)
        changed = await writes.reload_well_known(call.tx, call.realm.id, stored, body, syncer)
        audit.represent(request, idp.masked(changed))
        return ok(idp.representation(changed))

    return await run_realm(request, work)


async def export(request: Request) -> Response:
    """``GET instances/{alias}/export`` (view-identity-providers): an OpenID Connect provider has no metadata to
    export, so Keycloak's AbstractIdentityProvider.export answers 204 (only SAML providers write a descriptor)."""

    async def work(call: RealmCall) -> Response:
        await _found(call, request)
        return no_content()

    return await run_realm(request, work, write=False)


async def reload_keys(request: Request) -> Response:
    """``GET instances/{alias}/reload-keys`` (manage-identity-providers, checked before the provider is looked up):
    OIDCIdentityProvider.reloadKeys answers whether the provider's keys come from its ``jwksUrl``; what this
    process keeps of them (oauth/client_keys.py) is dropped, so the next token it checks (a login's ID token, a
    back-channel logout token) reads the current set."""

    async def work(call: RealmCall) -> Response:
        call.require(VIEW)
        call.require(MANAGE)
        provider = idp.find(call.realm, request.path_params["alias"])
        if provider is None:
            raise NOT_FOUND
        keys = state(request).services.client_keys
        if keys is not None:
            keys.forget_provider(call.realm.id, provider)
        return ok(oidc.Config.of(provider).use_jwks_url)

    return await run_realm(request, work, write=False)


ROUTES = [
    Route(BASE + "/import-config", import_config, methods=["POST"]),
    Route(BASE + "/instances", listing, methods=["GET"]),
    Route(BASE + "/instances", create, methods=["POST"]),
    Route(BASE + "/instances/{alias}", one, methods=["GET"]),
    Route(BASE + "/instances/{alias}", update, methods=["PUT"]),
    Route(BASE + "/instances/{alias}", delete, methods=["DELETE"]),
    Route(BASE + "/instances/{alias}/export", export, methods=["GET"]),
    Route(BASE + "/instances/{alias}/reload-keys", reload_keys, methods=["GET"]),
    Route(BASE + "/instances/{alias}/reload-well-known", reload_well_known, methods=["POST"]),
    Route(BASE + "/providers/{provider_id}", factory, methods=["GET"]),
]
