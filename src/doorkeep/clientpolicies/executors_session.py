"""The client-policy executors that judge an authorization request's response type and session parameters and a
client's logout, and the one that refuses everything: ``secure-response-type`` (SecureResponseTypeExecutor),
``secure-session`` (SecureSessionEnforceExecutor), ``secure-logout`` (SecureLogoutExecutor) and
``reject-request`` (RejectRequestExecutor), with Keycloak's configuration keys, events and messages."""

from __future__ import annotations

from typing import Any

from doorkeep.clientpolicies.config_values import flag, flag_or_none
from doorkeep.clientpolicies.context import ClientPolicyViolation, Event, PolicyContext

INVALID_REQUEST, INVALID_CLIENT_METADATA = "invalid_request", "invalid_client_metadata"
INVALID_REGISTRATION = "invalid_registration"  # Errors.INVALID_REGISTRATION
CRUD = (Event.REGISTER, Event.UPDATE)
DETACHED_SIGNATURE = "id.token.as.detached.signature"  # OIDCConfigAttributes.ID_TOKEN_AS_DETACHED_SIGNATURE
ALLOW_TOKEN_RESPONSE_TYPE = "allow-token-response-type"
ALLOW_FRONT_CHANNEL_LOGOUT = "allow-front-channel-logout"  # SecureLogoutExecutorFactory
FRONT_CHANNEL_LOGOUT_URL = "frontchannel.logout.url"  # OIDCConfigAttributes.FRONT_CHANNEL_LOGOUT_URI
FRONT_CHANNEL_NOT_ALLOWED = "Front-channel logout is not allowed for this client"
REQUEST_NOT_ALLOWED = "Request not allowed"


def _proposed(context: PolicyContext) -> dict[str, Any]:
    assert context.proposed is not None, "REGISTER and UPDATE carry the proposed representation"
    return context.proposed


def secure_response_type(config: dict[str, Any], context: PolicyContext) -> None:
    """SecureResponseTypeExecutor: the client signs its ID tokens as detached signatures (auto-configured when
    ``auto-configure``); an authorization request is hybrid (``code id_token``, with ``token`` only when
    ``allow-token-response-type``), or ``code`` with ``response_mode=jwt``."""
    if context.event in CRUD:
        rep = _proposed(context)
        if flag(config, "auto-configure"):
            attributes = rep.get("attributes")
            if not isinstance(attributes, dict):
                attributes = {}
                rep["attributes"] = attributes
            attributes[DETACHED_SIGNATURE] = "true"
        attributes = rep.get("attributes")
        value = attributes.get(DETACHED_SIGNATURE) if isinstance(attributes, dict) else None
        if str(value).lower() != "true":
            message = "Invalid client metadata: ID Token as detached signature in disabled"
            raise ClientPolicyViolation(INVALID_CLIENT_METADATA, message)
    elif context.event is Event.AUTHORIZATION_REQUEST:
        kinds = set((context.params.get("response_type") or "").split(" ")) - {""}
        if {"code", "id_token"} <= kinds and ("token" not in kinds or flag(config, ALLOW_TOKEN_RESPONSE_TYPE)):
            return
        mode = context.params.get("response_mode")
        if mode is not None and kinds == {"code"} and mode.lower() == "jwt":
            return
        raise ClientPolicyViolation(INVALID_REQUEST, "invalid response_type")


def secure_session(config: dict[str, Any], context: PolicyContext) -> None:
    """SecureSessionEnforceExecutor: an OpenID request (``openid`` in its scope) sends a nonce, another a state."""
    if context.event is not Event.AUTHORIZATION_REQUEST:
        return
    if "openid" in (context.params.get("scope") or "").split(" "):  # TokenUtil.isOIDCRequest
        if context.params.get("nonce") is None:
            raise ClientPolicyViolation(INVALID_REQUEST, "Missing parameter: nonce")
    elif context.params.get("state") is None:
        raise ClientPolicyViolation(INVALID_REQUEST, "Missing parameter: state")


def secure_logout(config: dict[str, Any], context: PolicyContext) -> None:
    """SecureLogoutExecutor: unless ``allow-front-channel-logout``, a client may neither switch front-channel
    logout on nor name a front-channel logout URL, and a logout request may not come by GET."""
    if flag(config, ALLOW_FRONT_CHANNEL_LOGOUT):
        return
    if context.event in CRUD:
        rep = _proposed(context)
        attributes = rep.get("attributes")
        url = attributes.get(FRONT_CHANNEL_LOGOUT_URL) if isinstance(attributes, dict) else None
        if rep.get("frontchannelLogout") is True or (isinstance(url, str) and url.strip()):
            raise ClientPolicyViolation(INVALID_REGISTRATION, FRONT_CHANNEL_NOT_ALLOWED)
    elif context.event is Event.LOGOUT_REQUEST and (context.http_method or "").upper() == "GET":
        raise ClientPolicyViolation(INVALID_REGISTRATION, FRONT_CHANNEL_NOT_ALLOWED)


def reject_request(config: dict[str, Any], context: PolicyContext) -> None:
    """RejectRequestExecutor: every event it runs on is refused."""
    raise ClientPolicyViolation(INVALID_REQUEST, REQUEST_NOT_ALLOWED)


def valid_session_config(provider: str, config: dict[str, Any]) -> None:
    """ValueError when Jackson could not bind the configuration's booleans."""
    if provider == "secure-response-type":
        flag_or_none(config, ALLOW_TOKEN_RESPONSE_TYPE)
    elif provider == "secure-logout":
        flag_or_none(config, ALLOW_FRONT_CHANNEL_LOGOUT)
