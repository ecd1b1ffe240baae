"""A user's links to the realm's identity providers as an administrator manages them (Keycloak's UserResource
``federated-identity``), shared by the Admin REST (web/admin/user_links.py) and the Admin Console's Identity
provider links tab. Who may do it is the caller's check (view-users to list, manage-users to change).

Listing shows the links whose alias names a provider the realm has, in the order they were made. Linking stores
the account named (``userId``, ``userName``) under the alias, which Keycloak does not check against the realm's
providers: 409 "User is already linked with provider" when the user has a link of that alias. An account of the
provider already linked to another user is refused with a 409 too (Doorkeep keeps one user per provider account,
which the brokered login relies on); unlinking a link the user does not have is a 404 "Link not found". A MANAGED
member linked through their organization's provider is linked to no other provider (Keycloak 26.7, #49720,
OrganizationMemberIdpLinkTest): 400, in Doorkeep's words (the test asserts only the status).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from doorkeep.broker import providers as idp
from doorkeep.errors import AdminError
from doorkeep.model import FederatedIdentity, Realm, User
from doorkeep.oauth import login_broker_email_link
from doorkeep.organizations import brokers

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

ALREADY_LINKED = AdminError(409, "User is already linked with provider")
TAKEN = AdminError(409, "The identity provider's account is already linked to another user")  # Doorkeep's
NOT_FOUND = AdminError(404, "Link not found", key="error")  # NotFoundException: {"error": ...}
MANAGED_MEMBER = AdminError(400, "A managed member of an organization cannot be linked to another identity provider")


async def of_user(tx: Tx, realm: Realm, user: User) -> list[FederatedIdentity]:
    """The user's links to providers the realm has."""
    aliases = {p.get("alias") for p in idp.all_of(realm)}
    return [f for f in await tx.federated.of_user(user.id) if f.alias in aliases]


async def link(tx: Tx, realm: Realm, user: User, alias: str, account_id: str | None, username: str | None) -> None:
    """``POST users/{id}/federated-identity/{alias}``."""
    if any(f.alias == alias for f in await tx.federated.of_user(user.id)):
        raise ALREADY_LINKED
    if await brokers.home_brokers(tx, realm, user.id):
        raise MANAGED_MEMBER
    if account_id is not None and await tx.federated.user_of(realm.id, alias, account_id) is not None:
        raise TAKEN
    await tx.federated.add(realm.id, FederatedIdentity(user.id, alias, account_id, username))


async def unlink(tx: Tx, user: User, alias: str) -> None:
    """``DELETE users/{id}/federated-identity/{alias}``."""
    if not await tx.federated.remove(user.id, alias):
        raise NOT_FOUND
    await login_broker_email_link.revoke(tx, user.realm_id, user.id, alias)
