"""Errors as types: a public code and description (Keycloak's exact text) and a private detail.

An ``OAuthError`` is an answer, not a crash: the request transaction still commits, so that
what Keycloak deliberately writes on a failure path (a detached client session after token
reuse, an expired session deleted) sticks.
"""

from __future__ import annotations

# Keycloak's exact descriptions, kept in one place (KEYCLOAK.md §2, §6.4, §8).
HTTPS_REQUIRED = "HTTPS required"
REALM_NOT_ENABLED = "Realm not enabled"
MISSING_GRANT_TYPE = "Missing form parameter: grant_type"
UNSUPPORTED_GRANT_TYPE = "Unsupported grant_type"
INVALID_CLIENT_CREDENTIALS = "Invalid client or Invalid client credentials"
INVALID_CLIENT_CREDENTIALS_SHORT = "Invalid client credentials"
BEARER_ONLY = "Bearer-only not allowed"
DUPLICATED_PARAMETER = "duplicated parameter"
INVALID_SCOPES = "Invalid scopes: {}"
NO_DIRECT_GRANTS = "Client not allowed for direct access grants"
CONSENT_REQUIRED = "Client requires user consent"
INVALID_USER_CREDENTIALS = "Invalid user credentials"
ACCOUNT_NOT_SET_UP = "Account is not fully set up"
ACCOUNT_DISABLED = "Account disabled"
CC_BEARER_ONLY = "Bearer-only client not allowed to retrieve service account"
CC_PUBLIC = "Public client not allowed to retrieve service account"
CC_DISABLED = "Client not enabled to retrieve service account"
CC_NO_USER = "The associated service account for the client does not exist"
CC_USER_DISABLED = "User '{}' disabled"
NO_REFRESH_TOKEN = "No refresh token"
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
ISSUED_BEFORE_SESSION_LOGOUT = "Refresh toked issued before the user session started"
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


class OAuthError(Exception):
    """An OAuth error response: ``{"error": code, "error_description": description}``."""

    def __init__(self, error: str, description: str, status: int = 400, *, detail: str = "") -> None:
        super().__init__(f"{error}: {description}")
        self.error = error
        self.description = description
        self.status = status
        self.detail = detail  # private: for logs and events, never sent

    def body(self) -> dict[str, str]:
        return {"error": self.error, "error_description": self.description}


def invalid_grant(description: str, *, detail: str = "") -> OAuthError:
    return OAuthError("invalid_grant", description, 400, detail=detail)


def invalid_request(description: str, status: int = 400) -> OAuthError:
    return OAuthError("invalid_request", description, status)


class BearerError(Exception):
    """A failed bearer-token check (userinfo, admin, account): 401 with WWW-Authenticate."""

    def __init__(self, error: str, description: str, status: int = 401) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.status = status


class AdminError(Exception):
    """An admin or account REST error, rendered in Keycloak's admin shape."""

    def __init__(self, status: int, message: str, *, key: str = "errorMessage", description: str | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.key = key  # "errorMessage", or "error" for the responses Keycloak shapes that way
        self.description = description

    def body(self) -> dict[str, str]:
        out = {self.key: self.message}
        if self.description is not None:
            out["error_description"] = self.description
        return out
