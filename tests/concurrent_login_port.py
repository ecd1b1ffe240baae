"""Threads of plain HTTP against a real Doorkeep process: the helpers of the ConcurrentLoginTest port.

A ``Realm`` is one realm of the server, made through ``POST /admin/realms`` with Keycloak's clients
``client0``..``client{n-1}`` (secret ``password``, any redirect URI, direct grants on), ``test-app`` (what the
Java test's ``oauth`` logs in with first) and the users ``username1``..``username3`` (password ``password``).
A browser is a cookie string: the requests here carry exactly the cookies given, and no cookie jar keeps what
the server sets (the Java test sends the login's cookies by hand in the same way).

``run`` is AbstractConcurrencyTest.run (``count`` executions on ``threads`` threads, the first failure raised);
``together`` starts its calls at one barrier, for the races on one code or one token.
"""

from __future__ import annotations

import os
import random
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from http.cookiejar import CookieJar, DefaultCookiePolicy
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from interop.server import DoorkeepProcess
from pg import ThrowawayPostgres
from ports import free_port

T = TypeVar("T")
SECRET = "password"
PASSWORD = "password"
USERS = ("username1", "username2", "username3")
REDIRECT = "http://127.0.0.1:9999/callback/oauth"


@pytest.fixture(scope="module")
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DoorkeepProcess]:
    """A ``doorkeep start-dev`` process for the module: on SQLite in its data directory, or on a fresh database of
    the session's throwaway PostgreSQL (``DOORKEEP_WIRE_ENGINE=postgresql``) with two worker processes, so that
    two requests of a race can also meet in two processes."""
    workdir = tmp_path_factory.mktemp("concurrent-login")
    options: tuple[str, ...] = ()
    postgres: ThrowawayPostgres | None = None
    if os.environ.get("DOORKEEP_WIRE_ENGINE") == "postgresql":
        postgres = request.getfixturevalue("postgres_server")
        name = f"concurrent_{uuid.uuid4().hex[:12]}"
        postgres.create_database(name)
        db_url = postgres.url(name)
        options = ("--workers", "2")
    else:
        db_url = f"sqlite:///{workdir / 'doorkeep.db'}"
    process = DoorkeepProcess(workdir / "server", port=free_port(), db_url=db_url, options=options)
    process.start()
    try:
        yield process
    finally:
        process.stop()
        if postgres is not None:
            postgres.drop_database_of(db_url)


@pytest.fixture
def no_tracebacks(server: DoorkeepProcess) -> Iterator[None]:
    """The server logs no unhandled exception while the test runs."""
    before = len(server.output())
    yield
    logged = server.output()[before:]
    assert "Traceback" not in logged, logged[-5000:]


def realm_rep(name: str, clients: int, **settings: Any) -> dict[str, Any]:
    """The realm of ConcurrentLoginTest's @InjectRealm with its @BeforeEach clients."""
    app = {
        "clientId": "test-app",
        "secret": SECRET,
        "redirectUris": ["http://127.0.0.1:9999/*"],
        "directAccessGrantsEnabled": True,
    }
    made = [
        {
            "clientId": f"client{i}",
            "secret": SECRET,
            "redirectUris": ["*"],
            "webOrigins": ["*"],
            "directAccessGrantsEnabled": True,
            "attributes": {"post.logout.redirect.uris": "+"},
        }
        for i in range(clients)
    ]
    return {"realm": name, "enabled": True, "clients": [app, *made], **settings}


def user_reps() -> list[dict[str, Any]]:
    """ConcurrentUserConfigOne..Three, created through the admin API as @InjectUser creates them (an imported
    user would get no default roles, ``offline_access`` among them)."""
    return [
        {
            "username": username,
            "enabled": True,
            "email": f"user{n}@name.com",
            "emailVerified": True,
            "firstName": f"User {n}",
            "lastName": "Name",
            "credentials": [{"type": "password", "value": PASSWORD, "temporary": False}],
        }
        for n, username in enumerate(USERS, 1)
    ]


class AdminToken:
    """Master's admin token, minted again after 30 s (it lives 60): each password grant costs an argon2 hash."""

    def __init__(self, server: DoorkeepProcess) -> None:
        self.server = server
        self._lock = threading.Lock()
        self._token, self._at = "", 0.0

    def header(self) -> dict[str, str]:
        with self._lock:
            if time.monotonic() - self._at > 30:
                self._token, self._at = self.server.admin_token(), time.monotonic()
            return {"Authorization": f"Bearer {self._token}"}


@dataclass(frozen=True)
class Realm:
    server: DoorkeepProcess
    name: str
    http: httpx.Client
    token: AdminToken

    @property
    def base(self) -> str:
        return f"{self.server.base_url}/realms/{self.name}/protocol/openid-connect"

    def admin(self, method: str, path: str, json: Any = None, status: int = 200) -> httpx.Response:
        """A call of this realm's admin API as master's admin."""
        url = f"{self.server.base_url}/admin/realms/{self.name}{path}"
        response = self.http.request(method, url, json=json, headers=self.token.header())
        assert response.status_code == status, (method, path, response.status_code, response.text)
        return response

    def user_id(self, username: str) -> str:
        (user,) = self.admin("GET", f"/users?username={username}&exact=true").json()
        return str(user["id"])

    def sessions_of(self, username: str) -> list[dict[str, Any]]:
        """The user's online sessions as the admin API lists them (each with its ``clients``)."""
        found: list[dict[str, Any]] = self.admin("GET", f"/users/{self.user_id(username)}/sessions").json()
        return found

    def client_sessions_count(self, username: str, session_id: str) -> int:
        """testing().getClientSessionsCountInUserSession: how many clients the user session holds."""
        (found,) = [s for s in self.sessions_of(username) if s["id"] == session_id]
        return len(found["clients"])


def cookieless_client() -> httpx.Client:
    """One client for every thread of a test: no redirects followed, and a cookie jar that keeps nothing."""
    client = httpx.Client(timeout=60, follow_redirects=False)
    client.cookies = CookieJar(DefaultCookiePolicy(allowed_domains=[]))  # kept as it is, not copied
    return client


def send(realm: Realm, method: str, url: str, cookies: str = "", **kwargs: Any) -> httpx.Response:
    headers = {"Cookie": cookies} if cookies else {}
    response = realm.http.request(method, url, headers=headers, **kwargs)
    assert response.status_code < 500 and response.status_code != 409, (url, response.status_code, response.text)
    return response


def set_cookies(response: httpx.Response, earlier: str = "") -> str:
    """``earlier`` with what ``response`` sets on top (a cleared cookie dropped), as one Cookie header."""
    jar = dict(part.split("=", 1) for part in earlier.split("; ") if part)
    for header in response.headers.get_list("set-cookie"):
        name, value = header.split(";", 1)[0].split("=", 1)
        if value and "max-age=0" not in header.lower():
            jar[name] = value
        else:
            jar.pop(name, None)
    return "; ".join(f"{k}={v}" for k, v in jar.items())


def authorize(realm: Realm, client_id: str, cookies: str = "", **params: str) -> httpx.Response:
    query = {"client_id": client_id, "redirect_uri": REDIRECT, "response_type": "code", "scope": "openid", **params}
    return send(realm, "GET", f"{realm.base}/auth", cookies, params=query)


def callback(response: httpx.Response) -> dict[str, str]:
    """The query of the redirect back to the client (AUTH_RESPONSE)."""
    assert response.status_code == 302, (response.status_code, response.text[:300])
    location = response.headers["location"]
    assert location.startswith(REDIRECT.split("?")[0]), location
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def post_form(realm: Realm, page: httpx.Response, cookies: str, **fields: str) -> httpx.Response:
    """The page's (first) form posted with its hidden fields and ``fields``, with the browser's ``cookies``."""
    assert page.status_code == 200, (page.status_code, page.text[:300])
    match = re.search(r'<form[^>]*action="([^"]+)"', page.text)
    assert match, page.text[:300]
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page.text))
    return send(realm, "POST", match.group(1).replace("&amp;", "&"), cookies, data={**hidden, **fields})


def login(realm: Realm, username: str, client_id: str = "test-app", **params: str) -> tuple[dict[str, str], str]:
    """The login form filled in: (the callback's query, the browser's cookies after it)."""
    page = authorize(realm, client_id, **params)
    cookies = set_cookies(page)
    done = post_form(realm, page, cookies, username=username, password=PASSWORD)
    return callback(done), set_cookies(done, cookies)


def token(realm: Realm, client_id: str, **form: str) -> httpx.Response:
    data = {"client_id": client_id, "client_secret": SECRET, **form}
    return send(realm, "POST", f"{realm.base}/token", data=data)


def exchange(realm: Realm, client_id: str, code: str, redirect_uri: str = REDIRECT) -> httpx.Response:
    return token(realm, client_id, grant_type="authorization_code", code=code, redirect_uri=redirect_uri)


def refresh(realm: Realm, client_id: str, refresh_token: str) -> httpx.Response:
    return token(realm, client_id, grant_type="refresh_token", refresh_token=refresh_token)


def random_redirect() -> str:
    """LoginTask's redirect URI: the test's with a random ``some`` parameter."""
    return f"{REDIRECT}?some={random.randrange(1024)}"


def new_id() -> str:
    return str(uuid.uuid4())


def run(threads: int, count: int, task: Callable[[int], None]) -> None:
    """AbstractConcurrencyTest.run: ``task(0..count-1)`` on ``threads`` threads; the first failure is raised."""
    with ThreadPoolExecutor(threads) as pool:
        futures = [pool.submit(task, i) for i in range(count)]
    failures = [f.exception() for f in futures if f.exception() is not None]
    if failures:
        raise AssertionError(f"{len(failures)} of {count} tasks failed") from failures[0]


def together(calls: list[Callable[[], T]]) -> list[T]:
    """Each call on a thread of its own, all released at once; their results in order."""
    barrier = threading.Barrier(len(calls))

    def call(index: int) -> T:
        barrier.wait(timeout=60)
        return calls[index]()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(call, range(len(calls))))


@contextmanager
def realm_on(server: DoorkeepProcess, clients: int, **settings: Any) -> Iterator[Realm]:
    """A fresh realm for one test (Keycloak's LifeCycle.METHOD), removed after it."""
    name = f"concurrent-{uuid.uuid4().hex[:8]}"
    with cookieless_client() as client:
        realm = Realm(server, name, client, AdminToken(server))
        rep = realm_rep(name, clients, **settings)
        created = client.post(f"{server.base_url}/admin/realms", json=rep, headers=realm.token.header())
        assert created.status_code == 201, created.text
        # Keycloak's testsuite imports its realms with VERIFY_PROFILE off (removeVerifyProfileAtImport): these
        # users have no names, which the default user profile asks for
        action = realm.admin("GET", "/authentication/required-actions/VERIFY_PROFILE").json()
        realm.admin("PUT", "/authentication/required-actions/VERIFY_PROFILE", action | {"enabled": False}, 204)
        for user in user_reps():
            realm.admin("POST", "/users", user, status=201)
        try:
            yield realm
        finally:
            realm.admin("DELETE", "", status=204)
