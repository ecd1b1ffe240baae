"""A realm file's recovery codes (Keycloak's ``recovery-authn-codes`` credential: the codes' SHA-512 digests) are
imported and keep working: the login asks for the next code and accepts it;
a credential whose digests Doorkeep could not check is refused with its place, and nothing is written."""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

import pytest

from browser_flow import code_from, start, submit
from keycloak_port import import_realm
from wire_env import Env

pytestmark = pytest.mark.anyio
REDIRECT = "http://127.0.0.1:9999/cb"
CODES = ["ABCDEFGHJKLM", "NPQRSTUVWXYZ", "123456789ABC"]


def _codes(codes: list[str], *, first: int = 1) -> dict[str, Any]:
    hashed = [
        {"number": first + i, "encodedHashedValue": base64.b64encode(hashlib.sha512(c.encode()).digest()).decode()}
        for i, c in enumerate(codes)
    ]
    data = {"hashIterations": 1, "algorithm": "RS512", "totalCodes": 12, "remainingCodes": len(codes)}
    return {
        "type": "recovery-authn-codes",
        "userLabel": "Recovery codes",
        "createdDate": 1_700_000_000_000,
        "secretData": json.dumps({"codes": hashed}),
        "credentialData": json.dumps(data),
    }


def _realm(credential: dict[str, Any]) -> dict[str, Any]:
    def step(authenticator: str, priority: int) -> dict[str, Any]:
        return {
            "authenticator": authenticator,
            "authenticatorFlow": False,
            "requirement": "REQUIRED",
            "priority": priority,
        }

    forms = {"authenticatorFlow": True, "flowAlias": "rc forms", "requirement": "ALTERNATIVE", "priority": 10}
    flows = [
        {
            "alias": "rc",
            "providerId": "basic-flow",
            "topLevel": True,
            "builtIn": False,
            "authenticationExecutions": [forms],
        },
        {
            "alias": "rc forms",
            "providerId": "basic-flow",
            "topLevel": False,
            "builtIn": False,
            "authenticationExecutions": [
                step("auth-username-password-form", 10),
                step("auth-recovery-authn-code-form", 20),
            ],
        },
    ]
    return {
        "realm": "moved",
        "enabled": True,
        "browserFlow": "rc",
        "authenticationFlows": flows,
        "clients": [{"clientId": "app", "publicClient": True, "redirectUris": [REDIRECT]}],
        "users": [
            {
                "username": "alice",
                "enabled": True,
                "credentials": [{"type": "password", "value": "alice-pw"}, credential],
            }
        ],
    }


async def test_imported_codes_are_asked_in_order_and_accepted(env: Env) -> None:
    await import_realm(env, _realm(_codes(CODES[1:], first=2)))  # code 1 was used before the move
    page = await submit(
        env.http, await start(env.http, "moved", "app", redirect_uri=REDIRECT), username="alice", password="alice-pw"
    )
    assert '<label for="recoveryCodeInput">Recovery code #2</label>' in page.text
    refused = await submit(env.http, page, recoveryCodeInput=CODES[0])
    assert "Invalid recovery authentication code" in refused.text
    assert "code" in code_from(await submit(env.http, refused, recoveryCodeInput="NPQR-STUV-WXYZ"))
    headers = await env.admin_headers()
    [user] = (await env.http.get("/admin/realms/moved/users?username=alice", headers=headers)).json()
    stored = (await env.http.get(f"/admin/realms/moved/users/{user['id']}/credentials", headers=headers)).json()
    [codes] = [c for c in stored if c["type"] == "recovery-authn-codes"]
    assert json.loads(codes["credentialData"])["remainingCodes"] == 1 and "secretData" not in codes


@pytest.mark.parametrize(
    "secret",
    [{"codes": []}, {"codes": [{"number": 1, "encodedHashedValue": "bm90IGEgZGlnZXN0"}]}, {"codes": [{"number": "1"}]}],
)
async def test_codes_doorkeep_could_not_check_are_refused_and_nothing_is_written(env: Env, secret: Any) -> None:
    credential = {**_codes(CODES), "secretData": json.dumps(secret)}
    headers = await env.admin_headers()
    response = await env.http.post("/admin/realms", json=_realm(credential), headers=headers)
    assert response.status_code == 400, response.text
    assert "users[0].credentials[1]" in response.text
    assert (await env.http.get("/admin/realms/moved", headers=headers)).status_code == 404


async def test_codes_given_to_the_admin_user_create_are_kept_and_work(env: Env) -> None:
    """``POST users`` with a ``recovery-authn-codes`` credential (createCredentialThroughProvider): stored as given,
    then asked for at login like imported ones."""
    realm = _realm(_codes(CODES))
    realm["users"] = []
    await import_realm(env, realm)
    headers = await env.admin_headers()
    user = {"username": "bob", "enabled": True, "credentials": [{"type": "password", "value": "bob-pw"}, _codes(CODES)]}
    created = await env.http.post("/admin/realms/moved/users", json=user, headers=headers)
    assert created.status_code == 201, created.text
    stored = (await env.http.get(f"{created.headers['location']}/credentials", headers=headers)).json()
    assert [c["type"] for c in stored] == ["password", "recovery-authn-codes"]
    assert stored[1]["userLabel"] == "Recovery codes" and stored[1]["createdDate"] == 1_700_000_000_000
    page = await submit(
        env.http, await start(env.http, "moved", "app", redirect_uri=REDIRECT), username="bob", password="bob-pw"
    )
    assert '<label for="recoveryCodeInput">Recovery code #1</label>' in page.text
    assert "code" in code_from(await submit(env.http, page, recoveryCodeInput=CODES[0]))


@pytest.mark.parametrize("secret_data", ["not json", json.dumps([1]), json.dumps({"codes": "ABC"})])
async def test_codes_the_admin_user_create_cannot_read_are_a_400(env: Env, secret_data: str) -> None:
    realm = _realm(_codes(CODES))
    realm["users"] = []
    await import_realm(env, realm)
    headers = await env.admin_headers()
    credential = {**_codes(CODES), "secretData": secret_data}
    user = {"username": "carl", "enabled": True, "credentials": [credential]}
    refused = await env.http.post("/admin/realms/moved/users", json=user, headers=headers)
    assert refused.status_code == 400, refused.text
    assert (await env.http.get("/admin/realms/moved/users?username=carl", headers=headers)).json() == []
