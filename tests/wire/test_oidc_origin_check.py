"""Keycloak 26.6.3's web origins check at the OIDC endpoints (#45957, PRs #48469/#48915; CVE-2026-37977's follow-up).

Once an endpoint knows the request's client (authenticated at the token, revocation, refresh-token logout, PAR and
device authorization endpoints; the access token's client at userinfo) a CORS request from an origin that client does
not allow is refused with 403 ``{"error": "Invalid origin"}`` and no CORS headers before the endpoint does anything
(``DefaultCors.checkAllowedOrigins(session, client)``). No ``Origin``, an allowed one (``+``, ``*``) and the server's
own origin pass; a refusal before the client is known (HTTPS, realm, client authentication) is unchanged, readable
from any origin; a preflight is answered whatever its origin; introspection and CIBA carry no CORS and are not checked.
"""

from __future__ import annotations

import base64
from collections.abc import Awaitable, Callable

import httpx
import pytest

from device_flow import DEVICE_URL, ENABLED
from support import password_grant, refresh, seed_client, token_url, update_client, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

APP = "http://127.0.0.1:9999"  # where ``app`` redirects to
EVIL = "http://evil.example"
SELF = "http://localhost"  # the server's own origin in the wire environment
INVALID_ORIGIN = {"error": "Invalid origin"}
PAR = token_url("test", "ext/par/request")
BASIC = {"Authorization": "Basic " + base64.b64encode(b"app:secret").decode()}


def headers(origin: str | None, **more: str) -> dict[str, str]:
    return {**more, **({"Origin": origin} if origin is not None else {})}


def refused(response: httpx.Response) -> bool:
    """The 403 of checkOrigin: KeycloakErrorHandler's body, no CORS header at all."""
    cors = [name for name in response.headers if name.startswith("access-control-")]
    return response.status_code == 403 and response.json() == INVALID_ORIGIN and not cors


async def tokens(env: Env, scope: str | None = None) -> dict[str, str]:
    granted = await password_grant(env.http, "test", "app", scope=scope)
    assert granted.status_code == 200, granted.text
    return dict(granted.json())


Call = Callable[[Env, "str | None"], Awaitable[httpx.Response]]


async def token(env: Env, origin: str | None) -> httpx.Response:
    form = {"grant_type": "password", "client_id": "app", "client_secret": "secret"}
    form |= {"username": "user1", "password": "password"}
    return await env.http.post(token_url("test"), data=form, headers=headers(origin))


async def revoke(env: Env, origin: str | None) -> httpx.Response:
    form = {"client_id": "app", "client_secret": "secret", "token": (await tokens(env))["refresh_token"]}
    return await env.http.post(token_url("test", "revoke"), data=form, headers=headers(origin))


async def logout(env: Env, origin: str | None) -> httpx.Response:
    form = {"client_id": "app", "client_secret": "secret", "refresh_token": (await tokens(env))["refresh_token"]}
    return await env.http.post(token_url("test", "logout"), data=form, headers=headers(origin))


async def par(env: Env, origin: str | None) -> httpx.Response:
    form = {"response_type": "code", "redirect_uri": f"{APP}/cb", "scope": "openid"}
    return await env.http.post(PAR, data=form, headers=headers(origin, **BASIC))


async def device(env: Env, origin: str | None) -> httpx.Response:
    return await env.http.post(
        DEVICE_URL, data={"client_id": "app", "client_secret": "secret"}, headers=headers(origin)
    )


async def userinfo(env: Env, origin: str | None) -> httpx.Response:
    bearer = f"Bearer {(await tokens(env, scope='openid'))['access_token']}"
    return await env.http.get(token_url("test", "userinfo"), headers=headers(origin, Authorization=bearer))


ENDPOINTS: dict[str, tuple[Call, int]] = {
    "token": (token, 200),
    "revoke": (revoke, 200),
    "logout": (logout, 204),
    "par": (par, 201),
    "device": (device, 200),
    "userinfo": (userinfo, 200),
}


@pytest.fixture
async def app(realm: Env) -> Env:
    await update_client(realm.db, "test", "app", web_origins=(APP,), redirect_uris=(f"{APP}/*",), attributes=ENABLED)
    return realm


@pytest.mark.parametrize("name", ENDPOINTS)
async def test_each_endpoint_refuses_only_an_origin_its_client_does_not_allow(app: Env, name: str) -> None:
    """Allowed: served with CORS; no Origin and the server's own origin: served without; another: 403."""
    call, ok = ENDPOINTS[name]
    allowed = await call(app, APP)
    assert allowed.status_code == ok, allowed.text
    assert allowed.headers["access-control-allow-origin"] == APP
    for origin in (None, SELF):
        served = await call(app, origin)
        assert served.status_code == ok, (origin, served.text)
        assert "access-control-allow-origin" not in served.headers
    assert refused(await call(app, EVIL))


@pytest.mark.parametrize(("web_origins", "allowed"), [(("+",), APP), (("*",), EVIL)])
async def test_plus_and_star_web_origins_are_resolved_as_the_answers_cors_is(
    realm: Env, web_origins: tuple[str, ...], allowed: str
) -> None:
    """``+``: the redirect URIs' origins (WebOriginsUtils.resolveValidWebOrigins); ``*``: any origin."""
    await update_client(realm.db, "test", "app", web_origins=web_origins, redirect_uris=(f"{APP}/*",))
    for call in (token, userinfo):
        served = await call(realm, allowed)
        assert served.status_code == 200 and served.headers["access-control-allow-origin"] == allowed
    if web_origins == ("+",):
        assert refused(await token(realm, EVIL))


async def test_a_client_without_web_origins_is_served_only_without_a_cross_origin(realm: Env) -> None:
    await seed_client(realm.db, "test", "backend", service_accounts=True)
    form = {"grant_type": "client_credentials", "client_id": "backend", "client_secret": "secret"}
    assert (await realm.http.post(token_url("test"), data=form)).status_code == 200
    assert refused(await realm.http.post(token_url("test"), data=form, headers={"Origin": APP}))


async def test_nothing_of_the_refused_request_is_done(app: Env) -> None:
    """The check comes before the endpoint's work: the refresh token is neither revoked nor its session ended."""
    issued = await tokens(app)
    for path in ("revoke", "logout"):
        form = {"client_id": "app", "client_secret": "secret", "token": issued["refresh_token"]}
        form["refresh_token"] = issued["refresh_token"]
        assert refused(await app.http.post(token_url("test", path), data=form, headers={"Origin": EVIL}))
    again = await refresh(app.http, "test", "app", issued["refresh_token"])
    assert again.status_code == 200, again.text


async def test_refusals_before_the_client_is_known_stay_readable_from_any_origin(app: Env) -> None:
    """A failed client authentication (401) and a disabled realm (403) come first, with CORS for any origin."""
    form = {"grant_type": "password", "client_id": "app", "client_secret": "wrong"}
    unauthenticated = await app.http.post(token_url("test"), data=form, headers={"Origin": EVIL})
    assert unauthenticated.status_code == 401 and unauthenticated.json()["error"] == "unauthorized_client"
    assert unauthenticated.headers["access-control-allow-origin"] == EVIL
    no_grant = await app.http.post(token_url("test"), data={"client_id": "app"}, headers={"Origin": EVIL})
    assert no_grant.status_code == 400 and no_grant.json()["error"] == "invalid_request"  # before the client
    await update_realm(app.db, "test", enabled=False)
    disabled = await token(app, EVIL)
    assert disabled.status_code == 403 and disabled.json()["error_description"] == "Realm not enabled"
    assert disabled.headers["access-control-allow-origin"] == EVIL


async def test_a_preflight_is_answered_for_any_origin(app: Env) -> None:
    for path in ("token", "revoke", "userinfo", "logout", "auth/device"):
        preflight = await app.http.options(
            token_url("test", path), headers={"Origin": EVIL, "Access-Control-Request-Method": "POST"}
        )
        assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == EVIL


async def test_introspection_and_ciba_are_not_checked(app: Env) -> None:
    """TokenIntrospectionEndpoint and the CIBA endpoint use no Cors, so no checkAllowedOrigins either."""
    form = {"client_id": "app", "client_secret": "secret", "token": (await tokens(app))["access_token"]}
    introspected = await app.http.post(token_url("test", "token/introspect"), data=form, headers={"Origin": EVIL})
    # answered, not refused for the origin (inactive only because app is not in its own token's aud: 26.6.2)
    assert introspected.status_code == 200 and introspected.json() == {"active": False}
    ciba = {"client_id": "app", "client_secret": "secret", "scope": "openid", "login_hint": "user1"}
    asked = await app.http.post(token_url("test", "ext/ciba/auth"), data=ciba, headers={"Origin": EVIL})
    # past client authentication, refused for the client's CIBA setting, not for the origin
    assert asked.status_code == 401 and asked.json()["error_description"] == "Client not allowed OIDC CIBA Grant"
    assert "access-control-allow-origin" not in asked.headers


async def test_rp_initiated_logout_is_not_checked(app: Env) -> None:
    """LogoutEndpoint checks the origin only for the refresh-token logout (its ``authorizeClient``): the browser's
    RP-initiated logout (GET or POST with ``id_token_hint`` naming the client) has no Cors, so no check."""
    hint = (await tokens(app, scope="openid"))["id_token"]
    url, form = token_url("test", "logout"), {"id_token_hint": hint}
    by_get = await app.http.get(url, params=form, headers={"Origin": EVIL})
    by_post = await app.http.post(url, data=form, headers={"Origin": EVIL})
    for answer in (by_get, by_post):
        assert answer.status_code == 200 and "access-control-allow-origin" not in answer.headers, answer.text[:200]
