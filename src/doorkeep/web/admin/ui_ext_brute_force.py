"""Admin REST: ``GET ui-ext/brute-force-user``, Keycloak 26's admin-ui-ext BruteForceUsersResource.searchUser: the
admin console's user list, the users search (users().requireQuery(); the found users then filtered by canView, so an
admin holding query-users alone gets ``[]``; ``first`` -1 and ``max`` 100 by default) with each user's
``bruteForceStatus`` (doorkeep.admin.ui_ext.brute_force_status over the user's own failure record)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin import ui_ext, user_search
from doorkeep.users.brute_force import live
from doorkeep.web.admin.common import RealmCall, ok, query_bool, query_int, run_realm
from doorkeep.web.admin.user_shown import listed


async def brute_force_users(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        first, max_results = query_int(request, "first", -1), query_int(request, "max", 100)
        call.require("query-users")
        if not call.can("view-users"):
            return ok([])
        params = dict(request.query_params)
        found = await user_search.brute_force_users(call.tx, call.realm, params, max(first, 0), max_results)
        reps = await listed(
            call.tx, call.realm, found, call.now, brief=query_bool(request, "briefRepresentation", False)
        )
        for rep in reps:
            failure = live(call.realm, await call.tx.login_failures.get(call.realm.id, rep["id"]), call.now)
            rep["bruteForceStatus"] = ui_ext.brute_force_status(failure, call.now)
        return ok(reps)

    return await run_realm(request, work, write=False)


ROUTES: list[Route] = [Route("/{realm}/ui-ext/brute-force-user", brute_force_users, methods=["GET"])]
