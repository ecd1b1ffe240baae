"""Admin REST: ``POST /admin/realms/{realm}/client-description-converter`` (RealmAdminResource
.convertClientDescription): the body, as text, converted to a ClientRepresentation (clientreg/converters.py).
It needs ``manage-clients``, stores nothing and records no admin event."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.clientreg import converters
from doorkeep.web.admin.common import RealmCall, bad_request, ok, run_realm
from doorkeep.web.http import read_admin_body


async def convert(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("manage-clients")
        text = (await read_admin_body(request)).decode("utf-8", errors="replace")
        try:
            return ok(converters.convert(text))
        except converters.UnsupportedDescription as problem:
            raise bad_request(str(problem)) from None

    return await run_realm(request, work, write=False)


ROUTES = [Route("/{realm}/client-description-converter", convert, methods=["POST"])]
