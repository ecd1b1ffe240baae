"""Client-initiated account linking over real HTTP, with a second realm as the provider (Keycloak 26's
IdentityBrokerService.clientInitiatedAccountLinking and performAccountLinking; ClientInitiatedAccountLinkTest):
the link made, and the hostile cases (a forged or another session's hash, an open redirect, no session, an identity
already linked to someone else, a replayed answer, a session gone meanwhile). Keycloak 26.7.2 turned the endpoint off by
default, so these run with allow-client-initiated-account-linking on (test_legacy_account_linking_disabled.py: off)."""

from __future__ import annotations

import base64
import hashlib
import uuid
from typing import Any

import httpx
import jwt
import pytest

from broker_support import ALIAS, SAVED, Broker, broker_login, browser, provider_login, query, served
from browser_flow import REDIRECT, exchange, login
from support import seed_user, update_realm
from wire_env import Env

pytestmark = [pytest.mark.anyio, pytest.mark.server_options(oidc_allow_client_initiated_account_linking=True)]

LINK_EVENTS = (
    "CLIENT_INITIATED_ACCOUNT_LINKING",
    "CLIENT_INITIATED_ACCOUNT_LINKING_ERROR",
    "FEDERATED_IDENTITY_LINK_ERROR",
)


async def _setup(broker: Broker) -> None:
    await update_realm(broker.env.db, "test", enabled_event_types=(*SAVED, *LINK_EVENTS))
    await broker.add_provider()


async def _signed_in(http: httpx.AsyncClient, username: str = "user1") -> str:
    """The browser signs in to ``app``; the SSO session's id."""
    code = (await login(http, "test", "app", username))["code"]
    token = await exchange(http, "test", "app", code)
    assert token.status_code == 200, token.text
    sid: str = jwt.decode(token.json()["access_token"], options={"verify_signature": False})["sid"]
    return sid


def _params(sid: str, *, client_id: str = "app", redirect_uri: str = REDIRECT, alias: str = ALIAS) -> dict[str, str]:
    nonce = str(uuid.uuid4())
    digest = hashlib.sha256(f"{nonce}{sid}{client_id}{alias}".encode()).digest()
    hashed = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    return {"client_id": client_id, "redirect_uri": redirect_uri, "nonce": nonce, "hash": hashed}


async def _link(http: httpx.AsyncClient, params: dict[str, str], alias: str = ALIAS) -> httpx.Response:
    return await http.get(f"/realms/test/broker/{alias}/link", params=params)


async def _links(broker: Broker, username: str) -> list[dict[str, Any]]:
    headers = await broker.env.admin_headers()
    found = await broker.env.http.get(
        "/admin/realms/test/users", params={"username": username, "exact": "true"}, headers=headers
    )
    [user] = found.json()
    got = await broker.env.http.get(f"/admin/realms/test/users/{user['id']}/federated-identity", headers=headers)
    result: list[dict[str, Any]] = got.json()
    return result


async def _events(broker: Broker, kind: str) -> list[dict[str, Any]]:
    got = await broker.env.http.get(
        "/admin/realms/test/events", params={"type": kind}, headers=await broker.env.admin_headers()
    )
    result: list[dict[str, Any]] = got.json()
    return result


async def test_a_signed_in_user_links_the_provider_identity(env: Env) -> None:
    async with served(env) as broker:
        await _setup(broker)
        async with browser(broker) as http:
            sid = await _signed_in(http)
            to_provider = await _link(http, _params(sid))
            assert to_provider.status_code == 302, to_provider.text
            assert query(to_provider.headers["location"])["client_id"] == "broker-app"
            done = await http.get(await provider_login(http, to_provider))
            assert (done.status_code, done.headers["location"]) == (302, REDIRECT), done.text
        assert await _links(broker, "user1") == [
            {"identityProvider": ALIAS, "userId": await _alice_sub(broker), "userName": "alice"}
        ]
        [started] = await _events(broker, "CLIENT_INITIATED_ACCOUNT_LINKING")
        assert started["clientId"] == "app" and started["sessionId"] == sid
        assert started["details"]["identity_provider"] == ALIAS and started["details"]["redirect_uri"] == REDIRECT
        [linked] = await _events(broker, "FEDERATED_IDENTITY_LINK")
        assert linked["details"]["identity_provider_identity"] == "alice" and linked["details"]["username"] == "user1"


async def _alice_sub(broker: Broker) -> str:
    headers = await broker.env.admin_headers()
    found = await broker.env.http.get("/admin/realms/provider/users", params={"username": "alice"}, headers=headers)
    sub: str = found.json()[0]["id"]
    return sub


async def test_a_forged_or_another_sessions_hash_is_refused(env: Env) -> None:
    async with served(env) as broker:
        await _setup(broker)
        await seed_user(env.db, env.clock, "test", "user2")
        async with browser(broker) as other:
            other_sid = await _signed_in(other, "user2")
        async with browser(broker) as http:
            sid = await _signed_in(http)
            forged = _params(sid) | {"hash": base64.urlsafe_b64encode(b"x" * 32).rstrip(b"=").decode()}
            theirs = _params(other_sid)  # a URL made for user2's session, opened in user1's browser
            for params in (forged, theirs, _params(sid, alias="other")):
                refused = await _link(http, params)
                assert refused.status_code == 400 and "Invalid Request" in refused.text, refused.text
            for dropped in ("nonce", "hash"):
                missing = await _link(http, {k: v for k, v in _params(sid).items() if k != dropped})
                assert missing.status_code == 400
        assert await _links(broker, "user1") == []
        errors = await _events(broker, "CLIENT_INITIATED_ACCOUNT_LINKING_ERROR")
        assert {e["error"] for e in errors} == {"invalid_token", "invalid_redirect_uri"}


async def test_an_unregistered_redirect_uri_or_client_never_redirects(env: Env) -> None:
    async with served(env) as broker:
        await _setup(broker)
        async with browser(broker) as http:
            sid = await _signed_in(http)
            for params in (
                _params(sid, redirect_uri="https://evil.example/"),
                _params(sid, redirect_uri="//evil.example/"),
                _params(sid, client_id="nope"),
            ):
                refused = await _link(http, params)
                assert refused.status_code == 400 and "location" not in refused.headers, params
            without_client = await _link(http, {k: v for k, v in _params(sid).items() if k != "client_id"})
            assert without_client.status_code == 400
            preflight = await http.options(f"/realms/test/broker/{ALIAS}/link")
            assert preflight.status_code == 403


async def test_without_a_session_the_application_gets_link_error(env: Env) -> None:
    async with served(env) as broker:
        await _setup(broker)
        async with browser(broker) as http:
            params = _params("no-session")
            back = await _link(http, params)
            assert back.status_code == 302
            assert query(back.headers["location"]) == {"link_error": "not_logged_in", "nonce": params["nonce"]}


async def test_a_user_without_manage_account_gets_not_allowed(env: Env) -> None:
    async with served(env) as broker:
        await _setup(broker)
        await seed_user(env.db, env.clock, "test", "plain", default_roles=False)
        async with browser(broker) as http:
            sid = await _signed_in(http, "plain")
            params = _params(sid)
            back = await _link(http, params)
            assert back.status_code == 302
            assert query(back.headers["location"]) == {"link_error": "not_allowed", "nonce": params["nonce"]}
        assert await _links(broker, "plain") == []


async def test_an_identity_linked_to_another_user_is_not_taken(env: Env) -> None:
    async with served(env) as broker:
        await _setup(broker)
        async with browser(broker) as first:  # alice's identity makes (and links) the user "alice"
            assert (await broker_login(first)).status_code == 302
        async with browser(broker) as http:
            sid = await _signed_in(http)
            to_provider = await _link(http, _params(sid))
            done = await http.get(await provider_login(http, to_provider))
            assert done.status_code == 400
            assert "Federated identity returned by Provider Realm is already linked to another user." in done.text
        assert await _links(broker, "user1") == []
        assert [link["userName"] for link in await _links(broker, "alice")] == ["alice"]
        [error] = await _events(broker, "FEDERATED_IDENTITY_LINK_ERROR")
        assert error["error"] == "identityProviderAlreadyLinkedMessage"


async def test_the_answer_is_good_once_and_only_for_the_session_that_started(env: Env) -> None:
    async with served(env) as broker:
        await _setup(broker)
        async with browser(broker) as http:
            sid = await _signed_in(http)
            answer = await provider_login(http, await _link(http, _params(sid)))
            assert (await http.get(answer)).status_code == 302
            replayed = await http.get(answer)
            assert replayed.status_code == 400
        async with browser(broker) as http:
            sid = await _signed_in(http)
            answer = await provider_login(http, await _link(http, _params(sid)))
            headers = await env.admin_headers()
            assert (await env.http.delete(f"/admin/realms/test/sessions/{sid}", headers=headers)).status_code == 204
            gone = await http.get(answer)
            assert gone.status_code == 400 and "current session is no longer valid" in gone.text, gone.text
        assert [link["userName"] for link in await _links(broker, "user1")] == ["alice"]


async def test_a_cancelled_link_links_nothing(env: Env) -> None:
    async with served(env) as broker:
        await _setup(broker)
        async with browser(broker) as http:
            sid = await _signed_in(http)
            to_provider = await _link(http, _params(sid))
            sent = query(to_provider.headers["location"])
            cancelled = await http.get(
                f"/realms/test/broker/{ALIAS}/endpoint", params={"error": "access_denied", "state": sent["state"]}
            )
            assert cancelled.status_code == 200, cancelled.text
            replay = await http.get(await provider_login(http, to_provider))
            assert replay.status_code == 400
        assert await _links(broker, "user1") == []


async def test_the_account_rest_link_uri_links_through_the_account_console_session(env: Env) -> None:
    """LinkedAccountsResource.buildLinkedAccountURI's URL for the account-console client, followed in the browser
    whose session the console's token belongs to; then the Account REST unlinks."""
    async with served(env) as broker:
        await _setup(broker)
        console_back = f"{broker.base}/realms/test/account/"
        verifier = "v" * 50
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        async with browser(broker) as http:
            pkce = {"code_challenge": challenge, "code_challenge_method": "S256", "redirect_uri": console_back}
            code = (await login(http, "test", "account-console", **pkce))["code"]
            extra = {"code_verifier": verifier, "redirect_uri": console_back}
            token = await exchange(http, "test", "account-console", code, secret=None, **extra)
            assert token.status_code == 200, token.text
            headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
            made = await http.get(
                f"/realms/test/account/linked-accounts/{ALIAS}", params={"redirectUri": console_back}, headers=headers
            )
            assert made.status_code == 200, made.text
            to_provider = await http.get(made.json()["accountLinkUri"])
            assert to_provider.status_code == 302, to_provider.text
            done = await http.get(await provider_login(http, to_provider))
            assert (done.status_code, done.headers["location"]) == (302, console_back), done.text
            assert [link["identityProvider"] for link in await _links(broker, "user1")] == [ALIAS]
            gone = await http.delete(f"/realms/test/account/linked-accounts/{ALIAS}", headers=headers)
            assert gone.status_code == 204, gone.text
        assert await _links(broker, "user1") == []
