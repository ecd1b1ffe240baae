"""``GET …/authentication/flows/{alias}/executions``: a flow's executions flattened, as the admin console lists them.

AuthenticationManagementResource.recurseExecutions walks the flow depth first: a sub-flow's row (its alias as
``displayName``, its description, the requirement choices of its flow type) comes before its own rows, one
``level`` deeper; ``index`` counts within the parent. An authenticator's row takes its factory's display type,
``isConfigurable`` and requirement choices (the values Keycloak 26's InitialFlowsTest expects of a default
realm; Kerberos offers only DISABLED, as Keycloak does where the JVM has no Kerberos).
"""

from __future__ import annotations

from doorkeep.model import JSON
from doorkeep.realms import auth_flows as af
from doorkeep.realms.auth_flows import ALT, COND, DIS, REQ
from doorkeep.realms.flow_model import AuthFlow, Execution, FlowSet

_RAD = (REQ, ALT, DIS)
_RD = (REQ, DIS)
# provider id -> (ConfigurableAuthenticatorFactory.getDisplayType, isConfigurable, getRequirementChoices)
FACTORIES: dict[str, tuple[str, bool, tuple[str, ...]]] = {
    "auth-cookie": ("Cookie", False, _RAD),
    "auth-spnego": ("Kerberos", False, (DIS,)),
    "identity-provider-redirector": ("Identity Provider Redirector", True, _RAD),
    "conditional-user-configured": ("Condition - user configured", False, _RD),
    "organization": ("Organization Identity-First Login", True, _RAD),
    "auth-username-password-form": ("Username Password Form", False, (REQ,)),
    "conditional-credential": ("Condition - credential", True, _RD),
    "auth-otp-form": ("OTP Form", False, _RAD),
    "webauthn-authenticator": ("WebAuthn Authenticator", False, _RAD),
    "auth-recovery-authn-code-form": ("Recovery Authentication Code Form", False, _RAD),
    "client-secret": ("Client Id and Secret", False, _RAD),
    "client-jwt": ("Signed JWT", False, _RAD),
    "client-secret-jwt": ("Signed JWT with Client Secret", False, _RAD),
    "client-x509": ("X509 Certificate", False, _RAD),
    "federated-jwt": ("Signed JWT - Federated", False, _RAD),
    "direct-grant-validate-username": ("Username Validation", False, (REQ,)),
    "direct-grant-validate-password": ("Password", False, _RAD),
    "direct-grant-validate-otp": ("OTP", False, _RAD),
    "docker-http-basic-authenticator": ("Docker Authenticator", False, (REQ,)),
    "http-basic-authenticator": ("HTTP Basic Authentication", False, (REQ, ALT, COND, DIS)),
    "idp-review-profile": ("Review Profile", True, _RAD),
    "idp-create-user-if-unique": ("Create User If Unique", True, _RAD),
    "idp-confirm-link": ("Confirm link existing account", False, _RAD),
    "idp-email-verification": ("Verify existing account by Email", False, _RAD),
    "idp-username-password-form": ("Username Password Form for identity provider reauthentication", False, (REQ,)),
    "idp-add-organization-member": ("Organization Member Onboard", False, _RAD),
    "idp-detect-existing-broker-user": ("Detect existing broker user", False, _RD),
    "idp-auto-link": ("Automatically set existing user", False, _RAD),
    "registration-user-creation": ("Registration User Profile Creation", False, _RD),
    "registration-password-action": ("Password Validation", True, _RD),  # configurable since Keycloak 26.7
    "registration-recaptcha-action": ("reCAPTCHA", True, _RD),
    "registration-terms-and-conditions": ("Terms and conditions", False, _RD),
    "reset-credentials-choose-user": ("Choose User", False, (REQ,)),
    "reset-credential-email": ("Send Reset Email", True, (REQ,)),
    "reset-password": ("Reset Password", False, _RAD),
    "reset-otp": ("Reset OTP", True, _RAD),
}
# Authenticators Keycloak 26 deploys that no built-in flow names, offered for new executions of an admin's flows.
EXTRA_AUTHENTICATORS: dict[str, tuple[str, bool, tuple[str, ...]]] = {
    "auth-conditional-otp-form": ("Conditional OTP Form", True, _RAD),
    "auth-username-form": ("Username Form", False, (REQ,)),
    "auth-password-form": ("Password Form", False, _RAD),  # ConfigurableAuthenticatorFactory.REQUIREMENT_CHOICES
    # WebAuthnPasswordlessAuthenticatorFactory (a WebAuthnAuthenticatorFactory): not configurable, REQUIRED,
    # ALTERNATIVE or DISABLED; Doorkeep runs it REQUIRED right after the Username Form (realms/flow_plan.py)
    "webauthn-authenticator-passwordless": ("WebAuthn Passwordless Authenticator", False, _RAD),
    "no-cookie-redirect": ("Browser Redirect for Cookie free authentication", False, (REQ,)),
    "conditional-user-role": ("Condition - user role", True, _RD),
    "conditional-user-attribute": ("Condition - user attribute", True, _RD),
    "conditional-user-group": ("Condition - user group", True, _RD),  # ConditionalGroupAuthenticatorFactory
    "conditional-client-scope": ("Condition - client scope", True, _RD),  # ConditionalClientScopeAuthenticatorFactory
    "conditional-sub-flow-executed": ("Condition - sub-flow executed", True, _RD),
    "deny-access-authenticator": ("Deny access", True, _RD),
    "allow-access-authenticator": ("Allow access", False, _RD),
    "conditional-level-of-authentication": ("Condition - Level of Authentication", True, _RD),
    "user-session-limits": ("User session count limiter", True, _RD),  # UserSessionLimitsAuthenticatorFactory
}
FACTORIES.update(EXTRA_AUTHENTICATORS)
# A sub-flow row's choices by the sub-flow's type.
FLOW_CHOICES = {af.BASIC: (REQ, ALT, DIS, COND), af.FORM: (REQ, DIS), af.CLIENT: (ALT, REQ, DIS)}


def executions(flows: FlowSet, flow: AuthFlow) -> list[JSON]:
    """The flow's AuthenticationExecutionInfoRepresentations, depth first."""
    out: list[JSON] = []
    _recurse(flows, flow, out, 0)
    return out


def _recurse(flows: FlowSet, flow: AuthFlow, out: list[JSON], level: int) -> None:
    for index, e in enumerate(flows.children(flow.id)):
        sub = flows.flow(e.flow_id)
        if sub is not None:
            out.append(_flow_row(e, sub, level, index))
            _recurse(flows, sub, out, level + 1)
        elif e.flow_id is None:
            out.append(_authenticator_row(flows, e, level, index))


def _flow_row(e: Execution, sub: AuthFlow, level: int, index: int) -> JSON:
    out: JSON = {"id": e.id, "requirement": e.requirement}
    out["displayName"] = sub.alias
    if sub.description is not None:
        out["description"] = sub.description
    choices = FLOW_CHOICES.get(sub.provider_id, ())
    out.update(requirementChoices=list(choices), configurable=False, authenticationFlow=True)
    if sub.provider_id == af.FORM:
        if e.authenticator is not None:
            out["providerId"] = e.authenticator  # the form's page (registration-page-form)
        if e.config_id is not None:
            out["authenticationConfig"] = e.config_id
    out.update(flowId=sub.id, level=level, index=index, priority=e.priority)
    return out


def _authenticator_row(flows: FlowSet, e: Execution, level: int, index: int) -> JSON:
    """An authenticator's row; one whose provider the server lacks (keycloak#15535's orphan) is listed all the
    same, ``providerUnavailable``, not configurable, named by its provider id, its requirement its one choice."""
    known = FACTORIES.get(e.authenticator or "")
    display, configurable, choices = known or (e.authenticator or "", False, (e.requirement,))
    out: JSON = {"id": e.id, "requirement": e.requirement}
    out["displayName"] = display
    config = flows.config(e.config_id)
    if configurable and config is not None and config.alias is not None:
        out["alias"] = config.alias
    out.update(requirementChoices=list(choices), configurable=configurable, providerId=e.authenticator)
    if known is None:
        out["providerUnavailable"] = True
    if e.config_id is not None:
        out["authenticationConfig"] = e.config_id
    out.update(level=level, index=index, priority=e.priority)
    return out
