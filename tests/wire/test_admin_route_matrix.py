"""Every admin REST route of the app's route table, called as admins holding exactly one realm-management role
each (and realm-admin, no role, master's admin, another realm's realm-admin), against the table of
tests/admin_route_matrix_data.py derived from Keycloak's admin resources. A route the table lacks fails the test,
so a new route comes with its row. Refused callers must get Keycloak's 403 ``{"error": "HTTP 403 Forbidden"}``
before anything is looked up or written; permitted callers anything but 401/403 and 5xx (their 400s and 404s come
from the empty bodies and made-up ids). One app and database for the module; refused callers go first, writes and
deletes come last (deeper paths first, the realm itself last), so that a permitted delete does not hide a refusal.
The grant side (what a permitted caller may hand out) is in test_admin_grant_matrix.py."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from starlette.routing import Route

from admin_route_matrix_data import CALLERS, EXPECTED
from admin_route_matrix_world import World, body_for, build
from admin_support import FORBIDDEN_BODY
from doorkeep.web.admin.routes import PREFIX, admin_routes
from wire_env import make_env

pytestmark = pytest.mark.anyio
ROUTES = [(m, r.path) for r in admin_routes() if isinstance(r, Route) for m in sorted((r.methods or set()) - {"HEAD"})]
# Routes after which the callers log in again: they end the callers' sessions (logout-all; impersonation in the
# caller's own realm ends the caller's session).
RELOGIN = {("POST", "/{realm}/logout-all"), ("POST", "/{realm}/users/{id}/impersonation")}


def _order(op: tuple[str, str]) -> tuple[int, int, str]:
    method, path = op
    if path == f"{PREFIX}/{{realm}}" and method == "DELETE":
        return (3, 0, path)
    if method == "DELETE":
        return (2, -path.count("/"), path)
    return (1 if method != "GET" else 0, 0, path)


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
async def world(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    url = f"sqlite:///{Path(tmp_path_factory.mktemp('route-matrix')) / 'doorkeep.db'}"
    env, db = await make_env(url)
    try:
        yield await build(env)
    finally:
        await env.drain()
        await env.http.aclose()
        await db.dispose()


def test_every_admin_route_has_a_row_in_the_matrix() -> None:
    missing = [f"{m} {p}" for m, p in ROUTES if m not in EXPECTED.get(p.removeprefix(PREFIX), {})]
    served = {(m, p.removeprefix(PREFIX)) for m, p in ROUTES}
    stale = [f"{m} {p}" for p, row in EXPECTED.items() for m in row if (m, p) not in served]
    assert not missing, f"admin routes without a row in admin_route_matrix_data.EXPECTED: {missing}"
    assert not stale, f"rows for routes the app does not serve: {stale}"


ORDERED = sorted(ROUTES, key=_order)


@pytest.mark.parametrize(("method", "path"), ORDERED, ids=[f"{m} {p}" for m, p in ORDERED])
async def test_admin_route_answers_each_caller_as_keycloak(world: World, method: str, path: str) -> None:
    permitted = EXPECTED[path.removeprefix(PREFIX)][method]
    extra, body = body_for(method, path)
    url = world.url(path)
    wrong: list[str] = []
    relogin, realm_gone = (method, path.removeprefix(PREFIX)) in RELOGIN, False
    for caller in sorted(CALLERS, key=lambda c: c in permitted):  # the refused first: nothing changed yet
        if realm_gone and caller not in ("master-admin", "other-admin"):
            continue  # the realm deleted, its admins' tokens are no more (401, as in Keycloak)
        if relogin and caller in permitted:
            await world.log_in_one(caller)  # the previous permitted call ended this caller's session
        payload = {"content": body} if isinstance(body, bytes) else {"json": body} if body is not None else {}
        response = await world.env.http.request(method, url, headers={**world.headers[caller], **extra}, **payload)
        status = response.status_code
        realm_gone = realm_gone or (method == "DELETE" and url == world.url(f"{PREFIX}/{{realm}}") and status == 204)
        if status >= 500 or status == 401:
            wrong.append(f"{caller}: {status} {response.text[:120]}")
        elif caller in permitted and status == 403:
            wrong.append(f"{caller}: 403, Keycloak lets them through")
        elif caller not in permitted and status != 403:
            wrong.append(f"{caller}: {status}, Keycloak answers 403")
        elif caller not in permitted and json.loads(response.content or b"null") != FORBIDDEN_BODY:
            wrong.append(f"{caller}: 403 with {response.text[:120]}, not {FORBIDDEN_BODY}")
    if (method, path.removeprefix(PREFIX)) in RELOGIN:
        await world.log_in()
    assert not wrong, f"{method} {url}: " + "; ".join(wrong)
