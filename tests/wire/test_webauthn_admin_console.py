"""The Admin Console's own realm forms (which send only their fields) keep the realm's WebAuthn policies: Keycloak's
console PUTs the whole representation, and the realm reader rebuilds the policies from every representation."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from admin_support import make_admin
from console_support import HTML, ORIGIN, csrf, sign_in
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
OTP = "/admin/test/console/test/authentication/policies/otp"
REALM = "/admin/realms/test"


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    await make_admin(realm, "test", "boss", "realm-admin")
    async with client_at(realm, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        yield http


async def test_saving_the_otp_policy_keeps_the_webauthn_policy(realm: Env, admin: httpx.AsyncClient) -> None:
    headers = await realm.admin_headers()
    written = {
        "webAuthnPolicyRpEntityName": "Example",
        "webAuthnPolicyPasswordlessRpEntityName": "Example",
        "webAuthnPolicyPasswordlessUserVerificationRequirement": "required",
    }
    assert (await realm.http.put(REALM, json=written, headers=headers)).status_code == 204
    page = await admin.get(OTP, headers=HTML)
    form = {"csrf_token": csrf(page), "otpPolicyType": "totp", "otpPolicyAlgorithm": "HmacSHA1", "otpPolicyDigits": "8"}
    assert (await admin.post(OTP, data=form, headers=ORIGIN)).status_code == 303
    rep = (await realm.http.get(REALM, headers=headers)).json()
    assert rep["otpPolicyDigits"] == 8
    assert {k: rep[k] for k in written} == written
