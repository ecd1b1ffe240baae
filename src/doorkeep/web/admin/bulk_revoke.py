"""``POST /admin/realms/{realm}/offline-sessions/revoke``: bulk revocation of offline sessions with a
preview (a Doorkeep extension; Keycloak has no such endpoint; docs/bulk-revocation.md).

A dry run answers ``{"count", "sample"}`` in one read transaction and records nothing. A real run ends the
matching live offline sessions (each with its same-id online session, as the admin API's session delete
does) in transactions of ``BATCH``, then answers ``{"count"}`` in a last transaction that records the
admin event (ACTION on USER_SESSION, the criteria as representation). Keycloak sends no user event when an
administrator ends a session, so none is sent here. Permission: manage-users, for the dry run too
(as deleting a session), asked before the body is read.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin.bulk_revoke import BATCH, SAMPLE, Criteria, CriteriaError, ip_matches, parse
from doorkeep.errors import AdminError
from doorkeep.model import Realm
from doorkeep.sessions import service
from doorkeep.sessions.liveness import LiveFilter, live_filter
from doorkeep.store.bulk_sessions import Target
from doorkeep.web import handlers
from doorkeep.web.admin import common
from doorkeep.web.admin import users_ops as ops
from doorkeep.web.admin.sessions import _Renderer
from doorkeep.web.http import admin_error, json_response, read_json, state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


async def _target(request: Request, tx: Tx, criteria: Criteria, role: str) -> tuple[Target, LiveFilter]:
    """Authorise, then ``resolve``."""
    realm = await common.admin_realm(request, tx, role)
    return await resolve(tx, realm, criteria, state(request).services.clock.now())


async def resolve(tx: Tx, realm: Realm, criteria: Criteria, now: int) -> tuple[Target, LiveFilter]:
    """Resolve clientId and the user to stored ids (404 if unknown), and the offline filter (also the
    Admin Console's bulk revocation page)."""
    client_uuid = user_id = None
    if criteria.client_id is not None:
        client = await tx.clients.get_by_client_id(realm.id, criteria.client_id)
        if client is None:
            raise common.not_found("Client not found")
        client_uuid = client.id
    if criteria.username is not None:
        user = await tx.users.get_by_username(realm.id, criteria.username.lower())
        if user is None:
            raise common.not_found("User not found")
        user_id = user.id
    elif criteria.user_id is not None:
        user_id = (await common.user_of(tx, realm, criteria.user_id)).id
    clients = await tx.clients.list(realm.id)
    return Target(realm.id, criteria, client_uuid, user_id), live_filter(realm, clients, True, now)


async def count_and_sample(tx: Tx, target: Target, live: LiveFilter) -> tuple[int, list[str]]:
    """How many sessions match, and the ids of the first ``SAMPLE`` (a dry run)."""
    count, sample = 0, list[str]()
    cursor: str | None = ""
    while cursor is not None:
        ids, cursor = await matching(tx, target, live, cursor)
        count += len(ids)
        sample.extend(ids[: SAMPLE - len(sample)])
    return count, sample


async def matching(tx: Tx, target: Target, live: LiveFilter, after: str) -> tuple[list[str], str | None]:
    """The matching ids of one page after ``after``, and the cursor of the next page (None at the end)."""
    page = await tx.bulk.page(target, live, after, BATCH)
    network = target.criteria.ip
    ids = [sid for sid, ip in page if network is None or ip_matches(network, ip)]
    return ids, (page[-1][0] if len(page) == BATCH else None)


async def _preview(request: Request, criteria: Criteria) -> Response:
    async def work(tx: Tx) -> Response:
        target, live = await _target(request, tx, criteria, "manage-users")
        count, sample = await count_and_sample(tx, target, live)
        sessions = [s for s in [await tx.sessions.get_user_session(sid, True) for sid in sample] if s is not None]
        render = _Renderer(tx, {False: live, True: live})
        await render.prefetch(sessions)
        return json_response({"count": count, "sample": [await render.session(us) for us in sessions]})

    return await handlers.unit_of_work(request, work, write=False)


async def _revoke(request: Request, criteria: Criteria) -> Response:
    ended, cursor = 0, ""

    async def batch(tx: Tx) -> str | None:
        nonlocal ended
        target, live = await _target(request, tx, criteria, "manage-users")
        ids, after = await matching(tx, target, live, cursor)
        ended += len(await service.end_each(tx, ids, True, with_online=True))
        return after

    next_cursor: str | None = cursor
    while next_cursor is not None:
        cursor = next_cursor
        next_cursor = await handlers.unit_of_work(request, batch)

    async def done(tx: Tx) -> Response:
        await common.admin_realm(request, tx, "manage-users")
        return json_response({"count": ended})

    return await handlers.answer(request, done)


async def _permitted(request: Request) -> None:
    """The caller authenticated (401) and holding manage-users in the realm (403) before the body is read: Keycloak
    authenticates every admin call before its resource runs (AdminRoot), so no criteria error tells a caller who
    may not revoke anything more than an unauthenticated one learns."""

    async def check(tx: Tx) -> None:
        await common.admin_realm(request, tx, "manage-users")

    await handlers.unit_of_work(request, check, write=False)


async def revoke_offline_sessions(request: Request) -> Response:
    try:
        await _permitted(request)
        body: Any = await read_json(request)
        try:
            criteria = parse(body)
        except CriteriaError as err:
            raise ops.bad_request(str(err)) from None
        return await (_preview if criteria.dry_run else _revoke)(request, criteria)
    except AdminError as err:
        return admin_error(err)


ROUTES: list[Route] = [Route("/{realm}/offline-sessions/revoke", revoke_offline_sessions, methods=["POST"])]
