"""The executors Doorkeep runs, with Keycloak's configuration keys, events and error texts
(services/clientpolicy/executor/*Executor.java). On REGISTER and UPDATE an executor first auto-configures the
proposed client representation (when its ``auto-configure`` is on), then validates it; on the protocol events
it judges the request."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from doorkeep.clientpolicies import (
    ciba_executors,
    executors_downscope,
    executors_fapi,
    executors_grant_audience,
    executors_jwt_claim,
    executors_mappers,
    executors_request_object,
    secret_rotation,
)
from doorkeep.clientpolicies.config_values import flag, strings
from doorkeep.clientpolicies.context import ClientPolicyViolation, Event, PolicyContext
from doorkeep.clientpolicies.executors_client_uris import secure_client_uris
from doorkeep.clientpolicies.executors_session import (
    reject_request,
    secure_logout,
    secure_response_type,
    secure_session,
)
from doorkeep.clientpolicies.executors_uri_patterns import executor as secure_client_uris_pattern
from doorkeep.clientpolicies.executors_uris import secure_redirect_uris_enforcer

INVALID_REQUEST, INVALID_CLIENT, INVALID_GRANT = "invalid_request", "invalid_client", "invalid_grant"
INVALID_CLIENT_METADATA = "invalid_client_metadata"
INVALID_REGISTRATION = "invalid_registration"  # Errors.INVALID_REGISTRATION
PKCE_ATTRIBUTE = "pkce.code.challenge.method"
DPOP_ATTRIBUTE = "dpop.bound.access.tokens"
REFRESH_ONLY = "allow-only-refresh-token-binding"  # DPoPBindEnforcerExecutorFactory.ALLOW_ONLY_REFRESH_BINDING
INVALID_DPOP_PROOF = "invalid_dpop_proof"  # OAuthErrorException.INVALID_DPOP_PROOF
CHALLENGE = re.compile(r"[0-9a-zA-Z\-._~]{43,128}")  # PKCE_CODE_CHALLENGE_MIN/MAX_LENGTH and its pattern
CRUD = (Event.REGISTER, Event.UPDATE)


def _attributes(rep: dict[str, Any]) -> dict[str, Any]:
    attributes = rep.get("attributes")
    if not isinstance(attributes, dict):
        attributes = {}
        rep["attributes"] = attributes
    return attributes


def _proposed(context: PolicyContext) -> dict[str, Any]:
    assert context.proposed is not None, "REGISTER and UPDATE carry the proposed representation"
    return context.proposed


def pkce_enforcer(config: dict[str, Any], context: PolicyContext) -> None:
    """PKCEEnforcerExecutor: S256 configured on the client; the authorization request sends an S256 challenge."""
    if context.event in CRUD:
        rep = _proposed(context)
        if flag(config, "auto-configure"):
            _attributes(rep)[PKCE_ATTRIBUTE] = "S256"
        if (rep.get("attributes") or {}).get(PKCE_ATTRIBUTE) != "S256":
            raise ClientPolicyViolation(INVALID_CLIENT_METADATA, "Invalid client metadata: code_challenge_method")
    elif context.event is Event.AUTHORIZATION_REQUEST:
        method = context.params.get("code_challenge_method")
        challenge = context.params.get("code_challenge")
        if method is None:
            raise ClientPolicyViolation(INVALID_REQUEST, "Missing parameter: code_challenge_method")
        if method != "S256":
            raise ClientPolicyViolation(INVALID_REQUEST, "Invalid parameter: invalid code_challenge_method")
        if challenge is None:
            raise ClientPolicyViolation(INVALID_REQUEST, "Missing parameter: code_challenge")
        if not CHALLENGE.fullmatch(challenge):
            raise ClientPolicyViolation(INVALID_REQUEST, "Invalid parameter: code_challenge")
    elif context.event is Event.TOKEN_REQUEST and context.params.get("code_verifier") is None:
        raise ClientPolicyViolation("code_verifier_missing", "PKCE code verifier not specified")


def dpop_bind_enforcer(config: dict[str, Any], context: PolicyContext) -> None:
    """DPoPBindEnforcerExecutor: DPoP-bound access tokens configured; a proof on the token requests; with
    ``enforce-authorization-code-binding-to-dpop``, ``dpop_jkt`` on the authorization request; with
    ``allow-only-refresh-token-binding``, the token requests of a public client without the DPoP switch need a
    proof that binds its refresh token only (validateAndBindOnlyRefreshToken), other clients' are left alone."""
    if context.event in CRUD:
        rep = _proposed(context)
        if flag(config, "auto-configure"):
            _attributes(rep)[DPOP_ATTRIBUTE] = "true"
        if str((rep.get("attributes") or {}).get(DPOP_ATTRIBUTE, "")).lower() != "true":
            raise ClientPolicyViolation(INVALID_CLIENT_METADATA, "Invalid client metadata: DPoP token in disabled")
    elif context.event is Event.AUTHORIZATION_REQUEST:
        # only the parameter's presence (getDpopJkt() == null): an empty one binds the code, refused at the token
        if flag(config, "enforce-authorization-code-binding-to-dpop") and context.params.get("dpop_jkt") is None:
            raise ClientPolicyViolation(INVALID_REQUEST, "Missing parameter: dpop_jkt")
    elif context.event in (Event.TOKEN_REQUEST, Event.TOKEN_REFRESH) and flag(config, REFRESH_ONLY):
        client = context.client
        if client is None or client.dpop_bound or not client.public:
            return
        if not context.dpop_proof:
            raise ClientPolicyViolation(INVALID_DPOP_PROOF, "DPoP proof is missing")
        context.bind_only_refresh_token = True
    elif context.event in (Event.TOKEN_REQUEST, Event.TOKEN_REFRESH) and not context.dpop_proof:
        raise ClientPolicyViolation(INVALID_REQUEST, "DPoP proof is missing")


def confidential_client(config: dict[str, Any], context: PolicyContext) -> None:
    """ConfidentialClientAcceptExecutor."""
    if context.event in (Event.AUTHORIZATION_REQUEST, Event.TOKEN_REQUEST, Event.SERVICE_ACCOUNT_TOKEN_REQUEST) or (
        context.event in (Event.BACKCHANNEL_AUTHENTICATION_REQUEST, Event.BACKCHANNEL_TOKEN_REQUEST)
    ):
        client = context.client
        if client is None or client.public or client.bearer_only:
            raise ClientPolicyViolation(INVALID_CLIENT, "invalid client access type")


def _switch_kept(
    config: dict[str, Any], context: PolicyContext, key: str, wanted: bool, stored: bool | None, message: str
) -> None:
    """ConsentRequiredExecutor and FullScopeDisabledExecutor: ``key`` auto-set to ``wanted``; on UPDATE a
    representation that leaves it out is fine when the stored client already has it."""
    rep = _proposed(context)
    if flag(config, "auto-configure"):
        rep[key] = wanted
    if context.event is Event.UPDATE and rep.get(key) is None and stored is wanted:
        return
    if rep.get(key) is not wanted:
        raise ClientPolicyViolation(INVALID_REGISTRATION, message)


def consent_required(config: dict[str, Any], context: PolicyContext) -> None:
    if context.event in CRUD:
        stored = None if context.client is None else context.client.consent_required
        _switch_kept(config, context, "consentRequired", True, stored, "Client is required to enable consentRequired")


def full_scope_disabled(config: dict[str, Any], context: PolicyContext) -> None:
    if context.event in CRUD:
        stored = None if context.client is None else context.client.full_scope_allowed
        _switch_kept(config, context, "fullScopeAllowed", False, stored, "Not permitted to enable fullScopeAllowed")


def reject_implicit_grant(config: dict[str, Any], context: PolicyContext) -> None:
    """RejectImplicitGrantExecutor."""
    if context.event in CRUD:
        rep = _proposed(context)
        if flag(config, "auto-configure"):
            rep["implicitFlowEnabled"] = False
        if rep.get("implicitFlowEnabled") is True:
            raise ClientPolicyViolation(INVALID_CLIENT_METADATA, "Invalid client metadata: implicit flow enabled")
    elif context.event is Event.AUTHORIZATION_REQUEST and context.implicit_or_hybrid:
        raise ClientPolicyViolation(INVALID_REQUEST, "Implicit/Hybrid flow is prohibited.")
    elif context.event is Event.PUSHED_AUTHORIZATION_REQUEST:
        response_type = context.params.get("response_type")
        if not response_type:
            raise ClientPolicyViolation(INVALID_REQUEST, "No response type.")
        if response_type != "code":
            raise ClientPolicyViolation(INVALID_REQUEST, "Implicit/Hybrid flow is prohibited.")


def reject_ropc_grant(config: dict[str, Any], context: PolicyContext) -> None:
    """RejectResourceOwnerPasswordCredentialsGrantExecutor."""
    if context.event in CRUD:
        rep = _proposed(context)
        if flag(config, "auto-configure"):
            rep["directAccessGrantsEnabled"] = False
        if rep.get("directAccessGrantsEnabled") is True:
            message = "Invalid client metadata: resource owner password credentials grant enabled"
            raise ClientPolicyViolation(INVALID_CLIENT_METADATA, message)
    elif context.event is Event.RESOURCE_OWNER_PASSWORD_CREDENTIALS_REQUEST:
        raise ClientPolicyViolation(INVALID_GRANT, "resource owner password credentials grant is prohibited.")


def secure_client_authenticator(config: dict[str, Any], context: PolicyContext) -> None:
    """SecureClientAuthenticatorExecutor: a client without an authenticator gets the default one; the one it
    has must be allowed."""
    if context.event not in CRUD:
        return
    rep = _proposed(context)
    default = config.get("default-client-authenticator")
    if rep.get("clientAuthenticatorType") is None and isinstance(default, str):
        rep["clientAuthenticatorType"] = default
    if rep.get("clientAuthenticatorType") not in strings(config, "allowed-client-authenticators"):
        raise ClientPolicyViolation(INVALID_CLIENT_METADATA, "Invalid client metadata: token_endpoint_auth_method")


# UseLightweightAccessTokenExecutor's events: the token requests, CIBA's and the JWT authorization grant's included
# (JWTAuthorizationGrantLightweightAccessTokenClientPoliciesTest; Doorkeep raises no device token policy event, so
# DEVICE_TOKEN_REQUEST does not arise).
TOKEN_EVENTS = (
    Event.JWT_AUTHORIZATION_GRANT,
    Event.TOKEN_REQUEST,
    Event.TOKEN_REFRESH,
    Event.RESOURCE_OWNER_PASSWORD_CREDENTIALS_REQUEST,
    Event.SERVICE_ACCOUNT_TOKEN_REQUEST,
    Event.BACKCHANNEL_TOKEN_REQUEST,
)


def use_lightweight_access_token(config: dict[str, Any], context: PolicyContext) -> None:
    """UseLightweightAccessTokenExecutor: a token request's access tokens are lightweight; it never refuses."""
    if context.event in TOKEN_EVENTS:
        context.lightweight_access_token = True


def auth_flow_enforcer(config: dict[str, Any], context: PolicyContext) -> None:
    """AuthenticationFlowSelectorExecutor: an authorization request's login runs the flow ``auth-flow-alias``
    (AuthenticationFlowResolver prefers it to any binding), and a login through it reaches at least the level
    ``auth-flow-loa`` (AcrStore.setAuthFlowLevelAuthenticatedToCurrentRequest); no alias: nothing."""
    alias = config.get("auth-flow-alias")
    if context.event is Event.AUTHORIZATION_REQUEST and isinstance(alias, str):
        context.auth_flow_alias = alias
        level = config.get("auth-flow-loa")
        context.auth_flow_loa = level if isinstance(level, int) and not isinstance(level, bool) else None


EXECUTORS: dict[str, Callable[[dict[str, Any], PolicyContext], None]] = {
    "auth-flow-enforcer": auth_flow_enforcer,
    "pkce-enforcer": pkce_enforcer,
    "secure-redirect-uris-enforcer": secure_redirect_uris_enforcer,  # executors_uris.py
    "secure-client-uris": secure_client_uris,
    "secure-client-uris-pattern": secure_client_uris_pattern,
    "secure-response-type": secure_response_type,  # executors_session.py
    "secure-session": secure_session,
    "secure-logout": secure_logout,
    "reject-request": reject_request,
    "dpop-bind-enforcer": dpop_bind_enforcer,
    "confidential-client": confidential_client,
    "full-scope-disabled": full_scope_disabled,
    "consent-required": consent_required,
    "reject-implicit-grant": reject_implicit_grant,
    "reject-ropc-grant": reject_ropc_grant,
    "secure-client-authenticator": secure_client_authenticator,
    "use-lightweight-access-token": use_lightweight_access_token,
    secret_rotation.PROVIDER_ID: secret_rotation.executor,
    "secure-signature-algorithm": executors_fapi.secure_signature_algorithm,
    "secure-signature-algorithm-signed-jwt": executors_fapi.secure_signature_algorithm_signed_jwt,
    "secure-request-object": executors_request_object.secure_request_object,
    "secure-par-content": executors_request_object.secure_par_content,
    "secure-client-authentication-assertion": executors_fapi.secure_client_authentication_assertion,
    "holder-of-key-enforcer": executors_fapi.holder_of_key_enforcer,
    ciba_executors.SESSION: ciba_executors.session_enforce,
    ciba_executors.SIGNED_REQUEST: ciba_executors.signed_request,
    ciba_executors.SIGNING_ALGORITHM: ciba_executors.signing_algorithm,
    executors_jwt_claim.PROVIDER_ID: executors_jwt_claim.executor,
    executors_downscope.PROVIDER_ID: executors_downscope.executor,
    executors_grant_audience.PROVIDER_ID: executors_grant_audience.executor,
    executors_mappers.PROVIDER_ID: executors_mappers.executor,
}


def execute(provider: str, config: dict[str, Any], context: PolicyContext) -> None:
    """Run one executor (a provider Doorkeep lacks is never stored: validation refuses it)."""
    executor = EXECUTORS.get(provider)
    if executor is not None:
        executor(config, context)
