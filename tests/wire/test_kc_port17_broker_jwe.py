"""Keycloak's encrypted-broker tests (tests/base/.../tests/broker/, JweBrokerConfigSupport @1ed23c3d): the provider
realm encrypts its ID tokens and userinfo answers to the consumer realm (the broker's client there with ``use.jwks.url``
on the consumer's certs, ``id.token.encrypted.response.alg``/``.enc`` and ``user.info.encrypted.response.alg``/``.enc``
the test's, ``id.token.signed.response.alg`` and ``user.info.response.signature.alg`` its signature algorithm), and the
consumer decrypts them with its own encryption key (OIDCIdentityProvider.parseTokenInput).

- KcOidcBrokerJWETest @4652b163: RSA-OAEP, A256GCM, RS512, the consumer's ``rsa-enc-generated`` key:
  ``testLogInAsUserInIDP``, ``loginWithExistingUser`` (BrokerLoginTest's) and ``testIdentityClaimsFromUserInfoEndpoint``.
- KcOidcBrokerJWEUserInfoJustEncryptedTest @4652b163: RSA-OAEP-256 and nothing else: the ID token encrypted with the
  provider's default A128CBC-HS256, the userinfo answer only encrypted, its content the JSON; BrokerLoginTest's two.
- The ECDH-ES ones (AbstractKcOidcBrokerJWEEcdhEsTest @63e3cb10 and its subclasses, named by their parameters here):
  the consumer's ``ecdh-generated`` key of the curve and algorithm, the provider's ``ecdsa-generated`` key signing
  with ES256/ES384/ES512; BrokerLoginTest's ``testLogInAsUserInIDP`` for each. Their inherited
  ``loginWithExistingUser`` and ``testIdentityClaimsFromUserInfoEndpoint`` are not repeated per parameter set: the
  first login already reads the encrypted ID token and the encrypted, signed userinfo answer (the provider user has
  no names), which is all the parameters change. The arquillian tree's further ECDH-ES combinations (P-256/P-384/
  P-521 with each key wrap) take the same path.

The realms are broker_support.py's; the provider user ``testuser`` has no names, so the userinfo endpoint is asked (as
for Keycloak's ``bc`` user) and the review page shows. ``testSingleLogout``'s admin logouts end each first login.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from broker_support import ALIAS, Broker, browser, button, provider_login, query, served, start_login
from browser_flow import REDIRECT, form_action, form_fields
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

USER = "testuser"
EMAIL = "testuser@example.org"
KEY_PROVIDER = "org.keycloak.keys.KeyProvider"


async def _component(env: Env, realm: str, provider_id: str, **config: str) -> None:
    values = {"priority": ["100"], **{k: [v] for k, v in config.items()}}
    rep: dict[str, Any] = {"name": provider_id, "providerId": provider_id, "providerType": KEY_PROVIDER}
    rep["config"] = values
    made = await env.http.post(f"/admin/realms/{realm}/components", json=rep, headers=await env.admin_headers())
    assert made.status_code == 201, made.text


async def _broker_client(env: Env) -> dict[str, Any]:
    headers = await env.admin_headers()
    got = await env.http.get("/admin/realms/provider/clients", params={"clientId": "broker-app"}, headers=headers)
    [client] = got.json()
    found: dict[str, Any] = client
    return found


async def _configure(broker: Broker, enc_alg: str | None, enc_enc: str | None, sig_alg: str | None) -> None:
    """JweBrokerConfigSupport.configureJweEncryption, after the consumer's and provider's key components."""
    env = broker.env
    client = await _broker_client(env)
    attrs = dict(client.get("attributes") or {})
    attrs |= {"use.jwks.url": "true", "jwks.url": f"{broker.base}/realms/test/protocol/openid-connect/certs"}
    if enc_alg:
        attrs |= {"id.token.encrypted.response.alg": enc_alg, "user.info.encrypted.response.alg": enc_alg}
    if enc_enc is not None:
        attrs |= {"id.token.encrypted.response.enc": enc_enc, "user.info.encrypted.response.enc": enc_enc}
    if sig_alg is not None:
        attrs |= {"id.token.signed.response.alg": sig_alg, "user.info.response.signature.alg": sig_alg}
    updated = await env.http.put(
        f"/admin/realms/provider/clients/{client['id']}",
        json=client | {"attributes": attrs},
        headers=await env.admin_headers(),
    )
    assert updated.status_code == 204, updated.text


async def _setup(broker: Broker, enc_alg: str | None, enc_enc: str | None, sig_alg: str | None, crv: str = "") -> None:
    env = broker.env
    await seed_user(env.db, env.clock, "provider", USER, email=EMAIL, first_name=None, last_name=None)
    await broker.add_provider()
    if crv and enc_alg:  # AbstractKcOidcBrokerJWEEcdhEsTest's getConsumerKeyProvider / getProviderKeyProvider
        await _component(env, "test", "ecdh-generated", ecdhAlgorithm=enc_alg, ecdhEllipticCurveKey=crv)
        await _component(env, "provider", "ecdsa-generated", ecdsaEllipticCurveKey=crv)
    elif enc_alg:  # JweBrokerConfigSupport.getConsumerKeyComponent
        await _component(env, "test", "rsa-enc-generated", keyUse="ENC", algorithm=enc_alg)
    await _configure(broker, enc_alg, enc_enc, sig_alg)


async def _through_provider(http: httpx.AsyncClient) -> httpx.Response:
    """logInWithBroker from the consumer's login page; the consumer broker endpoint's answer."""
    page = await start_login(http)
    assert page.status_code == 200, page.text
    to_provider = await http.get(button(page))
    return await http.get(await provider_login(http, to_provider, USER))


def _assert_logged_in(done: httpx.Response) -> None:
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
    answer = query(done.headers["location"])
    assert answer.get("code") and "error" not in answer, answer


async def _log_in_as_user_in_idp(http: httpx.AsyncClient) -> None:
    """logInAsUserInIDP and updateAccountInformation: the decrypted ID token's user on the review page, then back
    at the client."""
    review = await _through_provider(http)
    assert review.status_code == 200 and 'name="lastName"' in review.text, review.text
    assert f'value="{EMAIL}"' in review.text  # the e-mail from the decrypted tokens
    names = {"username": USER, "email": EMAIL, "firstName": "Firstname", "lastName": "Lastname"}
    _assert_logged_in(await http.post(form_action(review.text), data={**form_fields(review.text), **names}))


async def _users(env: Env) -> list[dict[str, Any]]:
    got = await env.http.get(
        "/admin/realms/test/users", params={"briefRepresentation": "false"}, headers=await env.admin_headers()
    )
    found: list[dict[str, Any]] = got.json()
    return found


async def _test_log_in_as_user_in_idp(broker: Broker) -> None:
    """BrokerLoginTest.testLogInAsUserInIDP: loginUser (the user made and linked), then testSingleLogout."""
    env = broker.env
    async with browser(broker) as http:
        await _log_in_as_user_in_idp(http)
        assert any(u["username"] == USER and u["email"] == EMAIL for u in await _users(env))
        _assert_logged_in(await start_login(http))  # signed in at the consumer
        headers = await env.admin_headers()
        for realm in ("test", "provider"):
            found = await env.http.get(
                f"/admin/realms/{realm}/users", params={"username": USER, "exact": "true"}, headers=headers
            )
            [user] = found.json()
            out = await env.http.post(f"/admin/realms/{realm}/users/{user['id']}/logout", headers=headers)
            assert out.status_code == 204, out.text
        page = await start_login(http)
        assert page.status_code == 200 and 'name="username"' in page.text, page.text


async def _login_with_existing_user(broker: Broker) -> None:
    """BrokerLoginTest.loginWithExistingUser: after the first login, a second one through the provider goes back to
    the client and makes no user."""
    await _test_log_in_as_user_in_idp(broker)
    count = len(await _users(broker.env))
    async with browser(broker) as http:
        _assert_logged_in(await _through_provider(http))
    assert len(await _users(broker.env)) == count


RSA = ("RSA-OAEP", "A256GCM", "RS512")  # KcOidcBrokerJWETest
JUST_ENCRYPTED = ("RSA-OAEP-256", None, None)  # KcOidcBrokerJWEUserInfoJustEncryptedTest


@pytest.mark.parametrize("params", [RSA, JUST_ENCRYPTED], ids=["KcOidcBrokerJWETest", "UserInfoJustEncrypted"])
async def test_log_in_as_user_in_idp(env: Env, params: tuple[str, str | None, str | None]) -> None:
    """KcOidcBrokerJWETest.testLogInAsUserInIDP, KcOidcBrokerJWEUserInfoJustEncryptedTest.testLogInAsUserInIDP"""
    async with served(env) as broker:
        await _setup(broker, *params)
        await _test_log_in_as_user_in_idp(broker)


@pytest.mark.parametrize("params", [RSA, JUST_ENCRYPTED], ids=["KcOidcBrokerJWETest", "UserInfoJustEncrypted"])
async def test_login_with_existing_user(env: Env, params: tuple[str, str | None, str | None]) -> None:
    """KcOidcBrokerJWETest.loginWithExistingUser, KcOidcBrokerJWEUserInfoJustEncryptedTest.loginWithExistingUser"""
    async with served(env) as broker:
        await _setup(broker, *params)
        await _login_with_existing_user(broker)


async def _identity_claims_from_user_info_endpoint(
    env: Env, params: tuple[str | None, str | None, str | None], crv: str = ""
) -> None:
    """JweUserInfoBrokerTest.testIdentityClaimsFromUserInfoEndpoint (KcOidcBrokerJWETest's before): a claim only the
    (signed, encrypted) userinfo answer carries reaches the new user through the provider's claim-to-attribute
    mapper."""
    async with served(env) as broker:
        await _setup(broker, *params, crv)
        headers = await env.admin_headers()
        client = await _broker_client(env)
        mappers = f"/admin/realms/provider/clients/{client['id']}/protocol-mappers"
        for mapper in (await env.http.get(f"{mappers}/protocol/openid-connect", headers=headers)).json():
            if mapper["config"].get("user.attribute") == "email":
                gone = await env.http.delete(f"{mappers}/models/{mapper['id']}", headers=headers)
                assert gone.status_code == 204, gone.text
        claim = {"claim.name": "user-info", "claim.value": "true", "userinfo.token.claim": "true"}
        claim |= {"access.token.claim": "false", "id.token.claim": "false", "access.tokenResponse.claim": "false"}
        rep: dict[str, Any] = {"name": "custom-claim-hardcoded-mapper", "protocol": "openid-connect"}
        rep |= {"protocolMapper": "oidc-hardcoded-claim-mapper", "config": claim}
        made = await env.http.post(f"{mappers}/models", json=rep, headers=headers)
        assert made.status_code == 201, made.text
        attribute = {"syncMode": "INHERIT", "claim": "user-info", "user.attribute": "user-info"}
        idp_mapper: dict[str, Any] = {
            "name": "attribute-mapper",
            "identityProviderMapper": "oidc-user-attribute-idp-mapper",
        }
        idp_mapper |= {"identityProviderAlias": ALIAS, "config": attribute}
        made = await env.http.post(
            f"/admin/realms/test/identity-provider/instances/{ALIAS}/mappers", json=idp_mapper, headers=headers
        )
        assert made.status_code == 201, made.text
        profile = (await env.http.get("/admin/realms/test/users/profile", headers=headers)).json()
        enabled = await env.http.put(
            "/admin/realms/test/users/profile", json=profile | {"unmanagedAttributePolicy": "ENABLED"}, headers=headers
        )
        assert enabled.status_code == 200, enabled.text

        async with browser(broker) as http:
            await _log_in_as_user_in_idp(http)
        [user] = [u for u in await _users(env) if u["username"] == USER]
        assert (user.get("attributes") or {}).get("user-info") == ["true"], user


async def test_a_signed_userinfo_answer_is_checked_and_read(env: Env) -> None:
    """Added (parseTokenInput's JWS branch, no JWE): ``user.info.response.signature.alg`` alone, the userinfo answer an
    RS256 JWS the consumer checks with the provider's keys; the login goes through it."""
    async with served(env) as broker:
        await _setup(broker, None, None, "RS256")
        await _test_log_in_as_user_in_idp(broker)


ECDH_ES = [  # the subclasses of AbstractKcOidcBrokerJWEEcdhEsTest: (crv, encAlg, encEnc, sigAlg)
    ("P-256", "ECDH-ES+A128KW", "A128CBC-HS256", "ES256"),
    ("P-256", "ECDH-ES+A128KW", "A128GCM", "ES256"),
    ("P-384", "ECDH-ES+A192KW", "A192CBC-HS384", "ES384"),
    ("P-384", "ECDH-ES+A192KW", "A192GCM", "ES384"),
    ("P-521", "ECDH-ES+A256KW", "A256CBC-HS512", "ES512"),
    ("P-521", "ECDH-ES+A256KW", "A256GCM", "ES512"),
    ("P-384", "ECDH-ES", "A192CBC-HS384", "ES384"),
    ("P-384", "ECDH-ES", "A192GCM", "ES384"),
]


@pytest.mark.parametrize("params", ECDH_ES, ids=lambda p: f"{p[1]}-{p[0]}-{p[2]}")
async def test_log_in_as_user_in_idp_ecdh_es(env: Env, params: tuple[str, str, str, str]) -> None:
    """KcOidcBrokerJWEEcdhEs{A128KwP256A128CbcHs256,A128KwP256A128Gcm,A192KwP384A192CbcHs384,A192KwP384A192Gcm,
    A256KwP521A256CbcHs512,A256KwP521A256Gcm,P384A192CbcHs384,P384A192Gcm}Test.testLogInAsUserInIDP"""
    crv, enc_alg, enc_enc, sig_alg = params
    async with served(env) as broker:
        await _setup(broker, enc_alg, enc_enc, sig_alg, crv)
        await _test_log_in_as_user_in_idp(broker)


USERINFO_VARIANTS = [(*RSA, ""), (*JUST_ENCRYPTED, "")] + [(alg, enc, sig, crv) for crv, alg, enc, sig in ECDH_ES]


@pytest.mark.parametrize(
    "params",
    USERINFO_VARIANTS,
    ids=["KcOidcBrokerJWETest", "UserInfoJustEncrypted"] + [f"{p[1]}-{p[0]}-{p[2]}" for p in ECDH_ES],
)
async def test_identity_claims_from_user_info_endpoint(
    env: Env, params: tuple[str, str | None, str | None, str]
) -> None:
    """JweUserInfoBrokerTest.testIdentityClaimsFromUserInfoEndpoint, which every JWE variant runs (the RSA one, the
    just-encrypted userinfo, the eight ECDH-ES ones)."""
    enc_alg, enc_enc, sig_alg, crv = params
    await _identity_claims_from_user_info_endpoint(env, (enc_alg, enc_enc, sig_alg), crv)
