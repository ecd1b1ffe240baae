"""Per-process cache of a realm's clients, client scopes and role graph, keyed by its config version;
and of client_credentials' service-account users (and what their grants derive from them), keyed by its
user version.

Every write to that configuration bumps ``realms.config_version`` in the same transaction
(store/realms.py, store/roles.py); every write to a user, to a user's role mappings or to a user's group
memberships advances ``realms.user_version`` (triggers of migrations 0015 and 0016, so raw SQL and cascades
count too). Requests read the realm row anyway, so a process notices a change, its own or another process's,
at its next request: no invalidation messages, no TTL. The cache only accelerates lookups that the protocol
makes on every request; admin code reads the tables directly.
"""

from __future__ import annotations

import weakref
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar, cast

from doorkeep.model import CLIENT_CREDENTIAL_SUBJECT, Client, ClientScope, Realm, Role, User

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

MAX_REALMS = 256
MAX_CLIENTS = 10000


@dataclass
class _RealmView:
    version: int
    clients: OrderedDict[str, Client | None] = field(default_factory=OrderedDict)  # by clientId
    by_uuid: dict[str, Client] = field(default_factory=dict)
    scopes: dict[str, list[tuple[ClientScope, bool]]] = field(default_factory=dict)  # by client uuid
    roles: dict[str, Role] | None = None
    children: dict[str, set[str]] | None = None
    closures: dict[str, frozenset[str]] = field(default_factory=dict)
    scope_roles: dict[str, frozenset[str]] = field(default_factory=dict)  # by client or scope id
    has_groups: bool | None = None
    has_org_group_roles: bool | None = None  # any realm or client role mapped to an organization group
    all_clients: dict[str, Client] | None = None  # every client of the realm by uuid, in clientId order
    all_scopes: list[ClientScope] | None = None  # every client scope of the realm, by name
    # by jwt.credential.sub: the clients bound to it (federated client authentication's lookup)
    credential_subjects: OrderedDict[str, list[Client]] = field(default_factory=OrderedDict)
    # by client uuid: the realm's user_version when read, and the service account read under it
    service_accounts: dict[str, tuple[int, ServiceAccount]] = field(default_factory=dict)
    # what refreshes derive from the configuration and one user (``CachedConfig.kept``), by the caller's key, with
    # the realm's user_version it was made under
    kept: dict[tuple[str, ...], tuple[int, Any]] = field(default_factory=dict)


_T = TypeVar("_T")
MAX_GRANTS = 16  # distinct scope parameters whose derived results one service account keeps
MAX_KEPT = 4096  # distinct (client, user, scope) entries of refreshes one realm keeps (``CachedConfig.kept``)


@dataclass
class ServiceAccount:
    """A client's service-account user and its direct role ids, as read under one ``user_version`` of the realm
    (within one config version), and what client_credentials grants derived from them (``grant``)."""

    user: User | None
    role_ids: frozenset[str]
    grants: dict[str, Any] = field(default_factory=dict)

    def grant(self, scope_param: str, make: Callable[[], _T]) -> _T:
        """What is kept for grants of this ``scope`` parameter (made by ``make`` the first time; oauth/issue.py's
        ``TransientGrant``): what they derive from the configuration and the user alone is the same until either
        changes, and then this whole object is dropped. Bounded: a client sending ever new scope strings
        empties it."""
        kept = self.grants.get(scope_param)
        if kept is None:
            if len(self.grants) >= MAX_GRANTS:
                self.grants.clear()
            kept = self.grants[scope_param] = make()
        return cast(_T, kept)


class ConfigCache:
    """Shared by every transaction of one process (one asyncio loop; no locking needed)."""

    def __init__(self) -> None:
        self._realms: OrderedDict[str, _RealmView] = OrderedDict()

    def forget(self, realm_id: str) -> None:
        """Drop what this process read of the realm; the next request reads it again (``clear-realm-cache``)."""
        self._realms.pop(realm_id, None)

    def view(self, realm: Realm) -> _RealmView:
        current = self._realms.get(realm.id)
        if current is None or current.version != realm.config_version:
            current = _RealmView(realm.config_version)
            self._realms[realm.id] = current
            while len(self._realms) > MAX_REALMS:
                self._realms.popitem(last=False)
        return current


class CachedConfig:
    """The cache as one transaction sees it. Bound to the request's realm with ``bind``; unbound
    (admin code, tests) every lookup goes straight to the repositories."""

    def __init__(self, cache: ConfigCache, tx: Tx) -> None:
        self._cache = cache
        # Weak: the transaction holds this object, and a strong reference back made every request's
        # transaction, repositories and request a cycle only the garbage collector could free (issue #8).
        self._tx = cast("Tx", weakref.proxy(tx))
        self._realm: Realm | None = None

    def bind(self, realm: Realm | None) -> Realm | None:
        """Serve lookups of ``realm`` from the cache (None: straight to the repositories); the previous binding."""
        previous, self._realm = self._realm, realm
        return previous

    def version_of(self, realm_id: str) -> int | None:
        """The config version of the realm this transaction is bound to, if it is ``realm_id``; else None."""
        return self._realm.config_version if self._realm is not None and self._realm.id == realm_id else None

    def _view(self, realm_id: str) -> _RealmView | None:
        if self._realm is None or self._realm.id != realm_id:
            return None
        return self._cache.view(self._realm)

    async def client(self, realm_id: str, client_id: str) -> Client | None:
        view = self._view(realm_id)
        if view is None:
            return await self._tx.clients.get_by_client_id(realm_id, client_id)
        if client_id in view.clients:
            view.clients.move_to_end(client_id)
            return view.clients[client_id]
        client = await self._tx.clients.get_by_client_id(realm_id, client_id)
        view.clients[client_id] = client
        if client is not None:
            view.by_uuid[client.id] = client
        while len(view.clients) > MAX_CLIENTS:
            _, dropped = view.clients.popitem(last=False)
            if dropped is not None:
                view.by_uuid.pop(dropped.id, None)
        return client

    async def realm_clients(self, realm: Realm) -> Mapping[str, Client]:
        """Every client of ``realm`` by uuid, in clientId order, for the admin session reads. ``realm`` is a row
        read in this transaction before it wrote any configuration (else a write could be cached as the
        version read)."""
        view = self._cache.view(realm)
        if view.all_clients is None:
            found = {c.id: c for c in await self._tx.clients.list(realm.id)}
            if len(found) > MAX_CLIENTS:  # bounded: a realm this large is read each time
                return found
            view.all_clients = found
        return view.all_clients

    async def clients_with_credential_subject(self, realm: Realm, subject: str) -> list[Client]:
        """The clients of ``realm`` whose ``jwt.credential.sub`` is ``subject``: from every client when kept here,
        else by the store's index (kept per subject, at most MAX_CLIENTS of them), never a read of the realm's every
        client. ``realm`` as for ``realm_clients``."""
        view = self._cache.view(realm)
        if view.all_clients is not None:
            return [c for c in view.all_clients.values() if c.attributes.get(CLIENT_CREDENTIAL_SUBJECT) == subject]
        found = view.credential_subjects.get(subject)
        if found is None:
            found = await self._tx.clients.with_credential_subject(realm.id, subject)
            view.credential_subjects[subject] = found
            while len(view.credential_subjects) > MAX_CLIENTS:
                view.credential_subjects.popitem(last=False)
        return found

    async def realm_scopes(self, realm: Realm) -> list[ClientScope]:
        """Every client scope of ``realm`` by name (the discovery document lists them on each request).
        ``realm`` is a row read in this transaction before it wrote any configuration."""
        view = self._cache.view(realm)
        if view.all_scopes is None:
            found = await self._tx.scopes.list(realm.id)
            if len(found) > MAX_CLIENTS:
                return found
            view.all_scopes = found
        return view.all_scopes

    async def client_by_uuid(self, realm_id: str, client_uuid: str) -> Client | None:
        view = self._view(realm_id)
        found = view.by_uuid.get(client_uuid) if view is not None else None
        if found is None:
            found = await self._tx.clients.get(client_uuid)
            if view is not None and found is not None and found.realm_id == realm_id:
                view.by_uuid[found.id] = found
        return found

    async def client_scopes(self, client: Client) -> list[tuple[ClientScope, bool]]:
        view = self._view(client.realm_id)
        if view is None:
            return await self._tx.clients.scopes(client.id)
        scopes = view.scopes.get(client.id)
        if scopes is None:
            scopes = await self._tx.clients.scopes(client.id)
            view.scopes[client.id] = scopes
        return scopes

    async def _graph(self, view: _RealmView, realm_id: str) -> _RealmView:
        if view.roles is None or view.children is None:
            roles, edges = await self._tx.roles.realm_graph(realm_id)
            children: dict[str, set[str]] = {}
            for parent, child in edges:
                children.setdefault(parent, set()).add(child)
            view.roles, view.children = {r.id: r for r in roles}, children
        return view

    async def expand(self, realm_id: str, role_ids: set[str]) -> set[str]:
        """The roles and everything they contain, transitively (cycles end)."""
        view = self._view(realm_id)
        if view is None:
            return await self._tx.roles.expand(role_ids)
        await self._graph(view, realm_id)
        assert view.children is not None
        out: set[str] = set()
        for role_id in role_ids:
            closure = view.closures.get(role_id)
            if closure is None:
                seen, stack = {role_id}, [role_id]
                while stack:
                    for child in view.children.get(stack.pop(), ()):
                        if child not in seen:
                            seen.add(child)
                            stack.append(child)
                closure = frozenset(seen)
                view.closures[role_id] = closure
            out |= closure
        return out

    async def roles(self, realm_id: str, role_ids: set[str]) -> list[Role]:
        view = self._view(realm_id)
        if view is None:
            return await self._tx.roles.get_many(role_ids)
        await self._graph(view, realm_id)
        assert view.roles is not None
        return sorted((view.roles[r] for r in role_ids if r in view.roles), key=lambda r: r.name)

    async def scope_role_ids(self, realm_id: str, owner_ids: list[str]) -> set[str]:
        view = self._view(realm_id)
        if view is None:
            return await self._tx.roles.scope_mapping_ids(owner_ids)
        out: set[str] = set()
        for owner in owner_ids:
            ids = view.scope_roles.get(owner)
            if ids is None:
                ids = frozenset(await self._tx.roles.scope_mapping_ids([owner]))
                view.scope_roles[owner] = ids
            out |= ids
        return out

    async def client_role_ids(self, realm_id: str, client_uuid: str) -> set[str]:
        view = self._view(realm_id)
        if view is None:
            return {r.id for r in await self._tx.roles.list_client_roles(client_uuid)}
        await self._graph(view, realm_id)
        assert view.roles is not None
        return {r.id for r in view.roles.values() if r.client_id == client_uuid}

    async def service_account(self, client: Client) -> ServiceAccount:
        """The client's service-account user and the role ids mapped to it directly (client_credentials).

        Kept under the bound realm row's ``user_version``, which every write to a user, to a user's role
        mappings or to a user's group memberships advances in its own transaction, whatever process or path
        makes it (triggers of migrations 0015 and 0016); the view it is kept in is the config version's. The
        realm row is read before the user, so what is kept is never older than the version it is kept under;
        the first request that reads a newer version reads the user again. Unbound: read each time."""
        realm = self._realm
        view = self._view(client.realm_id)
        if view is not None and realm is not None:
            kept = view.service_accounts.get(client.id)
            if kept is not None and kept[0] == realm.user_version:
                return kept[1]
        user = await self._tx.users.get_service_account(client)
        role_ids = frozenset(await self._tx.users.role_ids(user.id)) if user is not None else frozenset[str]()
        account = ServiceAccount(user, role_ids)
        if view is not None and realm is not None:
            if len(view.service_accounts) >= MAX_CLIENTS:
                view.service_accounts.clear()
            view.service_accounts[client.id] = (realm.user_version, account)
        return account

    def kept(self, key: tuple[str, ...], make: Callable[[], _T]) -> _T | None:
        """What grants of one user derive from the configuration and that user alone (oauth/issue.py's
        ``TransientGrant``, for a refresh), kept under ``key`` (the caller names the client, the user and the scope)
        for as long as neither the bound realm's config version nor its ``user_version`` moves: every write to a
        user, a user's role mappings or group memberships advances the latter in its own transaction, whatever
        process makes it. The realm row is read before the user, so what is kept is never older than the version
        it is kept under. Unbound: None, nothing is kept. Bounded: a realm refreshing more distinct users than
        ``MAX_KEPT`` between two user writes starts over."""
        realm = self._realm
        if realm is None:
            return None
        view = self._cache.view(realm)
        found = view.kept.get(key)
        if found is not None and found[0] == realm.user_version:
            return cast(_T, found[1])
        made = make()
        if found is None and len(view.kept) >= MAX_KEPT:
            view.kept.clear()
        view.kept[key] = (realm.user_version, made)
        return made

    async def has_org_group_roles(self, realm_id: str) -> bool:
        """Whether any organization group of the realm has a realm or client role (most have none: then a token
        needs no query for them)."""
        view = self._view(realm_id)
        if view is not None and view.has_org_group_roles is not None:
            return view.has_org_group_roles
        found = bool(await self._tx.organization_group_roles.mapped_in_realm(realm_id))
        if view is not None:
            view.has_org_group_roles = found
        return found

    async def has_groups(self, realm_id: str) -> bool:
        """Whether the realm has any group (most have none: then no membership query is needed)."""
        view = self._view(realm_id)
        if view is not None and view.has_groups is not None:
            return view.has_groups
        found = await self._tx.groups.count(realm_id, top=True) > 0
        if view is not None:
            view.has_groups = found
        return found
