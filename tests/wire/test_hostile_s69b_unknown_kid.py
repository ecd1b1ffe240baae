"""Tokens naming kids the realm never had, at every endpoint that verifies a caller's token: the answers stay what
they were, and the realm's key rows are not read again for each one (before, each such request re-read them, and
userinfo twice). The realm's config version says when the keys changed: every write of a key row advances it, the
fallback key a new algorithm makes on first need too, so another process finds that key at once."""

from __future__ import annotations

import base64
import json
from collections.abc import Awaitable, Callable, Iterator

import httpx
import pytest

from doorkeep.keys.ring import KeyRing
from sent_statements import recording
from support import claims, header, password_grant, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio
OIDC = "/realms/test/protocol/openid-connect"
Call = Callable[[httpx.AsyncClient, str], Awaitable[httpx.Response]]


def _forged(kid: str, alg: str) -> str:
    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    body = {"iss": "http://localhost/realms/test", "sub": "x", "typ": "Bearer", "exp": 4102444800, "azp": "app"}
    return f"{part({'alg': alg, 'kid': kid, 'typ': 'JWT'})}.{part(body)}.c2ln"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


CALLS: dict[str, tuple[Call, int]] = {
    "userinfo": (lambda h, t: h.get(f"{OIDC}/userinfo", headers=_bearer(t)), 401),
    "introspection": (lambda h, t: h.post(f"{OIDC}/token/introspect", data={"token": t}, auth=("app", "secret")), 200),
    "revocation": (lambda h, t: h.post(f"{OIDC}/revoke", data={"token": t}, auth=("app", "secret")), 200),
    "refresh": (
        lambda h, t: h.post(
            f"{OIDC}/token", data={"grant_type": "refresh_token", "refresh_token": t}, auth=("app", "secret")
        ),
        400,
    ),
    "logout hint": (lambda h, t: h.get(f"{OIDC}/logout", params={"id_token_hint": t}), 400),
    "account API": (lambda h, t: h.get("/realms/test/account/", headers=_bearer(t)), 401),
    "account devices": (lambda h, t: h.get("/realms/test/account/sessions/devices", headers=_bearer(t)), 401),
    "admin API": (lambda h, t: h.get("/admin/realms/test/users", headers=_bearer(t)), 401),
    "action token": (lambda h, t: h.get("/realms/test/login-actions/action-token", params={"key": t}), 400),
    "restart cookie": (
        lambda h, t: h.get("/realms/test/login-actions/restart", headers={"Cookie": f"KC_RESTART={t}"}),
        400,
    ),
}


@pytest.fixture
def statements(realm: Env, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    with recording(realm.db, monkeypatch) as sent:
        yield sent


def _key_reads(sent: list[str]) -> int:
    return sum(1 for s in sent if "FROM realm_keys" in s)


@pytest.mark.parametrize("alg", ["RS256", "HS512"])
@pytest.mark.parametrize("name", list(CALLS))
async def test_tokens_naming_new_kids_do_not_reread_the_realm_keys(
    realm: Env, statements: list[str], name: str, alg: str
) -> None:
    call, status = CALLS[name]
    await call(realm.http, _forged("warm-up", alg))  # the first read of this process
    statements.clear()
    for i in range(5):
        response = await call(realm.http, _forged(f"never-{i}", alg))
        assert response.status_code == status, (name, response.text)
    assert _key_reads(statements) == 0, f"{name}: the realm's keys read again for tokens naming unknown kids"


async def test_a_real_token_still_verifies_after_the_unknown_ones(realm: Env) -> None:
    tokens = (await password_grant(realm.http, "test", "app", scope="openid")).json()
    for i in range(3):
        await realm.http.get(f"{OIDC}/userinfo", headers=_bearer(_forged(f"never-{i}", "RS256")))
    response = await realm.http.get(f"{OIDC}/userinfo", headers=_bearer(tokens["access_token"]))
    assert response.status_code == 200 and response.json()["preferred_username"] == "user1"


async def _bound_ring_key(realm: Env, ring: KeyRing, kid: str, alg: str) -> bool:
    """Whether ``ring`` (another process's) finds ``kid`` in a transaction bound to realm ``test``, as a request."""
    async with realm.db.transaction() as tx:
        row = await tx.realms.get_by_name("test")
        assert row is not None
        tx.config.bind(row)
        return await ring.verification_key(tx, row.id, kid, alg) is not None


async def test_a_fallback_key_made_by_one_process_is_found_by_another_at_once(realm: Env) -> None:
    """DefaultKeyManager.createFallbackKeys: the first ES256 token makes the realm an ES256 key. Another process that
    read the realm's keys before must find it for the first token it sees, though it never re-reads for unknown
    kids while the realm's version stands: so making the key advances the version."""
    await update_client(realm.db, "test", "app", attributes={"access.token.signed.response.alg": "ES256"})
    other = KeyRing()
    assert not await _bound_ring_key(realm, other, "warm-up", "RS256")  # it has read the keys as they were
    response = await password_grant(realm.http, "test", "app", "user1", "password")
    assert response.status_code == 200, response.text
    access = response.json()["access_token"]
    assert header(access)["alg"] == "ES256" and claims(access)["preferred_username"] == "user1"
    assert await _bound_ring_key(realm, other, header(access)["kid"], "ES256")
