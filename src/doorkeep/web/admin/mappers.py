"""Admin REST: protocol mappers of a client or a client scope (Keycloak's ProtocolMappersResource).

``…/protocol-mappers/models`` lists and creates, ``…/add-models`` creates several, ``…/models/{id}``
reads, replaces and deletes, ``…/protocol/{protocol}`` lists one protocol's; what is read shows each
mapper's effective config (oauth/mappers/effective.py). view-clients reads,
manage-clients changes, for clients and client scopes alike. A mapper that puts a role into tokens is written only
by an admin who may hand the role out (admin/mapper_grants.py, CVE-2026-4629), here and wherever a client's or a
client scope's representation carries ``protocolMappers``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin import mapper_grants, session_note_mappers
from doorkeep.admin.group_mapper_json import mapper_from_json, mapper_to_json
from doorkeep.admin.stored_text import refuse_nul
from doorkeep.clientpolicies import enforce as client_policies
from doorkeep.clientpolicies.context import Event
from doorkeep.errors import AdminError
from doorkeep.model import ProtocolMapper
from doorkeep.oauth.client_keys import fetch_json
from doorkeep.oauth.mappers import pairwise
from doorkeep.oauth.mappers.effective import effective_config
from doorkeep.oauth.mappers.types import HANDLERS, NONCE_MAPPER, TRANSFORMS
from doorkeep.realms.provisioning import new_id
from doorkeep.web.admin import sector_prefetch
from doorkeep.web.admin.common import (
    RealmCall,
    collection,
    created,
    invalid_input,
    no_content,
    not_found,
    ok,
    read_object,
    read_objects,
    run_realm,
)
from doorkeep.web.admin.scopes import load_scope
from doorkeep.web.http import client_ip

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

Endpoint = Callable[[Request], Awaitable[Response]]
MODEL_NOT_FOUND = not_found("Model not found")
DUPLICATE = "Protocol mapper exists with same name"
UNIQUE_PER_PROTOCOL = "Protocol mapper name must be unique per protocol"
PROTOCOLS = ("openid-connect", "saml")
PROVIDER_NOT_FOUND = not_found("ProtocolMapper provider not found")
# Keycloak 26 mapper types Doorkeep stores and exports but does not apply to tokens.
STORED_ONLY = frozenset(
    {
        "oidc-claims-param-token-mapper",
        "oidc-session-state-mapper",
    }
)


async def _owner(call: RealmCall, request: Request, of_scope: bool) -> tuple[str, tuple[ProtocolMapper, ...]]:
    """The client's or client scope's id and its current mappers (404/403 as the owner's own routes)."""
    owner_id = request.path_params["id"]
    if of_scope:
        scope = await load_scope(call, owner_id)
        return scope.id, scope.protocol_mappers
    client = await call.client(owner_id)
    return client.id, client.protocol_mappers


def _valid(mapper: ProtocolMapper) -> ProtocolMapper:
    """Keycloak's validateModel: the mapper type must be one the server knows (404 otherwise), and a User Session
    Note mapper may not copy an identity provider's credentials (admin/session_note_mappers.py, 400). A name with a
    NUL is PostgreSQL's 400 "Invalid input" on SQLite too (admin/stored_text.py)."""
    refuse_nul(mapper.name)
    if mapper.protocol not in PROTOCOLS:
        raise invalid_input(f"Unknown protocol '{mapper.protocol}'")
    if not _known(mapper.mapper):
        raise PROVIDER_NOT_FOUND
    session_note_mappers.check([mapper])
    return mapper


def _known(provider: object) -> bool:
    """A ``protocolMapper`` the server has (HANDLERS, TRANSFORMS, the nonce mapper, STORED_ONLY or any SAML one)."""
    if not isinstance(provider, str):
        return False
    applied = provider in HANDLERS or provider in TRANSFORMS or provider == NONCE_MAPPER
    return applied or provider in STORED_ONLY or provider.startswith("saml-")


def _parse(rep: object, keep_id: bool = False) -> ProtocolMapper:
    """A mapper from the body; a new one always gets a fresh id."""
    from doorkeep.admin.representations import RepresentationError

    if isinstance(rep, dict) and not keep_id:
        rep = {k: v for k, v in rep.items() if k != "id"}
    # RepresentationToModel.toModel checks nothing, so validateModel's provider lookup refuses a body without a
    # known ``protocolMapper`` (even ``{}``) before anything else is looked at.
    if isinstance(rep, dict) and not _known(rep.get("protocolMapper")):
        raise PROVIDER_NOT_FOUND
    try:
        return _valid(mapper_from_json(rep))
    except RepresentationError as exc:
        raise invalid_input(str(exc)) from None


def client_mappers(reps: object, *, admin: bool = False) -> tuple[ProtocolMapper, ...]:
    """The ``protocolMappers`` of a client representation (created with the client by ``POST``, made the client's
    by ``PUT``), each checked as ``POST …/protocol-mappers/models`` checks one. Two of one name and protocol answer
    409; on the admin API's client create and update (``admin``), Keycloak 26.6's client validation error instead
    (PR #46306, issue #26946: it said "Client … already exists")."""
    if reps is None:
        return ()
    if not isinstance(reps, list):
        raise invalid_input("protocolMappers: expected a list of objects")
    mappers = tuple(_parse(rep) for rep in reps)
    seen: set[tuple[str, str]] = set()
    for mapper in mappers:
        if (mapper.name, mapper.protocol) in seen:
            if admin:
                raise invalid_input(f"Cannot add protocol mapper '{mapper.name}'. {UNIQUE_PER_PROTOCOL}")
            raise AdminError(409, DUPLICATE)
        seen.add((mapper.name, mapper.protocol))
    return mappers


async def sync_client_mappers(tx: Tx, realm_id: str, client_id: str, wanted: tuple[ProtocolMapper, ...]) -> None:
    """``PUT …/clients/{id}`` with ``protocolMappers`` (Keycloak's updateClientProtocolMappers, also run by the
    client registration service's update): a mapper of the same protocol and name is updated in place (its id
    kept), a new one added, one not listed removed."""
    existing = (await tx.mappers.of_owners([client_id])).get(client_id, ())
    by_key = {(m.protocol, m.name): m for m in existing}
    for new in wanted:
        old = by_key.pop((new.protocol, new.name), None)
        if old is None:
            await tx.mappers.add(realm_id, client_id, new, client=True)
        elif (old.mapper, old.config) != (new.mapper, new.config):
            await tx.mappers.update(realm_id, dataclasses.replace(new, id=old.id))
    for gone in by_key.values():
        await tx.mappers.delete(realm_id, gone.id)


async def _add(
    call: RealmCall, owner_id: str, mappers: tuple[ProtocolMapper, ...], new: ProtocolMapper, of_scope: bool
) -> None:
    if any(m.name == new.name and m.protocol == new.protocol for m in mappers):
        raise AdminError(409, DUPLICATE)
    if await call.tx.mappers.get(new.id) is not None:
        raise AdminError(409, DUPLICATE)
    await call.tx.mappers.add(call.realm.id, owner_id, new, client=not of_scope)


async def _checked(
    call: RealmCall, owner_id: str, mapper: ProtocolMapper, of_scope: bool, fetch: pairwise.Fetch = fetch_json
) -> ProtocolMapper:
    """validateModel's validateConfig: a client's pairwise mapper is checked against the client's redirect URIs
    (and salted); a refusal is ErrorResponseException(message, the message key's admin text), 400. ``fetch``: the
    sector documents fetched before the transaction (web/admin/sector_prefetch.py)."""
    if of_scope or not pairwise.is_pairwise(mapper):
        return mapper
    client = await call.client(owner_id)
    try:
        return await pairwise.checked(mapper, client.root_url, client.redirect_uris, fetch, new_id)
    except pairwise.PairwiseConfigError as err:
        raise AdminError(400, err.message, key="error", description=err.text) from None


async def _policies(
    call: RealmCall, request: Request, of_scope: bool, event: Event, sent: list[object] | None = None
) -> None:
    """Keycloak 26.8's client policies on a client's protocol mapper CRUD (pull request #50205: REGISTER_, UPDATE_
    and UNREGISTER_PROTOCOL_MAPPER); a client scope's mappers are not judged. ``sent``: the representations."""
    if of_scope:
        return
    client = await call.client(request.path_params["id"])
    proposed = None if sent is None else tuple(rep for rep in sent if isinstance(rep, dict))
    user = call.identity.user
    await client_policies.on_admin_change(
        call.tx, call.realm, event, client, user=user, remote_addr=client_ip(request), proposed_mappers=proposed
    )


def _effective_json(mapper: ProtocolMapper) -> dict[str, object]:
    """toEffectiveProtocolMapperRep: the representation with the mapper's effective config."""
    return {**mapper_to_json(mapper), "config": effective_config(mapper)}


def routes_for(base: str, of_scope: bool) -> list[Route]:
    async def listing(request: Request) -> Response:
        async def work(call: RealmCall) -> Response:
            _, mappers = await _owner(call, request, of_scope)
            call.require("view-clients")
            wanted = request.path_params.get("protocol")
            return ok([_effective_json(m) for m in mappers if wanted is None or m.protocol == wanted])

        return await run_realm(request, work, write=False)

    async def prefetched(request: Request) -> pairwise.Fetch:
        return fetch_json if of_scope else await sector_prefetch.for_mappers(request, clients=False)

    async def create(request: Request) -> Response:
        fetch = await prefetched(request)

        async def work(call: RealmCall) -> Response:
            owner_id, mappers = await _owner(call, request, of_scope)
            call.require("manage-clients")
            body = await read_object(request)
            parsed = _parse(body)
            await _policies(call, request, of_scope, Event.REGISTER_PROTOCOL_MAPPER, [body])
            new = await _checked(call, owner_id, parsed, of_scope, fetch)
            await call.identity.require_mapper_grants(call.tx, call.realm, [mapper_grants.added_role(new)])
            await _add(call, owner_id, mappers, new, of_scope)
            kind = collection(request, "client-scopes") if of_scope else "clients"
            return created(call.url(call.realm.name, kind, owner_id, "protocol-mappers", "models", new.id))

        return await run_realm(request, work)

    async def add_models(request: Request) -> Response:
        fetch = await prefetched(request)

        async def work(call: RealmCall) -> Response:
            owner_id, mappers = await _owner(call, request, of_scope)
            call.require("manage-clients")
            reps = await read_objects(request) or []
            await _policies(call, request, of_scope, Event.REGISTER_PROTOCOL_MAPPER, list(reps))
            for rep in reps:  # a refusal rolls back those added before it
                new = await _checked(call, owner_id, _parse(rep), of_scope, fetch)
                await call.identity.require_mapper_grants(call.tx, call.realm, [mapper_grants.added_role(new)])
                await _add(call, owner_id, mappers, new, of_scope)
                mappers = (*mappers, new)
            return no_content()

        return await run_realm(request, work)

    async def one(request: Request) -> Response:
        fetch = await prefetched(request) if request.method == "PUT" else fetch_json

        async def work(call: RealmCall) -> Response:
            found_owner, mappers = await _owner(call, request, of_scope)
            call.require("view-clients" if request.method == "GET" else "manage-clients")
            found = next((m for m in mappers if m.id == request.path_params["mid"]), None)
            if found is None:
                raise MODEL_NOT_FOUND
            if request.method == "GET":
                return ok(_effective_json(found))
            if request.method == "DELETE":
                await _policies(call, request, of_scope, Event.UNREGISTER_PROTOCOL_MAPPER)
                await call.tx.mappers.delete(call.realm.id, found.id)
                return no_content()
            rep = await read_object(request)
            await _policies(call, request, of_scope, Event.UPDATE_PROTOCOL_MAPPER, [rep])
            # Keycloak's updateMapper changes the config (and name) only; the type and protocol stay.
            merged = {**mapper_to_json(found), **{k: v for k, v in rep.items() if k in ("name", "config")}}
            changed = _parse({**merged, "id": found.id}, keep_id=True)
            changed = await _checked(call, found_owner, changed, of_scope, fetch)
            if any(m.name == changed.name and m.id != found.id for m in mappers):
                raise AdminError(409, DUPLICATE)
            await call.identity.require_mapper_grants(call.tx, call.realm, [mapper_grants.added_role(changed, found)])
            await call.tx.mappers.update(call.realm.id, changed)
            return no_content()

        return await run_realm(request, work, write=request.method != "GET")

    path = base + "/{id}/protocol-mappers"
    return [
        Route(path + "/models", listing, methods=["GET"]),
        Route(path + "/models", create, methods=["POST"]),
        Route(path + "/add-models", add_models, methods=["POST"]),
        Route(path + "/models/{mid}", one, methods=["GET", "PUT", "DELETE"]),
        Route(path + "/protocol/{protocol}", listing, methods=["GET"]),
    ]


ROUTES = [*routes_for("/{realm}/clients", False), *routes_for("/{realm}/client-scopes", True)]
