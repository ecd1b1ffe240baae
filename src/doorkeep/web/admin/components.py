"""Admin REST: a realm's components (Keycloak's ComponentResource): its key providers and its client
registration policies (web/admin/registration_policies.py).

``GET`` lists or shows them (view-realm), ``POST``, ``PUT`` and ``DELETE`` change them (manage-realm), as
``auth.realm().requireViewRealm()`` / ``requireManageRealm()``. Creating a key provider generates (or imports)
its key; a higher priority makes it the active key of its algorithm at once in every process (the write
advances the realm's config version, which each process's key ring follows). Validation failures are
ComponentValidationException's 400 ``{"errorMessage": …}``. Components of other types (user storage, user
profile…) are not kept here: listing them answers none, writing them is a 501.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from doorkeep.admin import key_providers as providers
from doorkeep.admin import serverinfo
from doorkeep.admin.unknown_properties import refuse_unknown
from doorkeep.clientreg import policy_components as pc
from doorkeep.clientreg import policy_writes as registration_policies
from doorkeep.errors import AdminError
from doorkeep.keys import components as kc
from doorkeep.web.admin.common import RealmCall, created, no_content, not_found, ok, read_object, run_realm
from doorkeep.web.http import state

BASE = "/{realm}/components"
COMPONENT_REPRESENTATION = frozenset(["id", "name", "providerId", "providerType", "parentId", "subType", "config"])


async def _listed(call: RealmCall, request: Request) -> list[dict[str, Any]]:
    """The ``parent``, ``type`` and ``name`` filters of getComponents (no parent and no type: every component)."""
    parent, kind, name = (request.query_params.get(k) for k in ("parent", "type", "name"))
    if parent is not None and parent != call.realm.id:
        return []
    out: list[dict[str, Any]] = []
    if kind is None or kind == pc.POLICY_TYPE:
        policies = await call.tx.registration_policies.list(call.realm.id)
        out += [pc.representation(p) for p in policies if name is None or p.name == name]
    if kind is None or kind == kc.KEY_PROVIDER:
        keys = await providers.listed(call.tx, call.realm)
        out += [kc.representation(k) for k in keys if name is None or k.name == name]
    return out


async def listing(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("view-realm")
        return ok(await _listed(call, request))

    return await run_realm(request, work, write=False)


async def one(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("view-realm")
        policy = await call.tx.registration_policies.get(call.realm.id, request.path_params["id"])
        if policy is not None:
            return ok(pc.representation(policy))
        return ok(kc.representation(await providers.stored(call.tx, call.realm, request.path_params["id"])))

    return await run_realm(request, work, write=False)


# Component types Keycloak 26 serves that Doorkeep keeps no store for.
OTHER_TYPES = frozenset(
    {
        "org.keycloak.storage.UserStorageProvider",
        "org.keycloak.storage.ldap.mappers.LDAPStorageMapper",
        "org.keycloak.userprofile.UserProfileProvider",
        "org.keycloak.services.ui.extend.UiTabProvider",
    }
)


def _other_type(rep: dict[str, Any]) -> Response | None:
    """A component of a type Doorkeep keeps no store for: the deliberate 501 (web/not_found.py); a type
    Keycloak does not know either is ComponentUtil's IllegalArgumentException, a 400."""
    kind = rep.get("providerType")
    if kind is None or kind in (kc.KEY_PROVIDER, pc.POLICY_TYPE):
        return None
    if not isinstance(kind, str) or kind not in OTHER_TYPES:
        raise kc.no_such_provider()
    description = f"Doorkeep keeps no components of type {kind}"
    return JSONResponse({"error": "HTTP 501 Not Implemented", "error_description": description}, 501)


async def _representation(request: Request) -> dict[str, Any]:
    """The body bound to a ComponentRepresentation, as RESTEasy binds it before the method checks the caller's
    role: malformed JSON, another shape or a property the class lacks is a 400 (UncaughtErrorPageTest)."""
    rep = await read_object(request)
    refuse_unknown(await request.body(), COMPONENT_REPRESENTATION, "ComponentRepresentation")
    return rep


async def create(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        rep = await _representation(request)
        call.require("manage-realm")
        refused = _other_type(rep)
        if refused is not None:
            return refused
        if rep.get("providerType") == pc.POLICY_TYPE:
            policy = await registration_policies.create(call.tx, call.realm, rep)
            return created(call.url(call.realm.name, "components", policy.id))
        key = await providers.create(call.tx, call.realm, rep, call.now)
        _forget(call, request)
        return created(call.url(call.realm.name, "components", key.component_id))

    return await run_realm(request, work)


async def update(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        rep = await _representation(request)
        call.require("manage-realm")
        policy = await call.tx.registration_policies.get(call.realm.id, request.path_params["id"])
        stored = None if policy is not None else await providers.stored(call.tx, call.realm, request.path_params["id"])
        refused = _other_type(rep)
        if refused is not None:
            return refused
        if policy is not None:
            await registration_policies.update(call.tx, call.realm, policy, rep)
            return no_content()
        assert stored is not None
        await providers.update(call.tx, call.realm, stored, rep, call.now)
        _forget(call, request)
        return no_content()

    return await run_realm(request, work)


async def delete(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("manage-realm")
        policy = await call.tx.registration_policies.get(call.realm.id, request.path_params["id"])
        if policy is not None:
            await registration_policies.delete(call.tx, call.realm, policy)
            return no_content()
        await providers.delete(
            call.tx, call.realm, await providers.stored(call.tx, call.realm, request.path_params["id"])
        )
        _forget(call, request)
        return no_content()

    return await run_realm(request, work)


async def sub_component_types(request: Request) -> Response:
    """ComponentResource.getSubcomponentConfig (view-realm): the component types of ``?type=`` that may sit under
    the component, as serverinfo's ``componentTypes`` lists them; a type Doorkeep has no providers of has none.
    An unknown parent is 404 "Could not find parent component", no ``type`` a 400."""

    async def work(call: RealmCall) -> Response:
        call.require("view-realm")
        component_id = request.path_params["id"]
        policy = await call.tx.registration_policies.get(call.realm.id, component_id)
        if policy is None and await call.tx.keys.component(call.realm.id, component_id) is None:
            raise not_found("Could not find parent component")
        kind = request.query_params.get("type")
        if kind is None:  # BadRequestException("must specify a subtype")
            raise AdminError(400, "must specify a subtype", key="error")
        types = serverinfo.server_info(call.now, call.now)["componentTypes"]
        return ok(types.get(kind, []))

    return await run_realm(request, work, write=False)


def _forget(call: RealmCall, request: Request) -> None:
    """This process drops its parsed keys of the realm at commit; the others follow the config version."""
    keyring, realm_id = state(request).services.keyring, call.realm.id
    call.after_commit(lambda: keyring.forget(realm_id))


ROUTES = [
    Route(BASE, listing, methods=["GET"]),
    Route(BASE, create, methods=["POST"]),
    Route(BASE + "/{id}", one, methods=["GET"]),
    Route(BASE + "/{id}/sub-component-types", sub_component_types, methods=["GET"]),
    Route(BASE + "/{id}", update, methods=["PUT"]),
    Route(BASE + "/{id}", delete, methods=["DELETE"]),
]
