"""The OIDC endpoints under /realms/{realm}: thin adapters over doorkeep.oauth."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from starlette.requests import Request
from starlette.responses import Response

from doorkeep import events, observe
from doorkeep.admin import keys_metadata
from doorkeep.broker import logout_tokens, provider_logout
from doorkeep.errors import (
    HTTPS_REQUIRED,
    REALM_NOT_ENABLED,
    AccessDenied,
    AdminError,
    BearerError,
    FlowErrorPage,
    InvalidRequest,
    OAuthError,
)
from doorkeep.keys import material
from doorkeep.model import Realm
from doorkeep.oauth import (
    acr,
    device_authorization,
    discovery,
    inbound_logout,
    introspection,
    logout,
    pushed_authorization,
    revocation,
    token_endpoint,
    userinfo,
)
from doorkeep.oauth.ciba import endpoint as ciba_endpoint
from doorkeep.oauth.context import Form, OAuthRequest
from doorkeep.web import ciba, cors, media_type
from doorkeep.web.http import (
    DELIVERY,
    NO_CACHE,
    NO_STORE,
    RealmNotFound,
    admin_error,
    backend_url,
    bearer_error,
    in_transaction,
    is_secure,
    issuer,
    json_response,
    oauth_error,
    oauth_request,
    read_form,
    state,
    wants_json,
)
from doorkeep.web.login_pages import error_page

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

T = TypeVar("T")
# CacheControlUtil.noCache() as RESTEasy writes it (no-transform is a JAX-RS CacheControl default)
DISCOVERY_CACHE = {"Cache-Control": "no-cache, must-revalidate, no-transform, no-store"}
JWKS = "application/jwk-set+json"


async def realm_named(request: Request) -> Realm | None:
    """The realm the path names, read in a transaction of its own (None: no such realm)."""
    name = request.path_params["realm"]

    async def load(tx: Tx) -> Realm | None:
        return await tx.realms.get_by_name(name)

    return await in_transaction(request, load, write=False)


async def realm_info(request: Request) -> Response:
    """PublicRealmResource.getRealm: @NoCache, and readable from any origin."""
    realm = await realm_named(request)
    if realm is None:
        raise RealmNotFound
    services = state(request).services

    async def work(tx: Tx) -> str:
        tx.config.bind(realm)  # the process's keys of the realm stand while its config version does
        key = await services.keyring.signing_key(tx, realm.id, "RS256", services.clock.now())
        return material.public_key_b64(key)

    public = await in_transaction(request, work)
    info = discovery.realm_info(issuer(request, realm.name), realm.name, public, realm.not_before)
    return cors.allow_all_origins(request, json_response(info, headers=NO_CACHE))


async def realm_preflight(request: Request) -> Response:
    """PublicRealmResource.accountPreflight: its resource locator needs the realm; it names no methods."""
    if await realm_named(request) is None:
        raise RealmNotFound
    return cors.preflight_response(request, cors.DEFAULT_METHODS)


async def well_known(request: Request) -> Response:
    """One read transaction: the realm row, then its client scopes from the configuration cache (read with
    their mappers on every request, they made this document cost 3 ms)."""
    name = request.path_params["realm"]

    async def work(tx: Tx) -> dict[str, object] | Response | None:
        realm = await tx.realms.get_by_name(name)
        if realm is None:
            return None
        if not is_secure(request, realm):
            return https_required(request)
        scopes = await tx.config.realm_scopes(realm)
        return discovery.configuration(
            issuer(request, realm.name),
            scopes,
            registration=realm.registration_allowed,
            acr_values=acr.supported(realm),
            backend=f"{backend_url(request)}/realms/{realm.name}",
            disabled=state(request).services.disabled_features,
        )

    document = await in_transaction(request, work, write=False)
    if document is None:
        raise RealmNotFound
    if isinstance(document, Response):
        return document
    return cors.allow_all_origins(request, json_response(document, headers=DISCOVERY_CACHE))


async def certs(request: Request) -> Response:
    """OIDCLoginProtocolService.certs: readable from any origin; its @NoCache replaces the max-age it sets
    (keycloak#15216); the JWK Set media type when the Accept header asks for exactly that."""
    realm = await realm_named(request)
    if realm is None:
        raise RealmNotFound
    if not is_secure(request, realm):
        return https_required(request)
    keyring = state(request).services.keyring

    async def work(tx: Tx) -> list[dict[str, object]]:
        tx.config.bind(realm)  # the process's keys of the realm stand while its config version does
        return [
            material.jwk(k, certificate=_certificate(k, realm.name)) for k in await keyring.public_keys(tx, realm.id)
        ]

    response = json_response({"keys": await in_transaction(request, work, write=False)}, headers=NO_CACHE)
    if request.headers.get("accept") == JWKS:
        response.headers["Content-Type"] = JWKS
    return cors.allow_all_origins(request, response)


def _certificate(key: material.LoadedKey, realm_name: str) -> str | None:
    """The certificate the JWKS publishes with the key as ``x5c`` (OIDCLoginProtocolService.certs takes the key's
    certificate chain)."""
    held = keys_metadata.certificate_of(key.record, realm_name) if key.record is not None else None
    return held[0] if held is not None else None


def https_required(request: Request) -> Response:
    """Keycloak's checkSsl where the endpoint answers alone (RealmsResource.getWellKnownResponse,
    OIDCLoginProtocolService.certs): 403 invalid_request "HTTPS required", readable from any origin."""
    refused = oauth_error(InvalidRequest(HTTPS_REQUIRED, status=403))
    return cors.allow_all_origins(request, refused, expose=(cors.EXPOSE_METHODS,))


async def certs_preflight(request: Request) -> Response:
    """The JWKS preflight (GET only); the protocol resource locator needs the realm."""
    if await realm_named(request) is None:
        raise RealmNotFound
    return cors.preflight_response(request, "GET")


Step = Callable[["Tx", OAuthRequest], Awaitable[OAuthRequest]]


@dataclass
class _Opened:
    """What the request's first transaction found: the realm and the parsed request (for CORS and errors)."""

    realm: Realm | None = None
    req: OAuthRequest | None = None


class _Refused(Exception):
    """An answer given before the OAuth request exists (no realm, HTTPS required, realm disabled); the last two
    are Keycloak's ``checkSsl`` and ``checkRealm``, thrown with ``cors.allowAllOrigins()`` where the endpoint
    has a ``Cors``."""

    def __init__(self, response: Response, *, checked: bool = False) -> None:
        self.response = response
        self.checked = checked


async def _open(tx: Tx, request: Request, opened: _Opened, form: Form | OAuthError, no_store: bool) -> OAuthRequest:
    """The realm lookup, in the request's first transaction, then the HTTPS rule, the enabled flag, the form."""
    realm = opened.realm or await tx.realms.get_by_name(request.path_params["realm"])
    if realm is None:
        raise RealmNotFound
    if not is_secure(request, realm):
        raise _Refused(oauth_error(InvalidRequest(HTTPS_REQUIRED, status=403), no_store=no_store), checked=True)
    if not realm.enabled:
        raise _Refused(oauth_error(AccessDenied(REALM_NOT_ENABLED), no_store=no_store), checked=True)
    opened.realm = realm
    if isinstance(form, OAuthError):
        raise form
    opened.req = oauth_request(request, realm, form)
    return opened.req


async def _protocol(
    request: Request,
    run: Callable[[Tx, OAuthRequest], Awaitable[T]],
    render: Callable[[T], Response],
    *,
    no_store: bool = False,
    write: bool = True,
    event: str | None = None,
    prepare: Callable[[Form], Step | None] | None = None,
    cors_checks: bool = False,
    cors_answers: bool = True,
    consumes_form: bool = False,
) -> Response:
    """Realm lookup, the HTTPS rule, the realm's enabled flag, the form, one transaction, then render
    or answer the OAuth error (Keycloak's checkSsl and checkRealm: 403 for both).

    The realm is read in the request's one transaction (the token endpoint's cost, issue #8), except
    where ``event`` is given: a reading endpoint writes only when the realm keeps that user event, so
    its realm is looked up first. ``prepare`` picks a step that runs first in a reading transaction
    (slow checks that need no write lock); then the realm comes from that transaction.

    CORS (web/cors.py): ``cors_checks`` makes the HTTPS and enabled-realm refusals readable from any origin;
    ``cors_answers`` False adds none to any answer (the introspection endpoint). A CORS request from an origin its
    client does not allow is refused by the core (``AdminError``, 403 "Invalid origin") and answered without any.

    A Content-Type header that does not parse is 400 invalid_request, as is, with ``consumes_form``, one that is
    not a form's (web/media_type.py); answered where a malformed body is.
    """
    opened = _Opened()
    challenge = False
    writes = write
    if event is not None:
        opened.realm = await realm_named(request)
        if opened.realm is None:
            raise RealmNotFound
        writes = write or any(events.saved(opened.realm, kind) for kind in (event, f"{event}_ERROR"))
    form: Form | OAuthError
    bad_type = media_type.refusal(request.headers.get("content-type"), consumes_form=consumes_form)
    try:  # read before the transaction opens; a malformed body is answered after the realm checks
        form = bad_type or await read_form(request)
    except OAuthError as err:
        form = err
    step = prepare(form) if prepare is not None and isinstance(form, Form) else None
    try:
        if step is not None:
            chosen = step

            async def first(tx: Tx) -> OAuthRequest:
                return await chosen(tx, await _open(tx, request, opened, form, no_store))

            req = opened.req = await in_transaction(request, first, write=False)
            assert opened.realm is not None
            realm = opened.realm
            result = await in_transaction(request, lambda tx: _bound(tx, realm, run, req), write=writes)
        else:

            async def only(tx: Tx) -> T:
                req = await _open(tx, request, opened, form, no_store)
                assert opened.realm is not None
                return await _bound(tx, opened.realm, run, req)

            result = await in_transaction(request, only, write=writes)
        response = render(result)
    except _Refused as refused:
        if refused.checked and cors_checks and cors_answers:
            return cors.allow_all_origins(request, refused.response, expose=(cors.EXPOSE_METHODS,))
        return refused.response
    except AdminError as err:  # the web origins check's INVALID_ORIGIN (oauth/origin_check.py): no CORS on it
        response = admin_error(err)
        response.headers.update(NO_STORE)
        return response
    except BearerError as err:
        assert opened.realm is not None
        response = bearer_error(err, opened.realm.name)
        challenge = True
    except FlowErrorPage as err:
        assert opened.realm is not None
        shown = error_page(request, opened.realm, err.description, err.status) if not wants_json(request) else None
        response = shown or oauth_error(err)
    except OAuthError as err:
        response = oauth_error(err, no_store=no_store)
    assert opened.realm is not None
    response.headers.update(NO_STORE)  # tokens and user data, answers and errors alike (RFC 6749 §5.1)
    return cors.apply(request, opened.req, response, challenge=challenge) if cors_answers else response


async def protocol_call(
    request: Request, run: Callable[[Tx, OAuthRequest], Awaitable[T]], render: Callable[[T], Response]
) -> Response:
    """``_protocol`` for an endpoint of another module that made its own realm checks first and has no Cors
    (web/clients_management.py): one writing transaction, its OAuth errors answered, no CORS header."""
    return await _protocol(request, run, render, cors_answers=False)


async def _bound(tx: Tx, realm: Realm, run: Callable[[Tx, OAuthRequest], Awaitable[T]], req: OAuthRequest) -> T:
    """Let this transaction use the process's cached configuration of the request's realm."""
    tx.config.bind(realm)
    return await run(tx, req)


async def token(request: Request) -> Response:
    services = state(request).services
    response = await _protocol(
        request,
        lambda tx, req: token_endpoint.grant_tokens(tx, services, req),
        lambda minted: json_response(minted.response()),  # signed after the commit; no-store added below
        no_store=True,
        prepare=token_endpoint.prepare,
        cors_checks=True,
    )
    observe.current().token_answer(getattr(request, "_body", b""), response.status_code, response.body)
    return response


async def authorize_device(request: Request) -> Response:
    """The device authorization endpoint (RFC 8628 §3.1): JSON, no-store, CORS as at the token endpoint."""
    services = state(request).services
    return await _protocol(
        request,
        lambda tx, req: device_authorization.authorize_device(tx, services, req),
        lambda answer: json_response(answer.body()),
        no_store=True,
        consumes_form=True,
    )


async def backchannel_authentication(request: Request) -> Response:
    """CIBA's backchannel authentication endpoint (BackchannelAuthenticationEndpoint): validated in one
    transaction, the authentication device asked outside any, the request kept in a second (web/ciba.py);
    no CORS headers."""
    services = state(request).services
    kept: list[ciba_endpoint.Prepared] = []
    first = await _protocol(
        request,
        lambda tx, req: ciba_endpoint.authorize(tx, services, req),
        lambda prepared: ciba.accepted(kept, prepared),
        no_store=True,
        cors_answers=False,
    )
    if not kept and first.status_code == 403:  # checkSsl's and checkRealm's refusals, rethrown as UNAUTHORIZED
        first.status_code = 401
    return await ciba.ask_device(request, kept[0]) if kept else first


async def pushed_authorization_request(request: Request) -> Response:
    """ParEndpoint (RFC 9126): 201 JSON; CORS as at the token endpoint (``Cors...auth().allowedMethods("POST")``),
    its HTTPS and enabled-realm refusals readable from any origin."""
    services = state(request).services
    return await _protocol(
        request,
        lambda tx, req: pushed_authorization.push(tx, services, req),
        lambda answer: json_response(answer.body(), status=201),
        no_store=True,
        cors_checks=True,
    )


async def introspect(request: Request) -> Response:
    """TokenIntrospectionEndpoint: a server-to-server call, answered without any CORS header. ``Accept`` as
    getHeaderString reads it (several joined by ","); asking for a ``jwt`` may create a fallback signing key."""
    services = state(request).services
    accept = ",".join(request.headers.getlist("accept")) or None
    return await _protocol(
        request,
        lambda tx, req: introspection.introspect(tx, services, req, accept),
        json_response,
        write=accept == introspection.APPLICATION_JWT,
        event="INTROSPECT_TOKEN",
        cors_answers=False,
    )


async def revoke(request: Request) -> Response:
    services = state(request).services
    return await _protocol(
        request,
        lambda tx, req: revocation.revoke(tx, services, req),
        lambda _: Response(status_code=200),
        cors_checks=True,
    )


async def logout_endpoint(request: Request) -> Response:
    """The refresh token's logout; its identity provider's back-channel logout called once it is committed."""
    services = state(request).services
    plans: list[provider_logout.Backchannel] = []

    async def work(tx: Tx, req: OAuthRequest) -> None:
        plan = await logout.logout_with_refresh_token(tx, services, req)
        if plan is not None:
            plans.append(plan)

    response = await _protocol(request, work, lambda _: Response(status_code=204), cors_checks=True)
    for plan in plans:
        await provider_logout.call(plan)
    return response


async def backchannel_logout_endpoint(request: Request) -> Response:
    """An upstream provider's logout token, checked before the transaction (its keys may be fetched), then the
    sessions it names ended; 200 with a JSON content type and no body, as LogoutEndpoint answers, once their clients
    were told (504 when one was not: Keycloak's downstream logout failed)."""
    services = state(request).services
    realm = await realm_named(request)
    if realm is None:
        raise RealmNotFound
    try:
        token = (await read_form(request)).get("logout_token")
    except OAuthError:
        token = None  # _protocol answers the malformed form
    # a disabled realm is refused before any check (_protocol): no provider is asked for its keys for it
    keys = services.client_keys
    checked = await logout_tokens.verify(realm, token, services.clock.now(), keys) if realm.enabled else ""
    response = await _protocol(
        request,
        lambda tx, req: inbound_logout.backchannel_logout(tx, services, req, checked),
        lambda _: Response(status_code=200, media_type="application/json"),
        cors_answers=False,  # ErrorResponseException: no Cors on Keycloak's refusals
    )
    # LogoutEndpoint tells the clients before it answers: 504 when one of them did not take its logout token
    delivery = request.scope.get("state", {}).get(DELIVERY)
    if response.status_code == 200 and delivery is not None and not await state(request).notifier.delivered(delivery):
        response.status_code = 504
    return response


async def userinfo_endpoint(request: Request) -> Response:
    services = state(request).services
    if len(request.headers.getlist("authorization")) > 1:  # AppAuthManager: NotAuthorizedException("Bearer")
        return Response(b"", 401, {"WWW-Authenticate": "Bearer", **NO_STORE}, media_type="text/plain;charset=utf-8")
    return await _protocol(
        request,
        lambda tx, req: userinfo.userinfo(tx, services, req),
        _userinfo_response,
        write=False,
        event="USER_INFO_REQUEST",
    )


def _userinfo_response(answer: userinfo.UserInfoAnswer) -> Response:
    if answer.signed is not None:
        return Response(answer.signed, media_type="application/jwt")
    return json_response(answer.claims)
