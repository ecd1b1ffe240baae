"""Roles carried by an organization invitation (Keycloak's main branch after 26.8.0: OrganizationInvitationRoleTest,
OrganizationInvitationRoleBrokerTest).

``invite-user`` and ``invite-existing-user`` take ``roles``, the ids of realm or client roles of the realm (the
form's repeated ``roles``, or the JSON request's list); an id that is no role of the realm is a 400 before any mail
goes or any invitation is kept. The invitation keeps them (shown as ``roles`` of its representation, brief); a role
removed meanwhile is dropped from it. A resend keeps them on the new invitation. The invited user is granted those
still there when the invitation makes them a member: accepting the link, registering through it, or at the first
broker login that joins through it. Who may put a role on an invitation is the web layer's check (the right to map
the role to a user, as for a direct role mapping: H2).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from doorkeep.admin.representations import role_brief_json
from doorkeep.errors import AdminError
from doorkeep.model import Role

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

ROLE_NOT_FOUND = AdminError(400, "Role not found")
INVALID_ROLES = AdminError(400, "Invalid invitation request")


def from_json(value: Any) -> tuple[str, ...]:
    """The JSON request's ``roles``: absent or null is none, else a list of ids (strings)."""
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise INVALID_ROLES
    return tuple(dict.fromkeys(value))


def from_form(values: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(v for v in values if v))


async def resolve(tx: Tx, realm_id: str, role_ids: Iterable[str]) -> list[Role]:
    """The realm's roles these ids name; 400 when one is no role of the realm."""
    ids = list(role_ids)
    found = {r.id: r for r in await tx.roles.get_many(ids) if r.realm_id == realm_id}
    if any(i not in found for i in ids):
        raise ROLE_NOT_FOUND
    return [found[i] for i in ids]


async def roles_json(tx: Tx, realm_id: str, invitation_ids: Iterable[str]) -> dict[str, list[dict[str, Any]]]:
    """Each invitation's roles as brief RoleRepresentations, by invitation id."""
    by_invitation = await tx.organization_invitation_roles.of_many(invitation_ids)
    out: dict[str, list[dict[str, Any]]] = {}
    for invitation_id, ids in by_invitation.items():
        roles = await tx.roles.get_many(ids)
        out[invitation_id] = [
            role_brief_json(r, r.client_id or realm_id) for r in sorted(roles, key=lambda r: ids.index(r.id))
        ]
    return out


async def grant_on_acceptance(tx: Tx, invitation_id: str, user_id: str) -> None:
    """The invitation's remaining roles granted to the user it made a member."""
    ids = await tx.organization_invitation_roles.role_ids(invitation_id)
    if ids:
        await tx.users.grant_roles(user_id, ids)
