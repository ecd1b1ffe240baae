"""Keycloak 26's built-in authentication flows (DefaultAuthenticationFlows.addFlows), as Doorkeep runs them.

Doorkeep runs fixed sign-in, direct-grant, registration, reset-credentials and client-authentication steps: the
ones these flows describe. A realm nobody edited shows exactly this set (realms/flow_model.py computes it, ids
derived from the realm id and the flow or execution, so every process and request agree); an admin's first write
stores it. Every step is listed as Keycloak lists it (Kerberos, WebAuthn and recovery codes DISABLED; the Identity
Provider Redirector and the organization steps ALTERNATIVE, acting only for a realm with identity providers, or with
organizations on and present: oauth/login_broker.py, oauth/login_organization.py). Which stored flows are their
equals is realms/flow_support.py's question. The organization flows are not added to the admin realm
(DefaultAuthenticationFlows.addOrganizationBrowserFlowStep).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from doorkeep.model import JSON, Realm

REQ, ALT, DIS, COND = "REQUIRED", "ALTERNATIVE", "DISABLED", "CONDITIONAL"
BASIC, FORM, CLIENT = "basic-flow", "form-flow", "client-flow"  # AuthenticationFlow.BASIC_FLOW, FORM_FLOW, CLIENT_FLOW
ADMIN_REALM = "master"
SAML_ECP = "saml ecp"  # exported, never listed (AuthenticationManagementResource.getFlows)
ORG_FBL = "First Broker Login - Conditional Organization"
ORGANIZATION_FLOWS = frozenset({"Organization", "Browser - Conditional Organization", ORG_FBL})


@dataclass(frozen=True)
class Step:
    """One execution: an authenticator, or a sub-flow (``flow``); ``keycloak`` is Keycloak's requirement where
    Doorkeep lists another because it does not run the step."""

    authenticator: str | None
    requirement: str
    priority: int
    flow: str | None = None
    config: str | None = None
    keycloak: str | None = None


@dataclass(frozen=True)
class Flow:
    alias: str
    description: str | None
    provider_id: str
    top_level: bool
    steps: tuple[Step, ...]


def _two_factor(alias: str, config: str) -> Flow:
    """The browser's and first broker login's conditional 2FA sub-flow (PASSKEYS, WEB_AUTHN, RECOVERY_CODES on)."""
    return Flow(alias, "Flow to determine if any 2FA is required for the authentication", BASIC, False, (
        Step("conditional-user-configured", REQ, 10),
        Step("conditional-credential", REQ, 20, config=config),
        Step("auth-otp-form", ALT, 30),
        Step("webauthn-authenticator", DIS, 40),
        Step("auth-recovery-authn-code-form", DIS, 50),
    ))  # fmt: skip


OTP_DESCRIPTION = "Flow to determine if the OTP is required for the authentication"
FLOWS: tuple[Flow, ...] = (
    Flow("browser", "Browser based authentication", BASIC, True, (
        Step("auth-cookie", ALT, 10),
        Step("auth-spnego", DIS, 20),
        Step("identity-provider-redirector", ALT, 25),
        Step(None, ALT, 26, flow="Organization"),
        Step(None, ALT, 30, flow="forms"),
    )),
    Flow("Organization", None, BASIC, False, (Step(None, COND, 10, flow="Browser - Conditional Organization"),)),
    Flow("Browser - Conditional Organization",
         "Flow to determine if the organization identity-first login is to be used", BASIC, False, (
        Step("conditional-user-configured", REQ, 10),
        Step("organization", ALT, 20),
    )),
    Flow("forms", "Username, password, otp and other auth forms.", BASIC, False, (
        Step("auth-username-password-form", REQ, 10),
        Step(None, COND, 20, flow="Browser - Conditional 2FA"),
    )),
    _two_factor("Browser - Conditional 2FA", "browser-conditional-credential"),
    Flow("direct grant", "OpenID Connect Resource Owner Grant", BASIC, True, (
        Step("direct-grant-validate-username", REQ, 10),
        Step("direct-grant-validate-password", REQ, 20),
        Step(None, COND, 30, flow="Direct Grant - Conditional OTP"),
    )),
    Flow("Direct Grant - Conditional OTP", OTP_DESCRIPTION, BASIC, False, (
        Step("conditional-user-configured", REQ, 10),
        Step("direct-grant-validate-otp", REQ, 20),
    )),
    Flow("registration", "Registration flow", BASIC, True, (
        Step("registration-page-form", REQ, 10, flow="registration form"),
    )),
    Flow("registration form", "Registration form", FORM, False, (
        Step("registration-user-creation", REQ, 20),
        Step("registration-password-action", REQ, 50),
        Step("registration-recaptcha-action", DIS, 60),
        Step("registration-terms-and-conditions", DIS, 70),
    )),
    Flow("reset credentials", "Reset credentials for a user if they forgot their password or something", BASIC,
         True, (
        Step("reset-credentials-choose-user", REQ, 10),
        Step("reset-credential-email", REQ, 20),
        Step("reset-password", REQ, 30),
        Step(None, COND, 40, flow="Reset - Conditional OTP"),
    )),
    Flow("Reset - Conditional OTP", "Flow to determine if the OTP should be reset or not. Set to REQUIRED to force.",
         BASIC, False, (
        Step("conditional-user-configured", REQ, 10),
        Step("reset-otp", REQ, 20),
    )),
    Flow("clients", "Base authentication for clients", CLIENT, True, (
        Step("client-secret", ALT, 10),
        Step("client-jwt", ALT, 20),
        Step("client-secret-jwt", ALT, 30),
        Step("client-x509", ALT, 40),  # the certificate a TLS-terminating proxy forwards (oauth/client_x509.py)
        Step("federated-jwt", ALT, 50),  # an identity provider's assertion (oauth/client_federated.py), Keycloak 26.6
    )),
    Flow("first broker login",
         "Actions taken after first broker login with identity provider account, which is not yet linked to any "
         "Keycloak account", BASIC, True, (
        Step("idp-review-profile", REQ, 10, config="review profile config"),
        Step(None, REQ, 20, flow="User creation or linking"),
        Step(None, COND, 60, flow=ORG_FBL),
    )),
    Flow("User creation or linking", "Flow for the existing/non-existing user alternatives", BASIC, False, (
        Step("idp-create-user-if-unique", ALT, 10, config="create unique user config"),
        Step(None, ALT, 20, flow="Handle Existing Account"),
    )),
    Flow("Handle Existing Account",
         "Handle what to do if there is existing account with same email/username like authenticated identity "
         "provider", BASIC, False, (
        Step("idp-confirm-link", REQ, 10),
        Step(None, REQ, 20, flow="Account verification options"),
    )),
    Flow("Account verification options", "Method with which to verify the existing account", BASIC, False, (
        Step("idp-email-verification", ALT, 10),
        Step(None, ALT, 20, flow="Verify Existing Account by Re-authentication"),
    )),
    Flow("Verify Existing Account by Re-authentication", "Reauthentication of existing account", BASIC, False, (
        Step("idp-username-password-form", REQ, 10),
        Step(None, COND, 20, flow="First broker login - Conditional 2FA"),
    )),
    _two_factor("First broker login - Conditional 2FA", "first-broker-login-conditional-credential"),
    Flow(ORG_FBL, "Flow to determine if the authenticator that adds organization members is to be used", BASIC,
         False, (
        Step("conditional-user-configured", REQ, 10),
        Step("idp-add-organization-member", REQ, 20),
    )),
    Flow(SAML_ECP, "SAML ECP Profile Authentication Flow", BASIC, True, (Step("http-basic-authenticator", REQ, 10),)),
    Flow("docker auth", "Used by Docker clients to authenticate against the IDP", BASIC, True, (
        Step("docker-http-basic-authenticator", REQ, 10),
    )),
)  # fmt: skip
# Authenticator configs the default flows refer to (alias -> config).
CONFIGS: dict[str, dict[str, str]] = {
    "browser-conditional-credential": {"credentials": "webauthn-passwordless"},
    "create unique user config": {"require.password.update.after.registration": "false"},
    "first-broker-login-conditional-credential": {"credentials": "webauthn-passwordless"},
    "review profile config": {"update.profile.on.first.login": "missing"},
}
# The realm representation's flow bindings (RealmRepresentation.browserFlow, …): the flows Doorkeep runs.
BINDINGS = {
    "browserFlow": "browser",
    "registrationFlow": "registration",
    "directGrantFlow": "direct grant",
    "resetCredentialsFlow": "reset credentials",
    "clientAuthenticationFlow": "clients",
    "dockerAuthenticationFlow": "docker auth",
    "firstBrokerLoginFlow": "first broker login",
}


def flows(realm: Realm) -> list[Flow]:
    """The realm's flows, by alias in Java's String order (ModelToRepresentation.exportAuthenticationFlows)."""
    admin = realm.name == ADMIN_REALM
    kept = (_without_organization(f) for f in FLOWS if not (admin and f.alias in ORGANIZATION_FLOWS))
    return sorted(kept if admin else FLOWS, key=lambda f: f.alias)


def _without_organization(flow: Flow) -> Flow:
    steps = tuple(s for s in flow.steps if s.flow not in ORGANIZATION_FLOWS)
    return Flow(flow.alias, flow.description, flow.provider_id, flow.top_level, steps)


def _uuid(realm: Realm, *parts: str) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "doorkeep:" + "/".join((realm.id, *parts))))


def flow_uuid(realm: Realm, alias: str) -> str:
    return _uuid(realm, "flow", alias)


def execution_uuid(realm: Realm, parent: str, step: Step) -> str:
    return _uuid(realm, "execution", parent, str(step.priority))


def config_uuid(realm: Realm, alias: str) -> str:
    return _uuid(realm, "authenticator-config", alias)


def _shape(flow: Flow, keycloaks: bool) -> tuple[object, ...]:
    steps = tuple(
        (s.authenticator, s.flow, (s.keycloak or s.requirement) if keycloaks else s.requirement, s.priority, s.config)
        for s in flow.steps
    )
    return (flow.alias, flow.description, flow.provider_id, flow.top_level, steps)


_BUILT_IN = {_shape(f, keycloaks) for f in FLOWS for keycloaks in (False, True)} | {
    _shape(_without_organization(f), keycloaks) for f in FLOWS for keycloaks in (False, True)
}


def _file_shape(rep: JSON) -> tuple[object, ...]:
    steps = tuple(
        (
            e.get("authenticator"),
            e.get("flowAlias"),
            e.get("requirement"),
            e.get("priority"),
            e.get("authenticatorConfig"),
        )
        for e in rep.get("authenticationExecutions") or ()
        if isinstance(e, dict)
    )
    return (rep.get("alias"), rep.get("description"), rep.get("providerId"), rep.get("topLevel"), steps)


def unsupported(rep: JSON) -> set[str]:
    """The flow fields of a realm file that name something Doorkeep does not run, for the import's warning: a
    binding to another flow, a flow or an authenticator config other than the built-in ones (as Keycloak 26 or
    Doorkeep exports them). The built-in ones say nothing new, and the import passes them over silently."""
    out = {key for key, alias in BINDINGS.items() if rep.get(key) is not None and rep.get(key) != alias}
    listed = rep.get("authenticationFlows")
    if listed and not (
        isinstance(listed, list) and all(isinstance(f, dict) and _file_shape(f) in _BUILT_IN for f in listed)
    ):
        out.add("authenticationFlows")
    configs = rep.get("authenticatorConfig")
    if configs and not (
        isinstance(configs, list)
        and all(isinstance(c, dict) and CONFIGS.get(str(c.get("alias"))) == c.get("config") for c in configs)
    ):
        out.add("authenticatorConfig")
    return out
