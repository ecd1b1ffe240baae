"""The one unit of work of the REST APIs (``/admin/realms`` and ``/realms/{realm}/account``) and its rule.

**The rule: a request's writes commit only when it answers successfully.** An ``AdminError`` (Keycloak's
``ErrorResponseException``, ``NotFoundException``, ``ForbiddenException``, …) or a representation that
cannot be parsed rolls back *every* write the request made, then becomes Keycloak's error JSON. A REST
call that fails halfway therefore leaves nothing behind, as Keycloak's JTA transaction does when a
resource method throws (``KeycloakTransactionManager`` rolls back on any exception). Keycloak records no
failure here: admin events are sent on success only (``AdminEventBuilder.success``), and the Account
REST API records no event for a refused call, so no "deliberate failure write" has to survive.

The protocol endpoints keep ``web.http.in_transaction``, whose rule differs on purpose: an OAuth error
there is an answer that commits, so Keycloak's deliberate failure writes (an expired session deleted, a
reused refresh token's client session detached) stick.

Handlers stay thin: they parse, call one core function in ``work`` and render. The admin-event audit
hook (``web.admin.audit.record``) is called here and nowhere else, inside the request's transaction, so
the event row commits or rolls back with the change it records. (The Admin Console, which writes without
HTTP, stores the events of its writes with the same ``audit.store`` in its own unit of work.)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response

from doorkeep import fetch_outside
from doorkeep.admin.representations import RepresentationError
from doorkeep.errors import AdminError
from doorkeep.web.admin import audit
from doorkeep.web.http import admin_error, finish, read_json, state, transaction

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

T = TypeVar("T")
Endpoint = Callable[[Request], Awaitable[Response]]
CANNOT_PARSE = "Cannot parse the JSON"


async def unit_of_work(request: Request, work: Callable[[Tx], Awaitable[T]], *, write: bool = True) -> T:
    """Run ``work`` in one transaction that commits only if ``work`` returns; any exception rolls it back.

    After a commit, the transaction's after-commit actions run and ended sessions are announced. A writing one that
    finds it needs a call to another host is rolled back, the call made outside it, and ``work`` run again
    (fetch_outside.py).
    """

    async def attempt() -> tuple[Tx, T]:
        async with transaction(request, write=write) as tx:
            return tx, await work(tx)

    tx, result = await (fetch_outside.run_outside(attempt) if write else attempt())
    finish(request, tx)
    return result


def render_error(err: AdminError | RepresentationError) -> Response:
    """Keycloak's JSON for a refused REST call."""
    if isinstance(err, RepresentationError):
        return admin_error(AdminError(400, "invalid_request", key="error", description=f"{CANNOT_PARSE}: {err}"))
    return admin_error(err)


async def answer(request: Request, work: Callable[[Tx], Awaitable[Response]], *, write: bool = True) -> Response:
    """Run ``work`` under the rule above, record its admin event, and render a refusal as Keycloak's JSON."""

    async def audited(tx: Tx) -> Response:
        response = await work(tx)
        await audit.record(request, tx, response, state(request).services.clock.now_ms())
        return response

    # A POST, PUT or DELETE may record an admin event, a write even when the call changes nothing else:
    # it takes a write transaction (on SQLite a read one cannot safely become a writer later).
    try:
        return await unit_of_work(request, audited, write=write or request.method in audit.WRITES)
    except (AdminError, RepresentationError) as err:
        return render_error(err)


async def answer_with_body(request: Request, work: Callable[[Tx, Any], Awaitable[Response]]) -> Response:
    """Read the JSON body before the (writing) transaction starts, then ``answer`` with ``work(tx, body)``."""
    try:
        body = await read_json(request)
    except AdminError as err:
        return render_error(err)
    return await answer(request, lambda tx: work(tx, body))
