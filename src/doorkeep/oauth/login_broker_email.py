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
from doorkeep.oauth.broker_steps import EMAIL_STEP, REAUTH_STEP, SELECT_STEP, Decision, Page
from doorkeep.realms import auth_flows as af
from doorkeep.realms import flow_model, flow_support

EMAIL_VERIFICATION = "idp-email-verification"  # IdpEmailVerificationAuthenticatorFactory.PROVIDER_ID
SENT_TO = "verifyEmailKey"  # Constants.VERIFY_EMAIL_KEY: the address the link went to in this login
CONFIRMED = "verifyAccountIdpUsername"  # IdpEmailVerificationAuthenticator.VERIFY_ACCOUNT_IDP_USERNAME
REVOKED = {"revoked": True}  # the confirmation withdrawn: the identity was unlinked from the account meanwhile
EMAIL_CHANGED = "updateProfileEmailChanged"  # AbstractIdpAuthenticator.UPDATE_PROFILE_EMAIL_CHANGED
USERNAME_CHANGED = "updateProfileUsernameChanged"  # AbstractIdentityProvider.UPDATE_PROFILE_USERNAME_CHANGED


def _steps(realm: Realm, alias: str) -> list[flow_model.Execution]:
    """The executions of provider ``alias``'s first broker login flow's tree that run (none DISABLED, nor under a
    DISABLED sub-flow), in the flow's order."""
    flows = flow_model.of(realm)
    flow = flow_support.first_login_flow(realm, flows, alias)
    found: list[flow_model.Execution] = []

    def walk(flow_id: str) -> None:
        for step in flows.children(flow_id):
            if step.requirement == af.DIS:
                continue
            found.append(step)
            if step.flow_id is not None:
                walk(step.flow_id)

    if flow is not None:
        walk(flow.id)
    return found


def enabled(realm: Realm, alias: str) -> bool:
    """Whether provider ``alias``'s first broker login flow runs the authenticator (not DISABLED)."""
    return any(step.authenticator == EMAIL_VERIFICATION for step in _steps(realm, alias))


def choices(realm: Realm, alias: str) -> list[tuple[str, str, str]]:
    """select-authenticator.ftl's list for the e-mail page's "Try Another Way" (AuthenticationSelectionResolver over
    "Account verification options"): the e-mail step and the re-authentication's password form, as ``(execution id,
    display name key, help text key)``; neither is a CredentialValidator, so each is named by its factory id."""
    return [
        (step.id, f"{step.authenticator}-display-name", f"{step.authenticator}-help-text")
        for step in _steps(realm, alias)
        if step.authenticator in (EMAIL_VERIFICATION, REAUTH_STEP)
    ]


def applies(realm: Realm, context: JSON) -> bool:
    """authenticateImpl's first checks: SMTP configured, neither the e-mail nor the username changed on review."""
    if not realm.smtp_server.get("host") or not enabled(realm, str(context.get("alias"))):
        return False
    return not (context.get(EMAIL_CHANGED) or context.get(USERNAME_CHANGED))


def confirmed(context: JSON) -> bool:
    """A link of this login was followed, for the identity this login brings (its provider and its username)."""
    done = context.get(CONFIRMED)
    return isinstance(done, dict) and done == {"alias": context.get("alias"), "username": context.get("username")}


def revoked(context: JSON) -> bool:
    """The link's confirmation was withdrawn before this login went on (``revoking``)."""
    return context.get(CONFIRMED) == REVOKED


def revoking(context: JSON, user_id: str, alias: str) -> JSON | None:
    """The login's context with its confirmation withdrawn, when the link was confirmed for ``user_id``'s account and
    the provider ``alias``; None when it was not (nothing to withdraw)."""
    done = context.get(CONFIRMED)
    if context.get("existing") != user_id or not isinstance(done, dict) or done.get("alias") != alias:
        return None
    return context | {CONFIRMED: REVOKED}


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
    Re-authentication" in the default flow): the list to choose from (DefaultAuthenticationFlow.processAction's
    select-authenticator page); the link already mailed stays good for this login."""
    return Page(SELECT_STEP, context)


def picked(realm: Realm, context: JSON, execution: str | None) -> str | None:
    """The step of the execution picked from the list: the e-mail page again (nothing sent twice) or the password
    form; None for an execution not on the list (Keycloak's "Requested authentication execution is not allowed")."""
    for step_id, name, _ in choices(realm, str(context.get("alias"))):
        if step_id == execution:
            return EMAIL_STEP if name.startswith(EMAIL_VERIFICATION) else REAUTH_STEP
    return None
