"""panva's openid-client 6 (npm; the OpenID-certified Node.js relying party, on oauth4webapi) against a real
``doorkeep start-dev``, one server and one realm for the module: discovery, the authorization code flow with PKCE
(RFC 9207 ``iss`` included), offline access with rotation, every client authentication method, DPoP, PAR, JAR,
JARM, the hybrid flow, introspection, revocation, userinfo (plain and signed), the device and CIBA grants, token
exchange and RP-initiated logout, each as the library makes and checks it (tests/openid_client/driver.mjs)."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from ciba_flow import Device, device
from interop.openid_client_support import (
    HMAC,
    HMAC_SECRET,
    LOGGED_OUT,
    PUBLIC,
    REALM,
    REDIRECT,
    SEALED,
    SEALED_SECRET,
    SEALING,
    SIGNED,
    USERNAME,
    WEB,
    WEB_SECRET,
    ClientKey,
    finish,
    log_in,
    ok,
    realm_rep,
    run,
    start,
)
from interop.server import DoorkeepProcess, port_from_env

pytestmark = pytest.mark.interop

CIBA_CHANNEL = "--spi-ciba-auth-channel-ciba-http-auth-channel-http-authentication-channel-uri"


@pytest.fixture(scope="module")
def key() -> ClientKey:
    return ClientKey.generate()


@pytest.fixture(scope="module")
def auth_device() -> Iterator[Device]:
    with device(port_from_env()) as receiver:
        yield receiver


@pytest.fixture(scope="module")
def server(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    key: ClientKey,
    auth_device: Device,
    report_module_server: Callable[[DoorkeepProcess], None],
) -> Iterator[DoorkeepProcess]:
    folder = tmp_path_factory.mktemp("openid-client")
    realm_file = folder / "realm.json"
    realm_file.write_text(json.dumps(realm_rep(key)))
    # SQLite, or a fresh database of the session's throwaway PostgreSQL under DOORKEEP_WIRE_ENGINE=postgresql
    postgres = os.environ.get("DOORKEEP_WIRE_ENGINE") == "postgresql"
    doorkeep = DoorkeepProcess(
        folder / "server",
        port=port_from_env(),
        db_url=request.getfixturevalue("postgres_url_of_module") if postgres else None,
        import_realms=[realm_file],
        options=[CIBA_CHANNEL, auth_device.url],
    )
    report_module_server(doorkeep)
    doorkeep.start()
    yield doorkeep
    doorkeep.stop()


def issuer(server: DoorkeepProcess) -> str:
    return f"{server.base_url}/realms/{REALM}"


def plan(
    server: DoorkeepProcess, client: str, auth: dict[str, Any], *steps: dict[str, Any], **more: Any
) -> dict[str, Any]:
    return {"issuer": issuer(server), "clientId": client, "auth": auth, "steps": list(steps), **more}


def basic(method: str = "client_secret_basic") -> dict[str, Any]:
    return {"method": method, "secret": WEB_SECRET}


def signed(key: ClientKey) -> dict[str, Any]:
    return {"method": "private_key_jwt", "jwk": key.private}


def signed_in(
    server: DoorkeepProcess, client: str, auth: dict[str, Any], *after: dict[str, Any], **how: Any
) -> list[dict[str, Any]]:
    """The authorization code flow: the driver builds the request (``how``: scope, params, par, jar, execute,
    metadata, dpop), the user signs in over HTTP, the driver redeems the response, then runs the ``after`` steps."""
    extra = {k: how.pop(k) for k in ("execute", "metadata", "decrypt") if k in how}
    first: list[dict[str, Any]] = [{"op": "dpop"}] if how.pop("dpop", False) else []
    http = how.pop("http", None)
    redeem = how.pop("redeem", "callback")  # or "implicit"
    begun = run(plan(server, client, auth, *first, {"op": "authorize", "redirectUri": REDIRECT, **how}, **extra))
    authorized = ok(begun[-1])
    landing = log_in(authorized["url"], http=http)
    callback: dict[str, Any] = {"op": redeem, "checks": authorized["checks"], "redirectUri": REDIRECT}
    callback |= {"form": landing.form} if landing.form else {"url": landing.url}
    steps = [*([{"op": "dpop", "jwk": ok(begun[0])["jwk"]}] if first else []), callback, *after]
    results = run(plan(server, client, auth, *steps, **extra))
    for prepared in results[: len(first)]:
        ok(prepared)
    return results[len(first) :]


def test_discovery_gives_the_library_the_realm_s_metadata_under_its_issuer(server: DoorkeepProcess) -> None:
    (metadata,) = run(plan(server, WEB, basic(), {"op": "discover"}))
    assert ok(metadata)["issuer"] == issuer(server)
    assert metadata["authorization_response_iss_parameter_supported"] is True
    assert "S256" in metadata["code_challenge_methods_supported"]
    (oauth2,) = run(plan(server, WEB, basic(), {"op": "discover"}, algorithm="oauth2"))  # RFC 8414's well-known URL
    assert ok(oauth2) == metadata


def test_code_flow_tokens_serve_userinfo_introspection_exchange_revocation_and_logout(
    server: DoorkeepProcess,
) -> None:
    agent = httpx.Client(timeout=10)
    tokens, userinfo, active, exchanged, revoked, inactive, refused, logout = signed_in(
        server,
        WEB,
        basic(),
        {"op": "userinfo"},
        {"op": "introspect", "token": "access"},
        {"op": "tokenExchange"},
        {"op": "revoke", "token": "access"},
        {"op": "introspect", "token": "access"},
        {"op": "userinfo"},
        {"op": "endSession", "idTokenHint": True, "params": {"post_logout_redirect_uri": LOGGED_OUT, "state": "bye"}},
        params={"max_age": "300"},
        http=agent,
    )
    assert ok(tokens)["token_type"] == "bearer"  # oauth4webapi lower-cases it
    assert tokens["idClaims"]["azp"] == WEB and tokens["idClaims"]["auth_time"] > 0
    assert tokens["access"]["claims"]["preferred_username"] == USERNAME
    assert ok(userinfo)["preferred_username"] == USERNAME and userinfo["sub"] == tokens["idClaims"]["sub"]
    assert ok(active)["active"] is True and active["client_id"] == WEB
    assert ok(exchanged)["issued_token_type"] == "urn:ietf:params:oauth:token-type:access_token"
    assert exchanged["access"]["claims"]["azp"] == WEB
    assert ok(revoked) == {"revoked": True}
    assert ok(inactive) == {"active": False}
    challenge = refused["error"]  # RFC 6750 §3, as the library parses the userinfo endpoint's 401
    assert (challenge["name"], challenge["status"]) == ("WWWAuthenticateChallengeError", 401)
    assert (
        challenge["cause"][0]["scheme"] == "bearer" and challenge["cause"][0]["parameters"]["error"] == "invalid_token"
    )
    back = log_in(ok(logout)["url"], back_to=LOGGED_OUT, http=agent)
    assert back.params() == {"state": "bye"}
    (after,) = run(plan(server, WEB, basic(), {"op": "refresh", "token": tokens["refresh_token"]}))
    assert after["error"]["error"] == "invalid_grant", after
    agent.close()


def test_offline_token_refreshes_and_rotates_its_used_token_is_refused(server: DoorkeepProcess) -> None:
    tokens, rotated, reused, newest = signed_in(
        server,
        WEB,
        basic("client_secret_post"),
        {"op": "refresh"},
        {"op": "refresh", "token": "first-refresh"},
        {"op": "refresh"},
        scope="openid offline_access",
    )
    assert ok(tokens)["refresh"]["claims"]["typ"] == "Offline" and "offline_access" in tokens["scope"].split()
    assert ok(rotated)["refresh"]["claims"]["typ"] == "Offline"
    assert rotated["refresh_token"] != tokens["refresh_token"]
    assert rotated["idClaims"]["sub"] == tokens["idClaims"]["sub"]  # at_hash checked by the library
    assert reused["error"]["error"] == "invalid_grant"
    assert reused["error"]["error_description"] == "Maximum allowed refresh token reuse exceeded"
    assert newest["error"]["error_description"] == "Session doesn't have required client"  # detached on reuse


@pytest.mark.parametrize(
    ("client", "auth"),
    [
        (WEB, {"method": "client_secret_basic", "secret": WEB_SECRET}),
        (WEB, {"method": "client_secret_post", "secret": WEB_SECRET}),
        (HMAC, {"method": "client_secret_jwt", "secret": HMAC_SECRET}),
        (SIGNED, "private_key_jwt"),
    ],
)
def test_each_client_authentication_method_gets_introspects_and_revokes_a_service_token(
    server: DoorkeepProcess, key: ClientKey, client: str, auth: dict[str, Any] | str
) -> None:
    method = signed(key) if auth == "private_key_jwt" else auth
    assert isinstance(method, dict)
    tokens, active, revoked, inactive = run(
        plan(
            server,
            client,
            method,
            {"op": "clientCredentials"},
            {"op": "introspect", "token": "access"},
            {"op": "revoke", "token": "access"},
            {"op": "introspect", "token": "access"},
        )
    )
    assert ok(tokens)["access"]["claims"]["preferred_username"] == f"service-account-{client}"
    assert ok(active)["active"] is True and active["client_id"] == client
    assert ok(revoked) == {"revoked": True} and ok(inactive) == {"active": False}


SECRET_JWT_FAILED = "Client authentication with client secret signed JWT failed: "
SIGNED_JWT_FAILED = "Client authentication with signed JWT failed: "
# Keycloak's three authenticators' answers: ClientIdAndSecretAuthenticator 401, JWTClientSecretAuthenticator 400
# unauthorized_client, JWTClientAuthenticator 400 invalid_client.
WRONG_CREDENTIALS = {
    "client_secret_basic": (401, "unauthorized_client", "Invalid client or Invalid client credentials"),
    "client_secret_jwt": (
        400,
        "unauthorized_client",
        f"{SECRET_JWT_FAILED}Signature on JWT token by client secret  failed validation",  # sic, two spaces
    ),
    "private_key_jwt": (400, "invalid_client", f"{SIGNED_JWT_FAILED}Signature on JWT token failed validation"),
}


@pytest.mark.parametrize("method", list(WRONG_CREDENTIALS))
def test_a_wrong_client_credential_is_keycloak_s_error_as_the_library_reports_it(
    server: DoorkeepProcess, key: ClientKey, method: str
) -> None:
    cases: dict[str, tuple[str, dict[str, Any]]] = {
        "client_secret_basic": (WEB, {"method": method, "secret": "wrong"}),
        "client_secret_jwt": (HMAC, {"method": method, "secret": "wrong" * 8}),
        # signed with another key under the registered key's kid
        "private_key_jwt": (
            SIGNED,
            {"method": method, "jwk": key.sealing | {"alg": "ES256", "use": "sig", "kid": "oc-signed-1"}},
        ),
    }
    client, auth = cases[method]
    (refused,) = run(plan(server, client, auth, {"op": "clientCredentials"}))
    error = refused["error"]
    assert (error["status"], error["error"], error["error_description"]) == WRONG_CREDENTIALS[method]


def test_dpop_bound_tokens_through_par_for_a_public_client(server: DoorkeepProcess) -> None:
    tokens, userinfo, refreshed, account, revoked = signed_in(
        server,
        PUBLIC,
        {"method": "none"},
        {"op": "userinfo"},
        {"op": "refresh"},
        {"op": "resource", "url": f"{issuer(server)}/account/"},
        {"op": "revoke", "token": "refresh"},
        dpop=True,
        par=True,
        scope="openid offline_access",
    )
    jkt = ok(tokens)["access"]["claims"]["cnf"]["jkt"]
    assert tokens["token_type"] == "dpop" and tokens["refresh"]["claims"]["cnf"]["jkt"] == jkt
    assert ok(userinfo)["preferred_username"] == USERNAME
    assert ok(refreshed)["token_type"] == "dpop" and refreshed["access"]["claims"]["cnf"]["jkt"] == jkt
    assert ok(account)["status"] == 200 and account["body"]["username"] == USERNAME  # the Account API takes DPoP
    assert ok(revoked) == {"revoked": True}  # no proof asked: Keycloak's TokenRevocationEndpoint checks none
    (unproven,) = run(plan(server, PUBLIC, {"method": "none"}, {"op": "refresh", "token": refreshed["refresh_token"]}))
    # Keycloak's DPoPTest: a DPoP client refreshing without a proof is refused before the grant runs
    assert unproven["error"]["error"] == "invalid_request"
    assert unproven["error"]["error_description"] == "DPoP proof is missing"


@pytest.mark.parametrize(
    "how",
    [
        {"jar": True},
        {"jar": True, "par": True},
        {"execute": ["useJwtResponseMode"]},
        {"execute": ["useJwtResponseMode"], "params": {"response_mode": "form_post.jwt"}},
        {"execute": ["useCodeIdTokenResponseType"]},
        {"execute": ["useCodeIdTokenResponseType", "enableDetachedSignatureResponseChecks"]},
        {"execute": ["useCodeIdTokenResponseType"], "params": {"response_mode": "form_post"}},
    ],
    ids=["jar", "par-jar", "jarm", "jarm-form-post", "hybrid", "hybrid-detached", "hybrid-form-post"],
)
def test_signed_requests_and_responses_with_a_private_key_jwt_client(
    server: DoorkeepProcess, key: ClientKey, how: dict[str, Any]
) -> None:
    tokens, userinfo = signed_in(
        server,
        SIGNED,
        signed(key),
        {"op": "userinfo"},
        metadata={"userinfo_signed_response_alg": "RS256"},
        **(how | {"execute": ["enableNonRepudiationChecks", *how.get("execute", [])]}),
    )
    assert ok(tokens)["idClaims"]["azp"] == SIGNED
    assert ok(userinfo)["preferred_username"] == USERNAME  # an application/jwt answer, verified


def test_implicit_id_token_response_validates(server: DoorkeepProcess, key: ClientKey) -> None:
    (id_token,) = signed_in(
        server, SIGNED, signed(key), execute=["useIdTokenResponseType"], redeem="implicit", params={"max_age": "60"}
    )
    assert ok(id_token)["azp"] == SIGNED and id_token["auth_time"] > 0


def test_encrypted_id_token_userinfo_and_jarm_response_decrypt_with_the_client_s_key(
    server: DoorkeepProcess, key: ClientKey
) -> None:
    tokens, userinfo = signed_in(
        server,
        SEALED,
        {"method": "client_secret_basic", "secret": SEALED_SECRET},
        {"op": "userinfo"},
        execute=["useJwtResponseMode", "enableNonRepudiationChecks"],
        metadata={"userinfo_signed_response_alg": "RS256"},
        decrypt={"jwk": key.sealing, "enc": SEALING["enc"]},
    )
    assert ok(tokens)["idClaims"]["azp"] == SEALED
    assert tokens["id_token"].count(".") == 4  # a JWE as the server sent it, the library read the JWS inside
    assert ok(userinfo)["preferred_username"] == USERNAME


def test_device_authorization_grant_polls_until_the_user_approves(server: DoorkeepProcess) -> None:
    (started,) = run(plan(server, WEB, basic(), {"op": "deviceStart", "params": {"scope": "openid offline_access"}}))
    assert ok(started)["interval"] == 1
    polling = start(plan(server, WEB, basic(), {"op": "devicePoll", "response": started}))
    log_in(started["verification_uri_complete"], back_to=f"{issuer(server)}/device/status")
    (tokens,) = finish(polling)
    assert ok(tokens)["refresh"]["claims"]["typ"] == "Offline"
    revoked, refused = run(
        plan(
            server,
            WEB,
            basic(),
            {"op": "revoke", "token": tokens["refresh_token"]},
            {"op": "refresh", "token": tokens["refresh_token"]},
        )
    )
    assert ok(revoked) == {"revoked": True}
    assert refused["error"]["error"] == "invalid_grant"


def test_ciba_poll_mode_gets_tokens_once_the_device_approves_and_access_denied_once_it_refuses(
    server: DoorkeepProcess, auth_device: Device
) -> None:
    (started,) = run(
        plan(server, WEB, basic(), {"op": "cibaStart", "params": {"scope": "openid", "login_hint": USERNAME}})
    )
    assert set(ok(started)) >= {"auth_req_id", "expires_in"}
    channel = auth_device.take()
    callback = f"{issuer(server)}/protocol/openid-connect/ext/ciba/auth/callback"
    approved = httpx.post(
        callback, json={"status": "SUCCEED"}, headers={"Authorization": f"Bearer {channel.bearer}"}, timeout=10
    )
    assert approved.status_code == 200, approved.text
    (tokens,) = run(plan(server, WEB, basic(), {"op": "cibaPoll", "response": started}))
    assert ok(tokens)["idClaims"]["preferred_username"] == USERNAME

    (asked,) = run(
        plan(server, WEB, basic(), {"op": "cibaStart", "params": {"scope": "openid", "login_hint": USERNAME}})
    )
    refusal = auth_device.take().bearer
    refused = httpx.post(callback, json={"status": "UNAUTHORIZED"}, headers={"Authorization": f"Bearer {refusal}"})
    assert refused.status_code == 200, refused.text
    (denied,) = run(plan(server, WEB, basic(), {"op": "cibaPoll", "response": ok(asked)}))
    assert (denied["error"]["error"], denied["error"]["error_description"]) == ("access_denied", "not authorized")
