"""Stored organization invitations (Keycloak 26.4's OrganizationInvitationResource listing, resend and delete,
over InvitationManager): the representation, the listing's filters, and what happens to an invitation when its
mail has gone, when it is resent or deleted, and when its link is accepted.

An invitation is kept from the moment its mail is sent, with the client its link is for (not shown: Keycloak's
representation has no such field). Resending removes it and invites the same address again for that client (a new
invitation, a new link); deleting removes it; an existing user confirming the link, or a new user
registering through it, removes it (the link's ``jti`` is the invitation's id). Its status is read from its expiry:
PENDING until ``expiresAt``, EXPIRED after. The organization's or the realm's deletion takes its invitations.
Deleting or resending an invitation revokes the link already sent: following it, or registering through it,
finds no stored invitation (InvitationManager.getById) and is refused as a stale link.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from doorkeep.errors import AdminError
from doorkeep.organizations import invitation_mail, invitation_roles
from doorkeep.organizations.model import Invitation, InvitationFilter

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

NOT_FOUND = AdminError(404, "Invitation not found")  # ErrorResponse.error(…, NOT_FOUND)
STATUSES = ("PENDING", "EXPIRED")  # OrganizationInvitationRepresentation.Status


def to_json(invitation: Invitation, now: int, roles: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """OrganizationInvitationRepresentation (Jackson leaves the null names out). ``inviteLink`` is never shown:
    it carries the signed registration token, and Keycloak 26.6.7 / 26.7.3 stopped returning it (null)."""
    out: dict[str, Any] = {"id": invitation.id, "organizationId": invitation.organization_id}
    out["email"] = invitation.email
    if invitation.first_name is not None:
        out["firstName"] = invitation.first_name
    if invitation.last_name is not None:
        out["lastName"] = invitation.last_name
    out["sentDate"] = invitation.created_at
    out["expiresAt"] = invitation.expires_at
    out["status"] = STATUSES[1] if invitation.expired(now) else STATUSES[0]
    if invitation.attributes:
        out["attributes"] = {name: list(values) for name, values in invitation.attributes.items()}
    if roles:
        out["roles"] = roles  # the roles granted on acceptance (invitation_roles), brief
    return out


def listing_filter(query: dict[str, str]) -> InvitationFilter:
    """The query's filters; a ``status`` other than PENDING or EXPIRED is Status.valueOf's refusal (as Doorkeep
    answers it elsewhere: 400, not Keycloak's 500)."""
    status = query.get("status")
    if status is not None and status not in STATUSES:
        enum = "org.keycloak.representations.idm.OrganizationInvitationRepresentation.Status"
        raise AdminError(400, f"No enum constant {enum}.{status}")
    return InvitationFilter(
        status, query.get("email"), query.get("firstName"), query.get("lastName"), query.get("search")
    )


async def save(tx: Tx, prepared: invitation_mail.Prepared) -> None:
    """Once the mail is sent: the invitations it replaces go, the new one is kept."""
    await tx.org_invitations.remove(prepared.invitation.organization_id, list(prepared.stale))
    await tx.org_invitations.add(prepared.invitation)
    await tx.organization_invitation_roles.put(prepared.invitation.id, prepared.roles)


async def found(tx: Tx, org_id: str, invitation_id: str) -> Invitation:
    """The organization's invitation, else 404 ``Invitation not found`` (another organization's id too)."""
    invitation = await tx.org_invitations.get(org_id, invitation_id)
    if invitation is None:
        raise NOT_FOUND
    return invitation


def resent(invitation: Invitation, roles: tuple[str, ...] = ()) -> invitation_mail.Invitee:
    """resendInvitation: inviteUser again with the invitation's address, names and attributes, for the client its
    link was for (Keycloak 27.0 reads it back from the stored link's action token; one stored before the client was
    kept is ``account``'s), this invitation removed."""
    return invitation_mail.Invitee(
        None,
        invitation.email,
        invitation.first_name,
        invitation.last_name,
        replacing=invitation.id,
        attributes=invitation.attributes,
        client_id=invitation.client_id,
        roles=roles,
    )


async def delete(tx: Tx, org_id: str, invitation_id: str) -> None:
    """deleteInvitation: 404 when the organization has no such invitation."""
    if not await tx.org_invitations.remove(org_id, [invitation_id]):
        raise NOT_FOUND


async def accepted(tx: Tx, org_id: str, token_id: str, user_id: str) -> None:
    """The invitation whose link made its user a member grants its roles and goes (none for a link sent before
    invitations were kept)."""
    if token_id:
        await invitation_roles.grant_on_acceptance(tx, token_id, user_id)
        await tx.org_invitations.remove(org_id, [token_id])
