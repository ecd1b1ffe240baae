"""Admin REST: the admin console's session lists, Keycloak's admin-ui-ext ``SessionsResource``.

``GET /admin/realms/{realm}/ui-ext/sessions`` lists the realm's sessions of every client, online (``REGULAR``) and
offline (``OFFLINE``); ``GET ui-ext/sessions/client?clientId={uuid}`` those of one client. Both take ``type``
(``ALL``, the default, ``REGULAR`` or ``OFFLINE``), ``search`` (trimmed; kept where the username, the IP address or
one of the session's clientIds contains it, case-sensitive), ``first`` (0) and ``max`` (10). A session is listed once
per kind, with its clients (uuid to clientId), ``lastAccess`` the user session's last refresh, and ``type``.

As Keycloak's: the realm list needs view-realm, the client list view of that client; only sessions of users the
admin may view are listed (view-users; none otherwise), and their clients only to an admin who may view clients
(UserSessionClientVisibilityTest, as ``GET users/{id}/sessions`` here). Keycloak finds sessions through the clients
that have some (``getActiveClientSessionStats``), so a session left holding no client is not listed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.model import Client, Realm
from doorkeep.web import handlers
from doorkeep.web.admin import common
from doorkeep.web.admin.sessions import Shown, _client_of, _filters, _Renderer
from doorkeep.web.http import json_response

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

KINDS = {"ALL": (False, True), "REGULAR": (False,), "OFFLINE": (True,)}
CHUNK = 200  # sessions read per statement while a search skips non-matching ones

Fetch = Callable[[bool, int, int], Awaitable[Sequence[Shown]]]  # (offline, first, max) -> one page of one kind


def _kinds(request: Request) -> tuple[bool, ...]:
    """``type`` as JAX-RS converts the SessionType enum: an unknown name is a 404."""
    kinds = KINDS.get(request.query_params.get("type") or "ALL")
    if kinds is None:
        raise common.not_found("HTTP 404 Not Found")
    return kinds


def _shape(rep: dict[str, Any], offline: bool, show_clients: bool) -> dict[str, Any]:
    """admin-ui-ext's SessionRepresentation, in its field order, from the UserSessionRepresentation."""
    return {
        "id": rep["id"],
        "username": rep["username"],
        "userId": rep["userId"],
        "ipAddress": rep["ipAddress"],
        "start": rep["start"],
        "lastAccess": rep["lastAccess"],
        "transientUser": rep["transientUser"],
        "type": "OFFLINE" if offline else "REGULAR",
        "clients": rep["clients"] if show_clients else {},
    }


def _matches(rep: dict[str, Any], search: str) -> bool:
    return (
        not search
        or search in (rep["username"] or "")
        or search in (rep["ipAddress"] or "")
        or any(search in client_id for client_id in rep["clients"].values())
    )


async def _listed(
    request: Request, tx: Tx, realm: Realm, fetch: Fetch, kinds: tuple[bool, ...], show_clients: bool
) -> list[dict[str, Any]]:
    """The page ``first``/``max`` of the sessions ``fetch`` reads, kind after kind, kept as Keycloak keeps them."""
    search = (request.query_params.get("search") or "").strip()
    first, max_results = common.query_int(request, "first", 0), common.query_int(request, "max", 10)
    wanted = max(first, 0) + max(max_results, 0)
    live = await _filters(request, tx, realm)
    render = _Renderer(tx, live, await tx.config.realm_clients(realm))
    out: list[dict[str, Any]] = []
    for offline in kinds:
        at = 0
        while len(out) < wanted:
            page = await fetch(offline, at, max(wanted - len(out), CHUNK if search else 1))
            await render.prefetch(page)
            for us in page:
                rep = _shape(await render.session(us), offline, show_clients)
                if await render.client_links(us) and _matches(rep, search):
                    out.append(rep)
            if len(page) == 0 or (not search and len(out) >= wanted):
                break
            at += len(page)
    return out[max(first, 0) : wanted]


async def realm_sessions(request: Request) -> Response:
    """SessionsResource.realmSessions."""

    async def work(tx: Tx) -> Response:
        caller, realm = await common.admin_caller(request, tx, "view-realm")
        kinds = _kinds(request)
        if not caller.can(realm, "view-users"):
            return json_response([])
        live = await _filters(request, tx, realm)

        async def fetch(offline: bool, first: int, size: int) -> Sequence[Shown]:
            return await tx.sessions.realm_sessions_page(realm.id, offline, first, size, live[offline])

        return json_response(await _listed(request, tx, realm, fetch, kinds, caller.can(realm, "view-clients")))

    return await handlers.answer(request, work, write=False)


async def client_sessions(request: Request) -> Response:
    """SessionsResource.clientSessions: ``clientId`` is the client's uuid."""

    async def work(tx: Tx) -> Response:
        caller, realm = await common.admin_caller(request, tx, "view-clients")
        client: Client = await _client_of(tx, realm, request.query_params.get("clientId", ""), "Could not find client")
        kinds = _kinds(request)
        if not caller.can(realm, "view-users"):
            return json_response([])
        live = await _filters(request, tx, realm)

        async def fetch(offline: bool, first: int, size: int) -> Sequence[Shown]:
            pairs = await tx.session_views.page(client.id, offline, first, size, live[offline])
            return [us for us, _ in pairs]

        return json_response(await _listed(request, tx, realm, fetch, kinds, True))

    return await handlers.answer(request, work, write=False)


ROUTES: list[Route] = [
    Route("/{realm}/ui-ext/sessions", realm_sessions, methods=["GET"]),
    Route("/{realm}/ui-ext/sessions/client", client_sessions, methods=["GET"]),
]
