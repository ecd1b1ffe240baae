"""Admin REST: online and offline sessions, consents and logouts (KEYCLOAK.md §9.3, §8.1, §4.4).

Keycloak's ClientResource (``clients/{uuid}/…sessions``), UserResource (``users/{id}/sessions``,
``consents``, ``logout``) and RealmAdminResource (``sessions/{id}``, ``logout-all``,
``client-session-stats``, ``push-revocation``).

``logout-all`` does what Keycloak's ``RealmAdminResource.logoutAll`` does: it deletes the realm's
online and offline sessions (Keycloak 26.1, PR #34350: ``removeUserSessions(realm)`` removes both; before, the
offline ones stayed listed though refused) and sets the realm's ``notBefore`` to now, so every refresh and
offline token issued earlier fails with "Stale token", then sends ``k_logout`` to each enabled client's admin
URL. ``push-revocation`` sends ``k_push_not_before`` to them. Both answer a GlobalRequestResult
listing the admin URLs in ``successRequests`` / ``failedRequests`` (an empty list is left out, as Jackson
drops nulls: ``{}`` when no client has an admin URL).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.broker import provider_logout
from doorkeep.model import Client, Realm, SessionView, User, UserSession
from doorkeep.oauth import backchannel
from doorkeep.sessions import device, service, triggered
from doorkeep.sessions.liveness import LiveFilter, live_filter
from doorkeep.web import handlers
from doorkeep.web.admin import audit, common
from doorkeep.web.http import base_url, json_response, state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

OFFLINE_TOKEN = "Offline Token"
NO_CONTENT = 204


Shown = UserSession | SessionView  # the renderer reads the fields both have


class _Renderer:
    """UserSessionRepresentation, with the users and clients it names loaded once per request.

    ``clients`` lists only the live client sessions (an expired one is already gone, as in Keycloak).
    ``known`` are the realm's clients already at hand (the config cache's), looked up without a statement.
    """

    def __init__(self, tx: Tx, live: dict[bool, LiveFilter], known: Mapping[str, Client] | None = None) -> None:
        self._tx = tx
        self._live = live
        self._known = known or {}
        self._usernames: dict[str, str | None] = {}
        self._clients: dict[str, Client | None] = {}
        self._links: dict[tuple[str, bool], list[tuple[str, int]]] = {}  # (client uuid, timestamp) per session

    async def prefetch_of_user(self, user: User, offline: bool, sessions: Sequence[Shown]) -> None:
        """``prefetch`` for sessions of one kind that are all ``user``'s, which is already loaded."""
        self._usernames[user.id] = user.username
        links = await self._tx.session_views.clients_of_user(user.id, offline, self._live[offline])
        self._links.update({(us.id, offline): links.get(us.id, []) for us in sessions})

    async def prefetch(self, sessions: Sequence[Shown]) -> None:
        """Load the users and client sessions of all these user sessions at once (not one query each)."""
        missing = sorted({us.user_id for us in sessions} - self._usernames.keys())
        if missing:
            found = await self._tx.session_views.usernames(missing)
            self._usernames.update({user_id: found.get(user_id) for user_id in missing})
        for offline in {us.offline for us in sessions}:
            links = await self._tx.session_views.clients_of(
                [us.id for us in sessions if us.offline == offline], offline, self._live[offline]
            )
            self._links.update({(sid, offline): listed for sid, listed in links.items()})

    async def client_links(self, us: Shown) -> list[tuple[str, int]]:
        """(client uuid, client-session timestamp) of the session's live client sessions."""
        key = (us.id, us.offline)
        if key not in self._links:
            self._links[key] = (await self._tx.session_views.clients_of([us.id], us.offline, self._live[us.offline]))[
                us.id
            ]
        return self._links[key]

    async def client(self, client_uuid: str) -> Client | None:
        known = self._known.get(client_uuid)
        if known is not None:
            return known
        if client_uuid not in self._clients:
            self._clients[client_uuid] = await self._tx.clients.get(client_uuid)
        return self._clients[client_uuid]

    async def session(self, us: Shown, last_access: int | None = None) -> dict[str, Any]:
        """``lastAccess`` is the user session's last refresh unless a client session's timestamp is given."""
        if us.user_id not in self._usernames:
            user = await self._tx.users.get(us.user_id)
            self._usernames[us.user_id] = user.username if user else None
        username = self._usernames[us.user_id]
        clients: dict[str, str] = {}
        links = self._links.get((us.id, us.offline))  # prefetched: no coroutine per session and client
        for client_uuid, _ in await self.client_links(us) if links is None else links:
            client = self._known.get(client_uuid) or await self.client(client_uuid)
            if client is not None:
                clients[client.id] = client.client_id
        rep = {
            "id": us.id,
            "username": us.login_username if username is None else username,
            "userId": us.user_id,
            "ipAddress": us.ip_address,
            "start": us.started * 1000,
            "lastAccess": (us.last_session_refresh if last_access is None else last_access) * 1000,
            "rememberMe": us.remember_me,
            "clients": clients,
            "transientUser": False,
        }
        # Doorkeep's extra field on offline sessions only (docs/offline-devices.md); Keycloak's clients ignore it
        return rep | ({"deviceLabel": device.label_of(us.notes)} if us.offline else {})


async def _client_of(tx: Tx, realm: Realm, client_uuid: str, message: str) -> Client:
    """``common.client_of`` for these read-only handlers, from the realm's cached clients (config_version)."""
    client = (await tx.config.realm_clients(realm)).get(client_uuid)
    if client is None:
        raise common.not_found(message)
    return client


def _client_sessions(*, offline: bool) -> handlers.Endpoint:
    """``clients/{uuid}/user-sessions`` and ``offline-sessions`` (offline: lastAccess = client-session time). As
    Keycloak 26.8 (keycloak#49801), only the sessions of users the caller may view (``users().canView(user)``:
    view-users or manage-users without fine-grained permissions), filtered before ``first``/``max``."""

    async def endpoint(request: Request) -> Response:
        async def work(tx: Tx) -> Response:
            identity, realm = await common.admin_caller(request, tx, "view-clients")
            client = await _client_of(tx, realm, request.path_params["uuid"], "Could not find client")
            if not identity.can(realm, "view-users"):
                return json_response([])
            first, max_results = common.query_int(request, "first", 0), common.query_int(request, "max", 100)
            live = await _filters(request, tx, realm)
            render = _Renderer(tx, live, await tx.config.realm_clients(realm))
            pairs = await tx.session_views.page(client.id, offline, first, max_results, live[offline])
            await render.prefetch([us for us, _ in pairs])
            return json_response([await render.session(us, at if offline else None) for us, at in pairs])

        return await handlers.answer(request, work, write=False)

    return endpoint


def _client_session_count(*, offline: bool) -> handlers.Endpoint:
    async def endpoint(request: Request) -> Response:
        async def work(tx: Tx) -> Response:
            realm = await common.admin_realm(request, tx, "view-clients")
            client = await _client_of(tx, realm, request.path_params["uuid"], "Could not find client")
            live = await _filters(request, tx, realm)
            return json_response({"count": await tx.sessions.count_with_client(client.id, offline, live[offline])})

        return await handlers.answer(request, work, write=False)

    return endpoint


async def client_session_stats(request: Request) -> Response:
    """Only clients that have sessions; the counts are strings, as Keycloak sends them."""

    async def work(tx: Tx) -> Response:
        realm = await common.admin_realm(request, tx, "view-realm")
        live = await _filters(request, tx, realm)
        stats = sorted(await tx.sessions.client_stats(realm.id, live[False], live[True]), key=lambda s: s[1])
        return json_response(
            [
                {"id": cid, "clientId": client_id, "active": str(online), "offline": str(offline)}
                for cid, client_id, online, offline in stats
            ]
        )

    return await handlers.answer(request, work, write=False)


async def user_sessions(request: Request) -> Response:
    """The user's sessions; their ``clients`` only for an admin who may view clients (UserSessionClientVisibilityTest:
    viewing a user's sessions needs view-users alone, so the clients they reveal follow the client view permission)."""

    async def work(tx: Tx) -> Response:
        caller, realm, user = await common.admin_user(request, tx)
        caller.require(realm, "view-users")
        live = await _filters(request, tx, realm)
        render = _Renderer(tx, live, await tx.config.realm_clients(realm))
        sessions = await tx.session_views.of_user(user.id, False, live[False])
        await render.prefetch_of_user(user, False, sessions)
        shown = [await render.session(us) for us in sessions]
        if not caller.can(realm, "view-clients"):
            shown = [{**rep, "clients": {}} for rep in shown]
        return json_response(shown)

    return await handlers.answer(request, work, write=False)


async def user_offline_sessions(request: Request) -> Response:
    """The user's offline sessions holding this client; lastAccess is that client session's timestamp. The client
    must be one the admin may view (403 otherwise, after its 404; UserSessionClientVisibilityTest)."""

    async def work(tx: Tx) -> Response:
        caller, realm, user = await common.admin_user(request, tx)
        caller.require(realm, "view-users")
        client = await _client_of(tx, realm, request.path_params["client"], "Client not found")
        caller.require(realm, "view-clients")
        live = await _filters(request, tx, realm)
        render, out = _Renderer(tx, live, await tx.config.realm_clients(realm)), []
        sessions = await tx.session_views.of_user(user.id, True, live[True])
        await render.prefetch_of_user(user, True, sessions)
        for us in sessions:
            for client_uuid, timestamp in await render.client_links(us):
                if client_uuid == client.id:
                    out.append(await render.session(us, timestamp))
        return json_response(out)

    return await handlers.answer(request, work, write=False)


async def _filters(request: Request, tx: Tx, realm: Realm) -> dict[bool, LiveFilter]:
    """The realm's liveness filters, online (False) and offline (True), at the request's clock."""
    now, clients = state(request).services.clock.now(), list((await tx.config.realm_clients(realm)).values())
    return {offline: live_filter(realm, clients, offline, now) for offline in (False, True)}


async def _consents(
    tx: Tx, user: User, live: dict[bool, LiveFilter], known: Mapping[str, Client] | None = None
) -> list[dict[str, Any]]:
    """Stored consents, then clients with live offline sessions but no consent ("Offline Token")."""
    render = _Renderer(tx, live, known)
    offline = {cid for _, cid in await tx.sessions.user_client_pairs(user.id, True, live[True])}
    out: list[dict[str, Any]] = []
    for consent in await tx.sessions.consents_of(user.id):
        client = await render.client(consent.client_id)
        if client is None:
            continue
        scopes = [s.name for s in [await tx.scopes.get(sid) for sid in consent.granted_scopes] if s is not None]
        out.append(
            {
                "clientId": client.client_id,
                "grantedClientScopes": scopes,
                "createdDate": consent.created_date,
                "lastUpdatedDate": consent.last_updated_date,
                "additionalGrants": [{"client": client.id, "key": OFFLINE_TOKEN}] if client.id in offline else [],
            }
        )
    consented = {item["clientId"] for item in out}
    for client_uuid in offline:
        client = await render.client(client_uuid)
        if client is not None and client.client_id not in consented:
            out.append(
                {
                    "clientId": client.client_id,
                    "grantedClientScopes": [],
                    "createdDate": None,
                    "lastUpdatedDate": None,
                    "additionalGrants": [{"client": client.id, "key": OFFLINE_TOKEN}],
                }
            )
    return sorted(out, key=lambda item: (item["createdDate"] is None, item["clientId"]))


async def user_consents(request: Request) -> Response:
    """The user's consents and offline grants, of the clients the admin may view (UserSessionClientVisibilityTest)."""

    async def work(tx: Tx) -> Response:
        caller, realm, user = await common.admin_user(request, tx)
        caller.require(realm, "view-users")
        if not caller.can(realm, "view-clients"):
            return json_response([])
        live = await _filters(request, tx, realm)
        return json_response(await _consents(tx, user, live, await tx.config.realm_clients(realm)))

    return await handlers.answer(request, work, write=False)


async def revoke_consent(request: Request) -> Response:
    """By **clientId**: the consent, this client in every offline session of the user, and its online sessions."""

    async def work(tx: Tx) -> Response:
        caller, realm, user = await common.admin_user(request, tx)
        caller.require(realm, "manage-users")
        client = await tx.clients.get_by_client_id(realm.id, request.path_params["client_id"])
        if client is None:
            raise common.not_found("Client not found")
        if not await triggered.revoke_grant(tx, realm, user.id, client, (await _filters(request, tx, realm))[True]):
            raise common.not_found("Consent nor offline token not found")
        return Response(status_code=NO_CONTENT)

    return await handlers.answer(request, work)


async def logout_user(request: Request) -> Response:
    """Keycloak's: user notBefore = now (earlier offline tokens turn stale), online sessions removed, offline
    ones kept; the revocation-trigger policy ``admin-logout`` may say otherwise (sessions/triggered.py). Each
    ended session's identity provider is logged out back-channel when it supports that, once committed."""
    now = state(request).services.clock.now()
    plans: list[provider_logout.Backchannel] = []

    async def work(tx: Tx) -> Response:
        caller, realm, user = await common.admin_user(request, tx)
        caller.require(realm, "manage-users")
        plans.extend(provider_logout.backchannel_plans(realm, await triggered.sign_out_user(tx, realm, user, now)))
        return Response(status_code=NO_CONTENT)

    response = await handlers.answer(request, work)
    for plan in plans:
        await provider_logout.call(plan)
    return response


async def delete_session(request: Request) -> Response:
    """``isOffline=true`` revokes the offline session and the same-id online one; otherwise the online one only, and
    its identity provider is logged out back-channel when it supports that (broker/provider_logout.py). A session
    past its idle or max is not found (``service.admin_named``)."""
    offline = request.query_params.get("isOffline", "false").lower() == "true"
    now = state(request).services.clock.now()
    plans: list[provider_logout.Backchannel] = []

    async def work(tx: Tx) -> Response:
        realm = await common.admin_realm(request, tx, "manage-users")
        session = await service.admin_named(tx, realm, request.path_params["session"], offline, now)
        if session is None:
            raise common.not_found("Sesssion not found")  # sic, as Keycloak spells it
        plan = None if offline else provider_logout.backchannel_plan(realm, session)
        await service.end_with_online(tx, session.id, offline)
        plans.extend([plan] if plan is not None else [])
        return Response(status_code=NO_CONTENT)

    response = await handlers.answer(request, work)
    for plan in plans:  # AuthenticationManager.backchannelLogout's call of the session's provider, once committed
        await provider_logout.call(plan)
    return response


def _admin_action(*, action: str, one_client: bool = False) -> handlers.Endpoint:
    """``push-revocation`` (realm or client): ``k_push_not_before`` to the clients' admin URLs; ``logout-all``:
    the realm's online and offline sessions removed, its notBefore set to now, then ``k_logout`` to the admin URL
    of each enabled client (Keycloak's ResourceAdminManager.logoutAll). The requests go out after commit; the answer
    is the GlobalRequestResult, which the realm-wide calls' admin event carries (RealmAdminResource.logoutAll
    and pushRevocation hand it to ``representation``; ClientResource.pushRevocation records none)."""
    logout = action == backchannel.LOGOUT

    async def endpoint(request: Request) -> Response:
        found: list[tuple[Realm, list[Client]]] = []
        now = state(request).services.clock.now()

        async def work(tx: Tx) -> Response:
            if one_client:
                realm = await common.admin_realm(request, tx, "manage-clients")
                clients = [await common.client_of(tx, realm, request.path_params["uuid"], "Could not find client")]
            else:
                realm = await common.admin_realm(request, tx, "manage-users" if logout else "manage-realm")
                clients = await tx.clients.list(realm.id)
                audit.deferred(request)
            if logout:
                await tx.sessions.delete_realm_sessions(realm.id, False)
                await tx.sessions.delete_realm_sessions(realm.id, True)
                # the realm as committed, locked: a change made meanwhile is not written back over
                realm = dataclasses.replace(await tx.realms.lock(realm.id) or realm, not_before=now)
                await tx.realms.update(realm)
                clients = [c for c in clients if c.enabled]
            found.append((realm, clients))
            return Response(status_code=NO_CONTENT)

        response = await handlers.answer(request, work, write=logout)
        if not found:
            return response
        realm, clients = found[0]
        services, notifier = state(request).services, state(request).notifier
        # ResourceAdminManager.pushClientRevocationPolicy sends the client's notBefore; pushRealmRevocationPolicy
        # and logoutAll the realm's, to every client alike
        not_before = clients[0].not_before if one_client else realm.not_before
        result = await notifier.admin_action(base_url(request), realm.id, clients, not_before, action)
        await audit.record_outcome(request, result, services.clock.now_ms())
        return json_response(result)

    return endpoint


CLIENT = "/{realm}/clients/{uuid}"
USER = "/{realm}/users/{id}"

ROUTES: list[Route] = [
    Route(f"{CLIENT}/offline-sessions", _client_sessions(offline=True), methods=["GET"]),
    Route(f"{CLIENT}/offline-session-count", _client_session_count(offline=True), methods=["GET"]),
    Route(f"{CLIENT}/user-sessions", _client_sessions(offline=False), methods=["GET"]),
    Route(f"{CLIENT}/session-count", _client_session_count(offline=False), methods=["GET"]),
    Route("/{realm}/client-session-stats", client_session_stats, methods=["GET"]),
    Route(f"{USER}/sessions", user_sessions, methods=["GET"]),
    Route(f"{USER}/offline-sessions/{{client}}", user_offline_sessions, methods=["GET"]),
    Route(f"{USER}/consents", user_consents, methods=["GET"]),
    Route(f"{USER}/consents/{{client_id}}", revoke_consent, methods=["DELETE"]),
    Route(f"{USER}/logout", logout_user, methods=["POST"]),
    Route("/{realm}/sessions/{session}", delete_session, methods=["DELETE"]),
    Route("/{realm}/logout-all", _admin_action(action=backchannel.LOGOUT), methods=["POST"]),
    Route("/{realm}/push-revocation", _admin_action(action=backchannel.PUSH_NOT_BEFORE), methods=["POST"]),
    Route(
        f"{CLIENT}/push-revocation",
        _admin_action(action=backchannel.PUSH_NOT_BEFORE, one_client=True),
        methods=["POST"],
    ),
]
