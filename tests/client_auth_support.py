"""The realm, keys and requests of the wire ports of Keycloak's client-authentication test classes
(testsuite/integration-arquillian/tests/base/.../oauth/ClientAuthSignedJWTTest and its base
AbstractClientAuthSignedJWTTest, ClientAuthSecretSignedJWTTest).

Keycloak's test application serves the client's JWK set (TestingOIDCEndpointsApplicationResource
``generateKeys``); here a small HTTP server on 127.0.0.1 (ports 19900-19999, or the range
``DOORKEEP_TEST_PORTS`` names) does, and the realm fetches it for real. Assertions are built as Keycloak's JWTClientCredentialsProvider builds them (``jti``, ``iss`` =
``sub`` = the client, ``aud`` = the realm's URL, ``iat`` = ``nbf`` = now, ``exp`` = now + 10, ``kid`` =
KeyUtils.createKeyId of the public key); Keycloak's ``setTimeOffset`` is the fake clock.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import os
import random
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import jwt
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.x509.oid import NameOID

from browser_flow import REDIRECT, login
from doorkeep.oauth import client_keys
from keycloak_port import admin_headers, client_uuid, get, import_realm, poll, put
from support import claims
from wire_env import Env

ISSUER = "http://localhost/realms/test"  # getRealmInfoUrl()
OIDC = f"{ISSUER}/protocol/openid-connect"
TOKEN = f"{OIDC}/token"
BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
USER = "test-user@localhost"
EVENT_TYPES = [
    f"{t}{suffix}"
    for t in ("LOGIN", "CODE_TO_TOKEN", "CLIENT_LOGIN", "REFRESH_TOKEN", "LOGOUT")
    for suffix in ("", "_ERROR")
]
CURVES: dict[str, type[ec.EllipticCurve]] = {"ES256": ec.SECP256R1, "ES384": ec.SECP384R1, "ES512": ec.SECP521R1}

PrivateKey = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey | ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey


def new_key(alg: str = "RS256", curve: str | None = None) -> PrivateKey:
    """A key pair for ``alg`` (KeyUtils.generateRsaKeyPair(2048) / generateECKey / generateEdDSAKey(curve))."""
    if alg in CURVES:
        return ec.generate_private_key(CURVES[alg]())
    if alg == "EdDSA":
        return ed448.Ed448PrivateKey.generate() if curve == "Ed448" else ed25519.Ed25519PrivateKey.generate()
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def certificate(key: PrivateKey, name: str = "client") -> str:
    """A self-signed certificate of the key, base64 DER as ``jwt.credential.certificate`` holds it."""
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
    start = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(key.public_key())
        .serial_number(1)
        .not_valid_before(start)
        .not_valid_after(start + datetime.timedelta(days=36500))
        .sign(key, None if isinstance(key, ed25519.Ed25519PrivateKey | ed448.Ed448PrivateKey) else hashes.SHA256())
    )
    return base64.b64encode(cert.public_bytes(serialization.Encoding.DER)).decode()


def public_key_pem(key: PrivateKey) -> str:
    """The PEM ``jwt.credential.public.key`` holds after a public-key upload."""
    return (
        key.public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def kid_of(key: PrivateKey) -> str:
    """KeyUtils.createKeyId."""
    return client_keys.key_id(key.public_key())


def request_token(
    env: Env, client_id: str, *, timeout: int = 10, offset: int = 0, drop: tuple[str, ...] = ()
) -> dict[str, Any]:
    """JWTClientCredentialsProvider.createRequestToken (CustomJWTClientCredentialsProvider without ``drop``)."""
    now = env.clock.now() + offset
    claims: dict[str, Any] = {
        "jti": str(uuid.uuid4()),
        "iss": client_id,
        "sub": client_id,
        "aud": ISSUER,
        "iat": now,
        "exp": now + timeout,
        "nbf": now,
    }
    return {k: v for k, v in claims.items() if k not in drop}


def sign(claims: dict[str, Any], key: PrivateKey, alg: str = "RS256", kid: str | None = "") -> str:
    """JWSBuilder.kid(kid).jsonContent(claims).sign(signer): ``kid`` "" is the key's own id, None none."""
    headers = {"kid": kid_of(key) if kid == "" else kid} if kid is not None else {}
    return jwt.encode(claims, key, algorithm=alg, headers=headers)


def signed_jwt(env: Env, key: PrivateKey, client_id: str, alg: str = "RS256") -> str:
    """getClientSignedJWT(keyPair, clientId, alg)."""
    return sign(request_token(env, client_id), key, alg)


def secret_jwt(env: Env, client_id: str, secret: str, alg: str = "HS256", **claims: Any) -> str:
    """JWTClientSecretCredentialsProvider.createSignedRequestToken: HMAC with the secret, no ``kid``."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    payload = {**request_token(env, client_id), **claims}
    head = b64(json.dumps({"alg": alg, "typ": "JWT"}).encode()) + "." + b64(json.dumps(payload).encode())
    digest = {"HS256": hashlib.sha256, "HS384": hashlib.sha384, "HS512": hashlib.sha512}[alg]
    return head + "." + b64(hmac.new(secret.encode(), head.encode(), digest).digest())


def unsigned(token: str) -> str:
    """JWSBuilder().jsonContent(the same claims).none(): ``alg`` none, no signature."""

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    payload = token.split(".")[1]
    return b64(json.dumps({"alg": "none"}).encode()) + "." + payload + "."


# --- the client's JWK set, served -----------------------------------------------------------------------


HOLD_LIMIT = 60  # seconds a held answer waits at most


@dataclass
class JwksServer:
    """TestingOIDCEndpointsApplicationResource: the keys it generated, as the JWK set at ``url``."""

    url: str
    keys: list[dict[str, Any]] = field(default_factory=list)
    asked: threading.Event = field(default_factory=threading.Event)  # set at each request
    held: threading.Event | None = None  # the set is answered once this is set (``hold``)

    def hold(self) -> threading.Event:
        """From now on the set is answered only once the returned event is set (``asked`` tells when a request waits;
        the server's threads give up after HOLD_LIMIT seconds, so that a broken test cannot hang)."""
        self.asked = threading.Event()
        self.held = threading.Event()
        return self.held

    def generate_keys(
        self,
        alg: str,
        *,
        curve: str | None = None,
        advertise_alg: bool = True,
        keep_existing: bool = False,
        kid: str | None = None,
    ) -> PrivateKey:
        """``generateKeys(alg, curve, advertiseJWKAlgorithm, keepExistingKeys, kid)``: the new private key."""
        key = new_key(alg, curve)
        family = "ES256" if alg in CURVES else alg if alg == "EdDSA" else "RS256"
        jwk = json.loads(jwt.algorithms.get_default_algorithms()[family].to_jwk(key.public_key()))
        jwk.update(kid=kid or kid_of(key), use="sig")
        if advertise_alg:
            jwk["alg"] = alg
        self.keys = [*self.keys, jwk] if keep_existing else [jwk]
        return key

    def document(self) -> str:
        return json.dumps({"keys": self.keys})


@contextmanager
def jwks_server() -> Iterator[JwksServer]:
    """The JWK set served on 127.0.0.1, on a free port among 19900-19999 (or ``DOORKEEP_TEST_PORTS``)."""
    box: list[JwksServer] = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            box[0].asked.set()
            if box[0].held is not None:
                box[0].held.wait(HOLD_LIMIT)
            body = box[0].document().encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = _bind(Handler)
    box.append(JwksServer(f"http://127.0.0.1:{server.server_address[1]}/jwks"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield box[0]
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _bind(handler: type[BaseHTTPRequestHandler]) -> ThreadingHTTPServer:
    confined = os.environ.get("DOORKEEP_TEST_PORTS")
    low, high = (int(part) for part in confined.split("-", 1)) if confined else (19900, 19999)
    ports = list(range(low, high + 1))
    random.shuffle(ports)
    for port in ports:
        try:
            return ThreadingHTTPServer(("127.0.0.1", port), handler)
        except OSError:
            continue
    raise RuntimeError(f"no free port in {low}-{high}")


# --- the realm and the admin API ------------------------------------------------------------------------


def client_rep(client_id: str, key: PrivateKey | None = None, **rep: Any) -> dict[str, Any]:
    """ClientBuilder.create().clientId(id).authenticatorType("client-jwt"), its certificate attribute."""
    attributes = dict(rep.pop("attributes", {}))
    if key is not None:
        attributes["jwt.credential.certificate"] = certificate(key, client_id)
    return {"clientId": client_id, "clientAuthenticatorType": "client-jwt", "attributes": attributes, **rep}


def user_rep(username: str = USER) -> dict[str, Any]:
    return {
        "username": username,
        "enabled": True,
        "email": username,
        "credentials": [{"type": "password", "value": "password", "temporary": False}],
    }


async def import_test_realm(env: Env, clients: list[dict[str, Any]]) -> None:
    """The ``test`` realm with ``testEventListener()``: every event type the tests read is kept."""
    rep = {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "enabledEventTypes": EVENT_TYPES,
        "clients": clients,
        "users": [user_rep()],
    }
    await import_realm(env, rep)
    await poll(env)


async def update_client_rep(env: Env, client_id: str, **changes: Any) -> dict[str, Any]:
    """``clientResource.update(rep)``: the representation read, ``attributes`` merged (a None value is sent
    as null, which removes the attribute, as ClientManager.updateAttribute(name, null) does)."""
    uuid_ = await client_uuid(env, client_id)
    rep: dict[str, Any] = await get(env, f"/clients/{uuid_}")
    attributes = changes.pop("attributes", None)
    if attributes is not None:
        rep["attributes"] = {**(rep.get("attributes") or {}), **attributes}
    rep.update(changes)
    await put(env, f"/clients/{uuid_}", rep)
    return rep


async def generate_keys(env: Env, client_id: str, prefix: str = "jwt.credential") -> dict[str, Any]:
    """``getCertficateResource(prefix).generate()``: a new key pair and certificate kept on the client; the
    CertificateRepresentation answered."""
    uuid_ = await client_uuid(env, client_id)
    response = await env.http.post(
        f"/admin/realms/test/clients/{uuid_}/certificates/{prefix}/generate", headers=await admin_headers(env)
    )
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def use_jwks_url(env: Env, client_id: str, url: str) -> None:
    """setupJwksUrl: ``use.jwks.url`` and ``jwks.url`` set, then ``setTimeOffset(20)`` so new keys are fetched."""
    await update_client_rep(env, client_id, attributes={"use.jwks.url": "true", "jwks.url": url})
    env.clock.advance(20)


async def use_jwks_string(env: Env, client_id: str, document: str) -> None:
    """setupJwks: ``use.jwks.string`` and ``jwks.string`` set, then ``setTimeOffset(20)``."""
    await update_client_rep(env, client_id, attributes={"use.jwks.string": "true", "jwks.string": document})
    env.clock.advance(20)


# --- requests -------------------------------------------------------------------------------------------


async def send(env: Env, path: str = "token", **form: str | None) -> httpx.Response:
    """sendRequest: a form POST to an OpenID Connect endpoint of the realm (None leaves a field out)."""
    data = {k: v for k, v in form.items() if v is not None}
    return await env.http.post(f"/realms/test/protocol/openid-connect/{path}", data=data)


def with_assertion(assertion: str) -> dict[str, str]:
    return {"client_assertion_type": BEARER, "client_assertion": assertion}


async def client_credentials(env: Env, assertion: str, **extra: str) -> httpx.Response:
    """doClientCredentialsGrantRequest."""
    return await send(env, grant_type="client_credentials", **with_assertion(assertion), **extra)


async def password_grant(env: Env, assertion: str, username: str = USER) -> httpx.Response:
    """doGrantAccessTokenRequest."""
    return await send(env, grant_type="password", username=username, password="password", **with_assertion(assertion))


async def code_to_token(env: Env, code: str, assertion: str) -> httpx.Response:
    """doAccessTokenRequest: the code exchanged with the assertion (no client_id)."""
    return await send(
        env, grant_type="authorization_code", code=code, redirect_uri=REDIRECT, **with_assertion(assertion)
    )


async def refresh(env: Env, refresh_token: str, assertion: str) -> httpx.Response:
    """doRefreshTokenRequest."""
    return await send(env, grant_type="refresh_token", refresh_token=refresh_token, **with_assertion(assertion))


async def logout(env: Env, refresh_token: str, assertion: str) -> httpx.Response:
    """doLogout: the refresh token and the assertion POSTed to the logout endpoint."""
    return await send(
        env, "logout", grant_type="refresh_token", refresh_token=refresh_token, **with_assertion(assertion)
    )


async def do_login(env: Env, client_id: str) -> tuple[str, dict[str, Any]]:
    """oauth.doLogin + events.expectLogin().client(id).assertEvent(): the code and the LOGIN event."""
    code = (await login(env.http, "test", client_id, username=USER))["code"]
    found = await poll(env)
    assert [e["type"] for e in found] == ["LOGIN"], found
    assert found[0]["clientId"] == client_id, found
    return code, found[0]


async def events_of(env: Env, *types: str) -> list[dict[str, Any]]:
    """``events.poll()`` for each expected event, in order: exactly these types since the last poll."""
    found = await poll(env)
    assert [e["type"] for e in found] == list(types), [(e["type"], e.get("error")) for e in found]
    return found


async def code_to_token_success(env: Env, client_id: str, key: PrivateKey, alg: str) -> dict[str, Any]:
    """AbstractClientAuthSignedJWTTest.testCodeToTokenRequestSuccess(clientId, keyPair, algorithm, curve)."""
    code, login_event = await do_login(env, client_id)
    response = await code_to_token(env, code, sign(request_token(env, client_id), key, alg))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert claims(body["access_token"])["azp"] == client_id
    assert claims(body["refresh_token"])["typ"] == "Refresh"
    [event] = await events_of(env, "CODE_TO_TOKEN")
    assert (event["clientId"], event["sessionId"]) == (client_id, login_event["sessionId"])
    assert event["details"]["code_id"] == login_event["details"]["code_id"]
    assert event["details"]["client_auth_method"] == "client-jwt"
    return body


async def direct_grant_success(env: Env, client_id: str, assertion: str) -> None:
    """The LOGIN event of a password grant authenticated by an assertion (testDirectGrantRequestSuccess)."""
    response = await password_grant(env, assertion)
    assert response.status_code == 200, response.text
    body = response.json()
    access, refreshed = claims(body["access_token"]), claims(body["refresh_token"])
    [event] = await events_of(env, "LOGIN")
    assert (event["clientId"], event["sessionId"]) == (client_id, access["sid"])
    details = event["details"]
    assert (details["grant_type"], details["username"], details["client_auth_method"]) == (
        "password",
        USER,
        "client-jwt",
    )
    assert (details["token_id"], details["refresh_token_id"]) == (access["jti"], refreshed["jti"])
    assert not {"code_id", "redirect_uri", "consent"} & set(details), details


def assert_failed_event(event: dict[str, Any], type: str, client_id: str | None, error: str) -> None:
    """``expect*().client(id).session(null).clearDetails().error(error).user(null)``."""
    assert event["type"] == type, event
    assert (event.get("clientId"), event["error"]) == (client_id, error), event
    assert event.get("userId") is None and event.get("sessionId") is None, event


# The key pairs of ClientAuthSignedJWTTest: ``generatedKeystoreClient1`` (client1's certificate) and
# ``keystore-client2.jks`` (client2's certificate).
KEY1 = new_key()
KEY2 = new_key()


def signed_jwt_realm_clients() -> list[dict[str, Any]]:
    """AbstractClientAuthSignedJWTTest.addTestRealms and recreateApp3: client1 (service account, refresh
    tokens for client credentials), client2 (direct grants, the code flow) and client3 (no keys yet)."""
    return [
        client_rep(
            "client1",
            KEY1,
            serviceAccountsEnabled=True,
            attributes={"client_credentials.use_refresh_token": "true"},
        ),
        client_rep(
            "client2",
            KEY2,
            directAccessGrantsEnabled=True,
            serviceAccountsEnabled=True,
            redirectUris=[REDIRECT],
        ),
        client_rep("client3", directAccessGrantsEnabled=True, redirectUris=[REDIRECT]),
    ]
