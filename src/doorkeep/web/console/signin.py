"""Signing in to a console as a public OIDC client of the realm, through Doorkeep's own login page.

Authorization code + PKCE (S256) with ``state`` and ``nonce`` (OpenID Connect Core §3.1, RFC 7636): the
verifier, state, nonce and return path wait in a sealed cookie that lives as long as a login may
(``accessCodeLifespanLogin``). The code is exchanged, and the tokens later refreshed, by calling the
token endpoint's core in-process, so the events, sessions and rules are exactly a real client's.

The tokens live in a sealed (encrypted and authenticated) HttpOnly cookie scoped to the console's path,
not in a server-side table: nothing bearer-like is stored at rest, any worker or node can serve the
next request, a restart signs nobody out, and there is no table to clean. What makes a cookie
worthless is the session behind it: every page validates the access token (``access.validate``)
and a refresh fails once the session is gone, so signing out anywhere signs the console out.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode, urlsplit

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from doorkeep.errors import OAuthError
from doorkeep.model import Realm
from doorkeep.oauth import access, token_endpoint
from doorkeep.oauth.context import Form
from doorkeep.oauth.minted import TokenResponse
from doorkeep.tokens import unverified
from doorkeep.web.console import cookies
from doorkeep.web.http import admin_url, base_url, in_transaction, issuer, oauth_request, state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

SEGMENT = "!$&'()*+,;=:@"  # what a path segment keeps as it is (RFC 3986 §3.3)

REFRESH_MARGIN = 10  # refresh an access token this many seconds before it expires


@dataclass(frozen=True)
class Spec:
    """One console: its OIDC client and where it lives (``base`` has ``{realm}``, no trailing slash)."""

    client_id: str
    base: str
    admin: bool = False  # the admin console: served at --hostname-admin when given (Keycloak's authUrl)

    def server(self, request: Request) -> str:
        """The base URL this console is served at and signs in through."""
        return admin_url(request) if self.admin else base_url(request)

    def path(self, realm: str) -> str:
        """The console's path for ``realm``, the name percent-encoded as in the realm's URLs (and the redirect URIs
        the realm registered for this console: RealmManager's Encode.encodePathAsIs)."""
        return self.base.format(realm=quote(realm, safe=SEGMENT))

    def browser(self, request: Request, realm: str) -> str:
        """``path`` as the browser asks for it (under /auth with --http-relative-path /auth)."""
        return urlsplit(self.server(request)).path + self.path(realm)

    def cookie(self, kind: str) -> str:
        return f"DOORKEEP_CONSOLE_{kind}_{self.client_id.upper().replace('-', '_')}"

    def redirect_uri(self, request: Request, realm: str) -> str:
        return f"{self.server(request)}{self.path(realm)}/callback"


@dataclass(frozen=True)
class Session:
    """The signed-in user's tokens, the CSRF token bound to them, and when the access token expires."""

    access_token: str
    refresh_token: str
    id_token: str
    expires_at: int
    csrf: str

    def claims(self) -> dict[str, Any]:
        """The access token's claims (the token itself is validated by whoever acts on it)."""
        parsed = unverified(self.access_token)
        return parsed[1] if parsed else {}


def _scope(extra: str | None) -> str:
    """``openid`` plus the scopes the console's URL asked for (AccountConsole carries ``scope`` to the login)."""
    return " ".join(dict.fromkeys(["openid", *(extra or "").split()]))


def _challenge(verifier: str) -> str:
    return base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()


async def start(
    request: Request, realm: Realm, spec: Spec, return_to: str, *, kc_action: str | None = None
) -> Response:
    """Redirect to the authorization endpoint, remembering state, nonce and verifier in a sealed cookie;
    ``kc_action`` asks the login for an application-initiated action (keycloak-js ``login({action})``, as
    Keycloak's account console updates a credential)."""
    now = state(request).services.clock.now()
    flow = {
        "state": secrets.token_urlsafe(24),
        "nonce": secrets.token_urlsafe(24),
        "verifier": secrets.token_urlsafe(48),
        "return_to": return_to,
    }
    query = {
        "client_id": spec.client_id,
        "redirect_uri": spec.redirect_uri(request, realm.name),
        "response_type": "code",
        "response_mode": "query",
        "scope": _scope(request.query_params.get("scope")),
        "state": flow["state"],
        "nonce": flow["nonce"],
        "code_challenge": _challenge(flow["verifier"]),
        "code_challenge_method": "S256",
    }
    if kc_action is not None:
        query["kc_action"] = kc_action
    for name in ("kc_locale", "ui_locales"):  # the language asked of the console: its login speaks it too
        asked = request.query_params.get(name)
        if asked:
            query[name] = asked
    auth = f"{spec.server(request)}/realms/{realm.name}/protocol/openid-connect/auth"
    response = RedirectResponse(f"{auth}?{urlencode(query)}", 302)
    sealed = (await cookies.sealer(request, realm, spec.cookie("FLOW"))).seal(flow, now)
    cookies.write(
        request,
        response,
        spec.cookie("FLOW"),
        sealed,
        spec.browser(request, realm.name) + "/",
        realm.access_code_lifespan_login,
    )
    return response


class SignInFailed(Exception):
    """The callback cannot complete the sign-in; the message is for the person, in words."""


# An ``error_description`` that is a Keycloak message key rather than words (TermsAndConditions.processAction's
# ``context.failure(Messages.TERMS_AND_CONDITIONS_DECLINED)`` sends the key as it is, and Keycloak's login theme has
# no text for it): the console says what Keycloak's Account Console says for the error instead.
_MESSAGE_KEYS = {"termsAndConditionsDeclined"}
_ERROR_WORDS = {"access_denied": "Access denied"}


def _refusal_words(error: str, description: str | None) -> str:
    """The words for the authorization endpoint's error redirect: its description, unless that is a bare message
    key, then the console's words for the error."""
    if description and description not in _MESSAGE_KEYS:
        return description
    return _ERROR_WORDS.get(error, error)


async def finish(request: Request, realm: Realm, spec: Spec) -> tuple[Session, str]:
    """The callback: check state, exchange the code with the verifier, check the nonce."""
    now = state(request).services.clock.now()
    flow_sealer = await cookies.sealer(request, realm, spec.cookie("FLOW"))
    flow = flow_sealer.open(cookies.read(request, spec.cookie("FLOW")), realm.access_code_lifespan_login, now)
    given_state = request.query_params.get("state", "")
    if not isinstance(flow, dict) or not hmac.compare_digest(str(flow.get("state", "")).encode(), given_state.encode()):
        raise SignInFailed("The sign-in has expired or was started elsewhere. Please sign in again.")
    if "error" in request.query_params:
        raise SignInFailed(_refusal_words(request.query_params["error"], request.query_params.get("error_description")))
    code = request.query_params.get("code")
    if not code:
        raise SignInFailed("The sign-in did not return a code. Please sign in again.")
    body = await _token(
        request,
        realm,
        [
            ("grant_type", "authorization_code"),
            ("code", code),
            ("client_id", spec.client_id),
            ("redirect_uri", spec.redirect_uri(request, realm.name)),
            ("code_verifier", str(flow["verifier"])),
        ],
    )
    id_claims = unverified(str(body.get("id_token", "")))
    if id_claims is None or not hmac.compare_digest(
        str(id_claims[1].get("nonce", "")).encode(), str(flow["nonce"]).encode()
    ):
        raise SignInFailed("The sign-in could not be verified. Please sign in again.")
    return _session(body, now, secrets.token_urlsafe(32)), str(flow["return_to"])


def _session(body: TokenResponse, now: int, csrf: str, previous_id_token: str = "") -> Session:
    return Session(
        str(body["access_token"]),
        str(body.get("refresh_token", "")),
        str(body.get("id_token") or previous_id_token),
        now + int(body.get("expires_in", 60)),
        csrf,
    )


async def _token(request: Request, realm: Realm, pairs: list[tuple[str, str]]) -> TokenResponse:
    """Call the token endpoint's core in-process (a real token request, events included)."""
    services = state(request).services
    req = oauth_request(request, realm, Form(pairs))

    async def work(tx: Tx) -> TokenResponse:
        tx.config.bind(realm)
        return await token_endpoint.token(tx, services, req)

    try:
        return await in_transaction(request, work)
    except OAuthError as err:
        raise SignInFailed(err.description or err.error) from None


async def load(request: Request, realm: Realm, spec: Spec) -> tuple[Session | None, bool]:
    """The console session from its cookie, refreshed when its access token is about to expire.

    Returns ``(session, changed)``; ``changed`` means the cookie must be written again.
    """
    now = state(request).services.clock.now()
    sealer = await cookies.sealer(request, realm, spec.cookie("SESSION"))
    raw = sealer.open(cookies.read(request, spec.cookie("SESSION")), max(realm.sso_session_max_lifespan, 60), now)
    if not isinstance(raw, dict):
        return None, False
    try:
        session = Session(**raw)
    except TypeError:
        return None, False
    changed = False
    if session.expires_at - REFRESH_MARGIN <= now:
        try:
            body = await _token(
                request,
                realm,
                [
                    ("grant_type", "refresh_token"),
                    ("client_id", spec.client_id),
                    ("refresh_token", session.refresh_token),
                ],
            )
        except SignInFailed:
            return None, False
        session, changed = _session(body, now, session.csrf, session.id_token), True
    return (session, changed) if await _still_valid(request, realm, session) else (None, False)


async def _still_valid(request: Request, realm: Realm, session: Session) -> bool:
    """Keycloak's token validation of the access token: signature, expiry, its session still alive."""
    services = state(request).services

    async def check(tx: Tx) -> bool:
        tx.config.bind(realm)
        try:
            await access.validate(tx, services, realm, issuer(request, realm.name), session.access_token)
        except access.InvalidAccess:
            return False
        return True

    return await in_transaction(request, check, write=False)


async def save(
    request: Request, response: Response, realm: Realm, spec: Spec, session: Session, *, signed_in: bool = True
) -> None:
    """Write the session cookie; a finished sign-in (``signed_in``) also drops its flow cookie, which a page
    that refreshed its tokens must keep (it may be starting a sign-in for an action just now)."""
    now = state(request).services.clock.now()
    sealed = (await cookies.sealer(request, realm, spec.cookie("SESSION"))).seal(asdict(session), now)
    cookies.write(request, response, spec.cookie("SESSION"), sealed, spec.browser(request, realm.name) + "/", None)
    if signed_in:
        cookies.clear(request, response, spec.cookie("FLOW"), spec.browser(request, realm.name) + "/")


def end_session_url(request: Request, realm: Realm, spec: Spec, session: Session) -> str:
    """RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0) back to the console's start page."""
    query = {
        "client_id": spec.client_id,
        "id_token_hint": session.id_token,
        "post_logout_redirect_uri": f"{spec.server(request)}{spec.path(realm.name)}/",
    }
    return f"{spec.server(request)}/realms/{realm.name}/protocol/openid-connect/logout?{urlencode(query)}"


def forget(request: Request, response: Response, realm: Realm, spec: Spec) -> None:
    cookies.clear(request, response, spec.cookie("SESSION"), spec.browser(request, realm.name) + "/")
