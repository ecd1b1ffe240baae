"""Recovery codes with ``--features-disabled=recovery-codes``, as Keycloak 26 behaves then: no recovery step offered
nor listed, and the CONFIGURE_RECOVERY_AUTHN_CODES required action without a provider. A realm still on Keycloak's
default required actions has none registered (DefaultRequiredActions.addRecoveryAuthnCodesAction): a user's is
passed over and a ``kc_action`` naming it is "not configured for realm" (``kc_action_status=error``). A realm that
registered it itself keeps it, and running it finds no factory: the login ends on the unexpected-error page
(AuthenticationManager.executeAction's RuntimeException, handleBrowserException)."""

from __future__ import annotations

import dataclasses
from collections.abc import AsyncIterator

import pytest

from browser_flow import code_from, login, start
from doorkeep.users import recovery_codes
from flow_builder import ADMIN, add_otp, admin, events
from recovery_flow import OTP_FORM, RECOVERY, give_codes, password_page, seed, two_factor_flow, user_rep
from support import password_grant
from wire_env import Env, another_worker

pytestmark = pytest.mark.anyio
UNEXPECTED = "Unexpected error when handling authentication request to identity provider."
ACTION = recovery_codes.CONFIGURE


@pytest.fixture
async def realm(env: Env) -> Env:
    await seed(env)
    return env


def feature_off(env: Env) -> Env:
    return dataclasses.replace(env, settings=dataclasses.replace(env.settings, features_disabled="recovery-codes"))


async def give_action(env: Env) -> None:
    user = await user_rep(env)
    await admin(env, "PUT", f"{ADMIN}/users/{user['id']}", {"requiredActions": [ACTION]}, 204)


async def register_itself(env: Env) -> None:
    """The realm stores its own required actions (an admin changed one): CONFIGURE_RECOVERY_AUTHN_CODES among them."""
    path = f"{ADMIN}/authentication/required-actions/{ACTION}"
    current = (await admin(env, "GET", path, status=200)).json()
    await admin(env, "PUT", path, {**current, "config": {recovery_codes.THRESHOLD_KEY: "3"}}, 204)


@pytest.fixture
async def off(realm: Env) -> AsyncIterator[Env]:
    async with another_worker(feature_off(realm)) as http:
        yield dataclasses.replace(realm, http=http)


async def test_with_the_feature_off_no_code_is_asked_nor_listed(realm: Env) -> None:
    """The recovery step is never offered (no "Try Another Way" beside the OTP form), and the Account API lists no
    recovery codes type; the same realm with the feature on does both."""
    env = realm
    await two_factor_flow(env, OTP_FORM, RECOVERY)
    await give_codes(env)
    token = (await password_grant(env.http, "test", "app")).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    await add_otp(env)
    on = (await env.http.get("/realms/test/account/credentials", headers=headers)).json()
    assert recovery_codes.TYPE in [c["type"] for c in on]
    assert 'id="try-another-way"' in (await password_page(env)).text
    async with another_worker(feature_off(env)) as http:
        other = dataclasses.replace(env, http=http)
        page = await password_page(other)
        assert 'name="otp"' in page.text and 'id="try-another-way"' not in page.text
        listed_off = (await http.get("/realms/test/account/credentials", headers=headers)).json()
        assert recovery_codes.TYPE not in [c["type"] for c in listed_off]


async def test_a_users_setup_action_is_passed_over_in_a_realm_on_the_defaults(realm: Env, off: Env) -> None:
    """No CONFIGURE_RECOVERY_AUTHN_CODES registered: a user's is skipped, not shown, and stays on the user."""
    await give_action(realm)
    assert "code" in code_from(await password_page(off))
    assert (await user_rep(realm))["requiredActions"] == [ACTION]
    assert 'id="kc-recovery-codes-list"' in (await password_page(realm)).text  # the feature on: the page again


async def test_the_setup_asked_by_the_client_answers_error_in_a_realm_on_the_defaults(realm: Env, off: Env) -> None:
    """``kc_action=CONFIGURE_RECOVERY_AUTHN_CODES``: "not configured for realm", the code comes back with
    ``kc_action_status=error`` and no set is made; the feature on, the same request shows the setup page."""
    params = code_from(await password_page(off, kc_action=ACTION))
    assert params["kc_action_status"] == "error" and "code" in params
    assert not [c for c in await credential_types(realm) if c == recovery_codes.TYPE]
    assert await events(realm, "UPDATE_CREDENTIAL") == []
    realm.http.cookies.clear()
    assert 'id="kc-recovery-codes-list"' in (await password_page(realm, kc_action=ACTION)).text


async def test_a_passive_login_is_not_stopped_by_an_action_without_its_feature(realm: Env, off: Env) -> None:
    """``prompt=none`` over an SSO session of a user holding CONFIGURE_RECOVERY_AUTHN_CODES: nothing is pending."""
    await login(off.http, "test", "app")
    await give_action(realm)
    params = code_from(await start(off.http, "test", "app", prompt="none"))
    assert "code" in params and "error" not in params


async def test_a_realm_that_registered_it_ends_the_login_on_the_error_page(realm: Env, off: Env) -> None:
    """The realm's own registration of CONFIGURE_RECOVERY_AUTHN_CODES, the provider missing: the client's request
    and the user's own action alike end the login with LOGIN_ERROR ``invalid_user_credentials`` and the 400 page."""
    await register_itself(realm)
    for kc_action in (ACTION, None):
        off.http.cookies.clear()
        if kc_action is None:
            await give_action(realm)
        page = await (password_page(off, kc_action=kc_action) if kc_action else password_page(off))
        assert page.status_code == 400 and UNEXPECTED in page.text, page.text[:300]
    errors = [e for e in await events(realm, "LOGIN_ERROR") if e.error == "invalid_user_credentials"]
    assert len(errors) == 2
    assert (await user_rep(realm))["requiredActions"] == [ACTION]


async def credential_types(env: Env) -> list[str]:
    """The types of the user's stored credentials."""
    user = await user_rep(env)
    found = (await admin(env, "GET", f"{ADMIN}/users/{user['id']}/credentials", status=200)).json()
    return [str(c["type"]) for c in found]


THRESHOLD_POLICY = "length(8) and recoveryCodesWarningThreshold(3)"


@pytest.mark.parametrize("feature_on", [True, False])
async def test_the_threshold_policy_is_not_found_with_the_feature_off(realm: Env, feature_on: bool) -> None:
    """RecoveryCodesWarningThresholdPasswordPolicyProviderFactory is supported only with the feature on: off, a realm
    update naming its policy is PasswordPolicy.parse's "Password policy not found" (400) and the policy stays; on,
    the same update is taken."""
    headers = await realm.admin_headers()
    if feature_on:
        response = await realm.http.put(ADMIN, json={"passwordPolicy": THRESHOLD_POLICY}, headers=headers)
        assert response.status_code == 204, response.text
        return
    async with another_worker(feature_off(realm)) as http:
        response = await http.put(ADMIN, json={"passwordPolicy": THRESHOLD_POLICY}, headers=headers)
        assert response.status_code == 400, response.text
        assert response.json()["errorMessage"] == "Password policy not found"
        kept = (await http.get(ADMIN, headers=headers)).json()
        assert "passwordPolicy" not in kept or "recoveryCodes" not in kept["passwordPolicy"], kept
        created = await http.post(
            "/admin/realms", json={"realm": "other", "passwordPolicy": THRESHOLD_POLICY}, headers=headers
        )
        assert created.status_code == 400 and created.json()["errorMessage"] == "Password policy not found"
        assert (await http.get("/admin/realms/other", headers=headers)).status_code == 404


async def test_the_policies_endpoint_does_not_know_the_threshold_with_the_feature_off(realm: Env) -> None:
    """``authentication/policies/password-policy``: validatePasswordPolicyRepresentation finds no provider for the
    threshold with the feature off ("Unknown password policy type(s)"), where with it on the policy is stored."""
    path, body = (
        f"{ADMIN}/authentication/policies/password-policy",
        [{"id": "recoveryCodesWarningThreshold", "value": 3}],
    )
    headers = await realm.admin_headers()
    async with another_worker(feature_off(realm)) as http:
        refused = await http.put(path, json=body, headers=headers)
        assert refused.status_code == 400, refused.text
        assert refused.json() == {"error": "Unknown password policy type(s): recoveryCodesWarningThreshold"}
    taken = await realm.http.put(path, json=body, headers=headers)
    assert taken.status_code == 204, taken.text
