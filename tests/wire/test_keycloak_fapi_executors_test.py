"""Keycloak's ClientPoliciesExecutorTest (testsuite/.../client/policies/ClientPoliciesExecutorTest.java), the methods
of the FAPI executors (secure-request-object, secure-signature-algorithm, secure-signature-algorithm-signed-jwt,
secure-par-content, secure-client-authentication-assertion), and ClientPoliciesTest's holder-of-key-enforcer, each
named after the Java method. The app runs behind the nginx certificate lookup (tests/mtls_port.py).

Where the Java test differs here:
  the clients' keys are a JWK set in ``jwks.string`` (setupJwksUrl serves one at ``jwks.url``), and the request
  objects go in ``request`` or, for the ``request_uri`` cases, are pushed (Keycloak's test application serves
  them at a registered ``request_uri``); the ``invalid_request_uri`` answer a ``request_uri`` gets is asserted
  through testParSecureRequestObjectExecutor;
  the introspection, revocation and logout requests of testSecureSigningAlgorithmForSignedJwtEnforceExecutorWith
  SecureAlg and testSecureClientAuthenticationAssertionExecutor: Doorkeep raises no client policy event there
  (TOKEN_INTROSPECT, TOKEN_REVOKE, LOGOUT_REQUEST), so those parts are left out;
  testSecureClientAuthenticationAssertionExecutor's assertion with two audiences needs Keycloak's test-only
  switch allowing several audiences in client authentication, which Doorkeep does not have: left out.
"""

from __future__ import annotations

from typing import Any

import jwt
import pytest

import client_policies_port
import mtls_port
from client_policies_port import (
    POLICY_NAME,
    PROFILE_NAME,
    SAMPLE_CLIENT_ROLE,
    ClientPolicyRefused,
    add_client_role,
    condition,
    executor,
    get_client_by_admin,
    policy,
    profile,
    realm_fixture,
    realm_rep,
    suffixed,
    update_client_by_admin,
    update_policies,
    update_profiles,
)
from fapi_port import (
    ISSUER,
    KEYS,
    PAR,
    REDIRECT,
    assert_client_policy_error,
    assertion,
    assertion_form,
    authorize,
    client_policy_event,
    create_client_by_admin,
    log_in,
    login_query,
    post_token,
    push,
    redirected_error,
    request_object,
    sign,
)
from keycloak_port import admin_headers, get
from mtls_port import with_default_certificate, with_other_certificate
from role_port import call
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = mtls_port.anyio_backend, mtls_port.shared_env
env = realm_fixture(realm_rep)
no_policies = client_policies_port.no_policies
EXECUTOR_SPI = "org.keycloak.services.clientpolicy.executor.ClientPolicyExecutorProvider"
NOT_MATCHING = "Invalid parameter. Parameters in 'request' object not matching with request parameters"
SECRET = "secret"


async def use_profile(env: Env, *executors: dict[str, Any], conditions: list[dict[str, Any]] | None = None) -> None:
    """The profile of ``executors`` and the policy applying it (client role SAMPLE_CLIENT_ROLE by default)."""
    await update_profiles(env, profile(PROFILE_NAME, "Prvy Profil", *executors))
    if conditions is None:
        conditions = [condition("client-roles", {"roles": [SAMPLE_CLIENT_ROLE]})]
    await update_policies(env, policy(POLICY_NAME, "Prva Politika", True, conditions, [PROFILE_NAME]))


async def exchange(env: Env, client_id: str, code: str, **form: str) -> dict[str, Any]:
    data = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "client_id": client_id}
    response = await post_token(env, {**data, "client_secret": SECRET, **form})
    assert response.status_code == 200, response.text
    return dict(response.json())


async def login_with_request(env: Env, client_id: str, ro: dict[str, Any], alg: str = "ES256") -> None:
    """``successfulLoginAndLogout`` with the request object ``ro`` sent as ``request``."""
    page = await authorize(env, **login_query(client_id, state=ro.get("state")), request=sign(ro, alg))
    answer = await log_in(env, page)
    await exchange(env, client_id, answer["code"])


async def refused_request(env: Env, client_id: str, ro: dict[str, Any], error: str, detail: str, **query: Any) -> None:
    """The authorization request with ``ro`` sent back to the client with the executor's refusal and its event."""
    q = login_query(client_id, **{"state": ro.get("state"), **query})
    response = await authorize(env, **q, request=sign(ro, "ES256"))
    assert redirected_error(response) == (error, detail)
    assert_client_policy_error(await client_policy_event(env, client_id), error, detail)


async def request_object_client(env: Env) -> str:
    client_id = suffixed("Zahlungs-App")
    cid = await create_client_by_admin(env, client_id, secret=SECRET, attributes=dict(KEYS))
    await add_client_role(env, cid, SAMPLE_CLIENT_ROLE)
    return client_id


async def test_secure_request_object_executor(env: Env) -> None:
    """testSecureRequestObjectExecutor: available period 3600 + 400 s, clock skew 30 s; each claim the executor
    needs missing or off, then a valid one; the default configuration; ``verify-nbf`` off; encryption required."""
    period, skew = 4000, 30
    await use_profile(env, executor("secure-request-object", {"available-period": period, "allowed-clock-skew": skew}))
    client_id = await request_object_client(env)
    now = env.clock.now()

    # no request object
    response = await authorize(env, **login_query(client_id))
    missing = "Missing parameter: 'request' or 'request_uri'"
    assert redirected_error(response) == ("invalid_request", missing)
    assert_client_policy_error(await client_policy_event(env, client_id), "invalid_request", missing)

    # scope, client_id, response_type in the query but not in the request object
    for left_out in ("scope", "client_id", "response_type"):
        await refused_request(
            env, client_id, request_object(env, client_id, **{left_out: None}), "invalid_request", NOT_MATCHING
        )
    # no scope anywhere
    ro = request_object(env, client_id, scope=None)
    detail = "Parameter 'scope' missing in the request parameters or in 'request' object"
    await refused_request(env, client_id, ro, "invalid_request", detail, scope=None)

    bad = "invalid_request_object"
    await refused_request(
        env, client_id, request_object(env, client_id, exp=None), bad, "Missing parameter in the 'request' object: exp"
    )
    await refused_request(env, client_id, request_object(env, client_id, exp=0), bad, "Request Expired")
    await refused_request(
        env, client_id, request_object(env, client_id, nbf=None), bad, "Missing parameter in the 'request' object: nbf"
    )
    ro = request_object(env, client_id, nbf=now + skew + 10)
    await refused_request(env, client_id, ro, bad, "Request not yet being processed")
    await login_with_request(env, client_id, request_object(env, client_id, nbf=now + skew - 10))
    ro = request_object(env, client_id, iat=now + skew + 10)
    await refused_request(env, client_id, ro, bad, "Request issued in the future")
    await login_with_request(env, client_id, request_object(env, client_id, iat=now + skew - 10))
    ro = request_object(env, client_id, exp=now + period + 1)
    await refused_request(env, client_id, ro, bad, "Request's available period is long")
    ro = request_object(env, client_id, aud=None)
    await refused_request(env, client_id, ro, bad, "Missing parameter in the 'request' object: aud")
    ro = request_object(env, client_id, aud="http://localhost")
    await refused_request(env, client_id, ro, bad, "Invalid parameter in the 'request' object: aud")
    ro = request_object(env, client_id, state="notmatchstate")
    await refused_request(env, client_id, ro, "invalid_request", NOT_MATCHING, state="wrongstate")
    await login_with_request(env, client_id, request_object(env, client_id))

    # no configuration: nbf required, available period 3600 s
    await use_profile(env, executor("secure-request-object"))
    await refused_request(
        env, client_id, request_object(env, client_id, nbf=None), bad, "Missing parameter in the 'request' object: nbf"
    )
    ro = request_object(env, client_id, nbf=now + 600)
    await refused_request(env, client_id, ro, bad, "Request not yet being processed")
    ro = request_object(env, client_id, exp=now + 3600 + 1)
    await refused_request(env, client_id, ro, bad, "Request's available period is long")

    # nbf not verified
    await use_profile(env, executor("secure-request-object", {"verify-nbf": False}))
    await login_with_request(env, client_id, request_object(env, client_id, nbf=None))
    await login_with_request(env, client_id, request_object(env, client_id, nbf=now + 600))
    await login_with_request(env, client_id, request_object(env, client_id, exp=now + 3600 + 1))

    # encryption required
    await use_profile(env, executor("secure-request-object", {"encryption-required": True}))
    await refused_request(env, client_id, request_object(env, client_id), bad, "Request object not encrypted")


async def test_par_secure_request_object_executor(env: Env) -> None:
    """testParSecureRequestObjectExecutor: a pushed request object passes, then one without ``exp``, one without
    ``nbf`` and one for another audience are refused at the authorization endpoint as ``invalid_request_uri``
    (the query names a ``request_uri``); one holding a ``request_uri`` is refused by the PAR endpoint."""
    await use_profile(env, executor("secure-request-object", {"available-period": 4000, "verify-nbf": True}))
    client_id = await request_object_client(env)
    auth = {"client_id": client_id, "client_secret": SECRET}

    ro = request_object(env, client_id)
    pushed = await push(env, {**auth, "request": sign(ro, "PS256")})
    assert pushed.status_code == 201, pushed.text
    page = await authorize(env, client_id=client_id, request_uri=pushed.json()["request_uri"])
    assert (await log_in(env, page)).get("code")

    for over in ({"exp": None}, {"nbf": None}, {"aud": "https://www.other1.example.com/"}):
        pushed = await push(env, {**auth, "request": sign(request_object(env, client_id, **over), "PS256")})
        assert pushed.status_code == 201, pushed.text
        response = await authorize(env, client_id=client_id, request_uri=pushed.json()["request_uri"])
        assert redirected_error(response)[0] == "invalid_request_uri", over

    pushed = await push(env, {**auth, "request": sign(request_object(env, client_id, request_uri="foo"), "PS256")})
    assert pushed.status_code == 400
    assert pushed.json()["error"] == "invalid_request_object"


SIGNATURE_ATTRIBUTES = (
    "user.info.response.signature.alg",
    "request.object.signature.alg",
    "id.token.signed.response.alg",
    "token.endpoint.auth.signing.alg",
    "access.token.signed.response.alg",
)


async def test_secure_signing_algorithm_enforce_executor(env: Env) -> None:
    """testSecureSigningAlgorithmEnforceExecutor: by the admin API (the access token's algorithm judged too) and by
    dynamic registration; an algorithm left out is set to ``default-algorithm`` (PS256 when it names no FAPI
    one)."""
    updaters = {"update-client-source": ["ByAuthenticatedUser", "ByInitialAccessToken", "ByRegistrationAccessToken"]}
    await use_profile(
        env, executor("secure-signature-algorithm"), conditions=[condition("client-updater-context", updaters)]
    )

    with pytest.raises(ClientPolicyRefused) as refused:
        attributes = {"user.info.response.signature.alg": "none"}
        await create_client_by_admin(env, suffixed("App-by-Admin"), secret=SECRET, attributes=attributes)
    assert (refused.value.error, refused.value.description) == ("invalid_request", "not allowed signature algorithm.")

    chosen = dict.fromkeys(SIGNATURE_ATTRIBUTES, "ES256") | {"user.info.response.signature.alg": "PS256"}
    admin_id = await create_client_by_admin(env, suffixed("App-by-Admin"), attributes=chosen)
    admin2_id = await create_client_by_admin(env, suffixed("App-by-Admin2"))
    attributes = (await get_client_by_admin(env, admin2_id))["attributes"]
    assert [attributes[a] for a in SIGNATURE_ATTRIBUTES] == ["PS256"] * 5

    with pytest.raises(ClientPolicyRefused) as refused:
        await update_client_by_admin(env, admin_id, attributes={"access.token.signed.response.alg": "RS512"})
    assert refused.value.error == "invalid_request"
    assert (await get_client_by_admin(env, admin_id))["attributes"]["access.token.signed.response.alg"] == "ES256"
    await update_client_by_admin(env, admin_id, attributes={"access.token.signed.response.alg": "PS384"})
    assert (await get_client_by_admin(env, admin_id))["attributes"]["access.token.signed.response.alg"] == "PS384"

    # ES256 by default: the algorithms a client leaves out get it
    await use_profile(
        env,
        executor("secure-signature-algorithm", {"default-algorithm": "ES256"}),
        conditions=[condition("client-updater-context", updaters)],
    )
    rep = await get_client_by_admin(env, admin2_id)
    kept = {k: v for k, v in rep["attributes"].items() if k not in SIGNATURE_ATTRIBUTES}
    response = await _put_client(env, admin2_id, {**rep, "attributes": kept})
    assert response == 204
    attributes = (await get_client_by_admin(env, admin2_id))["attributes"]
    assert [attributes[a] for a in SIGNATURE_ATTRIBUTES] == ["ES256"] * 5

    # an unknown default falls back to PS256; dynamic registration
    await use_profile(
        env,
        executor("secure-signature-algorithm", {"default-algorithm": "RS512"}),
        conditions=[condition("client-updater-context", updaters)],
    )
    refused_reg = await _register(env, userinfo_signed_response_alg="RS384")
    assert refused_reg.status_code == 400
    assert refused_reg.json() == {"error": "invalid_request", "error_description": "not allowed signature algorithm."}
    algs = {
        "userinfo_signed_response_alg": "ES256",
        "request_object_signing_alg": "ES256",
        "id_token_signed_response_alg": "PS256",
        "token_endpoint_auth_signing_alg": "PS256",
    }
    registered = await _register(env, **algs)
    assert registered.status_code == 201, registered.text
    body = registered.json()
    headers = {"Authorization": f"Bearer {body['registration_access_token']}"}
    url = f"/realms/test/clients-registrations/openid-connect/{body['client_id']}"
    changed = await env.http.put(url, json={**body, "id_token_signed_response_alg": "RS256"}, headers=headers)
    assert changed.status_code == 400
    changed = await env.http.put(url, json={**body, "id_token_signed_response_alg": "ES384"}, headers=headers)
    assert changed.status_code == 200, changed.text
    assert changed.json()["id_token_signed_response_alg"] == "ES384"

    second = await _register(env)
    assert second.status_code == 201, second.text
    assert [second.json()[k] for k in algs] == ["PS256"] * 4
    # the access token's algorithm is no OIDC client metadata: registration leaves it alone
    (rep,) = await _clients(env, second.json()["client_id"])
    assert "access.token.signed.response.alg" not in rep["attributes"]


async def _put_client(env: Env, cid: str, rep: dict[str, Any]) -> int:
    return (await call(env, "PUT", f"/clients/{cid}", rep)).status_code


async def _clients(env: Env, client_id: str) -> list[dict[str, Any]]:
    return list(await get(env, "/clients", clientId=client_id))


async def _register(env: Env, **metadata: Any) -> Any:
    made = await call(env, "POST", "/clients-initial-access", {"count": 1})
    assert made.status_code == 201, made.text
    return await env.http.post(
        "/realms/test/clients-registrations/openid-connect",
        json={"client_name": suffixed("App-in-Dynamic"), "redirect_uris": [REDIRECT], **metadata},
        headers={"Authorization": f"Bearer {made.json()['token']}"},
    )


async def jwt_client(env: Env, alg: str) -> str:
    client_id = suffixed("Zahlungs-App")
    attributes = {**KEYS, "token.endpoint.auth.signing.alg": alg}
    cid = await create_client_by_admin(env, client_id, clientAuthenticatorType="client-jwt", attributes=attributes)
    await add_client_role(env, cid, "sample-client-role-alpha")
    return client_id


async def jwt_code(env: Env, client_id: str) -> str:
    return (await log_in(env, await authorize(env, **login_query(client_id))))["code"]


async def test_secure_signing_algorithm_for_signed_jwt_enforce_executor_with_secure_alg(env: Env) -> None:
    """testSecureSigningAlgorithmForSignedJwtEnforceExecutorWithSecureAlg: ``require-client-assertion``, an ES256
    assertion at the code exchange and at the refresh."""
    roles = {"roles": ["sample-client-role-alpha", "sample-client-role-zeta"]}
    config = {"require-client-assertion": True}
    await use_profile(
        env, executor("secure-signature-algorithm-signed-jwt", config), conditions=[condition("client-roles", roles)]
    )
    client_id = await jwt_client(env, "ES256")
    code = await jwt_code(env, client_id)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    tokens = await post_token(env, {**form, **assertion_form(assertion(env, client_id, "ES256"))})
    assert tokens.status_code == 200, tokens.text
    refresh = {"grant_type": "refresh_token", "refresh_token": tokens.json()["refresh_token"]}
    refreshed = await post_token(env, {**refresh, **assertion_form(assertion(env, client_id, "ES256"))})
    assert refreshed.status_code == 200, refreshed.text


async def test_secure_signing_algorithm_for_signed_jwt_enforce_executor_with_not_secure_alg(env: Env) -> None:
    """testSecureSigningAlgorithmForSignedJwtEnforceExecutorWithNotSecureAlg: an RS256 assertion is refused at the
    code exchange: 400 ``invalid_grant`` (AuthorizationCodeGrantType's answer to a policy) with the detail."""
    roles = {"roles": ["sample-client-role-alpha", "sample-client-role-zeta"]}
    config = {"require-client-assertion": False}
    await use_profile(
        env, executor("secure-signature-algorithm-signed-jwt", config), conditions=[condition("client-roles", roles)]
    )
    client_id = await jwt_client(env, "RS256")
    code = await jwt_code(env, client_id)
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    tokens = await post_token(env, {**form, **assertion_form(assertion(env, client_id, "RS256"))})
    assert tokens.status_code == 400
    assert tokens.json() == {"error": "invalid_grant", "error_description": "not allowed signature algorithm."}
    event = await client_policy_event(env, client_id, "CODE_TO_TOKEN_ERROR")
    assert event["error"] == "invalid_request", event


ANY_CLIENT = [condition("any-client")]
PAR_MISMATCH = "PAR request did not include necessary parameters"


async def test_secure_par_contents_executor(env: Env) -> None:
    """testSecureParContentsExecutor: an authorization request adding ``state`` to what was pushed is the error
    page (the event names no client: PRE_AUTHORIZATION_REQUEST comes before checkClient); one that sends
    nothing more logs in."""
    await use_profile(env, executor("secure-par-content"), conditions=ANY_CLIENT)
    client_id = suffixed("Beta-App")
    await create_client_by_admin(env, client_id, secret="secretBeta")
    auth = {"client_id": client_id, "client_secret": "secretBeta"}
    form = {**auth, "response_type": "code", "redirect_uri": REDIRECT, "scope": "openid"}

    pushed = await push(env, form)
    assert pushed.status_code == 201, pushed.text
    page = await authorize(
        env, client_id=client_id, state="randomstatesomething", request_uri=pushed.json()["request_uri"]
    )
    assert page.status_code == 400 and "location" not in page.headers
    assert PAR_MISMATCH in page.text
    event = await client_policy_event(env, None)
    assert event.get("clientId") is None, event
    assert_client_policy_error(event, "invalid_request", PAR_MISMATCH)
    # the refused pushed request is used up
    again = await authorize(env, client_id=client_id, request_uri=pushed.json()["request_uri"])
    assert "PAR not found. not issued or used multiple times." in again.text

    pushed = await push(env, form)
    page = await authorize(env, client_id=client_id, request_uri=pushed.json()["request_uri"])
    answer = await log_in(env, page)
    await exchange(env, client_id, answer["code"], client_secret="secretBeta")

    # no request_uri, or one that names no pushed request
    page = await authorize(env, **login_query(client_id))
    assert page.status_code == 400 and "request_uri not included." in page.text
    page = await authorize(env, client_id=client_id, request_uri="https://client.example/ro.jwt")
    assert page.status_code == 400 and "PAR request_uri not included." in page.text


async def test_secure_par_contents_executor_with_request_object(env: Env) -> None:
    """testSecureParContentsExecutorWithRequestObject: an unsigned request object pushed without ``state``, then an
    authorization request with one (refused); pushed with ``state``, the same authorization request logs in."""
    await use_profile(env, executor("secure-par-content"), conditions=ANY_CLIENT)
    client_id = suffixed("test-app")
    await create_client_by_admin(env, client_id, secret=SECRET)
    auth = {"client_id": client_id, "client_secret": SECRET}
    ro = {"client_id": client_id, "response_type": "code", "redirect_uri": REDIRECT, "scope": "openid", "max_age": 10}

    pushed = await push(env, {**auth, "request": sign(ro, "none")})
    assert pushed.status_code == 201, pushed.text
    page = await authorize(env, client_id=client_id, request_uri=pushed.json()["request_uri"], state="mystate2")
    assert page.status_code == 400 and PAR_MISMATCH in page.text

    pushed = await push(env, {**auth, "request": sign({**ro, "state": "mystate2"}, "none"), "state": "mystate2"})
    assert pushed.status_code == 201, pushed.text
    page = await authorize(env, client_id=client_id, request_uri=pushed.json()["request_uri"], state="mystate2")
    answer = await log_in(env, page)
    assert answer["state"] == "mystate2"
    await exchange(env, client_id, answer["code"])


async def test_secure_client_authentication_assertion_executor(env: Env) -> None:
    """testSecureClientAuthenticationAssertionExecutor: the assertion's single audience must be the realm's issuer
    URL at the PAR endpoint, the code exchange and the refresh (the PAR and token endpoint URLs are audiences
    client authentication accepts, the executor does not)."""
    await use_profile(env, executor("secure-client-authentication-assertion"), conditions=ANY_CLIENT)
    client_id = suffixed("Zahlungs-App")
    await create_client_by_admin(env, client_id, clientAuthenticatorType="client-jwt", attributes=dict(KEYS))
    form = {"client_id": client_id, "response_type": "code", "redirect_uri": REDIRECT, "scope": "openid"}

    pushed = await push(
        env, {**form, **assertion_form(assertion(env, client_id, "RS256", ISSUER + PAR[len("/realms/test") :]))}
    )
    assert pushed.status_code == 400, pushed.text
    assert pushed.json() == {"error": "invalid_request", "error_description": "invalid audience in client assertion"}
    pushed = await push(env, {**form, **assertion_form(assertion(env, client_id, "RS256"))})
    assert pushed.status_code == 201, pushed.text
    page = await authorize(env, client_id=client_id, request_uri=pushed.json()["request_uri"])
    code = (await log_in(env, page))["code"]

    token_aud = f"{ISSUER}/protocol/openid-connect/token"
    exchange_form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}
    tokens = await post_token(env, {**exchange_form, **assertion_form(assertion(env, client_id, "RS256", token_aud))})
    assert tokens.status_code == 400, tokens.text

    code = (await log_in(env, await authorize(env, **login_query(client_id))))["code"]
    exchange_form["code"] = code
    tokens = await post_token(env, {**exchange_form, **assertion_form(assertion(env, client_id, "RS256"))})
    assert tokens.status_code == 200, tokens.text
    refresh = {"grant_type": "refresh_token", "refresh_token": tokens.json()["refresh_token"]}
    refused = await post_token(env, {**refresh, **assertion_form(assertion(env, client_id, "RS256", token_aud))})
    assert refused.status_code == 400
    assert refused.json()["error_description"] == "invalid audience in client assertion"
    refreshed = await post_token(env, {**refresh, **assertion_form(assertion(env, client_id, "RS256"))})
    assert refreshed.status_code == 200, refreshed.text


async def test_holder_of_key_enforce_executor(env: Env) -> None:
    """ClientPoliciesTest.testHolderOfKeyEnforceExecutor: ``auto-configure`` turns certificate-bound tokens on for a
    client registered by the admin API (without it, a client without them is refused); a token request without
    a client certificate is refused; with one, the tokens are bound, and a refresh with another certificate is
    refused."""
    await use_profile(env, executor("holder-of-key-enforcer", {"auto-configure": False}))
    client_id = suffixed("Zahlungs-App")
    cid = await create_client_by_admin(env, client_id, secret=SECRET)
    await add_client_role(env, cid, SAMPLE_CLIENT_ROLE)
    with pytest.raises(ClientPolicyRefused) as refused:
        await update_client_by_admin(env, cid, description="changed")
    assert (refused.value.error, refused.value.description) == (
        "invalid_client_metadata",
        "Invalid client metadata: MTLS token in disabled",
    )
    await use_profile(env, executor("holder-of-key-enforcer", {"auto-configure": True}))
    await update_client_by_admin(env, cid, description="changed")
    attributes = (await get_client_by_admin(env, cid))["attributes"]
    assert attributes["tls.client.certificate.bound.access.tokens"] == "true"

    code = (await log_in(env, await authorize(env, **login_query(client_id))))["code"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, "client_id": client_id}
    tokens = await post_token(env, {**form, "client_secret": SECRET})
    assert tokens.status_code == 400
    assert tokens.json()["error_description"] == "Client Certification missing for MTLS HoK Token Binding"

    code = (await log_in(env, await authorize(env, **login_query(client_id))))["code"]
    form["code"] = code
    tokens = await post_token(env, {**form, "client_secret": SECRET}, with_default_certificate())
    assert tokens.status_code == 200, tokens.text
    cnf = jwt.decode(tokens.json()["access_token"], options={"verify_signature": False})["cnf"]
    assert cnf == {"x5t#S256": mtls_port.DEFAULT.thumbprint}
    refresh = {"grant_type": "refresh_token", "refresh_token": tokens.json()["refresh_token"], "client_id": client_id}
    refused_refresh = await post_token(env, {**refresh, "client_secret": SECRET}, with_other_certificate())
    assert refused_refresh.status_code == 400
    assert refused_refresh.json()["error"] == "invalid_grant"
    refreshed = await post_token(env, {**refresh, "client_secret": SECRET}, with_default_certificate())
    assert refreshed.status_code == 200, refreshed.text


async def test_server_info_lists_the_fapi_executors(env: Env) -> None:
    """Server info's componentTypes for ClientPolicyExecutorProvider: each FAPI executor with its factory's help
    text and config properties (SecureRequestObjectExecutorFactory's four, with their defaults)."""
    response = await env.http.get("/admin/serverinfo", headers=await admin_headers(env))
    assert response.status_code == 200, response.text
    types = {t["id"]: t for t in response.json()["componentTypes"][EXECUTOR_SPI]}
    assert set(types) >= {
        "secure-signature-algorithm",
        "secure-signature-algorithm-signed-jwt",
        "secure-request-object",
        "secure-par-content",
        "secure-client-authentication-assertion",
        "holder-of-key-enforcer",
    }
    props = {p["name"]: (p["type"], p["defaultValue"]) for p in types["secure-request-object"]["properties"]}
    assert props == {
        "verify-nbf": ("boolean", True),
        "available-period": ("String", "3600"),
        "encryption-required": ("boolean", False),
        "allowed-clock-skew": ("String", "15"),
    }
    (alg,) = types["secure-signature-algorithm"]["properties"]
    assert (alg["name"], alg["type"], alg["defaultValue"]) == ("default-algorithm", "List", "PS256")
    assert alg["options"] == ["PS256", "PS384", "PS512", "ES256", "ES384", "ES512"]
    assert types["secure-par-content"]["properties"] == []
