"""panva's openid-client (npm, tests/openid_client) against a real Doorkeep: the realm it signs in to, the runs
of its driver (tests/openid_client/driver.mjs), and the user agent that logs in between an authorization URL
and its callback (plain HTTP: the login form, the consent form, the form_post page)."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

import httpx
from joserfc.jwk import ECKey

from browser_flow import form_action, form_fields

DRIVER = Path(__file__).resolve().parents[1] / "openid_client" / "driver.mjs"
REALM = "oidc-node"
REDIRECT = "https://rp.example/cb"
LOGGED_OUT = "https://rp.example/logged-out"
USERNAME, PASSWORD = "alice", "alice-password"


def alice(realm: str) -> dict[str, Any]:
    """The interop realms' user, as a realm file lists her: an imported user gets no default roles unless named
    (RepresentationToModel.createUser), so hers are, offline_access among them."""
    return {
        "username": USERNAME,
        "enabled": True,
        "email": "alice@example.com",
        "emailVerified": True,
        "firstName": "Alice",
        "lastName": "Liddell",
        "credentials": [{"type": "password", "value": PASSWORD, "temporary": False}],
        "realmRoles": [f"default-roles-{realm}"],
    }


WEB, WEB_SECRET = "oc-web", "oc-web-secret"  # client_secret_basic and _post
HMAC, HMAC_SECRET = "oc-hmac", "oc-hmac-secret-that-is-long-enough-for-hs256"  # client_secret_jwt
SIGNED = "oc-signed"  # private_key_jwt, signed request objects, JARM, signed userinfo
PUBLIC = "oc-public"  # a public client, PKCE and DPoP required
SEALED, SEALED_SECRET = "oc-sealed", "oc-sealed-secret"  # ID token, userinfo and JARM response encrypted to it
SEALING = {"alg": "ECDH-ES", "enc": "A256GCM"}


@dataclass(frozen=True)
class ClientKey:
    """The EC P-256 keys of the clients: ``private`` the one ``oc-signed`` authenticates and signs request objects
    with, ``sealing`` the one ``oc-sealed`` decrypts its responses with (their public halves registered)."""

    private: dict[str, Any]
    sealing: dict[str, Any]

    @classmethod
    def generate(cls) -> ClientKey:
        key = ECKey.generate_key("P-256", parameters={"kid": "oc-signed-1", "alg": "ES256", "use": "sig"})
        sealing = ECKey.generate_key("P-256", parameters={"kid": "oc-sealed-1", "alg": SEALING["alg"], "use": "enc"})
        return cls(dict(key.as_dict(private=True)), dict(sealing.as_dict(private=True)))

    @staticmethod
    def public(key: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in key.items() if k != "d"}


def _client(client_id: str, **fields: Any) -> dict[str, Any]:
    attributes = {"post.logout.redirect.uris": LOGGED_OUT, **fields.pop("attributes", {})}
    # Keycloak answers an introspection only for a client the token is audienced to (interop/server.own_audience)
    audience = {
        "name": "own audience",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-audience-mapper",
        "config": {"included.custom.audience": client_id, "access.token.claim": "true"},
    }
    return {
        "clientId": client_id,
        "enabled": True,
        "standardFlowEnabled": True,
        "redirectUris": [REDIRECT],
        "attributes": attributes,
        "protocolMappers": [audience],
        **fields,
    }


def realm_rep(key: ClientKey) -> dict[str, Any]:
    """One realm for every scenario: refresh tokens rotate (a used one is stale), CIBA polls every second."""
    return {
        "realm": REALM,
        "enabled": True,
        "revokeRefreshToken": True,
        "refreshTokenMaxReuse": 0,
        "attributes": {"cibaInterval": "1"},
        "clients": [
            _client(
                WEB,
                secret=WEB_SECRET,
                serviceAccountsEnabled=True,
                attributes={
                    "oauth2.device.authorization.grant.enabled": "true",
                    "oauth2.device.polling.interval": "1",
                    "oidc.ciba.grant.enabled": "true",
                    "ciba.backchannel.token.delivery.mode": "poll",
                    "standard.token.exchange.enabled": "true",
                },
            ),
            _client(
                HMAC,
                secret=HMAC_SECRET,
                clientAuthenticatorType="client-secret-jwt",
                serviceAccountsEnabled=True,
                attributes={"token.endpoint.auth.signing.alg": "HS256"},
            ),
            _client(
                SIGNED,
                clientAuthenticatorType="client-jwt",
                serviceAccountsEnabled=True,
                implicitFlowEnabled=True,  # the hybrid ``code id_token`` response type
                attributes={
                    "use.jwks.string": "true",
                    "jwks.string": json.dumps({"keys": [key.public(key.private)]}),
                    "token.endpoint.auth.signing.alg": "ES256",
                    "request.object.signature.alg": "ES256",
                    "user.info.response.signature.alg": "RS256",
                },
            ),
            _client(
                SEALED,
                secret=SEALED_SECRET,
                attributes={
                    "use.jwks.string": "true",
                    "jwks.string": json.dumps({"keys": [key.public(key.sealing)]}),
                    "id.token.encrypted.response.alg": SEALING["alg"],
                    "id.token.encrypted.response.enc": SEALING["enc"],
                    "user.info.response.signature.alg": "RS256",
                    "user.info.encrypted.response.alg": SEALING["alg"],
                    "user.info.encrypted.response.enc": SEALING["enc"],
                    "authorization.signed.response.alg": "RS256",
                    "authorization.encrypted.response.alg": SEALING["alg"],
                    "authorization.encrypted.response.enc": SEALING["enc"],
                },
            ),
            _client(
                PUBLIC,
                publicClient=True,
                attributes={"pkce.code.challenge.method": "S256", "dpop.bound.access.tokens": "true"},
            ),
        ],
        "users": [alice(REALM)],
    }


def run(plan: dict[str, Any]) -> list[dict[str, Any]]:
    """One run of the driver on ``plan`` (its JSON on stdin): each step's result, in order."""
    node = shutil.which("node")
    assert node is not None, "node is needed: `make node` installs the npm packages, Debian's nodejs the runtime"
    assert (DRIVER.parent / "node_modules" / "openid-client").is_dir(), "run `make node`"
    done = subprocess.run(
        [node, str(DRIVER)], input=json.dumps(plan), capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    results: list[dict[str, Any]] = json.loads(done.stdout)["results"]
    return results


def start(plan: dict[str, Any]) -> subprocess.Popen[str]:
    """The driver on ``plan`` in the background (a poll that waits for the user): ``finish`` reads it."""
    node = shutil.which("node")
    assert node is not None
    process = subprocess.Popen(
        [node, str(DRIVER)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert process.stdin is not None
    process.stdin.write(json.dumps(plan))
    process.stdin.close()
    return process


def finish(process: subprocess.Popen[str]) -> list[dict[str, Any]]:
    with process:  # its pipes closed, it waited for
        assert process.stdout is not None and process.stderr is not None
        out, err = process.stdout.read(), process.stderr.read()
        code = process.wait(60)
    assert code == 0, err
    results: list[dict[str, Any]] = json.loads(out)["results"]
    return results


def ok(result: dict[str, Any]) -> dict[str, Any]:
    """A step's value; a step that threw fails the test with what the library said."""
    assert "error" not in result, result["error"]
    return result


@dataclass(frozen=True)
class Landing:
    """Where the user agent was sent back to the client: a redirect URL, or a form_post's fields."""

    url: str
    form: dict[str, str] | None = None

    def params(self) -> dict[str, str]:
        parts = urlsplit(self.url)
        return self.form or dict(parse_qsl(parts.fragment or parts.query))


def log_in(url: str, *, back_to: str = REDIRECT, http: httpx.Client | None = None) -> Landing:
    """Follow ``url`` as a browser would, signing in as alice and accepting any consent, until the server sends
    the user agent to ``back_to`` (a redirect, or a page that auto-posts a form there)."""
    own = http is None
    agent = http or httpx.Client(timeout=10)
    try:
        page = agent.get(url)
        for _ in range(10):
            if page.is_redirect:
                location = urljoin(str(page.url), page.headers["location"])
                if location.startswith(back_to):
                    return Landing(location)
                page = agent.get(location)
            elif f'action="{back_to}' in page.text:  # form_post: the page posts the response itself
                return Landing(back_to, {k: html.unescape(v) for k, v in form_fields(page.text).items()})
            elif 'name="password"' in page.text:
                page = agent.post(
                    form_action(page.text), data={**form_fields(page.text), "username": USERNAME, "password": PASSWORD}
                )
            elif 'name="accept"' in page.text:
                page = agent.post(form_action(page.text), data={**form_fields(page.text), "accept": "yes"})
            else:
                break
        raise AssertionError(f"the login did not reach {back_to}: {page.status_code} {strip(page.text)[:800]}")
    finally:
        if own:
            agent.close()


def strip(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", text))
