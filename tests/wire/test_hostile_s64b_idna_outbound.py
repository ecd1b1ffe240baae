"""Outbound URLs whose host httpx cannot IDNA-encode (``xn--zz.example``, ``xn--``, ``xn--a.example``): httpx lets
idna's IDNAError (a UnicodeError) out of request building, which is no httpx.HTTPError. Keycloak's HTTP client
simply fails to connect to such a host; Doorkeep must answer as it does for any unreachable URL, never a 500.

Here: a client's registered ``jwks.url`` (ClientPublicKeyLoader finds no key: ``Unable to load public key``), the
admin's ``import-config`` and an SMTP token URL (those three held already: their callers catch ValueError), and an
identity provider's token URL (the broker's code exchange: a 500 before the fix).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from broker_support import browser, callback, served, to_provider
from doorkeep.clock import FakeClock
from doorkeep.email import smtp_tokens
from fake_idp import fake_idp
from support import assert_error, token_url, update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
BEARER = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
HOSTS = ["xn--zz.example", "xn--", "xn--a.example"]


def _assertion(env: Env) -> str:
    now = env.clock.now()
    claims: dict[str, Any] = {"iss": "app", "sub": "app", "iat": now, "exp": now + 30, "jti": str(uuid.uuid4())}
    claims["aud"] = "http://localhost/realms/test/protocol/openid-connect/token"
    return jwt.encode(claims, KEY, algorithm="RS256", headers={"kid": "k1"})


@pytest.mark.parametrize("host", HOSTS)
async def test_a_jwks_url_with_an_unencodable_host_is_no_key_not_a_server_error(realm: Env, host: str) -> None:
    """Failed before the fix: 500 (an unhandled IDNAError)."""
    attributes = {"use.jwks.string": "false", "use.jwks.url": "true", "jwks.url": f"http://{host}/jwks"}
    await update_client(realm.db, "test", "app", client_authenticator_type="client-jwt", attributes=attributes)
    form = {"grant_type": "password", "username": "user1", "password": "password"}
    form |= {"client_assertion_type": BEARER, "client_assertion": _assertion(realm)}
    answer = await realm.http.post(token_url("test"), data=form)
    assert_error(answer, 400, "invalid_client", "Unable to load public key")
    assert json.loads(answer.text)  # a JSON answer, not the 500 page


@pytest.mark.parametrize("host", HOSTS)
async def test_import_config_from_an_unencodable_host_is_cannot_parse(realm: Env, host: str) -> None:
    """IdentityProvidersResource.importFrom: every fetch failure is the same 400 "Cannot parse the JSON"."""
    headers = await realm.admin_headers()
    answer = await realm.http.post(
        "/admin/realms/test/identity-provider/import-config",
        json={"providerId": "oidc", "fromUrl": f"http://{host}/.well-known/openid-configuration"},
        headers=headers,
    )
    assert answer.status_code == 400, (answer.status_code, answer.text[:300])
    assert answer.json() == {"error": "unknown_error", "error_description": "Cannot parse the JSON"}


@pytest.mark.parametrize("host", HOSTS)
async def test_an_smtp_token_url_with_an_unencodable_host_is_no_token(host: str) -> None:
    tokens = smtp_tokens.SmtpTokens(FakeClock(1_700_000_000))
    settings = {"authTokenUrl": f"http://{host}/token", "authTokenClientId": "c", "authTokenClientSecret": "s"}
    with pytest.raises(smtp_tokens.TokenUnavailable) as failed:
        await tokens.token("realm", settings)
    assert str(failed.value).startswith("token request failed: ")


@pytest.mark.parametrize("token_url", ["http://127.0.0.1:1/token", *(f"https://{h}/token" for h in HOSTS)])
async def test_a_provider_token_url_with_an_unencodable_host_is_the_broker_error_page(env: Env, token_url: str) -> None:
    """The broker's code exchange with a provider whose token URL cannot be encoded answers as an unreachable one
    does (IdentityBrokerException: the "Unexpected error when authenticating with identity provider" page, 502);
    the IDNA cases failed before the fix (500)."""
    async with served(env) as broker, fake_idp() as idp:
        made = await env.http.post(
            "/admin/realms/test/identity-provider/instances",
            json=idp.rep(tokenUrl=token_url),
            headers=await env.admin_headers(),
        )
        assert made.status_code == 201, made.text
        async with browser(broker) as http:
            params = await to_provider(http, idp)
            answer = await callback(http, params["state"])
    assert answer.status_code == 502, (answer.status_code, answer.text[:300])
    assert "Unexpected error when authenticating with identity provider" in answer.text
