"""Identity brokering's secrets (the provider's ``clientSecret``, the codes and tokens it answers, the tokens a
storing provider keeps) stay out of admin answers, admin events' representations (StripSecretsUtils, as
IdentityProvidersResource.create and IdentityProviderResource.update record them), error pages and DEBUG logs; and
the admin ``import-config`` fetch is no way to read files or follow redirects (IdentityProvidersResource.importFrom)."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import pytest

from broker_support import ALIAS, Broker, browser, button, query, served, start_login
from debug_logs import all_at_debug
from fake_idp import CLIENT_SECRET, FakeIdp, fake_idp
from wire_env import Env

pytestmark = pytest.mark.anyio

MASK = "**********"
IMPORT = "/admin/realms/test/identity-provider/import-config"


@pytest.fixture
async def pair(env: Env) -> AsyncIterator[tuple[Broker, FakeIdp]]:
    async with served(env) as broker, fake_idp() as idp:
        headers = await env.admin_headers()
        config = {"adminEventsEnabled": True, "adminEventsDetailsEnabled": True}
        assert (await env.http.put("/admin/realms/test", json=config, headers=headers)).status_code == 204
        made = await env.http.post("/admin/realms/test/identity-provider/instances", json=idp.rep(), headers=headers)
        assert made.status_code == 201, made.text
        now = env.clock.now()
        idp.id_token = lambda nonce: idp.signed(idp.claims(now))
        yield broker, idp


async def _admin_events(env: Env) -> list[dict[str, object]]:
    got = await env.http.get("/admin/realms/test/admin-events", headers=await env.admin_headers())
    assert got.status_code == 200, got.text
    events: list[dict[str, object]] = got.json()
    return events


async def test_admin_events_carry_the_secret_masked(pair: tuple[Broker, FakeIdp]) -> None:
    """IdentityProvidersResource.create / IdentityProviderResource.update record
    ``StripSecretsUtils.stripSecrets(representation)``: the client secret as ``**********``."""
    broker, idp = pair
    env = broker.env
    headers = await env.admin_headers()
    changed = idp.rep(clientSecret="a-brand-new-secret-value-0123456789")
    url = f"/admin/realms/test/identity-provider/instances/{ALIAS}"
    assert (await env.http.put(url, json=changed, headers=headers)).status_code == 204
    events = [e for e in await _admin_events(env) if str(e.get("resourcePath", "")).startswith("identity-provider")]
    assert {e["operationType"] for e in events} == {"CREATE", "UPDATE"}, events
    for event in events:
        text = str(event["representation"])
        assert CLIENT_SECRET not in text and "a-brand-new-secret-value" not in text
        assert MASK in text
    shown = await env.http.get(url, headers=headers)
    assert shown.json()["config"]["clientSecret"] == MASK


async def test_stored_provider_tokens_stay_inside(
    pair: tuple[Broker, FakeIdp], caplog: pytest.LogCaptureFixture
) -> None:
    """A storing provider's tokens are kept on the link, but neither the admin's federated-identity list, the
    account's linked accounts nor any DEBUG log shows them; nor the client secret, the code, or the ID token."""
    broker, idp = pair
    env = broker.env
    with all_at_debug(caplog):
        async with browser(broker) as http:
            page = await start_login(http)
            sent = await http.get(button(page))
            params = query(sent.headers["location"])
            idp.nonce = params["nonce"]
            done = await http.get(
                f"/realms/test/broker/{ALIAS}/endpoint", params={"code": "idp-code-secret-1", "state": params["state"]}
            )
            assert done.status_code == 302, done.text
        # and a failed one: the error page names no secret either
        idp.id_token = lambda nonce: "junk.junk.junk"
        async with browser(broker) as http:
            page = await start_login(http)
            sent = await http.get(button(page))
            params = query(sent.headers["location"])
            failed = await http.get(
                f"/realms/test/broker/{ALIAS}/endpoint", params={"code": "idp-code-secret-2", "state": params["state"]}
            )
            assert failed.status_code == 502
            assert CLIENT_SECRET not in failed.text and "idp-access-token" not in failed.text
    id_token = idp.signed(idp.claims(env.clock.now()))
    # the test's own browser (httpx in this process) logs its URLs, the code among them: only the server's lines
    server = [r for r in caplog.records if not _browser_s(r, broker.base)]
    logged = "\n".join(r.getMessage() + " " + repr(r.args) for r in server)
    assert caplog.records
    for secret in (CLIENT_SECRET, "idp-code-secret-1", "idp-code-secret-2", "idp-access-token-0815"):
        assert secret not in logged, secret
    assert id_token.split(".")[2] not in logged
    headers = await env.admin_headers()
    users = await env.http.get("/admin/realms/test/users", params={"username": "mallory"}, headers=headers)
    links = await env.http.get(f"/admin/realms/test/users/{users.json()[0]['id']}/federated-identity", headers=headers)
    assert links.json() == [{"identityProvider": ALIAS, "userId": "mallory-sub", "userName": "mallory"}]
    partial = await env.http.post(
        "/admin/realms/test/partial-export", params={"exportClients": "true"}, headers=headers
    )
    assert CLIENT_SECRET not in partial.text and "idp-access-token" not in partial.text


def _browser_s(record: logging.LogRecord, base: str) -> bool:
    """httpcore's connection lines (the client's and the server's alike, headers only) and httpx's lines of the
    browser's URLs."""
    if record.name.startswith("httpcore"):
        return True
    return record.name.startswith("httpx") and (base in record.getMessage() or base in repr(record.args))


async def test_import_config_reads_only_http_and_follows_no_redirect(pair: tuple[Broker, FakeIdp]) -> None:
    """``import-config``: only http(s) is fetched (httpx knows no other scheme), no redirect is followed (a 302 to
    ``file:`` is an error), the answer is bounded (2 MiB is refused) and each failure is the same 400 "Cannot
    parse the JSON", which tells the caller nothing about what answered. Addresses are not filtered, as Keycloak's
    HttpClientProvider does not filter them: only a manage-identity-providers admin may call it."""
    broker, idp = pair
    env = broker.env
    headers = await env.admin_headers()
    for url in (
        "file:///etc/passwd",
        "ftp://127.0.0.1/x",
        "gopher://127.0.0.1:70/x",
        "jar:file:///x!/y",
        f"{idp.base}/to-file",
        f"{idp.base}/huge",
        "http://[::1",
        "http://127.0.0.1:1/nothing",
    ):
        answer = await env.http.post(IMPORT, json={"providerId": "oidc", "fromUrl": url}, headers=headers)
        assert answer.status_code == 400, (url, answer.text)
        assert answer.json() == {"error": "unknown_error", "error_description": "Cannot parse the JSON"}, url
    good = f"{idp.base}/.well-known/openid-configuration"
    answer = await env.http.post(IMPORT, json={"providerId": "oidc", "fromUrl": good}, headers=headers)
    assert answer.status_code == 200 and answer.json()["issuer"] == idp.issuer


async def test_import_config_needs_manage_identity_providers(pair: tuple[Broker, FakeIdp]) -> None:
    """A caller without manage-identity-providers cannot make the server fetch anything."""
    broker, idp = pair
    env = broker.env
    token = await env.http.post(
        "/realms/test/protocol/openid-connect/token",
        data={
            "grant_type": "password",
            "client_id": "app",
            "client_secret": "secret",
            "username": "user1",
            "password": "password",
        },
    )
    assert token.status_code == 200, token.text
    user = {"Authorization": f"Bearer {token.json()['access_token']}"}
    good = f"{idp.base}/.well-known/openid-configuration"
    answer = await env.http.post(IMPORT, json={"providerId": "oidc", "fromUrl": good}, headers=user)
    assert answer.status_code == 403
    answer = await env.http.post(IMPORT, json={"providerId": "oidc", "fromUrl": good})
    assert answer.status_code == 401
