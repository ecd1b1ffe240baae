"""The length limits on token-request and authorization-request parameters (Keycloak's
``TokenEndpoint.checkParameters`` and ``AuthzEndpointRequestParser.getAndValidateParameter``, both with
``OIDCProviderConfig.getMaxLengthForTheParameter``; CVE-2026-4634, keycloak/keycloak#47799 and #49472).

After client authentication and the duplicate check, a parameter whose values add up to more characters than
its limit is dropped, as if never sent: 4000 for an ordinary parameter (255 for ``login_hint``), so an
over-long ``scope`` is ignored rather than validated (OIDCScopeTest.testLengthyScopeParameter). A parameter
carrying a token gets 20000 and fails fast instead, with ``invalid_request`` and no event. Which parameters
count as tokens is the grant's ``getTokenParameterNames``; the set below is this port's reading of it.

The authorization request's parser reads each parameter it knows with the same limits (no token parameters
there): an over-long one is null, as if never sent, so the request goes on without it (``within_limit``).

Every number and both fail-fast switches are the server's options (oauth/provider_config.py:
``req-params-default-max-size``, ``req-token-params-default-max-size``, ``req-params-max-size--<name>``,
``add-req-params-fail-fast``, ``add-req-token-params-fail-fast``); with ``add-req-params-fail-fast`` an over-long
ordinary parameter is refused too, at the token endpoint as ``invalid_request`` and at the authorization endpoint
as the parser's "Invalid Request" page.
"""

from __future__ import annotations

from doorkeep import errors as e
from doorkeep.oauth import provider_config
from doorkeep.oauth.context import Form
from doorkeep.oauth.provider_config import ProviderConfig

TOKEN_PARAMETERS: dict[str, frozenset[str]] = {
    "refresh_token": frozenset({"refresh_token"}),
    "urn:ietf:params:oauth:grant-type:token-exchange": frozenset({"subject_token", "actor_token"}),
    "urn:ietf:params:oauth:grant-type:jwt-bearer": frozenset({"assertion"}),  # the JWT authorization grant's JWT
}
TOO_LONG = "The size of OIDC parameter '{}' is longer than allowed."


def within_limit(name: str, value: str | None, oidc: ProviderConfig = provider_config.DEFAULT) -> str | None:
    """An ordinary parameter's value, or None when it is longer than its limit (ignored, not refused); with
    ``add-req-params-fail-fast`` the parser's catch-all instead ("Invalid Request")."""
    if value is None or len(value) <= oidc.max_length(name):
        return value
    if oidc.fail_fast(token=False):
        raise e.FatalRequest(e.AUTHZ_INVALID_REQUEST, detail=TOO_LONG.format(name))
    return None


def within_limits(form: Form, grant_type: str, oidc: ProviderConfig = provider_config.DEFAULT) -> Form:
    """``form`` without its over-long parameters; raises invalid_request for one that fails fast (a token
    parameter by default)."""
    tokens = TOKEN_PARAMETERS.get(grant_type, frozenset())
    kept: list[tuple[str, str]] = []
    dropped = False
    names = form.keys()  # a Form is not iterable
    for name in names:
        values = form.all(name)
        token = name in tokens
        if sum(len(v) for v in values) > oidc.max_length(name, token=token):
            if oidc.fail_fast(token=token):
                raise e.InvalidRequest(TOO_LONG.format(name), event_error="")
            dropped = True
            continue
        kept += [(name, value) for value in values]
    return Form(kept) if dropped else form
