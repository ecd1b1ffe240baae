"""Keycloak's ProvidersTest (tests/base/.../tests/admin/authentication/ProvidersTest.java, formerly testsuite/
integration-arquillian/.../admin/authentication/ProvidersTest.java), one test per Java method, against
``/admin/realms/{realm}/authentication/…-providers``, ``per-client-config-description`` and
``config-description/{providerId}``.

Keycloak lists every factory its server deploys; Doorkeep lists the providers its fixed flows name
(realms/auth_providers.py), since no other could be added to a flow here. Where the Java test expects more:

* authenticator-providers: 36 of Keycloak's 41, and ``conditional-user-group`` (ConditionalGroupAuthenticatorFactory,
  newer than the Java list). Listed, as the flows list them, though they never run: Kerberos (with Keycloak's text
  for a server without Kerberos), WebAuthn, recovery codes, the identity provider redirector, the ``idp-*`` steps of
  the first broker login flow, the organization steps, docker's and saml ecp's HTTP Basic. Listed as steps an
  admin's browser or direct grant flow runs: WebAuthn passwordless, the username-only and password-only forms, the
  user role, user attribute, user group, client scope, sub-flow executed and level of authentication conditions,
  allow and deny access, the session count limiter. Left out, as Doorkeep runs them nowhere: the X509 username forms,
  confirm override link and the Conditional OTP Form.
* form-action-providers: reCAPTCHA Enterprise is left out (the registration form names reCAPTCHA only).
* client-authenticator-providers: all four, ``client-x509`` included (the certificate a TLS-terminating proxy
  forwards, oauth/client_x509.py).

The Java test's expected lists are asserted minus those, so a text or a field that differs fails.
"""

from __future__ import annotations

import base64
from typing import Any

import pytest

from admin_support import make_admin
from doorkeep.realms.auth_providers import RUN_IN_ADMIN_FLOWS
from wire_env import Env

pytestmark = pytest.mark.anyio
BASE = "/admin/realms/test/authentication"


def info(provider_id: str, display_name: str, description: str) -> dict[str, Any]:
    return {"id": provider_id, "displayName": display_name, "description": description}


def client_info(provider_id: str, display_name: str, description: str, supports_secret: bool) -> dict[str, Any]:
    return {**info(provider_id, display_name, description), "supportsSecret": supports_secret}


KERBEROS_HELP = (
    "DISABLED. Please enable Kerberos feature and make sure Kerberos available in your platform. Initiates the "
    "SPNEGO protocol. Most often used with Kerberos."
)
# expectedAuthProviders, the providers Doorkeep lists.
EXPECTED_AUTH_PROVIDERS = [
    info("auth-cookie", "Cookie", "Validates the SSO cookie set by the auth server."),
    info("auth-otp-form", "OTP Form", "Validates a OTP on a separate OTP form."),
    info("auth-spnego", "Kerberos", KERBEROS_HELP),
    info("auth-username-password-form", "Username Password Form", "Validates a username and password from login form."),
    info("direct-grant-validate-otp", "OTP",
         "Validates the one time password supplied as a 'totp' form parameter in direct grant request"),
    info("direct-grant-validate-password", "Password",
         "Validates the password supplied as a 'password' form parameter in direct grant request"),
    info("direct-grant-validate-username", "Username Validation",
         "Validates the username supplied as a 'username' form parameter in direct grant request"),
    info("docker-http-basic-authenticator", "Docker Authenticator",
         "Uses HTTP Basic authentication to validate docker users, returning a docker error token on auth failure"),
    info("http-basic-authenticator", "HTTP Basic Authentication",
         "Validates username and password from Authorization HTTP header"),
    info("identity-provider-redirector", "Identity Provider Redirector",
         "Redirects to default Identity Provider or Identity Provider specified with kc_idp_hint query parameter"),
    info("idp-auto-link", "Automatically set existing user",
         "Automatically set existing user to authentication context without any verification"),
    info("idp-confirm-link", "Confirm link existing account",
         "Show the form where user confirms if he wants to link identity provider with existing account or rather "
         "edit user profile data retrieved from identity provider to avoid conflict"),
    info("idp-create-user-if-unique", "Create User If Unique",
         "Detect if there is existing Keycloak account with same email like identity provider. If no, create new "
         "user"),
    info("idp-detect-existing-broker-user", "Detect existing broker user",
         "Detect if there is an existing Keycloak account with same email like identity provider. If no, throw an "
         "error."),
    info("idp-email-verification", "Verify existing account by Email",
         "Email verification of existing Keycloak user, that wants to link his user account with identity provider"),
    info("idp-review-profile", "Review Profile",
         "User reviews and updates profile data retrieved from Identity Provider in the displayed form"),
    info("idp-username-password-form", "Username Password Form for identity provider reauthentication",
         "Validates a password from login form. Username may be already known from identity provider "
         "authentication"),
    info("reset-credential-email", "Send Reset Email", "Send email to user and wait for response."),
    info("reset-credentials-choose-user", "Choose User", "Choose a user to reset credentials for"),
    info("reset-otp", "Reset OTP",
         "Removes existing OTP configurations (if chosen) and sets the 'Configure OTP' required action."),
    info("reset-password", "Reset Password",
         "Sets the Update Password required action if execution is REQUIRED.  Will also set it if execution is "
         "OPTIONAL and the password is currently configured for it."),
    info("webauthn-authenticator", "WebAuthn Authenticator",
         "Authenticator for WebAuthn. Usually used for WebAuthn two-factor authentication"),
    info("auth-recovery-authn-code-form", "Recovery Authentication Code Form",
         "Validates a Recovery Authentication Code"),
    info("conditional-user-configured", "Condition - user configured",
         "Executes the current flow only if authenticators are configured"),
    info("idp-add-organization-member", "Organization Member Onboard",
         "Adds a federated user as a member of an organization"),
    info("organization", "Organization Identity-First Login",
         "If organizations are enabled, automatically redirects users to the corresponding identity provider."),
    info("conditional-credential", "Condition - credential",
         "Condition to evaluate if a specific credential type has been used (or not used) by the user during the "
         "authentication process"),
    info("webauthn-authenticator-passwordless", "WebAuthn Passwordless Authenticator",
         "Authenticator for Passwordless WebAuthn authentication"),
    info("auth-username-form", "Username Form", "Selects a user from his username."),
    info("auth-password-form", "Password Form", "Validates a password from login form."),
    info("conditional-user-role", "Condition - user role", "Flow is executed only if user has the given role."),
    info("conditional-user-attribute", "Condition - user attribute",
         "Flow is executed only if the user attribute exists and has the expected value"),
    info("deny-access-authenticator", "Deny access",
         "Access will be always denied. Useful for example in the conditional flows to be used after satisfying the "
         "previous conditions"),
    info("allow-access-authenticator", "Allow access",
         "Authenticator will always successfully authenticate. Useful for example in the conditional flows to be "
         "used after satisfying the previous conditions"),
    info("conditional-level-of-authentication", "Condition - Level of Authentication",
         "Flow is executed only if the configured LOA or a higher one has been requested but not yet satisfied. "
         "After the flow is successfully finished, the LOA in the session will be updated to value prescribed by "
         "this condition."),
    info("auth-conditional-otp-form", "Conditional OTP Form",
         "Validates a OTP on a separate OTP form. Only shown if required based on the configured conditions."),
    info("user-session-limits", "User session count limiter",
         "Configures how many concurrent sessions a single user is allowed to create for this realm and/or client"),
    info("conditional-sub-flow-executed", "Condition - sub-flow executed",
         "Condition to evaluate if a sub-flow was executed successfully during the authentication process"),
    info("conditional-client-scope", "Condition - client scope",
         "Condition to evaluate if a configured client scope is present as a client scope of the client requesting "
         "authentication"),
    info("conditional-user-group", "Condition - user group", "Flow is executed only if user is member of the given "
         "group."),
]  # fmt: skip


async def get(env: Env, path: str, headers: dict[str, str] | None = None) -> Any:
    response = await env.http.get(BASE + path, headers=headers or await env.admin_headers())
    assert response.status_code == 200, (path, response.status_code, response.text)
    return response.json()


def by_id(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """compareProviders: the same count, and equal once sorted by id."""
    return sorted(items, key=lambda item: str(item["id"]))


async def test_form_providers(realm: Env) -> None:
    result = await get(realm, "/form-providers")
    assert result == [
        info("registration-page-form", "Registration Page", "This is the controller for the registration page")
    ]


async def test_form_action_providers(realm: Env) -> None:
    expected = [
        info("registration-recaptcha-action", "reCAPTCHA", "Adds Google reCAPTCHA to the form."),
        info("registration-password-action", "Password Validation",
             "Validates that password matches password confirmation field.  It also will store password in user's "
             "credential store."),
        info("registration-user-creation", "Registration User Profile Creation",
             "This action must always be first! Validates the username and user profile of the user in validation "
             "phase.  In success phase, this will create the user in the database including his user profile."),
        info("registration-terms-and-conditions", "Terms and conditions",
             "Asks the user to accept terms and conditions before submitting its registration form."),
    ]  # fmt: skip
    assert by_id(await get(realm, "/form-action-providers")) == by_id(expected)


async def test_client_authenticator_providers(realm: Env) -> None:
    expected = [
        client_info("client-jwt", "Signed JWT",
                    "Validates client based on signed JWT issued by client and signed with the Client private key",
                    False),
        client_info("client-secret", "Client Id and Secret",
                    "Validates client based on 'client_id' and 'client_secret' sent either in request parameters or "
                    "in 'Authorization: Basic' header", True),
        client_info("client-secret-jwt", "Signed JWT with Client Secret",
                    "Validates client based on signed JWT issued by client and signed with the Client Secret", True),
        client_info("client-x509", "X509 Certificate", "Validates client based on a X509 Certificate", False),
        # FederatedJWTClientAuthenticator, supported (on by default) since Keycloak 26.6
        client_info("federated-jwt", "Signed JWT - Federated",
                    "Validates client based on signed JWT issued and signed by an external identity provider", False),
    ]  # fmt: skip
    assert by_id(await get(realm, "/client-authenticator-providers")) == by_id(expected)


async def test_per_client_config_descriptions(realm: Env) -> None:
    configs = await get(realm, "/per-client-config-description")
    assert configs.keys() == {"client-jwt", "client-secret", "client-secret-jwt", "client-x509", "federated-jwt"}
    assert all(configs[k] == [] for k in ("client-jwt", "client-secret", "client-secret-jwt", "client-x509"))
    # FederatedJWTClientAuthenticator.getConfigPropertiesPerClient (CLIENT_CONFIG)
    assert configs["federated-jwt"] == [
        {
            "name": "jwt.credential.issuer",
            "label": "Identity provider",
            "helpText": "Issuer of the client assertion. Use the alias of an identity provider set up in this realm.",
            "type": "String",
            "secret": False,
            "required": True,
            "readOnly": False,
        },
        {
            "name": "jwt.credential.sub",
            "label": "Federated subject",
            "helpText": "External clientId (subject) as provided by the identity provider.",
            "type": "String",
            "secret": False,
            "required": True,
            "readOnly": False,
        },
    ]


async def test_authenticator_config_description(realm: Env) -> None:
    headers = await realm.admin_headers()
    missing = await realm.http.get(BASE + "/config-description/not-existent", headers=headers)
    assert (missing.status_code, missing.json()) == (404, {"error": "Could not find authenticator provider"})

    rep = await get(realm, "/config-description/idp-create-user-if-unique")
    assert rep == {
        "name": "Create User If Unique",
        "providerId": "idp-create-user-if-unique",
        "helpText": "Detect if there is existing Keycloak account with same email like identity provider. If no, "
        "create new user",
        "properties": [
            {
                "name": "require.password.update.after.registration",
                "label": "Require Password Update After Registration",
                "helpText": "If this option is true and new user is successfully imported from Identity Provider to "
                "Keycloak (there is no duplicated email or username detected in Keycloak DB), then this user is "
                "required to update his password",
                "type": "boolean",
                "secret": False,
                "required": False,
                "readOnly": False,
            }
        ],
    }


async def test_initial_authentication_providers(realm: Env) -> None:
    assert by_id(await get(realm, "/authenticator-providers")) == by_id(EXPECTED_AUTH_PROVIDERS)


# Doorkeep's own: what the port above does not reach.


async def test_every_provider_a_listed_flow_names_is_listed(realm: Env) -> None:
    listed = set()
    for path in ("/authenticator-providers", "/form-providers", "/form-action-providers",
                 "/client-authenticator-providers"):  # fmt: skip
        listed |= {item["id"] for item in await get(realm, path)}
    named = set()
    aliases = [flow["alias"] for flow in await get(realm, "/flows")] + ["saml ecp"]  # exported, never listed
    for alias in aliases:
        rows = await get(realm, f"/flows/{alias}/executions")
        named |= {row["providerId"] for row in rows if "providerId" in row}
    assert named - listed == set()
    # and the automatic linking steps an edited first broker login flow may run (realms/broker_flow_plan.py), and
    # the steps an admin's browser or direct grant flow may run (realms/flow_plan.py)
    assert listed - named == {"idp-auto-link", "idp-detect-existing-broker-user", *RUN_IN_ADMIN_FLOWS}


async def test_a_description_answers_every_listed_provider_and_a_base32_id(realm: Env) -> None:
    for path in ("/authenticator-providers", "/form-action-providers", "/client-authenticator-providers"):
        for item in await get(realm, path):
            rep = await get(realm, "/config-description/" + item["id"])
            assert (rep["name"], rep["providerId"], rep["helpText"]) == (
                item["displayName"],
                item["id"],
                item["description"],
            )
    encoded = base64.b32encode(b"reset-otp").decode().rstrip("=")
    rep = await get(realm, "/config-description/" + encoded)
    assert rep["providerId"] == "reset-otp"
    assert rep["properties"] == [
        {
            "name": "action_on_otp_reset_flag",
            "label": "Action on OTP reset.",
            "helpText": " If 'Remove none' is chosen, the user will keep all existing OTP configurations (legacy "
            "behavior). If 'Remove one' is chosen, the user will be prompted to choose one OTP configuration which "
            "will then be removed. If 'Remove all' is chosen, all existing OTP configurations of the user will be "
            "removed. The user will always be prompted to configure a new OTP no matter which option is selected.",
            "type": "List",
            "defaultValue": "Remove none",
            "options": ["Remove none", "Remove one", "Remove all"],
            "secret": False,
            "required": False,
            "readOnly": False,
        }
    ]
    recaptcha = await get(realm, "/config-description/registration-recaptcha-action")
    secret = next(p for p in recaptcha["properties"] if p["name"] == "secret.key")
    assert secret["secret"] is True
    assert [p["name"] for p in recaptcha["properties"]] == [
        "site.key",
        "secret.key",
        "action",
        "useRecaptchaNet",
        "recaptcha.v3",
    ]
    x509 = await get(realm, "/config-description/client-x509")  # X509ClientAuthenticator: no properties
    assert x509 == {
        "name": "X509 Certificate",
        "providerId": "client-x509",
        "helpText": "Validates client based on a X509 Certificate",
        "properties": [],
    }


async def test_reading_needs_view_realm_and_client_authenticators_also_a_clients_role(realm: Env) -> None:
    realm_wide = ("/form-providers", "/authenticator-providers", "/form-action-providers", "/config-description/x")
    client_wide = ("/client-authenticator-providers", "/per-client-config-description")
    _, viewer = await make_admin(realm, "test", "viewer", "view-realm")
    for path in realm_wide + client_wide:
        response = await realm.http.get(BASE + path, headers=viewer)
        assert response.status_code == (404 if path.endswith("/x") else 200), path
    for role in ("query-clients", "view-clients", "manage-clients"):
        _, holder = await make_admin(realm, "test", role + "-holder", role)
        for path in client_wide:
            assert (await realm.http.get(BASE + path, headers=holder)).status_code == 200, (role, path)
        for path in realm_wide:
            assert (await realm.http.get(BASE + path, headers=holder)).status_code == 403, (role, path)
    _, users = await make_admin(realm, "test", "users", "query-users")
    for path in realm_wide + client_wide:
        response = await realm.http.get(BASE + path, headers=users)
        assert (response.status_code, response.json()) == (403, {"error": "HTTP 403 Forbidden"}), path
