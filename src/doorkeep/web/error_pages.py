"""The error page a browser gets where a REST client gets JSON, as Keycloak's KeycloakErrorHandler draws it.

Keycloak maps every exception a resource lets escape (an unknown path, a wrong method, a realm that does not
exist, an uncaught error) in one place. A request whose Accept header names a type that ``text/html`` matches
(``MediaTypeMatcher.isHtmlRequest``: ``text/html`` or ``text/*``, never ``*/*``) gets the login theme's
error.ftl, with the same status: "Page not found" for a 404, "An internal server error has occurred" for any
other. The realm drawing the page is the one the path names after ``/realms/`` (``/admin/realms/x/...`` too),
else, or when it does not exist, master; the page speaks that realm's language, and offers its locale dropdown
when internationalization is on. Any other request gets the JSON its caller already built. No page shows more
than that sentence: never a trace, an exception's class or its message.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.model import Realm
from doorkeep.web.http import in_transaction, wants_html
from doorkeep.web.login_pages import error_page

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

PAGE_NOT_FOUND = "Page not found"  # Messages.PAGE_NOT_FOUND
SERVER_ERROR = "An internal server error has occurred"  # Messages.INTERNAL_SERVER_ERROR
MASTER = "master"  # Config.getAdminRealm()
_REALM_IN_PATH = re.compile(r".*/realms/([^/]+)")  # KeycloakErrorHandler.realmNamePattern
__all__ = ["page", "wants_html"]


async def page(request: Request, status: int) -> Response:
    """error.ftl for ``status``, in the realm the path names (master when it names none that exists)."""
    realm = await _realm(request)
    return error_page(request, realm, PAGE_NOT_FOUND if status == 404 else SERVER_ERROR, status)


async def _realm(request: Request) -> Realm:
    """``resolveRealm``: the path's realm by name, else master (which always exists)."""
    found = _REALM_IN_PATH.match(request.url.path)
    name = found.group(1) if found else MASTER

    async def load(tx: Tx) -> Realm:
        realm = await tx.realms.get_by_name(name) if name != MASTER else None
        realm = realm or await tx.realms.get_by_name(MASTER)
        if realm is None:
            raise LookupError("the master realm is missing")
        return realm

    return await in_transaction(request, load, write=False)
