"""Keycloak's CIBATest, its signed authentication request, client policy and ping mode methods, over HTTP (the
poll-mode flows are in test_keycloak_ciba_test.py). The test application's keys and request objects are made
here: the client's public key sits in its ``jwks.string``, a ``request_uri`` is served by the stand-in device.

Adapted: Keycloak's TestRaiseExceptionExecutor is a test-only provider; where CIBATest uses it to prove a
BACKCHANNEL_* event reaches the policies, a real executor does the same here (secure-ciba-session for the
authentication request, confidential-client for the token request), under the same client-roles condition.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from ciba_flow import POLL, Device, answer, app_with_device, authenticate, device, events, token
from oidc_registration_port import create, created, get, initial_token, update
from support import assert_error, claims, seed_client, seed_realm, seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio

APP, APP_SECRET = "test-app", "password"
ISSUER = "http://localhost/realms/test"
ALG = "ciba.backchannel.auth.request.signing.alg"
BINDING_MISSING = "Missing parameter: binding_message"
NOT_REGISTERED = (
    "Client requested algorithm not registered in advance or request signed with different algorithm other than "
    "client requested algorithm"
)


@pytest.fixture
async def ciba(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[tuple[Env, Device]]:
    with device() as dev:
        async with app_with_device(request, tmp_path, dev.url) as env:
            await seed_realm(env.db, env.clock, events_enabled=True)
            request_uri = dev.url.replace("/channel", "/request-object")
            await seed_client(env.db, "test", APP, secret=APP_SECRET, attributes={**POLL, "request.uris": request_uri})
            await seed_user(env.db, env.clock, "test", "nutzername-rot", "passwort-rot")
            yield env, dev


class Keys:
    """The test application's key pair for one algorithm (TestingOIDCEndpointsApplicationResource.generateKeys)."""

    def __init__(self, alg: str) -> None:
        self.alg = alg
        self.kid = str(uuid.uuid4())
        if alg.startswith("ES"):
            self.private: Any = ec.generate_private_key(ec.SECP256R1())
            public = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(self.private.public_key()))
        else:
            self.private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.private.public_key()))
        self.jwks = json.dumps({"keys": [{**public, "kid": self.kid, "alg": alg, "use": "sig"}]})

    def sign(self, claims: dict[str, Any], alg: str | None = None) -> str:
        return jwt.encode(claims, self.private, algorithm=alg or self.alg, headers={"kid": self.kid})


async def admin(env: Env, method: str, path: str, body: Any = None) -> Any:
    response = await env.http.request(method, f"/admin/realms/test{path}", json=body, headers=await env.admin_headers())
    assert response.status_code in (200, 201, 204), (method, path, response.status_code, response.text)
    return response.json() if response.content else None


async def configure(env: Env, client_id: str, **attributes: str | None) -> dict[str, Any]:
    """The admin REST API's client update with these attributes (null removes one)."""
    rep = dict((await admin(env, "GET", f"/clients?clientId={client_id}"))[0])
    rep["attributes"].update(attributes)
    await admin(env, "PUT", f"/clients/{rep['id']}", rep)
    return rep


def valid_request(username: str = "nutzername-rot", binding: str | None = "BASTION", now: int = 0) -> dict[str, Any]:
    """createValidSharedAuthenticationRequest with the user and binding message."""
    found: dict[str, Any] = {
        "jti": str(uuid.uuid4()),
        "iat": now,
        "exp": now + 300,
        "nbf": now,
        "scope": "openid",
        "max_age": 600,
        "custom_claim_zwei": "gelb",
        "aud": [ISSUER, "https://example.com"],
        "iss": APP,
        "login_hint": username,
    }
    if binding is not None:
        found["binding_message"] = binding
    return found


async def register(
    env: Env, dev: Device, keys: Keys, registered: str | None, signed: str, *, uri: bool
) -> dict[str, str]:
    """registerSharedAuthenticationRequest: the client's key and requested algorithm, then the request object as
    ``request`` or behind the client's ``request_uri``; the form parameters to send."""
    await configure(env, APP, **{ALG: registered, "use.jwks.string": "true", "jwks.string": keys.jwks})
    if uri:
        dev.document = signed
        return {"request_uri": dev.url.replace("/channel", "/request-object")}
    return {"request": signed}


async def flow_with_signed_request(env: Env, dev: Device, alg: str, *, uri: bool) -> None:
    """testBackchannelAuthenticationFlowWithSignedAuthenticationRequest: the user and the binding message come
    from the request object only."""
    keys = Keys(alg)
    form = await register(env, dev, keys, alg, keys.sign(valid_request(now=env.clock.now())), uri=uri)
    response = await authenticate(env, APP, APP_SECRET, None, None, **form)
    assert response.status_code == 200, response.text
    sent = dev.take("BASTION")
    assert "openid" in sent.body["scope"].split(" ") and sent.body["login_hint"] == "nutzername-rot"
    assert sent.body["custom_claim_zwei"] == "gelb"  # a claim nobody knows is an additional parameter
    assert (await answer(env, sent.bearer)).status_code == 200
    tokens = await token(env, APP, APP_SECRET, response.json()["auth_req_id"])
    assert tokens.status_code == 200, tokens.text
    assert claims(tokens.json()["id_token"])["preferred_username"] == "nutzername-rot"


async def test_backchannel_authentication_flow_with_signed_authentication_request_param(
    ciba: tuple[Env, Device],
) -> None:
    """testBackchannelAuthenticationFlowWithSignedAuthenticationRequestParam (PS256, ``request``)."""
    await flow_with_signed_request(*ciba, "PS256", uri=False)


async def test_backchannel_authentication_flow_with_signed_authentication_request_uri_param(
    ciba: tuple[Env, Device],
) -> None:
    """testBackchannelAuthenticationFlowWithSignedAuthenticationRequestUriParam (ES256, ``request_uri``)."""
    await flow_with_signed_request(*ciba, "ES256", uri=True)


async def test_backchannel_authentication_flow_with_invalid_signed_authentication_request_uri_param(
    ciba: tuple[Env, Device],
) -> None:
    """testBackchannelAuthenticationFlowWithInvalidSignedAuthenticationRequestUriParam: ``alg: none``."""
    env, dev = ciba
    unsigned = jwt.encode(valid_request(now=env.clock.now()), "", algorithm="none")
    form = await register(env, dev, Keys("PS256"), "none", unsigned, uri=True)
    response = await authenticate(env, APP, APP_SECRET, None, None, **form)
    assert_error(response, 400, "invalid_request", "None signed algorithm is not allowed")


@pytest.mark.parametrize(("uri", "registered", "used"), [(False, "ES256", "PS256"), (True, "PS256", "ES256")])
async def test_backchannel_authentication_flow_register_different_sig_alg_in_advance(
    ciba: tuple[Env, Device], uri: bool, registered: str, used: str
) -> None:
    """testBackchannelAuthenticationFlowRegisterDifferentSigAlgInAdvanceWithSignedAuthenticationRequest(Uri)Param."""
    env, dev = ciba
    keys = Keys(used)
    form = await register(env, dev, keys, registered, keys.sign(valid_request(now=env.clock.now())), uri=uri)
    assert_error(await authenticate(env, APP, APP_SECRET, None, None, **form), 400, "invalid_request", NOT_REGISTERED)


@pytest.mark.parametrize(("uri", "used"), [(False, "ES256"), (True, "PS256")])
async def test_backchannel_authentication_flow_not_register_sig_alg_in_advance(
    ciba: tuple[Env, Device], uri: bool, used: str
) -> None:
    """testBackchannelAuthenticationFlowNotRegisterSigAlgInAdvanceWithSignedAuthenticationRequest(Uri)Param."""
    env, dev = ciba
    keys = Keys(used)
    form = await register(env, dev, keys, None, keys.sign(valid_request(now=env.clock.now())), uri=uri)
    assert_error(await authenticate(env, APP, APP_SECRET, None, None, **form), 400, "invalid_request", NOT_REGISTERED)


async def put_policy(env: Env, executor: str, config: dict[str, Any] | None = None, **condition: Any) -> None:
    """updateProfiles and updatePolicies: one profile with ``executor``, one policy (any-client unless another
    condition is given) applying it."""
    entry: dict[str, Any] = {"executor": executor, "configuration": config or {}}
    await admin(env, "PUT", "/client-policies/profiles", {"profiles": [{"name": "MyProfile", "executors": [entry]}]})
    name, configuration = condition.get("condition", "any-client"), condition.get("configuration", {})
    policy = {
        "name": "MyPolicy",
        "enabled": True,
        "conditions": [{"condition": name, "configuration": configuration}],
        "profiles": ["MyProfile"],
    }
    await admin(env, "PUT", "/client-policies/policies", {"policies": [policy]})


async def test_secure_ciba_session_enforce_executor(ciba: tuple[Env, Device]) -> None:
    """testSecureCibaSessionEnforceExecutor: no binding message, refused; the LOGIN_ERROR names the policy."""
    env, _ = ciba
    await put_policy(env, "secure-ciba-session")
    response = await authenticate(env, APP, APP_SECRET, "nutzername-rot", None, user_device="mobile")
    assert_error(response, 400, "invalid_request", BINDING_MISSING)
    failed = (await events(env, "LOGIN_ERROR"))[0]
    assert (failed["error"], failed["clientId"]) == ("invalid_request", APP)
    assert failed["details"]["reason"] == "client_policy_error"
    assert failed["details"]["client_policy_error_detail"] == BINDING_MISSING
    assert (await authenticate(env, APP, APP_SECRET, "nutzername-rot", "BASTION")).status_code == 200


@pytest.mark.parametrize("uri", [False, True])
async def test_secure_ciba_session_enforce_executor_with_signed_authentication_request(
    ciba: tuple[Env, Device], uri: bool
) -> None:
    """testSecureCibaSessionEnforceExecutorWithSignedAuthenticationRequest(Uri)Param."""
    env, dev = ciba
    keys = Keys("PS256")
    signed = keys.sign(valid_request(binding=None, now=env.clock.now()))
    form = await register(env, dev, keys, "PS256", signed, uri=uri)
    await put_policy(env, "secure-ciba-session")
    response = await authenticate(env, APP, APP_SECRET, "nutzername-rot", None, **form)
    assert_error(response, 400, "invalid_request", BINDING_MISSING)


async def test_backchannel_authentication_flow_with_invalid_signed_authentication_request(
    ciba: tuple[Env, Device],
) -> None:
    """testBackchannelAuthenticationFlowWithInvalidSignedAuthenticationRequest: secure-ciba-signed-authn-req's
    checks one by one, then a request object that passes them all."""
    env, dev = ciba
    now = env.clock.now()
    keys = Keys("PS256")
    await put_policy(env, "secure-ciba-signed-authn-req")

    async def refused(changes: dict[str, Any], message: str, uri: bool) -> None:
        found = {**valid_request(now=now), **changes}
        form = await register(
            env, dev, keys, "PS256", keys.sign({k: v for k, v in found.items() if v is not None}), uri=uri
        )
        assert_error(await authenticate(env, APP, APP_SECRET, None, None, **form), 400, "invalid_request", message)

    missing = "Missing parameter in the signed authentication request: "
    await refused({"exp": None, "iss": None}, missing + "exp", False)
    await refused({"nbf": None, "iss": None}, missing + "nbf", True)
    await refused({"exp": now + 3600 + 10}, "signed authentication request's available period is long", False)
    await refused({"aud": None}, "Missing parameter in the 'request' object: aud", True)
    await refused({"aud": "https://example.com"}, "Invalid parameter in the 'request' object: aud", False)
    await refused({"iss": None}, "Missing parameter in the 'request' object: iss", True)
    await refused({"iss": APP + APP}, "Invalid parameter in the 'request' object: iss", False)
    await refused({"iat": None, "jti": None}, missing + "iat", True)
    await refused({"jti": None}, missing + "jti", False)
    await refused({"exp": now - 1, "nbf": now - 10}, "Request Expired", True)
    await refused({"nbf": now + 10}, "Request not yet being processed", False)
    plain = await authenticate(env, APP, APP_SECRET, "nutzername-rot", "BASTION")
    assert_error(plain, 400, "invalid_request", "Missing parameter: 'request' or 'request_uri'")
    binding = "Brno-hlavni-nadrazif"
    form = await register(env, dev, keys, "PS256", keys.sign(valid_request(binding=binding, now=now)), uri=True)
    response = await authenticate(env, APP, APP_SECRET, None, None, **form)
    assert response.status_code == 200, response.text
    sent = dev.take(binding)
    assert (await answer(env, sent.bearer)).status_code == 200
    assert (await token(env, APP, APP_SECRET, response.json()["auth_req_id"])).status_code == 200


async def test_secure_ciba_authentication_request_signing_algorithm_enforce_executor(ciba: tuple[Env, Device]) -> None:
    """testSecureCibaAuthenticationRequestSigningAlgorithmEnforceExecutor, its admin REST API part: a client
    naming no algorithm gets the default (PS256, or the profile's), one FAPI does not allow is refused."""
    env, _ = ciba
    await put_policy(
        env,
        "secure-ciba-req-sig-algorithm",
        condition="client-updater-context",
        configuration={
            "update-client-source": ["ByAuthenticatedUser", "ByInitialAccessToken", "ByRegistrationAccessToken"]
        },
    )
    headers = await env.admin_headers()

    async def create(client_id: str, attributes: dict[str, str]) -> Any:
        return await env.http.post(
            "/admin/realms/test/clients", json={"clientId": client_id, "attributes": attributes}, headers=headers
        )

    assert_error(
        await create("App-by-Admin-0", {ALG: "none"}), 400, "invalid_request", "not allowed signature algorithm."
    )
    assert (await create("App-by-Admin", {ALG: "ES256"})).status_code == 201
    assert (await create("App-by-Admin2", {})).status_code == 201
    assert (await admin(env, "GET", "/clients?clientId=App-by-Admin2"))[0]["attributes"][ALG] == "PS256"
    rep = (await admin(env, "GET", "/clients?clientId=App-by-Admin"))[0]
    rep["attributes"][ALG] = "RS512"
    refused = await env.http.put(f"/admin/realms/test/clients/{rep['id']}", json=rep, headers=headers)
    assert_error(refused, 400, "invalid_request")
    assert (await admin(env, "GET", "/clients?clientId=App-by-Admin"))[0]["attributes"][ALG] == "ES256"
    await configure(env, "App-by-Admin", **{ALG: "PS384"})
    assert (await admin(env, "GET", "/clients?clientId=App-by-Admin"))[0]["attributes"][ALG] == "PS384"
    await put_policy(
        env,
        "secure-ciba-req-sig-algorithm",
        {"default-algorithm": "ES256"},
        condition="client-updater-context",
        configuration={"update-client-source": ["ByAuthenticatedUser"]},
    )
    await configure(env, "App-by-Admin2", **{ALG: None})
    assert (await admin(env, "GET", "/clients?clientId=App-by-Admin2"))[0]["attributes"][ALG] == "ES256"


async def test_confidential_client_accept_executor_executor(ciba: tuple[Env, Device]) -> None:
    """testConfidentialClientAcceptExecutorExecutor: at the backchannel authentication request (invalid_client)
    and at the token request, where a policy's refusal is always invalid_grant."""
    env, _ = ciba
    await seed_client(env.db, "test", "public-app", public=True, attributes=dict(POLL))
    await put_policy(env, "confidential-client")
    response = await authenticate(env, "public-app", "app-secret", "nutzername-rot", "bmbmbmbm", user_device="mobile")
    assert_error(response, 400, "invalid_client", "invalid client access type")
    ack = await authenticate(env, APP, APP_SECRET, "nutzername-rot", "bmbmbmbm")
    assert ack.status_code == 200, ack.text
    rep = dict((await admin(env, "GET", f"/clients?clientId={APP}"))[0])
    await admin(env, "PUT", f"/clients/{rep['id']}", {**rep, "publicClient": True})
    refused = await token(env, APP, APP_SECRET, ack.json()["auth_req_id"])
    assert_error(refused, 400, "invalid_grant", "invalid client access type")
    failed = (await events(env, "AUTHREQID_TO_TOKEN_ERROR"))[0]
    assert failed["error"] == "invalid_client" and failed["details"]["client_policy_error"] == "invalid_client"


async def test_extended_client_policy_interfaces_for_backchannel_authentication_request(
    ciba: tuple[Env, Device],
) -> None:
    """testExtendedClientPolicyInterfacesForBackchannelAuthenticationRequest (adapted: secure-ciba-session for
    the test-only executor): the client-roles condition judges the BACKCHANNEL_AUTHENTICATION_REQUEST."""
    env, _ = ciba
    role = "sample-client-role-alpha"
    await put_policy(env, "secure-ciba-session", condition="client-roles", configuration={"roles": [role]})
    assert (await authenticate(env, APP, APP_SECRET, "nutzername-rot", None)).status_code == 200
    rep = (await admin(env, "GET", f"/clients?clientId={APP}"))[0]
    await admin(env, "POST", f"/clients/{rep['id']}/roles", {"name": role})
    response = await authenticate(env, APP, APP_SECRET, "nutzername-rot", None)
    assert_error(response, 400, "invalid_request", BINDING_MISSING)


PING = {
    "ciba.backchannel.token.delivery.mode": "ping",
    "oidc.ciba.grant.enabled": "true",
}


async def test_ping_mode_request_with_invalid_client_notification_should_fail(ciba: tuple[Env, Device]) -> None:
    """testPingMode_requestWithInvalidClientNotificationShouldFail: missing, then longer than 1024."""
    env, dev = ciba
    await configure(
        env, APP, **PING, **{"ciba.backchannel.client.notification.endpoint": dev.url.replace("/channel", "/notify")}
    )
    response = await authenticate(env, APP, APP_SECRET, "nutzername-rot", "BASTION_PING")
    assert_error(response, 400, "invalid_request", "Client Notification token needs to be provided with the ping mode")
    long = await authenticate(
        env, APP, APP_SECRET, "nutzername-rot", "BASTION_PING", client_notification_token="1" * 1025
    )
    assert_error(long, 400, "invalid_request", "Client Notification token length is limited to 1024 characters")


async def test_poll_mode_refuses_a_client_notification_token(ciba: tuple[Env, Device]) -> None:
    """BackchannelAuthenticationEndpoint: a client_notification_token belongs to the ping mode."""
    env, _ = ciba
    response = await authenticate(env, APP, APP_SECRET, "nutzername-rot", "B", client_notification_token="t")
    assert_error(response, 400, "invalid_request", "Client Notification token supported only for the ping mode")


async def test_ping_mode_success(ciba: tuple[Env, Device]) -> None:
    """testPingModeSuccess: the client is notified once the device approved, with its token as the bearer."""
    env, dev = ciba
    await configure(
        env, APP, **PING, **{"ciba.backchannel.client.notification.endpoint": dev.url.replace("/channel", "/notify")}
    )
    response = await authenticate(
        env, APP, APP_SECRET, "nutzername-rot", "BASTION_PING", client_notification_token="client-notification-token-1"
    )
    assert response.status_code == 200 and response.json()["interval"] > 0, response.text
    sent = dev.take("BASTION_PING")
    assert not dev.notifications
    assert (await answer(env, sent.bearer)).status_code == 200
    (notified,) = dev.notifications
    assert notified.bearer == "client-notification-token-1"
    assert notified.body == {"auth_req_id": response.json()["auth_req_id"]}
    tokens = await token(env, APP, APP_SECRET, response.json()["auth_req_id"])
    assert tokens.status_code == 200, tokens.text


async def test_ping_mode_client_notification_sent_even_for_user_cancel(ciba: tuple[Env, Device]) -> None:
    """testPingMode_clientNotificationSentEvenForUserCancel."""
    env, dev = ciba
    await configure(
        env, APP, **PING, **{"ciba.backchannel.client.notification.endpoint": dev.url.replace("/channel", "/notify")}
    )
    response = await authenticate(
        env, APP, APP_SECRET, "nutzername-rot", "kwq26rfjs73", client_notification_token="client-notification-some"
    )
    sent = dev.take("kwq26rfjs73")
    assert (await answer(env, sent.bearer, "CANCELLED")).status_code == 200
    assert [n.body["auth_req_id"] for n in dev.notifications] == [response.json()["auth_req_id"]]
    assert_error(await token(env, APP, APP_SECRET, response.json()["auth_req_id"]), 400, "access_denied")


async def test_ciba_grant_setting_by_dynamic_client_registration(ciba: tuple[Env, Device]) -> None:
    """testCibaGrantSettingByDynamicClientRegistration: the CIBA grant in grant_types, and the request signing
    algorithm, registered and read back."""
    env, _ = ciba
    rep = await created(
        env, {"client_name": "valid-CIBA-CD", "redirect_uris": ["http://localhost/cb"]}, await initial_token(env)
    )
    assert "urn:openid:params:grant-type:ciba" not in rep["grant_types"]
    assert "backchannel_authentication_request_signing_alg" not in rep
    rep["grant_types"] = [*rep["grant_types"], "urn:openid:params:grant-type:ciba"]
    rep["backchannel_authentication_request_signing_alg"] = "PS256"
    found = await get(env, await update(env, rep))
    assert "urn:openid:params:grant-type:ciba" in found["grant_types"]
    assert found["backchannel_authentication_request_signing_alg"] == "PS256"
    attributes = (await admin(env, "GET", f"/clients?clientId={rep['client_id']}"))[0]["attributes"]
    assert attributes["oidc.ciba.grant.enabled"] == "true"


async def test_invalid_consumption_device_registration(ciba: tuple[Env, Device]) -> None:
    """testInvalidConsumptionDeviceRegistration: an unknown backchannel_token_delivery_mode is refused (the
    converter's ClientRegistrationException, answered as OIDCClientRegistrationProvider does)."""
    env, _ = ciba
    rep = {"client_name": "invalid-CIBA-CD", "backchannel_token_delivery_mode": "pushpush"}
    response = await create(env, rep, await initial_token(env))
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "invalid_client_metadata", "error_description": "Client metadata invalid"}


async def test_client_scopes_condition(ciba: tuple[Env, Device]) -> None:
    """testClientScopesCondition (adapted: secure-ciba-session, then confidential-client, for the test-only
    executor): the client-scopes condition reads the request's scope at the backchannel authentication request and
    the request's kept scope at the token request."""
    env, dev = ciba
    optional: dict[str, Any] = {
        "condition": "client-scopes",
        "configuration": {"type": "Optional", "scopes": ["microprofile-jwt"]},
    }
    await put_policy(env, "secure-ciba-session", **optional)
    scoped = await authenticate(env, APP, APP_SECRET, "nutzername-rot", None, scope="openid microprofile-jwt")
    assert_error(scoped, 400, "invalid_request", BINDING_MISSING)
    assert (await authenticate(env, APP, APP_SECRET, "nutzername-rot", None)).status_code == 200
    ack = await authenticate(
        env, APP, APP_SECRET, "nutzername-rot", "ThisIsBindingMessage", scope="openid microprofile-jwt"
    )
    assert ack.status_code == 200, ack.text
    assert (await answer(env, dev.take("ThisIsBindingMessage").bearer)).status_code == 200
    await put_policy(env, "confidential-client", **optional)
    rep = dict((await admin(env, "GET", f"/clients?clientId={APP}"))[0])
    await admin(env, "PUT", f"/clients/{rep['id']}", {**rep, "publicClient": True})
    refused = await token(env, APP, APP_SECRET, ack.json()["auth_req_id"])
    assert_error(refused, 400, "invalid_grant", "invalid client access type")
    await admin(env, "PUT", "/client-policies/policies", {"policies": []})
    tokens = await token(env, APP, APP_SECRET, ack.json()["auth_req_id"])
    assert tokens.status_code == 200, tokens.text
    assert claims(tokens.json()["access_token"])["azp"] == APP


async def test_lightweight_access_token_executor_acts_on_the_ciba_grant(ciba: tuple[Env, Device]) -> None:
    """UseLightweightAccessTokenExecutor acts on BACKCHANNEL_TOKEN_REQUEST too: the CIBA grant's access token
    leaves out what the mappers add (no ``preferred_username``), while one minted without the policy has it."""
    env, dev = ciba

    async def minted(binding: str) -> dict[str, Any]:
        ack = await authenticate(env, APP, APP_SECRET, "nutzername-rot", binding)
        assert ack.status_code == 200, ack.text
        assert (await answer(env, dev.take(binding).bearer)).status_code == 200
        tokens = await token(env, APP, APP_SECRET, ack.json()["auth_req_id"])
        assert tokens.status_code == 200, tokens.text
        return claims(tokens.json()["access_token"])

    assert (await minted("FULL"))["preferred_username"] == "nutzername-rot"
    await put_policy(env, "use-lightweight-access-token")
    light = await minted("LIGHT")
    assert "preferred_username" not in light and light["azp"] == APP


async def test_secure_ciba_authentication_request_signing_algorithm_enforce_executor_dynamic_registration(
    ciba: tuple[Env, Device],
) -> None:
    """testSecureCibaAuthenticationRequestSigningAlgorithmEnforceExecutor, its dynamic client registration part:
    the profile's default RS512 is no FAPI algorithm, so PS256 is the default; a registration naming an algorithm
    FAPI refuses is refused and leaves the client as it was; ES256 as the profile's default fills an update naming
    none."""
    env, _ = ciba
    sources = {"update-client-source": ["ByAuthenticatedUser", "ByInitialAccessToken", "ByRegistrationAccessToken"]}
    policy = {"condition": "client-updater-context", "configuration": sources}
    await put_policy(env, "secure-ciba-req-sig-algorithm", {"default-algorithm": "RS512"}, **policy)
    refused = await env.http.post(
        "/admin/realms/test/clients",
        json={"clientId": "App-in-Dynamic-0", "secret": "secret", "attributes": {ALG: "RS384"}},
        headers=await env.admin_headers(),
    )
    assert_error(refused, 400, "invalid_request", "not allowed signature algorithm.")
    field = "backchannel_authentication_request_signing_alg"
    rep = await created(env, {"client_name": "App-in-Dynamic", field: "ES256"}, await initial_token(env))
    registered = (await events(env, "CLIENT_REGISTER"))[0]
    assert registered["clientId"] == rep["client_id"] and registered.get("userId") is None
    bad = await env.http.put(
        f"/realms/test/clients-registrations/openid-connect/{rep['client_id']}",
        json={**rep, field: "RS256"},
        headers={"Authorization": f"Bearer {rep['registration_access_token']}"},
    )
    assert_error(bad, 400, "invalid_request", "not allowed signature algorithm.")  # ErrorResponseException(cpe)
    assert (await get(env, rep))[field] == "ES256"
    rep = await update(env, {**rep, field: "ES384"})
    assert (await get(env, rep))[field] == "ES384"
    second = await created(env, {"client_name": "App-in-Dynamic-2"}, await initial_token(env))
    assert (await get(env, second))[field] == "PS256"
    await put_policy(env, "secure-ciba-req-sig-algorithm", {"default-algorithm": "ES256"}, **policy)
    second = await update(env, {k: v for k, v in second.items() if k != field})
    assert (await get(env, second))[field] == "ES256"
