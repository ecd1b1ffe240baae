"""Identity brokering against a hostile provider: the ID token the consumer gets from the provider's token endpoint
is checked as OIDCIdentityProvider.validateToken checks it (the signature by the provider's JWK set, never ``none``
nor an HMAC keyed with the client secret, the lifetime, the issuer, the audience, ``azp`` and the login's nonce).
Every refusal is the "Unexpected error when authenticating with identity provider" page, and nobody logs in."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from broker_support import ALIAS, Broker, browser, served, to_provider
from browser_flow import REDIRECT
from fake_idp import ATTACKER_KEY, CLIENT_SECRET, FakeIdp, fake_idp, hs256, public_pem, unsigned
from wire_env import Env

pytestmark = pytest.mark.anyio

UNEXPECTED = "Unexpected error when authenticating with identity provider"


@pytest.fixture
async def pair(env: Env) -> AsyncIterator[tuple[Broker, FakeIdp]]:
    async with served(env) as broker, fake_idp() as idp:
        headers = await env.admin_headers()
        made = await env.http.post("/admin/realms/test/identity-provider/instances", json=idp.rep(), headers=headers)
        assert made.status_code == 201, made.text
        yield broker, idp


async def callback(http: httpx.AsyncClient, state: str, **extra: str) -> httpx.Response:
    params = {"code": "idp-code-1", "state": state, **extra}
    return await http.get(f"/realms/test/broker/{ALIAS}/endpoint", params=params)


async def _users(env: Env) -> list[str]:
    found = await env.http.get(
        "/admin/realms/test/users", params={"briefRepresentation": "true"}, headers=await env.admin_headers()
    )
    return [u["username"] for u in found.json()]


async def test_a_good_id_token_logs_in(pair: tuple[Broker, FakeIdp]) -> None:
    """The control: the fake provider's own signed token is accepted, so each refusal below is the check's."""
    broker, idp = pair
    now = broker.env.clock.now()
    idp.id_token = lambda nonce: idp.signed(idp.claims(now))
    async with browser(broker) as http:
        params = await to_provider(http, idp)
        done = await callback(http, params["state"])
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
    assert "mallory" in await _users(broker.env)
    sent = idp.token_requests[0]
    assert sent["client_secret"] == CLIENT_SECRET and sent["code"] == "idp-code-1"


def _bad_tokens(idp: FakeIdp, now: int) -> dict[str, str]:
    good = idp.claims(now)
    return {
        "alg none": unsigned(good),
        "HS256 keyed with the client secret": hs256(good, CLIENT_SECRET.encode()),
        "HS256 keyed with the provider's public key": hs256(good, public_pem()),
        "another key under the provider's kid": idp.signed(good, ATTACKER_KEY),
        "another key under an unknown kid": idp.signed(good, ATTACKER_KEY, kid="attacker"),
        "another key without kid": idp.signed(good, ATTACKER_KEY, kid=None),
        "expired": idp.signed(idp.claims(now, exp=now - 60, iat=now - 360)),
        "no exp": idp.signed(idp.claims(now, exp=None)),
        "not yet valid (nbf)": idp.signed(idp.claims(now, nbf=now + 600)),
        "issuer of another provider (mix-up)": idp.signed(idp.claims(now, iss="https://other-idp.example")),
        "audience of another client": idp.signed(idp.claims(now, aud="other-client")),
        "azp of another client": idp.signed(idp.claims(now, aud=["broker-app", "x"], azp="x")),
        "nonce of another login": idp.signed(idp.claims(now, nonce="replayed-nonce")),
        "no nonce": idp.signed(idp.claims(now, nonce=None)),
        "no sub": idp.signed(idp.claims(now, sub=None)),
        "junk": "not.a.jwt",
    }


BAD = list(_bad_tokens(FakeIdp("http://x"), 0))


@pytest.mark.parametrize("case", BAD)
async def test_a_bad_id_token_is_refused(pair: tuple[Broker, FakeIdp], case: str) -> None:
    """OIDCIdentityProvider.validateToken / verify: "token signature validation failed", "Token is no longer
    valid", "Wrong issuer from token", "Wrong audience from token.", "Token issued for does not match client id",
    and the nonce check of AbstractOAuth2IdentityProvider's endpoint."""
    broker, idp = pair
    now = broker.env.clock.now()
    idp.id_token = lambda nonce: _bad_tokens(idp, now)[case]
    async with browser(broker) as http:
        params = await to_provider(http, idp)
        done = await callback(http, params["state"])
        assert done.status_code == 502, done.text
        assert UNEXPECTED in done.text and "location" not in done.headers
        # The state is not burnt by a refused token: the same answer again is refused the same way, never a login.
        again = await callback(http, params["state"])
        assert again.status_code in (400, 502) and "location" not in again.headers
    assert "mallory" not in await _users(broker.env)
    got = await broker.env.http.get("/admin/realms/test/events", headers=await broker.env.admin_headers())
    errors = [e for e in got.json() if e["type"] == "IDENTITY_PROVIDER_LOGIN_ERROR"]
    assert errors and errors[0]["error"] == "identity_provider_login_failure"


async def test_a_future_iat_is_accepted_as_keycloak_does(pair: tuple[Broker, FakeIdp]) -> None:
    """JsonWebToken.isActive reads ``exp`` and ``nbf`` only: an ``iat`` in the future does not refuse the token."""
    broker, idp = pair
    now = broker.env.clock.now()
    idp.id_token = lambda nonce: idp.signed(idp.claims(now, iat=now + 3600))
    async with browser(broker) as http:
        params = await to_provider(http, idp)
        done = await callback(http, params["state"])
        assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text


async def test_an_id_token_replayed_into_a_later_login_is_refused(pair: tuple[Broker, FakeIdp]) -> None:
    """Nonce replay: the provider's token of the first login (its nonce) cannot finish a second login."""
    broker, idp = pair
    now = broker.env.clock.now()
    captured: list[str] = []

    def first(nonce: str) -> str:
        captured.append(idp.signed(idp.claims(now)))
        return captured[0]

    idp.id_token = first
    async with browser(broker) as http:
        params = await to_provider(http, idp)
        assert (await callback(http, params["state"])).status_code == 302
    idp.id_token = lambda nonce: captured[0]
    async with browser(broker) as http:
        params = await to_provider(http, idp)
        assert params["nonce"] not in captured[0]
        done = await callback(http, params["state"])
        assert done.status_code == 502 and UNEXPECTED in done.text


async def test_a_provider_answer_that_is_too_big_is_refused(pair: tuple[Broker, FakeIdp]) -> None:
    """A token response over the consumer's limit is refused, not read into memory whole."""
    broker, idp = pair
    now = broker.env.clock.now()
    idp.id_token = lambda nonce: idp.signed(idp.claims(now))
    idp.extra = {"padding": "x" * (2 * 1024 * 1024)}
    async with browser(broker) as http:
        params = await to_provider(http, idp)
        done = await callback(http, params["state"])
        assert done.status_code == 502 and UNEXPECTED in done.text
