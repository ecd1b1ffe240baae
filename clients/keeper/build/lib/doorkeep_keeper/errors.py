"""What can go wrong when an application uses a stored offline token, as types it can act on.

``ConsentRequired`` means the grant is gone for good (the server said ``invalid_grant``, or nothing is
stored): only the user can fix it, by logging in again. ``ServerUnavailable`` means "try again later":
nothing was lost. ``RefreshRejected`` is a misconfiguration (wrong client secret, client disabled).
"""

from __future__ import annotations


class KeeperError(Exception):
    """Base class of every error doorkeep-keeper raises."""


class ConsentRequired(KeeperError):
    """The offline grant is gone (revoked, expired, never stored): the user must log in and consent again."""

    def __init__(self, message: str, *, error: str | None = None, description: str | None = None) -> None:
        super().__init__(message)
        self.error = error
        self.description = description


class RefreshAnswerLost(ConsentRequired):
    """A refresh was sent, its answer never arrived, and the server no longer accepts the previous token.

    With rotation (Revoke Refresh Token, max reuse 0) a server without a grace window treats the retry as
    reuse. A server with a grace window answers the retry with the same successor and this never happens.
    """


class ServerUnavailable(KeeperError):
    """The token endpoint could not be reached or answered 5xx/429 within the retry window; nothing was lost."""


class RefreshRejected(KeeperError):
    """The server refused the refresh for a reason other than a lost grant (e.g. ``invalid_client``)."""

    def __init__(self, error: str, description: str | None, status: int) -> None:
        super().__init__(f"{status} {error}: {description or ''}".rstrip(": "))
        self.error = error
        self.description = description
        self.status = status
