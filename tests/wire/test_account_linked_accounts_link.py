"""The Account REST's ``linked-accounts/{alias}`` (Keycloak 26's LinkedAccountsResource.buildLinkedAccountURI and
removeLinkedAccount; LinkedAccountsRestServiceTest): the link URL bound to the caller's session, and unlinking.
The URL leads to the legacy ``/broker/{alias}/link``, off by default since Keycloak 26.7.2 (#51832): the tests that
get one start the server with ``allow-client-initiated-account-linking``; without it the GET is 404."""

from __future__ import annotations

import base64
import hashlib
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from doorkeep.model import ProtocolMapper
from support import claims, password_grant, seed_client, seed_realm, seed_user, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio

ACCOUNT = "/realms/test/account"
PROVIDER = {"alias": "corp", "providerId": "oidc", "enabled": True, "config": {"clientId": "x"}}
OTHER = {"alias": "other", "providerId": "oidc", "enabled": False, "config": {"clientId": "y"}}


async def _setup(env: Env) -> tuple[dict[str, str], str]:
    await seed_realm(env.db, env.clock)
    await update_realm(env.db, "test", identity_providers=(PROVIDER, OTHER), events_enabled=True)
    await seed_client(env.db, "test", "app")
    user = await seed_user(env.db, env.clock, "test", "user1")
    answer = await password_grant(env.http, "test", "app", "user1")
    assert answer.status_code == 200, answer.text
    token = answer.json()["access_token"]
    return {"Authorization": f"Bearer {token}"}, str(claims(token)["sid"]) + "|" + user.id


async def _link(env: Env, user_id: str, alias: str = "corp") -> None:
    rep = {"identityProvider": alias, "userId": "ext-1", "userName": "alice-ext"}
    answer = await env.http.post(
        f"/admin/realms/test/users/{user_id}/federated-identity/{alias}", json=rep, headers=await env.admin_headers()
    )
    assert answer.status_code == 204, answer.text


async def _events(env: Env, kind: str) -> list[dict[str, Any]]:
    got = await env.http.get("/admin/realms/test/events", params={"type": kind}, headers=await env.admin_headers())
    result: list[dict[str, Any]] = got.json()
    return result


LEGACY_LINKING = pytest.mark.server_options(oidc_allow_client_initiated_account_linking=True)


@LEGACY_LINKING
async def test_the_link_uri_is_bound_to_the_session_the_client_and_the_provider(env: Env) -> None:
    headers, ids = await _setup(env)
    sid = ids.split("|")[0]
    answer = await env.http.get(
        f"{ACCOUNT}/linked-accounts/corp", params={"redirectUri": "http://localhost/back"}, headers=headers
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert set(body) == {"accountLinkUri", "nonce", "hash"}
    url = urlsplit(body["accountLinkUri"])
    assert url.path == "/realms/test/broker/corp/link"
    params = {k: v[0] for k, v in parse_qs(url.query).items()}
    assert params == {
        "nonce": body["nonce"],
        "hash": body["hash"],
        "client_id": "account-console",
        "redirect_uri": "http://localhost/back",
    }
    digest = hashlib.sha256(f"{body['nonce']}{sid}account-consolecorp".encode()).digest()
    assert body["hash"] == base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    again = (await env.http.get(f"{ACCOUNT}/linked-accounts/corp?redirectUri=x", headers=headers)).json()
    assert again["nonce"] != body["nonce"] and again["hash"] != body["hash"]


@LEGACY_LINKING
async def test_the_link_uri_refusals(env: Env) -> None:
    headers, _ = await _setup(env)
    missing = await env.http.get(f"{ACCOUNT}/linked-accounts/corp", headers=headers)
    assert (missing.status_code, missing.json()) == (400, {"errorMessage": "invalidRedirectUriMessage"})
    unknown = await env.http.get(f"{ACCOUNT}/linked-accounts/nope?redirectUri=x", headers=headers)
    assert (unknown.status_code, unknown.json()) == (400, {"errorMessage": "identityProviderNotFoundMessage"})
    disabled = await env.http.get(f"{ACCOUNT}/linked-accounts/other?redirectUri=x", headers=headers)
    assert disabled.status_code == 200  # Keycloak checks that the provider exists, not that it is enabled
    anonymous = await env.http.get(f"{ACCOUNT}/linked-accounts/corp?redirectUri=x")
    assert anonymous.status_code == 401


async def test_without_the_legacy_link_endpoint_there_is_no_link_uri(env: Env) -> None:
    """Keycloak 26.7.2's default (#51837): NotFoundException("Legacy client-initiated account linking is disabled."),
    404 {"error": ...}, whatever the redirect URI or alias (before it, the URL of an endpoint answering 404). The
    DELETE is unchanged (the tests below run without the option)."""
    headers, _ = await _setup(env)
    for query in ("?redirectUri=http://localhost/back", "", "?redirectUri=x"):
        for alias in ("corp", "nope"):
            got = await env.http.get(f"{ACCOUNT}/linked-accounts/{alias}{query}", headers=headers)
            assert got.status_code == 404, (alias, query, got.text)
            assert got.json() == {"error": "Legacy client-initiated account linking is disabled."}


async def test_without_manage_account_the_link_uri_and_unlink_are_forbidden(env: Env) -> None:
    """A token whose scope leaves the account roles out (aud account through an audience mapper): 403."""
    _, ids = await _setup(env)
    user_id = ids.split("|")[1]
    await _link(env, user_id)
    audience = ProtocolMapper(
        id="aud-account",
        name="account audience",
        mapper="oidc-audience-mapper",
        config={"included.client.audience": "account", "access.token.claim": "true"},
    )
    await seed_client(env.db, "test", "narrow", full_scope_allowed=False, protocol_mappers=(audience,))
    token = (await password_grant(env.http, "test", "narrow", "user1")).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    got = await env.http.get(f"{ACCOUNT}/linked-accounts/corp?redirectUri=x", headers=headers)
    assert (got.status_code, got.json()) == (403, {"error": "HTTP 403 Forbidden"})
    removed = await env.http.delete(f"{ACCOUNT}/linked-accounts/corp", headers=headers)
    assert removed.status_code == 403
    links = await env.http.get(
        f"/admin/realms/test/users/{user_id}/federated-identity", headers=await env.admin_headers()
    )
    assert [link["identityProvider"] for link in links.json()] == ["corp"]


async def test_unlink_removes_the_link_and_records_the_event(env: Env) -> None:
    headers, ids = await _setup(env)
    user_id = ids.split("|")[1]
    await _link(env, user_id)
    removed = await env.http.delete(f"{ACCOUNT}/linked-accounts/corp", headers=headers)
    assert removed.status_code == 204, removed.text
    listed = (await env.http.get(f"{ACCOUNT}/linked-accounts", headers=headers)).json()
    assert [(a["providerAlias"], a["connected"]) for a in listed] == [("corp", False)]
    [event] = await _events(env, "REMOVE_FEDERATED_IDENTITY")
    assert event["clientId"] == "account" and event["userId"] == user_id
    assert event["details"] == {
        "username": "user1",
        "identity_provider": "corp",
        "identity_provider_identity": "alice-ext",
    }
    again = await env.http.delete(f"{ACCOUNT}/linked-accounts/corp", headers=headers)
    assert (again.status_code, again.json()) == (400, {"errorMessage": "This identity is not active anymore."})
    unknown = await env.http.delete(f"{ACCOUNT}/linked-accounts/nope", headers=headers)
    assert (unknown.status_code, unknown.json()) == (400, {"errorMessage": "identityProviderNotFoundMessage"})


async def test_the_last_link_of_a_user_without_a_password_stays(env: Env) -> None:
    headers, ids = await _setup(env)
    user_id = ids.split("|")[1]
    await _link(env, user_id)
    async with env.db.transaction() as tx:
        for credential in await tx.users.credentials(user_id):
            await tx.users.delete_credential(user_id, credential.id)
    refused = await env.http.delete(f"{ACCOUNT}/linked-accounts/corp", headers=headers)
    assert refused.status_code == 400
    assert refused.json() == {"errorMessage": "You can't remove last federated identity as you don't have a password."}
    assert await _events(env, "REMOVE_FEDERATED_IDENTITY") == []
