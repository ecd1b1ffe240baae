"""The ``*_ERROR`` events of the endpoints a client calls about a token: introspection (INTROSPECT_TOKEN),
revocation (REVOKE_GRANT) and pushed authorization requests (PUSHED_AUTHORIZATION_REQUEST).

Keycloak keeps one EventBuilder per request: each ``error()`` sends the event as built so far, and what was
set on it stays for a later ``error()``. So a failed client authentication records the client authentication
flow's error (ClientAuthenticationFlow / AuthenticationProcessor.handleClientAuthException), and where the
endpoint then answers "Authentication failed." (TokenIntrospectionEndpoint, AbstractParEndpoint) a second
event, ``invalid_request`` with the ``detail`` the endpoint adds. ``RequestEvents`` is that builder.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from doorkeep import events
from doorkeep.errors import OAuthError
from doorkeep.oauth.client_auth import authenticate_client, event_naming, require_oidc
from doorkeep.oauth.origin_check import check_allowed_origins

if TYPE_CHECKING:
    from doorkeep.model import Client
    from doorkeep.oauth.context import OAuthRequest
    from doorkeep.store.tx import Tx

DETAIL = "detail"  # the endpoints' own detail key (``event.detail("detail", ...)``), not a Details constant


@dataclass
class RequestEvents:
    """The error side of one request's event builder: its client and the details set so far."""

    tx: Tx
    req: OAuthRequest
    type: str  # the endpoint's event; its errors are ``{type}_ERROR``
    now: int
    client_id: str | None = None
    details: dict[str, str | None] = field(default_factory=dict)
    caller: Client | None = None  # once the client authenticated

    async def error(self, error: str, **details: str | None) -> None:
        """``event.detail(...)`` for each of ``details``, then ``event.error(error)``."""
        self.details.update(details)
        await events.record(
            self.tx,
            self.req.realm,
            f"{self.type}_ERROR",
            now=self.now,
            client_id=self.client_id,
            ip=self.req.ip_address,
            error=error,
            details=self.details,
        )

    async def refuse(self, err: OAuthError) -> OAuthError:
        """The endpoints' throwErrorResponseException: ``detail`` the answer's description, the error its code."""
        await self.error(err.error, **{DETAIL: err.description})
        return err

    def authenticated(self, client: Client) -> None:
        """processFlow's success: the event names the client and the authenticator's id."""
        self.caller, self.client_id = client, client.client_id
        self.details["client_auth_method"] = events.client_auth_method(client)

    async def authentication_failed(self, err: OAuthError) -> None:
        """The flow's error event: the client the request names and the assertion it read (as the token
        endpoint's), the error the failing authenticator gives."""
        self.client_id, assertion = await event_naming(self.tx, self.req, None)
        self.details.update(assertion)
        await self.error(err.event_error)

    async def client(self, *, cors: bool = True) -> Client:
        """AuthorizeClientUtil.authorizeClient with its events: the flow's error if authentication fails, then
        ``invalid_client`` for a client of another protocol (once authenticated, so with its method).
        ``cors``: the endpoint's Cors (none at introspection): refusals readable from any origin, and a CORS request
        from an origin the authenticated client does not allow refused (403, oauth/origin_check.py)."""
        if cors:
            self.req.cors.allow_all()
        try:
            client = await authenticate_client(self.tx, self.req)
        except OAuthError as err:
            await self.authentication_failed(err)
            raise
        self.authenticated(client)
        if cors:
            check_allowed_origins(self.req, client)
        try:
            require_oidc(client)
        except OAuthError as err:
            await self.error(err.event_error)
            raise
        if cors:
            self.req.cors.allow_client(client)
        return client
