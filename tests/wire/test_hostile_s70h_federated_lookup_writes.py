"""The indexed federated-jwt client lookup (session 70: ``clients.credential_sub_hash``, kept per subject under the
realm's config version) against the other ways a client's ``jwt.credential.sub`` is written or removed, in a realm
with more clients than the per-process config cache holds, so the index answers:

- a partial import that OVERWRITEs the bound client with another subject: the old subject finds no client, the new
  one finds it (IdentityProvidersPartialImport writes the client as the Admin REST API does);
- a client of another realm (imported with a realm file) bound to a provider of the same alias and the same subject
  is that realm's: the assertion here still finds this realm's one client (searchClientsByAttributes is per realm),
  and is not "two clients bound to one subject";
- the bound client deleted: its subject finds no client, never a 5xx.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from doorkeep.store import config_cache
from fake_idp import FakeIdp, fake_idp
from federated_client_support import (
    EXTERNAL,
    IDP_ALIAS,
    INTERNAL,
    assert_failure,
    assert_success,
    default_token,
    grant,
    signed,
)
from keycloak_port import ADMIN, admin_headers, client_uuid, forget, poll, put
from wire_env import Env

pytestmark = pytest.mark.anyio


def _client(client_id: str, subject: str) -> dict[str, object]:
    return {
        "clientId": client_id,
        "serviceAccountsEnabled": True,
        "clientAuthenticatorType": "federated-jwt",
        "attributes": {"jwt.credential.issuer": IDP_ALIAS, "jwt.credential.sub": subject},
    }


@pytest.fixture
async def bound(realm: Env, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[tuple[Env, FakeIdp]]:
    monkeypatch.setattr(config_cache, "MAX_CLIENTS", 3)
    async with fake_idp() as provider:
        h = await admin_headers(realm)
        rep = provider.rep(IDP_ALIAS, supportsClientAssertions="true")
        made = await realm.http.post(f"{ADMIN}/identity-provider/instances", json=rep, headers=h)
        assert made.status_code == 201, made.text
        for name in [INTERNAL] + [f"other-{n}" for n in range(8)]:
            body = _client(name, EXTERNAL if name == INTERNAL else name)
            made = await realm.http.post(f"{ADMIN}/clients", json=body, headers=h)
            assert made.status_code == 201, made.text
        await put(realm, "", {"eventsEnabled": True})
        await poll(realm)
        yield realm, provider
        forget(realm)


async def _no_client(env: Env, provider: FakeIdp, subject: str) -> None:
    token = default_token(env, provider, sub=subject)
    response = await grant(env, signed(token))
    await assert_failure(env, response, token, client_id=None, error="client_not_found", description=None)


async def _found(env: Env, provider: FakeIdp, subject: str) -> None:
    token = default_token(env, provider, sub=subject)
    await assert_success(env, await grant(env, signed(token)), token, subject=subject)


async def test_a_partial_import_overwriting_the_subject_moves_the_lookup(bound: tuple[Env, FakeIdp]) -> None:
    env, provider = bound
    await _found(env, provider, EXTERNAL)
    body = {"ifResourceExists": "OVERWRITE", "clients": [_client(INTERNAL, "moved-subject")]}
    answer = await env.http.post(f"{ADMIN}/partialImport", json=body, headers=await admin_headers(env))
    assert answer.status_code == 200, answer.text
    await _no_client(env, provider, EXTERNAL)
    await _found(env, provider, "moved-subject")


async def test_another_realms_client_of_the_same_subject_is_not_a_twin(bound: tuple[Env, FakeIdp]) -> None:
    env, provider = bound
    other = {
        "realm": "other",
        "enabled": True,
        "identityProviders": [provider.rep(IDP_ALIAS, supportsClientAssertions="true")],
        "clients": [_client("twin", EXTERNAL)],
    }
    made = await env.http.post("/admin/realms", json=other, headers=await admin_headers(env))
    assert made.status_code == 201, made.text
    await _found(env, provider, EXTERNAL)


async def test_the_bound_client_deleted_is_not_found(bound: tuple[Env, FakeIdp]) -> None:
    env, provider = bound
    await _found(env, provider, EXTERNAL)
    gone = await env.http.delete(
        f"{ADMIN}/clients/{await client_uuid(env, INTERNAL)}", headers=await admin_headers(env)
    )
    assert gone.status_code == 204, gone.text
    await _no_client(env, provider, EXTERNAL)
