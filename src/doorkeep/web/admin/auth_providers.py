"""Admin REST: the authentication providers (AuthenticationManagementResource's provider lists and descriptions).

The lists are those of realms/auth_providers.py: the providers Doorkeep's built-in flows name. The form,
authenticator and form-action lists and ``config-description/{providerId}`` need view-realm; the client
authenticators and their per-client configuration also answer query-clients, view-clients and manage-clients
(RealmPermissions.requireViewClientAuthenticatorProviders: the client page's Credentials tab reads them).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.model import JSON
from doorkeep.realms import auth_providers as ap
from doorkeep.web.admin.common import RealmCall, not_found, ok, run_realm
from doorkeep.web.http import state

BASE = "/{realm}/authentication"
CLIENT_READERS = ("query-clients", "view-clients", "manage-clients")


def _require_client_authenticator_view(call: RealmCall) -> None:
    if not any(call.can(role) for role in ("view-realm", *CLIENT_READERS)):
        call.require("view-realm")  # the 403


def _answer(
    build: Callable[[frozenset[str]], JSON | list[JSON]], *, clients_may: bool = False
) -> Callable[[Request], Awaitable[Response]]:
    """A list's handler; ``build`` takes the features turned off (their providers are not loaded)."""

    async def handler(request: Request) -> Response:
        async def work(call: RealmCall) -> Response:
            if clients_may:
                _require_client_authenticator_view(call)
            else:
                call.require("view-realm")
            return ok(build(state(request).services.disabled_features))

        return await run_realm(request, work, write=False)

    return handler


async def config_description(request: Request) -> Response:
    """getAuthenticatorConfigDescription: an unknown provider is Keycloak's 404."""

    async def work(call: RealmCall) -> Response:
        call.require("view-realm")
        found = ap.config_description(request.path_params["provider"])
        if found is None:
            raise not_found("Could not find authenticator provider")
        return ok(found)

    return await run_realm(request, work, write=False)


ROUTES = [
    Route(BASE + "/form-providers", _answer(lambda off: ap.listed(ap.FORM, off)), methods=["GET"]),
    Route(BASE + "/authenticator-providers", _answer(lambda off: ap.listed(ap.AUTHENTICATOR, off)), methods=["GET"]),
    Route(BASE + "/form-action-providers", _answer(lambda off: ap.listed(ap.FORM_ACTION, off)), methods=["GET"]),
    Route(
        BASE + "/client-authenticator-providers",
        _answer(lambda off: ap.listed(ap.CLIENT, off), clients_may=True),
        methods=["GET"],
    ),
    Route(
        BASE + "/per-client-config-description",
        _answer(lambda off: ap.per_client_config(), clients_may=True),
        methods=["GET"],
    ),
    Route(BASE + "/config-description/{provider}", config_description, methods=["GET"]),
]
