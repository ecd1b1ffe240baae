"""Account REST routes under ``/realms/{realm}/account`` (KEYCLOAK.md §10): parse, call ``users.account``, render.

Errors keep Keycloak's shapes: ``{"error": "HTTP 401 Unauthorized"}``, ``{"error": "HTTP 403 Forbidden"}``,
``{"errorMessage": "No client with clientId: x found."}``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.convertors import Convertor, register_url_convertor
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Match, Route

from doorkeep.admin.unknown_properties import refuse_unknown
from doorkeep.errors import HTTPS_REQUIRED, INVALID_ORIGIN, AdminError
from doorkeep.users import account as ops
from doorkeep.users import account_app_sessions as app_sessions
from doorkeep.users import account_resources as resources
from doorkeep.users import credential_label as labels
from doorkeep.users import linked_accounts as linked
from doorkeep.web import account_cors, account_links, cors, handlers
from doorkeep.web.admin.common import page, query_bool, query_int
from doorkeep.web.http import (
    NO_CACHE,
    UNSUPPORTED_MEDIA_TYPE,
    BodyTooLarge,
    admin_error,
    base_url,
    client_ip,
    is_secure,
    json_media,
    json_response,
    read_body,
    read_json,
    resource_presentation,
    state,
)

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

Work = Callable[["Tx", ops.Caller], Awaitable[Response]]


def _ok(body: Any) -> Response:
    return json_response(body, headers=NO_CACHE)


def _no_content() -> Response:
    return Response(status_code=204)


async def _answer(request: Request, work: Work, *, write: bool = True) -> Response:
    """Authenticate the bearer token for the path's realm, then run ``work`` as ``handlers.answer`` does:
    one transaction, committed only if the call succeeds."""
    services = state(request).services
    presented = resource_presentation(request)
    token = presented.token if presented is not None else None
    allowed: list[frozenset[str]] = []  # the token's allowed-origins, once it is verified

    async def run(tx: Tx) -> Response:
        realm = await tx.realms.get_by_name(request.path_params["realm"])
        if realm is not None and not is_secure(request, realm):  # Keycloak's checkSsl: 403 before the token
            raise AdminError(403, "invalid_request", key="error", description=HTTPS_REQUIRED)
        try:
            caller = await ops.authenticate(
                tx,
                services,
                request.path_params["realm"],
                base_url(request),
                token,
                client_ip(request),
                presented=presented,
            )
        except ops.Unauthenticated as refused:
            allowed.append(refused.origins)
            raise
        if ops.origin_refused(request.headers.get("origin"), caller):
            raise INVALID_ORIGIN  # DefaultCors.add's ForbiddenException, no CORS on it, nothing run
        allowed.append(caller.origins)  # AccountLoader adds the token's CORS before its last two refusals
        ops.refuse_service_account(caller)
        if not _known_version(request):
            raise API_VERSION_NOT_FOUND
        return await work(tx, caller)

    response = await handlers.answer(request, run, write=write)
    return cors.allow_token_origins(request, response, allowed[0]) if allowed else response


API_VERSION_NOT_FOUND = AdminError(404, "API version not found", key="error")
VERSIONS = ("v1",)  # Keycloak's AccountRestApiVersion


def _known_version(request: Request) -> bool:
    """AccountLoader.getVersionedAccountRestService: ``/account/v1/...`` is the API itself; another
    ``v<digit>...`` segment is "API version not found" (404), checked once the token is accepted."""
    version = request.path_params.get("version")
    return version is None or version in VERSIONS


async def account(request: Request) -> Response:
    if request.method == "GET":
        flag = request.query_params.get("userProfileMetadata")
        with_metadata = flag is None or flag.strip().lower() == "true"  # Boolean.valueOf: anything else is false

        async def show(tx: Tx, caller: ops.Caller) -> Response:
            return _ok(ops.profile(caller, with_metadata=with_metadata))

        return await _answer(request, show, write=False)
    try:
        body = await read_json(request)
    except AdminError as err:
        return admin_error(err)

    async def update(tx: Tx, caller: ops.Caller) -> Response:
        # read before the resource method, so refused before its role check (KcUnrecognizedPropertyExceptionHandler)
        refuse_unknown(await request.body(), ops.USER_REPRESENTATION, "UserRepresentation")
        await ops.update_profile(tx, caller, body, state(request).services.read_only.user)
        return _no_content()

    return await _answer(request, update)


async def applications(request: Request) -> Response:
    async def work(tx: Tx, caller: ops.Caller) -> Response:
        return _ok(await ops.applications(tx, caller, request.query_params.get("name")))

    return await _answer(request, work, write=False)


async def consent(request: Request) -> Response:
    """GET (204 when none), POST/PUT (upsert, 200 with the consent), DELETE (revoke, 204)."""
    client_id = request.path_params["client_id"]
    if request.method == "GET":
        flag = request.query_params.get("briefRepresentation")
        brief = flag is None or flag.strip().lower() == "true"  # @DefaultValue("true") boolean

        async def show(tx: Tx, caller: ops.Caller) -> Response:
            found = await ops.get_consent(tx, caller, client_id, brief=brief)
            return _no_content() if found is None else _ok(found)

        return await _answer(request, show, write=False)
    if request.method == "DELETE":

        async def revoke(tx: Tx, caller: ops.Caller) -> Response:
            await ops.revoke_consent(tx, caller, client_id)
            return _no_content()

        return await _answer(request, revoke)
    try:
        body = await read_json(request)
    except AdminError as err:
        return admin_error(err)

    async def upsert(tx: Tx, caller: ops.Caller) -> Response:
        return json_response(await ops.upsert_consent(tx, caller, client_id, body))

    return await _answer(request, upsert)


async def application_sessions(request: Request) -> Response:
    async def revoke(tx: Tx, caller: ops.Caller) -> Response:
        await app_sessions.revoke_application_sessions(tx, caller, request.path_params["client_id"])
        return _no_content()

    return await _answer(request, revoke)


async def sessions(request: Request) -> Response:
    if request.method == "DELETE":
        include_current = request.query_params.get("current", "false").strip().lower() == "true"

        async def logout(tx: Tx, caller: ops.Caller) -> Response:
            await ops.logout_sessions(tx, caller, include_current=include_current)
            return _no_content()

        return await _answer(request, logout)

    async def work(tx: Tx, caller: ops.Caller) -> Response:
        return _ok(await ops.sessions(tx, caller))

    return await _answer(request, work, write=False)


async def devices(request: Request) -> Response:
    async def work(tx: Tx, caller: ops.Caller) -> Response:
        return _ok(await ops.devices(tx, caller))

    return await _answer(request, work, write=False)


async def session(request: Request) -> Response:
    async def logout(tx: Tx, caller: ops.Caller) -> Response:
        await ops.logout_session(tx, caller, request.path_params["session"])
        return _no_content()

    return await _answer(request, logout)


async def credentials(request: Request) -> Response:
    params = request.query_params
    # AccountCredentialResource.USER_CREDENTIALS: the query parameter is "user-credentials" (absent: true)
    include = (params.get("user-credentials") or "true").strip().lower() == "true"

    async def work(tx: Tx, caller: ops.Caller) -> Response:
        disabled = state(request).services.disabled_features
        return _ok(await resources.credentials(tx, caller, params.get("type"), include, disabled))

    return await _answer(request, work, write=False)


async def credential(request: Request) -> Response:
    async def remove(tx: Tx, caller: ops.Caller) -> Response:
        await resources.remove_credential(tx, caller, request.path_params["credential"])
        return _no_content()

    return await _answer(request, remove)


async def credential_label(request: Request) -> Response:
    """AccountCredentialResource.setLabel (``@Consumes(application/json)``): the body is read whole first, its
    media type checked once the token is (the sub-resource's method matched after AccountLoader's checks)."""
    try:
        raw = await read_body(request)
    except BodyTooLarge:
        return admin_error(AdminError(413, "Request entity too large", key="error"))

    async def work(tx: Tx, caller: ops.Caller) -> Response:
        if not json_media(request.headers.get("content-type")):
            raise UNSUPPORTED_MEDIA_TYPE
        body = raw.decode("utf-8", "replace")  # RESTEasy's String entity: malformed bytes become U+FFFD
        await labels.set_own(tx, caller, request.path_params["credential"], body)
        return _no_content()

    return await _answer(request, work)


async def linked_accounts(request: Request) -> Response:
    """Without ``linked`` every provider the user may see; with it the linked ones or those to link, narrowed by
    ``search`` and paged by ``first``/``max`` (users/linked_accounts.py)."""

    async def work(tx: Tx, caller: ops.Caller) -> Response:
        if request.query_params.get("linked") is None:
            return json_response(await linked.linked_accounts(tx, caller))
        first, max_results = query_int(request, "first"), query_int(request, "max")
        wanted = query_bool(request, "linked", False)
        found = await linked.one_list(tx, caller, wanted, request.query_params.get("search"))
        return json_response(page(found, first, max_results))

    return await _answer(request, work, write=False)


async def groups(request: Request) -> Response:
    brief = (request.query_params.get("briefRepresentation") or "true").strip().lower() != "false"

    async def work(tx: Tx, caller: ops.Caller) -> Response:
        return _ok(await resources.groups(tx, caller, brief))

    return await _answer(request, work, write=False)


async def organizations(request: Request) -> Response:
    async def work(tx: Tx, caller: ops.Caller) -> Response:
        return _ok(await resources.organizations(tx, caller))

    return await _answer(request, work, write=False)


async def supported_locales(request: Request) -> Response:
    async def work(tx: Tx, caller: ops.Caller) -> Response:
        return json_response(resources.supported_locales(caller))

    return await _answer(request, work, write=False)


class ApiVersion(Convertor[str]):
    """A path segment naming an API version: AccountLoader's ``{version : v\\d[0-9a-zA-Z_\\-]*}``."""

    regex = r"v[0-9][0-9a-zA-Z_\-]*"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("account_api_version", ApiVersion())
BASE = "/realms/{realm}/account"
VERSIONED = BASE + "/{version:account_api_version}"


def _resource_routes(base: str) -> list[Route]:
    return [
        Route(base, account, methods=["GET", "POST"]),
        Route(f"{base}/applications", applications, methods=["GET"]),
        Route(f"{base}/applications/{{client_id}}/consent", consent, methods=["GET", "POST", "PUT", "DELETE"]),
        Route(f"{base}/applications/{{client_id}}/sessions", application_sessions, methods=["DELETE"]),
        Route(f"{base}/sessions", sessions, methods=["GET", "DELETE"]),
        Route(f"{base}/sessions/devices", devices, methods=["GET"]),
        Route(f"{base}/sessions/{{session}}", session, methods=["DELETE"]),
        Route(f"{base}/credentials", credentials, methods=["GET"]),
        Route(f"{base}/credentials/{{credential}}", credential, methods=["DELETE"]),
        Route(f"{base}/credentials/{{credential}}/label", credential_label, methods=["PUT"]),
        Route(f"{base}/linked-accounts", linked_accounts, methods=["GET"]),
        Route(f"{base}/groups", groups, methods=["GET"]),
        Route(f"{base}/organizations", organizations, methods=["GET"]),
        Route(f"{base}/supportedLocales", supported_locales, methods=["GET"]),
        *account_links.routes(base, _answer),
    ]


# The preflight comes first: an OPTIONS anywhere under the account URL is CorsPreflightService's.
ROUTES: list[Route] = [
    Route(BASE, account_cors.preflight, methods=["OPTIONS"]),
    Route(BASE + "/{any:path}", account_cors.preflight, methods=["OPTIONS"]),
    *_resource_routes(BASE),
    *_resource_routes(VERSIONED),
]


UNROUTED = "account-unrouted"  # the route name of the refusal below: not an operation of the OpenAPI document


def unrouted(routes: list[BaseRoute]) -> Route:
    """The last route under the account URL: a path no resource method serves is Keycloak's 404 (say
    ``GET /account/applications/{clientId}``), a served path with another method 405 -- not the 405 the
    OPTIONS-only preflight route above would otherwise answer for every unknown path."""

    resources = [r for r in routes if not isinstance(r, Route) or r.endpoint is not account_cors.preflight]

    async def refuse(request: Request) -> Response:
        served = any(route.matches(request.scope)[0] is Match.PARTIAL for route in resources)
        raise HTTPException(405 if served else 404)

    methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH"]
    return Route(BASE + "/{any:path}", refuse, methods=methods, name=UNROUTED)
