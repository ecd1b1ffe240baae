"""Admin REST: ``POST /admin/realms/{realm}/users/{id}/impersonation`` (Keycloak 26's UserResource.impersonate).

The caller needs the realm-management ``impersonation`` role (``realm-admin`` and master's ``admin`` include it);
Keycloak checks nothing of the user impersonated beyond its being enabled and not a service account, so an
administrator may be impersonated too. The answer carries the new session's SSO cookies, set for the realm's
path as a login sets them, and tells the console where to send the browser: a one-time link on the realm's
frontend URL that sets the same cookies there (web/impersonation_link.py), then opens the account console.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import quote, urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin import impersonation
from doorkeep.email import action_tokens
from doorkeep.errors import AdminError
from doorkeep.model import Realm, UserSession
from doorkeep.web import cookies, impersonation_link
from doorkeep.web.admin import common
from doorkeep.web.admin.auth import AdminIdentity
from doorkeep.web.http import base_url, client_ip, issuer, json_response, state
from doorkeep.web.login_responses import set_login_cookies

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

FEATURE = "impersonation"
FEATURE_DISABLED = AdminError(501, "Feature not enabled", key="error")


@dataclass(frozen=True)
class Started:
    """An impersonation begun: the new session, and where the console sends the browser."""

    same_realm: bool
    redirect: str
    session: UserSession


async def start(request: Request, tx: Tx, caller: AdminIdentity, realm: Realm, user_id: str, now: int) -> Started:
    """UserResource.impersonate up to its answer: the user found as UsersResource finds it, the ``impersonation``
    role required (after the feature, which --features-disabled may turn off: 501), the session made (shared by
    the REST call and the Admin Console's Impersonate button)."""
    user = await common.located_user(tx, caller, realm, user_id)
    if state(request).settings.feature_disabled(FEATURE):  # ProfileHelper.requireFeature, before the role check
        raise FEATURE_DISABLED
    caller.require(realm, "impersonation")
    admin = impersonation.Impersonator(caller.user, caller.realm, caller.session_id)
    done = await impersonation.impersonate(tx, realm, user, admin, ip=client_ip(request), now=now)
    return Started(done.same_realm, await _link(request, tx, realm, admin, done.session, now), done.session)


async def _link(
    request: Request, tx: Tx, realm: Realm, admin: impersonation.Impersonator, session: UserSession, now: int
) -> str:
    """LoginActionsService.actionTokenProcessor with an ImpersonateActionToken for ``session``, on the realm's
    frontend URL, sending the browser on to the account console (web/impersonation_link.py)."""
    realm_url = f"{base_url(request)}/realms/{quote(realm.name, safe='')}"
    token = action_tokens.new(
        action_tokens.IMPERSONATE,
        session.user_id,
        "",
        now,
        impersonation_link.LIFESPAN,
        redirect_uri=f"{realm_url}/account",
        impersonator=admin.user.username,
        impersonator_id=admin.user.id,
        impersonator_realm=admin.realm.name,
        session_id=session.id,
    )
    key = await action_tokens.serialize(tx, state(request).services, realm.id, issuer(request, realm.name), token)
    return f"{realm_url}/login-actions/action-token?{urlencode({'key': key})}"


async def set_cookies(request: Request, tx: Tx, realm: Realm, started: Started, response: Response) -> None:
    """The new session's SSO cookies on ``response``; in the administrator's own realm the cookies of their
    session are expired first (DefaultCookieProvider.expire: only the cookies the request carries)."""
    if started.same_realm:
        cookies.expire(request, response, realm, *impersonation_link.EXPIRED_FIRST)
    await set_login_cookies(request, tx, realm, started.session, response)


async def impersonate(request: Request) -> Response:
    """``{"sameRealm": bool, "redirect": "<frontend>/realms/{realm}/login-actions/action-token?key=…"}`` and the SSO
    cookies of the new session."""
    now = state(request).services.clock.now()

    async def work(call: common.RealmCall) -> Response:
        started = await start(request, call.tx, call.identity, call.realm, request.path_params["id"], now)
        response = json_response({"sameRealm": started.same_realm, "redirect": started.redirect})
        await set_cookies(request, call.tx, call.realm, started, response)
        return response

    return await common.run_realm(request, work)


ROUTES: list[Route] = [Route("/{realm}/users/{id}/impersonation", impersonate, methods=["POST"])]
