"""Who may hand out an admin role (Keycloak's ``RolePermissions.checkAdminRoles``).

Mapping a role to a user (``requireMapRole``, on grant and on revoke) or nesting it into another
role (``requireMapComposite``) hands out every role it contains. An *admin role* may only be handed
out by an admin who holds it, directly or through composites. Admin roles are the roles of a
``realm-management`` client, the master realm's ``admin`` and ``create-realm`` (and any master
realm role with an admin role's name), and the roles of master's ``<realm>-realm`` clients (``master-realm``,
master's own management client, among them).

Keycloak looks only at the role itself; Doorkeep also looks inside it, so a custom composite that
wraps ``realm-admin`` (or ``default-roles-<realm>`` after someone nested an admin role into it) is
an admin role too. As in Keycloak, a few realm-management roles may be handed out by an admin who
can do what they allow without holding them (``view-users`` by a ``manage-users`` holder, the
``query-*`` roles by anyone who may map roles), and the master ``admin`` may hand out everything. A master user
acting in another realm through master's ``<realm>-realm`` roles counts those roles as held there: holding
``demo-realm``'s manage-users, they may hand out demo's realm-management manage-users (IllegalAdminUpgradeTest's
master ``userAdmin``), but never what no role of theirs allows. Master's ``<realm>-realm`` roles themselves are
handed out only by who holds them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from doorkeep.model import Role
from doorkeep.realms import management

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

MASTER = management.MASTER
REALM_MANAGEMENT = management.REALM_MANAGEMENT
MASTER_ADMIN_CLIENT_SUFFIX = management.APP_SUFFIX  # master's per-realm management clients
# Keycloak's AdminRoles.ALL_ROLES: the names that make a master realm role an admin role.
ADMIN_ROLE_NAMES = frozenset(
    {
        "admin",
        "create-realm",
        "realm-admin",
        "impersonation",
        "create-client",
        "view-realm",
        "view-users",
        "view-clients",
        "view-events",
        "view-identity-providers",
        "view-authorization",
        "view-organizations",
        "manage-realm",
        "manage-users",
        "manage-clients",
        "manage-events",
        "manage-identity-providers",
        "manage-authorization",
        "manage-organizations",
        "query-users",
        "query-clients",
        "query-realms",
        "query-groups",
        "query-organizations",
    }
)
MASTER_ONLY_NAMES = frozenset({"admin", "create-realm"})  # admin role names only in the master realm
# Realm-management roles any admin who may map roles may hand out.
QUERY_ROLES = frozenset({"query-users", "query-clients", "query-realms", "query-groups", "query-organizations"})
# Realm-management roles an admin may hand out without holding them, when holding one of these.
ALLOWED_BY = {
    "view-users": frozenset({"manage-users"}),
    "view-clients": frozenset({"manage-clients"}),
    "create-client": frozenset({"manage-clients"}),
    "view-realm": frozenset({"manage-realm"}),
    "view-events": frozenset({"manage-events"}),
    "view-identity-providers": frozenset({"manage-identity-providers"}),
    "view-authorization": frozenset({"manage-authorization"}),
    # Keycloak 26.7's RolePermissions.checkAdminRoles: orgs().canManage() / canView() (OrganizationPermissions)
    "manage-organizations": frozenset({"manage-realm"}),
    "view-organizations": frozenset({"manage-organizations", "manage-realm"}),
}


@dataclass(frozen=True)
class RoleFacts:
    """What the rule needs to know of one role: its id and name, and whose role it is."""

    id: str
    name: str
    realm_id: str
    in_master: bool  # the role belongs to the master realm
    client_id: str | None  # the clientId (not the UUID) of the owning client; None for a realm role

    @property
    def of_management(self) -> bool:
        """A role of its realm's own management client (``realm-management``; ``master-realm`` in master)."""
        own = management.client_id_for(MASTER) if self.in_master else REALM_MANAGEMENT
        return self.client_id == own


@dataclass(frozen=True)
class Grantor:
    """The admin who asks: their effective roles and the names of their realm's management roles they hold."""

    realm_id: str  # the realm the admin belongs to
    master_admin: bool  # holds the master realm's ``admin`` role
    held: frozenset[str]  # ids of every role the admin holds, composites expanded
    management: frozenset[str]  # names of the roles of their realm's management client they hold
    # a master user's admin role names for other realms (master's ``<realm>-realm`` roles), by realm id
    elsewhere: Mapping[str, frozenset[str]] = field(default_factory=dict, compare=False)

    def names_in(self, realm_id: str) -> frozenset[str] | None:
        """The admin role names held for that realm; None when the grantor administers nothing there."""
        if realm_id == self.realm_id:
            return self.management
        return self.elsewhere.get(realm_id) or None


def is_admin_role(role: RoleFacts) -> bool:
    """An admin role by itself (not looking inside it)."""
    if role.client_id == REALM_MANAGEMENT or role.of_management:
        return True
    if not role.in_master:
        return False
    if role.client_id is None:
        return role.name in ADMIN_ROLE_NAMES
    return role.client_id.endswith(MASTER_ADMIN_CLIENT_SUFFIX)


def may_hand_out(grantor: Grantor, closure: Iterable[RoleFacts]) -> bool:
    """May ``grantor`` map (or nest) a role whose composite closure, the role itself included, is ``closure``?"""
    if grantor.master_admin:
        return True
    return all(_may_hand_out_one(grantor, role) for role in closure if is_admin_role(role))


def _may_hand_out_one(grantor: Grantor, role: RoleFacts) -> bool:
    if role.id in grantor.held:
        return True
    names = grantor.names_in(role.realm_id)
    if not role.of_management or names is None:
        return False
    # a master user holding ``<realm>-realm``'s manage-users may hand out that realm's manage-users (its equal)
    return role.name in names or role.name in QUERY_ROLES or bool(ALLOWED_BY.get(role.name, frozenset()) & names)


def may_redefine(grantor: Grantor, role: RoleFacts) -> bool:
    """May ``grantor`` change what ``role`` is, by renaming or deleting it?

    What an admin role allows follows its name (Doorkeep, like Keycloak, looks the management roles
    and master's ``admin`` up by name), so renaming ``manage-clients`` to ``manage-users`` would hand
    out ``manage-users``, and deleting ``admin`` locks every global admin out. Only the master admin,
    or a holder of the realm's ``realm-admin`` for realm-management roles, may redefine an admin role.
    Keycloak has no such check; Doorkeep closes the gap.
    """
    if grantor.master_admin or not is_admin_role(role):
        return True
    return role.of_management and role.realm_id == grantor.realm_id and ("realm-admin" in grantor.management)


def may_rename(grantor: Grantor, role: RoleFacts, new_name: str) -> bool:
    """May ``grantor`` rename ``role`` to ``new_name``: out of an admin role's place, or into one, or to an
    admin role's name anywhere?"""
    if new_name == role.name:
        return True
    if not (may_redefine(grantor, role) and may_redefine(grantor, replace(role, name=new_name))):
        return False
    if takes_admin_name(role, new_name):
        return grantor.master_admin or (role.realm_id == grantor.realm_id and "realm-admin" in grantor.management)
    return True


def takes_admin_name(role: RoleFacts, new_name: str) -> bool:
    """Would the rename give ``role`` an admin role's name (AdminRoles.ALL_ROLES), wherever the role lives?

    Keycloak's guards compare role names, so a delegated admin's own client role renamed to ``realm-admin``
    would pass for one (keycloak#49427, CVE-2026-9796; RoleByIdResourceTest
    .testRenamingToProtectedRoleNameBlockedForDelegatedAdmin answers 403). Only the master admin or a holder of
    the realm's ``realm-admin`` may hand out such a name. ``admin`` and ``create-realm`` are admin names in the
    master realm only (RolePermissions.isRealmAdminRole, keycloak#51323): another realm's realm role may take
    them. [UNVERIFIED] The exact rule of Keycloak's merged fix (#49624) was not in the source index; this is
    the rule its test and the fix's discussion (#49516) describe.
    """
    if new_name not in ADMIN_ROLE_NAMES:
        return False
    return not (role.client_id is None and not role.in_master and new_name in MASTER_ONLY_NAMES)


async def closure_facts(tx: Tx, role: Role) -> list[RoleFacts]:
    """The facts of ``role`` and of every role it contains, transitively."""
    return await facts(tx, await tx.roles.get_many(await tx.roles.expand([role.id])))


async def facts(tx: Tx, roles: Iterable[Role]) -> list[RoleFacts]:
    """What the rule needs to know of these roles, read from the store."""
    realm_names: dict[str, str | None] = {}
    client_ids: dict[str, str] = {}
    out: list[RoleFacts] = []
    for each in roles:
        if each.realm_id not in realm_names:
            realm = await tx.realms.get(each.realm_id)
            realm_names[each.realm_id] = realm.name if realm else None
        client_id: str | None = None
        if each.client_id is not None:
            if each.client_id not in client_ids:
                client = await tx.clients.get(each.client_id)
                client_ids[each.client_id] = client.client_id if client else ""
            client_id = client_ids[each.client_id]
        out.append(RoleFacts(each.id, each.name, each.realm_id, realm_names[each.realm_id] == MASTER, client_id))
    return out


async def may_grant(tx: Tx, grantor: Grantor, role: Role) -> bool:
    """``may_hand_out`` for a stored role, its composites read from the store."""
    if grantor.master_admin:
        return True
    return may_hand_out(grantor, await closure_facts(tx, role))
