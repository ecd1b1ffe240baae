"""The shared console base: a console declares its pages and actions; this module signs the user in,
keeps and refreshes the tokens, checks CSRF on every action, carries flash messages and renders the
layout. See ``/docs/consoles.md`` for the API.

CSRF: every state-changing request is a POST whose form carries ``csrf_token``, a random value sealed
into the console session cookie at sign-in (synchronizer token) and compared in constant time; the
request must also come from this origin (``Origin``, else ``Referer``). SameSite=Lax cookies are a
third line.
"""

from __future__ import annotations

import hmac
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from doorkeep.console.account_language import ENGLISH, Speech
from doorkeep.console.templating import render
from doorkeep.errors import OAuthError
from doorkeep.model import Realm
from doorkeep.oauth.context import Form
from doorkeep.web import feature_gate
from doorkeep.web.console import cookies, signin
from doorkeep.web.console.negotiate import Endpoint, is_form, negotiate
from doorkeep.web.console.signin import Session, Spec
from doorkeep.web.http import browser_path, read_form, state
from doorkeep.web.login_pages import display, open_realm

# Chromium sends "Origin: null" with a form POST from a no-referrer page; same-origin keeps the Origin check
# possible while still sending no referrer to any other site.
PAGE_HEADERS = {"Referrer-Policy": "same-origin"}
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
STATIC = "/resources/console"
FLASH_TTL = 120


@dataclass(frozen=True)
class NavItem:
    label: str
    path: str  # relative to the console's base: "/" or "/applications"
    key: str = ""  # the label's message key, for a console that speaks the user's language
    shown: Callable[[Realm], bool] | None = None  # whether the realm has what the page is about (default: always)


@dataclass
class Page:
    """What a page or action handler gets: the request, the realm, the signed-in session, helpers."""

    request: Request
    realm: Realm
    console: Console
    session: Session
    form: Form = field(default_factory=lambda: Form([]))
    flash: dict[str, str] | None = None
    new_flash: dict[str, str] | None = None
    speech: Speech = ENGLISH  # the page's language (the console's ``speak``; English without one)

    @property
    def base(self) -> str:
        return self.console.spec.browser(self.request, self.realm.name)

    def url(self, path: str = "/") -> str:
        return self.base + (path if path.startswith("/") else "/" + path)

    @property
    def access_token(self) -> str:
        return self.session.access_token

    @property
    def claims(self) -> dict[str, Any]:
        return self.session.claims()

    def realm_roles(self) -> frozenset[str]:
        access = self.claims.get("realm_access") or {}
        return frozenset(str(r) for r in access.get("roles", []))

    def client_roles(self, client_id: str) -> frozenset[str]:
        access = (self.claims.get("resource_access") or {}).get(client_id) or {}
        return frozenset(str(r) for r in access.get("roles", []))

    def render(self, template: str, *, title: str, status: int = 200, **context: Any) -> Response:
        """Render ``template`` (which extends ``console/layout.html``) inside the console's layout."""
        claims = self.claims
        user = str(claims.get("preferred_username") or claims.get("name") or "")
        t = self.speech.t
        nav = [
            (t(item.key) if item.key else item.label, self.url(item.path), self._current(item))
            for item in self.console.nav
            if item.shown is None or item.shown(self.realm)
        ]
        body = render(
            template,
            title=title,
            console_title=t(self.console.title_key) if self.console.title_key else self.console.title,
            t=t,
            lang=self.speech.tag,
            realm_display=display(self.realm),
            user=user,
            nav=nav,
            csrf_token=self.session.csrf,
            flash=self.flash,
            base=self.base,
            url=self.url,
            static=browser_path(self.request, STATIC),
            **context,
        )
        return HTMLResponse(body, status, headers={"Content-Security-Policy": CSP, **PAGE_HEADERS})

    def _current(self, item: NavItem) -> bool:
        path = browser_path(self.request, self.request.url.path).rstrip("/")
        target = self.url(item.path).rstrip("/")
        return path == target or (item.path != "/" and path.startswith(target + "/"))

    def redirect(self, path: str, *, flash: str | None = None, kind: str = "success") -> Response:
        """303 to a page of this console, with a flash message shown there once."""
        if flash is not None:
            self.new_flash = {"kind": kind, "text": flash}
        return RedirectResponse(self.url(path), 303)

    def confirm(
        self,
        *,
        title: str,
        question: str,
        action: str,
        button: str,
        cancel: str = "/",
        fields: dict[str, str] | None = None,
    ) -> Response:
        """The confirm step of a destructive action: a page whose form posts to ``action``."""
        return self.render(
            "console/confirm.html",
            title=title,
            question=question,
            action=self.url(action),
            button=button,
            cancel=self.url(cancel),
            fields=fields or {},
        )

    def error(self, message: str, status: int = 400) -> Response:
        return self.render("console/error.html", title=self.speech.t("error"), message=message, status=status)


Handler = Callable[[Page], Awaitable[Response]]
Speak = Callable[[Page], Awaitable[Speech]]


class Console:
    """One console: its OIDC client, its base path, its navigation, and its declared pages."""

    def __init__(
        self,
        spec: Spec,
        *,
        title: str,
        nav: Sequence[NavItem],
        actions_done: Mapping[str, str] | None = None,
        title_key: str = "",
        speak: Speak | None = None,
        feature: str | None = None,
    ) -> None:
        self.spec = spec
        # The Keycloak feature that brings this console (doorkeep.features): while it is disabled every page
        # and the sign-in callback are Keycloak's 404, after the realm is found (a REST resource negotiated at
        # the same URL still answers).
        self.feature = feature
        self.title = title
        self.title_key = title_key  # the title's message key when the console speaks the user's language
        self.speak = speak  # the page's language, found once the user is signed in
        self.nav = tuple(nav)
        self.actions_done = dict(actions_done or {})  # kc_action: the flash once the login says ``success``
        self._routes: list[Route] = [Route(f"{spec.base}/callback", self._callback, methods=["GET"])]
        self.action("/sign-out")(self._sign_out)

    def page(self, path: str, *, json: Endpoint | None = None) -> Callable[[Handler], Handler]:
        """Declare a GET page at ``base + path``; its handler runs only for a signed-in user.

        With ``json``, a request that does not ask for ``text/html`` goes to that endpoint instead (a
        REST resource at the same URL, as Keycloak's AccountLoader negotiates).
        """

        def register(handler: Handler) -> Handler:
            endpoint = self._wrap(handler, post=False)
            if json is not None:
                endpoint = negotiate(endpoint, json)
            self._routes.append(Route(self.spec.base + path, endpoint, methods=["GET"]))
            return handler

        return register

    def action(self, path: str, *, json: Endpoint | None = None) -> Callable[[Handler], Handler]:
        """Declare a POST action at ``base + path``: signed in, same origin and a valid CSRF token.

        With ``json``, a POST that is not a form (a REST call) goes to that endpoint instead.
        """

        def register(handler: Handler) -> Handler:
            endpoint = self._wrap(handler, post=True)
            if json is not None:
                endpoint = negotiate(endpoint, json, html=is_form)
            self._routes.append(Route(self.spec.base + path, endpoint, methods=["POST"]))
            return handler

        return register

    def routes(self) -> list[Route]:
        return list(self._routes)

    def _wrap(self, handler: Handler, *, post: bool) -> Endpoint:
        async def endpoint(request: Request) -> Response:
            realm = await open_realm(request)
            if isinstance(realm, Response):
                return realm
            if self.feature is not None and feature_gate.is_off(request, self.feature):
                return await feature_gate.not_found(request)
            session, changed = await signin.load(request, realm, self.spec)
            if session is None:
                if post:
                    return RedirectResponse(self.spec.browser(request, realm.name) + "/", 303)
                return await signin.start(request, realm, self.spec, _return_to(request))
            page = Page(request, realm, self, session)
            if self.speak is not None:
                page.speech = await self.speak(page)
            if post:
                refused = await _check_csrf(request, page)
                if refused is not None:
                    return refused
            else:
                page.flash = await _take_flash(request, realm, self.spec)
            response = await handler(page)
            if changed:
                await signin.save(request, response, realm, self.spec, session, signed_in=False)
            if page.flash is not None:
                cookies.clear(request, response, self.spec.cookie("FLASH"), page.base + "/")
            if page.new_flash is not None:
                await self._write_flash(request, realm, response, page.new_flash)
            return response

        return endpoint

    async def _callback(self, request: Request) -> Response:
        realm = await open_realm(request)
        if isinstance(realm, Response):
            return realm
        if self.feature is not None and feature_gate.is_off(request, self.feature):
            return await feature_gate.not_found(request)
        base = self.spec.browser(request, realm.name)
        try:
            session, return_to = await signin.finish(request, realm, self.spec)
        except signin.SignInFailed as failed:
            body = render(
                "console/signin_failed.html",
                title="Sign-in failed",
                message=str(failed),
                realm_display=display(realm),
                console_title=self.title,
                base=base,
                static=browser_path(request, STATIC),
            )
            return HTMLResponse(body, 400, headers={"Content-Security-Policy": CSP, **PAGE_HEADERS})
        target = return_to if return_to.startswith(base + "/") else base + "/"
        response = RedirectResponse(target, 302)
        await signin.save(request, response, realm, self.spec, session)
        speech = ENGLISH if self.speak is None else await self.speak(Page(request, realm, self, session))
        params = request.query_params
        flash = self._action_flash(params.get("kc_action"), params.get("kc_action_status"), speech)
        if flash is not None:
            await self._write_flash(request, realm, response, flash)
        return response

    def _action_flash(self, action: str | None, status: str | None, speech: Speech) -> dict[str, str] | None:
        """What a sign-in that ran an application-initiated action says on the page it returns to: the
        action's own text on ``success``, nothing when the user cancelled, an error when the server refused;
        in the console's language (an ``actions_done`` value may be a message key)."""
        if status == "success" and action in self.actions_done:
            return {"kind": "success", "text": speech.t(self.actions_done[action])}
        if status == "error":
            return {"kind": "error", "text": speech.t("actionFailed")}
        return None

    async def _write_flash(self, request: Request, realm: Realm, response: Response, flash: dict[str, str]) -> None:
        now = state(request).services.clock.now()
        sealed = (await cookies.sealer(request, realm, self.spec.cookie("FLASH"))).seal(flash, now)
        cookies.write(
            request,
            response,
            self.spec.cookie("FLASH"),
            sealed,
            self.spec.browser(request, realm.name) + "/",
            FLASH_TTL,
        )

    async def _sign_out(self, page: Page) -> Response:
        response = RedirectResponse(signin.end_session_url(page.request, page.realm, self.spec, page.session), 303)
        signin.forget(page.request, response, page.realm, self.spec)
        return response


def _return_to(request: Request) -> str:
    path = browser_path(request, request.url.path)
    return path + ("?" + request.url.query if request.url.query else "")


def _same_origin(request: Request, spec: Spec) -> bool:
    """The POST came from a page of the console's own origin (its base URL's scheme, host and port)."""
    parts = urlsplit(spec.server(request))
    expected = f"{parts.scheme}://{parts.netloc}"
    origin = request.headers.get("origin")
    if origin is not None:
        return origin == expected
    referer = request.headers.get("referer", "")
    return referer == expected or referer.startswith(expected + "/")


async def _check_csrf(request: Request, page: Page) -> Response | None:
    """None when the POST is same-origin and carries the session's CSRF token; else the refusal page."""
    try:
        page.form = await read_form(request)
    except OAuthError as err:
        return page.error(err.description or "The form could not be read.", err.status)
    given = page.form.get("csrf_token") or ""
    if not _same_origin(request, page.console.spec) or not hmac.compare_digest(
        given.encode(), page.session.csrf.encode()
    ):
        return page.error(page.speech.t("csrfRefused"), 403)
    return None


async def _take_flash(request: Request, realm: Realm, spec: Spec) -> dict[str, str] | None:
    raw = cookies.read(request, spec.cookie("FLASH"))
    if raw is None:
        return None
    now = state(request).services.clock.now()
    value = (await cookies.sealer(request, realm, spec.cookie("FLASH"))).open(raw, FLASH_TTL, now)
    if isinstance(value, dict) and {"kind", "text"} <= value.keys():
        return {"kind": str(value["kind"]), "text": str(value["text"])}
    return {"kind": "none", "text": ""}  # a stale flash cookie: clear it, show nothing
