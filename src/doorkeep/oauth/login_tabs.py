"""A browser's logins in several tabs (Keycloak's root authentication session with one authentication session per
``tab_id``): which root a new tab joins, and what a tab answers when its login expired or is gone while a login
finished in this browser since it began.

- A new tab joins the root the AUTH_SESSION_ID cookie names while that root has a tab (AuthenticationSessionManager.
  createAuthenticationSession), else a new root is made. A root at its limit of tabs drops its oldest
  (RootAuthenticationSessionAdapter.createAuthenticationSession, ``authSessionsLimit``).
- At the authorization endpoint (AuthorizationEndpointBase.createAuthenticationSession, for a tab sent straight to
  an identity provider by ``kc_idp_hint`` too): without a root that has a tab, the tab goes in the root of the
  session the identity cookie names (getUserSessionFromAuthenticationCookie's fallback), made again under that id;
  never in that of a session a stale AUTH_SESSION_ID shares its id with.
- A tab whose login expired or is gone, the user being logged in since (another tab, the KC_RESTART cookie
  expired by that login): the tab's client gets ``temporarily_unavailable`` / ``authentication_expired`` at the
  redirect URI the tab's request named (checked against the client's redirect URIs again,
  LoginProtocol.Error.ALREADY_LOGGED_IN), with a ``*_ERROR`` event ``already_logged_in`` and
  ``redirected_to_client=true``; without a request to answer, info.ftl's "You are already logged in."
  (``redirected_to_client=false``). The login is known by the identity cookie, or, for a tab that is gone, by
  the user session of the root AUTH_SESSION_ID names while that root still is (getUserSessionFromAuthenticationCookie).

The web layer (``web.login_tabs``) reads the cookies and the URL and renders what these functions decide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep import events
from doorkeep.model import AuthSession, Client, Realm, User
from doorkeep.oauth import client_data, login_session, redirect_uris
from doorkeep.oauth.authorize import AuthRequest, RedirectingError
from doorkeep.oauth.authorize_redirects import target
from doorkeep.oauth.client_data import ClientData
from doorkeep.sessions import sso

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx

ALREADY_LOGGED_IN, AUTHENTICATION_EXPIRED = "already_logged_in", "authentication_expired"  # Errors, Constants
INVALID_REDIRECT_URI = "Invalid parameter: redirect_uri"
INVALID_REQUEST = "Invalid Request"  # Messages.INVALID_REQUEST
INVALID_CODE = "An error occurred, please login again through your application."  # Messages.INVALID_CODE
COOKIE_MISMATCH = "cookie does not match auth_session query parameter"
_MAX_ROOT = 64  # the auth_sessions.root_id column
BROKER = "broker"  # IdentityBrokerService (``/broker/{alias}/login`` and ``/endpoint``), by its event below
# The event each login-actions endpoint records (LoginActionsService's EventBuilder), ``_ERROR`` on a failure.
EVENT_TYPES = {
    "authenticate": "LOGIN",
    "registration": "REGISTER",
    "reset-credentials": "RESET_PASSWORD",
    "required-action": "CUSTOM_REQUIRED_ACTION",
    "consent": "LOGIN",
    "restart": "RESTART_AUTHENTICATION",  # LoginActionsService.restartSession
    # LoginActionsService.brokerLoginFlow; Doorkeep's post broker login flow posts its OTP form to ``authenticate``
    # (the login then noted ``post_broker``), its first broker login pages to ``first-broker-login``
    "first-broker-login": "IDENTITY_PROVIDER_FIRST_LOGIN",
    "post-broker-login": "IDENTITY_PROVIDER_POST_LOGIN",
    BROKER: "IDENTITY_PROVIDER_LOGIN",  # IdentityBrokerService's EventBuilder: the provider button and its answer
}


async def root_for_new_tab(tx: Tx, realm: Realm, cookie: str | None, limit: int) -> str:
    """The root authentication session a new tab joins: the cookie's while it has a tab (even expired, until it
    is purged, so that its page can still learn that the user logged in meanwhile), room made for the new tab
    when it holds ``limit`` already; else a new root."""
    root = cookie or ""
    return root if await _joined(tx, realm, root, limit) else login_session.new_root_id()


async def _joined(tx: Tx, realm: Realm, root: str, limit: int) -> bool:
    """Whether ``root`` (a cookie's value) has a tab; if so, room is made in it for one more."""
    if 0 < len(root) <= _MAX_ROOT and await tx.flows.root_alive(realm.id, root, None):
        await tx.flows.drop_oldest_tabs(realm.id, root, limit - 1)
        return True
    return False


async def root_for_authorization(
    tx: Tx, services: Services, realm: Realm, cookie: str | None, identity_cookie: str | None, issuer: str, limit: int
) -> str:
    """AuthorizationEndpointBase.createAuthenticationSession: the cookie's root while it has a tab; else, while the
    identity cookie names a valid session of an enabled user (getUserSessionFromAuthenticationCookie falls back to
    it, as a root that is gone resolves no session: "we can't blindly trust the cookie"), the root of that
    session's id, made again when it is gone, so that a logout of the session (backchannelLogout removes the root
    of its id) ends this tab too; else a new root. A stale AUTH_SESSION_ID (another user's finished login) thus
    never joins its session. Keycloak's branch for a disabled user's session cannot be reached that way (the
    identity cookie of a disabled user resolves nothing), so none is logged out here."""
    root = cookie or ""
    if await _joined(tx, realm, root, limit):
        return root
    found = await sso.current_session(tx, services, realm, issuer, identity_cookie)
    if found is None:
        return login_session.new_root_id()
    await tx.flows.drop_oldest_tabs(realm.id, found[0].id, limit - 1)  # getRootAuthenticationSession(userSessionId)
    return found[0].id


@dataclass(frozen=True)
class Browsed:
    """What the web layer reads for ``already_logged_in``: the identity cookie, the URL's ``client_id`` and
    ``client_data``, the realm's issuer and base URL, the client address; the root authentication session the
    AUTH_SESSION_ID cookie names, read for a tab that is gone."""

    identity_cookie: str | None
    client_id: str | None
    client_data: str | None
    issuer: str
    base_url: str
    ip: str
    root: str | None = None


@dataclass(frozen=True)
class AlreadyLoggedInPage:
    """info.ftl's "You are already logged in.", in ``user``'s language."""

    user: User


@dataclass(frozen=True)
class ErrorText:
    """The error page's text."""

    text: str


async def already_logged_in(
    tx: Tx,
    services: Services,
    realm: Realm,
    action: str,
    auth_session: AuthSession | None,
    browsed: Browsed,
) -> AlreadyLoggedInPage | ErrorText | RedirectingError | None:
    """The answer to a tab whose login expired or is gone while a login finished in this browser since it
    began; None when no SSO session is there (or it is older than the tab: a re-authentication's)."""
    current = await sso.current_session(tx, services, realm, browsed.issuer, browsed.identity_cookie)
    if (
        current is None
        and auth_session is None
        and browsed.root
        and await tx.flows.root_alive(realm.id, browsed.root, None)
    ):
        # SessionCodeChecks.initialVerifyAuthSession: no tab, but the root's user session is there; only while the
        # root itself is (AuthenticationSessionManager.getAuthSessionCookies: "we can't blindly trust the cookie"
        # and resolve a user session from a root that is gone, as they share the id). A stale AUTH_SESSION_ID of a
        # finished login thus restarts from KC_RESTART (RefreshTokenTest.testTimeoutWhenReUsingPrevious-
        # AuthenticationSession).
        current = await sso.session_of_root(tx, services, realm, browsed.root)
    if current is None:
        return None
    session, user = current
    if auth_session is not None and session.auth_time < auth_session.started:
        return None
    event_type = EVENT_TYPES.get(action, "LOGIN")
    now = services.clock.now()
    data: ClientData | None
    if auth_session is not None:  # the tab's own request, kept on the server
        await tx.flows.delete_auth_session(auth_session.id)
        client = await tx.clients.get(auth_session.client_id)
        stored = AuthRequest.from_json(auth_session.request)
        data = ClientData(stored.redirect_uri, stored.response_type, stored.response_mode, stored.state)
    else:  # a finished (or purged) tab: its URL's client_id and client_data
        client = await tx.clients.get_by_client_id(realm.id, browsed.client_id) if browsed.client_id else None
        raw = browsed.client_data
        try:  # decodeClientDataFromParameter: a blank parameter is no client data (ObjectUtil.isBlank), not an error
            data = client_data.decode(raw) if raw is not None and raw.strip() else None
        except ValueError:  # ClientData.decodeClientDataFromParameter failed: INVALID_REQUEST
            known = client.client_id if client is not None else None
            await events.record(
                tx, realm, f"{event_type}_ERROR", now=now, ip=browsed.ip, error="invalid_request", client_id=known
            )
            return ErrorText(INVALID_REQUEST)
    if client is None or not client.enabled or data is None or not data.redirect_uri:
        details = {"redirected_to_client": "false"}
        known = client.client_id if client is not None else None  # the event names a client it found
        await events.record(
            tx,
            realm,
            f"{event_type}_ERROR",
            now=now,
            client_id=known,
            ip=browsed.ip,
            error=ALREADY_LOGGED_IN,
            details=details,
        )
        return AlreadyLoggedInPage(user)
    return await _send_error(tx, realm, client, data, event_type, browsed, now)


async def _send_error(
    tx: Tx, realm: Realm, client: Client, data: ClientData, event_type: str, browsed: Browsed, now: int
) -> ErrorText | RedirectingError:
    """OIDCLoginProtocol.sendError(client, clientData, ALREADY_LOGGED_IN): the redirect URI checked against the
    client's again (``invalid_redirect_uri`` and its error page when it no longer is one of them)."""
    mode = data.response_mode or "query"
    kept = redirect_uris.resolve(data.redirect_uri, client, browsed.base_url)
    details = {"response_type": data.response_type, "response_mode": mode}
    if kept is None:
        await events.record(
            tx,
            realm,
            "LOGIN_ERROR",
            now=now,
            client_id=client.client_id,
            ip=browsed.ip,
            error="invalid_redirect_uri",
            details={"redirect_uri": data.redirect_uri, **details},
        )
        return ErrorText(INVALID_REDIRECT_URI)
    await events.record(
        tx,
        realm,
        f"{event_type}_ERROR",
        now=now,
        client_id=client.client_id,
        ip=browsed.ip,
        error=ALREADY_LOGGED_IN,
        details={"redirect_uri": kept, "redirected_to_client": "true", **details},
    )
    return RedirectingError("temporarily_unavailable", AUTHENTICATION_EXPIRED, target(client, kept, mode, data.state))


@dataclass(frozen=True)
class NamedLogin:
    """A login-actions URL's ``auth_session_id`` and what the browser sends with it."""

    named: str
    cookie_root: str | None
    client_id: str | None
    tab_id: str | None
    ip: str


async def named_elsewhere(tx: Tx, services: Services, realm: Realm, action: str, url: NamedLogin) -> ErrorText | None:
    """SessionCodeChecks.initialVerifyAuthSession: the URL's ``auth_session_id`` names a live login of this realm,
    for the URL's client and tab (getAuthenticationSessionByEncodedIdAndClient), that the browser's AUTH_SESSION_ID
    does not name, or the browser sends none: INVALID_CODE and a ``*_ERROR`` ``invalid_code`` with the reason. A
    value naming no such login changes nothing (the browser's own cookie decides), as Keycloak finds none."""
    now = services.clock.now()
    root = await services.codec.signed_id(tx, realm.id, url.named, now)
    client = await tx.clients.get_by_client_id(realm.id, url.client_id) if url.client_id else None
    if root is None or client is None or not url.tab_id or root == url.cookie_root:
        return None
    tab = await tx.flows.get_tab(realm.id, root, url.tab_id, None)
    if tab is None or tab.client_id != client.id or tab.expires <= now:
        return None
    await events.record(
        tx,
        realm,
        f"{EVENT_TYPES.get(action, 'LOGIN')}_ERROR",
        now=now,
        client_id=client.client_id,
        ip=url.ip,
        error="invalid_code",
        details={"reason": COOKIE_MISMATCH},
    )
    return ErrorText(INVALID_CODE)
