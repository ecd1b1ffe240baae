"""An attacker's sweep of session 58's identity provider Validating public key, over the wire: a logout token
posted by anyone to the back-channel logout endpoint of a provider whose stored validating key names an unknown key
type was a 500 (``UnsupportedAlgorithm`` escaped the key's reading); it is now the refusal any token that the key
does not check gets (400 ``LogoutToken verification with identity provider failed``, TokenManager.verifyLogoutToken).
The key-type cases themselves are unit tests (tests/unit/test_security_sweep_s59_key_types.py)."""

from __future__ import annotations

import base64

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from broker_support import Broker, browser, served
from wire_env import Env

pytestmark = pytest.mark.anyio
BACKCHANNEL = "/realms/test/protocol/openid-connect/logout/backchannel-logout"
EVENT = "http://schemas.openid.net/event/backchannel-logout"
UNKNOWN_TYPE = base64.b64encode(bytes.fromhex("301a300b06032a030406042a030405030b0000000000000000000000")).decode()


async def _provider(broker: Broker, pem: str) -> None:
    rep = broker.provider_rep(validateSignature="true", useJwksUrl="false", publicKeySignatureVerifier=pem)
    headers = await broker.env.admin_headers()
    made = await broker.env.http.post("/admin/realms/test/identity-provider/instances", json=rep, headers=headers)
    assert made.status_code == 201, made.text


@pytest.mark.parametrize("alg", ["RS256", "HS256"])
async def test_a_logout_token_against_a_key_of_an_unknown_type_is_refused_not_a_crash(env: Env, alg: str) -> None:
    async with served(env) as broker:
        await _provider(broker, f"-----BEGIN PUBLIC KEY-----\n{UNKNOWN_TYPE}\n-----END PUBLIC KEY-----")
        now = env.clock.now()
        claims = {
            "iss": f"{broker.base}/realms/provider",
            "aud": "broker-app",
            "iat": now,
            "exp": now + 120,
            "jti": f"j-{alg}",
            "sub": "someone",
            "events": {EVENT: {}},
        }
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048) if alg == "RS256" else UNKNOWN_TYPE * 2
        token = jwt.encode(claims, key, algorithm=alg)
        async with browser(broker) as http:
            refused = await http.post(BACKCHANNEL, data={"logout_token": token})
        assert refused.status_code == 400, refused.text
        assert refused.json()["error_description"] == "LogoutToken verification with identity provider failed"
