"""A realm file's second factors as Keycloak exports them (``secretData`` / ``credentialData`` JSON strings): a
``webauthn-passwordless`` passkey is imported beside a ``webauthn`` security key (before, the passkey was dropped
as an unknown field), a HOTP token as OTPCredentialModel.createHOTP stores it (``period`` 0) is accepted, the
security key signs the login, and ``doorkeep export`` writes every one back in Keycloak's shape. A device Doorkeep
could never check (10 digits, a secret encoding other than BASE32, a public key that is no COSE key) is refused
with its place in the file."""

from __future__ import annotations

import base64
import json
import uuid
from typing import Any

import pytest

from browser_flow import code_from, start, submit
from doorkeep.realms.exportimport.files import export_realm
from flow_builder import ALT, COND, REQ, add, add_flow, bind, new_browser_flow
from keycloak_port import import_realm
from webauthn_port import ORIGIN, RP_ID, SoftKey, page_options
from wire_env import Env

pytestmark = pytest.mark.anyio

REDIRECT = "http://127.0.0.1:9999/cb"


def _key(kind: str, label: str, key: SoftKey) -> dict[str, Any]:
    data = {
        "aaguid": str(uuid.UUID(bytes=key.aaguid)),
        "credentialId": base64.b64encode(key.credential_id).decode(),
        "counter": key.counter,
        "attestationStatement": "oA==",
        "credentialPublicKey": base64.b64encode(key.cose_key()).decode(),
        "attestationStatementFormat": "none",
        "transports": ["internal"],
    }
    return {
        "id": str(uuid.uuid4()),
        "type": kind,
        "userLabel": label,
        "createdDate": 1_600_000_000_000,
        "secretData": "{}",
        "credentialData": json.dumps(data),
    }


def _hotp(**data: Any) -> dict[str, Any]:
    fields = {"subType": "hotp", "digits": 6, "counter": 3, "period": 0, "algorithm": "HmacSHA1", **data}
    return {
        "type": "otp",
        "userLabel": "token",
        "secretData": json.dumps({"value": "cQp1tUaPhHrjPWXW2Zfg"}),
        "credentialData": json.dumps(fields),
    }


def _realm(credentials: list[dict[str, Any]], name: str = "test") -> dict[str, Any]:
    return {
        "realm": name,
        "enabled": True,
        "clients": [{"clientId": "app", "publicClient": True, "redirectUris": [REDIRECT]}],
        "users": [
            {
                "id": "8e1b6a43-54f5-4a39-a6c1-4f4b1f3a9c10",
                "username": "alice",
                "enabled": True,
                "credentials": [{"type": "password", "value": "alice-pw"}, *credentials],
            }
        ],
    }


async def test_keys_passkeys_and_hotp_tokens_come_in_sign_in_and_go_back_out(env: Env) -> None:
    key, passkey = SoftKey(counter=9), SoftKey()
    creds = [_key("webauthn", "yubikey", key), _key("webauthn-passwordless", "laptop", passkey), _hotp()]
    await import_realm(env, _realm(creds))

    exported = await export_realm(env.db, "test")
    [alice] = exported["users"]
    out = [c for c in alice["credentials"] if c["type"] != "password"]
    assert [(c["type"], c["userLabel"]) for c in out] == [
        ("webauthn", "yubikey"),
        ("webauthn-passwordless", "laptop"),
        ("otp", "token"),
    ]
    assert [c["id"] for c in out[:2]] == [creds[0]["id"], creds[1]["id"]]  # kept with the user's id
    for given, written in zip(creds, out, strict=True):  # JSON strings again, with what the file held
        assert json.loads(written["credentialData"]) == json.loads(given["credentialData"])
        assert json.loads(written["secretData"]) == json.loads(given["secretData"])

    # the security key's login: a flow with the WebAuthn Authenticator after the password
    forms = await new_browser_flow(env, "keyed")
    await add_flow(env, forms, "keyed 2fa", COND)
    await add(env, "keyed 2fa", "conditional-user-configured", REQ)
    await add(env, "keyed 2fa", "webauthn-authenticator", ALT)
    await bind(env, "browserFlow", "keyed")
    page = await start(env.http, "test", "app", redirect_uri=REDIRECT)
    asked = await submit(env.http, page, username="alice", password="alice-pw")
    signed = key.get(page_options(asked.text)["challenge"], origin=ORIGIN, rp_id=RP_ID)
    assert "code" in code_from(await submit(env.http, asked, **signed))


@pytest.mark.parametrize(
    ("credential", "message"),
    [
        (_hotp(digits=10), '"digits" must be a whole number from 1 to 8'),
        (_hotp(secretEncoding="HEX"), '"secretEncoding" must be BASE32 or absent'),
        (
            {
                **_key("webauthn-passwordless", "bad", SoftKey()),
                "credentialData": json.dumps(
                    {"credentialId": "AAAA", "credentialPublicKey": base64.b64encode(b"\xa1\x01\x02").decode()}
                ),
            },
            "credentialPublicKey is not a usable COSE key",
        ),
    ],
)
async def test_a_second_factor_doorkeep_could_never_check_is_refused(
    env: Env, credential: dict[str, Any], message: str
) -> None:
    response = await env.http.post("/admin/realms", json=_realm([credential]), headers=await env.admin_headers())
    assert response.status_code == 400, response.text
    error = response.json()["errorMessage"]
    assert message in error and error.startswith("users[0].credentials[1]"), error
