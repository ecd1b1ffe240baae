"""Keycloak's ClientSecretRotationDisabledTest (tests/base/.../tests/client/ClientSecretRotationDisabledTest.java
@1fac0fe3), keycloak#50855 (fixed in 26.6.6 and 26.7.2): with the CLIENT_SECRET_ROTATION feature disabled, a
client's rotated secret no longer authenticates it, even when the ``client.secret.rotated*`` attributes are still
stored (OIDCClientSecretConfigWrapper.hasRotatedSecret checks the feature).

Doorkeep runs secret rotation by default, as Keycloak's main does since the feature became DEFAULT (PR #51891);
``--features-disabled=client-secret-rotation`` turns it off (features.py), which the Java class's server
configuration (``featuresDisabled(CLIENT_SECRET_ROTATION)``) does here through ``server_options``. The Java class
plants the attributes server-side (``runOnServer``), past the admin API's clean-up of rotation info; here they are
written to the store the same way (support.py ``update_client``).

Ported: ``rotatedSecretNotAcceptedWhenFeatureDisabled``. Added from the fix: the other authenticator the fix gates
(JWTClientSecretAuthenticator: a client_secret_jwt signed with the rotated secret), ``GET …/client-secret/rotated``
finding no rotated secret (hasRotatedSecret), ``DELETE`` still removing the attributes (removeClientSecretRotated
reads them without the feature), and a control with the feature on, where the same planted secret authenticates.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from browser_flow import REDIRECT
from client_auth_support import secret_jwt, with_assertion
from keycloak_port import client_uuid, forget, get, import_realm
from role_port import call
from secret_rotation_port import code_to_token, generate_new_secret, now, realm_rep
from support import update_client
from wire_env import Env

pytestmark = pytest.mark.anyio

CLIENT_ID = "test-app"
ORIGINAL = "original-secret"
DISABLED = pytest.mark.server_options(features_disabled="client-secret-rotation")


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    """The Java class's realm ``test``: its user and the confidential ``test-app`` (code flow, client credentials)."""
    client = {
        "clientId": CLIENT_ID,
        "secret": ORIGINAL,
        "publicClient": False,
        "standardFlowEnabled": True,
        "serviceAccountsEnabled": True,
        "redirectUris": [REDIRECT],
    }
    await import_realm(env, {**realm_rep(), "clients": [client]})
    yield env
    forget(env)


async def _plant_rotated(env: Env, rotated: str) -> None:
    """``client.setAttribute(CLIENT_ROTATED_SECRET…)`` on the model: the rotated secret, made now, for an hour."""
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        client = await tx.clients.get_by_client_id(realm.id, CLIENT_ID)
        assert client is not None
        attributes: dict[str, Any] = dict(client.attributes)
    attributes |= {
        "client.secret.rotated": rotated,
        "client.secret.rotated.creation.time": str(now(env)),
        "client.secret.rotated.expiration.time": str(now(env) + 3600),
    }
    await update_client(env.db, "test", CLIENT_ID, attributes=attributes)


async def _secret_jwt_status(env: Env, signing_secret: str) -> int:
    await update_client(env.db, "test", CLIENT_ID, client_authenticator_type="client-secret-jwt")
    form = {"grant_type": "client_credentials", **with_assertion(secret_jwt(env, CLIENT_ID, signing_secret))}
    answer = await env.http.post("/realms/test/protocol/openid-connect/token", data=form)
    return answer.status_code


async def _rotated_then_new(kc: Env) -> str:
    """The original secret works; a new one is generated; the original is planted as the rotated secret."""
    first = await code_to_token(kc, CLIENT_ID, ORIGINAL)
    assert first.status_code == 200 and first.json()["access_token"], first.text
    new = await generate_new_secret(kc, await client_uuid(kc, CLIENT_ID))
    assert new != ORIGINAL
    await _plant_rotated(kc, ORIGINAL)
    return new


@DISABLED
async def test_rotated_secret_not_accepted_when_feature_disabled(kc: Env) -> None:
    """ClientSecretRotationDisabledTest.rotatedSecretNotAcceptedWhenFeatureDisabled"""
    new = await _rotated_then_new(kc)
    refused = await code_to_token(kc, CLIENT_ID, ORIGINAL)
    assert refused.status_code == 401, refused.text
    assert refused.json()["error"] == "unauthorized_client"
    accepted = await code_to_token(kc, CLIENT_ID, new)
    assert accepted.status_code == 200 and accepted.json()["access_token"], accepted.text


@DISABLED
async def test_a_client_secret_jwt_signed_with_the_rotated_secret_is_refused_when_the_feature_is_disabled(
    kc: Env,
) -> None:
    """The fix's JWTClientSecretAuthenticator half: no retry with the rotated secret (toRotatedClientModel)."""
    new = await _rotated_then_new(kc)
    assert await _secret_jwt_status(kc, ORIGINAL) == 400
    assert await _secret_jwt_status(kc, new) == 200


@DISABLED
async def test_the_admin_api_finds_no_rotated_secret_but_still_deletes_it_when_the_feature_is_disabled(
    kc: Env,
) -> None:
    """getClientRotatedSecret: 404 "Client does not have a rotated secret" (hasRotatedSecret is false);
    invalidateRotatedSecret: 204, and the stored attributes are gone (removeClientSecretRotated)."""
    await _rotated_then_new(kc)
    cid = await client_uuid(kc, CLIENT_ID)
    found = await call(kc, "GET", f"/clients/{cid}/client-secret/rotated")
    assert found.status_code == 404, found.text
    assert found.json() == {"error": "Client does not have a rotated secret"}
    removed = await call(kc, "DELETE", f"/clients/{cid}/client-secret/rotated")
    assert removed.status_code == 204, removed.text
    attributes = (await get(kc, f"/clients/{cid}")).get("attributes") or {}
    assert not any(key.startswith("client.secret.rotated") for key in attributes), attributes


async def test_with_the_feature_on_the_same_rotated_secret_authenticates(kc: Env) -> None:
    """Control (Doorkeep's default, Keycloak's with the feature enabled): the planted rotated secret counts."""
    new = await _rotated_then_new(kc)
    assert (await code_to_token(kc, CLIENT_ID, ORIGINAL)).status_code == 200
    assert (await code_to_token(kc, CLIENT_ID, new)).status_code == 200
    cid = await client_uuid(kc, CLIENT_ID)
    found = await call(kc, "GET", f"/clients/{cid}/client-secret/rotated")
    assert found.status_code == 200 and found.json()["value"] == ORIGINAL, found.text
    assert await _secret_jwt_status(kc, ORIGINAL) == 200
