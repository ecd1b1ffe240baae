"""Errors as types: a public code and description (Keycloak's exact text) and a private detail.

An ``OAuthError`` is an answer, not a crash: the request transaction still commits, so that
what Keycloak deliberately writes on a failure path (a detached client session after token
reuse, an expired session deleted) sticks.
"""

from __future__ import annotations

from typing import ClassVar

# Keycloak's exact descriptions, kept in one place (KEYCLOAK.md §2, §6.4, §8).
HTTPS_REQUIRED = "HTTPS required"
REALM_NOT_ENABLED = "Realm not enabled"
MISSING_GRANT_TYPE = "Missing form parameter: grant_type"
UNSUPPORTED_GRANT_TYPE = "Unsupported grant_type"
INVALID_CLIENT_CREDENTIALS = "Invalid client or Invalid client credentials"
# ClientIdAndSecretAuthenticator (Keycloak 26.6): a client restricted to one way of sending its secret
SECRET_METHOD_REQUIRED = (
    "Invalid method used to get client secret. Client requires method '{}' to obtain client secret from the request"
)
BEARER_ONLY = "Bearer-only not allowed"
WRONG_CLIENT_PROTOCOL = "Wrong client protocol."
DUPLICATED_PARAMETER = "duplicated parameter"
INVALID_SCOPES = "Invalid scopes: {}"
NO_DIRECT_GRANTS = "Client not allowed for direct access grants"
CONSENT_REQUIRED = "Client requires user consent"
INVALID_USER_CREDENTIALS = "Invalid user credentials"
FLOW_ACCESS_DENIED = "Access denied"  # Messages.ACCESS_DENIED: Deny Access without a message of its own
ACCOUNT_NOT_SET_UP = "Account is not fully set up"
ACCOUNT_DISABLED = "Account disabled"
SERVICE_ACCOUNT_USER = "User is a service account"  # ValidateUsername's Details.REASON
CC_BEARER_ONLY = "Bearer-only client not allowed to retrieve service account"
CC_PUBLIC = "Public client not allowed to retrieve service account"
CC_DISABLED = "Client not enabled to retrieve service account"
CC_NO_USER = "The associated service account for the client does not exist"
CC_USER_DISABLED = "User '{}' disabled"
NO_REFRESH_TOKEN = "No refresh token"
NO_LOGOUT_TOKEN = "No logout token"  # LogoutEndpoint.backchannelLogout
LOGOUT_TOKEN_UNDECODABLE = "The decode of the logoutToken failed"  # LogoutTokenValidationCode.DECODE_TOKEN_FAILED
LOGOUT_TOKEN_NO_IDP = "No Identity Provider has been found"  # LogoutTokenValidationCode.COULD_NOT_FIND_IDP
# The rest of LogoutTokenValidationCode, in TokenManager.verifyLogoutToken's order
LOGOUT_TOKEN_NOT_VERIFIED = "LogoutToken verification with identity provider failed"
LOGOUT_TOKEN_NO_SID_OR_SUB = "Missing sid or sub claim"
LOGOUT_TOKEN_NO_EVENT = "The LogoutToken event claim is not as expected"
LOGOUT_TOKEN_NONCE = "The LogoutToken contains a nonce claim which is not allowed"
LOGOUT_TOKEN_NO_JTI = "The logoutToken jti is missing"
LOGOUT_TOKEN_NO_IAT = "The LogoutToken doesn't contain an iat claim"
INVALID_REFRESH_TOKEN = "Invalid refresh token"
CLIENT_MISMATCH = "Invalid refresh token. Token client and authorized client don't match"
TOKEN_NOT_ACTIVE = "Token is not active"
STALE_TOKEN = "Stale token"
INVALID_ISSUER = "Invalid token issuer. Expected '{}'"
SESSION_NOT_ACTIVE = "Session not active"
OFFLINE_SESSION_NOT_FOUND = "Offline user session not found"
OFFLINE_SESSION_NOT_ACTIVE = "Offline session not active"
USER_DISABLED = "User disabled"
USER_NOT_FOUND = "User not found"
ISSUED_BEFORE_SESSION = "Refresh token issued before the user session started"
ISSUED_BEFORE_SESSION_LOGOUT = "Toked issued before the user session started"  # LogoutEndpoint, typo and all
INVALID_ID_TOKEN = "Invalid IDToken"  # TokenManager.verifyIDTokenSignature: a hint that does not decode
SESSION_MISSING_CLIENT = "Session doesn't have required client"
CLIENT_SESSION_NOT_ACTIVE = "Client session not active"
ISSUED_BEFORE_CLIENT_SESSION = "refresh token issued before the client session started"
UNMATCHING_CLIENTS = "Unmatching clients"
OFFLINE_NOT_GRANTED = "Offline session invalid because offline access not granted anymore"
MAX_REUSE_EXCEEDED = "Maximum allowed refresh token reuse exceeded"
CONSENT_NO_LONGER = "Client no longer has requested consent from user"
OFFLINE_NOT_ALLOWED = "Offline tokens not allowed for the user or client"
TOKEN_NOT_PROVIDED = "Token not provided"
INVALID_TOKEN = "Invalid token"
UNSUPPORTED_TOKEN_TYPE = "Unsupported token type"
PKCE_VERIFIER_MISSING = "PKCE code verifier not specified"
PKCE_NO_CHALLENGE = "PKCE code verifier specified but challenge not present in authorization"
PKCE_INVALID_VERIFIER = "PKCE verification failed: Invalid code verifier"
PKCE_UNSUPPORTED_METHOD = "PKCE verification failed: Unsupported algorithm specified"
PKCE_MISMATCH = "PKCE verification failed: Code mismatch"
# The authorization endpoint's PKCE checks (AuthorizationEndpointChecker.checkPKCEParams).
AUTHZ_DPOP_IMPLICIT = "DPoP is not supported for implicit nor hybrid flows. Client requires DPoP bound access tokens."
PKCE_MISSING_METHOD = "Missing parameter: code_challenge_method"
PKCE_METHOD_NOT_CONFIGURED = "Invalid parameter: code challenge method is not matching the configured one"
PKCE_MISSING_CHALLENGE = "Missing parameter: code_challenge"
PKCE_INVALID_METHOD = "Invalid parameter: code_challenge_method"
PKCE_INVALID_CHALLENGE = "Invalid parameter: code_challenge"
MISSING_CODE = "Missing parameter: code"
MISSING_USERNAME = "Missing parameter: username"
CODE_NOT_VALID = "Code not valid"
USER_SESSION_NOT_FOUND = "User session not found"
INCORRECT_REDIRECT_URI = "Incorrect redirect_uri"
CODE_CLIENT_MISMATCH = "Auth error: Found different client_id in clientSession"
CODE_EXCHANGE_NOT_ALLOWED = "Client not allowed to exchange code"
INTROSPECTION_NOT_ALLOWED = "Client not allowed."
INTROSPECTION_NO_TOKEN = "Token not provided."
INTROSPECTION_AUTH_FAILED = "Authentication failed."
INTROSPECTION_UNSUPPORTED_HINT = "Unsupported token type [{}]."
DUPLICATE_PARAMETER = "Duplicate parameter"
# ResourceIndicatorConstants (the resource-indicators feature, RFC 8707)
RESOURCE_NOT_MATCHING = "The requested resource is not matching the original request."
RESOURCE_INVALID = "The requested resource is invalid, missing, unknown, or malformed."
RESOURCE_INVALID_REASON = "Invalid resource: {}"  # AuthorizationEndpointChecker.checkValidResource's reason
TOKEN_METHODS = "More than one method used for including an access token"
TOKEN_VERIFICATION_FAILED = "Token verification failed"
MISSING_OPENID_SCOPE = "Missing openid scope"
# Keycloak 26.6.2's UserInfoEndpoint refusal of a lightweight access token (401 invalid_token) [UNVERIFIED wording:
# the sources at hand carry the switch, not the sentence]
LIGHTWEIGHT_AT_USERINFO = "Lightweight access token not allowed"
# Doorkeep's own: a userinfo signature it cannot make (HS* for a client without a secret, an algorithm it has no
# keys for). Keycloak answers these with a 500 (no SignatureProvider, or no key).
USERINFO_SIGNATURE_UNAVAILABLE = "Userinfo signature algorithm not available for this client"
CLIENT_NOT_FOUND = "Client not found"
USERINFO_WRONG_CLIENT_PROTOCOL = "Wrong client protocol"  # userinfo has no dot
CLIENT_DISABLED = "Client disabled"
SESSION_WITHOUT_CLIENT = "User session not found or doesn't have client attached on it"
SESSION_EXPIRED = "Session expired"
AUTHZ_CLIENT_NOT_FOUND = "Client not found."
AUTHZ_CLIENT_DISABLED = "Client disabled."
AUTHZ_BEARER_ONLY = "Bearer-only clients are not allowed to initiate browser login."
AUTHZ_INVALID_REDIRECT_URI = "Invalid parameter: redirect_uri"
AUTHZ_INVALID_CLAIMS = "Invalid parameter: claims"  # an essential acr that cannot be met (oauth/acr.py)
AUTHZ_INVALID_RESPONSE_MODE = "Invalid parameter: response_mode"
# Messages.UNEXPECTED_ERROR_HANDLING_REQUEST: AuthenticationProcessor.handleBrowserException's page
UNEXPECTED_ERROR_HANDLING_REQUEST = "Unexpected error when handling authentication request to identity provider."
# DefaultTokenManager: the client asks for an encrypted token and has no key for it (oauth/token_encryption.py)
ENCRYPTION_KEY_MISSING = "can not get encryption KEK"
AUTHZ_QUERY_JWT_NOT_ENCRYPTED = (
    "Response_mode 'query.jwt' is allowed only when the authorization response token is encrypted"
)
AUTHZ_MISSING_RESPONSE_TYPE = "Missing parameter: response_type"
AUTHZ_QUERY_NOT_ALLOWED = "Response_mode 'query' not allowed for implicit or hybrid flow"
AUTHZ_MISSING_NONCE = "Missing parameter: nonce"
AUTHZ_IMPLICIT_DISABLED = (
    "Client is not allowed to initiate browser login with given response_type. "
    "Implicit flow is disabled for the client."
)
AUTHZ_STANDARD_DISABLED = (
    "Client is not allowed to initiate browser login with given response_type. "
    "Standard flow is disabled for the client."
)
AUTHZ_INVALID_REQUEST = "Invalid Request"
PAR_REQUIRED = "Pushed Authorization Request is only allowed."  # AuthorizationEndpointChecker.checkParRequired
# OAuth 2.0 Device Authorization Grant: DeviceEndpoint and DeviceGrantType.
DEVICE_FLOW_DISABLED = (
    "Client is not allowed to initiate OAuth 2.0 Device Authorization Grant. The flow is disabled for the client."
)
DEVICE_BEARER_ONLY = "Bearer-only applications are not allowed to initiate browser login."
DEVICE_GRANT_NOT_ALLOWED = "Client not allowed OAuth 2.0 Device Authorization Grant"
MISSING_DEVICE_CODE = "Missing parameter: device_code"
DEVICE_CODE_NOT_VALID = "Device code not valid"
DEVICE_CODE_OTHER_CLIENT = "unauthorized client"
DEVICE_CODE_EXPIRED = "Device code is expired"
SLOW_DOWN = "Slow down"
DEVICE_DENIED = "The end user denied the authorization request"
DEVICE_PENDING = "The authorization request is still pending"
DEVICE_SESSION_PENDING = "The authorization request is verified but can not lookup the user session yet"
AUTH_ERROR = "Auth error"
# Standard token exchange (RFC 8693): Keycloak's TokenExchangeGrantType, StandardTokenExchangeProvider
# and AbstractTokenExchangeProvider.
TE_REQUESTED_SUBJECT = "Parameter 'requested_subject' is not supported for standard token exchange"
TE_REQUESTED_ISSUER = "Parameter 'requested_issuer' is not supported for standard token exchange"
TE_SUBJECT_ISSUER = "Parameter 'subject_issuer' is not supported for standard token exchange"
TE_NOT_ENABLED = "Standard token exchange is not enabled for the requested client"
TE_NO_SUBJECT_TOKEN = "Parameter 'subject_token' required for standard token exchange"
TE_NO_SUBJECT_TOKEN_TYPE = "Parameter 'subject_token_type' required for standard token exchange"
TE_ACCESS_TOKENS_ONLY = "Parameter 'subject_token' supports access tokens only"
TE_TYPE_UNSUPPORTED = "requested_token_type unsupported"
TE_AUDIENCE_NOT_FOUND = "Audience not found"
TE_PUBLIC_CLIENT = "Public client is not allowed to exchange token"
TE_NOT_IN_AUDIENCE = "Client is not within the token audience"
TE_NEW_SESSION_NEEDED = "Refresh token not valid as requested_token_type because creating a new session is needed"
TE_OFFLINE_SCOPE = "Scope offline_access not allowed for token exchange"
TE_MISSING_CONSENTS = "Missing consents for Token Exchange in client {}"
TE_AUDIENCE_NOT_AVAILABLE = "Requested audience not available: {}"
TE_SENDER_CONSTRAINED = (
    "Sender-constrained token exchange rejected as the token was not issued for the requesting client"
)


class OAuthError(Exception):
    """An OAuth error response: ``{"error": code, "error_description": description}``.

    Subclasses, one per error code, know the code, Keycloak's usual status for it, whether the
    authorization endpoint may send it back to the client, and the event error recorded for it
    (Keycloak's ``Errors.*``). A raise site overrides the status or the event error where Keycloak
    does; ``detail`` is private (logs and events), never sent.
    """

    error: ClassVar[str]
    default_status: ClassVar[int] = 400
    redirectable: ClassVar[bool] = True  # False: shown to the user, never redirected (RFC 6749 §4.1.2.1)

    def __init__(
        self, description: str, *, status: int | None = None, event_error: str | None = None, detail: str = ""
    ) -> None:
        super().__init__(f"{self.error}: {description}")
        self.description = description
        self.status = self.default_status if status is None else status
        self.event_error = self.error if event_error is None else event_error
        self.detail = detail  # private: for logs and events, never sent
        # What the failure event also names, once a step has learnt it (the refresh token's session).
        self.event_session: str | None = None
        self.event_user: str | None = None
        self.event_details: dict[str, str] = {}

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


class InvalidRequest(OAuthError):
    error = "invalid_request"


class FlowErrorPage(OAuthError):
    """A direct grant flow step's error page (``context.form().setError(message).createErrorPage(status)``):
    FreeMarkerLoginFormsProvider answers a request whose Accept names a JSON type with ``{"error": message}`` at
    the page's status (keycloak#22006), any other with the error page itself (web/protocol.py draws it)."""

    error = "generic_authentication_error"

    def body(self) -> dict[str, str]:
        return {"error": self.description}


CLIENT_ERROR_SEE_LOG = "For more on this error consult the server log at the debug level."


class WebApplicationError(OAuthError):
    """A jakarta WebApplicationException (such as BadRequestException(message)) escaping an endpoint:
    KeycloakErrorHandler answers ``{"error": message, "error_description": …}`` at its status, the description its
    client-error text as web/not_found.py has it ([UNVERIFIED] for this path: Keycloak's test reads the error only)."""

    error = "unknown_error"  # KeycloakErrorHandler's code for an exception without one; the event's error

    def body(self) -> dict[str, str]:
        return {"error": self.description, "error_description": CLIENT_ERROR_SEE_LOG}


class FatalRequest(InvalidRequest):
    """An invalid authorization request that cannot go back to the client (no trusted redirect URI yet)."""

    redirectable = False


class InvalidRequestObject(OAuthError):
    error = "invalid_request_object"


class InvalidClient(OAuthError):
    error = "invalid_client"
    default_status = 401
    redirectable = False


class InvalidGrant(OAuthError):
    error = "invalid_grant"


class UnauthorizedClient(OAuthError):
    error = "unauthorized_client"
    default_status = 401


class UnsupportedGrantType(OAuthError):
    error = "unsupported_grant_type"


class UnsupportedResponseType(OAuthError):
    error = "unsupported_response_type"


class UnsupportedTokenType(OAuthError):
    error = "unsupported_token_type"


class AuthorizationPending(OAuthError):
    """RFC 8628 §3.5: the user has not yet answered; Keycloak records no event for it."""

    error = "authorization_pending"


class SlowDown(OAuthError):
    """RFC 8628 §3.5: polled again within the interval."""

    error = "slow_down"


class ExpiredToken(OAuthError):
    """RFC 8628 §3.5: the device code has expired."""

    error = "expired_token"


class InvalidScope(OAuthError):
    error = "invalid_scope"


class InvalidTarget(OAuthError):
    """RFC 8707 §2: the requested resource is invalid, unknown or not the grant's. At the token endpoint Keycloak
    records no event for it (TokenInterceptorException becomes the answer before the grant's event is sent)."""

    error = "invalid_target"


class AccessDenied(OAuthError):
    error = "access_denied"
    default_status = 403


class InvalidToken(OAuthError):
    """RFC 6750's ``invalid_token`` (401 at a bearer-protected resource; revocation answers it with 200)."""

    error = "invalid_token"
    default_status = 401


class InsufficientScope(OAuthError):
    """RFC 6750's ``insufficient_scope``: the token is good but lacks a scope the resource needs."""

    error = "insufficient_scope"
    default_status = 403


class NotAllowed(OAuthError):
    """Keycloak's own ``not_allowed`` (e.g. offline tokens refused for the user or client)."""

    error = "not_allowed"


class ServerError(OAuthError):
    error = "server_error"
    default_status = 500


class TemporarilyUnavailable(OAuthError):
    error = "temporarily_unavailable"
    default_status = 503


class BearerError(Exception):
    """A refused bearer-token request (userinfo), answered as Keycloak's ``OAuth2Error.json(false)`` answers.

    ``cause`` is the OAuth error; ``None`` is Keycloak's ``OAuth2Error.unauthorized()`` for a request
    that carried no token at all: a bare 401 whose challenge names only the realm (RFC 6750 §3.1).
    """

    def __init__(self, err: OAuthError | None = None, *, dpop: bool = False, status: int | None = None) -> None:
        super().__init__(err.description if err is not None else "no token")
        self.cause = err
        self.dpop = dpop  # the token came with the DPoP scheme: the challenge is DPoP's, naming its algorithms
        self._status = status  # OAuth2Error.status(...) without an error: a bare challenge with this status

    @property
    def error(self) -> str | None:
        return self.cause.error if self.cause is not None else None

    @property
    def description(self) -> str | None:
        return self.cause.description if self.cause is not None else None

    @property
    def status(self) -> int:
        if self._status is not None:
            return self._status
        return self.cause.status if self.cause is not None else 401


class AdminError(Exception):
    """An admin or account REST error, rendered in Keycloak's admin shape."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        key: str = "errorMessage",
        description: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.key = key  # "errorMessage", or "error" for the responses Keycloak shapes that way
        self.description = description
        self.headers = headers  # sent with the answer (a 401's WWW-Authenticate challenge)

    def body(self) -> dict[str, str]:
        out = {self.key: self.message}
        if self.description is not None:
            out["error_description"] = self.description
        return out


# Keycloak 26.6.3 (#45957): a CORS request whose Origin the caller's client (or bearer token) does not allow is
# refused before the endpoint runs: DefaultCors.checkOrigin's ForbiddenException("Invalid origin"), which
# KeycloakErrorHandler answers as 403 {"error": "Invalid origin"}, without CORS headers. The account and admin REST
# APIs (checkAllowedOrigins(token)) and the OIDC endpoints (checkAllowedOrigins(session, client)) share it.
INVALID_ORIGIN = AdminError(403, "Invalid origin", key="error")
