"""Keycloak's OIDCPairwiseClientRegistrationTest (testsuite/integration-arquillian/tests/base/.../testsuite/client/
OIDCPairwiseClientRegistrationTest.java), one test per Java method, over HTTP against
``/realms/test/clients-registrations/openid-connect``. As the Java ``before``, each test registers with an initial
access token of ten uses; ClientRegistrationRealmConfig is imported once for the module (client_registration_port).
The test app's ``oidcClientEndpoints().setSectorIdentifierRedirectUris`` is a tiny HTTP server on a test port
serving the JSON array the test sets (``sector``).

After the port, Doorkeep's own checks of what the Java class leaves to other tests: the pairwise subject's value
(SHA256PairwiseSubMapper.generateSub) in the access token, ID token and userinfo, introspection showing it, and
refresh and logout still finding the user through the session.
"""

from __future__ import annotations

import hashlib
import json
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

import browser_flow
import group_port
from client_registration_port import REGISTRATION_REALM, body
from doorkeep.oauth import client_keys
from doorkeep.store import database
from group_port import fresh_realm
from keycloak_port import admin_headers, user_id
from ports import HOST, free_port
from support import add_audience, claims
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env

ADMIN = "/admin/realms/test"
REG = "/realms/test/clients-registrations/openid-connect"
TOKEN = "/realms/test/protocol/openid-connect"
MULTIPLE_HOSTS = (
    "Without a configured Sector Identifier URI, client redirect URIs must not contain multiple host components."
)
MISMATCH = "Client redirect URIs does not match redirect URIs fetched from the Sector Identifier URI."


@dataclass
class Sector:
    """TestOIDCEndpointsApplicationResource's sector identifier: the redirect URIs it serves, and its URL
    (TestApplicationResourceUrls.pairwiseSectorIdentifierUri)."""

    url: str
    redirect_uris: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def sector() -> Iterator[Sector]:
    box: list[Sector] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            payload = json.dumps(box[0].redirect_uris).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer((HOST, free_port()), Handler)
    server.daemon_threads = True
    box.append(Sector(f"http://{HOST}:{server.server_address[1]}/get-sector-identifier-redirect-uris"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box[0]
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
async def realm_ready(shared_env: Env) -> None:
    await fresh_realm(shared_env, REGISTRATION_REALM)


@pytest.fixture
async def initial(env: Env, realm_ready: None, sector: Sector) -> dict[str, str]:
    """``before``: an initial access token of ten uses; the sector serves nothing until a test sets it."""
    sector.redirect_uris = []
    headers = await admin_headers(env)
    made = await env.http.post(f"{ADMIN}/clients-initial-access", json={"expiration": 0, "count": 10}, headers=headers)
    return {"Authorization": f"Bearer {body(made, 201)['token']}"}


def create_rep() -> dict[str, Any]:
    """``createRep``: the test app's root and redirect URI (OAuthClient.APP_ROOT, oauth.getRedirectUri())."""
    return {
        "client_name": "RegistrationAccessTokenTest",
        "client_uri": "http://127.0.0.1:9999",
        "redirect_uris": [browser_flow.REDIRECT],
    }


async def create(env: Env, initial: dict[str, str], rep: dict[str, Any] | None = None) -> dict[str, Any]:
    created: dict[str, Any] = body(await env.http.post(REG, json=rep or create_rep(), headers=initial), 201)
    return created


def bearer(rep: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {rep['registration_access_token']}"}


async def update(env: Env, rep: dict[str, Any]) -> dict[str, Any]:
    """``reg.auth(Auth.token(rep)); reg.oidc().update(rep)``."""
    updated: dict[str, Any] = body(await env.http.put(f"{REG}/{rep['client_id']}", json=rep, headers=bearer(rep)))
    return updated


async def get(env: Env, rep: dict[str, Any]) -> dict[str, Any]:
    """``reg.auth(Auth.token(response)); reg.oidc().get(clientId)``."""
    found: dict[str, Any] = body(await env.http.get(f"{REG}/{rep['client_id']}", headers=bearer(rep)))
    return found


async def assert_create_fail(env: Env, initial: dict[str, str], rep: dict[str, Any], status: int, text: str) -> None:
    """``assertCreateFail``: the status, and the error response containing ``text``."""
    response = await env.http.post(REG, json=rep, headers=initial)
    assert response.status_code == status, response.text
    assert text in response.text, response.text


def create_pairwise_mapper(sector_uri: str, salt: str | None = None) -> dict[str, Any]:
    """SHA256PairwiseSubMapper.createPairwiseMapper."""
    return {
        "name": "pairwise subject identifier",
        "protocolMapper": "oidc-sha256-pairwise-sub-mapper",
        "protocol": "openid-connect",
        "consentRequired": False,
        "config": {"sectorIdentifierUri": sector_uri, "pairwiseSubAlgorithmSalt": salt or str(uuid.uuid4())},
    }


async def add_mapper(env: Env, client_id: str, mapper: dict[str, Any]) -> int:
    """``clientResource.getProtocolMappers().createMapper``: the status."""
    headers = await admin_headers(env)
    (found,) = body(await env.http.get(f"{ADMIN}/clients", params={"clientId": client_id}, headers=headers))
    url = f"{ADMIN}/clients/{found['id']}/protocol-mappers/models"
    return (await env.http.post(url, json=mapper, headers=headers)).status_code


async def test_create_pairwise_client(env: Env, initial: dict[str, str]) -> None:
    response = await create(env, initial, {**create_rep(), "subject_type": "pairwise"})
    assert response["subject_type"] == "pairwise"


async def test_update_client_to_pairwise(env: Env, initial: dict[str, str]) -> None:
    response = await create(env, initial)
    assert response["subject_type"] == "public"
    updated = await update(env, {**response, "subject_type": "pairwise"})
    assert updated["subject_type"] == "pairwise"


async def test_update_sector_identifier_uri(env: Env, initial: dict[str, str], sector: Sector) -> None:
    response = await create(env, initial, {**create_rep(), "subject_type": "pairwise"})
    assert response["subject_type"] == "pairwise"
    assert "sector_identifier_uri" not in response
    sector.redirect_uris = list(response["redirect_uris"])
    updated = await update(env, {**response, "sector_identifier_uri": sector.url})
    assert updated["subject_type"] == "pairwise"
    assert updated["sector_identifier_uri"] == sector.url


async def test_update_to_pairwise_through_admin_rest_success(env: Env, initial: dict[str, str], sector: Sector) -> None:
    response = await create(env, initial)
    assert response["subject_type"] == "public"
    assert "sector_identifier_uri" not in response
    sector.redirect_uris = list(response["redirect_uris"])
    assert await add_mapper(env, response["client_id"], create_pairwise_mapper(sector.url)) == 201
    rep = await get(env, response)
    assert rep["subject_type"] == "pairwise"
    assert rep["sector_identifier_uri"] == sector.url


async def test_update_to_pairwise_through_admin_rest_failure(env: Env, initial: dict[str, str], sector: Sector) -> None:
    response = await create(env, initial)
    assert response["subject_type"] == "public"
    assert "sector_identifier_uri" not in response
    sector.redirect_uris = []
    assert await add_mapper(env, response["client_id"], create_pairwise_mapper(sector.url)) == 400
    rep = await get(env, response)  # still public
    assert rep["subject_type"] == "public"
    assert "sector_identifier_uri" not in rep


async def test_create_pairwise_client_with_sector_identifier_uri(
    env: Env, initial: dict[str, str], sector: Sector
) -> None:
    rep = create_rep()
    sector.redirect_uris = list(rep["redirect_uris"])
    response = await create(env, initial, {**rep, "subject_type": "pairwise", "sector_identifier_uri": sector.url})
    assert response["subject_type"] == "pairwise"
    assert response["sector_identifier_uri"] == sector.url


async def test_create_pairwise_client_with_redirects_to_multiple_hosts_without_sector_identifier_uri(
    env: Env, initial: dict[str, str]
) -> None:
    rep = {**create_rep(), "subject_type": "pairwise", "redirect_uris": ["http://redirect1", "http://redirect2"]}
    await assert_create_fail(env, initial, rep, 400, MULTIPLE_HOSTS)


async def test_create_pairwise_client_with_redirects_to_multiple_hosts(
    env: Env, initial: dict[str, str], sector: Sector
) -> None:
    redirects = ["http://redirect1", "http://redirect2"]
    sector.redirect_uris = redirects
    rep = {**create_rep(), "subject_type": "pairwise", "sector_identifier_uri": sector.url, "redirect_uris": redirects}
    response = await create(env, initial, rep)
    assert response["subject_type"] == "pairwise"
    assert response["sector_identifier_uri"] == sector.url
    assert sorted(response["redirect_uris"]) == redirects


async def test_create_pairwise_client_with_sector_identifier_uri_containing_mismatched_redirects(
    env: Env, initial: dict[str, str], sector: Sector
) -> None:
    sector.redirect_uris = ["http://someotherredirect"]
    rep = {**create_rep(), "subject_type": "pairwise", "sector_identifier_uri": sector.url}
    await assert_create_fail(env, initial, rep, 400, MISMATCH)


async def test_create_pairwise_client_with_sector_identifier_uri_containing_mismatched_redirects_public_subject(
    env: Env, initial: dict[str, str], sector: Sector
) -> None:
    sector.redirect_uris = ["http://someotherredirect"]
    rep = {**create_rep(), "subject_type": "public", "sector_identifier_uri": sector.url}
    await assert_create_fail(env, initial, rep, 400, MISMATCH)


async def test_create_pairwise_client_with_invalid_sector_identifier_uri(env: Env, initial: dict[str, str]) -> None:
    rep = {**create_rep(), "subject_type": "pairwise", "sector_identifier_uri": "malformed"}
    await assert_create_fail(env, initial, rep, 400, "Invalid Sector Identifier URI.")


async def test_create_pairwise_client_with_unreachable_sector_identifier_uri(env: Env, initial: dict[str, str]) -> None:
    rep = {**create_rep(), "subject_type": "pairwise", "sector_identifier_uri": "http://localhost/dummy"}
    await assert_create_fail(env, initial, rep, 400, "Failed to get redirect URIs from the Sector Identifier URI.")


async def _code_tokens(env: Env, client: dict[str, Any]) -> dict[str, Any]:
    code = (await browser_flow.login(env.http, "test", client["client_id"], "test-user@localhost"))["code"]
    response = await browser_flow.exchange(env.http, "test", client["client_id"], code, client["client_secret"])
    tokens: dict[str, Any] = body(response)
    return tokens


async def test_login_user_to_pairwise_client(env: Env, initial: dict[str, str]) -> None:
    public_client = await create(env, initial)
    access = claims((await _code_tokens(env, public_client))["access_token"])
    assert access["preferred_username"] == "test-user"
    assert access["email"] == "test-user@localhost"
    assert access["sub"] == await user_id(env, "test-user")  # the public client's subject is the user's id

    pairwise_client = await create(env, initial, {**create_rep(), "subject_type": "pairwise"})
    assert pairwise_client["subject_type"] == "pairwise"
    access = claims((await _code_tokens(env, pairwise_client))["access_token"])  # the SSO session's login
    assert access["preferred_username"] == "test-user"
    assert access["email"] == "test-user@localhost"
    assert access["sub"] != await user_id(env, "test-user")


# --- Doorkeep's own: the pairwise subject through the token's whole life -------------------------------------


def expected_sub(sector_identifier: str, local_sub: str, salt: str) -> str:
    """UUID.nameUUIDFromBytes(SHA-256(sector identifier, user id, salt)): MD5 of the digest, as a version 3 UUID."""
    digest = hashlib.sha256(f"{sector_identifier}{local_sub}{salt}".encode()).digest()
    raw = bytearray(hashlib.md5(digest).digest())  # what Java's nameUUIDFromBytes uses
    raw[6] = (raw[6] & 0x0F) | 0x30
    raw[8] = (raw[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(raw)))


async def _mapper_salt(env: Env, client_id: str) -> str:
    headers = await admin_headers(env)
    (found,) = body(await env.http.get(f"{ADMIN}/clients", params={"clientId": client_id}, headers=headers))
    mappers = body(await env.http.get(f"{ADMIN}/clients/{found['id']}/protocol-mappers/models", headers=headers))
    (pairwise,) = [m for m in mappers if m["protocolMapper"] == "oidc-sha256-pairwise-sub-mapper"]
    return str(pairwise["config"]["pairwiseSubAlgorithmSalt"])


async def test_pairwise_subject_in_tokens_userinfo_introspection_refresh_and_logout(
    env: Env, initial: dict[str, str]
) -> None:
    """The sector identifier is the redirect URIs' one host; ``sub`` is the pairwise one in the access token, ID
    token, userinfo and introspection, while refresh and logout find the user through the session."""
    client = await create(env, initial, {**create_rep(), "subject_type": "pairwise"})
    await add_audience(env.db, "test", client["client_id"])  # it introspects its token (Keycloak 26.6.2's check)
    sub = expected_sub("127.0.0.1", await user_id(env, "test-user"), await _mapper_salt(env, client["client_id"]))
    tokens = await _code_tokens(env, client)
    assert claims(tokens["access_token"])["sub"] == sub
    assert claims(tokens["id_token"])["sub"] == sub
    bearer_header = {"Authorization": f"Bearer {tokens['access_token']}"}
    userinfo = body(await env.http.get(f"{TOKEN}/userinfo", headers=bearer_header))
    assert userinfo["sub"] == sub and userinfo["preferred_username"] == "test-user"
    secret = {"client_id": client["client_id"], "client_secret": client["client_secret"]}
    introspected = body(
        await env.http.post(f"{TOKEN}/token/introspect", data={**secret, "token": tokens["access_token"]})
    )
    assert introspected["active"] is True and introspected["sub"] == sub
    form = {**secret, "grant_type": "refresh_token", "refresh_token": tokens["refresh_token"]}
    refreshed = body(await env.http.post(f"{TOKEN}/token", data=form))
    assert claims(refreshed["access_token"])["sub"] == sub
    logout = await env.http.post(f"{TOKEN}/logout", data={**secret, "refresh_token": refreshed["refresh_token"]})
    assert logout.status_code == 204, logout.text
    after = await env.http.get(f"{TOKEN}/userinfo", headers={"Authorization": f"Bearer {refreshed['access_token']}"})
    assert after.status_code == 401, after.text


# --- the admin API (ProtocolMappersResource.validateModel, ClientResource/ClientsResource.validateClient) ----------


async def admin_client(env: Env, redirect_uris: list[str], *mappers: dict[str, Any]) -> httpx.Response:
    """``POST clients`` of a confidential client with these redirect URIs and protocol mappers."""
    rep = {"clientId": f"pairwise-{uuid.uuid4().hex[:8]}", "redirectUris": redirect_uris, "protocolMappers": mappers}
    return await env.http.post(f"{ADMIN}/clients", json=rep, headers=await admin_headers(env))


def no_sector_mapper() -> dict[str, Any]:
    mapper = create_pairwise_mapper("")
    mapper["config"] = {"pairwiseSubAlgorithmSalt": ""}
    return mapper


def invalid_input(response: httpx.Response, text: str) -> None:
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "invalid_input", "error_description": text}, response.text


async def test_admin_mapper_with_a_malformed_sector_identifier_uri_answers_the_admin_text(
    env: Env, realm_ready: None
) -> None:
    """validateModel: ErrorResponseException(the exception's message, the message key's admin text), so the
    malformed sector identifier URI is "Invalid ..." as ``error`` and "Malformed ..." as ``error_description``;
    no mapper is added."""
    made = await admin_client(env, [browser_flow.REDIRECT])
    assert made.status_code == 201, made.text
    url = f"{made.headers['location']}/protocol-mappers/models"
    headers = await admin_headers(env)
    response = await env.http.post(url, json=create_pairwise_mapper("no-scheme-here"), headers=headers)
    assert response.status_code == 400, response.text
    assert response.json() == {
        "error": "Invalid Sector Identifier URI.",
        "error_description": "Malformed Sector Identifier URI.",
    }
    assert body(await env.http.get(url, headers=headers)) == []


async def test_admin_mapper_without_a_salt_is_given_one(env: Env, realm_ready: None) -> None:
    """SHA256PairwiseSubMapper.validateAdditionalConfig: an empty salt is generated and saved with the mapper."""
    made = await admin_client(env, [browser_flow.REDIRECT])
    url = f"{made.headers['location']}/protocol-mappers/models"
    headers = await admin_headers(env)
    added = await env.http.post(url, json=no_sector_mapper(), headers=headers)
    assert added.status_code == 201, added.text
    (mapper,) = body(await env.http.get(url, headers=headers))
    assert mapper["config"]["pairwiseSubAlgorithmSalt"].strip()


async def test_admin_client_with_a_pairwise_mapper_and_redirects_to_two_hosts_is_refused(
    env: Env, realm_ready: None
) -> None:
    """DefaultClientValidationProvider.validatePairwiseInClientModel on ``POST clients``: 400 ``invalid_input`` with
    the validator's admin text, nothing created."""
    two_hosts = ["https://a.example/cb", "https://b.example/cb"]
    invalid_input(await admin_client(env, two_hosts, no_sector_mapper()), MULTIPLE_HOSTS)


async def test_admin_client_update_to_redirects_to_two_hosts_with_a_pairwise_mapper_is_refused(
    env: Env, realm_ready: None
) -> None:
    """``PUT clients/{id}`` is validated with the mappers the update leaves: the client's pairwise mapper refuses
    a second redirect host, and the client keeps its redirect URIs."""
    made = await admin_client(env, ["https://a.example/cb"], no_sector_mapper())
    assert made.status_code == 201, made.text
    headers = await admin_headers(env)
    rep = body(await env.http.get(made.headers["location"], headers=headers))
    wider = {**rep, "redirectUris": ["https://a.example/cb", "https://b.example/cb"]}
    invalid_input(await env.http.put(made.headers["location"], json=wider, headers=headers), MULTIPLE_HOSTS)
    assert body(await env.http.get(made.headers["location"], headers=headers))["redirectUris"] == [
        "https://a.example/cb"
    ]
    without = {**wider, "protocolMappers": []}  # the update removes the mapper: nothing to validate
    response = await env.http.put(made.headers["location"], json=without, headers=headers)
    assert response.status_code == 204, response.text


async def test_admin_client_with_a_sector_identifier_uri_not_listing_its_redirects_is_refused(
    env: Env, realm_ready: None, sector: Sector
) -> None:
    """The sector identifier URI is fetched on ``POST clients`` too: redirects it does not list are refused."""
    sector.redirect_uris = ["https://elsewhere.example/cb"]
    response = await admin_client(env, [browser_flow.REDIRECT], create_pairwise_mapper(sector.url))
    invalid_input(response, MISMATCH)
    sector.redirect_uris = [browser_flow.REDIRECT]
    assert (await admin_client(env, [browser_flow.REDIRECT], create_pairwise_mapper(sector.url))).status_code == 201


@pytest.fixture
def fetches(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """For every outbound fetch: whether it ran under this process's SQLite write lock."""
    seen: list[bool] = []
    fetch = client_keys.fetch_bounded

    async def spy(url: str, accept: str) -> bytes:
        seen.append(database._holding_write_lock.get())
        return await fetch(url, accept)

    monkeypatch.setattr(client_keys, "fetch_bounded", spy)
    return seen


async def test_admin_calls_fetch_the_sector_identifier_uri_outside_the_write_transaction(
    env: Env, realm_ready: None, sector: Sector, fetches: list[bool]
) -> None:
    """``POST clients``, ``POST …/models`` and ``PUT …/models/{id}`` naming a sector identifier URI fetch it before
    their transaction opens (web/admin/sector_prefetch.py): on SQLite the one writer is never held across a
    remote host's answer. The validation is the same (the document is still checked)."""
    sector.redirect_uris = [browser_flow.REDIRECT]
    made = await admin_client(env, [browser_flow.REDIRECT], create_pairwise_mapper(sector.url))
    assert made.status_code == 201, made.text
    other = await admin_client(env, [browser_flow.REDIRECT])
    url = f"{other.headers['location']}/protocol-mappers/models"
    headers = await admin_headers(env)
    added = await env.http.post(url, json=create_pairwise_mapper(sector.url), headers=headers)
    assert added.status_code == 201, added.text
    (mapper,) = body(await env.http.get(url, headers=headers))
    changed = {**mapper, "config": {**mapper["config"], "sectorIdentifierUri": f"{sector.url}?v=2"}}
    put = await env.http.put(f"{url}/{mapper['id']}", json=changed, headers=headers)
    assert put.status_code == 204, put.text
    assert fetches == [False, False, False]
    sector.redirect_uris = []
    refused = await env.http.post(
        url.replace(other.headers["location"], made.headers["location"]),
        json={**create_pairwise_mapper(sector.url), "name": "second"},
        headers=headers,
    )
    assert refused.status_code == 400 and refused.json()["error"] == MISMATCH, refused.text
    assert fetches == [False, False, False, False]
