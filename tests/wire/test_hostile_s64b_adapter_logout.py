"""Hostile adapter sessions (session 64's LogoutAction to ``{adminUrl}/k_logout``): what a client sends as
``client_session_host`` / ``client_session_state`` with its code.

Keycloak (ResourceAdminManager.logoutClientSessions) puts the noted host into the admin URL with a plain
``String.replace`` and posts there; a host it cannot reach is an IOException, logged, the request counted as failed.
So a host Doorkeep cannot even turn into a request (a line break, an invalid IDNA label such as ``xn--zz``, an
unclosed IPv6 bracket) must fail that one POST only: the logout still succeeds and the other clients of the same
session still get their logout token. The parameters follow the token endpoint's rules for any parameter: a
repeated one is ``duplicated parameter``, one past 4000 characters is dropped as if never sent.
"""

from __future__ import annotations

import logging
from typing import Any

import anyio
import pytest

from browser_flow import REDIRECT, exchange, login
from receiver import receiver
from support import claims, seed_client, seed_realm, seed_user, token_url, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio
ADMIN = "/admin/realms/test"
PORT = 50231  # this module's receiver (the s64-m helper's port range)
HOSTILE_HOSTS = {
    "crlf": "127.0.0.1\r\nX-Injected: 1",
    "idna-empty": "xn--",
    "idna-invalid": "xn--zz.example",
    "idna-codepoint": "xn--a.example",
    "bracket": "[::1",
    "port-past-range": "127.0.0.1:99999",
    "nul": "a\x00b",
    "unicode": "évil.example",
    "empty": "",
}


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed_realm(env.db, env.clock)
    await seed_client(env.db, "test", "app", redirect_uris=(REDIRECT,))
    await seed_client(env.db, "test", "oidc", redirect_uris=(REDIRECT,))
    await seed_user(env.db, env.clock, "test", "user1")
    return env


async def _both_clients(env: Env, **adapter: str) -> dict[str, Any]:
    """One browser session at ``app`` (its code exchanged with the adapter's parameters) and at ``oidc``."""
    code = (await login(env.http, "test", "app"))["code"]
    body = await exchange(env.http, "test", "app", code, **adapter)
    assert body.status_code == 200, body.text
    code = (await login(env.http, "test", "oidc"))["code"]
    assert (await exchange(env.http, "test", "oidc", code)).status_code == 200
    return dict(body.json())


async def _end_session(env: Env, body: dict[str, Any]) -> None:
    """The admin ends the session the token response belongs to (204)."""
    sid = claims(body["access_token"])["sid"]
    ended = await env.http.delete(f"{ADMIN}/sessions/{sid}", headers=await env.admin_headers())
    assert ended.status_code == 204, ended.text


@pytest.mark.parametrize("host", list(HOSTILE_HOSTS.values()), ids=list(HOSTILE_HOSTS))
async def test_a_host_no_request_can_be_made_to_fails_alone(
    realm: Env, host: str, caplog: pytest.LogCaptureFixture
) -> None:
    """The hostile adapter's LogoutAction fails, logged as that client's failed request; the logout answers 204 and
    ``oidc``'s logout token still goes out. The IDNA cases failed before the fix: httpx's IDNAError is no HTTPError,
    so it aborted the whole delivery (the batch's "failed" warning; requests not yet started were never sent)."""
    caplog.set_level(logging.WARNING, logger="doorkeep.backchannel")
    with receiver(port=PORT) as got:
        admin_url = f"http://${{application.session.host}}:{PORT}/app"
        await update_client(realm.db, "test", "app", admin_url=admin_url)
        await update_client(realm.db, "test", "oidc", attributes={"backchannel.logout.url": f"{got.url}/bc"})
        body = await _both_clients(realm, client_session_state="adapter-1", client_session_host=host)
        user = claims(body["access_token"])["sub"]
        logout = await realm.http.post(f"{ADMIN}/users/{user}/logout", headers=await realm.admin_headers())
        assert logout.status_code == 204, logout.text
        await got.wait_for(1)
        await realm.drain()
    assert [r.path for r in got.requests] == ["/bc"]
    warnings = [r.getMessage() for r in caplog.records if r.name == "doorkeep.backchannel"]
    assert len(warnings) == 1 and warnings[0].startswith("backchannel request to client 'app' failed: "), warnings


async def test_test_nodes_available_counts_an_invalid_idna_node_failed(realm: Env) -> None:
    """ResourceAdminManager.testNodesAvailability: a node host httpx refuses to encode is a failed request, not a
    500 (failed before the fix)."""
    await update_client(realm.db, "test", "app", admin_url="http://127.0.0.1:50232/app")
    registered = await realm.http.post(
        "/realms/test/clients-managements/register-node",
        data={"client_cluster_host": "xn--zz.example"},
        auth=("app", "secret"),
    )
    assert registered.status_code == 204, registered.text
    headers = await realm.admin_headers()
    found = await realm.http.get(f"{ADMIN}/clients", params={"clientId": "app"}, headers=headers)
    uuid = found.json()[0]["id"]
    tested = await realm.http.get(f"{ADMIN}/clients/{uuid}/test-nodes-available", headers=headers)
    assert tested.status_code == 200, (tested.status_code, tested.text[:300])
    assert tested.json() == {"failedRequests": ["http://xn--zz.example:50232/app"]}
    pushed = await realm.http.post(f"{ADMIN}/clients/{uuid}/push-revocation", headers=headers)
    assert pushed.status_code == 200, (pushed.status_code, pushed.text[:300])


async def test_push_revocation_to_an_invalid_idna_admin_url_counts_it_failed(realm: Env) -> None:
    """An admin URL whose host httpx cannot encode: push-revocation answers its GlobalRequestResult (failed before
    the fix: 500)."""
    await update_client(realm.db, "test", "app", admin_url="http://xn--zz.example/app")
    headers = await realm.admin_headers()
    found = await realm.http.get(f"{ADMIN}/clients", params={"clientId": "app"}, headers=headers)
    pushed = await realm.http.post(f"{ADMIN}/clients/{found.json()[0]['id']}/push-revocation", headers=headers)
    assert pushed.status_code == 200, (pushed.status_code, pushed.text[:300])
    assert pushed.json() == {"failedRequests": ["http://xn--zz.example/app"]}


async def test_a_backchannel_logout_url_with_an_invalid_idna_host_fails_alone(
    realm: Env, caplog: pytest.LogCaptureFixture
) -> None:
    """A backchannel logout URL httpx cannot encode fails its own logout token only: the other client still gets its
    own (the log assertion failed before the fix)."""
    caplog.set_level(logging.WARNING, logger="doorkeep.backchannel")
    with receiver(port=PORT) as got:
        await update_client(realm.db, "test", "app", attributes={"backchannel.logout.url": "http://xn--zz.example/"})
        await update_client(realm.db, "test", "oidc", attributes={"backchannel.logout.url": f"{got.url}/bc"})
        body = await _both_clients(realm)
        user = claims(body["access_token"])["sub"]
        logout = await realm.http.post(f"{ADMIN}/users/{user}/logout", headers=await realm.admin_headers())
        assert logout.status_code == 204, logout.text
        await got.wait_for(1)
        await realm.drain()
    assert [r.path for r in got.requests] == ["/bc"]
    warnings = [r.getMessage() for r in caplog.records if r.name == "doorkeep.backchannel"]
    assert warnings == ["backchannel request to client 'app' failed: IDNAError"], warnings


async def test_a_host_naming_another_path_reaches_only_the_host_it_names(realm: Env) -> None:
    """Keycloak lets the adapter's host steer the request (a plain replace): ``127.0.0.1:PORT/other?`` reaches that
    host and port, as in Keycloak, at ``/other/k_logout`` with the admin URL's rest as the query (the path part
    failed before the action_target fix, which appended ``/k_logout`` to the query)."""
    with receiver(port=PORT) as got:
        await update_client(realm.db, "test", "app", admin_url="http://${application.session.host}:50233/app")
        body = await _both_clients(realm, client_session_state="s", client_session_host=f"127.0.0.1:{PORT}/other?")
        user = claims(body["access_token"])["sub"]
        logout = await realm.http.post(f"{ADMIN}/users/{user}/logout", headers=await realm.admin_headers())
        assert logout.status_code == 204, logout.text
        [request] = await got.wait_for(1)
    assert request.path == "/other/k_logout?:50233/app"  # UriBuilder: k_logout on the path, the rest a query


async def test_a_repeated_client_session_state_is_a_duplicated_parameter(realm: Env) -> None:
    code = (await login(realm.http, "test", "app"))["code"]
    form = [("grant_type", "authorization_code"), ("code", code), ("client_id", "app"), ("client_secret", "secret")]
    form += [("redirect_uri", REDIRECT), ("client_session_state", "a"), ("client_session_state", "b")]
    answer = await realm.http.post(
        token_url("test"),
        content="&".join(f"{k}={v}" for k, v in form).encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 400, answer.text
    assert answer.json() == {"error": "invalid_request", "error_description": "duplicated parameter"}


async def test_an_over_long_client_session_state_is_dropped_and_sends_nothing(realm: Env) -> None:
    """Past 4000 characters the parameter is ignored (TokenEndpoint.checkParameters): no adapter session is noted,
    so the session's end posts no LogoutAction; 4000 characters are noted and sent."""
    with receiver(port=PORT) as got:
        await update_client(realm.db, "test", "app", admin_url=f"{got.url}/app")
        body = await _both_clients(realm, client_session_state="x" * 4001)
        await _end_session(realm, body)
        await realm.drain()
        assert got.requests == []
        body = await _both_clients(realm, client_session_state="y" * 4000)
        await _end_session(realm, body)
        [request] = await got.wait_for(1)
    assert request.path == "/app/k_logout"


async def test_the_adapter_session_and_the_action_are_not_logged_at_debug(
    realm: Env, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with receiver(port=PORT, status=500) as got:
        await update_client(realm.db, "test", "app", admin_url=f"{got.url}/app")
        body = await _both_clients(realm, client_session_state="ADAPTER-SECRET-7f3", client_session_host="hostnote")
        await _end_session(realm, body)
        [request] = await got.wait_for(1)
        await realm.drain()
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "ADAPTER-SECRET-7f3" not in text
    assert request.body not in text and request.body.split(".")[1] not in text
    assert body["access_token"] not in text


async def test_logout_of_many_adapter_sessions_posts_at_most_eight_at_once(realm: Env) -> None:
    """A logout storm is bounded: the notifier holds at most PARALLEL (8) requests open at once."""
    with receiver(port=PORT, hang=True) as got:
        await update_client(realm.db, "test", "app", admin_url=f"{got.url}/app")
        users = []
        for n in range(12):
            realm.http.cookies.clear()
            body = await _both_clients(realm, client_session_state=f"s{n}")
            users.append(claims(body["access_token"])["sub"])
        logout = await realm.http.post(f"{ADMIN}/users/{users[0]}/logout", headers=await realm.admin_headers())
        assert logout.status_code == 204, logout.text
        await got.wait_for(8)
        await anyio.sleep(1.0)
        assert len(got.requests) == 8
    await realm.drain()


async def test_the_admin_urls_query_stays_after_the_appended_endpoint(realm: Env) -> None:
    """UriBuilder.fromUri(managementUrl).path(K_LOGOUT): ``k_logout`` joins the path, the query stays a query. Before
    the fix Doorkeep appended to the whole string (``/app?tenant=a/k_logout``), so the adapter saw ``/app``."""
    with receiver(port=PORT) as got:
        await update_client(realm.db, "test", "app", admin_url=f"{got.url}/app?tenant=a")
        body = await _both_clients(realm, client_session_state="q-1")
        await _end_session(realm, body)
        [request] = await got.wait_for(1)
        headers = await realm.admin_headers()
        found = await realm.http.get(f"{ADMIN}/clients", params={"clientId": "app"}, headers=headers)
        pushed = await realm.http.post(f"{ADMIN}/clients/{found.json()[0]['id']}/push-revocation", headers=headers)
        assert pushed.status_code == 200, pushed.text
        requests = await got.wait_for(2)
    assert [r.path for r in requests] == ["/app/k_logout?tenant=a", "/app/k_push_not_before?tenant=a"]
    assert request.path == "/app/k_logout?tenant=a"


async def test_a_host_with_a_fragment_posts_to_the_path_before_it(realm: Env) -> None:
    """``127.0.0.1:PORT/x#`` in ``http://${application.session.host}:1/app``: Keycloak's UriBuilder puts ``k_logout``
    on the path ``/x`` (the rest is a fragment, never sent); before the fix Doorkeep posted to ``/x`` itself."""
    with receiver(port=PORT) as got:
        await update_client(realm.db, "test", "app", admin_url="http://${application.session.host}:1/app")
        body = await _both_clients(realm, client_session_state="f", client_session_host=f"127.0.0.1:{PORT}/x#")
        await _end_session(realm, body)
        [request] = await got.wait_for(1)
    assert request.path == "/x/k_logout"


async def test_brace_urls_fail_their_own_request_on_every_posting_path(
    realm: Env, caplog: pytest.LogCaptureFixture
) -> None:
    """A backchannel logout URL with balanced brackets (allowed since session 64, as Keycloak's checkUri) and an admin
    URL holding them: httpx takes ``{`` in a host as a name it cannot resolve, so the logout token, push-revocation
    and test-nodes-available each count a failure; the logout still answers 204 and the other client is told."""
    caplog.set_level(logging.WARNING, logger="doorkeep.backchannel")
    braces = "http://{application.session.host}:50234/logout"
    with receiver(port=PORT) as got:
        await update_client(realm.db, "test", "app", attributes={"backchannel.logout.url": braces})
        await update_client(realm.db, "test", "oidc", attributes={"backchannel.logout.url": f"{got.url}/bc"})
        body = await _both_clients(realm)
        user = claims(body["access_token"])["sub"]
        logout = await realm.http.post(f"{ADMIN}/users/{user}/logout", headers=await realm.admin_headers())
        assert logout.status_code == 204, logout.text
        await got.wait_for(1)
        await realm.drain()
    assert [r.path for r in got.requests] == ["/bc"]
    assert [r.getMessage() for r in caplog.records] == ["backchannel request to client 'app' failed: ConnectError"]
    await update_client(realm.db, "test", "app", admin_url="http://{application.session.host}:50235/app")
    headers = await realm.admin_headers()
    uuid = (await realm.http.get(f"{ADMIN}/clients", params={"clientId": "app"}, headers=headers)).json()[0]["id"]
    pushed = await realm.http.post(f"{ADMIN}/clients/{uuid}/push-revocation", headers=headers)
    assert pushed.status_code == 200, pushed.text
    assert pushed.json() == {"failedRequests": ["http://{application.session.host}:50235/app"]}
    tested = await realm.http.get(f"{ADMIN}/clients/{uuid}/test-nodes-available", headers=headers)
    assert tested.status_code == 200, tested.text
    assert tested.json() == {"failedRequests": ["http://{application.session.host}:50235/app"]}
