"""Admin REST: initial access tokens of the client registration service (Keycloak's
ClientInitialAccessResource). manage-clients creates and deletes, view-clients lists; the token is shown once,
in the creation's answer, and never stored.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.clientreg import tokens as rt
from doorkeep.errors import AdminError
from doorkeep.model import InitialAccess, Realm
from doorkeep.numbers import INT_MAX
from doorkeep.realms.provisioning import new_id
from doorkeep.web.admin.common import RealmCall, no_content, ok, read_object, run_realm
from doorkeep.web.http import issuer, json_response, state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

BASE = "/{realm}/clients-initial-access"


def presentation(record: InitialAccess, token: str | None = None) -> dict[str, Any]:
    """ClientInitialAccessPresentation (``token`` only when just created)."""
    out: dict[str, Any] = {"id": record.id}
    if token is not None:
        out["token"] = token
    out.update(
        timestamp=record.timestamp,
        expiration=record.expiration,
        count=record.count,
        remainingCount=record.remaining_count,
    )
    return out


def _whole(rep: dict[str, Any], key: str, default: int) -> int:
    """An Integer field of ClientInitialAccessCreatePresentation; null or absent is the default."""
    value = rep.get(key)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or not -INT_MAX - 1 <= value <= INT_MAX:
        raise AdminError(400, "unknown_error", key="error", description="Cannot parse the JSON")
    return value


async def issue(request: Request, tx: Tx, realm: Realm, rep: dict[str, Any], now: int) -> dict[str, Any]:
    """ClientInitialAccessResource.create: the presentation with the token, shown this once (shared by the REST
    call and the Admin Console's Client registration tab)."""
    expiration, count = _whole(rep, "expiration", 0), _whole(rep, "count", 1)
    if expiration < 0:
        description = "The expiration time interval cannot be less than 0"
        raise AdminError(400, "Invalid value for expiration", key="error", description=description)
    if count < 0:
        raise AdminError(400, "Invalid value for count", key="error", description="The count cannot be less than 0")
    record = InitialAccess(new_id(), realm.id, now, expiration, count, count)
    await tx.initial_access.create(record)
    token = await rt.initial_access_token(tx, state(request).services, issuer(request, realm.name), record)
    return presentation(record, token)


async def create(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("manage-clients")
        made = await issue(request, call.tx, call.realm, await read_object(request), call.now)
        where = call.url(call.realm.name, "clients-initial-access", made["id"])
        return json_response(made, 201, {"Location": where})

    return await run_realm(request, work)


async def listing(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("view-clients")
        return ok([presentation(r) for r in await call.tx.initial_access.list(call.realm.id)])

    return await run_realm(request, work, write=False)


async def delete(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("manage-clients")
        await call.tx.initial_access.delete(call.realm.id, request.path_params["id"])
        return no_content()

    return await run_realm(request, work)


ROUTES = [
    Route(BASE, create, methods=["POST"]),
    Route(BASE, listing, methods=["GET"]),
    Route(BASE + "/{id}", delete, methods=["DELETE"]),
]
