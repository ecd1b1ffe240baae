"""L3 and I6: user-profile validation on the account and admin APIs, a user search that cannot be made
slow, and a client search where ``%`` and ``_`` are literal (security review L3, I6)."""

from __future__ import annotations

from typing import Any

import pytest

from support import password_grant, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

ACCOUNT = "/realms/test/account"
USERS = "/admin/realms/test/users"
CLIENTS = "/admin/realms/test/clients"


async def _user_headers(env: Env) -> dict[str, str]:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    response = await password_grant(env.http, "test", "app", "user1")
    return {"Authorization": f"Bearer {response.json()['access_token']}"}


async def test_account_profile_refuses_bad_email_and_overlong_or_scripted_names(env: Env) -> None:
    headers = await _user_headers(env)
    mine = {"email": "user1@example.com", "firstName": "User1", "lastName": "Tester"}
    cases: list[tuple[dict[str, Any], dict[str, Any]]] = [
        (
            {"email": "<b>x</b>"},
            {"field": "email", "errorMessage": "error-invalid-email", "params": ["${email}", "<b>x</b>"]},
        ),
        (
            {"firstName": "A" * 100_00},
            {
                "field": "firstName",
                "errorMessage": "error-invalid-length-too-long",
                "params": ["${firstName}", None, "255"],
            },
        ),
        (
            {"lastName": "<script>alert(1)</script>"},
            {"field": "lastName", "params": ["${lastName}"], "errorMessage": "error-person-name-invalid-character"},
        ),
    ]
    for body, error in cases:
        response = await env.http.post(ACCOUNT, json={**mine, **body}, headers=headers)
        assert response.status_code == 400, (body, response.text)
        assert response.json() == {**error, "errors": [error]}
    several = await env.http.post(ACCOUNT, json={**mine, "email": "nope", "firstName": "{x}"}, headers=headers)
    assert several.status_code == 400
    assert [e["field"] for e in several.json()["errors"]] == ["email", "firstName"] and "field" not in several.json()
    profile = (await env.http.get(ACCOUNT, headers=headers)).json()
    assert (
        profile["email"] == "user1@example.com" and profile["firstName"] == "User1" and profile["lastName"] == "Tester"
    )


@pytest.mark.parametrize(
    "body",
    [
        [],
        "text",
        1,
        None,
        {"firstName": ["x"]},
        {"lastName": {"a": 1}},
        {"email": ["a@example.com"]},
        {"firstName": True},
        {"email": 5},
        {"firstName": "ok", "lastName": ["x", "y"]},
    ],
)
async def test_account_profile_refuses_a_body_of_the_wrong_shape(env: Env, body: Any) -> None:
    headers = await _user_headers(env)
    response = await env.http.post(ACCOUNT, json=body, headers=headers)
    assert response.status_code == 400, (body, response.text)
    assert response.json() == {"error": "invalid_request", "error_description": "Cannot parse the JSON"}
    profile = (await env.http.get(ACCOUNT, headers=headers)).json()
    assert (
        profile["firstName"] == "User1" and profile["lastName"] == "Tester" and profile["email"] == "user1@example.com"
    )


async def test_account_profile_accepts_ordinary_names_and_addresses(env: Env) -> None:
    headers = await _user_headers(env)
    body = {"firstName": "José-María", "lastName": "O'Neil van der Berg", "email": "jm.oneil+id@example.org"}
    response = await env.http.post(ACCOUNT, json=body, headers=headers)
    assert response.status_code == 204, response.text
    profile = (await env.http.get(ACCOUNT, headers=headers)).json()
    assert {k: profile[k] for k in body} == body


async def test_admin_user_create_and_update_validate_the_profile_with_keycloaks_errors(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    refused = [
        (
            {"username": "ab"},
            {"field": "username", "errorMessage": "error-invalid-length", "params": ["username", 3, 255]},
        ),
        (
            {"username": "a" * 256},
            {"field": "username", "errorMessage": "error-invalid-length", "params": ["username", 3, 255]},
        ),
        (
            {"username": "bad<name>"},
            {"field": "username", "errorMessage": "error-username-invalid-character", "params": ["username"]},
        ),
        (
            {"username": "has space"},
            {"field": "username", "errorMessage": "error-username-invalid-character", "params": ["username"]},
        ),
        (
            {"username": "okay", "email": "a@@b"},
            {"field": "email", "errorMessage": "error-invalid-email", "params": ["email", "a@@b"]},
        ),
        (
            {"username": "okay", "firstName": "x" * 256},
            {"field": "firstName", "params": ["firstName", None, 255], "errorMessage": "error-invalid-length-too-long"},
        ),
        (
            {"username": "okay", "lastName": "a;b"},
            {"field": "lastName", "params": ["lastName"], "errorMessage": "error-person-name-invalid-character"},
        ),
    ]
    for rep, error in refused:
        response = await env.http.post(USERS, json=rep, headers=headers)
        assert response.status_code == 400, (rep, response.text)
        assert response.json() == error
    assert (await env.http.get(f"{USERS}/count", headers=headers)).json() == 0
    created = await env.http.post(USERS, json={"username": "okay", "email": "okay@example.com"}, headers=headers)
    assert created.status_code == 201, created.text
    user_id = created.headers["location"].rsplit("/", 1)[-1]
    for rep, field in (
        ({"email": "not-an-email"}, "email"),
        ({"firstName": "<b>"}, "firstName"),
    ):
        response = await env.http.put(f"{USERS}/{user_id}", json=rep, headers=headers)
        assert response.status_code == 400 and response.json()["field"] == field, (rep, response.text)
    # A username the realm does not let administrators edit is read-only as well as too short: both come back,
    # as Keycloak's ErrorResponse lists several profile errors.
    renamed = await env.http.put(f"{USERS}/{user_id}", json={"username": "x"}, headers=headers)
    assert renamed.status_code == 400
    assert [e["errorMessage"] for e in renamed.json()["errors"]] == [
        "error-invalid-length",
        "error-user-attribute-read-only",
    ]
    unchanged = await env.http.put(f"{USERS}/{user_id}", json={"username": "okay", "lastName": "Fine"}, headers=headers)
    assert unchanged.status_code == 204, unchanged.text


async def _create_users(env: Env, headers: dict[str, str], *names: tuple[str, str]) -> None:
    for username, first in names:
        response = await env.http.post(
            USERS, json={"username": username, "firstName": first, "enabled": True}, headers=headers
        )
        assert response.status_code == 201, response.text


async def _search(env: Env, headers: dict[str, str], term: str) -> list[str]:
    response = await env.http.get(USERS, params={"search": term}, headers=headers)
    assert response.status_code == 200, response.text
    return sorted(u["username"] for u in response.json())


async def test_user_search_wildcards_match_as_keycloaks_like_pattern(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    long_name = "a" * 250
    await _create_users(
        env, headers, ("alpha", "Ann"), ("albert", "Bert"), ("bob.a", "Abe"), ("a_b", "X"), (long_name, "Long")
    )
    await seed_user(env.db, env.clock, "test", "a%b", email=None, first_name=None, last_name=None)  # as an import may
    assert await _search(env, headers, "al") == ["albert", "alpha"]
    assert await _search(env, headers, "a*t") == ["albert"]
    assert await _search(env, headers, "*a") == sorted(["alpha", "albert", "bob.a", "a_b", "a%b", long_name])
    assert await _search(env, headers, "a_") == ["a_b"]
    assert await _search(env, headers, "a%") == ["a%b"]
    assert await _search(env, headers, '"alpha"') == ["alpha"]
    assert await _search(env, headers, '"alp"') == []
    # A long value and many wildcards: the answer is decided without backtracking.
    assert await _search(env, headers, "a*" * 200 + "b") == []
    assert await _search(env, headers, "a*" * 200) == [long_name]
    assert await _search(env, headers, "*a" * 250 + "*") == [long_name]
    assert await _search(env, headers, "*a" * 251) == []
    assert await _search(env, headers, "*" * 500 + "ann") == ["alpha"]


async def test_user_q_search_parses_pairs_in_one_pass(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    response = await env.http.post(
        USERS,
        headers=headers,
        json={"username": "tagged", "enabled": True, "attributes": {"team": ["blue"], "my key": ["a b"]}},
    )
    assert response.status_code == 201, response.text
    for q, found in (
        ("team:blue", ["tagged"]),
        ('"my key":"a b"', ["tagged"]),
        ("team:red", []),
        ("team:blue " + "x" * 20000, ["tagged"]),
        ("a" * 20000, ["tagged"]),
        ('a:"' + '\\"' * 5000, ["tagged"]),
        ('team:"blue', ["tagged"]),
    ):
        response = await env.http.get(USERS, params={"q": q}, headers=headers)
        assert response.status_code == 200, response.text
        assert sorted(u["username"] for u in response.json()) == found, q[:40]


async def test_client_search_treats_percent_and_underscore_literally(env: Env) -> None:
    await seed_realm(env.db, env.clock)
    headers = await env.admin_headers()
    for client_id in ("plain", "with_underscore", "with%percent", "back\\slash"):
        response = await env.http.post(CLIENTS, json={"clientId": client_id}, headers=headers)
        assert response.status_code == 201, response.text

    async def search(term: str) -> list[str]:
        response = await env.http.get(CLIENTS, params={"clientId": term, "search": "true"}, headers=headers)
        assert response.status_code == 200, response.text
        return [c["clientId"] for c in response.json()]

    assert await search("%") == ["with%percent"]
    assert await search("_") == ["with_underscore"]
    assert await search("h_u") == ["with_underscore"]
    assert await search("h%p") == ["with%percent"]
    assert await search("\\") == ["back\\slash"]
    assert "plain" in await search("a")
