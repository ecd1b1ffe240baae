"""The authorization code flow over HTTP: login page, SSO, consent, PKCE, offline access, logout."""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest

from browser_flow import REDIRECT, code_from, exchange, form_action, form_fields, login, start, submit, submit_forged
from doorkeep.oauth.pkce import s256
from support import assert_error, claims, refresh, seed_login_realm, update_client, update_user
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_login_realm(env.db, env.clock)
    return env


async def counts(env: Env, sid: str) -> tuple[int, int]:
    async with env.db.transaction() as tx:
        return (
            int(await tx.sessions.get_user_session(sid, False) is not None),
            int(await tx.sessions.get_user_session(sid, True) is not None),
        )


async def test_login_page_then_code_then_tokens(realm: Env) -> None:
    page = await start(realm.http, "test", "app", nonce="n0nce")
    assert page.status_code == 200
    assert 'name="username"' in page.text and "AUTH_SESSION_ID" in page.headers["set-cookie"]
    assert page.headers["x-frame-options"] == "SAMEORIGIN"
    params = code_from(await submit(realm.http, page, username="user1", password="password"))
    assert params["state"] == "st4te" and params["iss"] == "http://localhost/realms/test"
    response = await exchange(realm.http, "test", "app", params["code"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["session_state"] == params["session_state"]
    id_token = claims(body["id_token"])
    assert id_token["nonce"] == "n0nce" and id_token["acr"] == "1"
    assert claims(body["access_token"])["jti"].startswith("onrtac:")


async def test_wrong_password_shows_the_form_again(realm: Env) -> None:
    page = await start(realm.http, "test", "app")
    again = await submit(realm.http, page, username="user1", password="nope")
    assert again.status_code == 200
    assert "Invalid username or password." in again.text


async def test_login_form_without_the_session_code_is_refused(realm: Env) -> None:
    """SessionCodeChecks: a wrong code logs nobody in; the tab's login page comes back (by a redirect, as for a
    spent code) with "Action expired. Please continue with login now."."""
    page = await start(realm.http, "test", "app")
    response = await submit_forged(realm.http, page, "forged", username="user1", password="password")
    assert response.status_code == 302 and "/login-actions/authenticate?" in response.headers["location"]
    again = await realm.http.get(response.headers["location"])
    assert "Action expired. Please continue with login now." in again.text and 'name="password"' in again.text


async def test_sso_session_skips_the_login_page(realm: Env) -> None:
    await login(realm.http, "test", "app")
    second = code_from(await start(realm.http, "test", "app"))
    body = (await exchange(realm.http, "test", "app", second["code"])).json()
    assert claims(body["id_token"])["acr"] == "0"


async def test_prompt_none_without_session_is_login_required(realm: Env) -> None:
    params = code_from(await start(realm.http, "test", "app", prompt="none"))
    assert params["error"] == "login_required"


async def test_invalid_redirect_uri_is_not_redirected(realm: Env) -> None:
    response = await start(realm.http, "test", "app", redirect_uri="https://evil.example/cb")
    assert response.status_code == 400
    assert "Invalid parameter: redirect_uri" in response.text


async def test_invalid_scope_is_redirected_to_the_client(realm: Env) -> None:
    params = code_from(await start(realm.http, "test", "app", scope="openid bogus"))
    assert params["error"] == "invalid_scope"
    assert params["error_description"] == "Invalid scopes: openid bogus"


async def test_a_code_works_once_and_reuse_detaches_the_client_session(realm: Env) -> None:
    params = await login(realm.http, "test", "app")
    first = (await exchange(realm.http, "test", "app", params["code"])).json()
    assert_error(await exchange(realm.http, "test", "app", params["code"]), 400, "invalid_grant", "Code not valid")
    assert_error(
        await refresh(realm.http, "test", "app", first["refresh_token"]),
        400,
        "invalid_grant",
        "Session doesn't have required client",
    )


async def test_expired_code_is_refused(realm: Env) -> None:
    params = await login(realm.http, "test", "app")
    realm.clock.advance(61)
    assert_error(await exchange(realm.http, "test", "app", params["code"]), 400, "invalid_grant", "Code not valid")


async def test_redirect_uri_must_match(realm: Env) -> None:
    params = await login(realm.http, "test", "app")
    response = await exchange(realm.http, "test", "app", params["code"], redirect_uri="http://127.0.0.1:9999/other")
    assert_error(response, 400, "invalid_grant", "Incorrect redirect_uri")


async def test_pkce_s256(realm: Env) -> None:
    verifier = "v" * 50
    params = await login(realm.http, "test", "app", code_challenge=s256(verifier), code_challenge_method="S256")
    assert_error(
        await exchange(realm.http, "test", "app", params["code"]),
        400,
        "invalid_grant",
        "PKCE code verifier not specified",
    )
    params = await login(realm.http, "test", "app", code_challenge=s256(verifier), code_challenge_method="S256")
    assert_error(
        await exchange(realm.http, "test", "app", params["code"], code_verifier="w" * 50),
        400,
        "invalid_grant",
        "PKCE verification failed: Code mismatch",
    )
    params = await login(realm.http, "test", "app", code_challenge=s256(verifier), code_challenge_method="S256")
    assert (await exchange(realm.http, "test", "app", params["code"], code_verifier=verifier)).status_code == 200


async def test_a_code_verifier_with_a_trailing_newline_is_invalid(realm: Env) -> None:
    """Keycloak matches the whole verifier (Pattern.matches); a regex "$" would let "\\n" through."""
    verifier = "v" * 50
    params = await login(realm.http, "test", "app", code_challenge=s256(verifier), code_challenge_method="S256")
    response = await exchange(realm.http, "test", "app", params["code"], code_verifier=verifier + "\n")
    assert_error(response, 400, "invalid_grant", "PKCE verification failed: Invalid code verifier")


async def test_client_requiring_pkce_refuses_requests_without_a_challenge_method(realm: Env) -> None:
    await update_client(realm.db, "test", "app", attributes={"pkce.code.challenge.method": "S256"})
    params = code_from(await start(realm.http, "test", "app"))
    assert params["error"] == "invalid_request"
    assert params["error_description"] == "Missing parameter: code_challenge_method"


async def test_fresh_login_with_offline_access_leaves_only_the_offline_session(realm: Env) -> None:
    params = await login(realm.http, "test", "app", scope="openid offline_access")
    body = (await exchange(realm.http, "test", "app", params["code"])).json()
    assert claims(body["refresh_token"])["typ"] == "Offline"
    assert await counts(realm, body["session_state"]) == (0, 1)


async def test_existing_sso_session_asking_for_offline_keeps_both(realm: Env) -> None:
    first = await login(realm.http, "test", "app")
    await exchange(realm.http, "test", "app", first["code"])
    second = code_from(await start(realm.http, "test", "app", scope="openid offline_access"))
    body = (await exchange(realm.http, "test", "app", second["code"])).json()
    assert body["session_state"] == first["session_state"]
    assert await counts(realm, body["session_state"]) == (1, 1)


async def test_consent_page_then_offline_token(realm: Env) -> None:
    await update_client(realm.db, "test", "app", consent_required=True)
    page = await start(realm.http, "test", "app", scope="openid offline_access")
    consent = await submit(realm.http, page, username="user1", password="password")
    assert consent.status_code == 200 and "Offline Access" in consent.text
    params = code_from(await submit(realm.http, consent, accept="yes"))
    body = (await exchange(realm.http, "test", "app", params["code"])).json()
    assert claims(body["refresh_token"])["typ"] == "Offline"


async def test_denying_consent_returns_access_denied(realm: Env) -> None:
    await update_client(realm.db, "test", "app", consent_required=True)
    page = await start(realm.http, "test", "app")
    consent = await submit(realm.http, page, username="user1", password="password")
    params = code_from(await submit(realm.http, consent, cancel="no"))
    assert params["error"] == "access_denied"


async def test_update_password_required_action(realm: Env) -> None:
    await update_user(realm.db, "test", "user1", required_actions=("UPDATE_PASSWORD",))
    page = await start(realm.http, "test", "app")
    update = await submit(realm.http, page, username="user1", password="password")
    assert "Update password" in update.text
    mismatch = await submit(realm.http, update, **{"password-new": "a", "password-confirm": "b"})
    assert "Passwords don&#39;t match." in mismatch.text
    done = await submit(realm.http, mismatch, **{"password-new": "n3w", "password-confirm": "n3w"})
    assert "code" in code_from(done)


async def test_browser_logout_with_id_token_hint_ends_the_session_but_not_offline(realm: Env) -> None:
    await update_client(realm.db, "test", "app", attributes={"post.logout.redirect.uris": "+"})
    offline = await login(realm.http, "test", "app", scope="openid offline_access")
    offline_body = (await exchange(realm.http, "test", "app", offline["code"])).json()
    params = await login(realm.http, "test", "app", prompt="login")
    body = (await exchange(realm.http, "test", "app", params["code"])).json()
    response = await realm.http.get(
        "/realms/test/protocol/openid-connect/logout",
        params={"id_token_hint": body["id_token"], "post_logout_redirect_uri": REDIRECT, "state": "bye"},
    )
    assert response.status_code == 302
    assert response.headers["location"] == REDIRECT + "?state=bye"
    assert await counts(realm, body["session_state"]) == (0, 0)
    assert (await refresh(realm.http, "test", "app", offline_body["refresh_token"])).status_code == 200
    relogin = await start(realm.http, "test", "app")
    assert relogin.status_code == 200 and 'name="password"' in relogin.text


async def test_logout_without_hint_asks_for_confirmation(realm: Env) -> None:
    await login(realm.http, "test", "app")
    page = await realm.http.get("/realms/test/protocol/openid-connect/logout")
    assert page.status_code == 200 and "Do you want to log out?" in page.text
    done = await submit(realm.http, page)
    assert done.status_code == 200 and "You are logged out" in done.text


async def test_token_endpoint_allows_the_clients_web_origin(realm: Env) -> None:
    await update_client(realm.db, "test", "app", web_origins=("+",))
    params = await login(realm.http, "test", "app")
    response = await exchange(realm.http, "test", "app", params["code"])
    assert "access-control-allow-origin" not in response.headers
    params = await login(realm.http, "test", "app")
    data = {
        "grant_type": "authorization_code",
        "code": params["code"],
        "client_id": "app",
        "client_secret": "secret",
        "redirect_uri": REDIRECT,
    }
    allowed = await realm.http.post(
        "/realms/test/protocol/openid-connect/token", data=data, headers={"Origin": "http://127.0.0.1:9999"}
    )
    assert allowed.headers["access-control-allow-origin"] == "http://127.0.0.1:9999"
    assert allowed.headers["access-control-allow-credentials"] == "true"
    refused = await realm.http.post(
        "/realms/test/protocol/openid-connect/token", data=data, headers={"Origin": "http://evil.example"}
    )
    assert "access-control-allow-origin" not in refused.headers
    preflight = await realm.http.options(
        "/realms/test/protocol/openid-connect/userinfo",
        headers={"Origin": "http://127.0.0.1:9999", "Access-Control-Request-Method": "GET"},
    )
    assert preflight.status_code == 200
    assert "Authorization" in preflight.headers["access-control-allow-headers"]


async def test_a_browser_login_records_the_device_on_the_session(realm: Env) -> None:
    realm.http.headers["User-Agent"] = (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.71 Safari/537.36"
    )
    params = await login(realm.http, "test", "app", scope="openid offline_access")
    body = (await exchange(realm.http, "test", "app", params["code"])).json()
    async with realm.db.transaction(write=False) as tx:
        offline = await tx.sessions.get_user_session(body["session_state"], True)
    assert offline is not None and offline.notes["browser"] == "Chrome/120.0.6099"  # major.minor.patch, as ua-parser


async def test_the_action_querys_session_code_wins_over_the_hidden_field(realm: Env) -> None:
    """Keycloak reads the session code from the action's query (url.loginAction): a forged code there is refused
    even with the page's own code in the body, and the page's code there passes whatever the body says."""
    page = await start(realm.http, "test", "app")
    parts = urlsplit(form_action(page.text))
    query = {k: v[0] for k, v in parse_qs(parts.query).items()}
    genuine = query["session_code"]
    forged_url = parts._replace(query=urlencode({**query, "session_code": "forged"})).geturl()
    body = {**form_fields(page.text), "username": "user1", "password": "password"}
    refused = await realm.http.post(forged_url, data={**body, "session_code": genuine})
    assert refused.status_code == 302 and "code=" not in refused.headers["location"]  # the login page again
    again = await start(realm.http, "test", "app")
    accepted = await realm.http.post(
        form_action(again.text),
        data={**form_fields(again.text), "username": "user1", "password": "password", "session_code": "forged"},
    )
    assert "code" in code_from(accepted)
