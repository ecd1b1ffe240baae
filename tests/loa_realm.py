"""The realm of Keycloak's LevelOfAssuranceFlowTest for the wire port
(tests/wire/test_keycloak_level_of_assurance_flow_test.py): realm ``test`` with reusable OTP codes, the client
``test-app`` with ``acr.loa.map`` {copper: 0, silver: 1, gold: 2} and the built-in acr, roles and basic scopes, the user
``test-user@localhost``, and the class's step-up browser flow (``configureStepUpFlow``) bound as the browser flow,
in the shape of Keycloak's documented "Browser Incl Step up Mechanism": the Cookie, then an ALTERNATIVE sub-flow
of three CONDITIONAL level sub-flows (1: the username and password form, 2: the OTP form, 3: Allow Access,
standing in for the test's PushButtonAuthenticator, which Doorkeep does not have)."""

from __future__ import annotations

from typing import Any

import pytest

from group_port import fresh_realm
from keycloak_port import add_totp
from wire_env import Env

APP = "test-app"
SECRET = "password"
USER = "test-user@localhost"
PASSWORD = "password"
TOTP_SECRET = "totpSecret"
FLOW = "browser -  Level of Authentication FLow"  # LevelOfAssuranceFlowTest.FLOW_ALIAS
FORMS = "Auth Flow"
LEVEL_FLOWS = ("level1-subflow", "level2-subflow", "level3-subflow")
LEVEL_STEPS = ("auth-username-password-form", "auth-otp-form", "allow-access-authenticator")
DEFAULT_MAX_AGES = (36000, 0, 0)  # configureStepUpFlow: ConditionalLoaAuthenticator.DEFAULT_MAX_AGE, 0, 0
ACR_LOA_MAP = '{"copper":0,"silver":1,"gold":2}'


def _step(priority: int, requirement: str, authenticator: str | None = None, **more: Any) -> dict[str, Any]:
    step: dict[str, Any] = {"requirement": requirement, "priority": priority, "userSetupAllowed": False}
    if authenticator is not None:
        step |= {"authenticator": authenticator, "authenticatorFlow": False}
    return step | more


def _sub_flow(priority: int, requirement: str, alias: str) -> dict[str, Any]:
    return _step(priority, requirement, authenticatorFlow=True, flowAlias=alias)


def level_config(level: int, max_age: int) -> dict[str, Any]:
    return {"alias": f"level{level}", "config": {"loa-condition-level": str(level), "loa-max-age": str(max_age)}}


def step_up_flows(max_ages: tuple[int, int, int] = DEFAULT_MAX_AGES) -> dict[str, Any]:
    """``authenticationFlows`` and ``authenticatorConfig`` of the step-up flow, with the levels' max ages."""
    flows: list[dict[str, Any]] = [
        {
            "alias": FLOW,
            "description": "",
            "providerId": "basic-flow",
            "topLevel": True,
            "builtIn": False,
            "authenticationExecutions": [_step(10, "ALTERNATIVE", "auth-cookie"), _sub_flow(20, "ALTERNATIVE", FORMS)],
        },
        {
            "alias": FORMS,
            "description": "",
            "providerId": "basic-flow",
            "topLevel": False,
            "builtIn": False,
            "authenticationExecutions": [_sub_flow(10 * (i + 1), "CONDITIONAL", f) for i, f in enumerate(LEVEL_FLOWS)],
        },
    ]
    for index, (alias, authenticator) in enumerate(zip(LEVEL_FLOWS, LEVEL_STEPS, strict=True)):
        condition = _step(
            10, "REQUIRED", "conditional-level-of-authentication", authenticatorConfig=f"level{index + 1}"
        )
        flows.append(
            {
                "alias": alias,
                "description": "",
                "providerId": "basic-flow",
                "topLevel": False,
                "builtIn": False,
                "authenticationExecutions": [condition, _step(20, "REQUIRED", authenticator)],
            }
        )
    configs = [level_config(level, age) for level, age in enumerate(max_ages, start=1)]
    return {"authenticationFlows": flows, "authenticatorConfig": configs}


def loa_realm() -> dict[str, Any]:
    return {
        "realm": "test",
        "enabled": True,
        "eventsEnabled": True,
        "otpPolicyCodeReusable": True,
        "clients": [
            {
                "clientId": APP,
                "secret": SECRET,
                "redirectUris": ["*"],
                "directAccessGrantsEnabled": True,
                "attributes": {"acr.loa.map": ACR_LOA_MAP},
                # the built-in scopes: ``acr`` (its mapper puts ``acr`` in the tokens), ``roles`` (the account audience
                # the Account API asks for) and ``basic``, as test-app has them in testrealm.json
                "defaultClientScopes": ["acr", "roles", "basic"],
            }
        ],
        "users": [
            {
                "username": USER,
                "email": USER,
                "firstName": "Tom",
                "lastName": "Brady",
                "enabled": True,
                "credentials": [{"type": "password", "value": PASSWORD, "temporary": False}],
                "clientRoles": {"account": ["view-profile", "manage-account"]},  # as testrealm.json gives them
            }
        ],
        **step_up_flows(),
        "browserFlow": FLOW,
    }


@pytest.fixture(scope="module")
async def loa_env(shared_env: Env) -> Env:
    """The realm once for the module, and the user's OTP credential (UserBuilder.totpSecret)."""
    await fresh_realm(shared_env, loa_realm())
    await add_totp(shared_env, USER, TOTP_SECRET)
    return shared_env
