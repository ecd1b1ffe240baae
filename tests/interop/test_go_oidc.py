"""coreos/go-oidc v2.1.0 and golang.org/x/oauth2 0.3.0 (Debian bookworm's Go relying party) against a real
``doorkeep start-dev``: discovery with the issuer check, the code flow with PKCE, the ID token verifier (issuer,
audience, expiry, algorithm, signature; nonce and at_hash as an application checks them) on RS256 and ES256 realms,
userinfo, token sources that refresh offline tokens by themselves, client credentials, and the remote key set that
fetches the JWKS again when a rotated key signs (tests/go_oidc/main.go, driven one command at a time)."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from joserfc import jwt
from joserfc.jwk import RSAKey

from interop.go_oidc_support import (
    ALG_CLIENTS,
    ES,
    ODD,
    ODD_SECRET,
    ROTATE,
    RS,
    SERVICE,
    SERVICE_SECRET,
    SHORT,
    WEB,
    WEB_SECRET,
    GoDriver,
    b64,
    claims,
    finish_build,
    header,
    realm_reps,
    start_build,
)
from interop.openid_client_support import REDIRECT, log_in
from interop.server import DoorkeepProcess, port_from_env

pytestmark = pytest.mark.interop

WEB_CLIENT = {"client": WEB, "secret": WEB_SECRET, "redirect": REDIRECT}


@pytest.fixture(scope="module")
def build_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("go-oidc-build")


@pytest.fixture(scope="module")
def build(build_folder: Path) -> Iterator[subprocess.Popen[str]]:
    """The driver's build, started before the server so that the two overlap."""
    process = start_build(build_folder)
    yield process
    if process.poll() is None:
        process.kill()
        process.communicate()


@pytest.fixture(scope="module")
def server(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    build: subprocess.Popen[str],
    report_module_server: Callable[[DoorkeepProcess], None],
) -> Iterator[DoorkeepProcess]:
    folder = tmp_path_factory.mktemp("go-oidc")
    files = []
    for rep in realm_reps():
        files.append(folder / f"{rep['realm']}.json")
        files[-1].write_text(json.dumps(rep))
    postgres = os.environ.get("DOORKEEP_WIRE_ENGINE") == "postgresql"
    doorkeep = DoorkeepProcess(
        folder / "server",
        port=port_from_env(),
        db_url=request.getfixturevalue("postgres_url_of_module") if postgres else None,
        import_realms=files,
    )
    report_module_server(doorkeep)
    doorkeep.start()
    yield doorkeep
    doorkeep.stop()


@pytest.fixture(scope="module")
def binary(build: subprocess.Popen[str], build_folder: Path) -> Path:
    return finish_build(build, build_folder)


@pytest.fixture
def go(binary: Path, server: DoorkeepProcess) -> Iterator[GoDriver]:
    """A fresh driver process for each test: nothing cached from another test (the key set above all)."""
    driver = GoDriver(binary, server.base_url)
    yield driver
    driver.close()


def signed_in(
    go: GoDriver, realm: str = RS, *, scopes: tuple[str, ...] = ("openid",), slot: str = "t"
) -> tuple[str, dict[str, Any]]:
    """The code flow with PKCE: the driver builds the authorization URL, alice signs in over HTTP, the driver
    redeems the code (Exchange) into ``slot``; the nonce it sent and the tokens."""
    state, nonce, verifier = secrets.token_urlsafe(8), secrets.token_urlsafe(8), secrets.token_urlsafe(48)
    url = go.ok("authorize", realm, **WEB_CLIENT, scopes=list(scopes), state=state, nonce=nonce, verifier=verifier)
    back = log_in(url).params()
    assert back["state"] == state and back["iss"] == go.issuer(realm)  # RFC 9207
    tokens = go.ok("exchange", realm, **WEB_CLIENT, code=back["code"], verifier=verifier, slot=slot)
    return nonce, tokens


def test_new_provider_checks_the_issuer_of_the_realm_s_discovery_document(go: GoDriver) -> None:
    metadata = go.ok("discover")
    assert metadata["claims"]["issuer"] == go.issuer(RS)
    assert metadata["tokenURL"] == f"{go.issuer(RS)}/protocol/openid-connect/token"
    assert {"RS256", "ES256"} <= set(metadata["claims"]["id_token_signing_alg_values_supported"])
    # the same document under the issuer with a trailing slash: the issuer in it is not the one asked for
    refused = go.refused("discover", issuer=go.issuer(RS) + "/")
    assert "issuer did not match the issuer returned by provider" in refused["error"]


def test_code_flow_with_pkce_gives_a_verified_id_token_and_userinfo(go: GoDriver) -> None:
    nonce, _ = signed_in(go)
    verified = go.ok("verify", client=WEB, slot="t", nonce=nonce, checkAtHash=True)
    assert verified["issuer"] == go.issuer(RS) and verified["audience"] == [WEB]
    assert verified["atHash"] and verified["expiry"] > time.time()
    info = go.ok("userinfo", slot="t")
    assert info["subject"] == verified["subject"]
    assert (info["email"], info["emailVerified"]) == ("alice@example.com", True)
    assert info["claims"]["preferred_username"] == "alice"


def test_exchange_with_the_wrong_code_verifier_is_refused_and_the_code_spent_as_keycloak_does(go: GoDriver) -> None:
    def code() -> str:
        url = go.ok("authorize", **WEB_CLIENT, scopes=["openid"], state="s", nonce="n", verifier="a" * 43)
        return str(log_in(url).params()["code"])

    refused = go.refused("exchange", **WEB_CLIENT, code=code(), verifier="b" * 43, authStyle="header")
    assert refused["status"] == 400
    assert refused["body"] == {"error": "invalid_grant", "error_description": "PKCE verification failed: Code mismatch"}
    # x/oauth2's default auth style sends the code again with the secret in the form after any refusal; the first
    # attempt spent the code (OAuth2CodeParser removes it before the PKCE check), so the application sees that
    retried = go.refused("exchange", **WEB_CLIENT, code=code(), verifier="b" * 43)
    assert retried["body"] == {"error": "invalid_grant", "error_description": "Code not valid"}


def test_es256_realm_tokens_verify_with_es256_allowed_and_not_with_the_default_rs256(go: GoDriver) -> None:
    nonce, _ = signed_in(go, ES, slot="es")
    verified = go.ok("verify", ES, client=WEB, slot="es", nonce=nonce, algs=["ES256"], checkAtHash=True)
    assert verified["issuer"] == go.issuer(ES)
    refused = go.refused("verify", ES, client=WEB, slot="es", nonce=nonce)  # go-oidc's default: RS256 only
    assert 'expected ["RS256"] got "ES256"' in refused["error"]
    info = go.ok("userinfo", ES, slot="es")
    assert info["subject"] == verified["subject"]


@pytest.mark.parametrize("alg", list(ALG_CLIENTS))
def test_id_tokens_signed_with_the_client_s_algorithm_verify_against_the_realm_s_jwks(go: GoDriver, alg: str) -> None:
    client = ALG_CLIENTS[alg]
    fields = {"client": client, "secret": WEB_SECRET, "username": "alice", "password": "alice-password"}
    tokens = go.ok("password", **fields, scopes=["openid"], slot=alg)
    assert header(tokens["id_token"])["alg"] == alg  # a fallback key of that algorithm, made on first use
    # go-oidc v2 computes at_hash for the RSA and EC algorithms only
    verified = go.ok("verify", client=client, slot=alg, algs=[alg], checkAtHash=alg != "EdDSA")
    assert verified["audience"] == [client]


def test_verifier_refuses_another_realm_s_token_another_audience_and_another_nonce(go: GoDriver) -> None:
    nonce, _ = signed_in(go, ES, slot="es")
    other_realm = go.refused("verify", RS, client=WEB, slot="es", nonce=nonce, algs=["RS256", "ES256"])
    assert f'id token issued by a different provider, expected "{go.issuer(RS)}"' in other_realm["error"]
    nonce, _ = signed_in(go)
    audience = go.refused("verify", client="go-other", slot="t", nonce=nonce)
    assert 'expected audience "go-other"' in audience["error"]
    replayed = go.refused("verify", client=WEB, slot="t", nonce="another-login")
    assert "nonce mismatch" in replayed["error"]


def test_verifier_refuses_forged_tokens(go: GoDriver) -> None:
    raw = signed_in(go)[1]["id_token"]
    head, _, signature = raw.split(".")
    altered = b64(json.dumps({**claims(raw), "sub": "mallory"}).encode())
    tampered = go.refused("verify", client=WEB, token=f"{head}.{altered}.{signature}", nonce=claims(raw)["nonce"])
    assert "failed to verify id token signature" in tampered["error"]
    foreign = RSAKey.generate_key(2048)
    forged_token = jwt.encode({"alg": "RS256", "kid": header(raw)["kid"], "typ": "JWT"}, claims(raw), foreign)
    forged = go.refused("verify", client=WEB, token=forged_token, nonce=claims(raw)["nonce"])
    assert "failed to verify id token signature" in forged["error"]


def test_verifier_refuses_an_expired_id_token(go: GoDriver) -> None:
    tokens = go.ok("password", SHORT, **WEB_CLIENT, scopes=["openid"], username="alice", password="alice-password")
    expiry = claims(tokens["id_token"])["exp"]
    assert expiry - claims(tokens["id_token"])["iat"] == 3
    behind = go.ok("verify", SHORT, client=WEB, token=tokens["id_token"], clockSkew=-60)  # its clock a minute back
    assert behind["expiry"] == expiry
    time.sleep(max(0.0, expiry + 1 - time.time()))
    expired = go.refused("verify", SHORT, client=WEB, token=tokens["id_token"])
    assert "oidc: token is expired" in expired["error"]


def test_token_source_refreshes_from_an_offline_refresh_token_alone(go: GoDriver) -> None:
    signed_in(go, scopes=("openid", "offline_access"))
    first = go.ok("source", **WEB_CLIENT, slot="t", source="kept", refreshOnly=True)
    assert claims(first["refresh_token"])["typ"] == "Offline" and not first["access_token"]
    info = go.ok("userinfo", source="kept")  # the source refreshes before the call
    assert info["claims"]["preferred_username"] == "alice"
    refreshed = go.ok("sourceToken", source="kept", slot="r")
    assert refreshed["valid"] and claims(refreshed["access_token"])["typ"] == "Bearer"
    assert go.ok("sourceToken", source="kept")["access_token"] == refreshed["access_token"]  # still valid: kept
    requests = go.ok("requests")
    assert requests[f"{go.issuer(RS)}/protocol/openid-connect/token"] == 2  # the exchange and one refresh


def test_token_source_renews_short_tokens_with_each_rotated_offline_token(go: GoDriver) -> None:
    """go-short's tokens live 3 s, under x/oauth2's 10 s margin: each Token() call refreshes, and only the newest
    refresh token is good (revokeRefreshToken, no reuse), so the source must carry each rotation forward."""
    go.ok(
        "password",
        SHORT,
        **WEB_CLIENT,
        scopes=["openid", "offline_access"],
        username="alice",
        password="alice-password",
        slot="t",
    )
    go.ok("source", SHORT, **WEB_CLIENT, slot="t", source="short")
    renewed = [go.ok("sourceToken", SHORT, source="short") for _ in range(3)]
    assert len({t["access_token"] for t in renewed}) == 3 and len({t["refresh_token"] for t in renewed}) == 3
    assert all(claims(t["refresh_token"])["typ"] == "Offline" for t in renewed)
    assert all(claims(t["id_token"])["iss"] == go.issuer(SHORT) for t in renewed)
    go.ok("source", SHORT, **WEB_CLIENT, slot="t", source="stale", refreshOnly=True)
    stale = go.refused("sourceToken", SHORT, source="stale")
    assert stale["status"] == 400 and stale["body"]["error"] == "invalid_grant"


@pytest.mark.parametrize(
    ("style", "client", "secret"),
    [
        ("", SERVICE, SERVICE_SECRET),
        ("header", SERVICE, SERVICE_SECRET),
        ("params", SERVICE, SERVICE_SECRET),
        ("header", ODD, ODD_SECRET),  # RFC 6749 §2.3.1: the library form-encodes the secret in the Basic header
        ("params", ODD, ODD_SECRET),
    ],
)
def test_client_credentials_config_gets_a_service_account_token(
    go: GoDriver, style: str, client: str, secret: str
) -> None:
    token = go.ok("clientCredentials", client=client, secret=secret, authStyle=style)
    assert token["token_type"] == "Bearer" and token["valid"] and "id_token" not in token
    assert not token["refresh_token"]  # client_credentials.use_refresh_token is off by default
    access = claims(token["access_token"])
    assert (access["azp"], access["preferred_username"]) == (client, f"service-account-{client}")


def test_client_credentials_with_a_wrong_secret_is_refused(go: GoDriver) -> None:
    refused = go.refused("clientCredentials", client=SERVICE, secret="wrong", authStyle="params")
    assert refused["status"] == 401
    assert refused["body"] == {
        "error": "unauthorized_client",
        "error_description": "Invalid client or Invalid client credentials",
    }


def test_remote_key_set_fetches_the_jwks_again_for_a_rotated_key(go: GoDriver, server: DoorkeepProcess) -> None:
    def login() -> str:
        fields: dict[str, Any] = {**WEB_CLIENT, "scopes": ["openid"], "username": "alice"}
        return str(go.ok("password", ROTATE, **fields, password="alice-password")["id_token"])

    def jwks_fetches() -> int:
        return int(go.ok("requests", ROTATE).get(f"{go.issuer(ROTATE)}/protocol/openid-connect/certs", 0))

    before = login()
    go.ok("verify", ROTATE, client=WEB, token=before)
    go.ok("verify", ROTATE, client=WEB, token=login())
    assert jwks_fetches() == 1  # the second token's kid was known
    component = {
        "name": "rotated",
        "providerId": "rsa-generated",
        "providerType": "org.keycloak.keys.KeyProvider",
        "config": {"priority": ["200"]},
    }
    created = httpx.post(
        f"{server.base_url}/admin/realms/{ROTATE}/components",
        json=component,
        headers={"Authorization": f"Bearer {server.admin_token()}"},
        timeout=10,
    )
    assert created.status_code == 201, created.text
    after = login()
    assert header(after)["kid"] != header(before)["kid"]
    go.ok("verify", ROTATE, client=WEB, token=after)
    assert jwks_fetches() == 2
    go.ok("verify", ROTATE, client=WEB, token=before)  # the older key still verifies, from the new set
    assert jwks_fetches() == 2
