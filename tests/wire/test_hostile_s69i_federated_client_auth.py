"""Attacks on federated client authentication (``federated-jwt``, oauth/client_federated.py): assertions that must
not authenticate a client: another client's subject, the wrong audience, expired or replayed ones, a disabled
provider or client, a provider not taking client assertions or not validating signatures, an unknown issuer,
another provider's assertion for the same subject, and the algorithm confusions (``none``, HS256 keyed with the
provider's client secret or with its public key). Each is refused as Keycloak refuses it, never a 500.

Deliberate difference: Keycloak's OIDCIdentityProvider.verify checks an HS256 token with the provider's client
secret; Doorkeep never verifies a provider's token with a symmetric key, so such an assertion is refused."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import anyio
import jwt
import pytest

from fake_idp import (
    ATTACKER_KEY,
    CLIENT_SECRET,
    KEY,
    KID,
    WRONG_SHAPE_HEADERS,
    FakeIdp,
    fake_idp,
    hs256,
    public_pem,
    unsigned,
)
from federated_client_support import (
    EXTERNAL,
    FAILED,
    IDP_ALIAS,
    INTERNAL,
    TOKEN,
    assert_failure,
    assert_no_client,
    assert_refused,
    assert_success,
    create_provider,
    default_token,
    disable_provider,
    federated_realm,
    grant,
    signed,
    update_provider,
)
from keycloak_port import forget, get, poll, put
from wire_env import Env

pytestmark = pytest.mark.anyio
OTHER, OTHER_EXTERNAL = "other-client", "other-external"


@pytest.fixture
async def fed(realm: Env) -> AsyncIterator[tuple[Env, FakeIdp]]:
    """The port's realm, and a second client bound to the same provider with another subject."""
    async with fake_idp() as provider:
        rep = provider.rep(IDP_ALIAS, supportsClientAssertions="true")
        await federated_realm(realm, rep, ((INTERNAL, EXTERNAL), (OTHER, OTHER_EXTERNAL)))
        yield realm, provider
        forget(realm)


async def _update_client(env: Env, client_id: str, **changes: Any) -> None:
    [client] = await get(env, "/clients", clientId=client_id)
    await put(env, f"/clients/{client['id']}", {**client, **changes})


async def test_another_client_s_subject_does_not_authenticate_as_this_client(fed: tuple[Env, FakeIdp]) -> None:
    """An assertion for the other client's subject, sent with this client's id: refused, not this client."""
    env, provider = fed
    token = default_token(env, provider, sub=OTHER_EXTERNAL)
    response = await grant(env, signed(token), client_id=INTERNAL)
    assert response.status_code == 400
    assert response.json()["error_description"] == "client_id parameter does not match sub claim"
    await poll(env)
    response = await grant(env, signed(default_token(env, provider, sub=OTHER_EXTERNAL)))
    assert response.status_code == 200
    assert jwt.decode(response.json()["access_token"], options={"verify_signature": False})["azp"] == OTHER


async def test_the_internal_client_id_as_subject_finds_no_client(fed: tuple[Env, FakeIdp]) -> None:
    """The binding is by ``jwt.credential.sub``: the provider naming the internal client id finds nothing."""
    env, provider = fed
    token = default_token(env, provider, sub=INTERNAL)
    await assert_no_client(env, token)


@pytest.mark.parametrize(
    "audience",
    [
        "http://localhost/realms/test/protocol/openid-connect/token",
        "http://localhost/realms/master",
        "external-myclient",
        "http://localhost/realms/test/",
    ],
)
async def test_only_the_realm_issuer_is_the_audience(fed: tuple[Env, FakeIdp], audience: str) -> None:
    """FederatedJWTClientValidator.getExpectedAudiences: the realm's issuer alone (not the token endpoint, which a
    client-jwt assertion may name)."""
    env, provider = fed
    token = default_token(env, provider, aud=audience)
    await assert_refused(env, token, "Invalid token audience")


async def test_expired_a_second_after_exp_and_no_skew_by_default(fed: tuple[Env, FakeIdp]) -> None:
    """The provider's allowedClockSkew is 0 unless set: ``nbf`` one second ahead is not yet active."""
    env, provider = fed
    now = env.clock.now()
    token = default_token(env, provider, exp=now - 1)
    await assert_refused(env, token, "Token is not active")
    token = default_token(env, provider, nbf=now + 1)
    await assert_refused(env, token, "Token is not active")
    await update_provider(env, allowedClockSkew="5")
    token = default_token(env, provider, nbf=now + 1)
    await assert_success(env, await grant(env, signed(token)), token)


async def test_issued_in_the_future_is_refused(fed: tuple[Env, FakeIdp]) -> None:
    env, provider = fed
    token = default_token(env, provider, iat=env.clock.now() + 30)
    await assert_refused(env, token, "Token was issued in the future")


async def test_replay_is_refused_and_the_jti_is_spent_once_only(fed: tuple[Env, FakeIdp]) -> None:
    """The same assertion a second time, also at another endpoint (introspection), is refused."""
    env, provider = fed
    token = default_token(env, provider)
    assertion = signed(token)
    await assert_success(env, await grant(env, assertion), token)
    response = await env.http.post(
        "/realms/test/protocol/openid-connect/token/introspect",
        data={
            "token": "x",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
        },
    )
    assert response.status_code == 401, response.text  # the introspection endpoint's own refusal
    assert response.json() == {"error": "invalid_request", "error_description": "Authentication failed."}


async def test_a_disabled_provider_authenticates_nobody(fed: tuple[Env, FakeIdp]) -> None:
    """lookupIdentityProviderFromIssuer takes enabled providers only."""
    env, provider = fed
    await disable_provider(env)
    token = default_token(env, provider)
    await assert_no_client(env, token)


async def test_a_disabled_client_is_not_found(fed: tuple[Env, FakeIdp]) -> None:
    """lookupClientFromClientAttributes takes enabled clients only."""
    env, provider = fed
    await _update_client(env, INTERNAL, enabled=False)
    token = default_token(env, provider)
    await assert_no_client(env, token)


async def test_a_provider_not_taking_client_assertions_is_not_used(fed: tuple[Env, FakeIdp]) -> None:
    env, provider = fed
    await update_provider(env, supportsClientAssertions="false")
    token = default_token(env, provider)
    await assert_no_client(env, token)


async def test_a_provider_not_validating_signatures_authenticates_nobody(fed: tuple[Env, FakeIdp]) -> None:
    """OIDCIdentityProvider.verifyClientAssertion: "Signature validation not enabled for issuer", caught: the
    authenticator's failure before validateClient set the flow's client, so the flow ends with no client
    (client_not_found), or, where ``client_id`` named the client, with that failure. Even a forged assertion is
    refused, and so is a genuine one."""
    env, provider = fed
    await update_provider(env, validateSignature="false")
    for key in (ATTACKER_KEY, KEY):
        token = default_token(env, provider)
        response = await grant(env, signed(token, key))
        assert response.status_code == 401
        await assert_failure(env, response, token, FAILED, client_id=None, error="client_not_found")
    token = default_token(env, provider)
    response = await grant(env, signed(token), client_id=INTERNAL)
    assert response.status_code == 401
    await assert_failure(env, response, token, FAILED)


async def test_a_client_id_naming_no_client_ends_as_client_not_found(fed: tuple[Env, FakeIdp]) -> None:
    """validateClient's ``client_id`` check fails before the flow has a client: with a ``client_id`` naming no
    client the answer is the flow's "client not found", not the check's description."""
    env, provider = fed
    token = default_token(env, provider)
    response = await grant(env, signed(token), client_id="nobody")
    assert response.status_code == 401
    await assert_failure(env, response, token, FAILED, client_id="nobody", error="client_not_found")


async def test_an_unknown_issuer_is_not_found(fed: tuple[Env, FakeIdp]) -> None:
    env, provider = fed
    token = default_token(env, provider, iss=provider.issuer + "/")
    await assert_no_client(env, token)


async def test_another_provider_s_assertion_for_the_same_subject_is_not_this_client_s(
    fed: tuple[Env, FakeIdp],
) -> None:
    """A second provider taking client assertions: its assertion with the same ``sub`` finds no client, as the
    client is bound to the first provider's alias."""
    env, _ = fed
    async with fake_idp() as second:
        await create_provider(env, second.rep("second-idp", supportsClientAssertions="true"))
        token = default_token(env, second)
        await assert_no_client(env, token)


@pytest.mark.parametrize("forge", ["none", "hs256-client-secret", "hs256-public-key", "attacker-key-kid"])
async def test_algorithm_confusion_is_refused(fed: tuple[Env, FakeIdp], forge: str) -> None:
    env, provider = fed
    token = default_token(env, provider)
    if forge == "none":
        assertion, description = unsigned(token), "Invalid signature algorithm"
    elif forge == "hs256-client-secret":
        assertion, description = hs256(token, CLIENT_SECRET.encode()), FAILED
    elif forge == "hs256-public-key":
        assertion, description = hs256(token, public_pem()), FAILED
    else:
        assertion = jwt.encode(token, ATTACKER_KEY, algorithm="RS256", headers={"kid": KID})
        description = FAILED
    response = await grant(env, assertion)
    await assert_failure(env, response, token, description)


async def test_an_unknown_algorithm_is_refused(fed: tuple[Env, FakeIdp]) -> None:
    env, provider = fed
    token = default_token(env, provider)
    good = signed(token).split(".")
    header = jwt.utils.base64url_encode(b'{"alg":"XS999","kid":"fake-idp-key"}').decode()
    await assert_failure(env, await grant(env, f"{header}.{good[1]}.{good[2]}"), token, FAILED)


async def test_a_client_of_another_authenticator_is_not_authenticated_by_an_assertion(
    fed: tuple[Env, FakeIdp],
) -> None:
    """A client-secret or client-jwt client bound to the provider: the federated authenticator is not its own."""
    env, provider = fed
    for authenticator in ("client-secret", "client-jwt"):
        await _update_client(env, INTERNAL, clientAuthenticatorType=authenticator)
        token = default_token(env, provider)
        response = await grant(env, signed(token))
        assert response.status_code in (400, 401), response.text
        assert response.json()["error"] == "invalid_client"
        await poll(env)


async def test_a_public_client_is_not_authenticated_by_an_assertion(fed: tuple[Env, FakeIdp]) -> None:
    env, provider = fed
    await _update_client(env, INTERNAL, publicClient=True)
    token = default_token(env, provider)
    response = await grant(env, signed(token))
    assert response.status_code in (400, 401), response.text
    assert response.json()["error"] == "invalid_client"


async def test_a_self_issued_assertion_does_not_authenticate_a_federated_client(fed: tuple[Env, FakeIdp]) -> None:
    """``iss`` = ``sub`` = the internal client id: the client-jwt authenticator's assertion, not this client's."""
    env, _ = fed
    now = env.clock.now()
    claims = {"jti": "self-1", "iss": INTERNAL, "sub": INTERNAL, "aud": "http://localhost/realms/test"}
    response = await grant(env, jwt.encode({**claims, "iat": now, "exp": now + 60}, KEY, algorithm="RS256"))
    assert response.status_code in (400, 401), response.text
    assert response.json()["error"] == "invalid_client"


@pytest.mark.parametrize(
    "assertion",
    ["", "a.b", "a.b.c.d", "e30.e30.", "eyJhbGciOiJSUzI1NiJ9.W10.sig", "eyJhbGciOlsxXX0.e30.x"],
)
async def test_malformed_assertions_never_500(fed: tuple[Env, FakeIdp], assertion: str) -> None:
    env, _ = fed
    response = await env.http.post(
        TOKEN,
        data={
            "grant_type": "client_credentials",
            "client_assertion_type": "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            "client_assertion": assertion,
        },
    )
    assert response.status_code in (400, 401), response.text
    assert response.json()["error"] == "invalid_client"


async def test_claims_of_the_wrong_type_never_500(fed: tuple[Env, FakeIdp]) -> None:
    env, provider = fed
    for changes in ({"iss": ["x"]}, {"sub": {"a": 1}}, {"aud": 5}, {"exp": "soon"}, {"iss": 7}):
        token = default_token(env, provider, **changes)
        payload = json.dumps(token).encode()
        response = await grant(env, jwt.PyJWS().encode(payload, KEY, algorithm="RS256", headers={"kid": KID}))
        assert response.status_code in (400, 401), (changes, response.text)
        assert response.json()["error"] == "invalid_client"


async def test_a_slow_providers_key_set_holds_no_write_lock(fed: tuple[Env, FakeIdp]) -> None:
    """The provider's JWK set is fetched before the ``jti`` is written: while a slow provider answers, another
    request's writes (a password grant of the test realm's ``app``) complete; then the held grant succeeds."""
    env, provider = fed
    provider.certs_delay = 2.0
    token = default_token(env, provider)
    held = asyncio.create_task(grant(env, signed(token)))
    try:
        with anyio.fail_after(30):  # only so that a broken test fails instead of hanging
            while "/certs" not in provider.fetched:
                await asyncio.sleep(0.01)
            other = await env.http.post(
                TOKEN,
                data={"grant_type": "password", "client_id": "app", "client_secret": "secret"}
                | {"username": "user1", "password": "password"},
            )
        assert other.status_code == 200, other.text
        assert not held.done(), "the federated grant was answered before the provider's keys came"
    finally:
        answer = await held
    assert answer.status_code == 200, answer.text


async def test_a_header_of_the_wrong_shape_is_a_failed_authentication(fed: tuple[Env, FakeIdp]) -> None:
    """Headers a JWS library may choke on once the claims are good (a numeric or list ``kid``, ``crit``, an object
    ``typ``): the provider's signature check (authorization_grant.signature_valid) fails, never a 5xx."""
    env, provider = fed
    token = default_token(env, provider)
    good = signed(token).split(".")
    for header in WRONG_SHAPE_HEADERS:
        encoded = jwt.utils.base64url_encode(json.dumps(header).encode()).decode()
        response = await grant(env, f"{encoded}.{good[1]}.{good[2]}")
        assert response.status_code in (400, 401), (header, response.text)
        assert response.json()["error"] == "invalid_client", (header, response.text)
