"""Admin REST: clients of a realm (Keycloak's ClientsResource and ClientResource).

view-clients reads, manage-clients changes. A caller without manage-clients sees a client's secret masked
(StripSecretsUtils.stripClient) and is refused ``client-secret`` (403), as Keycloak 26.6 does. Unknown client
ids answer 404 "Could not find client" (403 to callers who may not even list clients). Client roles live in
``roles.py`` and client scope mappings in ``scopes.py``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin import operations
from doorkeep.admin.admin_event_rules import strip_client
from doorkeep.admin.mapper_grants import added_roles
from doorkeep.admin.representations import client_to_json, user_to_json
from doorkeep.admin.user_search import query_fields
from doorkeep.clientpolicies import enforce as client_policies
from doorkeep.clientpolicies.context import BY_AUTHENTICATED_USER as BY_ADMIN
from doorkeep.clientreg import tokens as registration_tokens
from doorkeep.errors import AdminError
from doorkeep.model import CLIENT_CREDENTIAL_SUBJECT, Client
from doorkeep.oauth.mappers import pairwise
from doorkeep.realms import flow_support, management, master_clients, provisioning
from doorkeep.sessions import revocation_triggers as rt
from doorkeep.sessions import triggered
from doorkeep.web.admin import parse, sector_prefetch
from doorkeep.web.admin.auth import FORBIDDEN
from doorkeep.web.admin.common import (
    RealmCall,
    RestError,
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
from doorkeep.web.admin.mappers import client_mappers, sync_client_mappers
from doorkeep.web.http import base_url, client_ip, state
from doorkeep.web.http import issuer as realm_issuer

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

Endpoint = Callable[[Request], Awaitable[Response]]
SCOPE_NOT_FOUND = not_found("Client scope not found")
# Keycloak's Constants.defaultClients: ClientManager.removeClient refuses them (account-console is not one).
INTERNAL_CLIENTS = frozenset({"account", "admin-cli", "broker", "realm-management", "security-admin-console"})
CANNOT_DELETE = RestError(400, "invalid_request", "Could not delete client")


async def is_internal(tx: Tx, realm_name: str, client_id: str) -> bool:
    """A client the realm cannot work without, which ClientManager.removeClient refuses: Constants.defaultClients,
    or in master the client of an existing realm (isInternalClient; ``master-realm`` is master's own)."""
    if client_id in INTERNAL_CLIENTS or management.is_management(realm_name, client_id):
        return True
    return await master_clients.administers_existing(tx, realm_name, client_id)


# JpaClientProviderFactory.REQUIRED_SEARCHABLE_ATTRIBUTES: what ``q`` may always name; the option
# ``--spi-client-jpa-searchable-attributes`` adds more, as Keycloak's ``searchableAttributes`` does.
SEARCHABLE_ATTRIBUTES = frozenset(
    {
        "saml_idp_initiated_sso_url_name",
        "saml.artifact.binding.identifier",
        "jwt.credential.issuer",
        "jwt.credential.sub",
    }
)
BASE = "/{realm}/clients"
ONE = BASE + "/{id}"


async def client_json(tx: Tx, client: Client) -> dict[str, Any]:
    """The full ClientRepresentation (also the representation of the Admin Console's client saves)."""
    default, optional = await operations.client_scope_names(tx, client)
    return client_to_json(client, default, optional, realm_client=await operations.realm_client(tx, client))


def secret_json(client: Client) -> dict[str, Any]:
    """A CredentialRepresentation of the secret (no value for a client without one)."""
    out: dict[str, Any] = {"type": "secret"}
    if client.secret is not None:
        out["value"] = client.secret
    return out


def attribute_query(q: str, searchable: tuple[str, ...] = ()) -> dict[str, str]:
    """``q``'s ``key:value`` pairs; a key Keycloak cannot search (neither always searchable nor configured)
    answers 400 as JpaRealmProvider's ModelException does through ClientsResource."""
    wanted = query_fields(q)
    refused = sorted(k for k in wanted if k not in SEARCHABLE_ATTRIBUTES and k not in searchable)
    if refused:
        raise RestError(400, "invalid_request", f"Attributes [{', '.join(refused)}] not allowed for search")
    return wanted


async def clients_by_attributes(tx: Tx, realm_id: str, wanted: dict[str, str]) -> list[Client]:
    """JpaRealmProvider.searchClientsByAttributes: the clients holding every pair's exact value, by clientId. A
    ``jwt.credential.sub`` pair is looked up by its indexed hash (migration 0053): only its clients are read."""
    subject = wanted.get(CLIENT_CREDENTIAL_SUBJECT)
    candidates = await (
        tx.clients.list(realm_id) if subject is None else tx.clients.with_credential_subject(realm_id, subject)
    )
    return [c for c in candidates if all(c.attributes.get(k) == v for k, v in wanted.items())]


async def list_clients(request: Request) -> Response:
    client_id = request.query_params.get("clientId") or None
    search = query_bool(request, "search", False)
    q = request.query_params.get("q")

    async def work(call: RealmCall) -> Response:
        first, max_results = query_int(request, "first"), query_int(request, "max")
        if not call.may_list_clients():
            raise FORBIDDEN
        searchable = state(request).settings.client_searchable_attributes
        wanted = attribute_query(q, searchable) if q is not None else None
        if not call.can("view-clients"):  # Keycloak lists nothing it may not show in full
            return ok([])
        if wanted is not None:
            found = await clients_by_attributes(call.tx, call.realm.id, wanted)
        else:
            found = await call.tx.clients.list(call.realm.id, client_id=client_id, search=search)
            if client_id is not None and not search:
                found = found[:1]
        return ok([await _shown(call, c) for c in page(found, first, max_results)])

    return await run_realm(request, work, write=False)


async def _shown(call: RealmCall, client: Client) -> dict[str, Any]:
    """The client as this caller may see it: its secrets masked unless they may manage it (getClient)."""
    rep = await client_json(call.tx, client)
    return rep if call.can("manage-clients") else strip_client(rep)


def _updater(call: RealmCall, request: Request) -> dict[str, Any]:
    """Who changes a client, for the client-updater-source-* conditions: the administrator, from where."""
    return {"user": call.identity.user, "remote_addr": client_ip(request), "base_url": base_url(request)}


async def create_client(request: Request) -> Response:
    fetch = await sector_prefetch.for_mappers(request, clients=True)

    async def work(call: RealmCall) -> Response:
        call.require("manage-clients")
        rep = await client_policies.on_client_write(
            call.tx, call.realm, await read_object(request), None, BY_ADMIN, **_updater(call, request)
        )
        client = flow_support.with_overrides(call.realm, parse.new_client(call.realm, rep), rep)
        if _reserved_for(call, client.client_id):
            raise FORBIDDEN
        client = dataclasses.replace(client, protocol_mappers=client_mappers(rep.get("protocolMappers"), admin=True))
        await call.identity.require_mapper_grants(call.tx, call.realm, added_roles((), client.protocol_mappers))
        defaults = parse.scope_names(rep, "defaultClientScopes")
        optionals = parse.scope_names(rep, "optionalClientScopes")
        problems = await pairwise.client_problems(client, fetch)
        client = await operations.create_client(call.tx, call.realm, client, defaults, optionals, call.now, problems)
        written = await client_policies.after_client_write(
            call.tx, call.realm, client, call.now, provisioning.new_secret, created=True, user=call.identity.user
        )
        if written != client:
            await call.tx.clients.update(written)
        return created(call.url(call.realm.name, "clients", client.id))

    return await run_realm(request, work)


async def get_client(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        client = await call.client(request.path_params["id"])
        call.require("view-clients")
        return ok(await _shown(call, client))

    return await run_realm(request, work, write=False)


async def update_client(request: Request) -> Response:
    fetch = await sector_prefetch.for_mappers(request, clients=True)

    async def work(call: RealmCall) -> Response:
        client = await call.client(request.path_params["id"])
        call.require("manage-clients")
        rep = await client_policies.on_client_write(
            call.tx, call.realm, await read_object(request), client, BY_ADMIN, **_updater(call, request)
        )
        new = flow_support.with_overrides(call.realm, parse.updated_client(client, rep), rep)
        if management.is_management(call.realm.name, client.client_id) and new.client_id != client.client_id:
            raise FORBIDDEN  # the realm's admin roles are found by this name: renaming it would strip every admin
        if _renames_realm_client(call, client, new):
            raise FORBIDDEN
        listed = rep.get("protocolMappers")
        mappers = client_mappers(listed, admin=True) if listed is not None else None  # checked before any write
        added = added_roles(client.protocol_mappers, mappers or ())
        await call.identity.require_mapper_grants(call.tx, call.realm, added)
        sent = rep.get("serviceAccountsEnabled") is True
        # validateClient sees the mappers the update leaves: those sent, else the client's own
        final = dataclasses.replace(new, protocol_mappers=mappers if mappers is not None else client.protocol_mappers)
        problems = await pairwise.client_problems(final, fetch)
        new = await client_policies.after_client_write(
            call.tx, call.realm, new, call.now, provisioning.new_secret, user=call.identity.user
        )
        await call.identity.require_mappers_follow(  # a new clientId renames its roles for mappers: mapper_targets.py
            call.tx,
            call.realm,
            lambda: operations.update_client(
                call.tx, call.realm, client, new, call.now, service_accounts_sent=sent, problems=problems
            ),
            roles=new.client_id != client.client_id,
        )
        if mappers is not None:
            await sync_client_mappers(call.tx, call.realm.id, client.id, mappers)
        return no_content()

    return await run_realm(request, work)


def _renames_realm_client(call: RealmCall, client: Client, new: Client) -> bool:
    """Would this rename move a master client into or out of a ``<realm>-realm`` name, the caller not being
    master's admin? (doorkeep.realms.master_clients.reserved). Keycloak has no such check; Doorkeep closes the gap
    as it does for the realm's management client."""
    if new.client_id == client.client_id:
        return False
    return _reserved_for(call, client.client_id) or _reserved_for(call, new.client_id)


def _reserved_for(call: RealmCall, client_id: str) -> bool:
    """Is ``client_id`` a master per-realm client's name that only master's admin may make, rename or delete?"""
    return not call.identity.master_admin and master_clients.reserved(call.realm.name, client_id)


async def delete_client(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        client = await call.client(request.path_params["id"])
        call.require("manage-clients")
        await client_policies.on_unregister(call.tx, call.realm, client)
        if await is_internal(call.tx, call.realm.name, client.client_id):  # the realm cannot work without them
            raise CANNOT_DELETE
        if _reserved_for(call, client.client_id):
            raise FORBIDDEN
        # a mapper naming ``<clientId>.x`` then names the realm role ``<clientId>.x`` (mapper_targets.py)
        await call.identity.require_mappers_follow(
            call.tx, call.realm, lambda: operations.delete_client(call.tx, client), roles=True
        )
        return no_content()

    return await run_realm(request, work)


async def get_secret(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        client = await call.client(request.path_params["id"])
        call.require("manage-clients")  # getClientSecret: requireManage
        return ok(secret_json(client))

    return await run_realm(request, work, write=False)


async def regenerate_secret(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        client = await call.client(request.path_params["id"])
        call.require("manage-clients")
        return ok(secret_json(await operations.regenerate_secret(call.tx, call.realm, client, call.now)))

    return await run_realm(request, work)


async def regenerate_registration_token(request: Request) -> Response:
    """ClientResource.regenerateRegistrationAccessToken: a new authenticated registration access token for the
    client registration service, voiding the last; the client's representation carries it."""

    async def work(call: RealmCall) -> Response:
        client = await call.client(request.path_params["id"])
        call.require("manage-clients")
        services, issuer = state(request).services, realm_issuer(request, call.realm.name)
        jti, token = await registration_tokens.registration_access_token(
            call.tx, services, call.realm.id, issuer, "authenticated"
        )
        client = dataclasses.replace(client, registration_token=jti)
        await call.tx.clients.update(client)
        out = await client_json(call.tx, client)
        out.pop("access", None)
        out["registrationAccessToken"] = token
        return ok(out)

    return await run_realm(request, work)


async def service_account_user(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        client = await call.client(request.path_params["id"])
        call.require("view-clients")
        user = await call.tx.users.get_service_account(client)
        if user is None:
            if not client.service_accounts_enabled:
                raise AdminError(400, f"Service account not enabled for the client '{client.client_id}'", key="error")
            user = await provisioning.ensure_service_account(call.tx, call.realm, client, now=call.now)
        return ok(user_to_json(user))

    return await run_realm(request, work)


def scope_links(default: bool) -> tuple[Endpoint, Endpoint]:
    """The GET and PUT/DELETE handlers of ``default-client-scopes`` (or ``optional-…``)."""

    async def listing(request: Request) -> Response:
        async def work(call: RealmCall) -> Response:
            client = await call.client(request.path_params["id"])
            call.require("view-clients")
            links = await call.tx.clients.scopes(client.id)
            return ok([{"id": s.id, "name": s.name} for s, is_default in links if is_default == default])

        return await run_realm(request, work, write=False)

    async def change(request: Request) -> Response:
        async def work(call: RealmCall) -> Response:
            client = await call.client(request.path_params["id"])
            call.require("manage-clients")
            scope = await call.tx.scopes.get(request.path_params["scope_id"])
            if scope is None or scope.realm_id != call.realm.id:
                raise SCOPE_NOT_FOUND
            if request.method == "PUT":
                await call.tx.clients.link_scope(client.id, scope.id, default)
            else:  # Keycloak unlinks the scope whichever kind of link it was
                optional = (scope.id, False) in {(s.id, d) for s, d in await call.tx.clients.scopes(client.id)}
                await call.tx.clients.unlink_scope(client.id, scope.id)
                if optional:  # the revocation-trigger policy's ``scope-removal``
                    granted = triggered.granted(scope.name)
                    trigger = rt.SCOPE_REMOVAL
                    await triggered.end_for_client(call.tx, call.realm, client, trigger, now=call.now, matches=granted)
            return no_content()

        return await run_realm(request, work)

    return listing, change


_defaults, _change_default = scope_links(True)
_optionals, _change_optional = scope_links(False)

ROUTES = [
    Route(BASE, list_clients, methods=["GET"]),
    Route(BASE, create_client, methods=["POST"]),
    Route(ONE, get_client, methods=["GET"]),
    Route(ONE, update_client, methods=["PUT"]),
    Route(ONE, delete_client, methods=["DELETE"]),
    Route(ONE + "/client-secret", get_secret, methods=["GET"]),
    Route(ONE + "/client-secret", regenerate_secret, methods=["POST"]),
    Route(ONE + "/registration-access-token", regenerate_registration_token, methods=["POST"]),
    Route(ONE + "/service-account-user", service_account_user, methods=["GET"]),
    Route(ONE + "/default-client-scopes", _defaults, methods=["GET"]),
    Route(ONE + "/default-client-scopes/{scope_id}", _change_default, methods=["PUT", "DELETE"]),
    Route(ONE + "/optional-client-scopes", _optionals, methods=["GET"]),
    Route(ONE + "/optional-client-scopes/{scope_id}", _change_optional, methods=["PUT", "DELETE"]),
]
