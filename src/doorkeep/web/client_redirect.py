"""``GET /realms/{realm}/clients/{client_id}/redirect`` (Keycloak's RealmsResource.getRedirect): a link to a
client by its client id, answered with a 303 to the client's URL. The URL is the root URL when the base URL is
empty, else the base URL resolved against the root URL (ResolveRelative: ``${authBaseUrl}`` is the server's
URL, a relative base URL without a root URL joins the server's origin). A client unknown or with neither URL gets an
empty 204 (the resource method returns null); an unknown realm 404 "Realm does not exist"."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from doorkeep.model import Client
from doorkeep.oauth.redirect_uris import server_origin
from doorkeep.users.account import effective_url
from doorkeep.web.http import RealmNotFound, base_url, in_transaction

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

PLACEHOLDERS = ("${authBaseUrl}", "${authAdminUrl}")


def target(client: Client, server: str) -> str | None:
    """Where the link leads (None: nowhere)."""
    root, base = client.root_url, client.base_url
    if root is None and base is None:
        return None
    if root is not None and not base:
        for placeholder in PLACEHOLDERS:
            if root.startswith(placeholder):
                return server + root[len(placeholder) :]
        return root
    return effective_url(client, server)


def resolved(url: str | None, server: str) -> str | None:
    """A client's URL as a page links to it ("Back to Application"): a root URL placeholder (``${authBaseUrl}``,
    ``${authAdminUrl}``) at its start is the server's URL, a path alone joins the server's (ResolveRelative, as
    Keycloak resolves it before the page is drawn: ``replacePath``, so the server's origin without its path); any
    other URL as it is."""
    if not url:
        return None
    for placeholder in PLACEHOLDERS:
        if url.startswith(placeholder):
            return server + url[len(placeholder) :]
    return server_origin(server) + url if url.startswith("/") else url


async def redirect(request: Request) -> Response:
    name, client_id = request.path_params["realm"], request.path_params["client_id"]

    async def find(tx: Tx) -> tuple[bool, Client | None]:
        realm = await tx.realms.get_by_name(name)
        if realm is None:
            return False, None
        return True, await tx.config.client(realm.id, client_id)

    known, client = await in_transaction(request, find, write=False)
    if not known:
        raise RealmNotFound
    url = None if client is None else target(client, base_url(request))
    if not url:
        return Response(status_code=204)
    return RedirectResponse(url, status_code=303)
