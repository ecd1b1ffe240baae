"""The Admin Console's view of an organization's stored invitations (Keycloak 26.4's Invitations tab): the list
as ``GET organizations/{id}/invitations`` gives it, a resend prepared as ``invitations/{id}/resend`` does, and the
delete of ``DELETE invitations/{id}`` with its admin event; every check and write is the core's."""

from __future__ import annotations

from doorkeep.oauth.context import Services
from doorkeep.organizations import invitation_mail, stored_invitations, writes
from doorkeep.organizations.model import Invitation, InvitationFilter, Organization
from doorkeep.web.admin.audit import Change
from doorkeep.web.admin_console.context import Console, Page, page_of
from doorkeep.web.admin_console.views_organizations import require

STATUSES = stored_invitations.STATUSES


async def invitations(
    c: Console, org: Organization, search: str, status: str, first: int, size: int
) -> Page[tuple[Invitation, str]]:
    """The invitations (``search``, ``status`` when PENDING or EXPIRED) with each one's status, a page of them."""
    require(c)
    wanted = InvitationFilter(status=status if status in STATUSES else None, search=search or None)
    found = await c.tx.org_invitations.find(org.id, wanted, c.now, first, size + 1)
    return page_of([(i, STATUSES[1] if i.expired(c.now) else STATUSES[0]) for i in found], first, size)


async def resend(
    c: Console, org: Organization, invitation_id: str, services: Services, issuer: str
) -> invitation_mail.Prepared:
    """The resend's checks and new mail, to send once this reading transaction ends (404 for an unknown id)."""
    require(c)
    invitation = await stored_invitations.found(c.tx, org.id, invitation_id)
    roles = tuple(await c.tx.organization_invitation_roles.role_ids(invitation.id))  # a resend keeps them
    who = stored_invitations.resent(invitation, roles)
    return await invitation_mail.prepare(c.tx, services, c.realm, org, who, c.base_url or "", issuer)


async def delete(c: Console, org: Organization, invitation_id: str) -> None:
    """``DELETE organizations/{id}/invitations/{invitationId}`` and its DELETE ORGANIZATION_MEMBERSHIP event."""
    require(c)
    await stored_invitations.delete(c.tx, org.id, invitation_id)
    segments = ("organizations", org.id, "invitations", invitation_id)
    c.changes.append(Change("DELETE", segments, None, writes.MEMBERSHIP, "DELETE"))
