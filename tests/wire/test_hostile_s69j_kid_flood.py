"""Forged tokens against session 69's key ring (an unknown ``kid`` re-reads a realm's keys only when its config
version moved), beyond the s69b file's new-kid case: every JWS algorithm the realm has no key for yet, JWE headers,
a kid that is not a string or is huge, a header carrying its own key (``jwk``, ``jku``, ``x5c``), and the realm's
own RSA kid under an HMAC algorithm (the public key as an HMAC secret). Each is refused with the endpoint's usual
answer, reads no key rows after the first, and writes nothing: verification never makes a key
(DefaultKeyManager.createFallbackKeys runs for an active signing key, never to check a signature), so no stranger
can make the realm write keys or move its config version (which would also send every process back to the
database)."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from collections.abc import Awaitable, Callable, Iterator, Mapping

import httpx
import pytest

from sent_statements import recording
from support import header, password_grant
from wire_env import Env

pytestmark = pytest.mark.anyio
OIDC = "/realms/test/protocol/openid-connect"
ALGS = ["RS384", "RS512", "PS256", "PS512", "ES256", "ES384", "ES512", "EdDSA", "HS256", "HS384", "none", "RSA-OAEP"]
BODY = {"iss": "http://localhost/realms/test", "sub": "x", "typ": "Bearer", "exp": 4102444800, "azp": "app"}


def _part(value: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


def _forged(head: Mapping[str, object], body: Mapping[str, object] | None = None) -> str:
    return f"{_part(head)}.{_part(body or BODY)}.c2ln"


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept": "application/json"}


async def _calls(http: httpx.AsyncClient, token: str) -> list[int]:
    """userinfo, introspection, the refresh grant, the admin API, the account API: their statuses."""
    return [
        (await http.get(f"{OIDC}/userinfo", headers=_bearer(token))).status_code,
        (await http.post(f"{OIDC}/token/introspect", data={"token": token}, auth=("app", "secret"))).status_code,
        (
            await http.post(
                f"{OIDC}/token", data={"grant_type": "refresh_token", "refresh_token": token}, auth=("app", "secret")
            )
        ).status_code,
        (await http.get("/admin/realms/test/users", headers=_bearer(token))).status_code,
        (await http.get("/realms/test/account/", headers=_bearer(token))).status_code,
    ]


REFUSED = [401, 200, 400, 401, 401]


@pytest.fixture
def statements(realm: Env, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    with recording(realm.db, monkeypatch) as sent:
        yield sent


def _touching_keys(sent: list[str]) -> list[str]:
    return [s for s in sent if "realm_keys" in s]


def _writes(sent: list[str]) -> list[str]:
    return [s for s in sent if s.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]


async def _key_count(realm: Env) -> int:
    got = await realm.http.get("/admin/realms/test/keys", headers=await realm.admin_headers())
    return len(got.json()["keys"])


@pytest.mark.parametrize("alg", ALGS)
async def test_an_algorithm_without_a_key_makes_none_and_reads_none(
    realm: Env, statements: list[str], alg: str
) -> None:
    before = await _key_count(realm)
    assert await _calls(realm.http, _forged({"alg": alg, "kid": "warm-up", "typ": "JWT"})) == REFUSED
    statements.clear()
    for i in range(4):
        head = {"alg": alg, "kid": f"flood-{alg}-{i}", "typ": "JWT"}
        assert await _calls(realm.http, _forged(head)) == REFUSED, alg
    assert _touching_keys(statements) == [], alg
    assert _writes(statements) == [], alg
    assert await _key_count(realm) == before


@pytest.mark.parametrize(
    "kid",
    [None, 7, ["a"], {"kid": "a"}, "", "k" * 20_000, "\x00", "../../etc/passwd", "' OR 1=1 --"],
)
async def test_odd_kids_are_refused_without_reading_keys(realm: Env, statements: list[str], kid: object) -> None:
    assert await _calls(realm.http, _forged({"alg": "RS256", "kid": "warm-up"})) == REFUSED
    statements.clear()
    assert await _calls(realm.http, _forged({"alg": "RS256", "kid": kid})) == REFUSED, repr(kid)[:40]
    assert _touching_keys(statements) == []
    assert _writes(statements) == []


@pytest.mark.parametrize(
    "extra",
    [
        {"jwk": {"kty": "oct", "k": "c2VjcmV0"}},
        {"jku": "http://127.0.0.1:9/jwks"},
        {"x5u": "http://127.0.0.1:9/cert"},
        {"x5c": ["MIIB"]},
        {"enc": "A128GCM"},
        {"crit": ["exp"], "exp": 1},
    ],
)
async def test_a_header_carrying_its_own_key_is_not_trusted(realm: Env, extra: dict[str, object]) -> None:
    head: dict[str, object] = {"alg": "HS256", "kid": "attacker", **extra}
    signing = _part(head) + "." + _part(BODY)
    mac = hmac.new(b"secret", signing.encode(), hashlib.sha256).digest()
    token = signing + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
    assert await _calls(realm.http, token) == REFUSED


async def test_the_realms_rsa_kid_under_an_hmac_algorithm_is_refused(realm: Env) -> None:
    """The classic confusion: the realm's RS256 kid, ``alg`` HS256, signed with the RSA public key's bytes."""
    tokens = (await password_grant(realm.http, "test", "app", scope="openid")).json()
    real = tokens["access_token"]
    kid = header(real)["kid"]
    keys = (await realm.http.get(f"{OIDC}/certs")).json()["keys"]
    [rsa] = [k for k in keys if k["kid"] == kid]
    body = json.loads(base64.urlsafe_b64decode(real.split(".")[1] + "=="))
    secrets = [json.dumps(rsa).encode(), rsa["n"].encode(), base64.urlsafe_b64decode(rsa["n"] + "==")]
    if "x5c" in rsa:
        der = base64.b64decode(rsa["x5c"][0])
        pem = b"-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(der) + b"-----END CERTIFICATE-----\n"
        secrets += [der, pem]
    for alg, digest in (("HS256", hashlib.sha256), ("HS512", hashlib.sha512)):
        for secret in secrets:
            signing = _part({"alg": alg, "kid": kid, "typ": "JWT"}) + "." + _part(body)
            mac = hmac.new(secret, signing.encode(), digest).digest()
            token = signing + "." + base64.urlsafe_b64encode(mac).rstrip(b"=").decode()
            assert (await realm.http.get(f"{OIDC}/userinfo", headers=_bearer(token))).status_code == 401
            introspected = await realm.http.post(
                f"{OIDC}/token/introspect", data={"token": token}, auth=("app", "secret")
            )
            assert introspected.json() == {"active": False}
    assert (await realm.http.get(f"{OIDC}/userinfo", headers=_bearer(real))).status_code == 200


MORE_DOORS: dict[str, Callable[[httpx.AsyncClient, str], Awaitable[httpx.Response]]] = {
    "registration bearer": lambda h, t: h.get("/realms/test/clients-registrations/default/app", headers=_bearer(t)),
    "registration create": lambda h, t: h.post(
        "/realms/test/clients-registrations/default", json={"clientId": "x"}, headers=_bearer(t)
    ),
    "token exchange": lambda h, t: h.post(
        f"{OIDC}/token",
        data={
            "grant_type": "urn:ietf:params:oauth:grant-type:token-exchange",
            "subject_token": t,
            "subject_token_type": "urn:ietf:params:oauth:token-type:access_token",
        },
        auth=("app", "secret"),
    ),
    "auth id_token_hint": lambda h, t: h.get(
        f"{OIDC}/auth",
        params={
            "client_id": "app",
            "redirect_uri": "http://127.0.0.1:9999/cb",
            "response_type": "code",
            "scope": "openid",
            "prompt": "none",
            "id_token_hint": t,
        },
    ),
    "SSO cookie": lambda h, t: h.get(
        f"{OIDC}/auth",
        params={"client_id": "app", "redirect_uri": "http://127.0.0.1:9999/cb", "response_type": "code"},
        headers={"Cookie": f"KEYCLOAK_IDENTITY={t}; KEYCLOAK_SESSION=x"},
    ),
    "logout cookie": lambda h, t: h.get(f"{OIDC}/logout", headers={"Cookie": f"KEYCLOAK_IDENTITY={t}"}),
    "account page cookie": lambda h, t: h.get("/realms/test/account", headers={"Cookie": f"KEYCLOAK_IDENTITY={t}"}),
    "backchannel logout": lambda h, t: h.post(f"{OIDC}/logout/backchannel-logout", data={"logout_token": t}),
    "console whoami": lambda h, t: h.get("/admin/test/console/whoami", headers=_bearer(t)),
    "broker token": lambda h, t: h.get("/realms/test/broker/kc/token", headers=_bearer(t)),
    "ciba hint": lambda h, t: h.post(
        f"{OIDC}/ext/ciba/auth", data={"scope": "openid", "id_token_hint": t}, auth=("app", "secret")
    ),
    "ciba callback": lambda h, t: h.post(
        f"{OIDC}/ext/ciba/auth/callback", json={"status": "SUCCEED"}, headers=_bearer(t)
    ),
}


@pytest.mark.parametrize("alg", ["RS256", "HS512", "ES384"])
@pytest.mark.parametrize("door", list(MORE_DOORS))
async def test_more_doors_read_no_keys_for_new_kids(realm: Env, statements: list[str], door: str, alg: str) -> None:
    call = MORE_DOORS[door]
    first = await call(realm.http, _forged({"alg": alg, "kid": "warm-up", "typ": "JWT"}))
    assert first.status_code < 500, (door, first.text[:300])
    realm.http.cookies.clear()
    statements.clear()
    for i in range(4):
        answer = await call(realm.http, _forged({"alg": alg, "kid": f"more-{i}", "typ": "JWT"}))
        assert answer.status_code == first.status_code, (door, answer.text[:300])
        realm.http.cookies.clear()
    assert _touching_keys(statements) == [], door
    assert [s for s in _writes(statements) if "realm_keys" in s or "UPDATE realms" in s] == [], door


@pytest.mark.parametrize("alg", ["RS256", "HS512"])
async def test_an_invitation_registration_link_reads_no_keys_for_new_kids(
    realm: Env, statements: list[str], alg: str
) -> None:
    """``registrations?token=`` with organizations on: the invitation's key is checked (an error page for a forged
    one) without reading the realm's keys again for each new kid."""
    enabled = await realm.http.put(
        "/admin/realms/test", json={"organizationsEnabled": True}, headers=await realm.admin_headers()
    )
    assert enabled.status_code == 204

    async def call(token: str) -> httpx.Response:
        params = {"client_id": "app", "response_type": "code", "token": token}
        return await realm.http.get(f"{OIDC}/registrations", params=params)

    first = await call(_forged({"alg": alg, "kid": "warm-up", "typ": "JWT"}))
    assert first.status_code < 500, first.text[:300]
    statements.clear()
    for i in range(4):
        assert (await call(_forged({"alg": alg, "kid": f"invite-{i}"}))).status_code == first.status_code
    assert _touching_keys(statements) == []
