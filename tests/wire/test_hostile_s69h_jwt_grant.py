"""Attacks on the JWT authorization grant (oauth/grants/jwt_authorization.py): assertions forged, stretched, replayed
or aimed elsewhere, for users and providers that should not get a token. Each is a 400 ``invalid_grant`` with
Keycloak's text (or, where marked, Doorkeep refusing what Keycloak would accept), never a token and never a 5xx.

Deliberate differences from Keycloak, each marked below: an ``exp`` of 0 is not active (Keycloak reads it as never
expiring and keeps the ``jti`` for no time, so such an assertion would work forever, reused at will); the ``jti`` is
spent only once the signature is checked (Keycloak records it first, so a forged assertion could burn a genuine
one's identifier)."""

from __future__ import annotations

import base64
import json
from collections.abc import AsyncIterator
from typing import Any

import anyio
import httpx
import pytest

from fake_idp import ATTACKER_KEY, KID, WRONG_SHAPE_HEADERS, hs256, public_pem, unsigned
from jwt_grant_setup import ALIAS, Grant, grant_realm
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def ag(realm: Env) -> AsyncIterator[Grant]:
    async with grant_realm(realm) as found:
        yield found


def refused(response: httpx.Response, description: str) -> None:
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "invalid_grant", "error_description": description}


def _part(value: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()


async def test_an_assertion_for_another_audience_is_refused(ag: Grant) -> None:
    refused(await ag.post(ag.assertion(aud="https://elsewhere.example/token")), "Invalid token audience")


async def test_an_assertion_for_another_realm_is_refused(ag: Grant) -> None:
    """Signed by the trusted provider, but for realm ``other`` of this server."""
    other = "http://localhost/realms/other"
    refused(await ag.post(ag.assertion(aud=other)), "Invalid token audience")
    refused(await ag.post(ag.assertion(aud=f"{other}/protocol/openid-connect/token")), "Invalid token audience")


async def test_the_provider_of_one_realm_is_not_trusted_in_another(ag: Grant) -> None:
    """Realm ``other``, with a client switched on and naming the same alias, has no such provider."""
    env = ag.env
    h = await ag.admin()
    made = await env.http.post("/admin/realms", json={"realm": "other", "enabled": True}, headers=h)
    assert made.status_code == 201, made.text
    attributes = {"oauth2.jwt.authorization.grant.enabled": "true", "oauth2.jwt.authorization.grant.idp": ALIAS}
    rep = {"clientId": "app", "secret": "secret", "attributes": attributes}
    made = await env.http.post("/admin/realms/other/clients", json=rep, headers=h)
    assert made.status_code == 201, made.text
    form = {"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "client_id": "app", "client_secret": "secret"}
    form["assertion"] = ag.assertion(aud="http://localhost/realms/other")
    response = await env.http.post("/realms/other/protocol/openid-connect/token", data=form)
    refused(response, "No Identity Provider for provided issuer")


async def test_an_expired_or_not_yet_valid_assertion_is_refused(ag: Grant) -> None:
    now = ag.env.clock.now()
    refused(await ag.post(ag.assertion(exp=now - 1)), "Token is not active")
    refused(await ag.post(ag.assertion(nbf=now + 60)), "Token is not active")
    refused(await ag.post(ag.assertion(iat=now + 60)), "Token was issued in the future")
    refused(await ag.post(ag.assertion(iat=now - 301)), "Token was issued too far in the past to be used now")


async def test_the_provider_s_clock_skew_widens_iat_and_nbf_only(ag: Grant) -> None:
    await ag.update_provider(allowedClockSkew="30")
    now = ag.env.clock.now()
    assert (await ag.post(ag.assertion(iat=now + 20, nbf=now + 20))).status_code == 200
    refused(await ag.post(ag.assertion(exp=now - 1)), "Token is not active")


async def test_an_exp_of_zero_is_not_a_forever_assertion(ag: Grant) -> None:
    """Deliberate difference: Keycloak takes ``exp: 0`` without ``iat`` (never expired, a lifespan below the
    maximum) and keeps its ``jti`` for no time."""
    refused(await ag.post(ag.assertion(exp=0)), "Token is not active")


async def test_claims_of_the_wrong_type_are_no_jwt(ag: Grant) -> None:
    refused(await ag.post(ag.assertion(exp="tomorrow")), "The provided assertion is not a valid JWT")
    header = _part({"alg": "RS256", "kid": KID})
    refused(await ag.post(f"{header}.bm90LWpzb24.c2ln"), "The provided assertion is not a valid JWT")


async def test_alg_none_is_refused(ag: Grant) -> None:
    refused(await ag.post(unsigned(ag.claims())), "Invalid signature algorithm")
    for alg in ("None", "NONE"):
        token = f"{_part({'alg': alg})}.{_part(ag.claims())}."
        refused(await ag.post(token), "Invalid signature algorithm")


async def test_hs256_keyed_with_the_provider_s_public_key_is_refused(ag: Grant) -> None:
    """The classic confusion: HMAC with the public key as the secret. No symmetric algorithm is allowed."""
    refused(await ag.post(hs256(ag.claims(), public_pem())), "Invalid signature algorithm")


async def test_an_attacker_s_key_is_refused_with_or_without_the_provider_s_kid(ag: Grant) -> None:
    for kid in (KID, "attacker", None):
        forged = ag.idp.signed(ag.claims(), key=ATTACKER_KEY, kid=kid)
        refused(await ag.post(forged), "Invalid signature")


async def test_the_signature_is_checked_even_with_validate_signature_off(ag: Grant) -> None:
    """As Keycloak (OIDCIdentityProviderJWTAuthorizationGrantTest#testValidateSignatureDisabled): the provider's
    ``validateSignature`` switch governs its logins, not the grant."""
    await ag.update_provider(validateSignature="false")
    refused(await ag.post(ag.idp.signed(ag.claims(), key=ATTACKER_KEY)), "Invalid signature")
    assert (await ag.post(ag.assertion())).status_code == 200


async def test_a_header_s_own_key_is_not_trusted(ag: Grant) -> None:
    """A ``jwk`` or ``jku`` in the header names the attacker's key: only the provider's configured keys count."""
    claims = ag.claims()
    forged = ag.idp.signed(claims, key=ATTACKER_KEY, kid=KID)
    header = json.loads(base64.urlsafe_b64decode(forged.split(".")[0] + "=="))
    header["jku"] = f"{ag.idp.base}/elsewhere"
    spliced = ".".join([_part(header), *forged.split(".")[1:]])
    refused(await ag.post(spliced), "Invalid signature")
    assert "/elsewhere" not in ag.idp.fetched


async def test_an_unknown_issuer_is_refused(ag: Grant) -> None:
    refused(await ag.post(ag.assertion(iss="https://evil.example")), "No Identity Provider for provided issuer")
    refused(await ag.post(ag.assertion(iss=f"{ag.idp.issuer}/")), "No Identity Provider for provided issuer")


async def test_a_disabled_provider_is_not_trusted(ag: Grant) -> None:
    """CVE-2026-1486."""
    await ag.update_provider(enabled="false")
    refused(await ag.post(ag.assertion()), "No Identity Provider for provided issuer")


async def test_an_oidc_provider_with_the_grant_off_is_not_trusted(ag: Grant) -> None:
    await ag.update_provider(jwtAuthorizationGrantEnabled="false")
    refused(await ag.post(ag.assertion()), "JWT Authorization Granted is not enabled for the identity provider")


async def test_a_disabled_user_gets_no_token(ag: Grant) -> None:
    """CVE-2026-1609."""
    put = await ag.env.http.put(
        f"/admin/realms/test/users/{ag.user_id}", json={"enabled": False}, headers=await ag.admin()
    )
    assert put.status_code == 204, put.text
    refused(await ag.post(ag.assertion()), "User is not enabled")


async def test_an_unlinked_subject_is_not_created_nor_matched_by_name(ag: Grant) -> None:
    """No user is made for an unknown subject, and none is found by username or e-mail."""
    for subject in ("user1", "user1@example.com", "someone-new"):
        refused(await ag.post(ag.assertion(sub=subject)), "User not found")
    users = (await ag.env.http.get("/admin/realms/test/users", headers=await ag.admin())).json()
    assert [u["username"] for u in users] == ["user1"]


async def test_an_unlinked_user_gets_no_token_once_the_link_is_removed(ag: Grant) -> None:
    path = f"/admin/realms/test/users/{ag.user_id}/federated-identity/{ALIAS}"
    removed = await ag.env.http.delete(path, headers=await ag.admin())
    assert removed.status_code == 204, removed.text
    refused(await ag.post(ag.assertion()), "User not found")


async def test_a_replayed_assertion_is_refused(ag: Grant) -> None:
    once = ag.assertion()
    assert (await ag.post(once)).status_code == 200
    refused(await ag.post(once), "Token reuse detected")
    refused(await ag.post(ag.assertion(jti=None)), "Token jti claim is required")


async def test_a_replay_in_parallel_gets_one_token(ag: Grant) -> None:
    once = ag.assertion()
    answers: list[httpx.Response] = []

    async def send() -> None:
        answers.append(await ag.post(once))

    async with anyio.create_task_group() as group:
        for _ in range(4):
            group.start_soon(send)
    assert sorted(a.status_code for a in answers) == [200, 400, 400, 400], [a.text for a in answers]


async def test_a_forged_assertion_does_not_burn_the_genuine_jti(ag: Grant) -> None:
    """Deliberate difference: the ``jti`` is recorded once the signature holds, not before."""
    claims = ag.claims()
    refused(await ag.post(ag.idp.signed(claims, key=ATTACKER_KEY)), "Invalid signature")
    assert (await ag.post(ag.idp.signed(claims))).status_code == 200


async def test_an_oversize_assertion_is_refused_before_anything_is_read(ag: Grant) -> None:
    """A token parameter over 20000 characters fails fast (parameter_limits: the grant's token parameter)."""
    big = ag.assertion(padding="x" * 25000)
    response = await ag.post(big)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_request"
    assert not await ag.events("JWT_AUTHORIZATION_GRANT")


async def test_a_missing_or_empty_assertion_is_refused(ag: Grant) -> None:
    refused(await ag.post(None), "Missing parameter:assertion")
    refused(await ag.post(""), "The provided assertion is not a valid JWT")


async def test_the_error_event_never_holds_the_assertion(ag: Grant) -> None:
    assertion = ag.idp.signed(ag.claims(), key=ATTACKER_KEY)
    refused(await ag.post(assertion), "Invalid signature")
    events = await ag.events("JWT_AUTHORIZATION_GRANT_ERROR")
    assert assertion not in json.dumps(events)
    assert assertion.split(".")[2] not in json.dumps(events)


async def test_two_providers_of_one_issuer_are_ambiguous_not_a_guess(realm: Env) -> None:
    """A ``jwt-authorization-grant`` provider, then an OpenID Connect one of the same issuer with the grant off (the
    admin API allows that order: IdentityProviderIssuerTest): Keycloak's lookup finds both and refuses; so does
    Doorkeep, naming them, rather than pick one."""
    async with grant_realm(realm, "jwt-authorization-grant") as ag:
        h = await ag.admin()
        other = ag.idp.rep("second", jwtAuthorizationGrantEnabled="false")
        made = await ag.env.http.post("/admin/realms/test/identity-provider/instances", json=other, headers=h)
        assert made.status_code == 201, made.text
        refused(await ag.post(ag.assertion()), f"Multiple IDPs match the same issuer: [{ALIAS}, second]")


async def test_a_header_of_the_wrong_shape_is_a_refusal_not_an_error(ag: Grant) -> None:
    """Headers a JWS library may choke on once the claims are good (a numeric or list ``kid``, a ``crit`` it cannot
    honour, an object ``typ``): the signature check fails (authorization_grant.signature_valid), never a 5xx."""
    claims = _part(ag.claims())
    for header in WRONG_SHAPE_HEADERS:
        response = await ag.post(f"{_part(header)}.{claims}.c2ln")
        assert response.status_code == 400, (header, response.text)
        assert response.json()["error"] == "invalid_grant", (header, response.text)
