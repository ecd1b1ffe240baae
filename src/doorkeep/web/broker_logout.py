"""``GET /realms/{realm}/broker/{alias}/endpoint/logout_response?state`` (OIDCIdentityProvider's
OIDCEndpoint.logoutResponse): the identity provider sends the browser back after its logout, and the session the
``state`` names, LOGGING_OUT since the browser left (broker/provider_logout.py), finishes its logout as the logout
request asked (web/browser_session.finish_logout). Where to go next was decided and checked when the logout began:
nothing in this request can change it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.broker import provider_logout
from doorkeep.broker import providers as idp
from doorkeep.oauth import logout as rp_logout
from doorkeep.web import locale as page_locale
from doorkeep.web.browser_session import Finish, finish_logout
from doorkeep.web.http import client_ip, in_transaction, state
from doorkeep.web.login_pages import error_page, open_realm

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

UNEXPECTED = "Unexpected error when authenticating with identity provider"  # IDENTITY_PROVIDER_UNEXPECTED_ERROR
SESSION_NOT_ACTIVE = "Session not active."  # Messages.SESSION_NOT_ACTIVE
NOT_FOUND = "Page not found"


async def logout_response(request: Request) -> Response:
    """The logout finished, or Keycloak's 400 error page (a LOGOUT_ERROR ``user_session_not_found``) for a missing
    ``state``, a session that is gone, or one that is not logging out."""
    realm = await open_realm(request)
    if isinstance(realm, Response):
        return realm
    if idp.by_alias(realm, request.path_params["alias"]) is None:  # getEndpoint's NotFoundException
        return error_page(request, realm, NOT_FOUND, 404)
    session_id = request.query_params.get("state")
    now = state(request).services.clock.now()

    async def work(tx: Tx) -> Response:
        tx.config.bind(realm)
        found = await tx.sessions.get_user_session(session_id, False) if session_id else None
        session = found if found is not None and found.realm_id == realm.id else None  # getUserSession(realm, id)
        pending = provider_logout.pending(session) if session is not None else None
        if pending is None:
            ip = client_ip(request)
            await rp_logout.record_error(
                tx, realm, "user_session_not_found", now=now, client_id=None, ip=ip, details={}
            )
            return error_page(request, realm, UNEXPECTED if session is None else SESSION_NOT_ACTIVE, 400)
        finish = Finish(
            [str(s) for s in pending.get("ending") or ()],
            _text(pending.get("client_id")),
            str(pending.get("recorded") or ""),
            _text(pending.get("target")),
            _text(pending.get("final")),
        )
        client = await tx.clients.get_by_client_id(realm.id, finish.client_id) if finish.client_id else None
        return await finish_logout(request, tx, realm, finish, client, page_locale.language(request, realm))

    return await in_transaction(request, work)


def _text(value: object) -> str | None:
    return value if isinstance(value, str) else None
