"""Keycloak's "Verify existing account by Email" (IdpEmailVerificationAuthenticator), the first alternative of the
default first broker login's "Account verification options", before "Verify Existing Account by Re-authentication":
once the user chose "Add to existing account", the existing account is e-mailed a link (an
IdpVerifyAccountLinkActionToken, web/broker_email_link.py) and the page says so; following it links the identity.

It steps aside (Keycloak's ``context.attempted()``, the password form follows) when the realm has no SMTP server,
when the e-mail or the username was changed on the review page, or when its execution is DISABLED. The e-mail goes
once per address and login (the ``VERIFY_EMAIL_KEY`` note: a page refresh sends nothing, "Click here" sends it
again). A link followed records the brokered username as confirmed (``VERIFY_ACCOUNT_IDP_USERNAME``); the next
pass links the identity to the existing account and the login goes on as that user.
"""

from __future__ import annotations

from doorkeep.model import JSON, Realm
from doorkeep.oauth.broker_steps import EMAIL_STEP, REAUTH_STEP, Decision, Page
from doorkeep.realms import auth_flows as af
from doorkeep.realms import flow_model, flow_support

EMAIL_VERIFICATION = "idp-email-verification"  # IdpEmailVerificationAuthenticatorFactory.PROVIDER_ID
SENT_TO = "verifyEmailKey"  # Constants.VERIFY_EMAIL_KEY: the address the link went to in this login
CONFIRMED = "verifyAccountIdpUsername"  # IdpEmailVerificationAuthenticator.VERIFY_ACCOUNT_IDP_USERNAME
EMAIL_CHANGED = "updateProfileEmailChanged"  # AbstractIdpAuthenticator.UPDATE_PROFILE_EMAIL_CHANGED
USERNAME_CHANGED = "updateProfileUsernameChanged"  # AbstractIdentityProvider.UPDATE_PROFILE_USERNAME_CHANGED


def enabled(realm: Realm, alias: str) -> bool:
    """Whether provider ``alias``'s first broker login flow runs the authenticator: its execution anywhere in the
    flow's tree, not DISABLED."""
    flows = flow_model.of(realm)
    flow = flow_support.first_login_flow(realm, flows, alias)
    pending = [flow.id] if flow is not None else []
    while pending:
        for step in flows.children(pending.pop()):
            if step.authenticator == EMAIL_VERIFICATION:
                return step.requirement != af.DIS
            if step.flow_id is not None and step.requirement != af.DIS:
                pending.append(step.flow_id)
    return False


def applies(realm: Realm, context: JSON) -> bool:
    """authenticateImpl's first checks: SMTP configured, neither the e-mail nor the username changed on review."""
    if not realm.smtp_server.get("host") or not enabled(realm, str(context.get("alias"))):
        return False
    return not (context.get(EMAIL_CHANGED) or context.get(USERNAME_CHANGED))


def confirmed(context: JSON) -> bool:
    """A link of this login was followed, for the identity this login brings (its provider and its username)."""
    done = context.get(CONFIRMED)
    return isinstance(done, dict) and done == {"alias": context.get("alias"), "username": context.get("username")}


def confirming(context: JSON, alias: str, username: str) -> JSON:
    """The login's context once a link naming ``alias`` and ``username`` was followed."""
    return context | {CONFIRMED: {"alias": alias, "username": username}}


def verify(realm: Realm, context: JSON, email: str | None) -> Decision | None:
    """The account verification options for the existing account whose address is ``email``: the e-mail page
    (``send``: the link to be sent first, unless it already went to that address in this login), the password form
    when this authenticator steps aside, or None when the link was followed (the caller links the account)."""
    if not applies(realm, context):
        return Page(REAUTH_STEP, context)
    if confirmed(context):
        return None
    if context.get(SENT_TO) == email:  # "Do not allow resending e-mail by simple page refresh"
        return Page(EMAIL_STEP, context)
    return Page(EMAIL_STEP, context | {SENT_TO: email}, send=True)


def resend(context: JSON) -> JSON:
    """actionImpl: the page's "Click here" forgets the address the link went to, so it is sent again (unless the
    link was followed meanwhile)."""
    return {k: v for k, v in context.items() if k != SENT_TO}


def another_way(context: JSON) -> Page:
    """The page's "Try Another Way" (the e-mail step is ALTERNATIVE to "Verify Existing Account by
    Re-authentication" in the default flow): the account's password form instead; the link already mailed stays
    good for this login."""
    return Page(REAUTH_STEP, context)
