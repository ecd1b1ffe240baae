"""The token endpoint's own cost (issue #8): one transaction per grant, tokens signed after the commit."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from doorkeep import observe
from support import assert_error, claims, password_grant, refresh, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio


@contextmanager
def transactions(env: Env) -> Iterator[list[bool]]:
    """Count the database transactions the server opens (``Database`` reports each one to the observer;
    on SQLite BEGIN and COMMIT bypass SQLAlchemy's events, store/sqlite_engine.py)."""
    begun: list[bool] = []

    class Counting(observe.Observer):
        def transaction(self, write: bool, seconds: float) -> None:
            begun.append(write)

    saved = observe.current()
    observe.install(Counting())
    try:
        yield begun
    finally:
        observe.install(saved)


async def test_a_refresh_is_answered_in_one_transaction(realm: Env) -> None:
    token = (await password_grant(realm.http, "test", "app", scope="offline_access")).json()["refresh_token"]
    with transactions(realm) as begun:
        response = await refresh(realm.http, "test", "app", token)
    assert response.status_code == 200, response.text
    assert len(begun) == 1


async def test_a_password_grant_checks_the_password_before_its_writing_transaction(realm: Env) -> None:
    with transactions(realm) as begun:
        response = await password_grant(realm.http, "test", "app")
    assert response.status_code == 200, response.text
    assert len(begun) == 2


async def test_an_unknown_realm_is_still_a_404_even_with_a_malformed_body(realm: Env) -> None:
    response = await realm.http.post(
        token_url("nowhere"), content=b"grant_type=password", headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 404
    assert response.json() == {"error": "Realm does not exist"}


async def test_a_malformed_body_in_a_known_realm_is_still_keycloaks_415(realm: Env) -> None:
    response = await realm.http.post(
        token_url("test"), content=b"grant_type=password", headers={"Content-Type": "application/json"}
    )
    assert_error(response, 415, "invalid_request", "Unsupported Media Type")


async def test_the_id_token_signed_after_the_commit_hashes_the_access_token_it_came_with(realm: Env) -> None:
    body = (await password_grant(realm.http, "test", "app", scope="openid")).json()
    digest = hashlib.sha256(body["access_token"].encode()).digest()[:16]
    assert claims(body["id_token"])["at_hash"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    assert list(body) == [
        "access_token",
        "expires_in",
        "refresh_expires_in",
        "refresh_token",
        "token_type",
        "id_token",
        "not-before-policy",
        "session_state",
        "scope",
    ]
