"""The length limits on token-request and authorization-request parameters (Keycloak's
``TokenEndpoint.checkParameters`` and ``AuthzEndpointRequestParser.getAndValidateParameter``, both with
``OIDCProviderConfig.getMaxLengthForTheParameter``; CVE-2026-4634, keycloak/keycloak#47799 and #49472).

After client authentication and the duplicate check, a parameter whose values add up to more characters than
its limit is dropped, as if never sent: 4000 for an ordinary parameter (255 for ``login_hint``), so an
over-long ``scope`` is ignored rather than validated (OIDCScopeTest.testLengthyScopeParameter). A parameter
carrying a token gets 20000 and fails fast instead, with ``invalid_request`` and no event. Which parameters
count as tokens is the grant's ``getTokenParameterNames``; the set below is this port's reading of it.

The authorization request's parser reads each parameter it knows with the same limits (no token parameters
there, and ``additionalReqParamsFailFast`` off by default): an over-long one is null, as if never sent, so the
request goes on without it (``within_limit``).
"""

from __future__ import annotations

from doorkeep import errors as e
from doorkeep.oauth.context import Form

DEFAULT_MAX = 4000  # OIDCProviderConfig.DEFAULT_REQ_PARAMS_DEFAULT_MAX_SIZE
TOKEN_MAX = 20000  # OIDCProviderConfig.DEFAULT_REQ_TOKEN_PARAMS_DEFAULT_MAX_SIZE
PER_PARAMETER = {"login_hint": 255}  # DEFAULT_MAX_PARAMS_SIZES, aligned with the username's user-profile limit
TOKEN_PARAMETERS: dict[str, frozenset[str]] = {
    "refresh_token": frozenset({"refresh_token"}),
    "urn:ietf:params:oauth:grant-type:token-exchange": frozenset({"subject_token", "actor_token"}),
}
TOO_LONG = "The size of OIDC parameter '{}' is longer than allowed."


def limit(name: str, *, token: bool = False) -> int:
    """``getMaxLengthForTheParameter``: the most characters ``name`` may carry."""
    return TOKEN_MAX if token else PER_PARAMETER.get(name, DEFAULT_MAX)


def within_limit(name: str, value: str | None) -> str | None:
    """An ordinary parameter's value, or None when it is longer than its limit (ignored, not refused)."""
    return None if value is not None and len(value) > limit(name) else value


def within_limits(form: Form, grant_type: str) -> Form:
    """``form`` without its over-long ordinary parameters; raises invalid_request for an over-long token."""
    tokens = TOKEN_PARAMETERS.get(grant_type, frozenset())
    kept: list[tuple[str, str]] = []
    dropped = False
    names = form.keys()  # a Form is not iterable
    for name in names:
        values = form.all(name)
        token = name in tokens
        if sum(len(v) for v in values) > limit(name, token=token):
            if token:
                raise e.InvalidRequest(TOO_LONG.format(name), event_error="")
            dropped = True
            continue
        kept += [(name, value) for value in values]
    return Form(kept) if dropped else form
