"""Outbound calls to a host an administrator or a client named are never made while the request holds a writing
transaction: on SQLite that is the database's one write lock, and a host that answers slowly would hold every login
and refresh until the call's time limit.

Each test holds a stand-in's answer (on 127.0.0.1) until it releases it; meanwhile a password grant, a write on the
same database, must complete. Then the held request's answer is checked: the same as Keycloak's."""

from __future__ import annotations

import asyncio
import threading

import anyio
import httpx
import pytest

from broker_support import browser, query, served
from browser_flow import form_action, form_fields, login, start
from client_auth_support import (
    KEY1,
    JwksServer,
    client_credentials,
    import_test_realm,
    jwks_server,
    signed_jwt,
    signed_jwt_realm_clients,
    use_jwks_url,
)
from fake_openshift import fake_openshift
from flow_builder import admin
from wire_env import Env

pytestmark = pytest.mark.anyio
HANG = 30  # seconds: only so that a broken test fails instead of hanging; nothing here measures time


async def _password_grant(env: Env) -> httpx.Response:
    """A write on the same database: a password grant of ``user1`` (a user session, its tokens)."""
    form = {"grant_type": "password", "client_id": "app", "client_secret": "secret", "scope": "openid"}
    form |= {"username": "user1", "password": "password"}
    return await env.http.post("/realms/test/protocol/openid-connect/token", data=form)


async def test_the_idp_link_continue_reads_a_slow_clusters_metadata_outside_the_write_lock(env: Env) -> None:
    """IdpLinkAction's Continue for an OpenShift 4 provider: its metadata is read while no write lock is held (a
    password grant completes meanwhile); once the cluster answers, the browser goes to its OAuth server."""
    async with served(env) as broker, fake_openshift() as cluster:
        await admin(env, "POST", "/admin/realms/test/identity-provider/instances", cluster.rep(), status=201)
        async with browser(broker) as http:
            await login(http, "test", "app")
            page = await start(http, "test", "app", kc_action="idp_link:openshift")
            assert page.status_code == 200 and "Do you want to link your account with" in page.text, page.text
            release = cluster.hold_metadata()
            posted = http.post(form_action(page.text), data={**form_fields(page.text), "continue": ""})
            sent = asyncio.create_task(posted)
            try:
                with anyio.fail_after(HANG):
                    await cluster.metadata_asked.wait()
                    granted = await _password_grant(env)
                assert granted.status_code == 200, granted.text
                assert "refresh_token" in granted.json()
                assert not sent.done(), "the Continue was answered before the cluster gave its metadata"
            finally:
                release.set()
            with anyio.fail_after(HANG):
                answer = await sent
            assert answer.status_code == 302, answer.text
            assert answer.headers["location"].startswith(cluster.base + "/oauth/authorize?")
            assert query(answer.headers["location"])["state"]


async def _released(jwks: JwksServer, release: threading.Event, held: asyncio.Task[httpx.Response]) -> httpx.Response:
    """``held`` once the JWK set's server is told to answer."""
    release.set()
    with anyio.fail_after(HANG):
        return await held


async def test_a_client_assertion_checked_against_a_slow_jwks_url_holds_no_write_lock(env: Env) -> None:
    """private_key_jwt with the client's ``jwks.url``: the set is fetched while no write lock is held (another
    client's grant completes meanwhile); once it comes, the held grant is answered with tokens."""
    await import_test_realm(env, signed_jwt_realm_clients())
    with jwks_server() as jwks:
        key = jwks.generate_keys("RS256")
        await use_jwks_url(env, "client2", jwks.url)
        release = jwks.hold()
        held = asyncio.create_task(client_credentials(env, signed_jwt(env, key, "client2")))
        try:
            with anyio.fail_after(HANG):
                await asyncio.to_thread(jwks.asked.wait, HANG)
                other = await client_credentials(env, signed_jwt(env, KEY1, "client1"))  # its certificate: no fetch
            assert other.status_code == 200, other.text
            assert not held.done(), "the grant was answered before its client's JWK set came"
        finally:
            answer = await _released(jwks, release, held)
    assert answer.status_code == 200, answer.text
    assert answer.json()["access_token"]
