"""The offline-access portal: log in with offline access, keep the offline token, run backups later.

GET  /            what the portal holds for you (never the token itself)
GET  /login       "Log in with offline access": to Doorkeep with scope=offline_access, PKCE, state, nonce
GET  /callback    the code comes back; the offline token goes into doorkeep-keeper's store
POST /backup      "Run backup now" (CSRF-protected): works after you have logged out of Doorkeep
POST /stop        "Stop backups" (CSRF-protected): revokes the offline token at Doorkeep and forgets it
GET  /logout      "Log out of Doorkeep": ends the SSO session, keeps the offline token
"""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import AsyncIterator
from pathlib import Path
from urllib.parse import parse_qs

import httpx
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from doorkeep_keeper import FileStore, Keeper, TokenKey
from offline_portal import oidc
from offline_portal.backup import Outcome, run_backup, stop_backups
from offline_portal.browser_sessions import BrowserSession, SessionBook
from offline_portal.settings import Settings

HERE = Path(__file__).parent
templates = Jinja2Templates(directory=HERE / "templates")
templates.env.filters["when"] = lambda ts: (
    datetime.datetime.fromtimestamp(ts, datetime.UTC).strftime("%Y-%m-%d %H:%M:%S UTC") if ts else "never"
)


def _key(request: Request, session: BrowserSession) -> TokenKey | None:
    settings: Settings = request.app.state.settings
    return TokenKey(settings.issuer, settings.client_id, session.subject) if session.subject else None


def _page(request: Request, session: BrowserSession, outcome: Outcome | None = None, status: int = 200) -> Response:
    key = _key(request, session)
    held = request.app.state.keeper.holding(key) if key else None
    context = {
        "session": session,
        "held": held,
        "outcome": outcome,
        "logged_out": request.query_params.get("logged_out") == "1",
    }
    return SessionBook.attach(templates.TemplateResponse(request, "home.html", context, status_code=status), session)


async def home(request: Request) -> Response:
    return _page(request, request.app.state.sessions.of(request))


async def login(request: Request) -> Response:
    session = request.app.state.sessions.of(request)
    pending = oidc.PendingLogin.new()
    session.pending = {pending.state: pending}  # one login at a time per browser
    return SessionBook.attach(RedirectResponse(pending.authorization_url(request.app.state.settings), 302), session)


async def callback(request: Request) -> Response:
    book: SessionBook = request.app.state.sessions
    session = book.of(request)
    params = request.query_params
    pending = session.pending.pop(params.get("state", ""), None)
    if pending is None:
        return _page(request, session, Outcome(False, "Login failed: unknown or replayed state."), 400)
    if "error" in params:
        reason = params.get("error_description", params["error"])
        return _page(request, session, Outcome(False, f"Login failed: {reason}"), 400)
    try:
        body = await oidc.exchange(request.app.state.http, request.app.state.settings, pending, params.get("code", ""))
    except oidc.LoginFailed as exc:
        return _page(request, session, Outcome(False, f"Login failed: {exc}"), 400)
    claims = body["id_claims"]
    session = book.renew(session)
    session.subject, session.username = claims["sub"], claims.get("preferred_username")
    session.id_token = body["id_token"]
    key = _key(request, session)
    assert key is not None
    request.app.state.keeper.keep(key, body, label=f"{session.username} (portal)")
    return SessionBook.attach(RedirectResponse("/", 303), session)


async def _checked_form(request: Request, session: BrowserSession) -> Response | TokenKey:
    """The signed-in user's key if the POST carries this session's CSRF token, else the page to answer."""
    form = parse_qs((await request.body()).decode(errors="replace"))  # Starlette's form() needs python-multipart
    if not session.csrf_ok(form.get("csrf", [""])[0]):
        return _page(request, session, Outcome(False, "The form expired; please try again."), 403)
    key = _key(request, session)
    if key is None:
        return _page(request, session, Outcome(False, "Log in with offline access first."), 400)
    return key


async def backup(request: Request) -> Response:
    session = request.app.state.sessions.of(request)
    key = await _checked_form(request, session)
    if isinstance(key, Response):
        return key
    settings: Settings = request.app.state.settings
    outcome = await run_backup(request.app.state.keeper, key, request.app.state.http, settings.backup_url)
    return _page(request, session, outcome)


async def stop(request: Request) -> Response:
    session = request.app.state.sessions.of(request)
    key = await _checked_form(request, session)
    if isinstance(key, Response):
        return key
    return _page(request, session, await stop_backups(request.app.state.keeper, key))


async def logout(request: Request) -> Response:
    session = request.app.state.sessions.of(request)
    hint, session.id_token = session.id_token, None
    return RedirectResponse(oidc.logout_url(request.app.state.settings, hint), 302)


def create_app(settings: Settings) -> Starlette:
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        async with httpx.AsyncClient(timeout=15.0) as http:
            with Keeper(
                FileStore(settings.store_dir),
                token_endpoint=f"{settings.oidc}/token",
                client_id=settings.client_id,
                client_secret=settings.client_secret,
            ) as keeper:
                app.state.http, app.state.keeper = http, keeper
                yield

    app = Starlette(
        routes=[
            Route("/", home),
            Route("/login", login),
            Route("/callback", callback),
            Route("/backup", backup, methods=["POST"]),
            Route("/stop", stop, methods=["POST"]),
            Route("/logout", logout),
            Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
        ],
        lifespan=lifespan,
    )
    app.state.settings, app.state.sessions = settings, SessionBook()
    return app


def from_environment() -> Starlette:
    """For ``uvicorn offline_portal.app:from_environment --factory`` (``PORTAL_*`` variables, see settings)."""
    return create_app(Settings.from_environment())
