"""A registration from an organization invitation (Keycloak 26's RegistrationUserCreation, organization part).

The authentication session keeps the invitation (``AuthRequest.invitation``). When the form is posted it must
still be valid and name an existing organization (else "Action expired. Please continue with login now."), and its
invitation must still be kept: one another browser used (or an administrator deleted or resent) while this form was
open is "The link you clicked is no longer valid." (Keycloak 26.7's consumed invitation token,
OrganizationInvitationTokenTest#testUsedInvitationRollsBackRegistration), and no user is made; the
e-mail typed must be the one invited (else the e-mail field's "Email does not match the invitation",
REGISTER_ERROR ``invalid_token``). The new user becomes a MANAGED member, the REGISTER event carries ``org_id``,
and the login's code goes to the invitation's ``reduri`` (``authSession.setRedirectUri``) when the login's client
allows it as a redirect URI (else to the login's own, the account console).

A registration page left for a provider ("Back to Login", then "sign in with") keeps the invitation on the login:
the first broker login that creates or links a user whose e-mail is the invited one (any case) joins the
invitation's organization as an UNMANAGED member whichever provider was used, while the organization is enabled
and the invitation still kept (Keycloak 26.8's IdpAddOrganizationMemberAuthenticator.getPendingInvitation,
OrganizationInvitationTokenTest#testBrokerConsumesInvitation); the invitation goes, the code goes to the
invitation's URI as above, and the provider's links join nothing else then.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from doorkeep.email import action_tokens
from doorkeep.email.action_tokens import ActionToken
from doorkeep.model import Client, Realm, User
from doorkeep.oauth import login_outcomes
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.organizations import invitations, stored_invitations
from doorkeep.organizations.model import MANAGED, Organization

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx

EMAIL_MISMATCH = "invalidOrgInviteMessage"
EXPIRED_ACTION = "Action expired. Please continue with login now."  # Messages.EXPIRED_ACTION


async def of_request(
    tx: Tx, services: Services, realm: Realm, request: AuthRequest
) -> tuple[ActionToken, Organization] | login_outcomes.Refused | None:
    """The login's invitation and its organization; None for a registration without one."""
    if request.invitation is None:
        return None
    issuer = request.issuer or ""
    token = await invitations.read_registration(tx, services, realm.id, issuer, request.invitation, kept=False)
    org = await tx.organizations.get(realm.id, token.org_id or "") if token is not None else None
    if token is None or org is None or not org.enabled or not realm.organizations_enabled:
        return login_outcomes.Refused(EXPIRED_ACTION)
    if not await invitations.pending(tx, org.id, token.token_id):
        return login_outcomes.Refused(action_tokens.STALE_INVITE_ORG)
    return token, org


async def join(
    tx: Tx,
    invited: tuple[ActionToken, Organization],
    user: User,
    request: AuthRequest,
    client: Client,
    base: str,
    membership: str = MANAGED,
) -> AuthRequest:
    """The user a member of the invitation's organization (MANAGED: a registration; UNMANAGED: a brokered user, as
    an existing user accepting it), the invitation gone; the login's redirect the invitation's, when the login's
    client allows it (the code goes there), else the login's own (the account console)."""
    token, org = invited
    await tx.organizations.add_member(org, user.id, membership)
    await stored_invitations.accepted(tx, org.id, token.token_id, user.id)
    landing = invitations.landing(token.redirect_uri, client, base)
    if landing is None:
        return request
    return dataclasses.replace(request, redirect_uri=landing, redirect_uri_sent=False)


async def pending_for(
    tx: Tx, services: Services, realm: Realm, request: AuthRequest, email: str | None
) -> tuple[ActionToken, Organization] | None:
    """getPendingInvitation: the login's invitation when it still holds for a user of this e-mail (the invited
    one, any case; its organization enabled in a realm with organizations on, the invitation still kept); None
    otherwise, and the broker login goes on as without one."""
    if request.invitation is None or not email or not realm.organizations_enabled:
        return None
    token = await invitations.read_registration(tx, services, realm.id, request.issuer or "", request.invitation)
    if token is None or (token.email or "").lower() != email.lower():
        return None
    org = await tx.organizations.get(realm.id, token.org_id or "")
    return (token, org) if org is not None and org.enabled else None
