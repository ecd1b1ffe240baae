"""Delivering backchannel logout tokens, ``k_logout`` and ``k_push_not_before`` to clients (Keycloak's
ResourceAdminManager), outside the request that caused them.

Logout tokens go out after the transaction committed, as background tasks, concurrently (at most
``PARALLEL`` at once) and with a short timeout, so a slow or dead client never holds up a logout.
Nothing here logs a token.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import TYPE_CHECKING

from doorkeep import outbound_tls
from doorkeep.model import Client, Realm, SessionEnded
from doorkeep.oauth import backchannel as bc
from doorkeep.tokens import new_id

if TYPE_CHECKING:
    import httpx

    from doorkeep.oauth.context import Services
    from doorkeep.store.database import Database

log = logging.getLogger("doorkeep.backchannel")
TIMEOUT = 3.0  # seconds for connect, read and write
PARALLEL = 8
BOUND = 3  # a caller waits for a delivery at most this many times TIMEOUT


class Notifier:
    """Sends to clients; one per process, built in the composition root."""

    def __init__(self, db: Database, services: Services, timeout: float = TIMEOUT) -> None:
        self._db = db
        self._services = services
        self.timeout = timeout  # seconds for connect, read and write of each delivery
        self._limit = asyncio.Semaphore(PARALLEL)
        self._tasks: set[asyncio.Task[bool]] = set()

    def sessions_ended(self, server: str, ended: Iterable[SessionEnded]) -> asyncio.Task[bool] | None:
        """Schedule the logout tokens for these client sessions (call after commit; returns at once): the delivery,
        whose result says whether every client answered 200 or 204, for a caller that waits for it."""
        batch = [e for e in ended if e.adapter_session is not None or bc.logout_url(e.client)]
        if not batch:
            return None
        task = asyncio.get_running_loop().create_task(self._logout(server, batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    async def delivered(self, task: asyncio.Task[bool]) -> bool:
        """Whether a delivery reached every client, waiting at most ``BOUND`` times the timeout of one request
        (they run concurrently); one still under way then counts as failed and goes on in the background."""
        try:
            return await asyncio.wait_for(asyncio.shield(task), self.timeout * BOUND)
        except TimeoutError:
            return False

    async def drain(self) -> None:
        """Wait for the deliveries under way (tests, shutdown)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)

    async def _logout(self, server: str, batch: list[SessionEnded]) -> bool:
        try:
            return await self._send_logout_tokens(server, batch)
        except Exception as exc:  # a background task: nobody else would see it
            log.warning("backchannel logout of %d client session(s) failed: %s", len(batch), type(exc).__name__)
            return False

    async def _send_logout_tokens(self, server: str, batch: list[SessionEnded]) -> bool:
        now = self._services.clock.now()
        posts: list[tuple[str, str, str, bool]] = []  # client id, URL, token, whether a logout token (a form)
        async with self._db.transaction(write=False) as tx:
            realms: dict[str, Realm | None] = {}
            for ended in batch:
                if ended.realm_id not in realms:
                    realms[ended.realm_id] = await tx.realms.get(ended.realm_id)
                realm = realms[ended.realm_id]
                if realm is None:
                    continue
                if ended.adapter_session is not None:  # Keycloak's LogoutAction, signed as the other admin actions
                    target = bc.adapter_logout_target(ended, server)
                    if target is None:
                        continue
                    alg = bc.admin_action_alg(realm)
                    action = bc.adapter_logout_claims(ended, now, new_id())
                    token = await self._services.codec.sign(tx, ended.realm_id, action, alg, now)
                    posts.append((ended.client.client_id, target, token, False))
                    continue
                url = bc.logout_url(ended.client)
                if url is None:
                    continue
                alg = bc.logout_alg(realm, ended.client)
                claims = bc.logout_claims(ended, f"{server}/realms/{realm.name}", now, new_id())
                kid = bc.logout_kid(ended.client)
                token = await self._services.codec.sign(
                    tx, ended.realm_id, claims, alg, now, typ=bc.LOGOUT_HEADER_TYP, kid=kid
                )
                posts.append((ended.client.client_id, url, token, True))
        import httpx  # here, not at import: a server that never notifies does not pay for it at start

        async with httpx.AsyncClient(timeout=self.timeout, verify=outbound_tls.context()) as http:
            outcomes = await asyncio.gather(
                *(
                    self._post(http, c, u, data={"logout_token": t}) if form else self._post(http, c, u, content=t)
                    for c, u, t, form in posts
                )
            )
        return all(outcomes)

    async def _post(
        self,
        http: httpx.AsyncClient,
        client_id: str,
        url: str,
        *,
        data: dict[str, str] | None = None,
        content: str | None = None,
    ) -> bool:
        """One POST; true on 200 or 204 as Keycloak counts it. Failures are logged without the token."""
        import httpx

        async with self._limit:
            try:
                if data is not None:
                    response = await http.post(url, data=data)
                else:
                    response = await http.post(url, content=content, headers={"Content-Type": "text/plain"})
            # InvalidURL: a host no URL can hold (a cluster node's, an adapter's client_session_host); ValueError:
            # the IDNA errors (UnicodeError) httpx lets out for a label such as ``xn--zz``. Either fails this request
            # only, as Keycloak's IOException does, never the delivery to the other clients
            except (httpx.HTTPError, httpx.InvalidURL, ValueError) as exc:
                log.warning("backchannel request to client %r failed: %s", client_id, type(exc).__name__)
                return False
        if response.status_code not in (200, 204):
            log.warning("backchannel request to client %r answered %d", client_id, response.status_code)
            return False
        return True

    async def admin_action(
        self, server: str, realm_id: str, clients: list[Client], not_before: int, action: str
    ) -> dict[str, list[str]]:
        """Keycloak's pushRevocationPolicy (``PUSH_NOT_BEFORE``) or logoutClient (``LOGOUT``) for each client
        with an admin URL, each action carrying ``not_before`` as given (ResourceAdminManager: the realm's for the
        realm-wide push and logout-all, the client's own for a client's push); its GlobalRequestResult (an empty
        list is left out, as Jackson drops nulls)."""
        now = self._services.clock.now()
        jobs: list[tuple[Client, str, str | None]] = []
        async with self._db.transaction(write=False) as tx:
            realm = await tx.realms.get(realm_id)
            alg = bc.admin_action_alg(realm)
            for client in clients:
                mgmt = bc.management_url(client, server)
                if not mgmt:
                    continue
                if not mgmt.lower().startswith(bc.DELIVERABLE):
                    jobs.append((client, mgmt, None))
                    continue
                claims = bc.admin_action_claims(client, action, not_before, now, new_id())
                jobs.append((client, mgmt, await self._services.codec.sign(tx, realm_id, claims, alg, now)))
        import httpx

        async with httpx.AsyncClient(timeout=self.timeout, verify=outbound_tls.context()) as http:

            async def one(client: Client, mgmt: str, token: str | None) -> bool:
                if token is None:
                    return False
                return await self._post(http, client.client_id, bc.action_target(mgmt, action), content=token)

            outcomes = await asyncio.gather(*(one(*job) for job in jobs))
        success = [mgmt for (_, mgmt, _), ok in zip(jobs, outcomes, strict=True) if ok]
        failed = [mgmt for (_, mgmt, _), ok in zip(jobs, outcomes, strict=True) if not ok]
        return {k: v for k, v in (("successRequests", success), ("failedRequests", failed)) if v}

    async def test_nodes(self, server: str, realm_id: str, client: Client, nodes: list[str]) -> dict[str, list[str]]:
        """Keycloak's ResourceAdminManager.testNodesAvailability: a TestAvailabilityAction to
        ``k_test_available`` under the management URL of each registered node (or the URL itself without
        nodes); its GlobalRequestResult, empty when the client has no admin URL."""
        mgmt = bc.management_url(client, server)
        if not mgmt:
            return {}
        now = self._services.clock.now()
        urls = bc.node_urls(mgmt, nodes)
        async with self._db.transaction(write=False) as tx:
            realm = await tx.realms.get(realm_id)
            alg = bc.admin_action_alg(realm)
            tokens = []
            for _ in urls:
                claims = bc.admin_action_claims(client, bc.TEST_AVAILABILITY, 0, now, new_id())
                tokens.append(await self._services.codec.sign(tx, realm_id, claims, alg, now))
        import httpx

        async with httpx.AsyncClient(timeout=self.timeout, verify=outbound_tls.context()) as http:

            async def one(url: str, token: str) -> bool:
                if not url.lower().startswith(bc.DELIVERABLE):
                    return False
                target = bc.action_target(url, bc.TEST_AVAILABILITY)
                return await self._post(http, client.client_id, target, content=token)

            outcomes = await asyncio.gather(*(one(u, t) for u, t in zip(urls, tokens, strict=True)))
        success = [u for u, ok in zip(urls, outcomes, strict=True) if ok]
        failed = [u for u, ok in zip(urls, outcomes, strict=True) if not ok]
        return {k: v for k, v in (("successRequests", success), ("failedRequests", failed)) if v}
