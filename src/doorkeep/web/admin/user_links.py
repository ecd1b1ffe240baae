"""Admin REST: a user's links to the realm's identity providers (UserResource's ``federated-identity``): ``GET``
(view-users), ``POST federated-identity/{provider}`` and ``DELETE`` (manage-users); the rules are
broker/user_links.py's, shared with the Admin Console.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin.unknown_properties import refuse_unknown
from doorkeep.broker import user_links
from doorkeep.users import federated_links
from doorkeep.web import handlers
from doorkeep.web.admin import common
from doorkeep.web.http import json_response

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

USER = "/{realm}/users/{id}"


async def listing(request: Request) -> Response:
    async def work(tx: Tx) -> Response:
        caller, realm, user = await common.admin_user(request, tx)
        caller.require(realm, "view-users")
        return json_response([federated_links.representation(f) for f in await user_links.of_user(tx, realm, user)])

    return await handlers.answer(request, work, write=False)


async def link(request: Request) -> Response:
    async def work(tx: Tx, body: Any) -> Response:
        caller, realm, user = await common.admin_user(request, tx)
        caller.require(realm, "manage-users")
        if not isinstance(body, dict):
            raise common.MISMATCHED_INPUT
        refuse_unknown(await request.body(), federated_links.KEYS, "FederatedIdentityRepresentation")
        account_id, username = body.get("userId"), body.get("userName")
        await user_links.link(
            tx,
            realm,
            user,
            request.path_params["provider"],
            None if account_id is None else str(account_id),
            None if username is None else str(username),
        )
        return common.no_content()

    return await handlers.answer_with_body(request, work)


async def unlink(request: Request) -> Response:
    async def work(tx: Tx) -> Response:
        caller, realm, user = await common.admin_user(request, tx)
        caller.require(realm, "manage-users")
        await user_links.unlink(tx, user, request.path_params["provider"])
        return common.no_content()

    return await handlers.answer(request, work)


ROUTES = [
    Route(f"{USER}/federated-identity", listing, methods=["GET"]),
    Route(f"{USER}/federated-identity/{{provider}}", link, methods=["POST"]),
    Route(f"{USER}/federated-identity/{{provider}}", unlink, methods=["DELETE"]),
]
