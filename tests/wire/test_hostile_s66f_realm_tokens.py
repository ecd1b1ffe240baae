"""The JOSE attack catalogue against the tokens a realm signs itself (access and refresh/offline tokens), at every
place that reads them: forged headers and signatures never pass. The key a token's ``kid`` names among the realm's
keys decides the algorithm (TokenCodec.verify), so ``none`` in any case, HMAC keyed with the realm's public key (PEM
or JWK), a ``kid`` that is a path, SQL, 10 kB, an array or an object, and a key brought along (``jwk``, ``jku``,
``x5u``) are each Keycloak's refusal: userinfo, the account and admin APIs 401, introspection ``active: false``, the
refresh grant and logout 400 ``invalid_grant``, revocation 200 ``invalid_token``."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from support import password_grant, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio

STRANGER = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _parts(token: str) -> tuple[dict[str, Any], str]:
    head, body, _ = token.split(".")
    return json.loads(base64.urlsafe_b64decode(head + "=" * (-len(head) % 4))), body


def _hmac(header: dict[str, Any], body: str, secret: bytes, alg: str = "HS256") -> str:
    signing_input = f"{_b64(json.dumps(header).encode())}.{body}".encode()
    return f"{signing_input.decode()}.{_b64(jwt.get_algorithm_by_name(alg).sign(signing_input, secret))}"


def _rsa(header: dict[str, Any], body: str) -> str:
    signing_input = f"{_b64(json.dumps(header).encode())}.{body}".encode()
    return f"{signing_input.decode()}.{_b64(jwt.get_algorithm_by_name('RS256').sign(signing_input, STRANGER))}"


Forge = Callable[[str, dict[str, Any]], str]


def _variants(realm_jwk: dict[str, Any]) -> dict[str, Forge]:
    public = jwt.algorithms.RSAAlgorithm.from_jwk(realm_jwk)
    assert isinstance(public, rsa.RSAPublicKey)
    pem = public.public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo)
    jwk_text = json.dumps(realm_jwk).encode()
    stranger_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(STRANGER.public_key()))

    def none(alg: str) -> Forge:
        return lambda token, head: f"{_b64(json.dumps(head | {'alg': alg}).encode())}.{_parts(token)[1]}."

    def kid(value: Any) -> Forge:
        return lambda token, head: _rsa(head | {"alg": "RS256", "kid": value}, _parts(token)[1])

    return {
        "alg none": none("none"),
        "alg None": none("None"),
        "alg nOnE": none("nOnE"),
        "HS256 keyed with the realm's PEM": lambda t, h: _hmac(h | {"kid": realm_jwk["kid"]}, _parts(t)[1], pem),
        "HS512 keyed with the realm's PEM": lambda t, h: _hmac(
            h | {"kid": realm_jwk["kid"]}, _parts(t)[1], pem, "HS512"
        ),
        "HS256 keyed with the realm's JWK": lambda t, h: _hmac(h | {"kid": realm_jwk["kid"]}, _parts(t)[1], jwk_text),
        "kid a path": kid("../../../../etc/passwd"),
        "kid SQL": kid("x' OR '1'='1' --"),
        "kid 10 kB": kid("k" * 10_000),
        "kid an array": kid([realm_jwk["kid"]]),
        "kid an object": kid({"kid": realm_jwk["kid"]}),
        "jwk brought along": lambda t, h: _rsa(h | {"alg": "RS256", "jwk": stranger_jwk}, _parts(t)[1]),
        "jku elsewhere": lambda t, h: _rsa(h | {"alg": "RS256", "jku": "http://127.0.0.1:48796/jwks"}, _parts(t)[1]),
        "x5u elsewhere": lambda t, h: _rsa(h | {"alg": "RS256", "x5u": "http://127.0.0.1:48796/cert"}, _parts(t)[1]),
        "signature truncated": lambda t, h: t[:-6],
    }


async def _realm_jwk(env: Env) -> dict[str, Any]:
    keys = (await env.http.get(token_url("test", "certs"))).json()["keys"]
    return dict(next(k for k in keys if k.get("use") == "sig" and k["kty"] == "RSA"))


async def _tokens(env: Env) -> dict[str, str]:
    got = await password_grant(env.http, "test", "app", scope="openid")
    assert got.status_code == 200, got.text
    return {k: str(v) for k, v in got.json().items()}


VARIANTS = list(_variants(json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(STRANGER.public_key())) | {"kid": "k"}))


async def _bearer_places(env: Env, token: str) -> dict[str, int]:
    bearer = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    form = {"client_id": "app", "client_secret": "secret", "token": token}
    introspected = await env.http.post(token_url("test", "token/introspect"), data=form)
    assert introspected.status_code == 200, introspected.text
    return {
        "userinfo": (await env.http.get(token_url("test", "userinfo"), headers=bearer)).status_code,
        "account": (await env.http.get("/realms/test/account/", headers=bearer)).status_code,
        "admin": (await env.http.get("/admin/realms/test/users", headers=bearer)).status_code,
        "introspection": 200 if introspected.json().get("active") else 401,
    }


@pytest.mark.parametrize("variant", VARIANTS)
async def test_a_forged_access_token_is_refused_everywhere(realm: Env, variant: str) -> None:
    tokens, realm_jwk = await _tokens(realm), await _realm_jwk(realm)
    head, _ = _parts(tokens["access_token"])
    forged = _variants(realm_jwk)[variant](tokens["access_token"], head)
    assert set((await _bearer_places(realm, forged)).values()) == {401}
    assert (await _bearer_places(realm, tokens["access_token"]))["userinfo"] == 200  # the control


async def _refresh_places(env: Env, token: str) -> dict[str, tuple[int, str]]:
    client = {"client_id": "app", "client_secret": "secret"}
    grant = await env.http.post(
        token_url("test"), data=client | {"grant_type": "refresh_token", "refresh_token": token}
    )
    logout = await env.http.post(token_url("test", "logout"), data=client | {"refresh_token": token})
    revoke = await env.http.post(token_url("test", "revoke"), data=client | {"token": token})
    introspected = await env.http.post(token_url("test", "token/introspect"), data=client | {"token": token})
    return {
        "refresh": (grant.status_code, grant.json().get("error", "")),
        "logout": (logout.status_code, logout.json().get("error", "") if logout.content else ""),
        "revoke": (revoke.status_code, revoke.json().get("error", "") if revoke.content else ""),
        "introspection": (introspected.status_code, str(introspected.json().get("active"))),
    }


@pytest.mark.parametrize("variant", VARIANTS)
async def test_a_forged_refresh_token_is_refused_everywhere(realm: Env, variant: str) -> None:
    tokens, realm_jwk = await _tokens(realm), await _realm_jwk(realm)
    head, _ = _parts(tokens["refresh_token"])
    forged = _variants(realm_jwk)[variant](tokens["refresh_token"], head)
    assert await _refresh_places(realm, forged) == {
        "refresh": (400, "invalid_grant"),
        "logout": (400, "invalid_grant"),
        "revoke": (200, "invalid_token"),
        "introspection": (200, "False"),
    }
    assert (await _refresh_places(realm, tokens["refresh_token"]))["refresh"] == (200, "")  # the control
