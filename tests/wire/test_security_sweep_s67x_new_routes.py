"""Security sweep s67x (review L1 for what sessions 62-67 added): each route those sessions added or changed gets
malformed input, the same fixed list on every run: JSON of the wrong type, huge numbers and strings, NUL, invalid
UTF-8, JSON nested past the recursion limit, missing and repeated fields. None may answer a 5xx.

The hypothesis fuzz (test_fuzz_rest.py, test_fuzz_protocol.py) samples a few hundred requests over every route;
this reaches each of the new ones, with each hostile body, every time."""

from __future__ import annotations

import json
import re

import httpx
import pytest
from starlette.routing import Route

from doorkeep.web.routes import routes
from fuzz_support import keycloaks_mail_failure
from support import password_grant, token_url
from wire_env import Env

pytestmark = [pytest.mark.anyio, pytest.mark.server_options(features="resource-indicators")]
OIDC = "/realms/test/protocol/openid-connect"
PARAM = re.compile(r"{([^}:]+)(?::[^}]+)?}")
EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
HUGE = "9" * 400
LONG = "a" * 70_000
BAD_STRINGS = ["", "\x00", "a\x00b", "²", HUGE, "-1", LONG, "%zz", "😀", "[]", "{}", "null"]
QUERY_STRINGS = [value if value != LONG else "a" * 3000 for value in BAD_STRINGS]  # a URL stays under 64 KiB
JSON_BODIES: list[bytes] = [
    b"",
    b"\xff\xfe\xfd",
    b'{"name": "\xff"}',
    b"[" * 5000,
    b"null",
    b"[]",
    b'"x"',
    b"1e400",
    b"NaN",
    json.dumps({"name": 5, "protocol": [], "attributes": "x", "config": 1}).encode(),
    json.dumps({"name": "\x00", "protocol": "openid-connect", "attributes": {"a": ["\x00"]}}).encode(),
    json.dumps({"name": LONG, "description": LONG, "protocol": "openid-connect"}).encode(),
    json.dumps({"name": "x", "protocolMappers": [{"name": 1, "config": []}], "attributes": {"x": 10**30}}).encode(),
    json.dumps([{"id": 1}, {"id": None}, {"name": "\x00"}, "x", 10**30]).encode(),
    json.dumps({"protocolMapper": "oidc-usermodel-attribute-mapper", "name": "m", "config": {"a": 10**30}}).encode(),
    json.dumps({"protocolMapper": 5, "protocol": {}, "name": []}).encode(),
    json.dumps(["UPDATE_PASSWORD", 1, None, "\x00"]).encode(),
    json.dumps(
        {"backchannelTokenDeliveryMode": 1, "backchannelExpiresIn": 10**30, "backchannelInterval": "²"}
    ).encode(),
    json.dumps(
        {"backchannelExpiresIn": -1, "backchannelInterval": 1e308, "backchannelAuthRequestedUserHint": []}
    ).encode(),
]


async def _ids(env: Env, admin: dict[str, str]) -> dict[str, str]:
    async def first_id(path: str, **params: str) -> str:
        listed = await env.http.get(f"/admin/realms/test/{path}", params=params, headers=admin)
        assert listed.status_code == 200, listed.text
        return str(listed.json()[0]["id"])

    made = await env.http.post(
        "/admin/realms/test/client-templates",
        json={"name": "s67x-template", "protocol": "openid-connect"},
        headers=admin,
    )
    assert made.status_code == 201, made.text
    template = made.headers["location"].rsplit("/", 1)[1]
    enabled = await env.http.put("/admin/realms/test", json={"organizationsEnabled": True}, headers=admin)
    assert enabled.status_code == 204, enabled.text
    org = await env.http.post(
        "/admin/realms/test/organizations", json={"name": "s67x", "domains": [{"name": "s67x.example"}]}, headers=admin
    )
    assert org.status_code == 201, org.text
    return {
        "org": org.headers["location"].rsplit("/", 1)[1],
        "template": template,
        "client": await first_id("clients", clientId="app"),
        "user": await first_id("users", username="user1"),
        "scope": await first_id("client-scopes"),
        "group": "none",
    }


async def _admin_routes(env: Env, ids: dict[str, str]) -> list[tuple[str, str]]:
    t, c, u, s, o = ids["template"], ids["client"], ids["user"], ids["scope"], ids["org"]
    base = "/admin/realms/test"
    return [
        ("POST", f"{base}/client-templates"),
        ("PUT", f"{base}/client-templates/{t}"),
        ("POST", f"{base}/client-templates/{t}/scope-mappings/realm"),
        ("DELETE", f"{base}/client-templates/{t}/scope-mappings/realm"),
        ("POST", f"{base}/client-templates/{t}/scope-mappings/clients/{c}"),
        ("POST", f"{base}/client-templates/{t}/protocol-mappers/models"),
        ("POST", f"{base}/client-templates/{t}/protocol-mappers/add-models"),
        ("PUT", f"{base}/client-templates/{t}/protocol-mappers/models/none"),
        ("PUT", f"{base}/users/{u}/reset-password-email"),
        ("PUT", f"{base}/users/{u}/execute-actions-email"),
        ("PUT", f"{base}/authentication/policies/ciba-policy"),
        ("PUT", f"{base}/users/{u}/reset-password"),
        ("PUT", f"{base}/users/{u}/disable-credential-types"),
        ("POST", f"{base}/partial-export"),
        ("POST", f"{base}/clients/{c}/registration-access-token"),
        ("GET", f"{base}/credential-registrators"),
        ("POST", f"{base}/organizations/{o}/members"),
        ("POST", f"{base}/organizations/{o}/members/invite-user"),
        ("POST", f"{base}/organizations/{o}/members/invite-existing-user"),
        ("POST", f"{base}/organizations/{o}/identity-providers"),
        ("POST", f"{base}/organizations/{o}/groups"),
        ("GET", f"{base}/ui-ext/sessions"),
        ("GET", f"{base}/ui-ext/sessions/client"),
        ("GET", f"{base}/ui-ext/effective-roles/users/{u}"),
        ("GET", f"{base}/ui-ext/effective-roles/clientScopes/{s}"),
        ("GET", f"{base}/ui-ext/available-roles/users/{u}"),
        ("GET", f"{base}/ui-ext/available-roles/clients/{c}"),
        ("GET", f"{base}/ui-ext/available-roles/clientScopes/{s}"),
        ("GET", f"{base}/ui-ext/realms/names"),
        ("GET", f"{base}/ui-ext/brute-force-user"),
        ("GET", f"{base}/ui-ext/authentication-management/flows"),
        ("GET", f"{base}/client-templates"),
        ("GET", f"{base}/client-templates/{t}/scope-mappings/realm/available"),
        ("GET", f"{base}/client-templates/{t}/protocol-mappers/protocol/openid-connect"),
    ]


QUERY_KEYS = ["first", "max", "search", "briefRepresentation", "type", "client_id", "clientId", "redirect_uri",
              "lifespan", "exact", "username", "q", "id"]  # fmt: skip


def _no_5xx(response: httpx.Response, what: object) -> None:
    assert response.status_code < 500 or keycloaks_mail_failure(response), (what, response.status_code, response.text)


async def test_new_admin_routes_never_answer_5xx_to_malformed_input(realm: Env) -> None:
    admin = await realm.admin_headers()
    ids = await _ids(realm, admin)
    json_type = {**admin, "Content-Type": "application/json"}
    for method, path in await _admin_routes(realm, ids):
        for value in QUERY_STRINGS:
            query = {key: value for key in QUERY_KEYS}
            response = await realm.http.request(method, path, params=query, headers=json_type, content=b"{}")
            _no_5xx(response, (method, path, value))
        if method == "GET":
            continue
        for body in JSON_BODIES:
            response = await realm.http.request(method, path, headers=json_type, content=body)
            _no_5xx(response, (method, path, body[:80]))
        for ctype in ("text/plain", "application/x-www-form-urlencoded"):
            response = await realm.http.request(
                method, path, headers={**admin, "Content-Type": ctype}, content=b"a=\xff"
            )
            _no_5xx(response, (method, path, ctype))


PROTOCOL_FIELDS = [
    "client_id", "client_secret", "grant_type", "subject_token", "subject_token_type", "requested_token_type",
    "audience", "resource", "scope", "refresh_token", "request", "request_uri", "login_hint", "login_hint_token",
    "id_token_hint", "binding_message", "user_code", "requested_expiry", "auth_req_id", "username", "password",
    "redirect_uri", "response_type", "session_code", "tab_id", "execution", "code", "state", "nonce",
    "confirmLogout", "client_notification_token", "organization", "kc_org",
]  # fmt: skip


async def _protocol_routes(env: Env) -> list[str]:
    return [
        f"{OIDC}/token",
        f"{OIDC}/ext/par/request",
        f"{OIDC}/ext/ciba/auth",
        f"{OIDC}/ext/ciba/auth/callback",
        f"{OIDC}/forgot-credentials",
        f"{OIDC}/logout/logout-confirm",
        f"{OIDC}/logout",
        "/realms/test/login-actions/reset-credentials",
        "/realms/test/login-actions/action-token",
        f"{OIDC}/auth",
    ]


async def test_new_protocol_routes_never_answer_5xx_to_malformed_input(realm: Env) -> None:
    granted = await password_grant(realm.http, "test", "app", "user1", "password", scope="openid offline_access")
    assert granted.status_code == 200, granted.text
    tokens = granted.json()
    dpop = {"DPoP": "eyJhbGciOiJub25lIn0.e30."}
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    grants = [EXCHANGE, "refresh_token", "password", "urn:openid:params:grant-type:ciba", "client_credentials"]
    for path in await _protocol_routes(realm):
        for value in BAD_STRINGS:
            for grant in grants:
                form = {key: value for key in PROTOCOL_FIELDS} | {"grant_type": grant, "client_id": "app"}
                form["client_secret"] = "secret"
                response = await realm.http.post(path, data=form, headers=dpop)
                _no_5xx(response, (path, grant, value[:20]))
            query = {key: value if value != LONG else "a" * 1500 for key in PROTOCOL_FIELDS}
            response = await realm.http.get(path, params=query, headers=bearer)
            _no_5xx(response, (path, "GET", value[:20]))
        for raw in (b"grant_type=refresh_token&client_id=app&client_secret=secret&refresh_token=\xff\xfe",
                    b"client_id=\xff&client_id=app&scope=openid&scope=x", b"\x00" * 100, b"[" * 5000):  # fmt: skip
            for ctype in ("application/x-www-form-urlencoded", "application/json", "multipart/form-data"):
                response = await realm.http.post(path, content=raw, headers={"Content-Type": ctype})
                _no_5xx(response, (path, raw[:30], ctype))
    for subject in (tokens["access_token"], tokens["refresh_token"], tokens["id_token"]):
        for value in BAD_STRINGS:
            form = {"grant_type": EXCHANGE, "client_id": "app", "client_secret": "secret", "subject_token": subject,
                    "subject_token_type": value, "requested_token_type": value, "audience": value, "resource": value,
                    "scope": value}  # fmt: skip
            response = await realm.http.post(token_url("test"), data=form, headers=dpop)
            _no_5xx(response, ("exchange", value[:20]))
            refresh = {"grant_type": "refresh_token", "client_id": "app", "client_secret": "secret",
                       "refresh_token": tokens["refresh_token"], "resource": value, "organization": value}  # fmt: skip
            response = await realm.http.post(token_url("test"), data=refresh)
            _no_5xx(response, ("refresh", value[:20]))


@pytest.mark.parametrize(
    "tail", ["members", "members/invite-user", "members/invite-existing-user", "identity-providers"]
)
async def test_an_organization_body_over_the_limit_is_the_rest_apis_413(realm: Env, tail: str) -> None:
    """The bodies these read as raw text (a quoted id, or a form) are held to the body limit as every REST body
    is: 413, not an unhandled BodyTooLarge."""
    admin = await realm.admin_headers()
    ids = await _ids(realm, admin)
    body = json.dumps({"id": LONG, "email": LONG}).encode() * 20
    for ctype in ("application/json", "application/x-www-form-urlencoded"):
        response = await realm.http.post(
            f"/admin/realms/test/organizations/{ids['org']}/{tail}",
            content=body,
            headers={**admin, "Content-Type": ctype},
        )
        assert (response.status_code, response.json()) == (413, {"error": "Request entity too large"})


async def test_a_body_over_the_limit_is_never_a_5xx_on_any_route(realm: Env) -> None:
    """Every route that takes a body, with the organization's real id and the rest filled with real or made-up ids,
    sent a body over the limit (65536 bytes here) as JSON, a form and plain text: a 4xx, never a 5xx."""
    admin = await realm.admin_headers()
    ids = await _ids(realm, admin)
    real = {"realm": "test", "id": ids["org"], "user": ids["user"], "client": ids["client"], "scope_id": ids["scope"]}
    body = b'"' + b"a" * 70_000 + b'"'
    for route in routes():
        if not isinstance(route, Route):
            continue
        for method in sorted((route.methods or set()) & {"POST", "PUT", "DELETE", "PATCH"}):
            path = PARAM.sub(lambda m: real.get(m.group(1), "x"), route.path)
            for ctype in ("application/json", "application/x-www-form-urlencoded", "text/plain"):
                response = await realm.http.request(
                    method, path, content=body, headers={**admin, "Content-Type": ctype}
                )
                _no_5xx(response, (method, route.path, ctype))
