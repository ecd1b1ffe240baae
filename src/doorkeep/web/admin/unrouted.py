"""The checks Keycloak makes before it matches an admin path Doorkeep does not route.

Keycloak's AdminRoot reaches ``realms`` and ``serverinfo`` through sub-resource locators that authenticate the
bearer token before RESTEasy looks at the rest of the path, and RealmsAdminResource's ``{realm}`` locator then
loads the realm (404 "Realm not found.") and refuses a caller from another realm (403). So a path nobody serves,
or one Doorkeep lacks, is a 401 to a caller without a valid token, like any served path.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.errors import AdminError
from doorkeep.web import handlers
from doorkeep.web.admin.auth import authenticate
from doorkeep.web.admin.common import enter_realm

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


async def refusal(request: Request, *, realm: bool = True) -> Response | None:
    """The 401, 404 or 403 Keycloak answers before matching this admin path, or None when the caller got through.
    ``realm=False`` checks the token only: a path whose segments an encoded ``/`` split names no realm."""

    async def check(tx: Tx) -> None:
        segments = request.scope.get("path", "").split("/")
        if realm and segments[2] == "realms":
            await enter_realm(request, tx, segments[3])  # no route bound ``{realm}``: the path's own segment
        else:
            await authenticate(request, tx)

    try:
        await handlers.unit_of_work(request, check, write=False)
    except AdminError as err:
        return handlers.render_error(err)
    return None
