"""Ruby's openid_connect gem 1.2 (Debian's ruby-openid-connect, under ruby-omniauth-openid-connect: how Rails apps
talk to Keycloak) against a real ``doorkeep start-dev``: discovery with its issuer check, the JWKS, the code flow
with PKCE (S256), the ID token decoded against the JWKS and ``verify!``-ed (issuer, audience, nonce, expiry),
userinfo and a refresh, client_secret_basic and client_secret_post, on an RS256 realm and an ES256 realm.
The driver is tests/interop/ruby/openid_connect_driver.rb, one process a command."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from interop.openid_client_support import REDIRECT, alice, log_in
from interop.server import DoorkeepProcess, port_from_env

pytestmark = pytest.mark.interop

DRIVER = Path(__file__).resolve().parent / "ruby" / "openid_connect_driver.rb"
RS, ES = "rb-rs", "rb-es"
WEB, WEB_SECRET = "rb-web", "rb-web-secret"


def realm_rep(name: str, **settings: Any) -> dict[str, Any]:
    client = {
        "clientId": WEB,
        "enabled": True,
        "secret": WEB_SECRET,
        "redirectUris": [REDIRECT],
        "attributes": {"pkce.code.challenge.method": "S256"},
    }
    user = alice(name)
    return {"realm": name, "enabled": True, **settings, "clients": [client], "users": [user]}


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory, report_module_server: Callable[[DoorkeepProcess], None]
) -> Iterator[DoorkeepProcess]:
    assert shutil.which("ruby"), "ruby is missing: scripts/ensure-system-deps.sh installs ruby and ruby-openid-connect"
    folder = tmp_path_factory.mktemp("ruby-openid-connect")
    files = []
    for rep in (realm_rep(RS), realm_rep(ES, defaultSignatureAlgorithm="ES256")):
        files.append(folder / f"{rep['realm']}.json")
        files[-1].write_text(json.dumps(rep))
    doorkeep = DoorkeepProcess(folder / "server", port=port_from_env(), import_realms=files)
    report_module_server(doorkeep)
    doorkeep.start()
    yield doorkeep
    doorkeep.stop()


def issuer(server: DoorkeepProcess, realm: str) -> str:
    return f"{server.base_url}/realms/{realm}"


def ruby(op: str, **fields: Any) -> dict[str, Any]:
    """One driver run: its answer, ``ok`` or ``error``."""
    command = {"op": op, "client": WEB, "secret": WEB_SECRET, "redirect": REDIRECT, **fields}
    done = subprocess.run(
        ["ruby", str(DRIVER)], input=json.dumps(command), capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0 and done.stdout, f"ruby failed: {done.stdout}{done.stderr}"
    answer: dict[str, Any] = json.loads(done.stdout)
    return answer


def ok(op: str, **fields: Any) -> Any:
    answer = ruby(op, **fields)
    assert "error" not in answer, f"{op}: {answer}"
    return answer["ok"]


def header(jwt: str) -> dict[str, Any]:
    part = jwt.split(".")[0]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


def signed_in(server: DoorkeepProcess, realm: str, auth: str, *, refresh: bool = False) -> dict[str, Any]:
    """The code flow with PKCE: the gem builds the authorization URL, alice signs in over HTTP, the gem redeems the
    code with ``auth`` (basic or post), verifies the ID token, reads userinfo and, if asked, refreshes."""
    state, nonce, verifier = secrets.token_urlsafe(8), secrets.token_urlsafe(8), secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    where = issuer(server, realm)
    scopes = ["openid", "profile", "email", "offline_access"]
    url = ok("authorize", issuer=where, scopes=scopes, state=state, nonce=nonce, challenge=challenge)
    back = log_in(url).params()
    assert back["state"] == state
    fields = {"issuer": where, "code": back["code"], "verifier": verifier, "nonce": nonce, "auth": auth}
    answer: dict[str, Any] = ok("exchange", **fields, refresh=refresh)
    return answer


def test_discovery_checks_the_issuer_and_reads_the_jwks(server: DoorkeepProcess) -> None:
    found = ok("discover", issuer=issuer(server, RS))
    assert found["issuer"] == issuer(server, RS)
    assert {"RS256", "ES256"} <= set(found["algs"])
    assert any(key["kty"] == "RSA" and key["alg"] == "RS256" for key in found["keys"])
    refused = ruby("discover", issuer=issuer(server, RS) + "/")  # the document names the issuer without the slash
    assert refused["error"] == "OpenIDConnect::Discovery::DiscoveryFailed"


@pytest.mark.parametrize("auth", ["basic", "post"])
def test_code_flow_with_pkce_verifies_the_id_token_reads_userinfo_and_refreshes(
    server: DoorkeepProcess, auth: str
) -> None:
    answer = signed_in(server, RS, auth, refresh=True)
    id_token = answer["id_token"]
    assert (id_token["iss"], id_token["aud"]) == (issuer(server, RS), WEB)
    assert header(answer["access_token"])["alg"] == "RS256"
    assert answer["userinfo"]["sub"] == id_token["sub"]
    assert answer["userinfo"]["preferred_username"] == "alice" and answer["userinfo"]["email"] == "alice@example.com"
    refreshed = answer["refreshed"]
    assert refreshed["access_token"] != answer["access_token"]
    assert refreshed["id_token"]["sub"] == id_token["sub"] and "nonce" not in refreshed["id_token"]
    assert refreshed["userinfo"]["sub"] == id_token["sub"]


def test_es256_realm_tokens_verify_against_its_ec_key(server: DoorkeepProcess) -> None:
    answer = signed_in(server, ES, "basic")
    assert header(answer["access_token"])["alg"] == "ES256"
    assert answer["id_token"]["iss"] == issuer(server, ES)
    keys = ok("discover", issuer=issuer(server, ES))["keys"]
    assert any(key["kty"] == "EC" and key["alg"] == "ES256" for key in keys)


def test_verify_refuses_another_nonce_another_issuer_and_a_wrong_secret(server: DoorkeepProcess) -> None:
    state, nonce, verifier = "s", "n-1", secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    where = issuer(server, RS)
    url = ok("authorize", issuer=where, scopes=["openid"], state=state, nonce=nonce, challenge=challenge)
    code = log_in(url).params()["code"]
    wrong = ruby("exchange", issuer=where, code=code, verifier=verifier, nonce=nonce, secret="wrong")
    assert wrong["error"] == "Rack::OAuth2::Client::Error"
    assert "Invalid client or Invalid client credentials" in wrong["message"]
    raw = signed_in(server, RS, "basic")["raw_id_token"]
    replayed = ruby("verify", issuer=where, token=raw, nonce="another-login")
    assert replayed["error"] == "OpenIDConnect::ResponseObject::IdToken::InvalidNonce"
    other_realm = ruby("verify", issuer=issuer(server, ES), token=raw, nonce=None)
    assert other_realm["error"] == "JSON::JWK::Set::KidNotFound"  # no key of the ES256 realm signed it
