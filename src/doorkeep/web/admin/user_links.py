"""Admin REST: a user's links to the realm's identity providers (UserResource's ``federated-identity``).

``GET`` (view-users) lists the links whose alias names a provider the realm has, in the order they were made,
as FederatedIdentityRepresentations; ``POST federated-identity/{provider}`` (manage-users) links the user to the
account of the body (``userId``, ``userName``) under the path's alias, which Keycloak does not check: 409 "User
is already linked with provider" when a link to that alias exists; ``DELETE`` unlinks, 404 "Link not found".
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin.unknown_properties import refuse_unknown
from doorkeep.broker import providers as idp
from doorkeep.errors import AdminError
from doorkeep.model import FederatedIdentity
from doorkeep.users import federated_links
from doorkeep.web import handlers
from doorkeep.web.admin import common
from doorkeep.web.http import json_response

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

USER = "/{realm}/users/{id}"


async def listing(request: Request) -> Response:
    async def work(tx: Tx) -> Response:
        realm = await common.admin_realm(request, tx, "view-users")
        user = await common.user_of(tx, realm, request.path_params["id"])
        aliases = {p.get("alias") for p in idp.all_of(realm)}
        links = [federated_links.representation(f) for f in await tx.federated.of_user(user.id) if f.alias in aliases]
        return json_response(links)

    return await handlers.answer(request, work, write=False)


async def link(request: Request) -> Response:
    async def work(tx: Tx, body: Any) -> Response:
        realm = await common.admin_realm(request, tx, "manage-users")
        user = await common.user_of(tx, realm, request.path_params["id"])
        if not isinstance(body, dict):
            raise common.MISMATCHED_INPUT
        refuse_unknown(await request.body(), federated_links.KEYS, "FederatedIdentityRepresentation")
        alias = request.path_params["provider"]
        if any(f.alias == alias for f in await tx.federated.of_user(user.id)):
            raise AdminError(409, "User is already linked with provider")
        user_id, username = body.get("userId"), body.get("userName")
        await tx.federated.add(
            realm.id,
            FederatedIdentity(
                user.id, alias, None if user_id is None else str(user_id), None if username is None else str(username)
            ),
        )
        return common.no_content()

    return await handlers.answer_with_body(request, work)


async def unlink(request: Request) -> Response:
    async def work(tx: Tx) -> Response:
        realm = await common.admin_realm(request, tx, "manage-users")
        user = await common.user_of(tx, realm, request.path_params["id"])
        if not await tx.federated.remove(user.id, request.path_params["provider"]):
            raise common.not_found("Link not found")
        return common.no_content()

    return await handlers.answer(request, work)


ROUTES = [
    Route(f"{USER}/federated-identity", listing, methods=["GET"]),
    Route(f"{USER}/federated-identity/{{provider}}", link, methods=["POST"]),
    Route(f"{USER}/federated-identity/{{provider}}", unlink, methods=["DELETE"]),
]
