"""Logout with refresh tokens, /revoke, and what each leaves standing (KEYCLOAK.md §4.4, §8)."""

from __future__ import annotations

import pytest

from support import add_audience, assert_error, claims, password_grant, refresh, seed_client, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def realm(realm: Env) -> Env:
    """The shared ``test`` realm plus a second confidential client, ``other``."""
    await seed_client(realm.db, "test", "other")
    return realm


async def logout(env: Env, token: str, client: str = "app", secret: str | None = "secret") -> int:
    form = {"client_id": client, "refresh_token": token}
    if secret:
        form["client_secret"] = secret
    response = await env.http.post(token_url("test", "logout"), data=form)
    return response.status_code


async def revoke(env: Env, token: str, client: str = "app", **extra: str) -> tuple[int, str]:
    form = {"client_id": client, "client_secret": "secret", "token": token, **extra}
    response = await env.http.post(token_url("test", "revoke"), data=form)
    return response.status_code, response.text


async def sessions(env: Env, sid: str) -> tuple[bool, bool]:
    async with env.db.transaction() as tx:
        return (
            await tx.sessions.get_user_session(sid, False) is not None,
            await tx.sessions.get_user_session(sid, True) is not None,
        )


async def test_logout_with_an_offline_token_revokes_the_offline_session(realm: Env) -> None:
    body = (await password_grant(realm.http, "test", "app", scope="offline_access")).json()
    assert await logout(realm, body["refresh_token"]) == 204
    assert await sessions(realm, body["session_state"]) == (False, False)
    assert_error(
        await refresh(realm.http, "test", "app", body["refresh_token"]),
        400,
        "invalid_grant",
        "Offline user session not found",
    )


async def test_logout_with_an_online_token_leaves_offline_sessions_alone(realm: Env) -> None:
    offline = (await password_grant(realm.http, "test", "app", scope="offline_access")).json()
    online = (await password_grant(realm.http, "test", "app")).json()
    assert await logout(realm, online["refresh_token"]) == 204
    assert_error(
        await refresh(realm.http, "test", "app", online["refresh_token"]), 400, "invalid_grant", "Session not active"
    )
    assert (await refresh(realm.http, "test", "app", offline["refresh_token"])).status_code == 200


async def test_logout_accepts_an_expired_refresh_token(realm: Env) -> None:
    body = (await password_grant(realm.http, "test", "app")).json()
    realm.clock.advance(4000)
    assert await logout(realm, body["refresh_token"]) == 204


async def test_logout_with_an_empty_refresh_token_is_invalid_grant(realm: Env) -> None:
    """Keycloak says "No refresh token" only for an absent parameter; an empty one fails verification."""
    response = await realm.http.post(
        token_url("test", "logout"), data={"client_id": "app", "client_secret": "secret", "refresh_token": ""}
    )
    assert_error(response, 400, "invalid_grant", "Invalid refresh token")


async def test_logout_by_another_client_is_refused(realm: Env) -> None:
    body = (await password_grant(realm.http, "test", "app", scope="offline_access")).json()
    response = await realm.http.post(
        token_url("test", "logout"),
        data={"client_id": "other", "client_secret": "secret", "refresh_token": body["refresh_token"]},
    )
    assert_error(
        response, 400, "invalid_grant", "Invalid refresh token. Token client and authorized client don't match"
    )


async def test_logout_requires_client_authentication(realm: Env) -> None:
    body = (await password_grant(realm.http, "test", "app")).json()
    response = await realm.http.post(
        token_url("test", "logout"),
        data={"client_id": "app", "client_secret": "wrong", "refresh_token": body["refresh_token"]},
    )
    assert_error(response, 401, "unauthorized_client")


async def test_revoking_an_offline_token_removes_the_client_from_the_offline_session(realm: Env) -> None:
    body = (await password_grant(realm.http, "test", "app", scope="offline_access")).json()
    assert (await revoke(realm, body["refresh_token"], token_type_hint="refresh_token"))[0] == 200
    assert await sessions(realm, body["session_state"]) == (False, False)
    response = await refresh(realm.http, "test", "app", body["refresh_token"])
    assert response.status_code == 400 and response.json()["error"] == "invalid_grant"


async def test_revoking_an_access_token_makes_it_inactive(realm: Env) -> None:
    body = (await password_grant(realm.http, "test", "app", scope="openid")).json()
    assert (await revoke(realm, body["access_token"]))[0] == 200
    response = await realm.http.get(
        token_url("test", "userinfo"), headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert response.status_code == 401
    # the session itself is untouched
    assert (await refresh(realm.http, "test", "app", body["refresh_token"])).status_code == 200


async def test_revoke_errors(realm: Env) -> None:
    body = (await password_grant(realm.http, "test", "app", scope="offline_access")).json()
    response = await realm.http.post(token_url("test", "revoke"), data={"client_id": "app", "client_secret": "secret"})
    assert_error(response, 400, "invalid_request", "Token not provided")
    status, text = await revoke(realm, "garbage")
    assert status == 200 and '"invalid_token"' in text
    response = await realm.http.post(
        token_url("test", "revoke"),
        data={"client_id": "other", "client_secret": "secret", "token": body["refresh_token"]},
    )
    assert_error(response, 400, "invalid_request", "Unmatching clients")


async def test_introspection_of_offline_tokens_follows_the_session(realm: Env) -> None:
    await add_audience(realm.db, "test", "app")  # app introspects its own token (Keycloak 26.6.2's audience check)
    body = (await password_grant(realm.http, "test", "app", scope="offline_access")).json()

    async def introspect(token: str) -> dict[str, object]:
        response = await realm.http.post(
            token_url("test", "token/introspect"), data={"client_id": "app", "client_secret": "secret", "token": token}
        )
        assert response.status_code == 200, response.text
        return dict(response.json())

    refresh_view = await introspect(body["refresh_token"])
    assert refresh_view["active"] is True and refresh_view["typ"] == "Offline"
    access_view = await introspect(body["access_token"])
    assert access_view["active"] is True
    assert access_view["username"] == "user1" and access_view["client_id"] == "app"
    assert await logout(realm, body["refresh_token"]) == 204
    assert await introspect(body["refresh_token"]) == {"active": False}
    assert await introspect(body["access_token"]) == {"active": False}


async def test_introspection_requires_a_confidential_client(realm: Env) -> None:
    await seed_client(realm.db, "test", "spa", public=True)
    response = await realm.http.post(token_url("test", "token/introspect"), data={"client_id": "spa", "token": "x"})
    assert response.status_code == 403


async def test_userinfo_returns_profile_claims(realm: Env) -> None:
    body = (await password_grant(realm.http, "test", "app", scope="openid offline_access")).json()
    response = await realm.http.get(
        token_url("test", "userinfo"), headers={"Authorization": f"Bearer {body['access_token']}"}
    )
    assert response.status_code == 200, response.text
    info = response.json()
    assert info["sub"] == claims(body["access_token"])["sub"]
    assert info["preferred_username"] == "user1" and info["email"] == "user1@example.com"


async def test_userinfo_without_token_is_401(realm: Env) -> None:
    response = await realm.http.get(token_url("test", "userinfo"))
    assert response.status_code == 401
    assert "WWW-Authenticate" in response.headers


async def test_userinfo_with_a_token_signed_by_another_key_is_401(realm: Env) -> None:
    import jwt
    from cryptography.hazmat.primitives.asymmetric import rsa

    body = (await password_grant(realm.http, "test", "app", scope="openid")).json()
    forged_claims = claims(body["access_token"])
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    kid = jwt.get_unverified_header(body["access_token"])["kid"]
    forged = jwt.encode(forged_claims, key, algorithm="RS256", headers={"kid": kid})
    response = await realm.http.get(token_url("test", "userinfo"), headers={"Authorization": f"Bearer {forged}"})
    assert response.status_code == 401
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]
