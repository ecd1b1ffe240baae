"""The implicit and hybrid flows of a client with ``implicitFlowEnabled``, as Keycloak 26 answers them.

``AuthorizationEndpointChecker.checkResponseType`` and ``checkOIDCParams`` check the request; after the
login ``OIDCLoginProtocol.authenticated`` sends state, session_state, iss, then the code, the ID token
(``at_hash``, ``c_hash``, ``s_hash``) and the access token with its type and lifetime, in the fragment by
default; never a refresh token. The implicit access token lives ``accessTokenLifespanForImplicitFlow``
(TokenManager.getTokenExpiration). JavascriptAdapterTest.implicitFlowTest, OIDCHybridResponseTypeCodeIDTokenTest.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from admin_support import client_offline_sessions
from browser_flow import REDIRECT, exchange, form_fields, start, submit
from doorkeep.oauth.minted import token_hash
from support import claims, header, seed_client, seed_realm, seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

ISS = "http://localhost/realms/test"
FRAGMENT_KEYS = ["state", "session_state", "iss", "code", "id_token", "access_token", "token_type", "expires_in"]


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await update_realm(env.db, "test", access_token_lifespan=300, access_token_lifespan_for_implicit_flow=900)
    await seed_client(env.db, "test", "spa", public=True, redirect_uris=(REDIRECT,), implicit_flow_enabled=True)
    await seed_user(env.db, env.clock, "test", "user1")
    return env


async def log_in(env: Env, **params: str) -> httpx.Response:
    page = await start(env.http, "test", "spa", **params)
    assert page.status_code == 200 and 'name="password"' in page.text, (page.status_code, page.text[:300])
    return await submit(env.http, page, username="user1", password="password")


def fragment(response: httpx.Response) -> list[tuple[str, str]]:
    assert response.status_code == 302, (response.status_code, response.text[:300])
    parts = urlsplit(response.headers["location"])
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == REDIRECT and parts.query == ""
    return [(k, v[0]) for k, v in parse_qs(parts.fragment, keep_blank_values=True).items()]


async def test_token_id_token_sends_both_tokens_in_the_fragment_and_no_refresh_token(realm: Env) -> None:
    pairs = fragment(await log_in(realm, response_type="id_token token", nonce="n0nce", state="st4te"))
    assert [k for k, _ in pairs] == [k for k in FRAGMENT_KEYS if k != "code"]
    params = dict(pairs)
    assert params["state"] == "st4te" and params["iss"] == ISS
    assert params["token_type"] == "Bearer" and params["expires_in"] == "900"
    access, id_token = claims(params["access_token"]), claims(params["id_token"])
    assert access["exp"] - access["iat"] == 900  # accessTokenLifespanForImplicitFlow, not the realm's 300
    assert access["sid"] == params["session_state"] == id_token["sid"]
    assert id_token["nonce"] == "n0nce" and id_token["aud"] == "spa"
    alg = header(params["id_token"])["alg"]
    assert id_token["at_hash"] == token_hash(params["access_token"], alg)
    assert id_token["s_hash"] == token_hash("st4te", alg)
    assert "c_hash" not in id_token and "refresh_token" not in params


async def test_the_access_token_works_at_userinfo(realm: Env) -> None:
    params = dict(fragment(await log_in(realm, response_type="token")))
    response = await realm.http.get(
        "/realms/test/protocol/openid-connect/userinfo", headers={"Authorization": f"Bearer {params['access_token']}"}
    )
    assert response.status_code == 200 and response.json()["preferred_username"] == "user1"
    assert "id_token" not in params and "code" not in params


async def test_id_token_alone_has_no_at_hash_and_is_made_even_without_openid(realm: Env) -> None:
    params = dict(fragment(await log_in(realm, response_type="id_token", scope="profile", nonce="n")))
    assert set(params) == {"state", "session_state", "iss", "id_token"}
    id_token = claims(params["id_token"])
    assert "at_hash" not in id_token and id_token["nonce"] == "n"


async def test_code_id_token_binds_the_code_and_the_code_still_works(realm: Env) -> None:
    params = dict(fragment(await log_in(realm, response_type="code id_token", nonce="n")))
    assert set(params) == {"state", "session_state", "iss", "code", "id_token"}
    id_token = claims(params["id_token"])
    assert id_token["c_hash"] == token_hash(params["code"], header(params["id_token"])["alg"])
    response = await exchange(realm.http, "test", "spa", params["code"], secret=None)
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["expires_in"] == 300 and "refresh_token" in body  # the code's tokens are the standard flow's


async def test_code_token_uses_the_standard_lifespan_for_the_front_channel_token(realm: Env) -> None:
    params = dict(fragment(await log_in(realm, response_type="code token")))
    assert params["expires_in"] == "300"  # hybrid: not isImplicitFlow
    assert "id_token" not in params and "code" in params


async def test_an_sso_session_answers_at_once_with_tokens(realm: Env) -> None:
    await log_in(realm, response_type="token")
    response = await start(realm.http, "test", "spa", response_type="id_token token", nonce="n")
    params = dict(fragment(response))
    assert claims(params["id_token"])["acr"] == "0"  # no fresh login
    assert response.headers["cache-control"] == "no-store, must-revalidate, max-age=0"


async def test_form_post_carries_the_tokens_in_the_page(realm: Env) -> None:
    page = await log_in(realm, response_type="id_token token", nonce="n", response_mode="form_post")
    assert page.status_code == 200 and f'action="{REDIRECT}"' in page.text
    fields = form_fields(page.text)
    assert claims(fields["access_token"])["azp"] == "spa" and "id_token" in fields
    assert int(page.headers["content-length"]) == len(page.content)


async def test_response_type_none_sends_no_code_and_no_token(realm: Env) -> None:
    response = await log_in(realm, response_type="none")
    location = response.headers["location"]
    assert response.status_code == 302 and location.startswith(REDIRECT + "?"), location
    assert set(parse_qs(urlsplit(location).query)) == {"state", "session_state", "iss"}


async def test_the_nonce_is_required_for_an_id_token(realm: Env) -> None:
    for response_type in ("id_token", "id_token token", "code id_token"):
        response = await start(realm.http, "test", "spa", response_type=response_type, state="s1")
        assert dict(fragment(response)) == {
            "error": "invalid_request",
            "error_description": "Missing parameter: nonce",
            "state": "s1",
            "iss": ISS,
        }, response_type
    response = await start(realm.http, "test", "spa", response_type="token", scope="profile")
    assert response.status_code == 200  # a plain OAuth 2.0 token request needs no nonce


async def test_query_mode_is_refused_for_the_implicit_flow(realm: Env) -> None:
    response = await start(realm.http, "test", "spa", response_type="token", response_mode="query")
    location = response.headers["location"]
    assert response.status_code == 302 and "#" not in location
    assert parse_qs(urlsplit(location).query)["error_description"] == [
        "Response_mode 'query' not allowed for implicit or hybrid flow"
    ]


async def test_pkce_is_not_checked_for_the_implicit_flow_but_is_for_hybrid(realm: Env) -> None:
    assert (
        await start(realm.http, "test", "spa", response_type="token", code_challenge_method="S256")
    ).status_code == 200
    response = await start(realm.http, "test", "spa", response_type="code token", code_challenge_method="S256")
    assert dict(fragment(response))["error_description"] == "Missing parameter: code_challenge"


async def test_the_token_endpoint_still_refuses_the_implicit_grant_type(realm: Env) -> None:
    response = await realm.http.post(
        "/realms/test/protocol/openid-connect/token", data={"grant_type": "implicit", "client_id": "spa"}
    )
    assert response.status_code == 400 and response.json()["error"] == "unsupported_grant_type"


async def test_offline_access_in_a_hybrid_flow_makes_the_offline_session_at_the_authorization_response(
    realm: Env,
) -> None:
    """OIDCLoginProtocol.authenticated (Keycloak issue 39037): a hybrid response (a code and tokens) asking for
    offline access creates the offline session at once, so its tokens serve before the code is exchanged; the
    implicit flow (no code) never makes one; the code exchange keeps the one offline session."""
    for response_type in ("code id_token", "code token", "id_token token"):
        params = dict(
            fragment(await log_in(realm, response_type=response_type, nonce="n", scope="openid offline_access"))
        )
        made = await client_offline_sessions(realm, "test", "spa")
        assert len(made) == (1 if "code" in params else 0), response_type
        if "code" in params:
            response = await exchange(realm.http, "test", "spa", params["code"], secret=None)
            assert claims(response.json()["refresh_token"])["typ"] == "Offline"
            assert [s["id"] for s in await client_offline_sessions(realm, "test", "spa")] == [made[0]["id"]]
            await realm.http.delete(
                f"/admin/realms/test/users/{claims(response.json()['access_token'])['sub']}/consents/spa",
                headers=await realm.admin_headers(),
            )
        realm.http.cookies.clear()
