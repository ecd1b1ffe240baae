"""The OpenID Connect login protocol's server options (Keycloak 26.6-26.8's ``OIDCProviderConfig``, set with
``--spi-login-protocol--openid-connect--<name>``), as the core reads them.

Built once from the settings in the composition root (``app.build_services``) and carried in ``Services``; the
defaults are Keycloak's, so a server started without any of these options answers as Keycloak 26.8 does:

* ``allow-client-initiated-account-linking`` (false since 26.7.2): the legacy ``/broker/{alias}/link`` endpoint;
* ``allow-oidc-params-in-redirect-uris`` (false since 26.7.3): a ``redirect_uri`` or ``post_logout_redirect_uri``
  carrying a response parameter (``state``, ``code``, ...) is refused; the client attribute
  ``allow.oidc.params.in.redirect.uris`` lifts it for one client;
* ``allow-initiating-idp-logout-param`` (false since 26.8.0): logout's ``initiating_idp`` is ignored;
* ``allow-multiple-audiences-for-jwt-client-authentication`` (false): a client assertion names one audience;
* ``allow-token-introspection-without-audience-check`` (false since 26.6.2): introspection answers a token whose
  ``aud`` lacks the calling client as inactive (oauth/introspection_checks.py); the *calling* client's attribute
  ``allow.token.introspection.without.audience.check`` lifts it for that client;
* ``allow-userinfo-with-lightweight-access-token`` (false since 26.6.2): userinfo refuses a lightweight access
  token (oauth/userinfo.py); the *issuing* client's (``azp``) ``allow.userinfo.with.lightweight.access.token``
  lifts it for that client's tokens;
* the parameter limits (``req-params-*``, ``add-req-*``): oauth/parameter_limits.py.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from doorkeep.model import Client

DEFAULT_MAX = 4000  # DEFAULT_REQ_PARAMS_DEFAULT_MAX_SIZE
TOKEN_MAX = 20000  # DEFAULT_REQ_TOKEN_PARAMS_DEFAULT_MAX_SIZE
# DEFAULT_MAX_PARAMS_SIZES: login_hint aligned with the username's user-profile limit
BUILT_IN_SIZES: Mapping[str, int] = MappingProxyType({"login_hint": 255})
ADDITIONAL_MAX_NUMBER = 5  # DEFAULT_ADDITIONAL_REQ_PARAMS_MAX_NUMBER
ADDITIONAL_MAX_SIZE = 2000  # DEFAULT_ADDITIONAL_REQ_PARAMS_MAX_SIZE
ADDITIONAL_MAX_OVERALL = 2**31 - 1  # DEFAULT_ADDITIONAL_REQ_PARAMS_MAX_OVERALL_SIZE (Integer.MAX_VALUE)
# OIDCConfigAttributes: the per-client escape hatch of allow-oidc-params-in-redirect-uris (26.7.3)
CLIENT_ALLOWS_PARAMS = "allow.oidc.params.in.redirect.uris"
# OIDCConfigAttributes (26.6.2): the per-client switches of the two compatibility options below
CLIENT_INTROSPECTS_WITHOUT_AUDIENCE = "allow.token.introspection.without.audience.check"
CLIENT_USERINFO_LIGHTWEIGHT = "allow.userinfo.with.lightweight.access.token"
SERVER_WIDE = "server-wide setting"  # how the per-request warnings name where the exception comes from


@dataclass(frozen=True)
class ProviderConfig:
    """``OIDCProviderConfig``: every field at Keycloak's default unless the server's options say otherwise."""

    allow_client_initiated_account_linking: bool = False
    allow_oidc_params_in_redirect_uris: bool = False
    allow_initiating_idp_logout_param: bool = False
    allow_multiple_audiences_for_jwt_client_authentication: bool = False
    allow_token_introspection_without_audience_check: bool = False
    allow_userinfo_with_lightweight_access_token: bool = False
    req_params_default_max_size: int = DEFAULT_MAX
    req_token_params_default_max_size: int = TOKEN_MAX
    req_params_max_sizes: Mapping[str, int] = field(default_factory=dict)  # req-params-max-size--<name>
    add_req_params_max_number: int = ADDITIONAL_MAX_NUMBER
    add_req_params_max_size: int = ADDITIONAL_MAX_SIZE
    add_req_params_max_overall_size: int = ADDITIONAL_MAX_OVERALL
    add_req_params_fail_fast: bool = False
    add_req_token_params_fail_fast: bool = True

    def max_length(self, name: str, *, token: bool = False) -> int:
        """``getMaxLengthForTheParameter``: the configured size of ``name``, else its built-in one (login_hint),
        else the default for an ordinary or a token parameter."""
        configured = self.req_params_max_sizes.get(name)
        if configured is not None:
            return configured
        built_in = BUILT_IN_SIZES.get(name)
        if built_in is not None:
            return built_in
        return self.req_token_params_default_max_size if token else self.req_params_default_max_size

    def fail_fast(self, *, token: bool) -> bool:
        """``isAdditionalReqParamsFailFast``: whether an over-long parameter is refused rather than dropped."""
        return self.add_req_token_params_fail_fast if token else self.add_req_params_fail_fast

    def params_in_redirect_uris(self, client: Client | None) -> bool:
        """Whether ``client``'s redirect URIs may carry response parameters: the server option, or the client's
        ``allow.oidc.params.in.redirect.uris`` (Boolean.parseBoolean)."""
        if self.allow_oidc_params_in_redirect_uris:
            return True
        return client is not None and client.attr(CLIENT_ALLOWS_PARAMS).lower() == "true"

    def introspection_without_audience(self, caller: Client) -> str | None:
        """Why ``caller`` may introspect a token whose audience lacks it (the server option, else the caller's
        own attribute), worded as Keycloak's per-request warning says it; None: the audience is checked."""
        if self.allow_token_introspection_without_audience_check:
            return SERVER_WIDE
        if caller.attr(CLIENT_INTROSPECTS_WITHOUT_AUDIENCE).lower() == "true":
            return f"per-client setting on '{caller.client_id}'"
        return None

    def userinfo_with_lightweight(self, issuer: Client) -> str | None:
        """Why userinfo takes a lightweight access token of ``issuer`` (its ``azp``): the server option, else the
        issuing client's attribute; None: it is refused."""
        if self.allow_userinfo_with_lightweight_access_token:
            return SERVER_WIDE
        if issuer.attr(CLIENT_USERINFO_LIGHTWEIGHT).lower() == "true":
            return f"per-client setting on '{issuer.client_id}'"
        return None


DEFAULT = ProviderConfig()


def warnings(config: ProviderConfig) -> list[str]:
    """What OIDCLoginProtocolFactory.init warns about at start: each deprecated switch that is on."""
    found = []
    if config.allow_multiple_audiences_for_jwt_client_authentication:
        found.append("multiple audiences are allowed for JWT client authentication; clients should use one")
    if config.allow_client_initiated_account_linking:
        found.append(
            "the deprecated client-initiated account linking endpoint is enabled; migrate to kc_action=idp_link and "
            "set allow-client-initiated-account-linking=false"
        )
    if config.allow_oidc_params_in_redirect_uris:
        found.append(
            "OIDC parameters (e.g. 'state') are allowed in post_logout_redirect_uri and in redirect_uri; Keycloak "
            "27 rejects them: set allow-oidc-params-in-redirect-uris=false"
        )
    if config.allow_token_introspection_without_audience_check:
        found.append(
            "token introspection audience check is disabled globally: any authenticated client can introspect any "
            "token; enable the per-client settings and set allow-token-introspection-without-audience-check=false"
        )
    if config.allow_userinfo_with_lightweight_access_token:
        found.append(
            "the userinfo endpoint accepts lightweight access tokens globally (they are for token introspection); "
            "enable the per-client settings and set allow-userinfo-with-lightweight-access-token=false"
        )
    if config.allow_initiating_idp_logout_param:
        found.append("the deprecated initiating_idp logout parameter is honoured (allow-initiating-idp-logout-param)")
    return found
