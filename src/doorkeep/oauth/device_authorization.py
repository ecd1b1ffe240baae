"""The device authorization endpoint (RFC 8628 §3.1–3.2), as Keycloak 26's ``DeviceEndpoint.handleDeviceRequest``.

The client authenticates as at the token endpoint (RFC 8628 §3.1 applies RFC 6749 §3.2.1), must have the
grant enabled, and gets a device code to poll with and a user code to show. Keycloak checks the PKCE
parameters here but not the scopes: names that are no client scope of the client are dropped, as its
``TokenManager.getRequestedClientScopes`` drops them later, so the code keeps only what can be granted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep import errors as e
from doorkeep import events
from doorkeep.clientpolicies import enforce as client_policies
from doorkeep.clientpolicies.context import Event
from doorkeep.errors import OAuthError
from doorkeep.model import DeviceCode
from doorkeep.oauth import device_codes, token_endpoint
from doorkeep.oauth import scopes as scope_rules
from doorkeep.oauth.authorize import pkce_problem
from doorkeep.oauth.client_auth import OIDC, authenticate_client, event_naming
from doorkeep.oauth.origin_check import check_allowed_origins

if TYPE_CHECKING:
    from doorkeep.model import Client
    from doorkeep.oauth.context import OAuthRequest, Services
    from doorkeep.store.tx import Tx

EVENT = "OAUTH2_DEVICE_AUTH"


@dataclass(frozen=True)
class DeviceAuthorization:
    """The device authorization response (RFC 8628 §3.2), in Keycloak's field order."""

    device_code: str
    user_code: str
    verification_uri: str
    expires_in: int
    interval: int

    def body(self) -> dict[str, Any]:
        return {
            "device_code": self.device_code,
            "user_code": self.user_code,
            "verification_uri": self.verification_uri,
            "verification_uri_complete": f"{self.verification_uri}?user_code={self.user_code}",
            "expires_in": self.expires_in,
            "interval": self.interval,
        }


def check_client(client: Client) -> None:
    """DeviceEndpoint.checkClient, in its order: the grant, bearer-only, the protocol."""
    if not device_codes.grant_enabled(client):
        raise e.UnauthorizedClient(e.DEVICE_FLOW_DISABLED, status=400, event_error="not_allowed")
    if client.bearer_only:
        raise e.UnauthorizedClient(e.DEVICE_BEARER_ONLY, status=403, event_error="not_allowed")
    if client.protocol != OIDC:
        raise e.UnauthorizedClient(e.WRONG_CLIENT_PROTOCOL, status=400, event_error="invalid_client")


async def known_scopes(tx: Tx, client: Client, scope_param: str) -> str:
    """The requested names that are ``openid`` or a client scope of the client, in their order."""
    linked = {scope.name for scope, _ in await scope_rules.client_scopes(tx, client)}
    return " ".join(n for n in scope_rules.split(scope_param) if n == scope_rules.OPENID or n in linked)


async def authorize_device(tx: Tx, services: Services, req: OAuthRequest) -> DeviceAuthorization:
    """Validate the request, store a pending device authorization, and answer its codes."""
    token_endpoint.check_realm(req)
    client: Client | None = None
    now = services.clock.now()
    try:
        client = await authenticate_client(tx, req)
        check_allowed_origins(req, client)  # AuthorizeClientUtil's, with the endpoint's Cors: before checkClient
        req.cors.allow_client(client)
        check_client(client)
        if req.form.has_duplicates():  # the request parser's message, answered as invalid_grant
            raise e.InvalidGrant(e.DUPLICATED_PARAMETER, event_error="invalid_request")
        challenge, method = req.form.get("code_challenge"), req.form.get("code_challenge_method")
        problem = pkce_problem(challenge, method, client.attr("pkce.code.challenge.method") or None)
        if problem:
            raise e.InvalidRequest(problem)
    except OAuthError as err:
        named, _ = await event_naming(tx, req, client)
        await events.record(
            tx,
            req.realm,
            f"{EVENT}_ERROR",
            now=now,
            client_id=named,
            ip=req.ip_address,
            error=err.event_error,
            details={
                "reason": err.description,
                # ClientAuthenticationFlow's detail, once the client authenticated
                "client_auth_method": events.client_auth_method(client) if client is not None else None,
            },
        )
        raise
    # DeviceAuthorizationRequestContext, after the PKCE checks: a refusal is the executor's error and detail, 400,
    # and DeviceEndpoint records no event for it
    await client_policies.on_request(tx, req.realm, Event.DEVICE_AUTHORIZATION_REQUEST, client, req.form)
    if challenge is not None and method is None:
        method = "plain"  # RFC 7636 §4.3
    expires_in = device_codes.lifespan(req.realm, client)
    interval = device_codes.interval(req.realm, client)
    device_code = device_codes.new_device_code()
    user_code = device_codes.new_user_code()
    while await tx.device_codes.user_code_taken(req.realm.id, device_codes.digest(user_code)):
        user_code = device_codes.new_user_code()
    data = {"nonce": req.form.get("nonce"), "code_challenge": challenge, "code_challenge_method": method}
    stored = DeviceCode(
        realm_id=req.realm.id,
        client_id=client.id,
        scope=await known_scopes(tx, client, req.form.get("scope") or ""),
        expires=now + expires_in,
        interval=interval,
        keep_until=now + expires_in + interval + device_codes.KEEP_EXTRA,
        data={k: v for k, v in data.items() if v is not None},
    )
    await tx.device_codes.create(device_codes.digest(device_code), device_codes.digest(user_code), stored)
    short = str(req.realm.attributes.get(device_codes.SHORT_VERIFICATION_URI) or "")
    verification_uri = short or f"{req.issuer}/device"
    return DeviceAuthorization(device_code, device_codes.display(user_code), verification_uri, expires_in, interval)
