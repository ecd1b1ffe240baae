"""The OIDC endpoints under /realms/{realm}: thin adapters over doorkeep.oauth."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from doorkeep import keys
from doorkeep.errors import HTTPS_REQUIRED, BearerError, OAuthError
from doorkeep.model import Realm
from doorkeep.oauth import discovery, introspection, logout, revocation, token_endpoint, userinfo
from doorkeep.web.http import (
    NO_STORE,
    bearer_error,
    in_transaction,
    is_secure,
    issuer,
    json_response,
    not_found_realm,
    oauth_error,
    oauth_request,
    read_form,
    state,
)

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


async def _realm(request: Request) -> Realm | None:
    name = request.path_params["realm"]

    async def load(tx: Tx) -> Realm | None:
        return await tx.realms.get_by_name(name)

    return await in_transaction(request, load, write=False)


async def realm_info(request: Request) -> Response:
    realm = await _realm(request)
    if realm is None:
        return not_found_realm()
    services = state(request).services

    async def work(tx: Tx) -> str:
        key = await services.keyring.signing_key(tx, realm.id, "RS256", services.clock.now())
        return keys.public_key_b64(key)

    public = await in_transaction(request, work)
    return json_response(discovery.realm_info(issuer(request, realm.name), realm.name, public, realm.not_before))


async def well_known(request: Request) -> Response:
    realm = await _realm(request)
    if realm is None:
        return not_found_realm()

    async def work(tx: Tx) -> dict[str, object]:
        return discovery.configuration(issuer(request, realm.name), await tx.scopes.list(realm.id))

    return json_response(await in_transaction(request, work, write=False))


async def certs(request: Request) -> Response:
    realm = await _realm(request)
    if realm is None:
        return not_found_realm()
    keyring = state(request).services.keyring

    async def work(tx: Tx) -> list[dict[str, object]]:
        return [keys.jwk(k) for k in await keyring.public_keys(tx, realm.id)]

    return json_response({"keys": await in_transaction(request, work, write=False)})


async def _form_endpoint(request: Request, *, no_store: bool) -> tuple[Realm, Response | None, object]:
    realm = await _realm(request)
    if realm is None:
        return None, not_found_realm(), None  # type: ignore[return-value]
    if not is_secure(request, realm):
        return realm, oauth_error(OAuthError("invalid_request", HTTPS_REQUIRED, 403), no_store=no_store), None
    try:
        form = await read_form(request)
    except OAuthError as err:
        return realm, oauth_error(err, no_store=no_store), None
    return realm, None, oauth_request(request, realm, form)


async def token(request: Request) -> Response:
    realm, early, req = await _form_endpoint(request, no_store=True)
    if early is not None:
        return early
    services = state(request).services
    try:
        body = await in_transaction(request, lambda tx: token_endpoint.token(tx, services, req))  # type: ignore[arg-type]
    except OAuthError as err:
        return oauth_error(err, no_store=True)
    return json_response(body, 200, NO_STORE)


async def introspect(request: Request) -> Response:
    realm, early, req = await _form_endpoint(request, no_store=False)
    if early is not None:
        return early
    services = state(request).services
    try:
        body = await in_transaction(request, lambda tx: introspection.introspect(tx, services, req))  # type: ignore[arg-type]
    except OAuthError as err:
        return oauth_error(err)
    return json_response(body)


async def revoke(request: Request) -> Response:
    realm, early, req = await _form_endpoint(request, no_store=False)
    if early is not None:
        return early
    services = state(request).services
    try:
        await in_transaction(request, lambda tx: revocation.revoke(tx, services, req))  # type: ignore[arg-type]
    except OAuthError as err:
        return oauth_error(err)
    return Response(status_code=200)


async def logout_endpoint(request: Request) -> Response:
    realm, early, req = await _form_endpoint(request, no_store=False)
    if early is not None:
        return early
    services = state(request).services
    try:
        await in_transaction(request, lambda tx: logout.logout_with_refresh_token(tx, services, req))  # type: ignore[arg-type]
    except OAuthError as err:
        return oauth_error(err)
    return Response(status_code=204)


async def userinfo_endpoint(request: Request) -> Response:
    realm, early, req = await _form_endpoint(request, no_store=False)
    if early is not None:
        return early
    services = state(request).services
    try:
        body = await in_transaction(request, lambda tx: userinfo.userinfo(tx, services, req), write=False)  # type: ignore[arg-type]
    except BearerError as err:
        return bearer_error(err, realm.name)
    except OAuthError as err:
        return oauth_error(err)
    return json_response(body)
