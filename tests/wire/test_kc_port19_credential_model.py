"""Keycloak's CredentialModelTest (testsuite .../model/CredentialModelTest.java), ported through the Admin REST API:
``getStoredCredentialsStream`` is ``GET users/{id}/credentials`` (by priority), ``moveCredentialTo(id, previous)``
is ``POST .../credentials/{id}/moveAfter/{previous}`` (``moveToFirst`` when ``previous`` is null) and
``removeStoredCredential`` is ``DELETE .../credentials/{id}``.

The two OTP credentials the Java test makes with ``createCredential`` come here from the realm import, after the
password, as ``createCredential`` would put them (last). ``moveCredentialTo`` answering false is, over HTTP, the
admin API's answer for the same call: a credential that is not the user's is a 404 "Credential not found"; an
unknown ``newPreviousCredentialId`` changes nothing and answers 204 (UserResource.moveCredentialAfter ignores the
boolean). Both leave the order as it was.
"""

from __future__ import annotations

from typing import Any

import pytest

from model_port import call, ok, user_id
from wire_env import Env

pytestmark = pytest.mark.anyio

USERNAME = "test-user@localhost"
OTP_DATA = '{"subType":"totp","digits":6,"counter":0,"period":30,"algorithm":"HmacSHA1"}'


def otp(secret: str, label: str) -> dict[str, Any]:
    """``OTPCredentialModel.createFromPolicy(realm, secret)`` as an imported credential."""
    return {"type": "otp", "userLabel": label, "secretData": '{"value":"' + secret + '"}', "credentialData": OTP_DATA}


async def stored(env: Env, uid: str) -> list[str]:
    """The user's credentials by priority; their ids."""
    return [c["id"] for c in await ok(env, "GET", f"/test/users/{uid}/credentials")]


async def test_credential_crud(env: Env) -> None:
    """testCredentialCRUD: password, otp1, otp2 in that order; failed moves change nothing; otp2 moved up one,
    then to the top; the password moved after otp1, then otp2 after the password; the password removed."""
    user = {
        "username": USERNAME,
        "enabled": True,
        "email": USERNAME,
        "firstName": "Tom",
        "lastName": "Brady",
        "credentials": [{"type": "password", "value": "password"}, otp("secret1", "otp1"), otp("secret2", "otp2")],
    }
    await ok(env, "POST", "", {"realm": "test", "enabled": True, "users": [user]})
    uid = await user_id(env, "test", USERNAME)
    base = f"/test/users/{uid}/credentials"
    password, otp1, otp2 = await stored(env, uid)
    labels = {c["id"]: c.get("userLabel") for c in await ok(env, "GET", base)}
    assert (labels[otp1], labels[otp2]) == ("otp1", "otp2")

    assert (await call(env, "POST", f"{base}/{password}/moveAfter/not-known")).status_code == 204
    refused = await call(env, "POST", f"{base}/not-known/moveAfter/{otp2}")
    assert (refused.status_code, refused.json()) == (404, {"error": "Credential not found"})
    assert await stored(env, uid) == [password, otp1, otp2]

    await ok(env, "POST", f"{base}/{otp2}/moveAfter/{password}")
    assert await stored(env, uid) == [password, otp2, otp1]
    await ok(env, "POST", f"{base}/{otp2}/moveToFirst")
    assert await stored(env, uid) == [otp2, password, otp1]
    await ok(env, "POST", f"{base}/{password}/moveAfter/{otp1}")
    assert await stored(env, uid) == [otp2, otp1, password]
    await ok(env, "POST", f"{base}/{otp2}/moveAfter/{password}")
    assert await stored(env, uid) == [otp1, password, otp2]
    await ok(env, "DELETE", f"{base}/{password}")
    assert await stored(env, uid) == [otp1, otp2]
