"""InitialFlowsTest (tests/base, keycloak/keycloak @898fdedc) ported whole: every top-level flow of a new realm
(export representation: alias, description, providerId, topLevel, builtIn, each step's flowAlias, authenticator,
userSetupAllowed, authenticatorFlow, authenticatorConfig, priority, requirement), every row of its executions
(requirement, displayName, configurable, providerId, level, index, priority, authenticationFlow, requirementChoices)
and the configs the rows name (alias and params, and no config on any other row).

Doorkeep runs no Kerberos: KerberosUtils.isKerberosSupportExpected() is false, so the Kerberos row offers DISABLED only,
as the Keycloak test expects when Kerberos support is not expected. test_admin_auth_flows.py pins the browser rows and
the ids; this module covers the six other flows the older port left out (clients with federated-jwt, direct grant,
docker auth, first broker login, registration, reset credentials).

A later stored copy (@3ad3d894) expects ``OTP Form`` / ``auth-otp-form`` in "Reset - Conditional OTP": that is the
open pull request keycloak#50144 ("Require existing OTP on default Reset Credentials flow"), not merged into
DefaultAuthenticationFlows.resetCredentialsFlow, which still adds ``reset-otp``. Doorkeep keeps Keycloak's released
flow (``Reset OTP``, as @898fdedc expects)."""

from __future__ import annotations

from typing import Any

import pytest

from wire_env import Env

pytestmark = pytest.mark.anyio
BASE = "/admin/realms/test/authentication"
R, A, D, C = "REQUIRED", "ALTERNATIVE", "DISABLED", "CONDITIONAL"
RAD, RD, RADC = [R, A, D], [R, D], [R, A, D, C]

# (flowAlias, userSetupAllowed, authenticator, authenticatorFlow, authenticatorConfig, requirement, priority)
Export = tuple[str | None, bool, str | None, bool, str | None, str, int]
# (displayName, providerId, configurable, level, index, requirement, authenticationFlow, choices, priority)
Row = tuple[str, str | None, bool, int, int, str, bool | None, list[str], int]

FLOWS: list[tuple[str, str, list[Export], list[Row]]] = [
    (
        "browser",
        "Browser based authentication",
        [
            (None, False, "auth-cookie", False, None, A, 10),
            (None, False, "auth-spnego", False, None, D, 20),
            (None, False, "identity-provider-redirector", False, None, A, 25),
            ("Organization", False, None, True, None, A, 26),
            ("forms", False, None, True, None, A, 30),
        ],
        [
            ("Cookie", "auth-cookie", False, 0, 0, A, None, RAD, 10),
            ("Kerberos", "auth-spnego", False, 0, 1, D, None, [D], 20),
            ("Identity Provider Redirector", "identity-provider-redirector", True, 0, 2, A, None, RAD, 25),
            ("Organization", None, False, 0, 3, A, True, RADC, 26),
            ("Browser - Conditional Organization", None, False, 1, 0, C, True, RADC, 10),
            ("Condition - user configured", "conditional-user-configured", False, 2, 0, R, None, RD, 10),
            ("Organization Identity-First Login", "organization", True, 2, 1, A, None, RAD, 20),
            ("forms", None, False, 0, 4, A, True, RADC, 30),
            ("Username Password Form", "auth-username-password-form", False, 1, 0, R, None, [R], 10),
            ("Browser - Conditional 2FA", None, False, 1, 1, C, True, RADC, 20),
            ("Condition - user configured", "conditional-user-configured", False, 2, 0, R, None, RD, 10),
            ("Condition - credential", "conditional-credential", True, 2, 1, R, None, RD, 20),
            ("OTP Form", "auth-otp-form", False, 2, 2, A, None, RAD, 30),
            ("WebAuthn Authenticator", "webauthn-authenticator", False, 2, 3, D, None, RAD, 40),
            ("Recovery Authentication Code Form", "auth-recovery-authn-code-form", False, 2, 4, D, None, RAD, 50),
        ],
    ),
    (
        "clients",
        "Base authentication for clients",
        [
            (None, False, "client-secret", False, None, A, 10),
            (None, False, "client-jwt", False, None, A, 20),
            (None, False, "client-secret-jwt", False, None, A, 30),
            (None, False, "client-x509", False, None, A, 40),
            (None, False, "federated-jwt", False, None, A, 50),
        ],
        [
            ("Client Id and Secret", "client-secret", False, 0, 0, A, None, RAD, 10),
            ("Signed JWT", "client-jwt", False, 0, 1, A, None, RAD, 20),
            ("Signed JWT with Client Secret", "client-secret-jwt", False, 0, 2, A, None, RAD, 30),
            ("X509 Certificate", "client-x509", False, 0, 3, A, None, RAD, 40),
            ("Signed JWT - Federated", "federated-jwt", False, 0, 4, A, None, RAD, 50),
        ],
    ),
    (
        "direct grant",
        "OpenID Connect Resource Owner Grant",
        [
            (None, False, "direct-grant-validate-username", False, None, R, 10),
            (None, False, "direct-grant-validate-password", False, None, R, 20),
            ("Direct Grant - Conditional OTP", False, None, True, None, C, 30),
        ],
        [
            ("Username Validation", "direct-grant-validate-username", False, 0, 0, R, None, [R], 10),
            ("Password", "direct-grant-validate-password", False, 0, 1, R, None, RAD, 20),
            ("Direct Grant - Conditional OTP", None, False, 0, 2, C, True, RADC, 30),
            ("Condition - user configured", "conditional-user-configured", False, 1, 0, R, None, RD, 10),
            ("OTP", "direct-grant-validate-otp", False, 1, 1, R, None, RAD, 20),
        ],
    ),
    (
        "docker auth",
        "Used by Docker clients to authenticate against the IDP",
        [(None, False, "docker-http-basic-authenticator", False, None, R, 10)],
        [("Docker Authenticator", "docker-http-basic-authenticator", False, 0, 0, R, None, [R], 10)],
    ),
    (
        "first broker login",
        "Actions taken after first broker login with identity provider account, which is not yet linked to any "
        "Keycloak account",
        [
            (None, False, "idp-review-profile", False, "review profile config", R, 10),
            ("User creation or linking", False, None, True, None, R, 20),
            ("First Broker Login - Conditional Organization", False, None, True, None, C, 60),
        ],
        [
            ("Review Profile", "idp-review-profile", True, 0, 0, R, None, RAD, 10),
            ("User creation or linking", None, False, 0, 1, R, True, RADC, 20),
            ("Create User If Unique", "idp-create-user-if-unique", True, 1, 0, A, None, RAD, 10),
            ("Handle Existing Account", None, False, 1, 1, A, True, RADC, 20),
            ("Confirm link existing account", "idp-confirm-link", False, 2, 0, R, None, RAD, 10),
            ("Account verification options", None, False, 2, 1, R, True, RADC, 20),
            ("Verify existing account by Email", "idp-email-verification", False, 3, 0, A, None, RAD, 10),
            ("Verify Existing Account by Re-authentication", None, False, 3, 1, A, True, RADC, 20),
            (
                "Username Password Form for identity provider reauthentication",
                "idp-username-password-form",
                False,
                4,
                0,
                R,
                None,
                [R],
                10,
            ),
            ("First broker login - Conditional 2FA", None, False, 4, 1, C, True, RADC, 20),
            ("Condition - user configured", "conditional-user-configured", False, 5, 0, R, None, RD, 10),
            ("Condition - credential", "conditional-credential", True, 5, 1, R, None, RD, 20),
            ("OTP Form", "auth-otp-form", False, 5, 2, A, None, RAD, 30),
            ("WebAuthn Authenticator", "webauthn-authenticator", False, 5, 3, D, None, RAD, 40),
            ("Recovery Authentication Code Form", "auth-recovery-authn-code-form", False, 5, 4, D, None, RAD, 50),
            ("First Broker Login - Conditional Organization", None, False, 0, 2, C, True, RADC, 60),
            ("Condition - user configured", "conditional-user-configured", False, 1, 0, R, None, RD, 10),
            ("Organization Member Onboard", "idp-add-organization-member", False, 1, 1, R, None, RAD, 20),
        ],
    ),
    (
        "registration",
        "Registration flow",
        [("registration form", False, "registration-page-form", True, None, R, 10)],
        [
            ("registration form", "registration-page-form", False, 0, 0, R, True, RD, 10),
            ("Registration User Profile Creation", "registration-user-creation", False, 1, 0, R, None, RD, 20),
            ("Password Validation", "registration-password-action", True, 1, 1, R, None, RD, 50),
            ("reCAPTCHA", "registration-recaptcha-action", True, 1, 2, D, None, RD, 60),
            ("Terms and conditions", "registration-terms-and-conditions", False, 1, 3, D, None, RD, 70),
        ],
    ),
    (
        "reset credentials",
        "Reset credentials for a user if they forgot their password or something",
        [
            (None, False, "reset-credentials-choose-user", False, None, R, 10),
            (None, False, "reset-credential-email", False, None, R, 20),
            (None, False, "reset-password", False, None, R, 30),
            ("Reset - Conditional OTP", False, None, True, None, C, 40),
        ],
        [
            ("Choose User", "reset-credentials-choose-user", False, 0, 0, R, None, [R], 10),
            ("Send Reset Email", "reset-credential-email", True, 0, 1, R, None, [R], 20),
            ("Reset Password", "reset-password", False, 0, 2, R, None, RAD, 30),
            ("Reset - Conditional OTP", None, False, 0, 3, C, True, RADC, 40),
            ("Condition - user configured", "conditional-user-configured", False, 1, 0, R, None, RD, 10),
            ("Reset OTP", "reset-otp", True, 1, 1, R, None, RAD, 20),
        ],
    ),
]


def expected_config(flow: str, provider: str | None) -> tuple[str, dict[str, str]] | None:
    """InitialFlowsTest's expectedConfigs, keyed by the row's provider (conditional-credential's alias by flow)."""
    if provider == "idp-review-profile":
        return "review profile config", {"update.profile.on.first.login": "missing"}
    if provider == "idp-create-user-if-unique":
        return "create unique user config", {"require.password.update.after.registration": "false"}
    if provider == "conditional-credential":
        alias = "browser-conditional-credential" if flow == "browser" else "first-broker-login-conditional-credential"
        return alias, {"credentials": "webauthn-passwordless"}
    return None


async def get(env: Env, path: str) -> Any:
    response = await env.http.get(BASE + path, headers=await env.admin_headers())
    assert response.status_code == 200, response.text
    return response.json()


def export_view(step: dict[str, Any]) -> Export:
    return (
        step.get("flowAlias"),
        step.get("userSetupAllowed", False),
        step.get("authenticator"),
        step.get("authenticatorFlow", False),
        step.get("authenticatorConfig"),
        step["requirement"],
        step["priority"],
    )


def row_view(row: dict[str, Any]) -> Row:
    return (
        row["displayName"],
        row.get("providerId"),
        row["configurable"],
        row["level"],
        row["index"],
        row["requirement"],
        row.get("authenticationFlow"),
        row["requirementChoices"],
        row["priority"],
    )


async def test_initial_flows(realm: Env) -> None:
    flows = sorted(await get(realm, "/flows"), key=lambda f: f["alias"])
    assert [f["alias"] for f in flows] == [alias for alias, *_ in FLOWS]
    for flow, (alias, description, steps, rows) in zip(flows, FLOWS, strict=True):
        assert (flow["description"], flow["providerId"], flow["topLevel"], flow["builtIn"]) == (
            description,
            "basic-flow" if alias != "clients" else "client-flow",
            True,
            True,
        ), alias
        assert [export_view(s) for s in flow["authenticationExecutions"]] == steps, alias
        executions = await get(realm, f"/flows/{flow['alias']}/executions")
        assert [row_view(r) for r in executions] == rows, alias
        for execution in executions:
            wanted = expected_config(alias, execution.get("providerId"))
            if wanted is None:
                assert "authenticationConfig" not in execution, (alias, execution["displayName"])
                continue
            config = await get(realm, f"/config/{execution['authenticationConfig']}")
            assert (config["alias"], config["config"]) == wanted, (alias, execution["displayName"])
