"""Keycloak's HTTP authentication channel (HttpAuthenticationChannelProvider): the backchannel authentication
request is POSTed as JSON to the configured ``http-authentication-channel-uri`` with a bearer token that names
the request to the authentication device (its ``jti`` is the request's auth result id); the device answers 201
when it took the request, and later calls the callback endpoint with that bearer token."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from doorkeep import errors as e
from doorkeep import outbound_tls
from doorkeep.model import Client, User
from doorkeep.oauth.ciba.auth_req_id import AUTH_RESULT_ID

if TYPE_CHECKING:
    from doorkeep.oauth.ciba.callback import Notification

log = logging.getLogger(__name__)
TIMEOUT = 10.0  # seconds for connect, read and write
ACCEPTED = 201  # Status.CREATED: the only answer that means the device took the request
FAILED = "Failed to send authentication request"
UNEXPECTED = "Unexpected response from authentication device"


def bearer_claims(claims: dict[str, Any], client: Client) -> dict[str, Any]:
    """createBearerToken: an AccessToken typed Bearer, its ``jti`` the auth result id, for the realm itself."""
    return {
        "exp": claims["exp"],
        "iat": claims["iat"],
        "jti": claims[AUTH_RESULT_ID],
        "iss": claims["iss"],
        "aud": claims["iss"],
        "sub": claims["sub"],
        "typ": "Bearer",
        "azp": client.client_id,
    }


def request_body(claims: dict[str, Any], user: User, client: Client, additional: dict[str, str]) -> dict[str, Any]:
    """AuthenticationChannelRequest as Keycloak's JSON mapper writes it (nulls left out): the scope (with the
    client's consent-screen default scopes), the binding message, the user's username as ``login_hint``, whether
    the client requires consent, the ACR values, and the request's additional parameters beside them."""
    body: dict[str, Any] = {
        "binding_message": claims.get("binding_message"),
        "login_hint": user.username,
        "is_consent_required": client.consent_required,
        "acr_values": claims.get("acr_values"),
        "scope": claims.get("scope"),
    }
    body = {k: v for k, v in body.items() if v is not None}
    body.update({k: v for k, v in additional.items() if k not in body})
    return body


async def request_authentication(uri: str | None, body: dict[str, Any], bearer: str) -> None:
    """Ask the authentication device; ``server_error`` (503) unless it answered 201, as Keycloak's endpoint
    answers a channel that is not configured, unreachable or says anything else."""
    if uri is None or not uri.startswith(("http://", "https://")):
        log.warning("CIBA authentication channel: no http(s) URI configured")
        raise e.ServerError(FAILED, status=503, event_error="")
    import httpx  # imported on first use, as the other outbound calls are

    try:
        async with httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False, verify=outbound_tls.context()) as http:
            response = await http.post(uri, json=body, headers={"Authorization": f"Bearer {bearer}"})
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as err:  # ValueError: idna's, for a host like xn--zz
        log.warning("CIBA authentication channel unreachable: %s", type(err).__name__)
        raise e.ServerError(FAILED, status=503, event_error="") from None
    if response.status_code != ACCEPTED:
        raise e.ServerError(UNEXPECTED, status=503, event_error="")


NOTIFICATION_FAILED = "Failed to send request to client notification endpoint"
NO_NOTIFICATION_ENDPOINT = "Client notification endpoint not set for the client with the ping mode"


async def notify_client(notification: Notification) -> None:
    """The ping mode (CIBA Core §10.2): POST ``{"auth_req_id"}`` to the client's notification endpoint with its
    ``client_notification_token``; anything but 200 or 204 is ``invalid_request`` (400), as Keycloak's callback
    answers it."""
    if notification.endpoint is None:
        raise e.InvalidRequest(NO_NOTIFICATION_ENDPOINT, event_error="")
    import httpx

    try:
        async with httpx.AsyncClient(timeout=TIMEOUT, follow_redirects=False, verify=outbound_tls.context()) as http:
            response = await http.post(
                notification.endpoint,
                json={"auth_req_id": notification.auth_req_id},
                headers={"Authorization": f"Bearer {notification.token}"},
            )
    except (httpx.HTTPError, httpx.InvalidURL, ValueError) as err:  # ValueError: idna's, for a host like xn--zz
        log.warning("CIBA client notification failed: %s", type(err).__name__)
        raise e.InvalidRequest(NOTIFICATION_FAILED, event_error="") from None
    if response.status_code not in (200, 204):
        raise e.InvalidRequest(NOTIFICATION_FAILED, event_error="")
