"""Authorization errors sent back to the client's redirect URI (RFC 6749 §4.1.2.1; Keycloak's
``redirectErrorToClient``): where they go, and the LOGIN_ERROR event each records first."""

from __future__ import annotations

from dataclasses import dataclass

from doorkeep.errors import OAuthError
from doorkeep.model import Client

# OIDCConfigAttributes: a client may leave these out of its authorization responses (OIDCLoginProtocol).
EXCLUDE_SESSION_STATE = "exclude.session.state.from.auth.response"
EXCLUDE_ISSUER = "exclude.issuer.from.auth.response"


@dataclass(frozen=True)
class EarlyRedirect:
    """What an error needs to be sent back to the client even before a full AuthRequest exists."""

    redirect_uri: str
    response_mode: str
    state: str | None
    with_issuer: bool = True  # False: the client excludes ``iss`` from its authorization responses
    client: Client | None = None  # whose key signs a JARM mode's ``response`` (oauth/jarm.py)


def target(client: Client, redirect_uri: str, response_mode: str, state: str | None) -> EarlyRedirect:
    """Where an error goes back to ``client``: with ``iss`` unless the client excludes it (redirectErrorToClient)."""
    return EarlyRedirect(
        redirect_uri, response_mode, state, with_issuer=not client.attr_bool(EXCLUDE_ISSUER), client=client
    )


class RedirectingError(Exception):
    """An error sent back to the client's redirect URI (RFC 6749 §4.1.2.1): its code, text and target."""

    def __init__(
        self,
        error: str,
        description: str,
        target: EarlyRedirect,
        *,
        event_error: str = "invalid_request",
        reason: str | None = None,
        mode_known: bool = True,
    ) -> None:
        super().__init__(description)
        self.error = error
        self.description = description
        self.target = target
        # The LOGIN_ERROR AuthorizationEndpointChecker records before redirecting: its error, its REASON
        # detail (None where the check sets none) and whether the response mode was parsed by then (its
        # RESPONSE_MODE detail is set only once it was).
        self.event_error = event_error
        self.reason = reason
        self.mode_known = mode_known
        self.more_details: dict[str, str] = {}  # e.g. a client policy's (oauth/authorize.py)


_AS_DESCRIPTION = "as description"


def redirecting(
    err: OAuthError,
    early: EarlyRedirect,
    *,
    reason: str | None = _AS_DESCRIPTION,
    mode_known: bool = True,
) -> RedirectingError:
    """The error sent back to the client; its event's reason is the description unless given."""
    assert err.redirectable, f"{err.error} is never redirected to the client"
    why = err.description if reason is _AS_DESCRIPTION else reason
    return RedirectingError(
        err.error,
        err.description,
        early,
        event_error=err.event_error,
        reason=why,
        mode_known=mode_known,
    )
