"""Keycloak's ClientSecretRotationTest (testsuite/.../client/ClientSecretRotationTest.java, Keycloak 26), every
method, each named after the Java one: the ``secret-rotation`` client-policy executor (expiry of the secret,
the rotated secret kept for its own period, rotation on an update of an expired secret and on every regenerated
secret, the rotation attributes dropped when no policy rotates) and the client authenticator's reading of them.
Two methods of Keycloak's later version of the class (tests/.../client/ClientSecretRotationTest.java) are ported
too: createExecutorConfigurationWithMissingConfigDoesNotCauseNPE (Keycloak 26 answers a configuration without
one of the periods with a NullPointerException, a 500; Doorkeep refuses it with the 400 the later version
expects) and secretExpirationWithLargeOffsetDoesNotOverflow (Keycloak 26's int arithmetic overflows past 2038).
Two Doorkeep tests beyond the class: a client older than the policy gets its expiry at its first code exchange;
a client_secret_jwt assertion signed with the rotated secret counts while that lasts.

Keycloak's ClientSecretTest (testsuite/.../client/ClientSecretTest.java) is this class under its former name:
its twelve methods (whenCreateClientSecretCreationTimeMustExist, regenerateSecret,
updateClientWithPolicyAndSecretNotExpired, regenerateSecretAfterCurrentSecretExpires,
updateClientPolicyEnabledSecretExpired, the seven authenticateWith… methods) are this class's methods of the same
names with the same steps; it imports javax.ws.rs, so it predates Keycloak 22, and Keycloak 26 has only this
class. They are ported here once.

Keycloak 26 ships secret rotation as a preview feature (CLIENT_SECRET_ROTATION, which the Java class enables);
Doorkeep runs the executor unless ``--features-disabled`` names client-secret-rotation
(test_kc_port15_client_secret_rotation_disabled.py). The shared helpers are tests/secret_rotation_port.py. Not
ported: nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

import group_port
from client_auth_support import secret_jwt, with_assertion
from group_port import fresh_realm
from keycloak_port import get
from role_port import call
from secret_rotation_port import (
    CLIENT_NAME,
    DEFAULT_SECRET,
    HOUR,
    INVALID_EXECUTOR,
    PROFILE_NAME,
    code_to_token,
    configure_profile_and_policy,
    create_client_by_admin,
    executor_config,
    generate_new_secret,
    logout,
    mark_start,
    now,
    realm_rep,
    refused_code_to_token,
    representation,
    revert_to_builtin,
    rotated_secret,
    secret,
    set_policy,
    set_time_offset,
    successful_login_and_logout,
    suffixed,
    touch,
    update,
    update_profiles,
    wrapper,
)
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env


@pytest.fixture(scope="module")
async def env(shared_env: Env) -> Env:
    await fresh_realm(shared_env, realm_rep())
    return shared_env


@pytest.fixture(autouse=True)
async def after(env: Env) -> AsyncIterator[None]:
    env.http.cookies.clear()
    mark_start(env)
    yield
    await revert_to_builtin(env)


async def test_when_create_client_secret_creation_time_must_exist(env: Env) -> None:
    """whenCreateClientSecretCreationTimeMustExist."""
    cid = await create_client_by_admin(env, suffixed(CLIENT_NAME))
    assert (await wrapper(env, cid)).creation_time > 0
    assert await secret(env, cid) == DEFAULT_SECRET


async def test_regenerate_secret(env: Env) -> None:
    """regenerateSecret: without a policy a new secret, dated now, and no rotated secret."""
    cid = await create_client_by_admin(env, suffixed(CLIENT_NAME))
    first = await secret(env, cid)
    created = (await wrapper(env, cid)).creation_time
    assert first == DEFAULT_SECRET
    set_time_offset(env, 5)
    new = await generate_new_secret(env, cid)
    assert new != first and new == await secret(env, cid)
    updated = await wrapper(env, cid)
    assert updated.creation_time >= created and updated.creation_time == now(env)
    assert not updated.has_rotated_secret


async def test_update_client_with_policy_and_secret_not_expired(env: Env) -> None:
    """updateClientWithPolicyAndSecretNotExpired."""
    await configure_profile_and_policy(env)
    cid = await create_client_by_admin(env, suffixed(CLIENT_NAME))
    first = await secret(env, cid)
    created = (await wrapper(env, cid)).creation_time
    await touch(env, cid, "New Description Updated")
    assert await secret(env, cid) == first
    assert (await wrapper(env, cid)).creation_time == created


async def test_regenerate_secret_on_current_secret_not_expired(env: Env) -> None:
    """regenerateSecretOnCurrentSecretNotExpired: a regenerated secret is always a rotation."""
    await configure_profile_and_policy(env)
    cid = await create_client_by_admin(env, suffixed(CLIENT_NAME))
    first = await secret(env, cid)
    second = await generate_new_secret(env, cid)
    rotated = await wrapper(env, cid)
    assert second != first
    assert rotated.has_rotated_secret and rotated.rotated_secret == first
    assert rotated.rotated_expiration_time == now(env) + 600
    assert rotated.expiration_time == now(env) + HOUR


async def test_regenerate_secret_after_current_secret_expires(env: Env) -> None:
    """regenerateSecretAfterCurrentSecretExpires."""
    cid = await create_client_by_admin(env, suffixed(CLIENT_NAME))
    first = await secret(env, cid)
    second = await generate_new_secret(env, cid)
    assert second != first
    assert not (await wrapper(env, cid)).has_rotated_secret
    await configure_profile_and_policy(env)
    set_time_offset(env, 3600)
    new = await generate_new_secret(env, cid)
    assert new != second
    rotated = await wrapper(env, cid)
    assert rotated.has_rotated_secret and rotated.rotated_secret == second
    assert rotated.creation_time > 0


async def test_update_client_policy_enabled_secret_expired(env: Env) -> None:
    """updateClientPolicyEnabledSecretExpired."""
    await configure_profile_and_policy(env)
    cid = await create_client_by_admin(env, suffixed(CLIENT_NAME))
    first = await secret(env, cid)
    await touch(env, cid, "New Description Updated")
    created = (await wrapper(env, cid)).creation_time
    set_time_offset(env, 3601)
    await touch(env, cid, "Force second Updated")
    assert await secret(env, cid) != first
    rotated = await wrapper(env, cid)
    assert rotated.creation_time != created
    assert rotated.has_rotated_secret and rotated.rotated_secret == first


async def test_authenticate_with_valid_client_no_policy(env: Env) -> None:
    """authenticateWithValidClientNoPolicy."""
    client_id = suffixed(CLIENT_NAME)
    await create_client_by_admin(env, client_id)
    await successful_login_and_logout(env, client_id, DEFAULT_SECRET)


async def test_authenticate_with_valid_client_policy_enable(env: Env) -> None:
    """authenticateWithValidClientPolicyEnable."""
    await configure_profile_and_policy(env)
    client_id = suffixed(CLIENT_NAME)
    await create_client_by_admin(env, client_id)
    await successful_login_and_logout(env, client_id, DEFAULT_SECRET)


async def test_authenticate_with_invalid_client_policy_enable(env: Env) -> None:
    """authenticateWithInvalidClientPolicyEnable: past its expiry the secret is refused."""
    await configure_profile_and_policy(env)
    client_id = suffixed(CLIENT_NAME)
    await create_client_by_admin(env, client_id)
    tokens = await code_to_token(env, client_id, DEFAULT_SECRET)
    assert tokens.status_code == 200, tokens.text
    assert (await logout(env, client_id, DEFAULT_SECRET, tokens.json()["refresh_token"])).status_code == 204
    set_time_offset(env, 3601)
    await refused_code_to_token(env, client_id, DEFAULT_SECRET)


async def test_authenticate_with_valid_actual_and_rotated_secret(env: Env) -> None:
    """authenticateWithValidActualAndRotatedSecret."""
    await configure_profile_and_policy(env)
    client_id = suffixed(CLIENT_NAME)
    cid = await create_client_by_admin(env, client_id)
    first = await secret(env, cid)
    await touch(env, cid, "New Description Updated")
    set_time_offset(env, 3601)
    await touch(env, cid)
    updated = await secret(env, cid)
    assert updated != first
    for presented in (updated, first):
        tokens = await code_to_token(env, client_id, presented)
        assert tokens.status_code == 200, tokens.text
        assert (await logout(env, client_id, presented, tokens.json()["refresh_token"])).status_code == 204


async def test_authenticate_with_in_valid_rotated_secret(env: Env) -> None:
    """authenticateWithInValidRotatedSecret: the rotated secret past its own expiry is refused."""
    await configure_profile_and_policy(env)
    client_id = suffixed(CLIENT_NAME)
    cid = await create_client_by_admin(env, client_id)
    first = await secret(env, cid)
    await touch(env, cid, "New Description Updated")
    set_time_offset(env, 3601)
    await touch(env, cid)
    assert await secret(env, cid) != first
    set_time_offset(env, 7201)
    await refused_code_to_token(env, client_id, first)


async def test_authenticate_with_rotated_secret_with_zero_expiration_time(env: Env) -> None:
    """authenticateWithRotatedSecretWithZeroExpirationTime: with no rotated period nothing is kept."""
    await configure_profile_and_policy(env, HOUR, 0, 0)
    client_id = suffixed(CLIENT_NAME)
    cid = await create_client_by_admin(env, client_id)
    await touch(env, cid)
    set_time_offset(env, 3601)
    first = await secret(env, cid)
    await touch(env, cid, "New Description Updated")
    assert await secret(env, cid) != first
    assert not (await wrapper(env, cid)).has_rotated_secret
    await refused_code_to_token(env, client_id, first)


async def test_create_client_with_policy_enable_secret_expired_time(env: Env) -> None:
    """createClientWithPolicyEnableSecretExpiredTime."""
    await configure_profile_and_policy(env)
    cid = await create_client_by_admin(env, suffixed(CLIENT_NAME))
    assert (await wrapper(env, cid)).expiration_time == now(env) + HOUR


async def test_get_client_rotated_secret(env: Env) -> None:
    """getClientRotatedSecret."""
    await configure_profile_and_policy(env)
    cid = await create_client_by_admin(env, suffixed(CLIENT_NAME))
    first = await secret(env, cid)
    missing = await rotated_secret(env, cid)
    assert missing.status_code == 404, missing.text
    new = await generate_new_secret(env, cid)
    found = await rotated_secret(env, cid)
    assert found.status_code == 200, found.text
    assert first != new and found.json() == {"type": "secret", "value": first}


async def test_invalidate_client_rotated_secret(env: Env) -> None:
    """invalidateClientRotatedSecret."""
    await configure_profile_and_policy(env)
    cid = await create_client_by_admin(env, suffixed(CLIENT_NAME))
    first = await secret(env, cid)
    assert await generate_new_secret(env, cid) != first
    assert (await rotated_secret(env, cid)).json()["value"] == first
    assert (await call(env, "DELETE", f"/clients/{cid}/client-secret/rotated")).status_code == 204
    assert (await rotated_secret(env, cid)).status_code == 404


async def test_create_executor_configuration_with_invalid_values(env: Env) -> None:
    """createExecutorConfigurationWithInvalidValues: a rotated period longer than the expiry is refused, and
    neither the profile nor the policy exists."""
    profile = {
        "name": PROFILE_NAME,
        "executors": [{"executor": "secret-rotation", "configuration": executor_config(60, 61, 30)}],
    }
    refused = await update_profiles(env, [profile])
    assert refused.status_code == 400 and refused.json() == {"errorMessage": INVALID_EXECUTOR}, refused.text
    assert (await get(env, "/client-policies/policies"))["policies"] == []
    assert (await get(env, "/client-policies/profiles"))["profiles"] == []


async def test_create_executor_configuration_with_missing_config_does_not_cause_npe(env: Env) -> None:
    """createExecutorConfigurationWithMissingConfigDoesNotCauseNPE (Keycloak's later version)."""
    for missing in ("expiration-period", "rotated-expiration-period", "remaining-rotation-period"):
        config = executor_config(60, 30, 20)
        del config[missing]
        profile = {"name": PROFILE_NAME, "executors": [{"executor": "secret-rotation", "configuration": config}]}
        refused = await update_profiles(env, [profile])
        assert refused.status_code == 400 and refused.json() == {"errorMessage": INVALID_EXECUTOR}, refused.text
    assert (await get(env, "/client-policies/profiles"))["profiles"] == []


async def test_secret_expiration_with_large_offset_does_not_overflow(env: Env) -> None:
    """secretExpirationWithLargeOffsetDoesNotOverflow (Keycloak's later version): fifty years of validity."""
    fifty_years = 365 * 50 * 86_400
    await configure_profile_and_policy(env, fifty_years, 2 * 86_400, 2 * 86_400)
    cid = await create_client_by_admin(env, suffixed(CLIENT_NAME))
    await generate_new_secret(env, cid)
    assert (await wrapper(env, cid)).expiration_time == now(env) + fifty_years > 2**31 - 1


async def test_removing_policy_must_clear_rotation_information_from_client_on_update(env: Env) -> None:
    """removingPolicyMustClearRotationInformationFromClientOnUpdate."""
    await configure_profile_and_policy(env)
    cid = await create_client_by_admin(env, suffixed(CLIENT_NAME))
    first = await secret(env, cid)
    assert await generate_new_secret(env, cid) != first
    assert (await rotated_secret(env, cid)).json()["value"] == first
    await set_policy(env, False)  # disableProfile
    await touch(env, cid, "New Description Updated")
    cleared = await wrapper(env, cid)
    assert not cleared.has_rotated_secret and cleared.expiration_time == 0


async def test_removing_policy_must_clear_rotation_information_from_client_on_request_new_secret(env: Env) -> None:
    """removingPolicyMustClearRotationInformationFromClientOnRequestNewSecret."""
    await configure_profile_and_policy(env)
    cid = await create_client_by_admin(env, suffixed(CLIENT_NAME))
    first = await secret(env, cid)
    assert await generate_new_secret(env, cid) != first
    assert (await rotated_secret(env, cid)).json()["value"] == first
    await set_policy(env, False)
    new = await generate_new_secret(env, cid)
    assert await secret(env, cid) == new
    cleared = await wrapper(env, cid)
    assert not cleared.has_rotated_secret and cleared.expiration_time == 0


async def test_a_client_older_than_the_policy_gets_its_expiry_at_its_first_code_exchange(env: Env) -> None:
    """Beyond the Java class (executeOnAuthRequest): a confidential client without an expiry gets one when it
    first asks for tokens under the policy, and its secret is refused once that passes."""
    client_id = suffixed(CLIENT_NAME)
    cid = await create_client_by_admin(env, client_id)
    await configure_profile_and_policy(env)
    assert (await wrapper(env, cid)).expiration_time == 0
    tokens = await code_to_token(env, client_id, DEFAULT_SECRET)
    assert tokens.status_code == 200, tokens.text
    assert (await wrapper(env, cid)).expiration_time == now(env) + HOUR
    set_time_offset(env, HOUR + 1)
    await refused_code_to_token(env, client_id, DEFAULT_SECRET)


async def test_a_client_secret_jwt_signed_with_the_rotated_secret_counts_while_it_lasts(env: Env) -> None:
    """Beyond the Java class (JWTClientSecretAuthenticator, toRotatedClientModel): a client_secret_jwt assertion
    signed with the rotated secret is accepted until the rotated secret expires."""
    await configure_profile_and_policy(env)
    client_id = suffixed(CLIENT_NAME)
    cid = await create_client_by_admin(env, client_id)
    rep = await representation(env, cid)
    await update(env, cid, {**rep, "clientAuthenticatorType": "client-secret-jwt"})
    first = await secret(env, cid)
    new = await generate_new_secret(env, cid)

    async def grant(signing_secret: str) -> tuple[int, str | None]:
        form = {"grant_type": "client_credentials", **with_assertion(secret_jwt(env, client_id, signing_secret))}
        answer = await env.http.post("/realms/test/protocol/openid-connect/token", data=form)
        return answer.status_code, answer.json().get("error_description")

    assert (await grant(new), await grant(first)) == ((200, None), (200, None))
    set_time_offset(env, 601)  # past the rotated secret's ten minutes
    refused = (
        400,
        "Client authentication with client secret signed JWT failed: "
        "Signature on JWT token by client secret  failed validation",
    )
    assert (await grant(new), await grant(first)) == ((200, None), refused)
