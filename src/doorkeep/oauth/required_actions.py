"""Which required action a login shows next, and application-initiated actions (``kc_action``).

Keycloak's AuthenticationManager.executionActions runs the user's required actions by their provider's
priority (DefaultRequiredActions: CONFIGURE_TOTP 10, TERMS_AND_CONDITIONS 20, UPDATE_PASSWORD 30,
UPDATE_PROFILE 40), and only then the action the client asked for with ``kc_action``: it runs when its
provider supports being initiated by the application, and is otherwise answered with
``kc_action_status=error``. ``setKcActionStatus`` records the outcome only for the requested action, which is
then no longer pending.
"""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

from doorkeep.model import UPDATE_PASSWORD, User
from doorkeep.oauth.authorize import AuthRequest

CONFIGURE_TOTP = "CONFIGURE_TOTP"
TERMS_AND_CONDITIONS = "TERMS_AND_CONDITIONS"
UPDATE_PROFILE = "UPDATE_PROFILE"
PRIORITY = MappingProxyType({CONFIGURE_TOTP: 10, TERMS_AND_CONDITIONS: 20, UPDATE_PASSWORD: 30, UPDATE_PROFILE: 40})
# The actions Doorkeep's login pages carry out; any other one on a user ends the login ("not fully set up").
HANDLED = frozenset({CONFIGURE_TOTP, TERMS_AND_CONDITIONS, UPDATE_PASSWORD, UPDATE_PROFILE})
# InitiatedActionSupport.SUPPORTED: TermsAndConditions keeps the default NOT_SUPPORTED.
APP_INITIATED = frozenset({UPDATE_PASSWORD, UPDATE_PROFILE})
TERMS_ATTRIBUTE = "terms_and_conditions"  # TermsAndConditions.USER_ATTRIBUTE: the acceptance time, in seconds
MAX_AUTH_AGE = 300  # Constants.DEFAULT_MAX_AUTH_AGE: UPDATE_PASSWORD by kc_action re-authenticates older logins
SUCCESS, CANCELLED, ERROR = "success", "cancelled", "error"  # RequiredActionContext.KcActionStatus


def next_action(user: User, request: AuthRequest) -> tuple[str | None, AuthRequest]:
    """The action to show now (the user's own first, by priority, then the requested one) and the request,
    with ``kc_action_status=error`` recorded when the requested action cannot be initiated by the client."""
    own = sorted((a for a in user.required_actions if a in HANDLED), key=lambda a: PRIORITY[a])
    if own:
        return own[0], request
    if request.kc_action is None:
        return None, request
    if request.kc_action in APP_INITIATED:
        return request.kc_action, request
    return None, settled(request, request.kc_action, ERROR)


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


def reauthentication_due(request: AuthRequest, auth_time: int, now: int) -> bool:
    """UPDATE_PASSWORD asked for by ``kc_action`` needs credentials given in the last five minutes (the
    required action's max auth age), as AppInitiatedActionResetPasswordTest.resetPasswordRequiresReAuth."""
    return request.kc_action == UPDATE_PASSWORD and auth_time + MAX_AUTH_AGE < now
