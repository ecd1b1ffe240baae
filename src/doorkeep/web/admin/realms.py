"""Admin REST: realms (Keycloak's RealmsAdminResource and RealmAdminResource).

``GET /admin/realms`` lists what the caller may see, ``POST`` creates a realm (a master user holding
``create-realm``, who then holds every role of the new realm's ``<realm>-realm`` client in master) with everything
its representation holds (roles, client scopes, clients, groups, users: the realm import's parser and writer), and
``GET/PUT/DELETE /admin/realms/{realm}`` read, partially update and delete one (view-realm to read, manage-realm to
change); ``POST /admin/realms/{realm}/clear-*-cache`` (manage-realm); ``GET …/users-management-permissions`` (never
enabled: no fine-grained admin permissions).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin import admin_event_rules as rules
from doorkeep.admin import operations
from doorkeep.admin.representations import DISPLAY_NAME_HTML, mask_smtp_secrets, realm_to_json
from doorkeep.admin.unknown_properties import REALM_REPRESENTATION, refuse_unknown
from doorkeep.email import smtp
from doorkeep.errors import AdminError
from doorkeep.model import Realm
from doorkeep.realms import master_clients
from doorkeep.realms.exportimport.parse import parse_realm
from doorkeep.realms.exportimport.plan import ImportError_
from doorkeep.web.admin import audit, parse
from doorkeep.web.admin.auth import FORBIDDEN, AdminIdentity
from doorkeep.web.admin.common import (
    Call,
    RealmCall,
    bad_request,
    created,
    no_content,
    ok,
    query_bool,
    read_object,
    role_json,
    run,
    run_realm,
)
from doorkeep.web.http import state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


# Their admin events' resource type and operation (the realm's own path says neither).
REALM_CREATED, REALM_DELETED = ("REALM", "CREATE"), ("REALM", "DELETE")


async def realm_json(tx: Tx, realm: Realm) -> dict[str, Any]:
    """The full RealmRepresentation, with the realm's default role (also what the Admin Console's realm
    settings record as their admin event's representation, as Keycloak's console PUTs it)."""
    out = mask_smtp_secrets(realm_to_json(realm))
    default_role = await operations.default_role(tx, realm)
    if default_role is not None:
        out["defaultRole"] = role_json(default_role, brief=True)
    return out


def brief_realm(realm: Realm) -> dict[str, Any]:
    """ModelToRepresentation.toBriefRepresentation(RealmModel): id, name, display names, enabled."""
    out: dict[str, Any] = {"id": realm.id, "realm": realm.name}
    if realm.display_name is not None:
        out["displayName"] = realm.display_name
    if (html := realm.attributes.get(DISPLAY_NAME_HTML)) is not None:
        out[DISPLAY_NAME_HTML] = html
    out["enabled"] = realm.enabled
    return out


# What RealmAdminResource.getRealm shows an admin of the realm without view-realm (any other realm-management
# role): its name, locales, display names and a few switches; registrationEmailAsUsername only to those who may
# view users (the user forms need it).
LIMITED_KEYS = (
    "realm",
    "defaultLocale",
    "displayName",
    "displayNameHtml",
    "supportedLocales",
    "bruteForceProtected",
    "organizationsEnabled",
)


def limited_realm(realm: Realm, users_visible: bool) -> dict[str, Any]:
    full = realm_to_json(realm)
    keys = (*LIMITED_KEYS, "registrationEmailAsUsername") if users_visible else LIMITED_KEYS
    return {key: full[key] for key in keys if key in full}


def administers(identity: AdminIdentity, realm: Realm) -> bool:
    """Holds any admin role there (realm-management, or a master user's ``<realm>-realm``): enough to learn the
    realm's name (RealmsAdminResource.toRealmRep: AdminPermissions.realms(...).isAdmin(realm))."""
    return identity.administers(realm)


async def list_realms(request: Request) -> Response:
    brief = query_bool(request, "briefRepresentation", False)

    async def work(call: Call) -> Response:
        out: list[dict[str, Any]] = []
        for realm in await call.tx.realms.list():
            if call.identity.can(realm, "view-realm"):
                out.append(brief_realm(realm) if brief else await realm_json(call.tx, realm))
            elif administers(call.identity, realm):
                out.append({"realm": realm.name})
        if not out:
            raise FORBIDDEN
        return ok(out)

    return await run(request, work, write=False)


async def create_realm(request: Request) -> Response:
    async def work(call: Call) -> Response:
        if not (call.identity.master_admin or call.identity.create_realm):  # MgmtPermissions.canCreateRealm
            raise FORBIDDEN
        body = await read_object(request)
        realm = parse.new_realm(body, state(request).services.disabled_features)
        try:
            plan = parse_realm(body)  # what the representation holds besides the settings: clients, users...
            # what only the writing finds (an organization's member or provider the file lacks) rolls it all back
            realm = await operations.create_realm(call.tx, realm, call.now, plan)
        except ImportError_ as problem:
            raise AdminError(400, str(problem)) from None
        if (missing := smtp.missing_sender(body.get("smtpServer"))) is not None:
            # RealmManager.importRealm, after the name and duplicate checks: BadRequestException(message); the
            # transaction, realm included, rolls back
            raise bad_request(missing)
        if not call.identity.master_admin:
            await grant_to_creator(call.tx, call.identity, realm)
        representation = rules.realm_representation(body)
        audit.in_callers_realm(
            request, call.identity, audit.Change("POST", (realm.name,), representation, *REALM_CREATED)
        )
        return created(call.url(realm.name))

    return await run(request, work)


async def grant_to_creator(tx: Tx, identity: AdminIdentity, realm: Realm) -> None:
    """RealmsAdminResource.grantPermissionsToRealmCreator: a creator without master's ``admin`` is given the new
    realm's client's AdminRoles.ALL_REALM_ROLES (every role but ``impersonation``), so they administer what they
    made."""
    client = await master_clients.find(tx, realm)
    if client is not None:
        roles = await tx.roles.list_client_roles(client.id)
        await tx.users.grant_roles(identity.user.id, [r.id for r in roles if r.name in master_clients.CREATOR_ROLES])


async def get_realm(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        if call.can("view-realm"):
            return ok(await realm_json(call.tx, call.realm))
        if administers(call.identity, call.realm):
            return ok(limited_realm(call.realm, call.can("view-users")))
        raise FORBIDDEN

    return await run_realm(request, work, write=False)


async def update_realm(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("manage-realm")
        rep = await read_object(request)
        refuse_unknown(await request.body(), REALM_REPRESENTATION, "RealmRepresentation")
        # the row locked and read again: a concurrent flow write (auth_flow_writes.edit) is not written over
        current = await call.tx.realms.lock(call.realm.id) or call.realm
        scope_names = None  # read only when the representation carries client policies to check
        if rep.get("clientPolicies"):
            scope_names = frozenset(s.name for s in await call.tx.scopes.list(current.id))
        updated = parse.updated_realm(current, rep, scope_names, state(request).services.disabled_features)
        smtp_settings = rep.get("smtpServer")
        if isinstance(smtp_settings, dict) and smtp_settings and not state(request).settings.email_sender_enabled:
            raise AdminError(400, smtp.SENDER_DISABLED)  # SMTPUtil.checkSMTPConfiguration without a sender
        if (problem := smtp.missing_sender(smtp_settings)) is not None:
            raise AdminError(400, problem)  # RealmAdminResource.updateRealm: the EmailException's ErrorResponse
        master = await call.tx.realms.get_by_name(master_clients.MASTER) if updated.name != current.name else None
        if master is None:
            await operations.update_realm(call.tx, current, updated, rep, flows=True)
        else:  # master's ``<realm>-realm`` client is renamed too: a mapper of master waiting for the new name
            await call.identity.require_mappers_follow(
                call.tx,
                master,
                lambda: operations.update_realm(call.tx, current, updated, rep, flows=True),
                roles=True,
            )
        return no_content()

    return await run_realm(request, work)


async def delete_realm(request: Request) -> Response:
    keyring = state(request).services.keyring

    async def work(call: RealmCall) -> Response:
        call.require("manage-realm")
        master = await call.tx.realms.get_by_name(master_clients.MASTER)
        if master is None or master.id == call.realm.id:
            await operations.delete_realm(call.tx, call.realm)
        else:  # master's ``<realm>-realm`` goes too: ``<realm>-realm.x`` may then name a master realm role
            await call.identity.require_mappers_follow(
                call.tx, master, lambda: operations.delete_realm(call.tx, call.realm), roles=True
            )
        audit.in_callers_realm(request, call.identity, audit.Change("DELETE", (call.realm.name,), None, *REALM_DELETED))
        realm_id = call.realm.id
        call.after_commit(lambda: keyring.forget(realm_id))
        return no_content()

    return await run_realm(request, work)


async def clear_cache(request: Request) -> Response:
    """``clear-realm-cache``, ``clear-user-cache``, ``clear-keys-cache`` (RealmAdminResource: manage-realm, 204,
    an ACTION admin event). Doorkeep shares no cache between processes: every process checks the realm's version
    stamps on each request, and Keycloak's clear notifies the whole cluster, so each call advances a stamp. The realm
    cache call drops this process's cached configuration of the realm and advances its config version: every other
    process drops its own at its next request (a change written to the tables by hand included). The keys cache
    call drops every JWK set this process fetched (clients' ``jwks.url``, identity providers' ``jwksUrl``;
    oauth/client_keys.py), as Keycloak empties its whole ``keys`` cache, and advances the realm's
    ``keys_cache_epoch``: every other process does the same at its next request naming the realm. The user cache has
    nothing to clear (users are read from the database)."""
    realm_cache = request.url.path.endswith("/clear-realm-cache")
    keys = state(request).services.client_keys if request.url.path.endswith("/clear-keys-cache") else None

    async def work(call: RealmCall) -> Response:
        call.require("manage-realm")
        if realm_cache:
            call.tx.forget_cached_config(call.realm.id)
            await call.tx.realms.clear_config_cache(call.realm.id)  # the other processes: at their next request
        if keys is not None:
            await call.tx.realms.clear_keys_cache(call.realm.id)  # the other processes: at their next read of it
            call.after_commit(keys.clear)
        return no_content()

    return await run_realm(request, work)


async def users_management_permissions(request: Request) -> Response:
    """RealmAdminResource.getUsersManagementPermissions (view-realm): a ManagementPermissionReference. Doorkeep
    has no fine-grained admin permissions, so they are never enabled: ``{"enabled": false}``, as Keycloak answers
    for a realm that has not turned them on."""

    async def work(call: RealmCall) -> Response:
        call.require("view-realm")
        return ok({"enabled": False})

    return await run_realm(request, work, write=False)


async def root(request: Request) -> Response:
    """``/admin/realms`` itself: Starlette's Mount only sees paths below it, so the URL map routes
    this one explicitly (web/routes.py) as well as with a trailing slash (below)."""
    return await (create_realm(request) if request.method == "POST" else list_realms(request))


ROUTES = [
    Route("/", root, methods=["GET", "POST"]),
    Route("/{realm}", get_realm, methods=["GET"]),
    Route("/{realm}", update_realm, methods=["PUT"]),
    Route("/{realm}", delete_realm, methods=["DELETE"]),
    Route("/{realm}/users-management-permissions", users_management_permissions, methods=["GET"]),
    *(Route(f"/{{realm}}/clear-{kind}-cache", clear_cache, methods=["POST"]) for kind in ("realm", "user", "keys")),
]
