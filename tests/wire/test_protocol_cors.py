"""CORS of the token, revocation, logout, userinfo and introspection endpoints, as Keycloak 26 writes it.

Who may read an answer is what the endpoint decided when it answered (DefaultCors.add): nobody before the
client is looked at (TokenEndpoint.checkGrantType), any origin for the HTTPS and realm checks and for a failed
client authentication (``cors.allowAllOrigins()`` in checkSsl, checkRealm, AuthorizeClientUtil.authorizeClient),
then the client's web origins; at userinfo any origin until the token's client is known. Introspection has
no CORS at all (TokenIntrospectionEndpoint). Since Keycloak 26.6.3 (#45957, PR #48469) a request from an origin the
known client does not allow is refused there with 403 "Invalid origin" (tests/wire/test_oidc_origin_check.py).
"""

from __future__ import annotations

import httpx
import pytest

from support import add_audience, claims, password_grant, seed_client, token_url, update_client, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

APP_ORIGIN = "http://127.0.0.1:9999"
EVIL = "http://evil.example"
EXPOSE_METHODS = "Access-Control-Allow-Methods"
CORS_HEADERS = (
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "access-control-allow-headers",
    "access-control-max-age",
    "access-control-expose-headers",
)


def cors(response: httpx.Response) -> dict[str, str]:
    return {name: response.headers[name] for name in CORS_HEADERS if name in response.headers}


def readable_by(origin: str, expose: str = EXPOSE_METHODS) -> dict[str, str]:
    return {
        "access-control-allow-origin": origin,
        "access-control-allow-credentials": "true",
        "access-control-expose-headers": expose,
    }


@pytest.fixture
async def app(realm: Env) -> Env:
    await update_client(realm.db, "test", "app", web_origins=(APP_ORIGIN,))
    return realm


async def post(env: Env, path: str, origin: str, **form: str) -> httpx.Response:
    return await env.http.post(token_url("test", path), data=form, headers={"Origin": origin})


@pytest.mark.parametrize(
    "credentials",
    [
        {"client_id": "nobody", "client_secret": "secret"},
        {"client_id": "app", "client_secret": "wrong"},
        {"client_id": "app"},
        {},
    ],
)
@pytest.mark.parametrize("path", ["token", "revoke", "logout"])
async def test_a_failed_client_authentication_is_readable_from_any_origin(
    app: Env, path: str, credentials: dict[str, str]
) -> None:
    form = {"grant_type": "password", "token": "x", "refresh_token": "x", **credentials}
    response = await post(app, path, EVIL, **form)
    assert response.status_code in (400, 401)
    assert response.json()["error"] in ("invalid_client", "unauthorized_client")
    assert cors(response) == readable_by(EVIL)


async def test_a_disabled_client_is_refused_readably_from_any_origin(app: Env) -> None:
    await update_client(app.db, "test", "app", enabled=False)
    response = await post(app, "token", EVIL, grant_type="password", client_id="app", client_secret="secret")
    assert response.status_code == 401
    assert cors(response) == readable_by(EVIL)


@pytest.mark.parametrize("form", [{}, {"grant_type": "foo"}])
async def test_a_grant_type_refusal_comes_before_cors_is_opened(app: Env, form: dict[str, str]) -> None:
    response = await post(app, "token", APP_ORIGIN, client_id="app", client_secret="secret", **form)
    assert response.status_code == 400
    assert response.json()["error"] in ("invalid_request", "unsupported_grant_type")
    assert cors(response) == {}


async def test_once_the_client_is_authenticated_only_its_web_origins_read_the_answer(app: Env) -> None:
    """Another origin's request was answered without CORS until Keycloak 26.6.3, which refuses it (403, no CORS)
    before the grant runs (TokenEndpoint.checkClient's checkAllowedOrigins, #45957)."""
    form = {"grant_type": "password", "client_id": "app", "client_secret": "secret", "username": "user1"}
    ok = await post(app, "token", APP_ORIGIN, **form, password="password")
    assert ok.status_code == 200 and cors(ok) == readable_by(APP_ORIGIN)
    wrong_password = await post(app, "token", APP_ORIGIN, **form, password="nope")
    assert wrong_password.status_code == 400 and cors(wrong_password) == readable_by(APP_ORIGIN)
    elsewhere = await post(app, "token", EVIL, **form, password="password")
    assert elsewhere.status_code == 403 and elsewhere.json() == {"error": "Invalid origin"} and cors(elsewhere) == {}
    refused_elsewhere = await post(app, "token", EVIL, **form, password="nope")
    assert refused_elsewhere.status_code == 403 and cors(refused_elsewhere) == {}


@pytest.mark.parametrize("path", ["token", "revoke"])
@pytest.mark.parametrize("change", [{"enabled": False}, {"ssl_required": "all"}])
async def test_https_and_realm_refusals_are_readable_from_any_origin(
    app: Env, path: str, change: dict[str, object]
) -> None:
    await update_realm(app.db, "test", **change)
    response = await post(app, path, EVIL, grant_type="password", client_id="app", client_secret="secret")
    assert response.status_code == 403
    assert response.json()["error_description"] in ("HTTPS required", "Realm not enabled")
    assert cors(response) == readable_by(EVIL)


@pytest.mark.parametrize(
    ("path", "methods"),
    [
        ("token", "POST, OPTIONS"),
        ("revoke", "POST, OPTIONS"),
        ("userinfo", "GET, HEAD, OPTIONS"),
        ("logout", "GET, HEAD, OPTIONS"),
    ],
)
async def test_each_preflight_names_its_endpoints_methods(app: Env, path: str, methods: str) -> None:
    response = await app.http.options(
        token_url("test", path), headers={"Origin": EVIL, "Access-Control-Request-Method": "POST"}
    )
    assert response.status_code == 200
    assert response.headers["access-control-allow-origin"] == EVIL
    assert response.headers["access-control-allow-methods"] == methods


async def test_userinfo_refusals_before_the_client_is_known_are_readable_from_any_origin(app: Env) -> None:
    challenge = readable_by(EVIL, "Access-Control-Allow-Methods, WWW-Authenticate")
    missing = await app.http.get(token_url("test", "userinfo"), headers={"Origin": EVIL})
    assert missing.status_code == 401 and cors(missing) == challenge
    forged = await app.http.get(
        token_url("test", "userinfo"), headers={"Origin": EVIL, "Authorization": "Bearer a.b.c"}
    )
    assert forged.status_code == 401 and "invalid_token" in forged.headers["www-authenticate"]
    assert cors(forged) == challenge
    no_openid = (await password_grant(app.http, "test", "app")).json()["access_token"]
    scope = await app.http.get(
        token_url("test", "userinfo"), headers={"Origin": EVIL, "Authorization": f"Bearer {no_openid}"}
    )
    assert scope.status_code == 403 and cors(scope) == challenge


async def test_userinfo_by_form_token_answers_the_clients_origin_only(app: Env) -> None:
    """Another origin: answered without CORS until Keycloak 26.6.3, refused since (checkAllowedOrigins, #45957)."""
    token = (await password_grant(app.http, "test", "app", scope="openid")).json()["access_token"]
    ok = await post(app, "userinfo", APP_ORIGIN, access_token=token)
    assert ok.status_code == 200 and cors(ok) == readable_by(APP_ORIGIN)
    elsewhere = await post(app, "userinfo", EVIL, access_token=token)
    assert elsewhere.status_code == 403 and elsewhere.json() == {"error": "Invalid origin"} and cors(elsewhere) == {}


async def test_userinfo_refusal_after_the_client_is_known_is_for_its_origins(app: Env) -> None:
    """Another origin's request: 401 without CORS until Keycloak 26.6.3; since, the origin is checked as soon as the
    token's client is found, before "Client disabled" (UserInfoEndpoint, #45957): 403."""
    token = (await password_grant(app.http, "test", "app", scope="openid")).json()["access_token"]
    await update_client(app.db, "test", "app", enabled=False)
    for origin, status, expected in (
        (APP_ORIGIN, 401, readable_by(APP_ORIGIN, "Access-Control-Allow-Methods, WWW-Authenticate")),
        (EVIL, 403, {}),
    ):
        response = await app.http.get(
            token_url("test", "userinfo"), headers={"Origin": origin, "Authorization": f"Bearer {token}"}
        )
        assert response.status_code == status and cors(response) == expected


async def test_introspection_answers_carry_no_cors(app: Env) -> None:
    await add_audience(app.db, "test", "app")  # app introspects its own token (Keycloak 26.6.2's audience check)
    token = (await password_grant(app.http, "test", "app")).json()["access_token"]
    answer = await post(app, "token/introspect", APP_ORIGIN, client_id="app", client_secret="secret", token=token)
    assert answer.status_code == 200 and answer.json()["active"] is True
    assert cors(answer) == {}
    refused = await post(app, "token/introspect", EVIL, client_id="app", client_secret="wrong", token=token)
    assert refused.status_code == 401 and cors(refused) == {}


async def test_plus_takes_relative_redirect_uris_against_the_root_url(realm: Env) -> None:
    origin = "http://rel.example:4000"
    await seed_client(realm.db, "test", "rel", root_url=origin, redirect_uris=("/cb/*",), web_origins=("+",))
    response = await post(
        realm, "token", origin, grant_type="password", client_id="rel", client_secret="secret",
        username="user1", password="password",
    )  # fmt: skip
    assert response.status_code == 200, response.text
    assert cors(response) == readable_by(origin)
    assert claims(response.json()["access_token"])["allowed-origins"] == [origin]


async def test_plus_takes_relative_redirect_uris_against_this_server_without_a_root_url(realm: Env) -> None:
    await seed_client(realm.db, "test", "rel", redirect_uris=("/cb/*",), web_origins=("+",))
    token = (await password_grant(realm.http, "test", "rel")).json()["access_token"]
    assert claims(token)["allowed-origins"] == ["http://localhost"]
