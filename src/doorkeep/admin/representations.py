"""Keycloak's JSON representations ⇄ the domain dataclasses (RealmRepresentation, ClientRepresentation, …).

Used by the admin API and by realm import/export alike. ``*_from_json`` applies a (partial)
representation onto an existing object: absent or null fields keep their value, as Keycloak's
partial updates do.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Collection
from typing import Any, TypeVar

from doorkeep import numbers
from doorkeep.admin import user_profile
from doorkeep.clientpolicies import realm_config as client_policies
from doorkeep.errors import AdminError
from doorkeep.model import Client, ClientScope, Credential, Realm, Role, User
from doorkeep.numbers import INT_MAX, INT_MIN, LONG_MAX, LONG_MIN, parse_int
from doorkeep.oauth.ciba import config as ciba_config
from doorkeep.realms import browser_headers, flow_model, flow_support
from doorkeep.users import otp, webauthn_policy
from doorkeep.users.declared import as_text

# RealmRepresentation field -> Realm attribute
REALM_FIELDS: dict[str, str] = {
    "displayName": "display_name",
    "loginTheme": "login_theme",
    "accountTheme": "account_theme",
    "adminTheme": "admin_theme",
    "emailTheme": "email_theme",
    "enabled": "enabled",
    "sslRequired": "ssl_required",
    "defaultSignatureAlgorithm": "default_signature_algorithm",
    "accessTokenLifespan": "access_token_lifespan",
    "accessTokenLifespanForImplicitFlow": "access_token_lifespan_for_implicit_flow",
    "accessCodeLifespan": "access_code_lifespan",
    "accessCodeLifespanUserAction": "access_code_lifespan_user_action",
    "accessCodeLifespanLogin": "access_code_lifespan_login",
    "actionTokenGeneratedByAdminLifespan": "action_token_generated_by_admin_lifespan",
    "actionTokenGeneratedByUserLifespan": "action_token_generated_by_user_lifespan",
    "ssoSessionIdleTimeout": "sso_session_idle_timeout",
    "ssoSessionMaxLifespan": "sso_session_max_lifespan",
    "ssoSessionIdleTimeoutRememberMe": "sso_session_idle_timeout_remember_me",
    "ssoSessionMaxLifespanRememberMe": "sso_session_max_lifespan_remember_me",
    "offlineSessionIdleTimeout": "offline_session_idle_timeout",
    "offlineSessionMaxLifespanEnabled": "offline_session_max_lifespan_enabled",
    "offlineSessionMaxLifespan": "offline_session_max_lifespan",
    "clientSessionIdleTimeout": "client_session_idle_timeout",
    "clientSessionMaxLifespan": "client_session_max_lifespan",
    "clientOfflineSessionIdleTimeout": "client_offline_session_idle_timeout",
    "clientOfflineSessionMaxLifespan": "client_offline_session_max_lifespan",
    "revokeRefreshToken": "revoke_refresh_token",
    "refreshTokenMaxReuse": "refresh_token_max_reuse",
    "notBefore": "not_before",
    "rememberMe": "remember_me",
    "eventsEnabled": "events_enabled",
    "eventsExpiration": "events_expiration",
    "enabledEventTypes": "enabled_event_types",
    "eventsListeners": "events_listeners",
    "adminEventsEnabled": "admin_events_enabled",
    "adminEventsDetailsEnabled": "admin_events_details_enabled",
    "registrationAllowed": "registration_allowed",
    "registrationEmailAsUsername": "registration_email_as_username",
    "loginWithEmailAllowed": "login_with_email_allowed",
    "duplicateEmailsAllowed": "duplicate_emails_allowed",
    "resetPasswordAllowed": "reset_password_allowed",
    "verifyEmail": "verify_email",
    "editUsernameAllowed": "edit_username_allowed",
    "bruteForceProtected": "brute_force_protected",
    "permanentLockout": "permanent_lockout",
    "maxTemporaryLockouts": "max_temporary_lockouts",
    "bruteForceStrategy": "brute_force_strategy",
    "maxFailureWaitSeconds": "max_failure_wait_seconds",
    "minimumQuickLoginWaitSeconds": "minimum_quick_login_wait_seconds",
    "waitIncrementSeconds": "wait_increment_seconds",
    "quickLoginCheckMilliSeconds": "quick_login_check_milli_seconds",
    "maxDeltaTimeSeconds": "max_delta_time_seconds",
    "failureFactor": "failure_factor",
    "bruteForceLockPolicy": "brute_force_lock_policy",
    "bruteForceProtectedUserProperties": "brute_force_protected_user_properties",
    "bruteForcePropertyFailureFactor": "brute_force_property_failure_factor",
    "oauth2DeviceCodeLifespan": "oauth2_device_code_lifespan",
    "oauth2DevicePollingInterval": "oauth2_device_polling_interval",
    "userManagedAccessAllowed": "user_managed_access_allowed",
    "organizationsEnabled": "organizations_enabled",
    "passwordPolicy": "password_policy",
    "otpPolicyType": "otp_policy_type",
    "otpPolicyAlgorithm": "otp_policy_algorithm",
    "otpPolicyInitialCounter": "otp_policy_initial_counter",
    "otpPolicyDigits": "otp_policy_digits",
    "otpPolicyLookAheadWindow": "otp_policy_look_ahead_window",
    "otpPolicyPeriod": "otp_policy_period",
    "otpPolicyCodeReusable": "otp_policy_code_reusable",
    "internationalizationEnabled": "internationalization_enabled",
    "supportedLocales": "supported_locales",
    "defaultLocale": "default_locale",
    "smtpServer": "smtp_server",
    "browserSecurityHeaders": "browser_security_headers",
    "attributes": "attributes",
}
CLIENT_FIELDS: dict[str, str] = {
    "clientId": "client_id",
    "name": "name",
    "description": "description",
    "enabled": "enabled",
    "secret": "secret",
    "clientAuthenticatorType": "client_authenticator_type",
    "publicClient": "public_client",
    "bearerOnly": "bearer_only",
    "protocol": "protocol",
    "rootUrl": "root_url",
    "baseUrl": "base_url",
    "adminUrl": "admin_url",
    "redirectUris": "redirect_uris",
    "webOrigins": "web_origins",
    "standardFlowEnabled": "standard_flow_enabled",
    "implicitFlowEnabled": "implicit_flow_enabled",
    "directAccessGrantsEnabled": "direct_access_grants_enabled",
    "serviceAccountsEnabled": "service_accounts_enabled",
    "consentRequired": "consent_required",
    "fullScopeAllowed": "full_scope_allowed",
    "alwaysDisplayInConsole": "always_display_in_console",
    "frontchannelLogout": "frontchannel_logout",
    "notBefore": "not_before",
    "attributes": "attributes",
}
USER_FIELDS: dict[str, str] = {
    "username": "username",
    "enabled": "enabled",
    "email": "email",
    "emailVerified": "email_verified",
    "firstName": "first_name",
    "lastName": "last_name",
    "createdTimestamp": "created_timestamp",
    "notBefore": "not_before",
    "attributes": "attributes",
    "requiredActions": "required_actions",
}
_INT_FIELDS = {f.name for f in dataclasses.fields(Realm) if f.type in ("int", "int | None")} | {
    "not_before",
    "created_timestamp",
}
# String fields that are Java enums in Keycloak's representations: any other value is refused.
_ENUMS = {"brute_force_strategy": ("LINEAR", "MULTIPLE"), "brute_force_lock_policy": ("USER", "PROPERTIES", "ANY")}


NEWLINE_NOT_ALLOWED = "Newline not allowed."


class RepresentationError(ValueError):
    """A field has the wrong JSON type; the message names it."""


def is_true(value: Any) -> bool:
    """Whether a Java ``Boolean`` of a representation is true as Jackson reads it (``true`` or ``"true"``)."""
    return value is True or (isinstance(value, str) and value.lower() == "true")


def json_bool(value: Any, where: str) -> bool:
    """A Java ``Boolean`` of a representation, read as Jackson reads it: ``true``/``false``, or that word as a
    string in any case (realm files and scripts write ``"fullScopeAllowed": "false"``)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.lower() in ("true", "false"):
        return value.lower() == "true"
    raise RepresentationError(f"{where}: expected true or false")


def _coerce(obj: Any, attr: str, value: Any, where: str) -> Any:
    current = getattr(obj, attr)
    if attr == "smtp_server":
        return smtp_from_json(current, value, where)
    if attr == "browser_security_headers":
        return headers_from_json(value, where)
    if isinstance(current, bool) or attr in ("enabled",):
        return json_bool(value, where)
    if isinstance(current, int) or attr in _INT_FIELDS:
        # Keycloak's fields are Java ints (timestamps longs); Jackson also reads "300" as 300.
        long_field = attr in ("created_timestamp", "quick_login_check_milli_seconds", "events_expiration")  # Longs
        low, high = (LONG_MIN, LONG_MAX) if long_field else (INT_MIN, INT_MAX)
        number = parse_int(value, low, high) if isinstance(value, (int, str)) else None
        if number is None:
            digits = value.lstrip("+-") if isinstance(value, str) else ""
            whole = digits.isascii() and digits.isdecimal()
            whole = whole or (isinstance(value, int) and not isinstance(value, bool))
            raise RepresentationError(f"{where}: number out of range" if whole else f"{where}: expected a number")
        return number
    if isinstance(current, tuple):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise RepresentationError(f"{where}: expected a list of strings")
        return tuple(value)
    if isinstance(current, dict):
        if not isinstance(value, dict):
            raise RepresentationError(f"{where}: expected an object")
        if isinstance(obj, User):  # Keycloak's Map<String, List<String>>: a single string is a list of one;
            # null values are dropped and an attribute left without any is not kept (UserModel.setAttribute)
            values = {str(k): _string_list(v, f"{where}.{k}") for k, v in value.items() if v is not None}
            return {k: v for k, v in values.items() if v}
        return _string_map_keeping_nulls(value, where)
    if not isinstance(value, str):
        raise RepresentationError(f"{where}: expected a string")
    if attr in _ENUMS and value not in _ENUMS[attr]:
        raise RepresentationError(f"{where}: expected one of {', '.join(_ENUMS[attr])}")
    return value


# Keycloak's ComponentRepresentation.SECRET_VALUE, and the SMTP settings it stands for in a representation.
SECRET_VALUE = "**********"
SMTP_SECRETS = ("password", "authTokenClientSecret")


def _string_map_keeping_nulls(value: dict[Any, Any], where: str) -> dict[str, Any]:
    """A realm's or client's ``attributes`` (Keycloak's ``Map<String, String>``) as Jackson reads them: a number or
    boolean becomes its text (``true``, not Python's ``True``), an object or array is refused; a null stays null
    (the callers read it as "remove")."""
    out: dict[str, Any] = {}
    for key, item in value.items():
        if isinstance(item, bool):
            item = "true" if item else "false"
        elif isinstance(item, int | float):
            item = str(item)
        elif item is not None and not isinstance(item, str):
            raise RepresentationError(f"{where}.{key}: expected a string")
        out[str(key)] = item
    return out


def string_map_from_json(value: Any, where: str) -> dict[str, str]:
    """A ``Map<String, String>`` as Jackson reads it: a number or boolean becomes its text, a null entry is left
    out, anything else is refused."""
    if not isinstance(value, dict):
        raise RepresentationError(f"{where}: expected an object")
    out: dict[str, str] = {}
    for key, item in value.items():
        if item is None:
            continue
        if isinstance(item, bool):
            item = "true" if item else "false"
        elif isinstance(item, int | float):
            item = str(item)
        elif not isinstance(item, str):
            raise RepresentationError(f"{where}.{key}: expected a string")
        out[str(key)] = item
    return out


def smtp_from_json(stored: dict[str, str], value: Any, where: str) -> dict[str, str]:
    """``smtpServer`` as RepresentationToModel.updateRealm reads it: the map replacing the stored one, except that
    a masked secret keeps the stored one, so a representation read from the admin API can be PUT back without
    erasing the password; but only towards the same destination (RealmAdminResource's
    ``reuseConfiguredAuthenticationForSmtp``): with another host, port or user, or for the token secret another
    ``authTokenUrl``, the masked secret is dropped rather than sent somewhere new."""
    out = string_map_from_json(value, where)
    for key in SMTP_SECRETS:
        if out.get(key) == SECRET_VALUE:
            if key in stored and _same_smtp_destination(stored, out, key):
                out[key] = stored[key]
            else:
                del out[key]
    return out


def _same_smtp_destination(stored: dict[str, str], new: dict[str, str], secret: str) -> bool:
    fields = {"host": "", "port": "25", "user": ""}
    if secret == "authTokenClientSecret":
        fields["authTokenUrl"] = ""
    return all(new.get(name, default) == stored.get(name, default) for name, default in fields.items())


def headers_from_json(value: Any, where: str) -> dict[str, str]:
    """``browserSecurityHeaders``: a header value must be one line of visible ASCII (a CR or LF would end the header
    and start another in every answer of the realm; a character outside ASCII could not be sent)."""
    out = string_map_from_json(value, where)
    if any("\n" in key or "\n" in item for key, item in out.items()):
        raise AdminError(400, NEWLINE_NOT_ALLOWED)  # ReservedCharValidator.validateSecurityHeaders
    for key, item in out.items():
        if not browser_headers.valid_value(item):
            raise RepresentationError(f"{where}.{key}: a header value must be visible ASCII on one line")
    return out


def mask_smtp_secrets(rep: dict[str, Any]) -> dict[str, Any]:
    """The admin API's realm: the SMTP password and token secret shown as ``**********`` (ModelToRepresentation
    with ``export`` false), never their value."""
    smtp = rep.get("smtpServer")
    if isinstance(smtp, dict):
        rep["smtpServer"] = {k: SECRET_VALUE if k in SMTP_SECRETS else v for k, v in smtp.items()}
    return rep


def _string_list(value: Any, where: str) -> list[str]:
    """A user attribute's values as StringListMapDeserializer reads them: a list's items or the value alone, a number
    or a Boolean as its text (``42`` is "42", ``true`` "true"); a null inside the list holds no value (left out). An
    object or a list inside is refused (Jackson would read it as a blank value)."""
    if isinstance(value, str | int | float):
        return [as_text(value)]
    if not isinstance(value, list) or not all(v is None or isinstance(v, str | int | float) for v in value):
        raise RepresentationError(f"{where}: expected a list of strings")
    return [as_text(v) for v in value if v is not None]


def apply(obj: Any, rep: dict[str, Any], fields: dict[str, str], where: str = "") -> Any:
    """Return ``obj`` updated from the representation's non-null known fields."""
    changes: dict[str, Any] = {}
    for key, attr in fields.items():
        if key in rep and rep[key] is not None:
            changes[attr] = _coerce(obj, attr, rep[key], f"{where}{key}")
    return dataclasses.replace(obj, **changes)


def email_rules(realm: Realm, rep: dict[str, Any]) -> Realm:
    """RealmAdapter's coupled setters, called in importRealm's and updateRealm's order: ``loginWithEmailAllowed``
    given true turns duplicate e-mails off; then ``duplicateEmailsAllowed`` given true turns e-mail login and
    "email as username" off. (Users already sharing an e-mail keep it; such an e-mail then signs no one in.)"""
    if rep.get("loginWithEmailAllowed") is not None and realm.login_with_email_allowed:
        realm = dataclasses.replace(realm, duplicate_emails_allowed=False)
    if rep.get("duplicateEmailsAllowed") is not None and json_bool(rep["duplicateEmailsAllowed"], ""):
        realm = dataclasses.replace(
            realm, duplicate_emails_allowed=True, login_with_email_allowed=False, registration_email_as_username=False
        )
    return realm


# DefaultExportImportManager.importRealm and updateRealm (keycloak#40353, PR #40538, Keycloak 26.2+): each Brute
# Force Detection number a representation gives goes through checkNonNegativeNumber, a ModelException naming it.
BRUTE_FORCE_LIMITS = {
    "failureFactor": "Failure factor",
    "maxTemporaryLockouts": "Maximum temporary lockouts",
    "maxFailureWaitSeconds": "Maximum failure wait seconds",
    "waitIncrementSeconds": "Wait increment seconds",
    "minimumQuickLoginWaitSeconds": "Minimum quick login wait seconds",
    "quickLoginCheckMilliSeconds": "Quick login check milliseconds",
    "maxDeltaTimeSeconds": "Maximum delta time seconds",
    "bruteForcePropertyFailureFactor": "Property failure factor",
}


def negative_brute_force(realm: Realm, rep: dict[str, Any]) -> tuple[str, str] | None:
    """The first Brute Force Detection field ``rep`` gives that left ``realm`` negative, with Keycloak's
    message (the admin API's 400 and a realm file's import error alike), else None."""
    for key, label in BRUTE_FORCE_LIMITS.items():
        value = getattr(realm, REALM_FIELDS[key])
        if rep.get(key) is not None and value is not None and value < 0:
            return key, f"{label} may not be a negative value"
    return None


def _out(obj: Any, fields: dict[str, str]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, attr in fields.items():
        value = getattr(obj, attr)
        if value is None:
            continue
        out[key] = list(value) if isinstance(value, tuple) else value
    return out


DISPLAY_NAME_HTML = "displayNameHtml"  # RealmAttributes.DISPLAY_NAME_HTML: Keycloak keeps the field as an attribute
INTERNAL_REALM_ATTRIBUTES = frozenset(
    {*user_profile.INTERNAL_ATTRIBUTES, DISPLAY_NAME_HTML, *client_policies.ATTRIBUTES}
)
"""Realm attributes Doorkeep keeps for itself (admin/user_profile.py) or behind a field of their own, never in
the representation's ``attributes`` (ModelToRepresentation.stripRealmAttributesIncludedAsFields)."""
V = TypeVar("V")
VALIDATED_REALM_ATTRIBUTES = frozenset({*user_profile.INTERNAL_ATTRIBUTES, *client_policies.ATTRIBUTES})
"""The internal attributes only their own resources write, after validating what they hold (``users/profile``,
``client-policies``, a realm file's component and fields): a representation's ``attributes`` naming them is
not followed, or a realm update could store a profile or policies no check saw (unreadable JSON is a 500 on
every later user write)."""


def without_validated(attributes: dict[str, V]) -> dict[str, V]:
    """``attributes`` from a representation, without the ones VALIDATED_REALM_ATTRIBUTES keeps for their
    resources."""
    return {k: v for k, v in attributes.items() if k not in VALIDATED_REALM_ATTRIBUTES}


def realm_to_json(realm: Realm) -> dict[str, Any]:
    out: dict[str, Any] = {"id": realm.id, "realm": realm.name}
    out.update(_out(realm, REALM_FIELDS))
    if not realm.events_expiration:  # Keycloak sends it only when set
        del out["eventsExpiration"]
    out["actionTokenGeneratedByUserLifespan"] = user_action_token_lifespan(realm)
    out["bruteForceLockPolicy"] = realm.brute_force_lock_policy or "USER"
    # RealmAdapter's fallback: unset, a property counter locks after failureFactor failures.
    property_factor = realm.brute_force_property_failure_factor
    out["bruteForcePropertyFailureFactor"] = realm.failure_factor if property_factor is None else property_factor
    # Computed from the policy (OTPPolicy.getOtpSupportedApplications), never stored: an import ignores it.
    out["otpSupportedApplications"] = otp.supported_applications(otp.policy(realm))
    out.update(webauthn_policy.representation(realm))
    out["supportedLocales"] = list(dict.fromkeys(realm.supported_locales))  # a Set in RealmRepresentation
    out["attributes"] = {k: str(v) for k, v in realm.attributes.items() if k not in INTERNAL_REALM_ATTRIBUTES}
    out["attributes"].update(ciba_config.policy(realm).representation())  # the CIBA policy, set or not
    if (html := realm.attributes.get(DISPLAY_NAME_HTML)) is not None:
        out[DISPLAY_NAME_HTML] = str(html)
    out.update(client_policies.representation_fields(realm))
    out["smtpServer"] = dict(realm.smtp_server)
    out["browserSecurityHeaders"] = browser_headers.realm_values(realm.browser_security_headers)
    out.update(flow_support.binding_aliases(realm, flow_model.of(realm)))  # the bound flows' aliases
    return out


def user_action_token_lifespan(realm: Realm) -> int:
    """``actionTokenGeneratedByUserLifespan``: unset, the login-action timeout (RealmAdapter's fallback)."""
    lifespan = realm.action_token_generated_by_user_lifespan
    return realm.access_code_lifespan_user_action if lifespan is None else lifespan


# Where a client's registered cluster nodes (ClientModel.getRegisteredNodes: host -> registration time) are kept:
# an attribute no representation shows as one, read and written only through these functions.
REGISTERED_NODES = "doorkeep.registered-nodes"


def registered_nodes(client: Client) -> dict[str, int]:
    raw = client.attributes.get(REGISTERED_NODES)
    try:
        nodes = numbers.loads(str(raw)) if raw else {}
        return {str(k): int(v) for k, v in nodes.items()}
    except (ValueError, TypeError, AttributeError):  # not what with_registered_nodes wrote: none registered
        return {}


def with_registered_nodes(client: Client, nodes: dict[str, int]) -> Client:
    """The client with exactly ``nodes`` registered."""
    attributes = {k: v for k, v in client.attributes.items() if k != REGISTERED_NODES}
    if nodes:
        attributes[REGISTERED_NODES] = json.dumps(nodes, sort_keys=True)
    return dataclasses.replace(client, attributes=attributes)


REALM_CLIENT = "realm_client"
"""Constants.REALM_CLIENT: ModelToRepresentation puts it in every client's ``attributes``, computed, never stored."""


def is_realm_client(client_id: str, realm_name: str, realm_names: Collection[str]) -> bool:
    """ModelToRepresentation.isRealmClient: ``broker``; in master a ``<realm>-realm`` client of an existing realm;
    elsewhere ``realm-management``."""
    if client_id == "broker":
        return True
    if realm_name == "master":
        return client_id.endswith("-realm") and client_id.removesuffix("-realm") in realm_names
    return client_id == "realm-management"


def client_to_json(
    client: Client, default_scopes: list[str], optional_scopes: list[str], *, realm_client: bool = False
) -> dict[str, Any]:
    out: dict[str, Any] = {"id": client.id}
    out.update(_out(client, CLIENT_FIELDS))
    if client.public_client or not client.secret:  # Keycloak 26.7 (#48868): a bearer-only client's is shown
        out.pop("secret", None)
    out["clientAuthenticatorType"] = out.pop("clientAuthenticatorType")  # where Doorkeep always sent it
    out["surrogateAuthRequired"] = False
    out["nodeReRegistrationTimeout"] = -1
    nodes = registered_nodes(client)
    if nodes:  # ModelToRepresentation: only when some are registered
        out["registeredNodes"] = nodes
    out["defaultClientScopes"] = sorted(default_scopes)
    out["optionalClientScopes"] = sorted(optional_scopes)
    out["attributes"] = {k: str(v) for k, v in client.attributes.items() if k != REGISTERED_NODES}
    out["attributes"][REALM_CLIENT] = "true" if realm_client else "false"
    out["authenticationFlowBindingOverrides"] = dict(client.flow_overrides)
    if client.protocol_mappers:
        from doorkeep.admin.group_mapper_json import mapper_to_json

        out["protocolMappers"] = [mapper_to_json(m) for m in client.protocol_mappers]
    out["access"] = {"view": True, "configure": True, "manage": True}
    return out


def scope_to_json(scope: ClientScope) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": scope.id,
        "name": scope.name,
        "protocol": scope.protocol,
        "attributes": dict(scope.attributes),
    }
    if scope.description is not None:
        out["description"] = scope.description
    if scope.protocol_mappers:
        from doorkeep.admin.group_mapper_json import mapper_to_json

        out["protocolMappers"] = [mapper_to_json(m) for m in scope.protocol_mappers]
    return out


def role_to_json(role: Role, container_id: str) -> dict[str, Any]:
    out: dict[str, Any] = {"id": role.id, "name": role.name}
    if role.description is not None:
        out["description"] = role.description
    out.update(
        composite=role.composite,
        clientRole=role.client_id is not None,
        containerId=container_id,
        attributes=role.attributes,
    )
    return out


def role_brief_json(role: Role, container_id: str) -> dict[str, Any]:
    """ModelToRepresentation.toBriefRepresentation: the role without its attributes (role-mapping listings)."""
    out = role_to_json(role, container_id)
    del out["attributes"]
    return out


def user_to_json(user: User, *, totp: bool = False) -> dict[str, Any]:
    """ModelToRepresentation.toRepresentation; ``totp``: whether the user has an OTP credential
    (``isConfiguredFor(OTPCredentialModel.TYPE)``), which only the single-user read works out."""
    out: dict[str, Any] = {"id": user.id}
    out.update(_out(user, USER_FIELDS))
    out.setdefault("emailVerified", user.email_verified)
    if user.service_account_client_id:
        out["serviceAccountClientId"] = user.service_account_client_id
    if not user.attributes:
        out.pop("attributes", None)
    out["totp"] = totp
    out["disableableCredentialTypes"] = []
    out["access"] = {"manage": True}
    return out


# ModelToRepresentation.toBriefRepresentation's fields, in UserRepresentation's JSON order (Doorkeep has no
# federationLink, Keycloak's only other brief field).
BRIEF_USER_FIELDS: dict[str, str] = {
    "username": "username",
    "firstName": "first_name",
    "lastName": "last_name",
    "email": "email",
    "emailVerified": "email_verified",
    "createdTimestamp": "created_timestamp",
    "enabled": "enabled",
}


def user_to_brief_json(user: User) -> dict[str, Any]:
    """``briefRepresentation=true``: no attributes, required actions, notBefore or credential fields."""
    return {"id": user.id, **_out(user, BRIEF_USER_FIELDS)}


def credential_to_json(cred: Credential, *, with_secret: bool = False) -> dict[str, Any]:
    """A CredentialRepresentation; ``credentialData`` (and, for export only, ``secretData``) are JSON
    strings, as Keycloak sends them. The admin API never includes the secret."""
    out: dict[str, Any] = {"id": cred.id, "type": cred.type}
    if cred.user_label is not None:
        out["userLabel"] = cred.user_label
    out["createdDate"] = cred.created_date
    if with_secret:
        out["secretData"] = json.dumps(cred.secret_data, separators=(",", ":"))
    out["credentialData"] = json.dumps(cred.credential_data, separators=(",", ":"))
    return out
