"""Admin REST: users, passwords and role mappings under ``/admin/realms/{realm}/users`` (KEYCLOAK.md §9.2).

Reads need ``view-users`` (searching and counting ``query-users``, which finds nobody without it); writes,
password resets and role-mapping changes need ``manage-users``.
Handlers parse, call ``users_ops`` and render.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin import user_profile as up_config
from doorkeep.admin import user_profile_checks as up_checks
from doorkeep.admin import user_search
from doorkeep.admin.representations import credential_to_json, user_to_json
from doorkeep.admin.unknown_properties import refuse_unknown
from doorkeep.errors import AdminError
from doorkeep.users import account_profile, brute_force, credential_order, otp
from doorkeep.users.account import USER_REPRESENTATION
from doorkeep.web import handlers
from doorkeep.web.admin import audit, common
from doorkeep.web.admin import users_ops as ops
from doorkeep.web.admin.auth import FORBIDDEN
from doorkeep.web.admin.common import created
from doorkeep.web.admin.user_shown import listed, shown
from doorkeep.web.http import BodyTooLarge, base_url, jaxrs_path, json_response, read_body, state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

NO_CONTENT = 204


async def list_users(request: Request) -> Response:
    now = state(request).services.clock.now()

    async def work(tx: Tx) -> Response:
        caller, realm = await common.admin_caller(request, tx, "query-users")  # UsersResource: requireQuery()
        if not caller.can(realm, "view-users"):
            return json_response([])  # toRepresentation keeps the users canView(user) allows: none without FGAP
        first, max_results = common.query_int(request, "first", 0), common.query_int(request, "max", 100)
        found = await user_search.list_users(tx, realm, dict(request.query_params), first, max_results)
        brief = common.query_bool(request, "briefRepresentation", False)
        return json_response(await listed(tx, realm, found, now, brief=brief))

    return await handlers.answer(request, work, write=False)


async def count_users(request: Request) -> Response:
    async def work(tx: Tx) -> Response:
        caller, realm = await common.admin_caller(request, tx, "query-users")  # getUsersCount: requireQuery()
        if not caller.can(realm, "view-users"):
            return json_response(0)  # counted over the groups the caller may view members of: none without FGAP
        if not request.query_params:  # the plain count needs no user rows
            return json_response(await tx.users.count(realm.id))
        return json_response(
            len(await user_search.list_users(tx, realm, dict(request.query_params), 0, -1, count=True))
        )

    return await handlers.answer(request, work, write=False)


def _require_profile_reader(call: common.RealmCall) -> None:
    """Keycloak 26.4.11 / 26.5.6 ("Stricter access control for fetching user profile configuration and
    metadata"): no longer any admin role, but view-realm or manage-realm, or a role that may query users
    (query-users, view-users, manage-users); others get 403."""
    if not (call.identity.can(call.realm, "view-realm") or call.identity.can(call.realm, "query-users")):
        raise FORBIDDEN


async def user_profile(request: Request) -> Response:
    """``GET users/profile``: the realm's UPConfig (UserProfileResource.getConfiguration)."""

    async def work(call: common.RealmCall) -> Response:
        _require_profile_reader(call)
        return json_response(up_config.config_of(call.realm))

    return await common.run_realm(request, work, write=False)


async def user_profile_metadata(request: Request) -> Response:
    """``GET users/profile/metadata``: UserProfileResource.getMetadata, the USER_API context's metadata for a
    user not yet created (the same readers as the configuration)."""

    async def work(call: common.RealmCall) -> Response:
        _require_profile_reader(call)
        return json_response(account_profile.metadata(call.realm, admin=True, new_user=True))

    return await common.run_realm(request, work, write=False)


async def user_profile_update(request: Request) -> Response:
    """``PUT users/profile`` (UserProfileResource.update, manage-realm): a property UPConfig lacks is Jackson's
    400; the configuration is validated as UPConfigUtils.validate does (400, the errors as one message), stored,
    and answered back (200); the same
    configuration again changes nothing and records no event; ``null`` restores the default."""

    async def work(tx: Tx, body: Any) -> Response:
        _, realm = await common.admin_caller(request, tx, "manage-realm")
        if isinstance(body, dict):
            refuse_unknown(await request.body(), up_config.UPCONFIG_PROPERTIES, "UPConfig")
        try:
            config = None if body is None else up_config.normalized(body)
        except up_config.InvalidConfig as problem:
            raise AdminError(400, str(problem)) from None
        if config is not None and config == up_config.config_of(realm) and up_config.enforced(realm):
            audit.unchanged(request)  # setAndGetConfiguration returns an equal configuration untouched
            return json_response(config)
        if config is not None:
            found = up_checks.errors(config, {s.name for s in await tx.scopes.list(realm.id)})
            if found:
                raise AdminError(400, up_checks.message(found))
        updated = up_config.with_config(realm, config)
        if updated != realm:
            await tx.realms.update(updated)
        return json_response(up_config.config_of(updated))

    return await handlers.answer_with_body(request, work)


async def create_user(request: Request) -> Response:
    now = state(request).services.clock.now()

    async def work(tx: Tx, body: Any) -> Response:
        identity, realm = await common.admin_caller(request, tx, "manage-users")
        user = await ops.create_user(tx, realm, body, now, identity, fixed=state(request).services.read_only.admin)
        location = f"{base_url(request)}/admin/realms/{jaxrs_path(realm.name)}/users/{user.id}"
        return created(location)

    return await handlers.answer_with_body(request, work)


async def get_user(request: Request) -> Response:
    """UserResource.getUser; ``userProfileMetadata=true`` adds the USER_API context's profile metadata."""
    now = state(request).services.clock.now()

    async def work(tx: Tx) -> Response:
        caller, realm, found = await common.admin_user(request, tx)
        caller.require(realm, "view-users")
        [user] = await brute_force.shown(tx, realm, [found], now)
        rep = user_to_json(user, totp=bool(await otp.configured_for(tx, [user.id])))
        rep = shown(realm, rep)
        if common.query_bool(request, "userProfileMetadata", False):
            rep["userProfileMetadata"] = account_profile.metadata(realm, admin=True)
        return json_response(rep)

    return await handlers.answer(request, work, write=False)


async def update_user(request: Request) -> Response:
    now = state(request).services.clock.now()

    async def work(tx: Tx, body: Any) -> Response:
        caller, realm, user = await common.admin_user(request, tx)
        caller.require(realm, "manage-users")
        refuse_unknown(await request.body(), USER_REPRESENTATION, "UserRepresentation")
        await ops.update_user(tx, realm, user, body, now, state(request).services.read_only.admin)
        return Response(status_code=NO_CONTENT)

    return await handlers.answer_with_body(request, work)


async def delete_user(request: Request) -> Response:
    """Sessions, consents, credentials and role mappings go with the user (foreign-key cascade)."""

    async def work(tx: Tx) -> Response:
        caller, realm, user = await common.admin_user(request, tx)
        caller.require(realm, "manage-users")
        await tx.users.delete(user.id)
        return Response(status_code=NO_CONTENT)

    return await handlers.answer(request, work)


async def reset_password(request: Request) -> Response:
    now = state(request).services.clock.now()

    async def work(tx: Tx, body: Any) -> Response:
        caller, realm, user = await common.admin_user(request, tx)
        caller.require(realm, "manage-users")
        await ops.reset_password(tx, realm, user, body, now)
        return Response(status_code=NO_CONTENT)

    return await handlers.answer_with_body(request, work)


async def list_credentials(request: Request) -> Response:
    """The user's stored credentials without their secret data: view-users reads them (Keycloak 22 moved
    UserResource.credentials from requireManage to requireView, keycloak/keycloak#19587, closing #17174)."""

    async def work(tx: Tx) -> Response:
        caller, realm, user = await common.admin_user(request, tx)
        caller.require(realm, "view-users")
        return json_response([credential_to_json(c) for c in await tx.users.credentials(user.id)])

    return await handlers.answer(request, work, write=False)


async def none_linked(request: Request) -> Response:
    """``GET users/{id}/configured-user-storage-credential-types`` (UserResource, view-users): the credential
    types a user storage provider manages for the user. Doorkeep has no user storage, so the list is always
    empty. (The user's identity provider links are web/admin/user_links.py.)"""

    async def work(tx: Tx) -> Response:
        caller, realm, _ = await common.admin_user(request, tx)
        caller.require(realm, "view-users")
        return json_response([])

    return await handlers.answer(request, work, write=False)


async def disable_credential_types(request: Request) -> Response:
    """``PUT users/{id}/disable-credential-types`` (UserResource.disableCredentialType, manage-users): a JSON list of
    credential types, each handed to the credential providers that can disable it. In Keycloak 26 only a user
    storage provider can (the local password provider's disable is a no-op and the OTP provider cannot), so for
    a user of the realm's own database nothing changes: 204, no admin event. Doorkeep has no user storage."""

    async def work(tx: Tx, body: Any) -> Response:
        caller, realm, _ = await common.admin_user(request, tx)
        caller.require(realm, "manage-users")
        if body is not None and (not isinstance(body, list) or not all(isinstance(t, str) for t in body)):
            raise common.NOT_A_LIST_OF_OBJECTS  # Jackson's MismatchedInputException for List<String>
        return Response(status_code=NO_CONTENT)

    return await handlers.answer_with_body(request, work)


async def delete_credential(request: Request) -> Response:
    async def work(tx: Tx) -> Response:
        caller, realm, user = await common.admin_user(request, tx)
        caller.require(realm, "manage-users")
        if not await tx.users.delete_credential(user.id, request.path_params["credential"]):
            raise ops.not_found("Credential not found")
        return Response(status_code=NO_CONTENT)

    return await handlers.answer(request, work)


async def move_credential(request: Request) -> Response:
    """UserResource.moveCredentialToFirst / moveCredentialAfter: 204, or 404 "Credential not found" for a
    credential that is not the user's; an unknown ``newPreviousCredentialId`` changes nothing (still 204).
    Keycloak records no admin event for either."""

    async def work(tx: Tx) -> Response:
        caller, realm, user = await common.admin_user(request, tx)
        caller.require(realm, "manage-users")
        after = request.path_params.get("previous")
        if not await credential_order.move(tx, user.id, request.path_params["credential"], after):
            raise ops.not_found("Credential not found")
        return Response(status_code=NO_CONTENT)

    return await handlers.answer(request, work)


async def set_credential_label(request: Request) -> Response:
    """UserResource.setCredentialUserLabel: the plain-text body is the new label; Keycloak records no admin
    event for it."""
    try:
        label = (await read_body(request)).decode()
    except BodyTooLarge:
        return handlers.render_error(AdminError(413, "Request entity too large", key="error"))
    except UnicodeDecodeError:
        return handlers.render_error(common.invalid_input("Credential label must be UTF-8 text"))

    async def work(tx: Tx) -> Response:
        caller, realm, user = await common.admin_user(request, tx)
        caller.require(realm, "manage-users")
        await ops.set_credential_label(tx, user, request.path_params["credential"], label)
        audit.unchanged(request)
        return Response(status_code=NO_CONTENT)

    return await handlers.answer(request, work)


async def role_mappings(request: Request) -> Response:
    async def work(tx: Tx) -> Response:
        caller, realm, user = await common.admin_user(request, tx)
        caller.require(realm, "view-users")
        return json_response(await ops.role_mappings(tx, realm, user))

    return await handlers.answer(request, work, write=False)


def _role_list(kind: str, *, per_client: bool) -> handlers.Endpoint:
    """GET realm (or one client's) roles: mapped directly, effective (``composite``) or ``available``."""

    async def endpoint(request: Request) -> Response:
        async def work(tx: Tx) -> Response:
            caller, realm, user = await common.admin_user(request, tx)
            # RoleMapperResource finds the client ("Client not found") before the method checks its permission
            client = await common.client_of(tx, realm, request.path_params["client"]) if per_client else None
            caller.require(realm, "view-users")
            brief = common.query_bool(request, "briefRepresentation", True)
            return json_response(await ops.role_list(tx, realm, user, client, kind, caller, brief=brief))

        return await handlers.answer(request, work, write=False)

    return endpoint


def _role_change(*, grant: bool, per_client: bool) -> handlers.Endpoint:
    """POST (grant) or DELETE (revoke) a list of RoleRepresentations; 204."""

    async def endpoint(request: Request) -> Response:
        async def work(tx: Tx, body: Any) -> Response:
            caller, realm, user = await common.admin_user(request, tx)
            # RoleMapperResource finds the client ("Client not found") before the method checks its permission
            client = await common.client_of(tx, realm, request.path_params["client"]) if per_client else None
            caller.require(realm, "manage-users")
            await ops.change_mappings(tx, realm, user, client, body, grant, caller)
            return Response(status_code=NO_CONTENT)

        return await handlers.answer_with_body(request, work)

    return endpoint


USER = "/{realm}/users/{id}"
REALM_MAPPINGS = f"{USER}/role-mappings/realm"
CLIENT_MAPPINGS = f"{USER}/role-mappings/clients/{{client}}"

ROUTES: list[Route] = [
    Route("/{realm}/users", list_users, methods=["GET"]),
    Route("/{realm}/users", create_user, methods=["POST"]),
    Route("/{realm}/users/count", count_users, methods=["GET"]),
    Route("/{realm}/users/profile", user_profile, methods=["GET"]),
    Route("/{realm}/users/profile", user_profile_update, methods=["PUT"]),
    Route("/{realm}/users/profile/metadata", user_profile_metadata, methods=["GET"]),
    Route(USER, get_user, methods=["GET"]),
    Route(USER, update_user, methods=["PUT"]),
    Route(USER, delete_user, methods=["DELETE"]),
    Route(f"{USER}/reset-password", reset_password, methods=["PUT"]),
    Route(f"{USER}/credentials", list_credentials, methods=["GET"]),
    Route(f"{USER}/configured-user-storage-credential-types", none_linked, methods=["GET"]),
    Route(f"{USER}/disable-credential-types", disable_credential_types, methods=["PUT"]),
    Route(f"{USER}/credentials/{{credential}}", delete_credential, methods=["DELETE"]),
    Route(f"{USER}/credentials/{{credential}}/userLabel", set_credential_label, methods=["PUT"]),
    Route(f"{USER}/credentials/{{credential}}/moveToFirst", move_credential, methods=["POST"]),
    Route(f"{USER}/credentials/{{credential}}/moveAfter/{{previous}}", move_credential, methods=["POST"]),
    Route(f"{USER}/role-mappings", role_mappings, methods=["GET"]),
    Route(REALM_MAPPINGS, _role_list("direct", per_client=False), methods=["GET"]),
    Route(REALM_MAPPINGS, _role_change(grant=True, per_client=False), methods=["POST"]),
    Route(REALM_MAPPINGS, _role_change(grant=False, per_client=False), methods=["DELETE"]),
    Route(f"{REALM_MAPPINGS}/composite", _role_list("composite", per_client=False), methods=["GET"]),
    Route(f"{REALM_MAPPINGS}/available", _role_list("available", per_client=False), methods=["GET"]),
    Route(CLIENT_MAPPINGS, _role_list("direct", per_client=True), methods=["GET"]),
    Route(CLIENT_MAPPINGS, _role_change(grant=True, per_client=True), methods=["POST"]),
    Route(CLIENT_MAPPINGS, _role_change(grant=False, per_client=True), methods=["DELETE"]),
    Route(f"{CLIENT_MAPPINGS}/composite", _role_list("composite", per_client=True), methods=["GET"]),
    Route(f"{CLIENT_MAPPINGS}/available", _role_list("available", per_client=True), methods=["GET"]),
]
