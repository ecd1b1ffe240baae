"""Admin REST: a realm's authentication policies one by one (Keycloak 26.x's AuthenticationManagementResource
``policies/password-policy``, ``otp-policy``, ``ciba-policy``, ``webauthn-policy`` and
``webauthn-passwordless-policy``).

view-realm reads, manage-realm writes. A write is validated as Keycloak validates it (``admin/auth_policies``:
400 with its message, no change, no event), replaces that one policy and nothing else of the realm, and records an
UPDATE AUTHENTICATION_POLICY admin event with the body sent.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin import auth_policies as policies
from doorkeep.admin import operations
from doorkeep.model import Realm
from doorkeep.web.admin import audit
from doorkeep.web.admin.common import RealmCall, no_content, ok, run_realm
from doorkeep.web.http import read_json, state

BASE = "/{realm}/authentication/policies"
POLICY_EVENT = "AUTHENTICATION_POLICY"  # ResourceType.AUTHENTICATION_POLICY


def _handler(role: str, work: Callable[[RealmCall, Request], Awaitable[Response]]) -> Callable[[Request], Any]:
    async def endpoint(request: Request) -> Response:
        async def run(call: RealmCall) -> Response:
            call.require(role)
            return await work(call, request)

        return await run_realm(request, run, write=role != "view-realm")

    return endpoint


async def _store(call: RealmCall, request: Request, change: Callable[[Realm], Realm]) -> Response:
    current = await call.tx.realms.lock(call.realm.id) or call.realm
    await operations.update_realm(call.tx, current, change(current))
    audit.resource(request, POLICY_EVENT)
    return no_content()


def _reader(json: Callable[[Realm], Any]) -> Callable[[RealmCall, Request], Awaitable[Response]]:
    async def read(call: RealmCall, request: Request) -> Response:
        return ok(json(call.realm))

    return read


async def update_password_policy(call: RealmCall, request: Request) -> Response:
    text = policies.password_policy_text(await read_json(request), state(request).services.disabled_features)
    return await _store(call, request, lambda realm: dataclasses.replace(realm, password_policy=text or None))


async def update_otp_policy(call: RealmCall, request: Request) -> Response:
    changes = policies.otp_changes(await read_json(request))
    return await _store(call, request, lambda realm: dataclasses.replace(realm, **changes))


async def update_ciba_policy(call: RealmCall, request: Request) -> Response:
    attributes = policies.ciba_attributes(await read_json(request))
    return await _store(
        call, request, lambda realm: dataclasses.replace(realm, attributes={**realm.attributes, **attributes})
    )


def _webauthn(passwordless: bool) -> tuple[Callable[..., Awaitable[Response]], Callable[..., Awaitable[Response]]]:
    async def read(call: RealmCall, request: Request) -> Response:
        return ok(policies.webauthn_json(call.realm, passwordless))

    async def write(call: RealmCall, request: Request) -> Response:
        rep = policies.webauthn_checked(await read_json(request), passwordless)
        policies.with_webauthn(call.realm, rep, passwordless)  # a field of the wrong type: 400 before any lock
        return await _store(call, request, lambda realm: policies.with_webauthn(realm, rep, passwordless))

    return read, write


get_password_policy = _reader(policies.password_policy_json)
get_otp_policy = _reader(policies.otp_json)
get_ciba_policy = _reader(policies.ciba_json)
get_webauthn_policy, update_webauthn_policy = _webauthn(False)
get_passwordless_policy, update_passwordless_policy = _webauthn(True)

ROUTES = [
    Route(BASE + "/password-policy", _handler("view-realm", get_password_policy), methods=["GET"]),
    Route(BASE + "/password-policy", _handler("manage-realm", update_password_policy), methods=["PUT"]),
    Route(BASE + "/otp-policy", _handler("view-realm", get_otp_policy), methods=["GET"]),
    Route(BASE + "/otp-policy", _handler("manage-realm", update_otp_policy), methods=["PUT"]),
    Route(BASE + "/ciba-policy", _handler("view-realm", get_ciba_policy), methods=["GET"]),
    Route(BASE + "/ciba-policy", _handler("manage-realm", update_ciba_policy), methods=["PUT"]),
    Route(BASE + "/webauthn-policy", _handler("view-realm", get_webauthn_policy), methods=["GET"]),
    Route(BASE + "/webauthn-policy", _handler("manage-realm", update_webauthn_policy), methods=["PUT"]),
    Route(BASE + "/webauthn-passwordless-policy", _handler("view-realm", get_passwordless_policy), methods=["GET"]),
    Route(
        BASE + "/webauthn-passwordless-policy", _handler("manage-realm", update_passwordless_policy), methods=["PUT"]
    ),
]
