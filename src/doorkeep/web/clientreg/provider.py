"""What every client registration provider does with a ClientRepresentation (Keycloak's
AbstractClientRegistrationProvider): create, read, update and delete a client under the caller's token and the
realm's policies, and hand out the client's registration access token.

Validation comes after the policies and the duplicate check, as Keycloak's ``validateClient`` after
``create``; a refusal rolls the whole request back. URLs are checked by ``oauth/client_urls.py`` (redirect URIs
with ``oauth/redirect_uris.py``'s syntax), a redirect URI problem being ``invalid_redirect_uri``.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from doorkeep.admin import mapper_grants, mapper_targets, operations
from doorkeep.admin.admin_event_rules import strip_client
from doorkeep.admin.permissions import Grantor, closure_facts, is_admin_role, may_grant
from doorkeep.admin.representations import RepresentationError
from doorkeep.clientpolicies import enforce as client_policies
from doorkeep.clientpolicies.context import (
    BY_ANONYMOUS,
    BY_AUTHENTICATED_USER,
    BY_INITIAL_ACCESS_TOKEN,
    BY_REGISTRATION_ACCESS_TOKEN,
)
from doorkeep.clientreg import default_roles, policies, privileged
from doorkeep.clientreg import tokens as rt
from doorkeep.errors import AdminError
from doorkeep.model import Client, Realm
from doorkeep.oauth import client_urls
from doorkeep.realms import master_clients
from doorkeep.realms.provisioning import new_id, new_secret
from doorkeep.web.admin import parse
from doorkeep.web.admin.clients import client_json, is_internal
from doorkeep.web.admin.mappers import client_mappers, sync_client_mappers
from doorkeep.web.clientreg.auth import FORBIDDEN, RegistrationAuth
from doorkeep.web.http import base_url, client_ip, state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

IN_USE = AdminError(400, "invalid_client_metadata", key="error", description="Client Identifier in use")
MODIFIED = AdminError(400, "invalid_client_metadata", key="error", description="Client Identifier modified")
NOT_REMOVED = AdminError(403, "HTTP 403 Forbidden", key="error")


def updater_source(auth: RegistrationAuth) -> str:
    """ClientUpdaterContextCondition's source of a registration or update: the token it came with."""
    if auth.verified is None:
        return BY_ANONYMOUS
    if auth.initial_access:
        return BY_INITIAL_ACCESS_TOKEN
    if auth.registration_access:
        return BY_REGISTRATION_ACCESS_TOKEN
    return BY_AUTHENTICATED_USER


async def _updater(auth: RegistrationAuth) -> dict[str, Any]:
    """Who registers or updates, for the client-updater-source-* conditions: the subject of a bearer token (a
    registration or initial access token names no user), and from where."""
    sub = auth.claims.get("sub") if updater_source(auth) == BY_AUTHENTICATED_USER else None
    user = await auth.tx.users.get(sub) if isinstance(sub, str) else None
    return {"user": user, "remote_addr": client_ip(auth.request), "base_url": base_url(auth.request)}


def metadata_error(description: str) -> AdminError:
    return AdminError(400, "invalid_client_metadata", key="error", description=description)


def _screened(auth: RegistrationAuth, rep: dict[str, Any], client: Client | None) -> dict[str, Any]:
    """``rep`` without the attributes registration may not set; refused when a caller that is not an
    administrator turns on what only an administrator may (clientreg/privileged.py)."""
    if auth.provider == "default" and not auth.bearer:
        problem = privileged.refusal(rep, client)
        if problem is not None:
            raise metadata_error(problem)
    return privileged.without_privileged_attributes(rep)


def validate(realm: Realm, client: Client) -> None:
    """validateClient: ``invalid_redirect_uri`` when a redirect URI is at fault, else ``invalid_client_metadata``,
    with every message (ValidationResult.getAllErrorsAsString), the session timeouts' last."""
    errors = client_urls.url_errors(client)
    messages = [e.message for e in errors] + operations.setting_problems(realm, client)
    if messages:
        code = "invalid_redirect_uri" if any(e.place.startswith("redirectUris") for e in errors) else None
        description = "; ".join(dict.fromkeys(messages))
        raise AdminError(400, code or "invalid_client_metadata", key="error", description=description)


async def representation(tx: Tx, realm: Realm, client: Client) -> dict[str, Any]:
    """ModelToRepresentation.toRepresentation, with the secret of a confidential client and the (deprecated)
    ``defaultRoles``: the client's roles in the realm's default role."""
    out = await client_json(tx, client)
    out.pop("access", None)
    out["defaultRoles"] = await default_roles.names(tx, realm, client)
    return out


def _role_names(rep: dict[str, Any]) -> list[str] | None:
    listed = rep.get("defaultRoles")
    if listed is None:
        return None
    if not isinstance(listed, list) or not all(isinstance(n, str) for n in listed):
        raise RepresentationError("defaultRoles")
    return list(listed)


async def _require_grantable(auth: RegistrationAuth, client: Client, names: list[str]) -> None:
    """403 unless the caller may hand out each role ``defaultRoles`` adds to the realm's default role.

    Beyond Keycloak (whose updateDefaultRoles asks nothing): a role in ``default-roles-<realm>`` is every user's,
    so one that is or contains an admin role joins it only when the caller is an administrator who may hand that
    role out (RolePermissions.checkAdminRoles' rule, doorkeep.admin.permissions). Otherwise manage-clients, or
    the registration access token an administrator with manage-clients may mint for any client, would make every
    user realm-admin through the realm-management client's ``defaultRoles``. Roles already there stay."""
    already = set(await default_roles.names(auth.tx, auth.realm, client))
    grantor: Grantor | None = None
    for name in names:
        role = None if name in already else await auth.tx.roles.get_client_role(client.id, name)
        if role is None or not any(is_admin_role(f) for f in await closure_facts(auth.tx, role)):
            continue  # already given, made as a plain role, or no admin role inside
        grantor = grantor or await auth.grantor()
        if grantor is None or not await may_grant(auth.tx, grantor, role):
            raise FORBIDDEN


async def _require_mapper_grants(auth: RegistrationAuth, names: list[str | None]) -> None:
    """403 unless the caller may hand out each role the written protocol mappers put into tokens (CVE-2026-4629,
    doorkeep.admin.mapper_grants), whatever the registration policies allow: an administrator's bearer token
    answers for its holder; no token, an initial or a registration access token hands out no admin role."""
    if any(names) and not await mapper_grants.may_write(auth.tx, auth.realm.id, await auth.grantor(), names):
        raise FORBIDDEN


def _with_token(rep: dict[str, Any], token: str | None) -> dict[str, Any]:
    """The ClientRepresentation with ``registrationAccessToken`` where Keycloak's field order puts it."""
    if token is None:
        return rep
    out: dict[str, Any] = {}
    for key, value in rep.items():
        out[key] = value
        if key == "clientAuthenticatorType":
            out["secret"] = rep.get("secret")
            out["registrationAccessToken"] = token
    out.setdefault("registrationAccessToken", token)
    return {k: v for k, v in out.items() if v is not None}


async def _new_token(auth: RegistrationAuth, kind: str) -> tuple[str, str]:
    services = state(auth.request).services
    return await rt.registration_access_token(auth.tx, services, auth.realm.id, auth.issuer, kind, auth.provider)


async def create(auth: RegistrationAuth, rep: dict[str, Any]) -> tuple[Client, dict[str, Any]]:
    """create: the new client and its representation with ``registrationAccessToken``. Optional client scopes
    without default ones get ``basic`` as the one default scope, before the policies judge them."""
    tx, realm = auth.tx, auth.realm
    if rep.get("optionalClientScopes") is not None and rep.get("defaultClientScopes") is None:
        rep = {**rep, "defaultClientScopes": ["basic"]}
    kind = await auth.require_create(rep)
    rep = _screened(auth, rep, None)
    by = await _updater(auth)
    rep = await client_policies.on_client_write(tx, realm, rep, None, updater_source(auth), **by, dynamic=True)
    client_uuid = parse._str(rep, "id") or new_id()
    client = parse.new_client(realm, {**rep, "id": client_uuid, "clientId": parse._str(rep, "clientId") or client_uuid})
    client = dataclasses.replace(client, protocol_mappers=client_mappers(rep.get("protocolMappers")))
    await _require_mapper_grants(auth, mapper_grants.added_roles((), client.protocol_mappers))
    if await tx.clients.get_by_client_id(realm.id, client.client_id) or await tx.clients.get(client.id):
        raise IN_USE
    if master_clients.reserved(realm.name, client.client_id):  # master's per-realm client names: its admin's alone
        raise FORBIDDEN
    client = await policies.after_register(tx, realm.id, client, kind)
    validate(realm, client)
    jti, token = await _new_token(auth, kind)
    client = dataclasses.replace(client, registration_token=jti)
    defaults, optionals = parse.scope_names(rep, "defaultClientScopes"), parse.scope_names(rep, "optionalClientScopes")
    now = state(auth.request).services.clock.now()
    client = await operations.create_client(tx, realm, client, defaults, optionals, now)
    written = await client_policies.after_client_write(
        tx, realm, client, now, new_secret, created=True, updater=updater_source(auth), dynamic=True, user=by["user"]
    )
    if written != client:
        client = written
        await tx.clients.update(client)
    await _require_grantable(auth, client, _role_names(rep) or [])  # a new client's roles are plain: no admin role
    await default_roles.add(tx, realm, client, _role_names(rep) or [])
    if auth.initial is not None and not await tx.initial_access.spend(auth.initial.id):
        raise rt.unauthorized("No remaining count on initial access token")  # another registration spent it
    auth.event_client = client.client_id
    out = await representation(tx, realm, client)
    out["directAccessGrantsEnabled"] = False  # what Keycloak's create answers, whatever the client has
    return client, _with_token(out, token)


async def get(auth: RegistrationAuth, client: Client | None) -> dict[str, Any]:
    """get: the representation; a registration access token comes back as it was (re-signed after a key
    rotation), never a new one."""
    await auth.require_view(client)
    assert client is not None
    token = None
    if auth.registration_access and auth.verified is not None and auth.token is not None:
        services = state(auth.request).services
        token = await rt.same_registration_token(auth.tx, services, auth.realm.id, auth.token, auth.verified)
    out = await representation(auth.tx, auth.realm, client)
    if auth.secret_masked:  # the secret and the rotated one, still good for its grace period (StripSecretsUtils)
        out = strip_client(out)
    return _with_token(out, token)


async def update(auth: RegistrationAuth, client: Client | None, rep: dict[str, Any]) -> dict[str, Any]:
    """update: the policies judge the change, the clientId cannot change, and a registration access token is
    rotated (the one presented stops working)."""
    tx, realm = auth.tx, auth.realm
    kind, client = await auth.require_update(client)
    auth.event_kind = kind
    rep = _screened(auth, rep, client)
    await policies.before_update(tx, auth.policy_request(kind, rep), client)
    by = await _updater(auth)
    rep = await client_policies.on_client_write(tx, realm, rep, client, updater_source(auth), **by, dynamic=True)
    if rep.get("clientId") != client.client_id:
        raise MODIFIED
    new = parse.updated_client(client, rep)
    validate(realm, new)
    roles = _role_names(rep)
    if roles is not None:
        await _require_grantable(auth, client, roles)
    listed = rep.get("protocolMappers")
    mappers = client_mappers(listed) if listed is not None else None
    await _require_mapper_grants(auth, mapper_grants.added_roles(client.protocol_mappers, mappers or ()))
    token = None
    if auth.registration_access:
        jti, token = await _new_token(auth, auth.registration_kind())
        new = dataclasses.replace(new, registration_token=jti)
    now = state(auth.request).services.clock.now()
    new = await client_policies.after_client_write(
        tx, realm, new, now, new_secret, updater=updater_source(auth), dynamic=True, user=by["user"]
    )
    new = await operations.update_client(tx, realm, client, new, now)
    if mappers is not None:
        await sync_client_mappers(tx, realm.id, client.id, mappers)
    await _sync_scopes(tx, realm.id, new, rep)
    if roles is not None:
        await default_roles.replace(tx, realm, new, roles)
    stored = await tx.clients.get(client.id)
    assert stored is not None
    return _with_token(await representation(tx, realm, stored), token)


async def delete(auth: RegistrationAuth, client: Client | None) -> None:
    """delete: the update rights, then the policies' look at the caller."""
    kind, client = await auth.require_update(client)
    auth.event_kind = kind
    await policies.before_view_or_delete(auth.tx, auth.policy_request(kind, {}))
    if await is_internal(auth.tx, auth.realm.name, client.client_id):  # ClientManager.removeClient refuses them
        raise NOT_REMOVED
    # As the admin API's deletion (web/admin/clients.py): with the client gone, a mapper naming ``clientId.role``
    # names the realm role of that name; beyond Keycloak, whoever deletes must be able to hand that role out. A
    # registration or initial access token hands out no admin role.
    grantor = await auth.grantor() or mapper_grants.NOBODY
    _, allowed = await mapper_targets.followed(
        auth.tx, auth.realm.id, grantor, lambda: operations.delete_client(auth.tx, client), roles=True, groups=False
    )
    if not allowed:
        raise FORBIDDEN


async def _sync_scopes(tx: Tx, realm_id: str, client: Client, rep: dict[str, Any]) -> None:
    """updateClientScopes: a list given replaces the client's scopes of that kind (unknown names skipped)."""
    held = await tx.clients.scopes(client.id)
    for key, default in (("defaultClientScopes", True), ("optionalClientScopes", False)):
        names = parse.scope_names(rep, key)
        if names is None:
            continue
        for scope, is_default in held:
            if is_default == default and scope.name not in names:
                await tx.clients.unlink_scope(client.id, scope.id)
        have = {s.name for s, d in held if d == default}
        for name in names:
            found = await tx.scopes.get_by_name(realm_id, name)
            if found is not None and found.protocol == client.protocol and name not in have:
                await tx.clients.link_scope(client.id, found.id, default)
