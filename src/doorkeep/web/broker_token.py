"""``GET /realms/{realm}/broker/{alias}/token`` (IdentityBrokerService.retrieveToken): the user's stored token
response of an identity provider, for a client whose token carries ``broker``'s ``read-token`` role. The checks
are the core's (broker/token_retrieval.py); this handler reads the bearer token, records the event and answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from doorkeep import events
from doorkeep.broker import token_retrieval
from doorkeep.errors import AdminError
from doorkeep.oauth.claims import allowed_origins
from doorkeep.web import cors
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


async def retrieve_token(request: Request) -> Response:
    """The stored token response (200, JSON, CORS for the client's web origins), else Keycloak's refusal."""
    alias = request.path_params["alias"]
    services = state(request).services
    presented = resource_presentation(request)

    async def work(tx: Tx) -> Response:
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
            await events.record(tx, realm, event, now=now, client_id=client, user_id=user, ip=ip, details=details)
            answer = Response(result.token, 200, NO_CACHE, media_type="application/json")
            return cors.allow_token_origins(request, answer, allowed_origins(result.client, base_url(request)))
        if result.reason:
            details["reason"] = result.reason
        error_type = f"{event}_ERROR"
        await events.record(
            tx, realm, error_type, now=now, client_id=client, user_id=user, ip=ip, error=result.error, details=details
        )
        if result.page:
            return error_page(request, realm, result.message, result.status)
        return json_response({"errorMessage": result.message}, result.status)

    try:
        return await in_transaction(request, work)
    except AdminError as err:
        return admin_error(err)
