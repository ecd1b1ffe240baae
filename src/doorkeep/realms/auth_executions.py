"""``GET …/authentication/flows/{alias}/executions``: a flow's executions flattened, as the admin console lists them.

AuthenticationManagementResource.recurseExecutions walks the flow depth first: a sub-flow's row (its alias as
``displayName``, its description, the requirement choices of its flow type) comes before its own rows, one
``level`` deeper; ``index`` counts within the parent. An authenticator's row takes its factory's display type,
``isConfigurable`` and requirement choices (the values Keycloak 26's InitialFlowsTest expects of a default
realm; Kerberos offers only DISABLED, as Keycloak does where the JVM has no Kerberos).
"""

from __future__ import annotations

from doorkeep.model import JSON, Realm
from doorkeep.realms import auth_flows as af
from doorkeep.realms.auth_flows import ALT, COND, DIS, REQ, Flow, Step

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
    "registration-user-creation": ("Registration User Profile Creation", False, _RD),
    "registration-password-action": ("Password Validation", False, _RD),
    "registration-recaptcha-action": ("reCAPTCHA", True, _RD),
    "registration-terms-and-conditions": ("Terms and conditions", False, _RD),
    "reset-credentials-choose-user": ("Choose User", False, (REQ,)),
    "reset-credential-email": ("Send Reset Email", True, (REQ,)),
    "reset-password": ("Reset Password", False, _RAD),
    "reset-otp": ("Reset OTP", True, _RAD),
}
# A sub-flow row's choices by the sub-flow's type.
FLOW_CHOICES = {af.BASIC: (REQ, ALT, DIS, COND), af.FORM: (REQ, DIS), af.CLIENT: (ALT, REQ, DIS)}


def executions(realm: Realm, flow: Flow) -> list[JSON]:
    """The flow's AuthenticationExecutionInfoRepresentations, depth first."""
    out: list[JSON] = []
    _recurse(realm, flow, out, 0)
    return out


def _recurse(realm: Realm, flow: Flow, out: list[JSON], level: int) -> None:
    for index, step in enumerate(flow.steps):
        if step.flow is not None:
            sub = af.by_alias(realm, step.flow)
            assert sub is not None, step.flow
            out.append(_flow_row(realm, flow, step, sub, level, index))
            _recurse(realm, sub, out, level + 1)
        else:
            out.append(_authenticator_row(realm, flow, step, level, index))


def _flow_row(realm: Realm, parent: Flow, step: Step, sub: Flow, level: int, index: int) -> JSON:
    out: JSON = {"id": af.execution_uuid(realm, parent.alias, step), "requirement": step.requirement}
    out["displayName"] = sub.alias
    if sub.description is not None:
        out["description"] = sub.description
    out.update(requirementChoices=list(FLOW_CHOICES[sub.provider_id]), configurable=False, authenticationFlow=True)
    if sub.provider_id == af.FORM and step.authenticator is not None:
        out["providerId"] = step.authenticator  # the form's page (registration-page-form)
    out.update(flowId=af.flow_uuid(realm, sub.alias), level=level, index=index, priority=step.priority)
    return out


def _authenticator_row(realm: Realm, parent: Flow, step: Step, level: int, index: int) -> JSON:
    assert step.authenticator is not None
    display, configurable, choices = FACTORIES[step.authenticator]
    out: JSON = {"id": af.execution_uuid(realm, parent.alias, step), "requirement": step.requirement}
    out["displayName"] = display
    if configurable and step.config is not None:
        out["alias"] = step.config
    out.update(requirementChoices=list(choices), configurable=configurable, providerId=step.authenticator)
    if step.config is not None:
        out["authenticationConfig"] = af.config_uuid(realm, step.config)
    out.update(level=level, index=index, priority=step.priority)
    return out
