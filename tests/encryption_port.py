"""What the wire ports of Keycloak's token encryption tests (IdTokenEncryptionTest, AuthorizationTokenEncryptionTest,
JwtTokenEncryptionTest, UserInfoTest's encryption methods) share: the client's encryption key pair as Keycloak's
JwksProvider / TestingOIDCEndpointsApplicationResource.generateKeys makes it (an RSA key for RSA-OAEP, RSA-OAEP-256
and RSA1_5, an EC P-256 key for ECDH-ES*; ``use: enc``, ``alg`` and ``kid`` in its JWK), the JWK set served on a
port of ``DOORKEEP_TEST_PORTS`` (client_auth_support.jwks_server), the client pointed at it, and
TokenUtil.jweKeyEncryptionVerifyAndDecode: the JWE decrypted with the private key by jwcrypto, its header read.
"""

from __future__ import annotations

import base64
import json
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from jwcrypto import jwe, jwk

from access_token_realm import APP, set_client_attributes
from browser_flow import exchange
from client_auth_support import JwksServer, PrivateKey
from wire_env import Env

RSA_ALGS = ("RSA-OAEP", "RSA-OAEP-256", "RSA1_5")
ECDH_ALGS = ("ECDH-ES", "ECDH-ES+A128KW", "ECDH-ES+A192KW", "ECDH-ES+A256KW")
ENCS = ("A128CBC-HS256", "A192CBC-HS384", "A256CBC-HS512", "A128GCM", "A192GCM", "A256GCM")
CERTS = "/realms/test/protocol/openid-connect/certs"


def generate_keys(server: JwksServer, alg: str, *, use: str = "enc", kid: str = "client-enc-key") -> PrivateKey:
    """``jwksProvider.generateKeys(alg)``: a new key pair, its public JWK the only key the set serves."""
    key: PrivateKey
    if alg in ECDH_ALGS:
        key = ec.generate_private_key(ec.SECP256R1())
    else:
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = json.loads(jwk.JWK.from_pyca(key.public_key()).export_public())
    public.update(use=use, alg=alg, kid=kid)
    server.keys = [public]
    return key


async def use_jwks_url(env: Env, server: JwksServer, **attributes: str | None) -> None:
    """The client's JWK set at the server (``setUseJwksUrl(true)``, ``setJwksUrl``) and ``attributes``."""
    await set_client_attributes(env, APP, use_jwks_url="true", jwks_url=server.url, **attributes)


def header(token: str) -> dict[str, Any]:
    """The protected header of a compact JWS or JWE."""
    part = token.split(".")[0]
    decoded: dict[str, Any] = json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))
    return decoded


def decrypt(token: str, key: PrivateKey) -> str:
    """jweKeyEncryptionVerifyAndDecode: the content of the five-part JWE, decrypted with the client's key."""
    assert len(token.split(".")) == 5, token
    found = jwe.JWE()
    found.allowed_algs = [*RSA_ALGS, *ECDH_ALGS, *ENCS]
    found.deserialize(token, key=jwk.JWK.from_pyca(key))
    return bytes(found.payload).decode()


async def verified(env: Env, token: str, audience: str | None = None) -> dict[str, Any]:
    """``oauth.verifyToken`` / ``verifyIDToken``: the JWS checked with the realm's published key of its ``kid``."""
    keys = (await env.http.get(CERTS)).json()["keys"]
    head = header(token)
    [match] = [k for k in keys if k["kid"] == head["kid"]]
    key = jwt.PyJWK(match).key
    options: jwt.types.Options = {
        "verify_aud": audience is not None,
        "verify_exp": False,  # the server's clock is the tests' fake one
        "verify_iat": False,
        "verify_nbf": False,
    }
    claims: dict[str, Any] = jwt.decode(token, key, algorithms=[head["alg"]], audience=audience, options=options)
    return claims


async def token_request(env: Env, code: str, secret: str = "password") -> httpx.Response:
    """``oauth.doAccessTokenRequest(code)`` for test-app."""
    return await exchange(env.http, "test", APP, code, secret)
