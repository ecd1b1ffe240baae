"""The wire-test environment: the real ASGI app over httpx, a real database, and a fake clock."""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import shutil
import tempfile
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from starlette.applications import Starlette

import rsa_pool
from doorkeep.app import create_app, prepare
from doorkeep.clock import FakeClock
from doorkeep.settings import Settings
from doorkeep.store.database import Database
from doorkeep.users import passwords
from login_client import BrowserClient
from pg import ThrowawayPostgres
from support import seed_test_realm


@dataclass
class Env:
    http: httpx.AsyncClient
    clock: FakeClock
    db: Database
    settings: Settings
    # Every app built on this environment: their backchannel deliveries are waited for at teardown
    # (httpx's ASGITransport runs no lifespan), so no delivery outlives its test's event loop.
    apps: list[Starlette] = field(default_factory=list)
    # The database was copied with realm ``test`` in it (``support.seed_test_realm``, the ``realm`` fixture's).
    test_realm: bool = False
    # The last admin token and the clock's window it is good for (see admin_token). Not an init field, so an
    # Env made by dataclasses.replace (another app, maybe another database) starts without one.
    _admin: tuple[str, int, int] | None = field(default=None, init=False, repr=False)

    async def drain(self) -> None:
        """Wait for the background deliveries (logout tokens, event mails) every app here has under way."""
        for app in self.apps:
            await app.state.doorkeep.notifier.drain()
            await _drain_mails(app)

    async def admin_token(self) -> str:
        """The master admin's access token. One token serves while the fake clock stays inside its lifetime
        (less a margin): a password grant for every admin call was a tenth of the wire suite's time. A test
        that ends the admin's session or changes the master realm asks ``admin_token(env.http)`` for a new
        one, or calls ``forget_admin_token``."""
        now = self.clock.now()
        if self._admin is not None and self._admin[1] <= now < self._admin[2]:
            return self._admin[0]
        response = await _admin_grant(self.http)
        body = response.json()
        self._admin = (str(body["access_token"]), now, now + int(body["expires_in"]) - _ADMIN_TOKEN_MARGIN)
        return self._admin[0]

    def forget_admin_token(self) -> None:
        self._admin = None

    async def admin_headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {await self.admin_token()}"}


_ADMIN_TOKEN_MARGIN = 10  # seconds: a cached token is not handed out in the last ones of its life


async def admin_token(http: httpx.AsyncClient) -> str:
    """A new access token of the bootstrap master admin, through ``http``'s app."""
    return str((await _admin_grant(http)).json()["access_token"])


async def _admin_grant(http: httpx.AsyncClient) -> httpx.Response:
    response = await http.post(
        "/realms/master/protocol/openid-connect/token",
        data={"grant_type": "password", "client_id": "admin-cli", "username": "admin", "password": "admin"},
    )
    assert response.status_code == 200, response.text
    return response


@contextlib.asynccontextmanager
async def another_worker(env: Env) -> AsyncIterator[httpx.AsyncClient]:
    """A second app with its own Database (its own caches, its own connections) on the same database, as
    another worker process would be."""
    async with _app_on(env, Database(env.settings.db_url)) as http:
        yield http


@contextlib.asynccontextmanager
async def restarted(env: Env) -> AsyncIterator[httpx.AsyncClient]:
    """The server stopped and started again on the same database: ``env``'s Database closed (its connections and
    caches gone), a new one prepared as ``doorkeep start`` prepares it, a new app on it."""
    await env.drain()
    await env.db.dispose()
    db = Database(env.settings.db_url)
    await prepare(env.settings, db, env.clock)
    async with _app_on(env, db) as http:
        yield http


@contextlib.asynccontextmanager
async def _app_on(env: Env, db: Database) -> AsyncIterator[httpx.AsyncClient]:
    """A browser on a new app over ``db``, which is closed after."""
    app = _patient(create_app(env.settings, db=db, clock=env.clock))
    env.apps.append(app)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=("127.0.0.1", 50000))
    try:
        async with BrowserClient(transport=transport, base_url="http://localhost") as http:
            yield http
    finally:
        await app.state.doorkeep.notifier.drain()
        await _drain_mails(app)
        await db.dispose()


async def _drain_mails(app: Starlette) -> None:
    """Wait for the e-mails of events (email/event_mail.py) the app is sending."""
    mailer = app.state.doorkeep.event_mailer
    if mailer is not None:
        await mailer.drain()


# A loaded test machine can stall the event loop past the server's 3 s backchannel timeout before a local receiver
# is connected to (one ConnectTimeout in 3114 PostgreSQL wire tests, 2026-12-01); no test depends on the 3 s.
WIRE_BACKCHANNEL_TIMEOUT = 20.0


def _patient(app: Starlette) -> Starlette:
    app.state.doorkeep.notifier.timeout = WIRE_BACKCHANNEL_TIMEOUT
    return app


# By the bootstrap admin's name and password, the only settings ``prepare`` reads besides the realms to import,
# and by what ``_with_test_realm`` gives for a copy that holds realm ``test``.
_TEMPLATE: dict[tuple[str | None, str | None, tuple[int, ...] | None], Path] = {}


def _with_test_realm(test_realm: bool) -> tuple[int, ...] | None:
    """For a template holding realm ``test``, the argon2 cost its user1 was hashed with (the test session's,
    tests/conftest.py): a copy is only handed out under the same cost."""
    return (passwords.ARGON2_ITERATIONS, passwords.ARGON2_MEMORY_KIB) if test_realm else None


async def _sqlite_from_template(db_url: str, settings: Settings, test_realm: bool = False) -> bool:
    """Copy a once-prepared SQLite file (migrated, master realm bootstrapped, realm ``test`` seeded if asked)
    instead of preparing again: the migrations and the bootstrap took ~0.5 s of every SQLite wire test. Call it
    before ``Database(db_url)``, which creates the file."""
    target = Path(db_url.removeprefix("sqlite:///"))
    if settings.import_realms or target.exists():
        return False
    shutil.copyfile(await _sqlite_template(settings, test_realm), target)
    return True


async def _sqlite_template(settings: Settings, test_realm: bool) -> Path:
    key = (settings.bootstrap_admin_username, settings.bootstrap_admin_password, _with_test_realm(test_realm))
    template = _TEMPLATE.get(key)
    if template is None:
        folder = Path(tempfile.mkdtemp(prefix="doorkeep-template-"))
        atexit.register(shutil.rmtree, folder, True)  # one per process (xdist worker), removed as it exits
        template = folder / "template.db"
        url = f"sqlite:///{template}"
        if test_realm:
            shutil.copyfile(await _sqlite_template(settings, False), template)
        db = Database(url)
        with rsa_pool.fresh_keys():
            if test_realm:
                await seed_test_realm(db, FakeClock())
            else:
                await prepare(dataclasses.replace(settings, db_url=url), db, FakeClock())
        await db.dispose()
        _TEMPLATE[key] = template
    return template


def marked_options(request: Any, settings: Settings) -> Settings:
    """``settings`` with the fields a ``server_options(field=value)`` marker on the test or its module changes (for
    the fixtures that make their own app, as the wire conftest's ``env`` does)."""
    marker = request.node.get_closest_marker("server_options")
    return dataclasses.replace(settings, **marker.kwargs) if marker else settings


def _default_settings(db_url: str) -> Settings:
    return Settings(
        db_url=db_url, bootstrap_admin_username="admin", bootstrap_admin_password="admin", max_body_bytes=65536
    )


# By the throwaway server's port (one template per server) and ``_with_test_realm``.
_POSTGRES_TEMPLATES: dict[tuple[int, tuple[int, ...] | None], str] = {}


async def prepared_postgres(server: ThrowawayPostgres, *, test_realm: bool = False) -> str:
    """A fresh database of its own, copied at file level from one prepared once (migrated, master realm
    bootstrapped, realm ``test`` seeded if asked) with the default settings: ``prepare`` took ~0.6 s of every
    PostgreSQL wire test."""
    name = f"test_{uuid.uuid4().hex[:16]}"
    server.create_database(name, template=await _postgres_template(server, test_realm))
    return server.url(name)


async def _postgres_template(server: ThrowawayPostgres, test_realm: bool) -> str:
    key = (server.port, _with_test_realm(test_realm))
    template = _POSTGRES_TEMPLATES.get(key)
    if template is None:
        template = f"prepared_{uuid.uuid4().hex[:12]}"
        server.create_database(template, template=await _postgres_template(server, False) if test_realm else None)
        url = server.url(template)
        db = Database(url)
        try:
            with rsa_pool.fresh_keys():
                if test_realm:
                    await seed_test_realm(db, FakeClock())
                else:
                    await prepare(_default_settings(url), db, FakeClock())
        finally:
            await db.dispose()  # a template nobody is connected to can be copied
        _POSTGRES_TEMPLATES[key] = template
    return template


async def make_env(
    db_url: str, settings: Settings | None = None, *, prepared: bool = False, test_realm: bool = False
) -> tuple[Env, Database]:
    """The app on ``db_url``; ``prepared``: the database is already migrated and bootstrapped with the default
    settings (``prepared_postgres``); ``test_realm``: with realm ``test`` seeded too, there or in the SQLite copy
    (``Env.test_realm`` says whether it was)."""
    clock = FakeClock()
    settings = settings or _default_settings(db_url)
    copied = prepared or (db_url.startswith("sqlite:///") and await _sqlite_from_template(db_url, settings, test_realm))
    db = Database(db_url)
    if not copied:
        await prepare(settings, db, clock)
    app = _patient(create_app(settings, db=db, clock=clock))
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=("127.0.0.1", 50000))
    http = BrowserClient(transport=transport, base_url="http://localhost")
    return Env(http, clock, db, settings, [app], test_realm=test_realm and copied), db


def client_at(env: Env, ip: str, scheme: str = "http") -> httpx.AsyncClient:
    """Another browser on the same app and database, connecting from ``ip`` over ``scheme``."""
    app = _patient(create_app(env.settings, db=env.db, clock=env.clock))
    env.apps.append(app)
    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False, client=(ip, 50000))
    return BrowserClient(transport=transport, base_url=f"{scheme}://localhost")
