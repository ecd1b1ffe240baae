"""Keycloak's automatic linking steps of an edited first broker login flow (realms/broker_flow_plan.py):
Automatically Set Existing User (IdpAutoLinkAuthenticator) makes the account whose e-mail or username the new
identity has the login's user, asking nothing; Detect Existing Broker User (IdpDetectExistingBrokerUserAuthenticator)
refuses an identity no account matches.

Keycloak checks nothing more: not whether the provider verified the e-mail, nor ``trustEmail``. A provider that lets
its users claim any address hands them the account with that address here (the Server Administration Guide's
warning); so does Doorkeep, by design, as its reference does. The account must still be enabled, as
AuthenticationProcessor.validateUser requires of any authenticated user; Brute Force Detection is not asked
(neither IdpAutoLinkAuthenticator nor Keycloak 26's validateUser asks it), so an account locked for now is linked
and signed in, and that login's success clears its failures as any login's does. Once linked, the provider's
logins meet IdentityBrokerService.validateUser, which refuses the account while it is locked (oauth/login_broker.py).
"""

from __future__ import annotations

from doorkeep import events
from doorkeep.broker import oidc
from doorkeep.model import User
from doorkeep.oauth.broker_steps import Continue
from doorkeep.oauth.login_outcomes import Refused
from doorkeep.oauth.login_password import ACCOUNT_DISABLED
from doorkeep.oauth.login_step import LoginSite

# Messages.FEDERATED_IDENTITY_UNAVAILABLE (federatedIdentityUnavailableMessage)
UNAVAILABLE = "User {0} authenticated with identity provider {1} does not exist. Please contact your administrator."
FIRST_LOGIN_ERROR = "IDENTITY_PROVIDER_FIRST_LOGIN_ERROR"  # the first broker login flow's event, failed


async def first_login_error(
    site: LoginSite, error: str, alias: str, identity: str, user_id: str | None = None, **more: str
) -> None:
    """IDENTITY_PROVIDER_FIRST_LOGIN_ERROR with the brokered identity (LoginActionsService.brokerLoginFlow), and the
    user an authenticator of the flow set on the event (``user_id``)."""
    details = {"identity_provider": alias, "identity_provider_identity": identity, **more}
    if site.request.redirect_uri:
        details["redirect_uri"] = site.request.redirect_uri
    await events.record(
        site.tx,
        site.realm,
        FIRST_LOGIN_ERROR,
        now=site.services.clock.now(),
        client_id=site.client.client_id,
        user_id=user_id,
        ip=site.browser.ip_address,
        error=error,
        details=details,
    )


async def unknown_user(site: LoginSite, alias: str, brokered: oidc.Identity) -> Continue:
    """Detect Existing Broker User with no account matching: the 401 error page, ``user_not_found``."""
    await first_login_error(site, "user_not_found", alias, brokered.username, authenticator="DetectExistingBrokerUser")
    return Continue(Refused(UNAVAILABLE.format(brokered.username, alias), 401), site.request)


async def refusal(site: LoginSite, alias: str, brokered: oidc.Identity, user: User) -> Continue | None:
    """AuthenticationProcessor.validateUser for the account about to be linked: a disabled one ends the login on
    "Account is disabled" (``user_disabled``), linking nothing. None: the link may be made."""
    if user.enabled:
        return None
    await first_login_error(site, "user_disabled", alias, brokered.username, username=user.username)
    return Continue(Refused(ACCOUNT_DISABLED), site.request)
