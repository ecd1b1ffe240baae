"""A representation's unknown property, refused as Keycloak 26 refuses it.

Jackson fails on the first property the bound class does not have (``UnrecognizedPropertyException``), and
Keycloak's ``KcUnrecognizedPropertyExceptionHandler`` answers it with a 400 ``{"error": "Invalid json
representation for <Class>. Unrecognized field "<name>" at line <l> column <c>."}``. The line and column are
the parser's position when it gives up: the value after the name has been read as far as Jackson reads a
token (a string or a container only past its opening character, a number or literal to its end), counted in
bytes from 1 as its UTF-8 stream parser counts them.
"""

from __future__ import annotations

import json

from doorkeep.errors import AdminError

# RealmRepresentation's properties (its fields, each with a setter or a collection getter; the deprecated ones
# are bound too).
REALM_REPRESENTATION = frozenset(
    [
        "id",
        "realm",
        "displayName",
        "displayNameHtml",
        "notBefore",
        "defaultSignatureAlgorithm",
        "revokeRefreshToken",
        "refreshTokenMaxReuse",
        "accessTokenLifespan",
        "accessTokenLifespanForImplicitFlow",
        "ssoSessionIdleTimeout",
        "ssoSessionMaxLifespan",
        "ssoSessionIdleTimeoutRememberMe",
        "ssoSessionMaxLifespanRememberMe",
        "offlineSessionIdleTimeout",
        "offlineSessionMaxLifespanEnabled",
        "offlineSessionMaxLifespan",
        "clientSessionIdleTimeout",
        "clientSessionMaxLifespan",
        "clientOfflineSessionIdleTimeout",
        "clientOfflineSessionMaxLifespan",
        "accessCodeLifespan",
        "accessCodeLifespanUserAction",
        "accessCodeLifespanLogin",
        "actionTokenGeneratedByAdminLifespan",
        "actionTokenGeneratedByUserLifespan",
        "oauth2DeviceCodeLifespan",
        "oauth2DevicePollingInterval",
        "enabled",
        "sslRequired",
        "passwordCredentialGrantAllowed",
        "registrationAllowed",
        "registrationEmailAsUsername",
        "rememberMe",
        "verifyEmail",
        "loginWithEmailAllowed",
        "duplicateEmailsAllowed",
        "resetPasswordAllowed",
        "editUsernameAllowed",
        "userCacheEnabled",
        "realmCacheEnabled",
        "bruteForceProtected",
        "permanentLockout",
        "maxTemporaryLockouts",
        "bruteForceStrategy",
        "maxFailureWaitSeconds",
        "minimumQuickLoginWaitSeconds",
        "waitIncrementSeconds",
        "quickLoginCheckMilliSeconds",
        "maxDeltaTimeSeconds",
        "failureFactor",
        "bruteForceLockPolicy",
        "bruteForceProtectedUserProperties",
        "bruteForcePropertyFailureFactor",
        "privateKey",
        "publicKey",
        "certificate",
        "codeSecret",
        "roles",
        "groups",
        "defaultRoles",
        "defaultRole",
        "defaultGroups",
        "requiredCredentials",
        "passwordPolicy",
        "otpPolicyType",
        "otpPolicyAlgorithm",
        "otpPolicyInitialCounter",
        "otpPolicyDigits",
        "otpPolicyLookAheadWindow",
        "otpPolicyPeriod",
        "otpPolicyCodeReusable",
        "otpSupportedApplications",
        "localizationTexts",
        "webAuthnPolicyRpEntityName",
        "webAuthnPolicySignatureAlgorithms",
        "webAuthnPolicyRpId",
        "webAuthnPolicyAttestationConveyancePreference",
        "webAuthnPolicyAuthenticatorAttachment",
        "webAuthnPolicyRequireResidentKey",
        "webAuthnPolicyResidentKey",
        "webAuthnPolicyUserVerificationRequirement",
        "webAuthnPolicyCreateTimeout",
        "webAuthnPolicyAvoidSameAuthenticatorRegister",
        "webAuthnPolicyAcceptableAaguids",
        "webAuthnPolicyExtraOrigins",
        "webAuthnPolicyPasswordlessRpEntityName",
        "webAuthnPolicyPasswordlessSignatureAlgorithms",
        "webAuthnPolicyPasswordlessRpId",
        "webAuthnPolicyPasswordlessAttestationConveyancePreference",
        "webAuthnPolicyPasswordlessAuthenticatorAttachment",
        "webAuthnPolicyPasswordlessRequireResidentKey",
        "webAuthnPolicyPasswordlessResidentKey",
        "webAuthnPolicyPasswordlessUserVerificationRequirement",
        "webAuthnPolicyPasswordlessCreateTimeout",
        "webAuthnPolicyPasswordlessAvoidSameAuthenticatorRegister",
        "webAuthnPolicyPasswordlessAcceptableAaguids",
        "webAuthnPolicyPasswordlessExtraOrigins",
        "webAuthnPolicyPasswordlessPasskeysEnabled",
        "webAuthnPolicyPasswordlessMediation",
        "clientProfiles",
        "clientPolicies",
        "users",
        "federatedUsers",
        "scopeMappings",
        "clientScopeMappings",
        "clients",
        "clientScopes",
        "defaultDefaultClientScopes",
        "defaultOptionalClientScopes",
        "browserSecurityHeaders",
        "smtpServer",
        "userFederationProviders",
        "userFederationMappers",
        "loginTheme",
        "accountTheme",
        "adminTheme",
        "emailTheme",
        "eventsEnabled",
        "eventsExpiration",
        "eventsListeners",
        "enabledEventTypes",
        "adminEventsEnabled",
        "adminEventsDetailsEnabled",
        "identityProviders",
        "identityProviderMappers",
        "protocolMappers",
        "components",
        "internationalizationEnabled",
        "supportedLocales",
        "defaultLocale",
        "authenticationFlows",
        "authenticatorConfig",
        "requiredActions",
        "browserFlow",
        "registrationFlow",
        "directGrantFlow",
        "resetCredentialsFlow",
        "clientAuthenticationFlow",
        "dockerAuthenticationFlow",
        "firstBrokerLoginFlow",
        "attributes",
        "keycloakVersion",
        "userManagedAccessAllowed",
        "organizationsEnabled",
        "organizations",
        "oid4VciEnabled",
        "adminPermissionsEnabled",
        "social",
        "updateProfileOnInitialSocialLogin",
        "socialProviders",
        "applicationScopeMappings",
        "applications",
        "oauthClients",
        "clientTemplates",
    ]
)

_DECODER = json.JSONDecoder()


def refuse_unknown(raw: bytes, known: frozenset[str], class_name: str) -> None:
    """Raise Keycloak's 400 when the JSON object ``raw`` has a top-level property ``known`` lacks."""
    found = _first_unknown(raw.decode("utf-8", errors="replace"), known)
    if found is None:
        return
    name, line, column = found
    raise AdminError(
        400,
        f'Invalid json representation for {class_name}. Unrecognized field "{name}" at line {line} column {column}.',
        key="error",
    )


def _first_unknown(text: str, known: frozenset[str]) -> tuple[str, int, int] | None:
    """The first unknown property of a top-level object, and where Jackson stands when it refuses it."""
    try:
        at = _skip(text, 0)
        if text[at : at + 1] != "{":
            return None
        at = _skip(text, at + 1)
        while text[at : at + 1] == '"':
            name, at = _DECODER.raw_decode(text, at)
            at = _skip(text, at)
            at = _skip(text, at + 1)  # the colon
            value_start = at
            _, at = _DECODER.raw_decode(text, value_start)
            if name not in known:
                consumed = value_start + 1 if text[value_start] in '"{[' else at
                return str(name), *_line_and_column(text, consumed)
            at = _skip(text, at)
            if text[at : at + 1] != ",":
                return None
            at = _skip(text, at + 1)
    except (ValueError, IndexError):
        return None  # not well-formed: the ordinary parse error answers it
    return None


def _skip(text: str, at: int) -> int:
    while at < len(text) and text[at] in " \t\r\n":
        at += 1
    return at


def _line_and_column(text: str, consumed: int) -> tuple[int, int]:
    before = text[:consumed].encode()
    row_start = before.rfind(b"\n") + 1
    return before.count(b"\n") + 1, len(before) - row_start + 1
