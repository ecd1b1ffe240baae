"""``/realms/{realm}/clients-registrations/{provider}``: Keycloak's ClientRegistrationService and its providers.

The realm (404), the HTTPS rule (403), the provider (404), then the body (400; for the ``openid-connect``
provider also a property OIDCClientRepresentation lacks, as Jackson refuses it) and the provider's own work,
in one transaction that commits only if the call succeeds (Keycloak's error handler rolls back).

Each call that reaches the provider is an event (AbstractClientRegistrationProvider): CLIENT_REGISTER,
CLIENT_INFO, CLIENT_UPDATE or CLIENT_DELETE naming the client; a refusal of ClientRegistrationAuth is its
``*_ERROR`` event (``invalid_token`` with the reason, ``not_allowed``, ``client_not_found``), written once the
call's own transaction has rolled back. The ``openid-connect`` provider answers preflights and gives its
answers CORS for the token's ``allowed-origins`` and the Registration Web Origins policies' origins.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep import events, fetch_outside
from doorkeep.admin import installation, operations
from doorkeep.admin.representations import SECRET_VALUE, RepresentationError
from doorkeep.admin.unknown_properties import refuse_unknown
from doorkeep.clientreg import description, pairwise_subjects, policies
from doorkeep.clientreg.tokens import RegistrationError
from doorkeep.errors import AdminError
from doorkeep.model import Client, Realm
from doorkeep.oauth.client_keys import fetch_json
from doorkeep.realms.provisioning import new_id
from doorkeep.web import cors, handlers
from doorkeep.web.admin.auth import require_https
from doorkeep.web.clientreg import provider
from doorkeep.web.clientreg.auth import RegistrationAuth, authenticate
from doorkeep.web.http import admin_error, base_url, client_ip, json_response, read_json, state, transaction

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

BASE = "/realms/{realm}/clients-registrations/{provider}"
ONE = BASE + "/{client_id}"
REALM_NOT_FOUND = AdminError(404, "Realm does not exist", key="error")
NO_PROVIDER = AdminError(404, "Client registration provider not found", key="error")
CANNOT_PARSE = AdminError(400, "invalid_request", key="error", description=handlers.CANNOT_PARSE)
# A body of JSON that does not bind to the representation (Jackson's MismatchedInputException).
CANNOT_BIND = AdminError(400, "unknown_error", key="error", description=handlers.CANNOT_PARSE)
Work = Callable[[RegistrationAuth, Any], Awaitable[Response]]


def location(request: Request, realm: Realm, provider_id: str, client_id: str) -> str:
    """The new client's URL (the request's absolute path plus the clientId)."""
    return f"{base_url(request)}/realms/{quote(realm.name, safe='')}/clients-registrations/{provider_id}/" + quote(
        client_id, safe=""
    )


SECTOR_DOCUMENTS = "doorkeep.sector_documents"  # where a request's scope keeps the sector documents fetched outside
EVENTS = {"POST": "CLIENT_REGISTER", "GET": "CLIENT_INFO", "PUT": "CLIENT_UPDATE", "DELETE": "CLIENT_DELETE"}
OIDC_METHODS = "DELETE, POST, GET, OPTIONS, PUT"  # allowedMethods("GET", "POST", "PUT", "DELETE", "OPTIONS")


async def _error_event(request: Request, event: str, client_id: str | None, err: RegistrationError) -> None:
    """The refusal's ``*_ERROR`` event, in a transaction of its own (the call's was rolled back)."""
    async with transaction(request) as tx:
        realm = await tx.realms.get_by_name(request.path_params["realm"])
        if realm is not None:
            details = {"reason": err.reason} if err.reason is not None else None
            now = state(request).services.clock.now()
            ip = client_ip(request)
            await events.record(
                tx, realm, f"{event}_ERROR", now=now, client_id=client_id, ip=ip, error=err.event_error, details=details
            )


async def _cors(auth: RegistrationAuth, response: Response) -> Response:
    """OIDCClientRegistrationProvider.cors(): the token's allowed origins and the web origins policies'."""
    if auth.provider != "openid-connect" or not auth.request.headers.get("origin"):
        return response
    claimed = auth.claims.get("allowed-origins")
    allowed = [o for o in claimed if isinstance(o, str)] if isinstance(claimed, list) else []
    allowed += await policies.web_origins(auth.tx, auth.realm.id, auth.event_kind)
    return cors.allow_token_origins(auth.request, response, allowed)


async def serve(request: Request, work: Work, *, body: bool = False) -> Response:
    """Run ``work`` with the caller authenticated, the body parsed when the call has one."""
    event = EVENTS[request.method]
    named = request.path_params.get("client_id") if request.method in ("PUT", "DELETE") else None
    started = False
    parsed: Any = None
    problem: AdminError | None = None
    if body:
        try:
            parsed = await read_json(request)
        except AdminError as err:
            problem = err
        if problem is None and not isinstance(parsed, dict):
            problem = CANNOT_PARSE
        if problem is None and request.path_params["provider"] == "openid-connect":
            try:  # Jackson refuses an unknown property while binding, before the provider runs
                refuse_unknown(await request.body(), description.OIDC_CLIENT_REPRESENTATION, "OIDCClientRepresentation")
            except AdminError as err:
                problem = err

    async def run(tx: Tx) -> Response:
        realm = await tx.realms.get_by_name(request.path_params["realm"])
        if realm is None:
            raise REALM_NOT_FOUND
        require_https(request, realm)
        provider_id = request.path_params["provider"]
        if provider_id not in PROVIDERS:
            raise NO_PROVIDER
        if problem is not None:
            raise problem
        nonlocal started
        started = True
        auth = await authenticate(request, tx, realm, provider_id)
        response = await work(auth, parsed)
        client_id = auth.event_client or request.path_params.get("client_id")
        now = state(request).services.clock.now()
        await events.record(tx, realm, event, now=now, client_id=client_id, ip=client_ip(request))
        return await _cors(auth, response)

    try:
        return await handlers.unit_of_work(request, run)
    except RegistrationError as err:
        if started:
            await _error_event(request, event, named, err)
        return admin_error(err)
    except AdminError as err:
        return admin_error(err)
    except RepresentationError:
        return admin_error(CANNOT_BIND)


async def _client(auth: RegistrationAuth) -> Client | None:
    return await auth.tx.clients.get_by_client_id(auth.realm.id, auth.request.path_params["client_id"])


# --- the default provider (DefaultClientRegistrationProvider): Keycloak's ClientRepresentation -----------
async def _default_create(auth: RegistrationAuth, rep: dict[str, Any]) -> Response:
    client, out = await provider.create(auth, rep)
    where = location(auth.request, auth.realm, "default", client.client_id)
    return json_response(out, 201, {"Location": where})


async def _default_get(auth: RegistrationAuth, _: Any) -> Response:
    return json_response(await provider.get(auth, await _client(auth)))


async def _default_update(auth: RegistrationAuth, rep: dict[str, Any]) -> Response:
    return json_response(await provider.update(auth, await _client(auth), rep))


async def _delete(auth: RegistrationAuth, _: Any) -> Response:
    await provider.delete(auth, await _client(auth))
    return Response(status_code=204)


# --- the OpenID Connect provider (OIDCClientRegistrationProvider): RFC 7591 / OIDC DCR metadata ------------
INCLUDED = AdminError(400, "invalid_client_metadata", key="error", description="Client Identifier included")
METADATA_INVALID = AdminError(400, "invalid_client_metadata", key="error", description="Client metadata invalid")


def _internal(oidc: dict[str, Any]) -> dict[str, Any]:
    """DescriptionConverter.toInternal, its refusals answered as OIDCClientRegistrationProvider answers them."""
    try:
        return description.to_internal(oidc)
    except description.ConversionError:
        raise METADATA_INVALID from None
    except TypeError:
        raise CANNOT_BIND from None


async def _external(auth: RegistrationAuth, client: Client, token: str | None) -> dict[str, Any]:
    stored = await auth.tx.clients.get(client.id)
    assert stored is not None
    _, optional = await operations.client_scope_names(auth.tx, stored)
    uri = location(auth.request, auth.realm, "openid-connect", stored.client_id)
    realm_alg = auth.realm.default_signature_algorithm
    return description.to_external(stored, optional, uri, token, realm_signature_alg=realm_alg)


def _subject(oidc: dict[str, Any]) -> tuple[str | None, str | None]:
    try:
        return description.subject_type(oidc)
    except description.ConversionError:
        raise METADATA_INVALID from None
    except TypeError:
        raise CANNOT_BIND from None


async def _pairwise(auth: RegistrationAuth, client: Client, subject: tuple[str | None, str | None]) -> None:
    """The pairwise mapper the metadata asks for; its ``sector_identifier_uri`` fetched outside the writing transaction
    (rolled back, fetched, run again: fetch_outside.py), kept in the request's scope for the second run."""
    stored = await auth.tx.clients.get(client.id)
    assert stored is not None
    fetch = fetch_outside.kept(auth.request.scope.setdefault(SECTOR_DOCUMENTS, {}), fetch_json)
    await pairwise_subjects.apply(auth.tx, stored, *subject, fetch, new_id)


async def _oidc_create(auth: RegistrationAuth, oidc: dict[str, Any]) -> Response:
    if oidc.get("client_id") is not None:
        raise INCLUDED
    internal, subject = _internal(oidc), _subject(oidc)
    client, out = await provider.create(auth, internal)
    await _pairwise(auth, client, subject)
    body = await _external(auth, client, out.get("registrationAccessToken"))
    body["client_id_issued_at"] = state(auth.request).services.clock.now()
    return json_response(body, 201, {"Location": body["registration_client_uri"]})


async def _oidc_get(auth: RegistrationAuth, _: Any) -> Response:
    client = await _client(auth)
    out = await provider.get(auth, client)
    assert client is not None
    body = await _external(auth, client, out.get("registrationAccessToken"))
    if auth.secret_masked and body.get("client_secret"):
        body["client_secret"] = SECRET_VALUE
    return json_response(body)


async def _oidc_update(auth: RegistrationAuth, oidc: dict[str, Any]) -> Response:
    client = await _client(auth)
    internal, subject = _internal(oidc), _subject(oidc)
    out = await provider.update(auth, client, internal)
    assert client is not None
    await _pairwise(auth, client, subject)
    return json_response(await _external(auth, client, out.get("registrationAccessToken")))


# --- the adapter installation provider (AdapterInstallationClientRegistrationProvider): GET only ----------------
async def _install_get(auth: RegistrationAuth, _: Any) -> Response:
    """The client's adapter configuration (keycloak.json); a public client's is anyone's, a confidential client
    may read its own by authenticating itself (requireView with allowPublicClient). A bearer token that may view
    but not manage clients reads the secret masked, as ``get`` shows it (CVE-2026-89298's fix left this provider
    out: it handed a view-clients token the secret the fix masks)."""
    client = await _client(auth)
    await auth.require_view(client, allow_public_client=True)
    assert client is not None
    if auth.secret_masked and client.secret:
        client = dataclasses.replace(client, secret=SECRET_VALUE)
    elif client.secret:  # getAdapterConfiguration: a ${vault.<key>} secret as the vault has it, else as stored
        vault = state(auth.request).services.vault
        client = dataclasses.replace(client, secret=vault.secret_or_stored(auth.realm.name, client.secret))
    auth.event_client = client.client_id
    has_roles = bool(await auth.tx.roles.list_client_roles(client.id))
    return json_response(
        installation.adapter_config(auth.realm, client, base_url(auth.request) + "/", has_roles=has_roles)
    )


async def _not_allowed(auth: RegistrationAuth, _: Any) -> Response:
    raise HTTPException(405)


PROVIDERS: dict[str, dict[str, Work]] = {
    "default": {"POST": _default_create, "GET": _default_get, "PUT": _default_update, "DELETE": _delete},
    "openid-connect": {"POST": _oidc_create, "GET": _oidc_get, "PUT": _oidc_update, "DELETE": _delete},
    "install": {"POST": _not_allowed, "GET": _install_get, "PUT": _not_allowed, "DELETE": _not_allowed},
}


async def collection(request: Request) -> Response:
    return await serve(request, lambda auth, rep: PROVIDERS[auth.provider]["POST"](auth, rep), body=True)


async def one(request: Request) -> Response:
    method = request.method
    return await serve(request, lambda auth, rep: PROVIDERS[auth.provider][method](auth, rep), body=method == "PUT")


async def preflight(request: Request) -> Response:
    """OIDCClientRegistrationProvider.preflight (both paths; the default provider declares none)."""
    return cors.preflight_response(request, OIDC_METHODS)


OIDC = "/realms/{realm}/clients-registrations/openid-connect"


ROUTES = [
    Route(BASE, collection, methods=["POST"]),
    Route(ONE, one, methods=["GET", "PUT", "DELETE"]),
    Route(OIDC, preflight, methods=["OPTIONS"]),
    Route(OIDC + "/{client_id}", preflight, methods=["OPTIONS"]),
]
