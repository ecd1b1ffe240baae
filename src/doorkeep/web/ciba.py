"""CIBA's web side (oauth/ciba/): the backchannel authentication endpoint's second half, which asks the
authentication device outside any transaction and keeps the request once the device took it, and the
authentication channel's callback. Neither endpoint answers with CORS headers (Keycloak gives them no Cors)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from doorkeep import numbers
from doorkeep.errors import InvalidRequest, OAuthError
from doorkeep.oauth.ciba import callback, channel, endpoint
from doorkeep.web.http import (
    NO_STORE,
    BodyTooLarge,
    RealmNotFound,
    client_ip,
    in_transaction,
    issuer,
    json_response,
    oauth_error,
    read_body,
    state,
)

if TYPE_CHECKING:
    from doorkeep.model import Realm
    from doorkeep.store.tx import Tx

# Keycloak answers the callback with ``Response.ok(MediaType.APPLICATION_JSON_TYPE)``: the MediaType is the entity,
# which its JSON provider writes as a bean.
CALLBACK_ANSWER = {
    "type": "application",
    "subtype": "json",
    "parameters": {},
    "wildcardType": False,
    "wildcardSubtype": False,
}


def accepted(kept: list[endpoint.Prepared], prepared: endpoint.Prepared) -> Response:
    """The first transaction's result, kept for ``ask_device`` (a placeholder answer, never sent)."""
    kept.append(prepared)
    return Response(status_code=204)


async def ask_device(request: Request, prepared: endpoint.Prepared) -> Response:
    """HttpAuthenticationChannelProvider.requestAuthentication, then storeAuthenticationRequest and the
    acknowledgement (CIBA Core §7.3)."""
    st = state(request)
    try:
        await channel.request_authentication(
            st.settings.ciba_auth_channel_uri, prepared.channel_request, prepared.bearer
        )

        async def keep(tx: Tx) -> None:
            await endpoint.store(tx, st.services, prepared)

        await in_transaction(request, keep)
    except OAuthError as err:
        return oauth_error(err, no_store=True)
    return json_response(prepared.body(), headers=NO_STORE)


async def callback_endpoint(request: Request) -> Response:
    """BackchannelAuthenticationCallbackEndpoint: the device's answer for the request its bearer token names."""
    st = state(request)
    name = request.path_params["realm"]
    try:
        # bounded nesting: deep JSON from anyone is "Invalid authentication status", never a RecursionError
        answer = callback.read_answer(numbers.loads(await read_body(request) or b"null"))
    except BodyTooLarge:  # read before the bearer token is looked at: held to the server's body limit
        return oauth_error(InvalidRequest("Request entity too large", status=413), no_store=True)
    except (ValueError, UnicodeDecodeError):
        return oauth_error(InvalidRequest(callback.INVALID_STATUS), no_store=True)
    except OAuthError as err:
        return oauth_error(err, no_store=True)
    bearer = _bearer(request)

    async def work(tx: Tx) -> callback.Reported:
        realm: Realm | None = await tx.realms.get_by_name(name)
        if realm is None:
            raise RealmNotFound
        tx.config.bind(realm)
        iss = issuer(request, realm.name)
        return await callback.report(tx, st.services, realm, iss, bearer, answer, client_ip(request))

    try:
        reported = await in_transaction(request, work)
        if reported.notification is not None:
            await channel.notify_client(reported.notification)
    except OAuthError as err:
        return oauth_error(err, no_store=True)
    return json_response(CALLBACK_ANSWER, headers=NO_STORE)


def _bearer(request: Request) -> str | None:
    """AppAuthManager.extractAuthorizationHeaderTokenOrReturnNull: the token of a single ``Bearer`` header."""
    headers = request.headers.getlist("authorization")
    if len(headers) != 1:
        return None
    scheme, _, token = headers[0].strip().partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None
