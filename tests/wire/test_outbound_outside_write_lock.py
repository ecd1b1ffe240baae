"""Outbound calls to a host an administrator or a client named are never made while the request holds a writing
transaction: on SQLite that is the database's one write lock, and a host that answers slowly would hold every login
and refresh until the call's time limit.

Each test holds a stand-in's answer (on 127.0.0.1) until it releases it; meanwhile a password grant, a write on the
same database, must complete. Then the held request's answer is checked: the same as Keycloak's."""

from __future__ import annotations

import asyncio
import contextlib
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import anyio
import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

import encryption_port
from access_token_realm import APP, SECRET, USER
from access_token_realm import import_realm as import_access_token_realm
from broker_support import browser, query, served
from browser_flow import form_action, form_fields, login, start
from ciba_flow import POLL, app_with_device, authenticate, device
from client_auth_support import (
    HOLD_LIMIT,
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
from ports import HOST, free_port
from support import seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
TOKEN_PATH = "/realms/test/protocol/openid-connect/token"
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


async def _a_user_made_once_asked(env: Env, asked: threading.Event) -> None:
    """Once the held upstream is asked, a write on the same database (an admin making a user) completes."""
    with anyio.fail_after(HANG):
        await asyncio.to_thread(asked.wait, HANG)
        user = {"username": "other", "firstName": "O", "lastName": "Ther", "email": "other@example.org"}
        made = await admin(env, "POST", "/admin/realms/test/users", user)
    assert made.status_code == 201, made.text


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


@contextlib.contextmanager
def held_json(document: object) -> Iterator[tuple[str, threading.Event, threading.Event]]:
    """A JSON document served on 127.0.0.1, answered only once the test sets the returned ``release`` event (``asked``
    is set when a request waits): its URL, ``asked`` and ``release``."""
    asked, release = threading.Event(), threading.Event()
    payload = json.dumps(document).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            asked.set()
            release.wait(HOLD_LIMIT)
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((HOST, free_port()), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}/sector", asked, release
    finally:
        release.set()
        server.shutdown()
        server.server_close()
        thread.join(5)


async def test_a_registrations_slow_sector_identifier_uri_holds_no_write_lock(realm: Env) -> None:
    """Dynamic client registration of a pairwise client: its ``sector_identifier_uri`` is fetched while no write lock
    is held (a password grant completes meanwhile); once it comes, the client is registered (201) as pairwise."""
    redirect = "https://app.example.org/cb"
    initial = await admin(realm, "POST", "/admin/realms/test/clients-initial-access", {"count": 1}, status=201)
    headers = {"Authorization": f"Bearer {initial.json()['token']}"}
    with held_json([redirect]) as (url, asked, release):
        metadata = {"redirect_uris": [redirect], "subject_type": "pairwise", "sector_identifier_uri": url}
        registering = realm.http.post(
            "/realms/test/clients-registrations/openid-connect", json=metadata, headers=headers
        )
        held = asyncio.create_task(registering)
        try:
            with anyio.fail_after(HANG):
                await asyncio.to_thread(asked.wait, HANG)
                granted = await _password_grant(realm)
            assert granted.status_code == 200, granted.text
            assert not held.done(), "the registration was answered before its sector document came"
        finally:
            release.set()
        with anyio.fail_after(HANG):
            answer = await held
    assert answer.status_code == 201, answer.text
    assert answer.json()["subject_type"] == "pairwise"
    assert answer.json()["sector_identifier_uri"] == url


async def test_an_id_token_encrypted_to_a_slow_jwks_url_holds_no_write_lock(env: Env) -> None:
    """An ID token encrypted to the client's key at its ``jwks.url`` (a password grant): the set is fetched while no
    write lock is held (an admin creating a user completes meanwhile); then the ID token comes encrypted to it."""
    await import_access_token_realm(env)
    with jwks_server() as jwks:
        key = encryption_port.generate_keys(jwks, "RSA-OAEP-256")
        await encryption_port.use_jwks_url(env, jwks, id_token_encrypted_response_alg="RSA-OAEP-256")
        release = jwks.hold()
        form = {"grant_type": "password", "username": USER, "password": "password", "scope": "openid"}
        held = asyncio.create_task(env.http.post(TOKEN_PATH, data=form, auth=(APP, SECRET)))
        try:
            await _a_user_made_once_asked(env, jwks.asked)
            assert not held.done(), "the grant was answered before its client's JWK set came"
        finally:
            answer = await _released(jwks, release, held)
    assert answer.status_code == 200, answer.text
    claims = await encryption_port.verified(env, encryption_port.decrypt(answer.json()["id_token"], key), APP)
    assert claims["azp"] == APP


async def test_a_ciba_request_behind_a_slow_request_uri_holds_no_write_lock(
    request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """CIBA's backchannel authentication request by ``request_uri``: the request object is fetched while no write
    lock is held (an admin creating a user completes meanwhile); once it comes, the request is accepted (200) and
    the authentication device asked with the binding message it carries."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwks = json.dumps({"keys": [{**public, "kid": "k1", "alg": "RS256", "use": "sig"}]})
    with device() as dev:
        async with app_with_device(request, tmp_path, dev.url) as env:
            await seed_realm(env.db, env.clock, events_enabled=True)
            uri = dev.url.replace("/channel", "/request-object")
            signing = {"request.uris": uri, "use.jwks.string": "true", "jwks.string": jwks}
            signing["ciba.backchannel.auth.request.signing.alg"] = "RS256"
            await seed_client(env.db, "test", APP, secret=SECRET, attributes={**POLL, **signing})
            await seed_user(env.db, env.clock, "test", "nutzername-rot", "passwort-rot")
            now = env.clock.now()
            claims = {"iss": APP, "aud": ["http://localhost/realms/test"], "iat": now, "nbf": now, "exp": now + 300}
            claims |= {"jti": "j1", "scope": "openid", "login_hint": "nutzername-rot", "binding_message": "BASTION"}
            dev.document = jwt.encode(claims, key, algorithm="RS256", headers={"kid": "k1"})
            release = dev.hold()
            held = asyncio.create_task(authenticate(env, APP, SECRET, None, None, request_uri=uri))
            try:
                await _a_user_made_once_asked(env, dev.asked)
                assert not held.done(), "the request was answered before its request object came"
            finally:
                release.set()
            with anyio.fail_after(HANG):
                answer = await held
            assert answer.status_code == 200, answer.text
            assert answer.json()["auth_req_id"]
            assert dev.take("BASTION").body["login_hint"] == "nutzername-rot"
