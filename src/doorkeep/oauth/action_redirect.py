"""The redirect to the required actions once the authentication flow is through (Keycloak's
AuthenticationManager.redirectToRequiredActions, RequiredActionManager in the newest 26.x).

When the last authenticator of a login succeeds (the password form, the OTP form, a registration, an e-mailed
link, an SSO cookie at the authorization endpoint), AuthenticationProcessor.authenticationComplete asks
nextRequiredAction for the first action the login must still take: a required action's alias, or
``OAUTH_GRANT`` for the consent screen. With one, it answers **302** to
``login-actions/required-action?execution=<it>&client_id=…&tab_id=…&client_data=…`` ("redirect to non-action url
so browser refresh button works without reposting past data"), and the GET of that URL renders the page
(LoginActionsService.requiredActionGET, through nextActionAfterAuthentication). Between two required actions
the POST of the first answers the next one's page itself (processRequireAction's nextActionAfterAuthentication:
200, the browser history rewritten by script), so only the step into the actions redirects.
"""

from __future__ import annotations

from doorkeep.oauth import required_actions
from doorkeep.oauth.login_session import CONSENT

PATH = "required-action"  # LoginActionsService.REQUIRED_ACTION
OAUTH_GRANT = "OAUTH_GRANT"  # AuthenticationSessionModel.Action.OAUTH_GRANT: the consent screen's execution
# The steps nextRequiredAction can name: the required actions the login pages carry out, and the consent screen.
STEPS = required_actions.HANDLED | {CONSENT}


def execution(step: str) -> str:
    """The ``execution`` the redirect names for the step the login now waits on (CURRENT_AUTHENTICATION_EXECUTION)."""
    return OAUTH_GRANT if step == CONSENT else step


def step_of(execution: str | None) -> str | None:
    """The step an ``execution`` of a required-action URL names (the consent screen's is OAUTH_GRANT)."""
    return CONSENT if execution == OAUTH_GRANT else execution


def redirects(before: str | None, after: str) -> bool:
    """Whether the answer that moved the login from step ``before`` (None: no step yet, a new login) to ``after``
    is the redirect: the flow went through into an action. From one action to the next, the page is the answer."""
    return after in STEPS and (before is None or before not in STEPS)
