"""Two processes needing a realm's fallback key at the same moment make one key, on SQLite (two processes on one file)
and PostgreSQL (two workers of one server).

Keycloak's DefaultKeyManager.getActiveKey, finding no active key of an algorithm, has the first key provider factory
that makes one (createFallbackKeys) add a ``fallback-{alg}`` component at priority -100, and uses it. Keycloak takes no
lock there: two nodes asking at once may each add one, and the realm then publishes two fallback keys of one
algorithm. Doorkeep makes one, deliberately: the creation waits for any other of the realm and reads the realm's keys
again before it makes its own (keys/ring.py), so the later request signs with the key the earlier one made. Before,
on PostgreSQL, two workers signing a client's first PS256 ID token at once each stored a key.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from otp_port import APP, SECRET, USER, realm_rep, user_rep
from worker_pair import ENGINES, Pair, new_realm, pair_fixture, path

pytestmark = [pytest.mark.interop, pytest.mark.postgres]

NAMES = {"firstName": "Test", "lastName": "User", "emailVerified": True}
KEY_PROVIDER = "org.keycloak.keys.KeyProvider"


@pytest.fixture(scope="module", params=ENGINES)
def pair(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Pair]:
    yield from pair_fixture(request, tmp_path_factory)


def _kid(token: str) -> str:
    part = token.split(".")[0]
    header: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return str(header["kid"])


def _at_once(pair: Pair, realm: str) -> list[httpx.Response]:
    """A password grant for an ID token through each node, both sent once both connections are open."""
    body = urlencode(
        {
            "grant_type": "password",
            "client_id": APP,
            "client_secret": SECRET,
            "username": USER,
            "password": "password",
            "scope": "openid",
        }
    ).encode()
    headers = {
        "Host": f"127.0.0.1:{pair.port}",
        "Content-Type": "application/x-www-form-urlencoded",
        "Accept": "application/json",
    }
    ready = threading.Barrier(2)
    answers: dict[int, httpx.Response] = {}

    def send(node: int) -> None:
        with pair.connection(node) as connection:
            ready.wait(60)
            connection.request("POST", f"/realms/{realm}/protocol/openid-connect/token", body=body, headers=headers)
            answer = connection.getresponse()
            answers[node] = httpx.Response(answer.status, content=answer.read())

    threads = [threading.Thread(target=send, args=(node,)) for node in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    return [answers[0], answers[1]]


@pytest.mark.parametrize("alg", ["PS256", "PS384", "RS512"])
def test_two_processes_needing_a_fallback_key_at_once_make_one(pair: Pair, alg: str) -> None:
    rep = realm_rep(users=[user_rep(USER, **NAMES)])
    rep["clients"][0]["attributes"] = {"id.token.signed.response.alg": alg}
    realm = new_realm(pair, rep)
    answers = _at_once(pair, realm)
    assert [a.status_code for a in answers] == [200, 200], [a.text for a in answers]
    kids = {_kid(a.json()["id_token"]) for a in answers}
    query = f"?type={KEY_PROVIDER}"
    components = pair.admin(0, "GET", path(realm, "components") + query, status=200).json()
    fallbacks = [c for c in components if c["name"] == f"fallback-{alg}"]
    assert len(fallbacks) == 1, fallbacks
    keys = pair.admin(1, "GET", path(realm, "keys"), status=200).json()["keys"]
    made = [k for k in keys if k["algorithm"] == alg]
    assert [k["providerId"] for k in made] == [fallbacks[0]["id"]]
    assert kids == {made[0]["kid"]}
