"""The Account REST's ``linked-accounts/{alias}`` routes (GET: the link URL, DELETE: unlink); the decisions are
broker/account_links.py's. ``answer`` is web/account.py's authenticate-then-run wrapper."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.broker import account_links
from doorkeep.users.account import Caller
from doorkeep.web.http import NO_CACHE, json_response, state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

Work = Callable[["Tx", Caller], Awaitable[Response]]
Answer = Callable[..., Awaitable[Response]]


def routes(base: str, answer: Answer) -> list[Route]:
    async def link(request: Request) -> Response:
        alias = request.path_params["alias"]
        if request.method == "DELETE":

            async def remove(tx: Tx, caller: Caller) -> Response:
                await account_links.unlink(tx, caller, alias)
                return Response(status_code=204)

            return await answer(request, remove)

        async def uri(tx: Tx, caller: Caller) -> Response:
            redirect_uri = request.query_params.get("redirectUri")
            legacy = state(request).services.oidc.allow_client_initiated_account_linking
            rep = await account_links.link_uri(tx, caller, alias, redirect_uri, legacy_linking=legacy)
            return json_response(rep, headers=NO_CACHE)

        return await answer(request, uri, write=False)

    return [Route(f"{base}/linked-accounts/{{alias}}", link, methods=["GET", "DELETE"])]
