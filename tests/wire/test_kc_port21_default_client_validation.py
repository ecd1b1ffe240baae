"""Keycloak's DefaultClientValidationTest (testsuite/.../client/ and tests/base/.../tests/client/), over HTTP against
the real app. The Java test calls ``DefaultClientValidationProvider.checkCurlyBracketsBalanced`` directly; that
check exists so that a parameterised backchannel logout URL (``http://{application.session.host}:1234/logout``,
issue #30023) can be saved: ``checkUri`` lets a backchannel logout URL with balanced curly brackets through (the
brackets percent-encoded before parsing) and answers "Backchannel logout URL is not a valid URL" for unbalanced ones.
Each test names the Java method it ports and sends its URLs as a client's backchannel logout URL through the Admin
REST API (create and update), then through OIDC dynamic registration (``backchannel_logout_uri``, the OIDC
context of the same validation). A root URL with brackets stays refused: Keycloak relaxes only the backchannel
logout URL. Logging out with such a URL still ends the session (the POST to a host no one resolves fails and is
logged, as an unreachable client is).
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from support import password_grant, seed_client, seed_realm, seed_user, token_url, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio
BC = "backchannel.logout.url"
INVALID = "Backchannel logout URL is not a valid URL"
BALANCED = ["http://{test}/prova123", "http://{test}/{prova123}", "http://{{test}/{prova123}}"]
UNBALANCED = ["http://}test}/prova123", "http://{test}/prova123}"]


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app")
    await seed_user(env.db, env.clock, "test", "user1")
    return env


async def create(env: Env, client_id: str, **fields: Any) -> httpx.Response:
    return await env.http.post(
        "/admin/realms/test/clients", headers=await env.admin_headers(), json={"clientId": client_id, **fields}
    )


async def stored(env: Env, client_id: str) -> dict[str, Any]:
    headers = await env.admin_headers()
    found = (await env.http.get(f"/admin/realms/test/clients?clientId={client_id}", headers=headers)).json()
    assert len(found) == 1
    return dict(found[0])


@pytest.mark.parametrize("url", BALANCED)
async def test_that_check_curly_brackets_balanced_works_correctly(realm: Env, url: str) -> None:
    """that_checkCurlyBracketsBalanced_worksCorrectly: balanced brackets are accepted and kept as given."""
    response = await create(realm, "param-bc", attributes={BC: url})
    assert response.status_code == 201, response.text
    client = await stored(realm, "param-bc")
    assert client["attributes"][BC] == url
    client["attributes"][BC] = "http://{application.session.host}:1234/something/sso-logout"  # issue #30023's URL
    headers = await realm.admin_headers()
    updated = await realm.http.put(f"/admin/realms/test/clients/{client['id']}", headers=headers, json=client)
    assert updated.status_code == 204, updated.text


@pytest.mark.parametrize("url", UNBALANCED)
async def test_that_check_curly_brackets_balanced_not_works_correctly(realm: Env, url: str) -> None:
    """that_checkCurlyBracketsBalanced_notWorksCorrectly: unbalanced brackets are "not a valid URL", on create and
    on update, and nothing is stored."""
    refused = await create(realm, "param-bc", attributes={BC: url})
    assert refused.status_code == 400 and refused.json() == {
        "error": "invalid_input",
        "error_description": INVALID,
    }, refused.text
    assert (await create(realm, "param-bc", attributes={BC: "http://{test}/ok"})).status_code == 201
    client = await stored(realm, "param-bc")
    client["attributes"][BC] = url
    headers = await realm.admin_headers()
    updated = await realm.http.put(f"/admin/realms/test/clients/{client['id']}", headers=headers, json=client)
    assert updated.status_code == 400 and INVALID in updated.text
    assert (await stored(realm, "param-bc"))["attributes"][BC] == "http://{test}/ok"


async def test_only_the_backchannel_logout_url_may_hold_curly_brackets(realm: Env) -> None:
    """checkUri relaxes BACKCHANNEL_LOGOUT_URL alone: a root URL with brackets is still not a valid URL."""
    refused = await create(realm, "param-root", rootUrl="http://{test}/prova123")
    assert refused.status_code == 400 and "Root URL is not a valid URL" in refused.text


async def test_dynamic_registration_validates_the_backchannel_logout_uri_the_same_way(realm: Env) -> None:
    """The OIDC context of the same validation: ``backchannel_logout_uri`` with balanced brackets registers, with
    unbalanced ones it is refused as invalid client metadata."""
    headers = await realm.admin_headers()
    token = await realm.http.post(
        "/admin/realms/test/clients-initial-access", headers=headers, json={"count": 2, "expiration": 0}
    )
    bearer = {"Authorization": f"Bearer {token.json()['token']}"}
    url = "/realms/test/clients-registrations/openid-connect"
    body = {"redirect_uris": ["https://rp.example/cb"]}
    made = await realm.http.post(url, headers=bearer, json={**body, "backchannel_logout_uri": BALANCED[0]})
    assert made.status_code == 201, made.text
    assert made.json()["backchannel_logout_uri"] == BALANCED[0]
    refused = await realm.http.post(url, headers=bearer, json={**body, "backchannel_logout_uri": UNBALANCED[0]})
    assert refused.status_code == 400 and refused.json()["error"] == "invalid_client_metadata", refused.text


async def test_a_session_ends_although_the_backchannel_url_keeps_a_placeholder(realm: Env) -> None:
    """Doorkeep does not fill ``{application.session.host}`` (no adapter registers a host): the POST fails and is
    logged, and the logout itself succeeds, as with any unreachable client."""
    await update_client(realm.db, "test", "app", attributes={BC: "http://{application.session.host}:1/bc"})
    body = (await password_grant(realm.http, "test", "app")).json()
    out = await realm.http.post(
        token_url("test", "logout"),
        data={"client_id": "app", "client_secret": "secret", "refresh_token": body["refresh_token"]},
    )
    assert out.status_code == 204
    async with realm.db.transaction() as tx:
        assert await tx.sessions.get_user_session(body["session_state"], False) is None
