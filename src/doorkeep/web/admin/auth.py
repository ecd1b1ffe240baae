"""Who is calling the admin API, and may they do this?

A bearer token from any realm is accepted if valid there. The master realm's ``admin`` role
administers every realm; otherwise a user administers their own realm through the roles of the client holding
its admin roles (``realm-management``, whose ``realm-admin`` contains them all; ``master-realm`` in master: see
doorkeep.realms.management), and a master user administers another realm through the roles of master's
``<realm>-realm`` client (MgmtPermissions.hasOneAdminRole; see doorkeep.realms.master_clients).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

from starlette.requests import Request

from doorkeep.admin import mapper_grants, mapper_targets
from doorkeep.admin.permissions import Grantor, facts, may_grant, may_redefine, may_rename
from doorkeep.errors import HTTPS_REQUIRED, INVALID_ORIGIN, TOKEN_VERIFICATION_FAILED, AdminError
from doorkeep.model import Client, Group, Realm, Role, User
from doorkeep.oauth import access
from doorkeep.oauth import scopes as scope_rules
from doorkeep.oauth.roles import direct_and_group_role_ids, effective_roles
from doorkeep.realms import management, master_clients
from doorkeep.web import cors
from doorkeep.web.http import adopt_token_realm, base_url, is_secure, realm_issuer, resource_presentation, state
from doorkeep.web.http import challenge as http_challenge

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

T = TypeVar("T")
UNAUTHORIZED = AdminError(401, "HTTP 401 Unauthorized", key="error")
INVALID_TOKEN = "invalid_token"
FORBIDDEN = AdminError(403, "HTTP 403 Forbidden", key="error")
UNSCOPED_CLIENTS = frozenset({"admin-cli", "security-admin-console"})
SSL_REQUIRED = AdminError(403, "invalid_request", key="error", description=HTTPS_REQUIRED)
# Roles that imply others, as realm-management composites do.
IMPLIED = {
    "view-users": {"query-users", "query-groups"},
    "view-clients": {"query-clients"},
    "manage-users": {"view-users", "query-users", "query-groups"},
    "manage-clients": {"view-clients", "query-clients"},
    # OrganizationPermissions (Keycloak 26.7): manage-realm manages organizations, managing them views them
    "manage-realm": {"view-realm", "manage-organizations", "view-organizations", "query-organizations"},
    "manage-organizations": {"view-organizations", "query-organizations"},
    "manage-events": {"view-events"},
    "manage-identity-providers": {"view-identity-providers"},  # RealmPermissions.canViewIdentityProviders
    "view-organizations": {"query-organizations"},
}


@dataclass(frozen=True)
class AdminIdentity:
    user: User
    realm: Realm  # the realm the token came from
    master_admin: bool
    management_roles: frozenset[str]  # roles of ``realm``'s management client held (doorkeep.realms.management)
    role_ids: frozenset[str] = frozenset()  # every role the caller holds, composites expanded
    client_uuid: str = ""  # the client the token was issued to (admin events' authDetails.clientId)
    session_id: str | None = None  # the token's ``sid``: the session an impersonation in its realm ends
    # A master user's roles of master's ``<realm>-realm`` clients: realm id -> role names (not for master itself)
    realm_access: Mapping[str, frozenset[str]] = field(default_factory=dict, compare=False)
    create_realm: bool = False  # a master user holding master's ``create-realm`` (directly or as a composite)

    @property
    def grantor(self) -> Grantor:
        """The caller as the admin-role rule sees them (doorkeep.admin.permissions)."""
        return Grantor(self.realm.id, self.master_admin, self.role_ids, self.management_roles, self.realm_access)

    def roles_in(self, realm: Realm) -> frozenset[str]:
        """The admin role names the caller holds for ``realm`` (composites expanded, IMPLIED not applied): the
        management client's roles of their own realm, or a master user's roles of ``<realm>-realm``."""
        if realm.id == self.realm.id:
            return self.management_roles
        return self.realm_access.get(realm.id, frozenset())

    def administers(self, realm: Realm) -> bool:
        """Holds any admin role for ``realm`` (MgmtPermissions.isAdmin(realm)), or is master's admin."""
        return self.master_admin or bool(self.roles_in(realm))

    @property
    def administers_any(self) -> bool:
        """Holds an admin role for some realm (or is master's admin)."""
        return self.master_admin or bool(self.management_roles) or any(self.realm_access.values())

    @property
    def is_admin(self) -> bool:
        """MgmtPermissions.isAdmin(): master's admin or create-realm, or any admin role in any realm."""
        return self.create_realm or self.administers_any

    def may_enter(self, realm: Realm) -> bool:
        """May call ``realm``'s admin API at all (each call then checks its role): its own realm, or a realm a
        master user holds a ``<realm>-realm`` role of."""
        return self.master_admin or realm.id == self.realm.id or bool(self.realm_access.get(realm.id))

    def can(self, realm: Realm, role: str) -> bool:
        if self.master_admin:
            return True
        held = set(self.roles_in(realm))
        for name in list(held):
            held |= IMPLIED.get(name, set())
        return role in held

    def require(self, realm: Realm, role: str) -> None:
        """Raise 403 unless the caller holds ``role`` (a realm-management role name) for ``realm``."""
        if not self.can(realm, role):
            raise FORBIDDEN

    async def may_map(self, tx: Tx, realm: Realm, role: Role) -> bool:
        """Keycloak's canMapRole: manage-users here, and every admin role in ``role`` is the caller's to hand out."""
        return self.can(realm, "manage-users") and await may_grant(tx, self.grantor, role)

    async def require_grant(self, tx: Tx, role: Role) -> None:
        """403 unless the caller may hand out ``role`` with all it contains (requireMapRole / requireMapComposite)."""
        if not await may_grant(tx, self.grantor, role):
            raise FORBIDDEN

    async def require_mapper_grants(self, tx: Tx, realm: Realm, names: Iterable[str | None]) -> None:
        """403 unless the caller may write protocol mappers of ``realm`` that put the roles ``names`` into tokens
        (doorkeep.admin.mapper_grants: a Hardcoded Role or Role Name mapper hands its role out)."""
        if not await mapper_grants.may_write(tx, realm.id, self.grantor, names):
            raise FORBIDDEN

    async def require_membership(self, tx: Tx, group: Group) -> None:
        """403 unless the caller may hand out every role a member of ``group`` gets: the group's and those of the
        groups above it. Joining a group is granting its roles, so a helpdesk with manage-users cannot join
        anyone (itself included) to a group holding realm-admin, nor make such a group a realm default."""
        if not await mapper_targets.may_confer(tx, self.grantor, group):
            raise FORBIDDEN

    async def require_mappers_follow(
        self, tx: Tx, realm: Realm, change: Callable[[], Awaitable[T]], *, roles: bool = False, groups: bool = False
    ) -> T:
        """Make ``change`` (a rename, a move, a deletion), then 403 unless the caller may hand out every role or group
        it made a mapper point at (doorkeep.admin.mapper_targets): ``roles`` for a change to roles or clients,
        ``groups`` for one to groups. The refusal rolls the change back with the rest of the transaction."""
        result, allowed = await mapper_targets.followed(tx, realm.id, self.grantor, change, roles=roles, groups=groups)
        if not allowed:
            raise FORBIDDEN
        return result

    async def require_redefine(self, tx: Tx, role: Role, new_name: str | None = None) -> None:
        """403 unless the caller may rename ``role`` to ``new_name``, or delete it when no name is given
        (doorkeep.admin.permissions.may_rename / may_redefine)."""
        [current] = await facts(tx, [role])
        allowed = (
            may_redefine(self.grantor, current) if new_name is None else (may_rename(self.grantor, current, new_name))
        )
        if not allowed:
            raise FORBIDDEN


def challenge(realm: Realm | None, description: str | None = None) -> AdminError:
    """AdminRoot.toOAuth2Error: 401 with the RFC 6750 challenge, naming the realm once one is known, and the
    body ``{"error": "HTTP 401 Unauthorized"}`` with the ``error_description`` of an ``invalid_token`` (no
    usable bearer credentials at all is the bare challenge, OAuth2Error.unauthorized)."""
    attributes = {
        "realm": realm.name if realm is not None else None,
        "error": INVALID_TOKEN if description is not None else None,
        "error_description": description,
    }
    header = {"WWW-Authenticate": http_challenge("Bearer", attributes)}
    return AdminError(401, UNAUTHORIZED.message, key="error", description=description, headers=header)


def require_https(request: Request, realm: Realm) -> None:
    """The realm's sslRequired: 403 ``invalid_request`` "HTTPS required" over plain HTTP where it applies."""
    if not is_secure(request, realm):
        raise SSL_REQUIRED


async def authenticate(request: Request, tx: Tx) -> AdminIdentity:
    """Validate the bearer token against the realm named in its ``iss``; 401 if anything is off."""
    presented = resource_presentation(request)
    if presented is None:
        raise challenge(None)
    token = presented.token
    from doorkeep.tokens import unverified

    parsed = unverified(token)
    if parsed is None:
        raise challenge(None, TOKEN_VERIFICATION_FAILED)
    iss = str(parsed[1].get("iss", ""))
    realm_name = iss.rsplit("/realms/", 1)[-1] if "/realms/" in iss else ""
    realm = await tx.realms.get_by_name(realm_name) if realm_name else None
    if realm is None:
        raise challenge(None, TOKEN_VERIFICATION_FAILED)
    if not realm.enabled:
        raise challenge(realm, TOKEN_VERIFICATION_FAILED)
    require_https(request, realm)  # the sslRequired of the realm the admin logged in to
    adopt_token_realm(request, realm)
    # The token realm's clients and role graph come from the per-process configuration cache, keyed by the
    # realm row just read (its config_version); what can change without a version bump (the token's
    # revocation, the user, their role and group mappings, the session) is read from the tables every time.
    # Unbound again before the handler runs, so that nothing it reads after its own writes is cached.
    previous = tx.config.bind(realm)
    try:
        services = state(request).services
        valid = await access.validate(tx, services, realm, realm_issuer(request, realm), token, presented)
        if cors.remember_token_origins(request, valid.claims, valid.client, base_url(request)):
            raise INVALID_ORIGIN  # checkAllowedOrigins' ForbiddenException: nothing of the call runs
        identity = await identity_of(tx, valid.user, realm, valid.client, valid.claims.get("scope"))
        sid = valid.claims.get("sid")
        return dataclasses.replace(identity, session_id=str(sid) if sid else None)
    except access.InvalidAccess as err:
        raise challenge(realm, err.public) from None
    finally:
        tx.config.bind(previous)


async def identity_of(
    tx: Tx, user: User, realm: Realm, client: Client | None = None, token_scope: str | None = None
) -> AdminIdentity:
    """What ``user`` of ``realm`` may administer: their roles (groups count too), composites expanded; through a
    token of ``client``, only those the client's scope lets its tokens carry (MgmtPermissions' KeycloakIdentity
    reads the token's roles): a service account of a client without full scope holds the admin roles in that
    client's scope mappings and no other. The roles are read now, not from the token, so a role taken away
    applies at once. The admin CLI and console are not limited (the UserModelIdentity Keycloak gave them
    before its console got full scope), so that a realm imported from such a version keeps its admins."""
    role_ids = await tx.config.expand(realm.id, await direct_and_group_role_ids(tx, user))
    if client is not None and not client.full_scope_allowed and client.client_id not in UNSCOPED_CLIENTS:
        granted = await scope_rules.from_names(tx, client, token_scope or "")
        role_ids = {role.id for role in await effective_roles(tx, user, client, granted.scopes)}
    roles = await tx.config.roles(realm.id, role_ids)
    in_master = realm.name == master_clients.MASTER
    master_admin = in_master and any(r.name == "admin" and r.client_id is None for r in roles)
    own = await tx.config.client(realm.id, management.client_id_for(realm.name))
    held = frozenset(r.name for r in roles if own is not None and r.client_id == own.id)
    realm_access = await _realm_access(tx, realm, roles) if in_master and not master_admin else {}
    return AdminIdentity(
        user,
        realm,
        master_admin,
        held,
        frozenset(role_ids),
        client.id if client else "",
        realm_access=realm_access,
        create_realm=in_master and any(r.name == "create-realm" and r.client_id is None for r in roles),
    )


async def _realm_access(tx: Tx, master: Realm, roles: list[Role]) -> dict[str, frozenset[str]]:
    """A master user's roles of master's ``<realm>-realm`` clients, by the id of the realm each administers."""
    by_client: dict[str, set[str]] = {}
    for role in roles:
        if role.client_id is not None and role.name in master_clients.ROLES:
            by_client.setdefault(role.client_id, set()).add(role.name)
    out: dict[str, frozenset[str]] = {}
    for client_uuid, names in by_client.items():
        client = await tx.config.client_by_uuid(master.id, client_uuid)
        realm_name = master_clients.realm_name_of(client.client_id) if client is not None else None
        target = await tx.realms.get_by_name(realm_name) if realm_name and realm_name != master.name else None
        if target is not None:
            out[target.id] = frozenset(names)
    return out
