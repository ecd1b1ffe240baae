"""Records an admin event for every successful write under ``/admin/realms/{realm}``, in one place.

The one REST unit of work (``web.handlers.answer``, behind ``common.run_realm`` too) calls ``record`` inside
the request's transaction once the handler has answered, so the event row commits or rolls back
with the change itself; the caller and realm are those the wrapper's checks stashed with
``caller``. What is recorded follows ``doorkeep.admin.admin_event_rules``. As Keycloak's
AdminEventBuilder, which opens its store only if the realm kept admin events when the request began,
a call is recorded if the realm kept them before it; ``PUT events/config`` also if it keeps them after
(``refreshRealmEventsConfig`` "to consider old and new config"), so turning admin events off or on is
itself recorded. Whether the representation is kept is read from the realm as the call left it.
A handler whose call changed nothing Keycloak would record (``unchanged``), whose event carries a
representation other than the request body (``represent``) or a resource type its path does not tell
(``resource``), which carries details (``details``, AdminEventBuilder.detail: the member's username and e-mail of
a membership event, kept whether or not the representation is), or which records several events instead of one
(``several``), says so on the request.
One whose event carries what only happens after the commit (the GlobalRequestResult of ``logout-all`` and
``push-revocation``, known once the admin URLs have answered) puts it off (``deferred``) and stores it
with ``record_outcome`` in a transaction of its own.

The Admin Console writes through the core functions, not over HTTP; each of its writes names the REST call
it equals (a ``Change``) and its unit of work stores it with ``store``, the function ``record`` ends in, so
both record the same event (web.admin_console.console).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from starlette.requests import Request
from starlette.responses import Response

from doorkeep import events
from doorkeep.admin import admin_event_rules as rules
from doorkeep.admin.admin_events import AdminEvent
from doorkeep.model import Realm, User
from doorkeep.numbers import loads
from doorkeep.web.http import client_ip, transaction

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx
    from doorkeep.web.admin.auth import AdminIdentity

WRITES = frozenset({"POST", "PUT", "DELETE"})
SCOPE_KEY = "doorkeep.admin_caller"
UNCHANGED_KEY = "doorkeep.admin_event_unchanged"
DEFERRED_KEY = "doorkeep.admin_event_deferred"
REPRESENTATION_KEY = "doorkeep.admin_event_representation"
RESOURCE_KEY = "doorkeep.admin_event_resource_type"
CHANGES_KEY = "doorkeep.admin_event_changes"
DETAILS_KEY = "doorkeep.admin_event_details"
EVENTS_CONFIG = ("events", "config")


def caller(request: Request, identity: AdminIdentity, realm: Realm) -> None:
    """Remember who administers which realm in this request, for ``record``."""
    request.scope[SCOPE_KEY] = (identity, realm)


def unchanged(request: Request) -> None:
    """This call changed nothing, so records no event (a join of a group the user is already in)."""
    request.scope[UNCHANGED_KEY] = True


def deferred(request: Request) -> None:
    """This call's event is stored after the commit, by ``record_outcome``, not with the change."""
    request.scope[DEFERRED_KEY] = True


def counted_again(request: Request) -> None:
    """A later unit of work of this request records its event after all (an earlier one, which only checked,
    said ``unchanged``)."""
    request.scope.pop(UNCHANGED_KEY, None)


def represent(request: Request, representation: object) -> None:
    """The event of this call carries ``representation`` instead of the request body."""
    request.scope[REPRESENTATION_KEY] = representation


def resource(request: Request, resource_type: str) -> None:
    """The event of this call is of ``resource_type``, which its path alone does not tell (a client role
    under ``roles-by-id``, as RoleByIdResource sets it from ``role.isClientRole()``)."""
    request.scope[RESOURCE_KEY] = resource_type


def about_user(user: User) -> tuple[tuple[str, str], ...]:
    """The details Keycloak's membership events carry (``.detail(UserModel.USERNAME, ...)`` and
    ``.detail(UserModel.EMAIL, ...)``): the user's username and e-mail, a blank one left out as
    AdminEventBuilder.detail leaves it."""
    pairs = (("username", user.username), ("email", user.email))
    return tuple((key, value) for key, value in pairs if value is not None and value.strip())  # not isBlank


def details(request: Request, pairs: tuple[tuple[str, str], ...]) -> None:
    """The event of this call carries these details (AdminEventBuilder.detail)."""
    request.scope[DETAILS_KEY] = pairs


def several(request: Request, changes: list[Change]) -> None:
    """This call records one event per change instead of its own (partialImport's event per imported
    resource); none if the list is empty."""
    request.scope[CHANGES_KEY] = changes


def in_callers_realm(request: Request, identity: AdminIdentity, change: Change) -> None:
    """This call's event goes to the realm of the admin who made it, not to the one in its path: Keycloak
    records a realm's creation (RealmsAdminResource.importRealm) and its deletion (RealmAdminResource.deleteRealm,
    "associated with the realm of the user executing the operation") with an AdminEventBuilder of that realm."""
    caller(request, identity, identity.realm)
    several(request, [change])


def here(request: Request, realm: Realm) -> tuple[str, ...]:
    """The decoded segments of this request's path after ``/admin/realms/{realm}``, for a ``Change``."""
    return tuple(_relative(request.scope["path"], realm.name))


def _relative(path: str, realm_name: str) -> list[str]:
    """The decoded segments after ``/admin/realms/{realm}``."""
    prefix = f"/admin/realms/{realm_name}"
    rest = path[len(prefix) :] if path.startswith(prefix) else ""
    return [segment for segment in rest.split("/") if segment]


def _body(request: Request) -> object:
    raw = getattr(request, "_body", None)  # cached by read_body; never read the stream twice
    if not raw or not isinstance(raw, bytes):
        return None
    try:
        return loads(raw)
    except (UnicodeDecodeError, ValueError):
        return None


@dataclass(frozen=True)
class Change:
    """A write as the Admin REST API spells it: the method, the decoded path segments after
    ``/admin/realms/{realm}`` (of what was created, for a CREATE) and the request body (None without one)."""

    method: str
    segments: tuple[str, ...]
    body: object = None
    resource_type: str | None = None  # None: the one the path names (admin_event_rules.resource_type)
    operation: str | None = None  # None: the one the method and path name (admin_event_rules.operation_type)
    details: tuple[tuple[str, str], ...] = ()  # AdminEventBuilder.detail's pairs, in the order added


async def record(request: Request, tx: Tx, response: Response, now_ms: int) -> None:
    """Store the admin event of this call if it changed something and the realm keeps admin events."""
    stashed = request.scope.get(SCOPE_KEY)
    if stashed is None or request.method not in WRITES or response.status_code >= 400:
        return
    if request.scope.get(UNCHANGED_KEY) or request.scope.get(DEFERRED_KEY):
        return
    identity, administered = stashed
    if CHANGES_KEY in request.scope:
        for each in request.scope[CHANGES_KEY]:
            await store(tx, identity, administered, each, client_ip(request), now_ms)
        return
    segments = _relative(request.scope["path"], administered.name)
    location = response.headers.get("location")
    if location and rules.operation_type(request.method, segments) == "CREATE":
        created = _relative(unquote(urlsplit(location).path), administered.name)
        segments = created or segments  # the path of what was created, as Keycloak records it
    body = request.scope[REPRESENTATION_KEY] if REPRESENTATION_KEY in request.scope else _body(request)
    pairs = request.scope.get(DETAILS_KEY, ())
    change = Change(request.method, tuple(segments), body, request.scope.get(RESOURCE_KEY), details=pairs)
    await store(tx, identity, administered, change, client_ip(request), now_ms)


async def record_outcome(
    request: Request, representation: object, now_ms: int, resource_type: str | None = None
) -> None:
    """Store the event of a ``deferred`` call, carrying ``representation``, in a transaction of its own: what
    Keycloak's resource method hands ``AdminEventBuilder.representation`` after its requests went out;
    ``resource_type`` where the path does not tell it."""
    stashed = request.scope.get(SCOPE_KEY)
    if stashed is None or not request.scope.get(DEFERRED_KEY):
        return
    identity, administered = stashed
    segments = tuple(_relative(request.scope["path"], administered.name))
    change = Change(request.method, segments, representation, resource_type)
    async with transaction(request) as tx:
        await store(tx, identity, administered, change, client_ip(request), now_ms)


async def store(tx: Tx, identity: AdminIdentity, administered: Realm, change: Change, ip: str, now_ms: int) -> None:
    """Store the admin event of ``change`` by ``identity`` from ``ip`` at ``now_ms`` (epoch ms, Keycloak's
    Time.currentTimeMillis), ``administered`` being the realm as the call found it, if the realm kept admin
    events then (or, for ``events/config``, keeps them now) and Keycloak records such a call; the
    representation, stripped of secrets, only with details on after the call."""
    realm = await tx.realms.get(administered.id)
    if realm is None:
        return
    refreshed = change.segments == EVENTS_CONFIG and realm.admin_events_enabled
    if not (administered.admin_events_enabled or refreshed):
        return
    segments = list(change.segments)
    operation = change.operation or rules.operation_type(change.method, segments)
    if operation is None:
        return
    if realm.admin_events_details_enabled:
        detail = rules.representation(change.method, segments, change.body)
    else:
        detail = None
    await tx.admin_events.add(
        AdminEvent(
            id=events.event_id(),
            realm_id=realm.id,
            time=now_ms,
            operation_type=operation,
            resource_type=change.resource_type or rules.resource_type(segments),
            resource_path="/".join(segments) or None,
            auth_realm_id=identity.realm.id,
            auth_client_id=identity.client_uuid,
            auth_user_id=identity.user.id,
            auth_ip_address=ip,
            representation=detail,
            details=dict(change.details) or None,
        )
    )
