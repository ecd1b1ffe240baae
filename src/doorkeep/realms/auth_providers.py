"""The authentication providers a realm's flows name, as Keycloak 26's AuthenticationManagementResource lists them.

Keycloak lists every factory its server has deployed (``authenticator-providers``, ``form-providers``,
``form-action-providers``, ``client-authenticator-providers``) with its ``getDisplayType`` and ``getHelpText``,
and describes one factory's configuration (``config-description/{providerId}``: ``getConfigProperties``).
Doorkeep's login runs the built-in flows' steps and the admin flows realms/flow_plan.py compiles, so a factory
neither names would be a choice offered for nothing. It lists the authenticators, the form and the form actions
its built-in flows name, inert ones included (WebAuthn, Kerberos, the identity provider and organization steps,
docker and saml ecp's HTTP Basic), as those flows list them, the two automatic linking steps a first broker login
flow may run, and the steps an admin's browser or direct grant flow may run (``RUN_IN_ADMIN_FLOWS``). The client
authenticators are what a client's ``clientAuthenticatorType`` can be, ``client-x509`` included (the certificate
a TLS-terminating proxy forwards, oauth/client_x509.py).
Texts and properties are Keycloak 26's factories' own (ProvidersTest; the factories' getConfigProperties).
"""

from __future__ import annotations

from dataclasses import dataclass

from doorkeep import features
from doorkeep.model import JSON
from doorkeep.realms.auth_executions import FACTORIES
from doorkeep.realms.auth_flows import FLOWS

STRING, BOOLEAN, LIST, MULTIVALUED_LIST = "String", "boolean", "List", "MultivaluedList"  # ProviderConfigProperty
AUTHENTICATOR, FORM, FORM_ACTION, CLIENT = "authenticator", "form", "form-action", "client"


@dataclass(frozen=True)
class Prop:
    """A ProviderConfigProperty, as ModelToRepresentation.toRepresentation writes it (nulls left out)."""

    name: str
    label: str
    help_text: str | None
    type: str
    default: str | bool | int | tuple[str, ...] | None = None
    options: tuple[str, ...] | None = None
    secret: bool = False
    required: bool = False

    def representation(self) -> JSON:
        out: JSON = {"name": self.name, "label": self.label}
        if self.help_text is not None:
            out["helpText"] = self.help_text
        out["type"] = self.type
        if self.default is not None:  # a List's default may be a list (ConditionalOtpFormAuthenticatorFactory's)
            out["defaultValue"] = list(self.default) if isinstance(self.default, tuple) else self.default
        if self.options is not None:
            out["options"] = list(self.options)
        out.update(secret=self.secret, required=self.required, readOnly=False)
        return out


_FORCE_LOGIN_HELP = (
    "If this property is true, the user needs to login again after the reset credentials.\n"
    "If this property is false, the user will be automatically logged in after the succesful\n"
    "reset credentials when the same authentication session is used.\n"
    "If this property is only-federated (default), only federated users will be forced to login again,\n"
    "users stored in the internal database will be logged in if using the same authentication session.\n"
)
_INCLUDED_HELP = (
    "If this option is true, the condition will be evaluated to true when any of the credentials specified in the "
    "credentials option\nhas been used in the authentication process, false otherwise.\n"
    "If this option is false, the condition is evaluated in the opposite way, it will be true if none of the "
    "credentials configured\nhave been used, and false if one or more of them have been used.\n"
)
_REVIEW_HELP = (
    "Define conditions under which a user has to review and update his profile after first-time login. Value 'On' "
    "means that page for reviewing profile will be displayed and user can review and update his profile. Value 'off' "
    "means that page won't be displayed. Value 'missing' means that page is displayed just when some required "
    "attribute is missing (wasn't downloaded from identity provider). Value 'missing' is the default one. WARN: In "
    "case that user clicks 'Review profile info' on link duplications page, the update page will be always "
    "displayed. You would need to disable this authenticator to never display the page."
)
_OTP_RESET_HELP = (
    " If 'Remove none' is chosen, the user will keep all existing OTP configurations (legacy behavior). If 'Remove "
    "one' is chosen, the user will be prompted to choose one OTP configuration which will then be removed. If "
    "'Remove all' is chosen, all existing OTP configurations of the user will be removed. The user will always be "
    "prompted to configure a new OTP no matter which option is selected."
)
# ConditionalCredentialAuthenticatorFactory's options: the installation's credential types (Keycloak 26's default
# credential providers, in no order Keycloak fixes) and then kerberos, cert and none.
_CREDENTIAL_TYPES = ("password", "otp", "webauthn", "webauthn-passwordless", "recovery-authn-codes")

# Each factory's getConfigProperties where it has any; every other listed factory has none.
PROPERTIES: dict[str, tuple[Prop, ...]] = {
    "identity-provider-redirector": (
        Prop("defaultProvider", "Default Identity Provider",
             "To automatically redirect to an identity provider set to the alias of the identity provider", STRING),
    ),
    "organization": (
        Prop("requiresUserMembership", "Requires user membership",
             "Enforces that users authenticating in the scope of an organization are members. If not a member, the "
             "user won't be able to proceed authenticating to the realm", BOOLEAN),
    ),
    "conditional-credential": (
        Prop("credentials", "Credentials", "The list of credentials to be considered by the condition.",
             MULTIVALUED_LIST, options=(*_CREDENTIAL_TYPES, "kerberos", "cert", "none"), required=True),
        Prop("included", "Included", _INCLUDED_HELP, BOOLEAN),
    ),
    "reset-credential-email": (
        Prop("force-login", "Force login after reset", _FORCE_LOGIN_HELP, LIST, "only-federated",
             ("true", "false", "only-federated")),
    ),
    "reset-otp": (
        Prop("action_on_otp_reset_flag", "Action on OTP reset.", _OTP_RESET_HELP, LIST, "Remove none",
             ("Remove none", "Remove one", "Remove all")),
    ),
    "idp-review-profile": (
        Prop("update.profile.on.first.login", "Update Profile on First Login", _REVIEW_HELP, LIST, "missing",
             ("on", "missing", "off")),
    ),
    "idp-create-user-if-unique": (
        Prop("require.password.update.after.registration", "Require Password Update After Registration",
             "If this option is true and new user is successfully imported from Identity Provider to Keycloak (there "
             "is no duplicated email or username detected in Keycloak DB), then this user is required to update his "
             "password", BOOLEAN),
    ),
    "registration-password-action": (  # RegistrationPassword.getConfigProperties, Keycloak 26.7
        Prop("always_set_password_on_register_form", "Always set password on register form",
             "When this option is false and 'Verify Email' is enabled for the realm, then the password will not be "
             "set by the user on the registration form, but rather in the later stage once  user's email address is "
             "successfully verified. This is recommended for security reasons. When true, the password fields will "
             "be available directly on the registration form and can be set  by the user before his email is "
             "verified. This option is deprecated and might be removed in the future.", BOOLEAN),
    ),
    "registration-recaptcha-action": (
        Prop("site.key", "reCAPTCHA Site Key", "The site key.", STRING),
        Prop("secret.key", "reCAPTCHA Secret", "The secret key.", STRING, secret=True),
        Prop("action", "Action Name",
             "A meaningful name for this reCAPTCHA context (e.g. login, register). An action name can only contain "
             "alphanumeric characters, slashes and underscores and is not case-sensitive.", STRING, "register"),
        Prop("useRecaptchaNet", "Use recaptcha.net",
             "Whether to use recaptcha.net instead of google.com, which may have other cookies set.", BOOLEAN, False),
        Prop("recaptcha.v3", "reCAPTCHA v3",
             "Whether the site key belongs to a v3 (invisible, score-based reCAPTCHA) or v2 site (visible, "
             "checkbox-based).", BOOLEAN, False),
    ),
}  # fmt: skip

ROLE, GROUP = "Role", "Group"  # ProviderConfigProperty.ROLE_TYPE, GROUP_TYPE
# The properties of the conditions and actions Doorkeep runs in an admin's flows (realms/flow_plan.py,
# oauth/flow_gates.py) though no built-in flow names them (RUN_IN_ADMIN_FLOWS), which ``config-description`` and
# the Admin Console describe as Keycloak's factories do.
EXTRA_PROPERTIES: dict[str, tuple[Prop, ...]] = {
    "conditional-user-role": (
        Prop("condUserRole", "User role",
             "Role the user should have to execute this flow. Click 'Select Role' button to browse roles, or just "
             "type it in the textbox. To reference a client role the syntax is clientname.clientrole, i.e. "
             "myclient.myrole", ROLE),
        Prop("negate", "Negate output", "Apply a NOT to the check result", BOOLEAN),
    ),
    "conditional-user-attribute": (
        Prop("attribute_name", "Attribute name", "Name of the attribute to check", STRING),
        Prop("attribute_expected_value", "Expected attribute value", "Expected value in the attribute", STRING),
        Prop("include_group_attributes", "Include group attributes",
             "If On, the condition checks if any of the joined groups has one attribute matching the configured name "
             "and value (this option can affect performance)", BOOLEAN),
        Prop("not", "Negate output", "Apply a not to the check result", BOOLEAN),
    ),
    "conditional-user-group": (
        Prop("condUserGroup", "User group",
             "Group the user should be in to execute this flow. Click 'Select Group' button to browse groups, or just "
             "type it in the textbox", GROUP),
        Prop("negate", "Negate output",
             "Apply a NOT to the check result. When this is true, then the condition will evaluate to true just if "
             "user is NOT in the specified group. When this is false, the condition will evaluate to true just if "
             "user is in the specified group", BOOLEAN),
    ),
    "conditional-client-scope": (
        Prop("client_scope", "Client scope name",
             "The name of the client scope, which should be present as a client scope of the client, which is "
             "requesting authentication. If requested client scope is default client scope of the client requesting "
             "login, the condition will be evaluated to true. If requested client scope is optional client scope of "
             "the client requesting login, condition will be evaluated to true if client scope is sent by the client "
             "in the login request (EG. by the 'scope' parameter in case of OIDC/OAuth2 client login)", STRING,
             required=True),
        Prop("negate", "Negate output",
             "Apply a NOT to the check result. When this is true, then the condition will evaluate to true just if "
             "configured client scope is not present", BOOLEAN, required=True),
    ),
    "conditional-sub-flow-executed": (
        Prop("flow_to_check", "Flow name", "The sub-flow name to check if it was executed.", STRING, required=True),
        Prop("check_result", "Check result",
             "When the condition evaluates to true.\nIf 'executed' returns true when the configured sub-flow was "
             "executed with output success, false otherwise.\nIf 'not-executed' returns false when the sub-flow was "
             "executed with output success, true otherwise.\n", LIST, "executed", ("executed", "not-executed"),
             required=True),
    ),
    "conditional-level-of-authentication": (
        Prop("loa-condition-level", "loa-condition-level", "loa-condition-level.tooltip", STRING),
        Prop("loa-max-age", "loa-max-age", "loa-max-age.tooltip", STRING, 36000),
    ),
    "user-session-limits": (
        Prop("userRealmLimit", "Maximum concurrent sessions for each user within this realm.",
             "Provide a zero or negative value to disable this limit.", STRING, "3"),
        Prop("userClientLimit", "Maximum concurrent sessions for each user per keycloak client.",
             "Provide a zero or negative value to disable this limit. In case a limit for the realm is enabled, "
             "specify this value below the total realm limit.", STRING, "0"),
        Prop("behavior", "Behavior when user session limit is exceeded", None, LIST, "Deny new session",
             ("Deny new session", "Terminate oldest session")),
        Prop("errorMessage", "Optional custom error message", "If left empty a default error message is shown",
             STRING),
    ),
    "auth-conditional-otp-form": (  # ConditionalOtpFormAuthenticatorFactory.getConfigProperties
        Prop("otpControlAttribute", "OTP control User Attribute",
             "The name of the user attribute to explicitly control OTP auth. If attribute value is 'force' then OTP "
             "is always required. If value is 'skip' the OTP auth is skipped. Otherwise this check is ignored.",
             STRING),
        Prop("skipOtpRole", "Skip OTP for Role", "OTP is always skipped if user has the given Role.", ROLE),
        Prop("forceOtpRole", "Force OTP for Role", "OTP is always required if user has the given Role.", ROLE),
        Prop("noOtpRequiredForHeaderPattern", "Skip OTP for Header",
             "OTP is skipped if a HTTP request header does matches the given pattern.Can be used to specify trusted "
             "networks via: X-Forwarded-Host: (1.2.3.4|1.2.3.5).In this case requests from 1.2.3.4 and 1.2.3.5 come "
             "from a trusted source.", STRING, ""),
        Prop("forceOtpForHeaderPattern", "Force OTP for Header",
             "OTP required if a HTTP request header matches the given pattern.", STRING, ""),
        Prop("defaultOtpOutcome", "Fallback OTP handling",
             "What to do in case of every check abstains. Defaults to force OTP authentication.", LIST,
             ("skip", "force")),
    ),
    "deny-access-authenticator": (
        Prop("denyErrorMessage", "Error message",
             "Error message which will be shown to the user. You can directly define particular message or property, "
             "which will be used for mapping the error message f.e `deny-access-role1`. If the field is blank, default "
             "property 'access-denied' is used.", STRING),
    ),
}  # fmt: skip


def properties_of(provider_id: str) -> tuple[Prop, ...]:
    """A factory's getConfigProperties, for the built-in flows' factories and the extra ones above alike."""
    return PROPERTIES.get(provider_id) or EXTRA_PROPERTIES.get(provider_id, ())


# provider id -> getHelpText (Kerberos: Keycloak's text where the server has no Kerberos, as auth_executions says).
HELP: dict[str, str] = {
    "auth-cookie": "Validates the SSO cookie set by the auth server.",
    "auth-spnego": "DISABLED. Please enable Kerberos feature and make sure Kerberos available in your platform. "
    "Initiates the SPNEGO protocol. Most often used with Kerberos.",
    "identity-provider-redirector": "Redirects to default Identity Provider or Identity Provider specified with "
    "kc_idp_hint query parameter",
    "conditional-user-configured": "Executes the current flow only if authenticators are configured",
    "organization": "If organizations are enabled, automatically redirects users to the corresponding identity "
    "provider.",
    "auth-username-password-form": "Validates a username and password from login form.",
    "conditional-credential": "Condition to evaluate if a specific credential type has been used (or not used) by "
    "the user during the authentication process",
    "auth-otp-form": "Validates a OTP on a separate OTP form.",
    "auth-conditional-otp-form": "Validates a OTP on a separate OTP form. Only shown if required based on the "
    "configured conditions.",
    "webauthn-authenticator": "Authenticator for WebAuthn. Usually used for WebAuthn two-factor authentication",
    "auth-recovery-authn-code-form": "Validates a Recovery Authentication Code",
    "direct-grant-validate-username": "Validates the username supplied as a 'username' form parameter in direct "
    "grant request",
    "direct-grant-validate-password": "Validates the password supplied as a 'password' form parameter in direct "
    "grant request",
    "direct-grant-validate-otp": "Validates the one time password supplied as a 'totp' form parameter in direct "
    "grant request",
    "reset-credentials-choose-user": "Choose a user to reset credentials for",
    "reset-credential-email": "Send email to user and wait for response.",
    "reset-password": "Sets the Update Password required action if execution is REQUIRED.  Will also set it if "
    "execution is OPTIONAL and the password is currently configured for it.",
    "reset-otp": "Removes existing OTP configurations (if chosen) and sets the 'Configure OTP' required action.",
    "idp-review-profile": "User reviews and updates profile data retrieved from Identity Provider in the displayed "
    "form",
    "idp-create-user-if-unique": "Detect if there is existing Keycloak account with same email like identity "
    "provider. If no, create new user",
    "idp-confirm-link": "Show the form where user confirms if he wants to link identity provider with existing "
    "account or rather edit user profile data retrieved from identity provider to avoid conflict",
    "idp-email-verification": "Email verification of existing Keycloak user, that wants to link his user account "
    "with identity provider",
    "idp-username-password-form": "Validates a password from login form. Username may be already known from "
    "identity provider authentication",
    "idp-add-organization-member": "Adds a federated user as a member of an organization",
    "idp-detect-existing-broker-user": "Detect if there is an existing Keycloak account with same email like identity "
    "provider. If no, throw an error.",
    "idp-auto-link": "Automatically set existing user to authentication context without any verification",
    "http-basic-authenticator": "Validates username and password from Authorization HTTP header",
    "docker-http-basic-authenticator": "Uses HTTP Basic authentication to validate docker users, returning a docker "
    "error token on auth failure",
    "registration-page-form": "This is the controller for the registration page",
    "registration-user-creation": "This action must always be first! Validates the username and user profile of the "
    "user in validation phase.  In success phase, this will create the user in the database including his user "
    "profile.",
    "registration-password-action": "Validates that password matches password confirmation field.  It also will "
    "store password in user's credential store.",
    "registration-recaptcha-action": "Adds Google reCAPTCHA to the form.",
    "registration-terms-and-conditions": "Asks the user to accept terms and conditions before submitting its "
    "registration form.",
    "client-secret": "Validates client based on 'client_id' and 'client_secret' sent either in request parameters "
    "or in 'Authorization: Basic' header",
    "client-jwt": "Validates client based on signed JWT issued by client and signed with the Client private key",
    "client-secret-jwt": "Validates client based on signed JWT issued by client and signed with the Client Secret",
    "client-x509": "Validates client based on a X509 Certificate",
    "federated-jwt": "Validates client based on signed JWT issued and signed by an external identity provider",
    "conditional-user-group": "Flow is executed only if user is member of the given group.",
    "conditional-client-scope": "Condition to evaluate if a configured client scope is present as a client scope of "
    "the client requesting authentication",
    "conditional-sub-flow-executed": "Condition to evaluate if a sub-flow was executed successfully during the "
    "authentication process",
    "auth-username-form": "Selects a user from his username.",
    "auth-password-form": "Validates a password from login form.",
    "webauthn-authenticator-passwordless": "Authenticator for Passwordless WebAuthn authentication",
    "conditional-user-role": "Flow is executed only if user has the given role.",
    "conditional-user-attribute": "Flow is executed only if the user attribute exists and has the expected value",
    "deny-access-authenticator": "Access will be always denied. Useful for example in the conditional flows to be "
    "used after satisfying the previous conditions",
    "allow-access-authenticator": "Authenticator will always successfully authenticate. Useful for example in the "
    "conditional flows to be used after satisfying the previous conditions",
    "conditional-level-of-authentication": "Flow is executed only if the configured LOA or a higher one has been "
    "requested but not yet satisfied. After the flow is successfully finished, the LOA in the session will be updated "
    "to value prescribed by this condition.",
    "user-session-limits": "Configures how many concurrent sessions a single user is allowed to create for this "
    "realm and/or client",
}
# ClientAuthenticatorFactory.supportsSecret of the client authenticators listed.
SUPPORTS_SECRET = {
    "client-secret": True,
    "client-jwt": False,
    "client-secret-jwt": True,
    "client-x509": False,
    "federated-jwt": False,
}
_DISPLAY = {"registration-page-form": "Registration Page"}  # a form's row shows its sub-flow, not the factory


def _kinds() -> dict[str, str]:
    """Each provider a built-in flow names, by kind: its flow type and whether it opens a form."""
    out: dict[str, str] = {}
    for flow in FLOWS:
        for step in flow.steps:
            if step.authenticator is None:
                continue
            if step.flow is not None:
                out[step.authenticator] = FORM  # the page of a form flow (registration-page-form)
            elif flow.provider_id == "form-flow":
                out[step.authenticator] = FORM_ACTION
            elif flow.provider_id == "client-flow":
                out[step.authenticator] = CLIENT
            else:
                out[step.authenticator] = AUTHENTICATOR
    return out


# The automatic linking steps no built-in flow names, which an edited first broker login flow may run
# (realms/broker_flow_plan.py).
# And the authenticators an admin's browser or direct grant flow may run though no built-in flow names them
# (realms/flow_plan.py): identity-first's forms, the passkey, the conditions, Deny and Allow Access, the session
# limiter, the Conditional OTP Form.
RUN_IN_ADMIN_FLOWS = (
    "auth-username-form",
    "auth-password-form",
    "webauthn-authenticator-passwordless",
    "conditional-user-role",
    "conditional-user-attribute",
    "conditional-user-group",
    "conditional-client-scope",
    "conditional-sub-flow-executed",
    "conditional-level-of-authentication",
    "deny-access-authenticator",
    "allow-access-authenticator",
    "user-session-limits",
    "auth-conditional-otp-form",
)
KINDS = (
    _kinds()
    | {"idp-detect-existing-broker-user": AUTHENTICATOR, "idp-auto-link": AUTHENTICATOR}
    | dict.fromkeys(RUN_IN_ADMIN_FLOWS, AUTHENTICATOR)
)


def display_name(provider_id: str) -> str:
    return _DISPLAY.get(provider_id) or FACTORIES[provider_id][0]


# The providers a feature switches (EnvironmentDependentProviderFactory.isSupported): while it is off Keycloak
# does not load them, so no list names them (RecoveryAuthnCodesFormAuthenticatorFactory: RECOVERY_CODES).
FEATURE_OF = {"auth-recovery-authn-code-form": features.RECOVERY_CODES}


def listed(kind: str, disabled: frozenset[str] = frozenset()) -> list[JSON]:
    """The providers of one kind, by id, each a HashMap as Keycloak's buildProviderMetadata fills it (Jackson
    writes a HashMap in its hash order: ``supportsSecret``, ``displayName``, ``description``, ``id``); without
    those of the features ``disabled``."""
    out: list[JSON] = []
    for provider_id in sorted(p for p, k in KINDS.items() if k == kind and FEATURE_OF.get(p) not in disabled):
        item: JSON = {}
        if kind == CLIENT:
            item["supportsSecret"] = SUPPORTS_SECRET[provider_id]
        item.update(displayName=display_name(provider_id), description=HELP[provider_id], id=provider_id)
        out.append(item)
    return out


# ClientAuthenticatorFactory.getConfigPropertiesPerClient: only FederatedJWTClientAuthenticator has any.
PER_CLIENT = {
    "federated-jwt": (
        Prop(
            "jwt.credential.issuer",
            "Identity provider",
            "Issuer of the client assertion. Use the alias of an identity provider set up in this realm.",
            STRING,
            required=True,
        ),
        Prop(
            "jwt.credential.sub",
            "Federated subject",
            "External clientId (subject) as provided by the identity provider.",
            STRING,
            required=True,
        ),
    )
}


def per_client_config() -> JSON:
    """getPerClientConfigDescription: each listed client authenticator's per-client properties."""
    return {p["id"]: [prop.representation() for prop in PER_CLIENT.get(p["id"], ())] for p in listed(CLIENT)}


def config_description(provider_id: str) -> JSON | None:
    """getAuthenticatorConfigDescription (AuthenticatorConfigInfoRepresentation), or None for an unknown id; an
    id Keycloak does not find is tried again Base32-decoded, as the admin console may send it."""
    if provider_id not in KINDS:
        provider_id = _base32_text(provider_id)
        if provider_id not in KINDS:
            return None
    properties = [p.representation() for p in properties_of(provider_id)]
    return {
        "name": display_name(provider_id),
        "providerId": provider_id,
        "helpText": HELP[provider_id],
        "properties": properties,
    }


_BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def _base32_text(text: str) -> str:
    """Keycloak's lenient Base32.decode (characters outside the alphabet skipped, case ignored, the result
    ``len * 5 / 8`` bytes long) read as UTF-8, as ``new String(bytes)``."""
    size = len(text) * 5 // 8
    out = bytearray(size)
    bits = count = filled = 0
    for char in text.upper():
        digit = _BASE32.find(char)
        if digit < 0:
            continue
        bits, count = (bits << 5 | digit) & 0xFFFF, count + 5
        if count >= 8 and filled < size:
            count -= 8
            out[filled] = bits >> count & 0xFF
            filled += 1
    return out.decode("utf-8", errors="replace")
