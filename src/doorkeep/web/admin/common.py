"""What the admin resources share: one transaction per call, the caller, the realm, bodies and errors.

Order of checks, as Keycloak's AdminRoot and RealmsAdminResource do them: the bearer token (401),
then the realm named in the path (404 "Realm not found."), then whether the caller may touch that
realm at all (403), then the resource's own role check (403). The transaction rule (errors roll
back everything), the error rendering and the admin-event hook live in ``web.handlers``, shared with
the Account REST API; this module adds what only the admin resources need.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, overload

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.admin.representations import role_to_json
from doorkeep.errors import AdminError
from doorkeep.model import Client, Realm, Role, User
from doorkeep.numbers import parse_int
from doorkeep.web import handlers
from doorkeep.web.admin import audit
from doorkeep.web.admin.auth import FORBIDDEN, AdminIdentity, authenticate
from doorkeep.web.http import base_url, jaxrs_path, json_response, read_admin_body, read_json, state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

NO_CONTENT = 204


class RestError(AdminError):
    """An error Keycloak renders as ``{"error": code, "error_description": text}``."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(status, error, key="error", description=description)


def bad_request(message: str | None = None) -> AdminError:
    """Keycloak's BadRequestException body; a body of the wrong shape is "Cannot parse the JSON"."""
    if message is None:
        return AdminError(400, "invalid_request", key="error", description=CANNOT_PARSE)
    return AdminError(400, message, key="error")


def not_found(message: str) -> AdminError:
    """Keycloak's ``NotFoundException(message)``: ``{"error": message}``."""
    return AdminError(404, message, key="error")


def invalid_input(description: str) -> RestError:
    return RestError(400, "invalid_input", description)


REALM_NOT_FOUND = not_found("Realm not found.")
CLIENT_NOT_FOUND = not_found("Could not find client")
CANNOT_PARSE = handlers.CANNOT_PARSE


@dataclass(frozen=True)
class Call:
    """One admin request: the HTTP request, its transaction and the authenticated caller."""

    request: Request
    tx: Tx
    identity: AdminIdentity
    now: int

    def url(self, *segments: str) -> str:
        """An absolute admin URL, e.g. for a Location header; segments encoded as JAX-RS's UriBuilder.path."""
        path = "/".join(jaxrs_path(s) for s in segments)
        return f"{base_url(self.request)}/admin/realms/{path}"

    def after_commit(self, action: Callable[[], None]) -> None:
        self.tx.after_commit.append(action)


@dataclass(frozen=True)
class RealmCall(Call):
    """An admin request under ``/admin/realms/{realm}``."""

    realm: Realm

    def require(self, role: str) -> None:
        """403 unless the caller holds the realm-management ``role`` (or one implying it) here."""
        self.identity.require(self.realm, role)

    def can(self, role: str) -> bool:
        return self.identity.can(self.realm, role)

    def holds(self, *roles: str) -> bool:
        """MgmtPermissions.hasOneAdminRole: the caller holds one of ``roles`` here (a composite holding it counts,
        as view-users holds query-users; a role that only implies its rights does not, as manage-users does not
        hold query-users)."""
        return self.identity.master_admin or not self.identity.roles_in(self.realm).isdisjoint(roles)

    def may_list_clients(self) -> bool:
        """ClientPermissions.canList(): canView() or hasOneAdminRole(QUERY_CLIENTS, QUERY_USERS)."""
        return self.can("view-clients") or self.holds("query-clients", "query-users")

    async def client(self, client_uuid: str) -> Client:
        """The realm's client with this UUID. Unknown: 404 to those who may list clients (ClientPermissions.canList:
        query-clients or query-users), else 403 (Keycloak's guard against probing for ids)."""
        client = await self.tx.clients.get(client_uuid)
        if client is None or client.realm_id != self.realm.id:
            raise CLIENT_NOT_FOUND if self.may_list_clients() else FORBIDDEN
        return client

    async def user(self, user_id: str) -> User:
        """UsersResource.user for a ``RealmCall`` (``located_user``)."""
        return await located_user(self.tx, self.identity, self.realm, user_id)


async def run(request: Request, work: Callable[[Call], Awaitable[Response]], *, write: bool = True) -> Response:
    """Authenticate, then run ``work`` as ``handlers.answer`` does (one transaction, errors rendered)."""

    async def with_caller(tx: Tx) -> Response:
        identity = await authenticate(request, tx)
        return await work(Call(request, tx, identity, state(request).services.clock.now()))

    return await handlers.answer(request, with_caller, write=write)


async def run_realm(
    request: Request, work: Callable[[RealmCall], Awaitable[Response]], *, write: bool = True
) -> Response:
    """As ``run``, for a route under ``/{realm}``: the realm must exist and be the caller's to see."""

    async def with_realm(tx: Tx) -> Response:
        identity, realm = await entered_realm(request, tx)
        return await work(RealmCall(request, tx, identity, state(request).services.clock.now(), realm))

    return await handlers.answer(request, with_realm, write=write)


async def entered_realm(request: Request, tx: Tx) -> tuple[AdminIdentity, Realm]:
    """The caller (401), the realm of the path (404) and entry to it (403), the caller noted for admin events."""
    return await enter_realm(request, tx, request.path_params["realm"])


async def enter_realm(request: Request, tx: Tx, name: str) -> tuple[AdminIdentity, Realm]:
    """``entered_realm`` for the realm called ``name``: where no route bound the path's ``{realm}`` (unrouted.py)."""
    identity = await authenticate(request, tx)
    realm = await tx.realms.get_by_name(name)
    if realm is None:
        raise REALM_NOT_FOUND
    if not identity.may_enter(realm):
        raise FORBIDDEN
    audit.caller(request, identity, realm)
    return identity, realm


async def admin_realm(request: Request, tx: Tx, role: str) -> Realm:
    """For handlers run by ``handlers.answer``: authenticate (401), load the realm of the path (404), then
    require a realm-management role (403)."""
    return (await admin_caller(request, tx, role))[1]


async def admin_caller(request: Request, tx: Tx, role: str) -> tuple[AdminIdentity, Realm]:
    """As ``admin_realm``, also answering who the caller is."""
    identity = await authenticate(request, tx)
    realm = await tx.realms.get_by_name(request.path_params["realm"])
    if realm is None:
        raise REALM_NOT_FOUND
    identity.require(realm, role)
    audit.caller(request, identity, realm)
    return identity, realm


async def located_user(tx: Tx, identity: AdminIdentity, realm: Realm, user_id: str) -> User:
    """UsersResource.user, the locator every ``users/{id}/…`` resource is reached through: the realm's user of this
    id, looked up before the method checks any permission of its own; unknown: 404 "User not found" to who may
    query users (UserPermissions.canQuery), else 403 ("so somebody can't phish ids"). Held as ``user_of``."""
    user = await tx.users.held(user_id)
    if user is None or user.realm_id != realm.id:
        raise not_found("User not found") if identity.can(realm, "query-users") else FORBIDDEN
    return user


async def admin_user(request: Request, tx: Tx) -> tuple[AdminIdentity, Realm, User]:
    """For ``users/{id}/…`` handlers run by ``handlers.answer``: the caller (401), the realm (404), entry to it
    (403), then the path's user as UsersResource.user finds it (``located_user``). The handler then makes its
    method's own check (requireView, requireManage, ...) with the returned identity."""
    identity, realm = await entered_realm(request, tx)
    return identity, realm, await located_user(tx, identity, realm, request.path_params["id"])


async def user_of(tx: Tx, realm: Realm, user_id: str) -> User:
    """The user with this id in this realm, or 404 "User not found"; held till the transaction ends (a write under
    it waits for a concurrent deletion, then finds no user)."""
    user = await tx.users.held(user_id)
    if user is None or user.realm_id != realm.id:
        raise not_found("User not found")
    return user


async def client_of(tx: Tx, realm: Realm, client_uuid: str, message: str = "Client not found") -> Client:
    """The client with this UUID in this realm, or 404 with Keycloak's wording for the endpoint."""
    client = await tx.clients.get(client_uuid)
    if client is None or client.realm_id != realm.id:
        raise not_found(message)
    return client


COLLECTION_KEY = "doorkeep.admin.collection"


def as_collection(endpoint: handlers.Endpoint, name: str) -> handlers.Endpoint:
    """``endpoint`` reached through another name of its collection (``client-templates`` for ``client-scopes``)."""

    @functools.wraps(endpoint)
    async def aliased(request: Request) -> Response:
        request.scope[COLLECTION_KEY] = name
        return await endpoint(request)

    return aliased


def collection(request: Request, name: str) -> str:
    """The realm collection ``name`` as this request called it: Keycloak builds a Location from the request's own
    path (``getAbsolutePathBuilder().path(id)``), so a scope made through ``client-templates`` is found there."""
    found = request.scope.get(COLLECTION_KEY, name)
    assert isinstance(found, str)
    return found


def no_content() -> Response:
    return Response(status_code=NO_CONTENT)


def created(location: str) -> Response:
    return Response(status_code=201, headers={"Location": location})


def ok(body: Any) -> Response:
    return json_response(body)


async def read_object(request: Request) -> dict[str, Any]:
    """A JSON object body, e.g. a RealmRepresentation; anything else is a 400."""
    body = await read_json(request)
    if not isinstance(body, dict):
        raise MISMATCHED_INPUT
    return body


async def read_quoted_id(request: Request) -> str:
    """A body that is an id or alias, trimmed, one quote taken off each end if there (Keycloak issue 34401): the
    organization resources' members and identity providers."""
    raw = (await read_admin_body(request)).decode("utf-8", "replace").strip()
    return raw.removeprefix('"').removesuffix('"')


# A body that parses but is not the shape the method binds (``[]`` for a UserRepresentation, ``["bad"]`` for
# ``[RoleRepresentation]``): Jackson's MismatchedInputException, which Keycloak 26's
# KeycloakMismatchedInputExceptionHandler answers as KeycloakErrorHandler does a JsonProcessingException whose
# cause is no JsonParseException (UncaughtErrorPageTest.jsonProcessingException).
MISMATCHED_INPUT = RestError(400, "unknown_error", CANNOT_PARSE)
NOT_A_LIST_OF_OBJECTS = MISMATCHED_INPUT


async def read_objects(request: Request, *, allow_empty: bool = False) -> list[dict[str, Any]] | None:
    """A JSON array of objects, e.g. ``[RoleRepresentation]``; an empty body is None when allowed."""
    body = await read_json(request)
    if body is None and allow_empty:
        return None
    if not isinstance(body, list) or not all(isinstance(item, dict) for item in body):
        raise NOT_A_LIST_OF_OBJECTS
    return body


@overload
def query_int(request: Request, name: str) -> int | None: ...
@overload
def query_int(request: Request, name: str, default: int) -> int: ...
def query_int(request: Request, name: str, default: int | None = None) -> int | None:
    """An ``Integer`` query parameter as JAX-RS converts it: absent → ``default``; anything ``Integer.valueOf``
    refuses (not ASCII digits, out of the 32-bit range) → 404 "HTTP 404 Not Found". Call it inside the
    handler's transaction so the error is an answer, after the token and realm checks."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    value = parse_int(raw)
    if value is None:
        raise not_found("HTTP 404 Not Found")
    return value


def query_bool(request: Request, name: str, default: bool) -> bool:
    raw = request.query_params.get(name)
    return default if raw is None else raw.strip().lower() == "true"


def page(items: list[Any], first: int | None, max_results: int | None) -> list[Any]:
    """Keycloak's first/max paging: negative or absent means no bound."""
    start = first if first is not None and first > 0 else 0
    if max_results is None or max_results < 0:
        return items[start:]
    return items[start : start + max_results]


def role_json(role: Role, *, brief: bool = False) -> dict[str, Any]:
    """A RoleRepresentation; ``brief`` is Keycloak's ``toBriefRepresentation`` (no attributes)."""
    out = role_to_json(role, role.client_id or role.realm_id)
    if brief:
        out.pop("attributes", None)
    return out
