"""The forgot-credentials endpoint is an authorization request, so its ``redirect_uri`` goes through the one
validator (RedirectUtils.verifyRedirectUri) before any page: the open-redirect catalog against a client registered
with a wildcard under ``http://127.0.0.1:9999/``. Each is the error page "Invalid parameter: redirect_uri" with no
Location, and a RESET_PASSWORD_ERROR ``invalid_redirect_uri``; no reset form, no cookie of a new login."""

from __future__ import annotations

import pytest

from mail_sink import Sink
from support import seed_client, seed_realm, update_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
ENDPOINT = "/realms/test/protocol/openid-connect/forgot-credentials"
OPEN_REDIRECTS = [
    "http://127.0.0.1:9999@evil.example/",
    "http://127.0.0.1:9999:@evil.example/",
    "http://user:pw@127.0.0.1:9999/callback",
    "http://evil.example\\@127.0.0.1:9999/",
    "http://127.0.0.1:9999/%2e%2e/%2e%2e/evil",
    "http://127.0.0.1:9999/app/..%2f..%2f..%2fevil",
    "http://127.0.0.1:9999%2f@evil.example/",
    "//evil.example/",
    "/\\evil.example/",
    "javascript:alert(1)//127.0.0.1:9999/",
    "data:text/html,<script>alert(1)</script>",
    "http://127.0.0.1:9999.evil.example/",
    "http://127.0.0.2:9999/callback",
    "https://127.0.0.1:9999/callback",
    "http://evil.example/#http://127.0.0.1:9999/",
    "http://127.0.0.1:9999/callback\r\nSet-Cookie: x=1",
]


@pytest.fixture
async def realm(env: Env, mail: Sink) -> Env:
    await seed_realm(env.db, env.clock, events_enabled=True, reset_password_allowed=True)
    await update_realm(env.db, "test", smtp_server=mail.settings())
    await seed_client(env.db, "test", "app", redirect_uris=("http://127.0.0.1:9999/*",))
    return env


@pytest.mark.parametrize("uri", OPEN_REDIRECTS)
async def test_an_open_redirect_at_forgot_credentials_gets_the_error_page(realm: Env, uri: str) -> None:
    params = {"client_id": "app", "redirect_uri": uri, "response_type": "code", "scope": "openid", "state": "s"}
    refused = await realm.http.get(ENDPOINT, params=params)
    assert refused.status_code == 400 and "Invalid parameter: redirect_uri" in refused.text, refused.text[:500]
    assert "location" not in refused.headers and "kc-form-login" not in refused.text
    assert not any(c.startswith(("AUTH_SESSION_ID", "KC_RESTART")) for c in refused.headers.get_list("set-cookie"))
    async with realm.db.transaction(write=False) as tx:
        test = await tx.realms.get_by_name("test")
        assert test is not None
        found = list(await tx.events.find(test.id, types=["RESET_PASSWORD_ERROR"]))
    assert [(e.type, e.error) for e in found] == [("RESET_PASSWORD_ERROR", "invalid_redirect_uri")]
