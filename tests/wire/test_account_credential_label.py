"""``PUT /realms/{realm}/account/credentials/{id}/label``: Keycloak's AccountCredentialResource.setLabel, which
the admin client's ``account.setCredentialLabel`` calls with the label as a JSON string.

manage-account (403), the caller's own credential (404, before the body is read), the body read as
``JsonSerialization.readValue(body, String.class)`` (400 ``invalidRequestMessage``), then the credential
store's update: a label another credential of the type bears is the 409 ``conflict``, as the admin API's
``userLabel`` (users/credential_label.py). On SQLite, or PostgreSQL with DOORKEEP_WIRE_ENGINE=postgresql.
"""

from __future__ import annotations

import pytest

from account_rest_realm import ACCOUNT, USER, bearer, call, seed, token
from doorkeep.model import Credential
from doorkeep.users import otp
from keycloak_port import admin_headers
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def kc(env: Env) -> Env:
    await seed(env)
    return env


async def _otp(env: Env, username: str, label: str | None) -> Credential:
    """An OTP device of ``username`` in realm ``test``, labelled ``label``."""
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        user = await tx.users.get_by_username(realm.id, username)
        assert user is not None
        credential = otp.new_credential(user.id, otp.policy(realm), "abcdefabcdef", label, 0)
        await tx.users.add_credential(credential)
    return credential


async def _label(env: Env, credential: Credential) -> str | None:
    async with env.db.transaction() as tx:
        [found] = [c for c in await tx.users.credentials(credential.user_id) if c.id == credential.id]
    return found.user_label


async def _put(
    env: Env, credential_id: str, access: str, body: bytes, media: str = "application/json"
) -> tuple[int, object]:
    response = await env.http.put(
        f"{ACCOUNT}/credentials/{credential_id}/label", content=body, headers={**bearer(access), "Content-Type": media}
    )
    return response.status_code, (response.json() if response.content else None)


async def test_the_label_of_ones_own_credential_is_set_from_a_json_string(kc: Env) -> None:
    access = await token(kc)  # before the OTP device: the password grant asks for its code once there is one
    device = await _otp(kc, USER, "phone")
    response = await call(kc, "PUT", f"credentials/{device.id}/label", access, "My label")
    assert (response.status_code, response.content) == (204, b"")
    assert await _label(kc, device) == "My label"
    listed = (await call(kc, "GET", "credentials?type=otp", access)).json()
    assert [m["credential"]["userLabel"] for m in listed[0]["userCredentialMetadatas"]] == ["My label"]


@pytest.mark.parametrize(
    ("body", "label"),
    [
        (b' "spaced" ', "spaced"),
        (b"5", "5"),
        (b"1.50", "1.50"),
        (b"true", "true"),
        (b"null", None),
        (b'"first" "second"', "first"),  # Jackson reads one value and stops
        (b'"caf\\u00e9"', "café"),
    ],
)
async def test_a_json_scalar_is_taken_as_its_text_and_null_clears_the_label(
    kc: Env, body: bytes, label: str | None
) -> None:
    access = await token(kc)
    device = await _otp(kc, USER, "phone")
    assert await _put(kc, device.id, access, body) == (204, None)
    assert await _label(kc, device) == label


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"  ",
        b"{}",
        b'{"label": "x"}',
        b'["x"]',
        b"My label",
        b"NaN",
        b'"\\ud800"',
        b'"unterminated',
        b"\xff",
        b"[" * 5000,
        b'{"a":' * 3000,
    ],
)
async def test_a_body_that_is_no_json_string_is_invalid_request_and_changes_nothing(kc: Env, body: bytes) -> None:
    access = await token(kc)
    device = await _otp(kc, USER, "phone")
    assert await _put(kc, device.id, access, body) == (400, {"errorMessage": "invalidRequestMessage"})
    assert await _label(kc, device) == "phone"


async def test_another_users_credential_is_not_found_before_the_body_is_read(kc: Env) -> None:
    theirs = await _otp(kc, "view-account-access", "mine")
    access = await token(kc)
    for body in (b'"new-label"', b"{}"):
        assert await _put(kc, theirs.id, access, body) == (404, {"error": "Credential not found"})
    assert await _put(kc, "no-such-credential", access, b'"x"') == (404, {"error": "Credential not found"})
    assert await _label(kc, theirs) == "mine"


async def test_view_profile_alone_is_forbidden_and_no_token_unauthorized(kc: Env) -> None:
    access = await token(kc, "view-account-access")
    device = await _otp(kc, "view-account-access", "mine")
    forbidden = await _put(kc, device.id, access, b'"x"')
    assert forbidden == (403, {"error": "HTTP 403 Forbidden"})
    response = await kc.http.put(f"{ACCOUNT}/credentials/{device.id}/label", content=b'"x"')
    assert response.status_code == 401, response.text
    assert await _label(kc, device) == "mine"


async def test_a_body_that_is_not_json_media_is_unsupported_media_type(kc: Env) -> None:
    access = await token(kc)
    device = await _otp(kc, USER, "phone")
    status, body = await _put(kc, device.id, access, b'"x"', media="text/plain")
    assert status == 415, body
    assert await _label(kc, device) == "phone"


async def test_a_label_another_device_bears_is_a_conflict(kc: Env) -> None:
    access = await token(kc)
    await _otp(kc, USER, "Phone")
    tablet = await _otp(kc, USER, "tablet")
    expected = (409, {"error": "conflict", "error_description": "Device already exists with the same name"})
    assert await _put(kc, tablet.id, access, b'" phone "') == expected
    assert await _label(kc, tablet) == "tablet"
    assert await _put(kc, tablet.id, access, b'"tablet"') == (204, None)  # its own label again is no conflict


async def test_too_long_a_label_or_a_nul_is_refused_before_the_write(kc: Env) -> None:
    access = await token(kc)  # before the OTP device: the password grant asks for its code once there is one
    device = await _otp(kc, USER, "phone")
    status, body = await _put(kc, device.id, access, b'"' + b"x" * 256 + b'"')
    assert (status, body) == (
        400,
        {"error": "invalid_input", "error_description": "Credential label must not be longer than 255 characters"},
    )
    nul = await _put(kc, device.id, access, b'"a\\u0000b"')
    assert nul == (400, {"error": "invalid_request", "error_description": "Invalid input"})
    assert await _label(kc, device) == "phone"
    assert await _put(kc, device.id, access, b'"' + b"x" * 255 + b'"') == (204, None)


async def test_the_admin_apis_user_label_refuses_a_nul_as_the_account_api_does(kc: Env) -> None:
    """The store's update is shared: ``PUT users/{id}/credentials/{id}/userLabel`` refuses a NUL too (PostgreSQL
    cannot store one), where SQLite kept it."""
    device = await _otp(kc, USER, "phone")
    url = f"/admin/realms/test/users/{device.user_id}/credentials/{device.id}/userLabel"
    response = await kc.http.put(url, content=b"a\x00b", headers=await admin_headers(kc))
    assert (response.status_code, response.json()) == (
        400,
        {"error": "invalid_request", "error_description": "Invalid input"},
    )
    assert await _label(kc, device) == "phone"
    response = await kc.http.put(url, content=b"tablet", headers=await admin_headers(kc))
    assert response.status_code == 204, response.text
    assert await _label(kc, device) == "tablet"
