"""The event of a step of a browser login (LoginActionsService.initLoginEvent): the details every such event
carries — ``auth_method``, ``redirect_uri``, ``username`` — and the step's own on top.

Required actions, account actions, the reset-credentials flow and the sessions a "sign out from other
devices" ends all record their events through here, so they say the same things in the same way.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from doorkeep import events
from doorkeep.model import Client, Realm, User
from doorkeep.oauth.authorize import AuthRequest, RedirectingError
from doorkeep.oauth.context import Form

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx


def details(request: AuthRequest, username: str | None, **more: str | None) -> dict[str, str | None]:
    """initLoginEvent's details (``auth_method``, ``redirect_uri``), the username, then ``more``."""
    return {"auth_method": "openid-connect", "redirect_uri": request.redirect_uri or None, "username": username, **more}


async def record(
    tx: Tx,
    services: Services,
    realm: Realm,
    client: Client,
    request: AuthRequest,
    user: User,
    ip: str,
    type: str,
    *,
    error: str | None = None,
    session_id: str | None = None,
    more: Mapping[str, str | None] | None = None,
) -> None:
    """Record ``type`` for ``user`` at ``client``, with the login's details and ``more``."""
    await events.record(
        tx,
        realm,
        type,
        now=services.clock.now(),
        client_id=client.client_id,
        user_id=user.id,
        session_id=session_id,
        ip=ip,
        error=error,
        details=details(request, user.username, **(more or {})),
    )


async def refused_request(
    tx: Tx, services: Services, realm: Realm, params: Form, err: RedirectingError, ip: str
) -> None:
    """The LOGIN_ERROR of an authorization request refused back to the client, where Keycloak's checker records
    one (``err.reason`` set): error ``invalid_request``, the request's response type and mode, its redirect URI
    and the reason (AuthorizationEndpointChecker.checkValidScope: "Invalid scopes: openid offline_access")."""
    if err.reason is None:
        return
    await events.record(
        tx,
        realm,
        "LOGIN_ERROR",
        now=services.clock.now(),
        client_id=params.get("client_id"),
        ip=ip,
        error="invalid_request",
        details={
            "response_type": params.get("response_type"),
            "response_mode": err.target.response_mode,
            "redirect_uri": params.get("redirect_uri"),
            "reason": err.reason,
        },
    )
