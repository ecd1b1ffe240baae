"""An existing user following an organization invitation's link: what InviteOrgActionTokenHandler.handleToken
decides, apart from the pages that show it (web/org_invite_token.py).

The organization must still exist in a realm with organizations on (``org_not_found``); a member already is
told so (``user_org_member_already``); a link not yet confirmed in the browser's authentication session asks
for confirmation (so a mail scanner fetching it joins nobody); a confirmed one makes the user an UNMANAGED
member, the stored invitation goes and the link's token is consumed (its single-use key spent, as Keycloak
puts the accepted InviteOrgActionToken in ``revokedTokens``), so the link opened again is refused before this
runs (web/action_token.py, OrganizationInvitationTokenTest#testInvitationIsConsumedOnlyAfterConfirmation). A
link whose stored invitation is gone (deleted or resent by an admin) is stale (``invalid_token``) for a user not
yet a member, as Keycloak 26.4+ checks the InvitationManager; a member made otherwise (an admin added them) who
follows a link not consumed is told they are one. The invitation is a signed token and the decision reads
only it and the database: any worker, or a worker started after the invitation was sent, decides the same. Two
links accepted at once make one membership: the one that finds the membership made meanwhile is told it is a
member already.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

from doorkeep.email.action_tokens import ActionToken
from doorkeep.model import Realm
from doorkeep.organizations import invitations, stored_invitations
from doorkeep.organizations.model import UNMANAGED, Organization

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


class Step(Enum):
    NOT_FOUND = "org_not_found"  # Errors.ORG_NOT_FOUND
    STALE = "invalid_token"  # Errors.INVALID_TOKEN: the stored invitation is gone (deleted, resent or accepted)
    ALREADY_MEMBER = "user_org_member_already"  # Errors.USER_ORG_MEMBER_ALREADY
    CONFIRM = "confirm"  # the page asking "You are about to join organization …"
    JOINED = "joined"


@dataclass(frozen=True)
class Acceptance:
    step: Step
    org: Organization | None  # None only for NOT_FOUND

    @property
    def event_error(self) -> str | None:
        """The INVITE_ORG_ERROR event's error, None for a step that is no error."""
        return self.step.value if self.step in (Step.NOT_FOUND, Step.STALE, Step.ALREADY_MEMBER) else None


async def accept(
    tx: Tx, realm: Realm, user_id: str, token: ActionToken, session_id: str | None, now: int
) -> Acceptance:
    """The step for ``user_id`` following ``token`` from a browser whose authentication session (of the link's
    tab) is ``session_id``; the membership is made, and the token consumed, when the link is the one confirmed
    in that session."""
    # OrganizationProvider.getById: none while the realm has organizations off
    org = await tx.organizations.get(realm.id, token.org_id or "") if realm.organizations_enabled else None
    if org is None:
        return Acceptance(Step.NOT_FOUND, None)
    if await tx.organizations.membership(org.id, user_id) is not None:
        return Acceptance(Step.ALREADY_MEMBER, org)  # made otherwise (testAlreadyMemberMaliciousRedirectUrl)
    if not await invitations.pending(tx, org.id, token.token_id):  # the InvitationManager check
        return Acceptance(Step.STALE, org)
    if token.auth_session_id is None or session_id != token.auth_session_id:
        return Acceptance(Step.CONFIRM, org)
    if not await tx.organizations.add_member(org, user_id, UNMANAGED):  # another link of the user's won the race
        return Acceptance(Step.ALREADY_MEMBER, org)
    await stored_invitations.accepted(tx, org.id, token.token_id, user_id)
    await tx.action_tokens.put_if_absent(token.single_use_key, token.expires, now)
    return Acceptance(Step.JOINED, org)


async def consumed(tx: Tx, token: ActionToken, now: int) -> bool:
    """Whether the link's token was accepted already (its key spent when it made its user a member)."""
    return await tx.action_tokens.is_used(token.single_use_key, now)
