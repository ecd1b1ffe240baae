"""Where userinfo takes the access token from, and that protocol answers are never cached (RFC 6750 §2, §5.1)."""

from __future__ import annotations

import httpx
import pytest

from support import password_grant, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio
NO_STORE = {"cache-control": "no-store", "pragma": "no-cache"}


async def access_token(env: Env) -> str:
    response = await password_grant(env.http, "test", "app", scope="openid")
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def assert_not_cached(response: httpx.Response) -> None:
    for name, value in NO_STORE.items():
        assert response.headers.get(name) == value, (name, dict(response.headers))


async def test_userinfo_ignores_an_access_token_in_the_get_query_string(realm: Env) -> None:
    token = await access_token(realm)
    response = await realm.http.get(token_url("test", "userinfo"), params={"access_token": token})
    assert response.status_code == 401, response.text
    assert "WWW-Authenticate" in response.headers
    assert_not_cached(response)


async def test_userinfo_ignores_an_access_token_in_the_post_query_string(realm: Env) -> None:
    token = await access_token(realm)
    response = await realm.http.post(token_url("test", "userinfo") + f"?access_token={token}")
    assert response.status_code == 401, response.text
    response = await realm.http.post(token_url("test", "userinfo") + f"?access_token={token}", data={"x": "1"})
    assert response.status_code == 401, response.text


async def test_userinfo_accepts_the_header_on_get_and_post_and_the_form_body_on_post(realm: Env) -> None:
    token = await access_token(realm)
    bearer = {"Authorization": f"Bearer {token}"}
    for response in (
        await realm.http.get(token_url("test", "userinfo"), headers=bearer),
        await realm.http.post(token_url("test", "userinfo"), headers=bearer),
        await realm.http.post(token_url("test", "userinfo"), data={"access_token": token}),
    ):
        assert response.status_code == 200, response.text
        assert response.json()["preferred_username"] == "user1"
        assert_not_cached(response)


async def test_userinfo_refuses_a_token_in_both_the_header_and_the_body(realm: Env) -> None:
    token = await access_token(realm)
    response = await realm.http.post(
        token_url("test", "userinfo"), data={"access_token": token}, headers={"Authorization": f"Bearer {token}"}
    )
    assert (response.status_code, response.content) == (400, b""), response.text
    assert response.headers["WWW-Authenticate"] == (
        'Bearer realm="test", error="invalid_request", '
        'error_description="More than one method used for including an access token"'
    )
    assert_not_cached(response)


async def test_userinfo_refuses_two_access_token_parameters(realm: Env) -> None:
    token = await access_token(realm)
    response = await realm.http.post(
        token_url("test", "userinfo"),
        content=f"access_token={token}&access_token={token}",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 400, response.text
    assert 'error_description="Duplicate parameter"' in response.headers["WWW-Authenticate"]


async def test_userinfo_errors_are_not_cached(realm: Env) -> None:
    for response in (
        await realm.http.get(token_url("test", "userinfo")),
        await realm.http.get(token_url("test", "userinfo"), headers={"Authorization": "Bearer x.y.z"}),
    ):
        assert response.status_code == 401
        assert_not_cached(response)


async def test_token_introspection_and_revocation_answers_are_not_cached(realm: Env) -> None:
    grant = await password_grant(realm.http, "test", "app", scope="openid")
    assert_not_cached(grant)
    body = grant.json()
    creds = {"client_id": "app", "client_secret": "secret"}
    answers = [
        await realm.http.post(token_url("test", "token/introspect"), data={"token": body["access_token"], **creds}),
        await realm.http.post(token_url("test", "token/introspect"), data={"token": "junk", **creds}),
        await realm.http.post(token_url("test", "revoke"), data={"token": body["refresh_token"], **creds}),
        await realm.http.post(token_url("test", "revoke"), data=creds),
        await realm.http.post(token_url("test", "token"), data={"grant_type": "password", **creds}),
        await realm.http.post(
            token_url("test", "token"), data={"grant_type": "refresh_token", "refresh_token": "junk", **creds}
        ),
    ]
    assert [a.status_code for a in answers] == [200, 200, 200, 400, 401, 400]
    for answer in answers:
        assert_not_cached(answer)
