"""``GET /realms/{realm}/broker/{alias}/token`` (IdentityBrokerService.retrieveToken): the user's stored token
response of an identity provider, for a client whose token carries ``broker``'s ``read-token`` role. The checks
are the core's (broker/token_retrieval.py); this handler reads the bearer token, records the event and answers.

Every answer once the token's client is known goes through getTokenV1's ``corsResponse``, which since Keycloak
26.6.3 is ``Cors.checkAllowedOrigins(session, client)``: a CORS request from an origin the client does not allow
(oauth/origin_check.py) throws ``ForbiddenException("Invalid origin")``, which the method's ``catch
(WebApplicationException)`` turns into its response (403, empty body) after an ``_ERROR`` event
``identity_provider_error`` with reason "Invalid origin" (a refusal's own event first). The stored token's answer
passes two such catches (the inner one answers through ``corsResponse`` again), so it records that event twice; a
due refresh has happened and is kept (the ``finally``). An allowed origin gets CORS on refusals too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response

from doorkeep import events
from doorkeep.broker import stored_tokens, token_retrieval
from doorkeep.errors import AdminError
from doorkeep.model import Realm
from doorkeep.oauth.claims import allowed_origins
from doorkeep.oauth.origin_check import foreign_origin
from doorkeep.vault import RealmVault
from doorkeep.web import cors
from doorkeep.web.broker import client_key
from doorkeep.web.http import (
    NO_CACHE,
    admin_error,
    base_url,
    client_ip,
    in_transaction,
    json_response,
    resource_presentation,
    state,
)
from doorkeep.web.login_pages import error_page

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

INVALID_ORIGIN_REASON = "Invalid origin"  # DefaultCors.checkOrigin's ForbiddenException message
# AbstractOAuth2IdentityProvider.retrieveToken's WebApplicationException: a refresh the provider refused, an answer
# that is no token response, or none at all is 502 ``{"errorMessage": "Unable to refresh token"}``, which getTokenV1's
# inner catch answers through corsResponse after its _ERROR event. Keycloak's reason for a refused refresh quotes the
# provider's whole answer; Doorkeep keeps the provider's answer out of events and uses this text for all three.
REFRESH_FAILED = "Unable to refresh token"
V2_NOT_ENABLED = "Identity Brokering API feature not enabled"  # getTokenV2 without IDENTITY_BROKERING_API_V2


async def retrieve_token(request: Request) -> Response:
    """The stored token response (200, JSON, CORS for the client's web origins), refreshed first when it is due
    (the provider asked outside any transaction), else Keycloak's refusal."""
    alias = request.path_params["alias"]
    services = state(request).services
    presented = resource_presentation(request)
    due: list[tuple[token_retrieval.Retrieved, dict[str, Any], Realm]] = []

    async def work(tx: Tx) -> Response | None:
        realm = await tx.realms.get_by_name(request.path_params["realm"])
        if realm is None:
            raise AdminError(404, "Realm does not exist", key="error")
        tx.config.bind(realm)
        issuer = f"{base_url(request)}/realms/{realm.name}"
        result = await token_retrieval.retrieve(tx, services, realm, issuer, presented, alias)
        client = result.client.client_id if result.client else None
        user = result.user.id if result.user else None
        event = token_retrieval.EVENT
        details = {"identity_provider": alias}
        now, ip = services.clock.now(), client_ip(request)
        if isinstance(result, token_retrieval.Retrieved):
            stored = stored_tokens.due(result.provider, result.token, now)
            if stored is not None:
                due.append((result, stored, realm))
                return None
            if _foreign(request, result):
                return await _invalid_origin(tx, request, realm, result, alias, 2)
            await events.record(tx, realm, event, now=now, client_id=client, user_id=user, ip=ip, details=details)
            return _answer(request, result.token, result)
        return await _refused(tx, request, realm, result, details)

    try:
        answer = await in_transaction(request, work)
    except AdminError as err:
        return admin_error(err)
    if answer is not None:
        return answer
    ((result, stored, realm),) = due
    config = result.provider.get("config") or {}
    key = await client_key(request, realm, str(config.get("clientAuthMethod") or ""), config)
    try:
        vault = RealmVault(services.vault, realm.name)
        now, lifespan = services.clock.now(), realm.access_code_lifespan
        token = await stored_tokens.refreshed(result.provider, stored, now, vault, key, lifespan)
    except stored_tokens.BrokerError:
        failed = token_retrieval.Refused(
            502,
            REFRESH_FAILED,
            token_retrieval.IDENTITY_PROVIDER_ERROR,
            REFRESH_FAILED,
            client=result.client,
            user=result.user,
        )
        return await in_transaction(
            request, lambda tx: _refused(tx, request, realm, failed, {"identity_provider": alias})
        )

    async def keep(tx: Tx) -> Response:
        await tx.federated.set_token(result.user.id, alias, token)
        if _foreign(request, result):  # refreshed and kept all the same (the ``finally``)
            return await _invalid_origin(tx, request, realm, result, alias, 2)
        client, now, ip = result.client.client_id, services.clock.now(), client_ip(request)
        details = {"identity_provider": alias}
        await events.record(
            tx, realm, token_retrieval.EVENT, now=now, client_id=client, user_id=result.user.id, ip=ip, details=details
        )
        return _answer(request, token, result)

    return await in_transaction(request, keep)


async def retrieve_token_v2(request: Request) -> Response:
    """``POST``, Keycloak's brokering API v2 (getTokenV2): a feature Keycloak leaves off by default and Doorkeep does
    not serve, so its answer with the feature off: 400 ``invalid_request`` after an ``_ERROR`` event naming the
    provider, before any client or token is read."""
    alias = request.path_params["alias"]
    services = state(request).services

    async def work(tx: Tx) -> Response:
        realm = await tx.realms.get_by_name(request.path_params["realm"])
        if realm is None:
            raise AdminError(404, "Realm does not exist", key="error")
        tx.config.bind(realm)
        details = {"identity_provider": alias, "reason": V2_NOT_ENABLED}
        error = token_retrieval.IDENTITY_PROVIDER_ERROR
        now, ip = services.clock.now(), client_ip(request)
        await events.record(tx, realm, f"{token_retrieval.EVENT}_ERROR", now=now, ip=ip, error=error, details=details)
        return json_response({"error": "invalid_request", "error_description": V2_NOT_ENABLED}, 400)

    try:
        return await in_transaction(request, work)
    except AdminError as err:
        return admin_error(err)


def _answer(request: Request, token: str, result: token_retrieval.Retrieved) -> Response:
    answer = Response(token, 200, NO_CACHE, media_type="application/json")
    return _cors(request, answer, result)


def _cors(request: Request, answer: Response, result: token_retrieval.Retrieved | token_retrieval.Refused) -> Response:
    """corsResponse for an origin the token's client allows: its resolved web origins."""
    client = result.client
    return cors.allow_token_origins(request, answer, allowed_origins(client, base_url(request)) if client else None)


def _foreign(request: Request, result: token_retrieval.Retrieved | token_retrieval.Refused) -> bool:
    """Whether corsResponse's ``checkAllowedOrigins(session, client)`` refuses this request's Origin."""
    if result.client is None:
        return False
    origin, base = request.headers.get("origin"), base_url(request)
    return foreign_origin(origin, result.client, base, base)  # the request's own origin as the frontend URL gives it


async def _invalid_origin(
    tx: Tx,
    request: Request,
    realm: Realm,
    result: token_retrieval.Retrieved | token_retrieval.Refused,
    alias: str,
    times: int,
) -> Response:
    """The ForbiddenException's 403 (no body, no CORS), each ``catch (WebApplicationException)`` it passed having
    recorded its ``_ERROR`` event with reason "Invalid origin"."""
    client = result.client.client_id if result.client else None
    user = result.user.id if result.user else None
    details = {"identity_provider": alias, "reason": INVALID_ORIGIN_REASON}
    now, ip = state(request).services.clock.now(), client_ip(request)
    for _ in range(times):
        error = token_retrieval.IDENTITY_PROVIDER_ERROR
        await events.record(
            tx,
            realm,
            f"{token_retrieval.EVENT}_ERROR",
            now=now,
            client_id=client,
            user_id=user,
            ip=ip,
            error=error,
            details=dict(details),
        )
    return Response(b"", 403, NO_CACHE)


async def _refused(
    tx: Tx, request: Request, realm: Realm, result: token_retrieval.Refused, details: dict[str, str]
) -> Response:
    """The refusal's error event (its error and reason) and its answer: Keycloak's error page or JSON."""
    client = result.client.client_id if result.client else None
    user = result.user.id if result.user else None
    if result.reason:
        details["reason"] = result.reason
    error_type = f"{token_retrieval.EVENT}_ERROR"
    now, ip = state(request).services.clock.now(), client_ip(request)
    await events.record(
        tx, realm, error_type, now=now, client_id=client, user_id=user, ip=ip, error=result.error, details=details
    )
    if result.page:
        return error_page(request, realm, result.message, result.status)
    if _foreign(request, result):
        return await _invalid_origin(tx, request, realm, result, details["identity_provider"], 1)
    return _cors(request, json_response({"errorMessage": result.message}, result.status), result)
