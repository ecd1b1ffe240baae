"""A realm file's OTP credentials (Keycloak's ``otp`` type, its secretData and OTPCredentialData) are imported:
the user still needs the authenticator app after the move (before, they were dropped and the user signed in
with the password alone); the devices keep their labels, dates and order; an export gives them back; a device
Doorkeep could not check is refused with the place it is at, and nothing of the realm is written."""

from __future__ import annotations

import json
from typing import Any

import pytest

from browser_flow import code_from, start, submit
from keycloak_port import import_realm
from totp_codes import hotp, totp
from wire_env import Env

pytestmark = pytest.mark.anyio

SECRET = "VtK4oqLXD6Ci2QIHP1Ad"  # Keycloak keeps the key's characters; the app is shown their base32
HOTP_SECRET = "cQp1tUaPhHrjPWXW2Zfg"
REDIRECT = "http://127.0.0.1:9999/cb"


def _otp(
    label: str, secret: str, sub_type: str = "totp", created: int = 1_700_000_000_000, **data: Any
) -> dict[str, Any]:
    credential_data = {"subType": sub_type, "digits": 6, "counter": 0, "period": 30, "algorithm": "HmacSHA1", **data}
    return {
        "type": "otp",
        "userLabel": label,
        "createdDate": created,
        "secretData": json.dumps({"value": secret}),
        "credentialData": json.dumps(credential_data),
    }


def _realm(credentials: list[dict[str, Any]], name: str = "moved") -> dict[str, Any]:
    return {
        "realm": name,
        "enabled": True,
        "clients": [{"clientId": "app", "publicClient": True, "redirectUris": [REDIRECT]}],
        "users": [
            {
                "username": "alice",
                "enabled": True,
                "credentials": [{"type": "password", "value": "alice-pw"}, *credentials],
            }
        ],
    }


async def _password_step(env: Env, realm: str) -> Any:
    page = await start(env.http, realm, "app", redirect_uri=REDIRECT)
    return await submit(env.http, page, username="alice", password="alice-pw")


async def test_an_imported_totp_device_is_asked_for_and_checked(env: Env) -> None:
    await import_realm(env, _realm([_otp("phone", SECRET)]))
    page = await _password_step(env, "moved")
    assert page.status_code == 200 and 'name="otp"' in page.text  # no code without the app
    wrong = await submit(env.http, page, otp="000000" if totp(SECRET.encode(), env.clock.now()) != "000000" else "1")
    assert 'name="otp"' in wrong.text
    done = await submit(env.http, wrong, otp=totp(SECRET.encode(), env.clock.now()))
    assert "code" in code_from(done)


async def test_devices_keep_labels_dates_order_and_an_export_gives_them_back(env: Env) -> None:
    devices = [_otp("phone", SECRET, created=1_600_000_000_000), _otp("token", HOTP_SECRET, "hotp", counter=5)]
    await import_realm(env, _realm(devices))
    headers = await env.admin_headers()
    user = (await env.http.get("/admin/realms/moved/users", params={"username": "alice"}, headers=headers)).json()[0]
    assert user["totp"] is True
    creds = (await env.http.get(f"/admin/realms/moved/users/{user['id']}/credentials", headers=headers)).json()
    assert [(c["type"], c.get("userLabel")) for c in creds] == [("password", None), ("otp", "phone"), ("otp", "token")]
    assert creds[1]["createdDate"] == 1_600_000_000_000
    assert json.loads(creds[2]["credentialData"])["counter"] == 5
    assert all("secretData" not in c for c in creds)  # the admin API never shows a secret
    exported = (await env.http.post("/admin/realms/moved/partial-export", headers=headers)).json()
    # A partial export leaves users out (as Keycloak's); the whole-realm export keeps the devices.
    assert "users" not in exported or exported["users"] == []
    # The HOTP device's counter (the next one expected) came along: a code behind it is refused, its own works.
    page = await _password_step(env, "moved")
    assert page.text.count('name="selectedCredentialId"') == 2  # both devices offered, as login-otp.ftl does
    token_id = creds[2]["id"]
    spent = await submit(env.http, page, selectedCredentialId=token_id, otp=hotp(HOTP_SECRET.encode(), 4))
    assert 'name="otp"' in spent.text
    done = await submit(env.http, spent, selectedCredentialId=token_id, otp=hotp(HOTP_SECRET.encode(), 5))
    assert "code" in code_from(done)


@pytest.mark.parametrize(
    ("credential", "message"),
    [
        ({"type": "otp", "secretData": json.dumps({"value": SECRET})}, 'needs "secretData" and "credentialData"'),
        ({**_otp("x", SECRET), "secretData": json.dumps({"value": ""})}, 'expected a non-empty "value"'),
        (_otp("x", SECRET, "yubikey"), '"subType" must be "totp" or "hotp"'),
        (_otp("x", SECRET, algorithm="MD5"), '"algorithm" must be one of'),
        (_otp("x", SECRET, digits=0), '"digits" must be a whole number'),
        (_otp("x", SECRET, period="30"), '"period" must be a whole number'),
        ({**_otp("x", SECRET), "credentialData": "{not json"}, "invalid JSON"),
    ],
)
async def test_a_device_doorkeep_could_not_check_is_refused_and_nothing_is_written(
    env: Env, credential: dict[str, Any], message: str
) -> None:
    response = await env.http.post("/admin/realms", json=_realm([credential]), headers=await env.admin_headers())
    assert response.status_code == 400, response.text
    error = response.json()["errorMessage"]
    assert message in error and error.startswith("users[0].credentials[1]")
    assert (await env.http.get("/admin/realms/moved", headers=await env.admin_headers())).status_code == 404
