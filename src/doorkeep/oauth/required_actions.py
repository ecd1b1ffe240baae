"""Which required action a login shows next, and application-initiated actions (``kc_action``).

Keycloak's AuthenticationManager.getApplicableRequiredActionsSorted runs the user's required actions that the
realm registers and enables (realms/required_actions.py: a disabled or unregistered one is skipped and stays
on the user), by the realm's priorities, and only then the action the client asked for with ``kc_action``:
it runs when the realm enables it and its provider supports being initiated by the application, and is
otherwise answered with ``kc_action_status=error``. ``setKcActionStatus`` records the outcome only for the
requested action, which is then no longer pending. Each action runs as its provider (a factory's id), which
is what its completion removes from the user. The login's own actions (those of an e-mailed link, kept
on the request as the authentication session's) run among the user's.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from doorkeep import features
from doorkeep.model import UPDATE_PASSWORD, Realm, User
from doorkeep.numbers import parse_int
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.realms import required_actions as registered
from doorkeep.users import password_policy

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

CONFIGURE_TOTP = "CONFIGURE_TOTP"
TERMS_AND_CONDITIONS = "TERMS_AND_CONDITIONS"
UPDATE_PROFILE = "UPDATE_PROFILE"
VERIFY_EMAIL = "VERIFY_EMAIL"
VERIFY_PROFILE = "VERIFY_PROFILE"  # VerifyUserProfile: the UPDATE_PROFILE page, while the user's profile fails
UPDATE_EMAIL = "UPDATE_EMAIL"
DELETE_CREDENTIAL = "delete_credential"  # DeleteCredentialAction.PROVIDER_ID
DELETE_ACCOUNT = "delete_account"  # DeleteAccount.PROVIDER_ID
WEBAUTHN_REGISTER = "webauthn-register"  # WebAuthnRegisterFactory.PROVIDER_ID
WEBAUTHN_REGISTER_PASSWORDLESS = "webauthn-register-passwordless"  # WebAuthnPasswordlessRegisterFactory.PROVIDER_ID
CONFIGURE_RECOVERY_AUTHN_CODES = "CONFIGURE_RECOVERY_AUTHN_CODES"  # RecoveryAuthnCodesAction.PROVIDER_ID
IDP_LINK = "idp_link"  # IdpLinkAction.PROVIDER_ID
# The actions Doorkeep's login pages carry out; any other one on a user ends the login ("not fully set up").
HANDLED = frozenset(
    {
        CONFIGURE_TOTP,
        TERMS_AND_CONDITIONS,
        UPDATE_PASSWORD,
        UPDATE_PROFILE,
        VERIFY_EMAIL,
        DELETE_CREDENTIAL,
        DELETE_ACCOUNT,
        UPDATE_EMAIL,
        WEBAUTHN_REGISTER,
        WEBAUTHN_REGISTER_PASSWORDLESS,
        CONFIGURE_RECOVERY_AUTHN_CODES,
        IDP_LINK,
        VERIFY_PROFILE,
    }
)
# InitiatedActionSupport.SUPPORTED (UpdateTotp, UpdatePassword, UpdateProfile, VerifyEmail, DeleteCredentialAction,
# DeleteAccount, UpdateEmail, WebAuthnRegister and its WebAuthnPasswordlessRegister, IdpLinkAction):
# TermsAndConditions keeps the default NOT_SUPPORTED, VerifyUserProfile overrides it with NOT_SUPPORTED.
APP_INITIATED = frozenset(
    {
        CONFIGURE_TOTP,
        UPDATE_PASSWORD,
        UPDATE_PROFILE,
        VERIFY_EMAIL,
        DELETE_CREDENTIAL,
        DELETE_ACCOUNT,
        UPDATE_EMAIL,
        WEBAUTHN_REGISTER,
        WEBAUTHN_REGISTER_PASSWORDLESS,
        CONFIGURE_RECOVERY_AUTHN_CODES,
        IDP_LINK,
    }
)
TERMS_ATTRIBUTE = "terms_and_conditions"  # TermsAndConditions.USER_ATTRIBUTE: the acceptance time, in seconds
MAX_AUTH_AGE = 300  # Constants.KC_ACTION_MAX_AGE: a kc_action re-authenticates logins older than this
MAX_AUTH_AGE_KEY = "max_auth_age"  # Constants.MAX_AUTH_AGE_KEY: a required action's own max auth age
# RequiredActionProvider.getMaxAuthAge overridden: DeleteAccount asks for the password every time.
MAX_AUTH_AGES = {DELETE_ACCOUNT: 0}
SUCCESS, CANCELLED, ERROR = "success", "cancelled", "error"  # RequiredActionContext.KcActionStatus
# The required actions a feature turned off takes away (DefaultRequiredActions.Action's ``isAvailable``): the
# server then deploys no RequiredActionFactory for them.
FEATURE_ACTIONS = {features.RECOVERY_CODES: CONFIGURE_RECOVERY_AUTHN_CODES}


def unavailable(disabled: frozenset[str]) -> frozenset[str]:
    """The providers whose feature ``--features-disabled`` turned off."""
    return frozenset(action for feature, action in FEATURE_ACTIONS.items() if feature in disabled)


def _runnable(realm: Realm, off: frozenset[str]) -> dict[str, registered.RequiredAction]:
    """getApplicableRequiredAction: the registered, enabled actions by alias. A realm still on Keycloak's defaults
    has none whose feature is off (DefaultRequiredActions.addRecoveryAuthnCodesAction registers nothing then); a
    realm that stored its own keeps such an action registered, and running it fails (``not_deployed``)."""
    runnable = registered.applicable(realm)
    if realm.required_action_providers is None:
        return {alias: a for alias, a in runnable.items() if a.provider_id not in off}
    return runnable


def next_action(
    realm: Realm,
    user: User,
    request: AuthRequest,
    ignored: frozenset[str] = frozenset(),
    off: frozenset[str] = frozenset(),
) -> tuple[str | None, AuthRequest]:
    """The action to show now (the user's own and the login's, by the realm's priorities, then the requested
    one) and the request, with ``kc_action_status=error`` recorded when the requested action cannot run: not
    enabled in the realm ("not configured for realm", "is disabled") or not one the client may initiate.
    ``ignored``: the actions whose challenge passed over them in this login (RequiredActionContext.ignore);
    ``off``: the ``unavailable`` providers."""
    runnable = _runnable(realm, off)
    wanted_now = dict.fromkeys((*user.required_actions, *request.session_actions))
    own = registered.ordered(runnable[a] for a in wanted_now if a in runnable)
    handled = [
        a.provider_id
        for a in own
        if a.provider_id in HANDLED and a.provider_id not in ignored and _applies(user, a.provider_id)
    ]
    if handled:
        return handled[0], request
    if request.kc_action is None:
        return None, request
    wanted = runnable.get(request.kc_action)
    if wanted is not None and wanted.provider_id in ignored:
        return None, request
    if wanted is not None and wanted.provider_id in APP_INITIATED and _applies(user, wanted.provider_id):
        return wanted.provider_id, request
    # not supported, disabled, unknown, or its challenge passes over the user (VerifyEmail without an address)
    return None, settled(request, request.kc_action, ERROR)


def unhandled(realm: Realm, user: User) -> bool:
    """Whether the user has an action the realm enables that Doorkeep's pages cannot carry out: the login
    then ends ("not fully set up") rather than pass over it."""
    runnable = registered.applicable(realm)
    return any(runnable[a].provider_id not in HANDLED for a in user.required_actions if a in runnable)


def not_deployed(action: str, off: frozenset[str]) -> bool:
    """AuthenticationManager.executeAction finds no factory for a registered action whose feature is off: its
    RuntimeException ("Unable to find factory for Required Action") ends the login."""
    return action in off


def pending(realm: Realm, user: User, request: AuthRequest, off: frozenset[str] = frozenset()) -> bool:
    """AuthenticationManager.nextRequiredAction finds an action: one of the user's or the login's (a trigger's)
    the realm enables, or an enabled ``kc_action`` (what stops a ``prompt=none`` login)."""
    runnable = _runnable(realm, off)
    wanted = dict.fromkeys((*user.required_actions, *request.session_actions))
    own = (a for a in wanted if a in runnable and _applies(user, runnable[a].provider_id))
    return any(True for _ in own) or request.kc_action in runnable


def _applies(user: User, action: str) -> bool:
    """VerifyEmail.requiredActionChallenge ignores a user without an address (``context.ignore()``); a verified
    one's challenge passes at once (``passes_at_once``)."""
    return action != VERIFY_EMAIL or bool((user.email or "").strip())


def mails_on_challenge(request: AuthRequest) -> bool:
    """VerifyEmail.process: the challenge mails the link unless the client asked for the action
    (``kc_action=VERIFY_EMAIL``, the user's own or not): the page then offers to send it."""
    return request.kc_action != VERIFY_EMAIL


def passes_at_once(user: User, action: str) -> bool:
    """Whether the challenge of ``action`` succeeds without a page: VerifyEmail for a verified user. Keycloak's
    AuthenticationManager.executeAction then records CUSTOM_REQUIRED_ACTION naming it and removes it from the
    user and the authentication session, and the next action runs."""
    return action == VERIFY_EMAIL and user.email_verified


def verify_email_trigger(realm: Realm, user: User) -> User:
    """VerifyEmail.evaluateTriggers: with the realm's verifyEmail on, an unverified user gets VERIFY_EMAIL. A
    verified user's VERIFY_EMAIL stays: the browser login passes it at its priority (``passes_at_once``), the
    direct grant refuses the user while it is there, as for any required action."""
    if realm.verify_email and not user.email_verified and VERIFY_EMAIL not in user.required_actions:
        return dataclasses.replace(user, required_actions=(*user.required_actions, VERIFY_EMAIL))
    return user


def password_expiry_trigger(realm: Realm, user: User, password_created_ms: int | None, now_ms: int) -> User:
    """UpdatePassword.evaluateTriggers, after a password was validated: with the realm's
    ``forceExpiredPasswordChange(days)`` policy, a password older than ``days`` (or of unknown age) gives the
    user UPDATE_PASSWORD; ``password_created_ms`` None is a user without a password (nothing to expire)."""
    days = password_policy.stored(realm.password_policy).parsed.get("forceExpiredPasswordChange")
    if days is None or days == -1 or password_created_ms is None or UPDATE_PASSWORD in user.required_actions:
        return user
    if now_ms - password_created_ms > days * 86_400_000:
        return dataclasses.replace(user, required_actions=(*user.required_actions, UPDATE_PASSWORD))
    return user


async def password_validated(tx: Tx, realm: Realm, user: User, now_ms: int, *, direct_grant: bool = False) -> User:
    """AuthenticationProcessor.evaluateRequiredActionTriggers once a login validated a password
    (AuthenticatorUtil.isPasswordValidated): the trigger of each required action the realm enables, kept on the
    user as Keycloak's triggers write to the user model. UpdatePassword's (``password_expiry_trigger``) for the
    browser login and the direct grant alike; VerifyEmail's here only for the direct grant, as the browser login
    runs that one for every login in ``login_completion.finish``."""
    runnable = registered.applicable(realm)
    triggered = user
    if direct_grant and VERIFY_EMAIL in runnable:
        triggered = verify_email_trigger(realm, triggered)
    if UPDATE_PASSWORD in runnable:
        cred = await tx.users.password(user.id)
        created = cred.created_date if cred is not None else None
        triggered = password_expiry_trigger(realm, triggered, created, now_ms)
    if triggered is not user:
        await tx.users.update(triggered)
    return triggered


def leaving(request: AuthRequest, action: str) -> AuthRequest:
    """The request once the login's own ``action`` is submitted (AuthenticationSessionModel.removeRequiredAction);
    a refused form shows the page again by its step, so only a completed action moves on without it."""
    if action not in request.session_actions:
        return request
    return dataclasses.replace(request, session_actions=tuple(a for a in request.session_actions if a != action))


def app_initiated(request: AuthRequest, user: User, action: str) -> bool:
    """Whether ``action`` runs because the client asked for it (KC_ACTION_EXECUTING), so its page offers
    the ``cancel-aia`` button; an action the user must do anyway is not the client's to cancel."""
    return request.kc_action == action and action not in user.required_actions


def settled(request: AuthRequest, action: str, status: str) -> AuthRequest:
    """AuthenticationManager.setKcActionStatus: the outcome is kept only for the requested action."""
    if request.kc_action != action:
        return request
    return dataclasses.replace(request, kc_action=None, kc_action_status=status)


def processed(request: AuthRequest, action: str) -> AuthRequest:
    """LoginActionsService.processRequireAction: LAST_PROCESSED_EXECUTION, the alias the response names."""
    return dataclasses.replace(request, kc_action_done=action)


def max_auth_age(realm: Realm, action: str) -> int:
    """RequiredActionProvider.getMaxAuthAge(session): the seconds since the last credentials within which the
    client may start ``action`` without a re-authentication. DeleteAccount overrides it (0); UpdatePassword
    takes the password policy's ``maxAuthAge`` when the realm has one (``maxAuthAge`` with no value is -1:
    none); otherwise the action's ``max_auth_age`` config (``Integer.parseInt``) when 0 or more, else five
    minutes. The password policy's value takes precedence over UPDATE_PASSWORD's config."""
    if action in MAX_AUTH_AGES:
        return MAX_AUTH_AGES[action]
    if action == UPDATE_PASSWORD:
        policy_age = password_policy.stored(realm.password_policy).max_auth_age
        if policy_age >= 0:
            return policy_age
    # RequiredActionHelper.getRequiredActionByProviderId: the config of the action registered for the provider
    found = next((a for a in registered.of(realm) if a.provider_id == action), None)
    configured = parse_int(found.config.get(MAX_AUTH_AGE_KEY)) if found is not None else None
    return configured if configured is not None and configured >= 0 else MAX_AUTH_AGE


def reauthentication_due(
    realm: Realm, request: AuthRequest, auth_time: int, now: int, off: frozenset[str] = frozenset()
) -> bool:
    """OIDCLoginProtocol.isReAuthRequiredForKcAction: a ``kc_action`` naming a required-action provider needs
    credentials given within the provider's max auth age (``max_auth_age``), so CONFIGURE_TOTP and
    UPDATE_PROFILE re-authenticate as UPDATE_PASSWORD does (AppInitiatedActionResetPasswordTest
    .resetPasswordRequiresReAuth), and delete_account (max age 0) always does unless the credentials were given
    this very second; an unknown name, or one whose feature is ``off`` (no provider), does not.

    Stricter than Keycloak: a ``kc_action`` naming a registered alias other than its provider id (a realm file may
    register UPDATE_PASSWORD as ``change-it``) runs that provider (RequiredActionManager looks the alias up), so its
    provider's age applies too; Keycloak looks the provider up by the alias, finds none and asks for nothing."""
    named = registered.by_alias(realm, request.kc_action) if request.kc_action is not None else None
    action = named.provider_id if named is not None else request.kc_action
    return action in HANDLED and action not in off and auth_time + max_auth_age(realm, action or "") < now
