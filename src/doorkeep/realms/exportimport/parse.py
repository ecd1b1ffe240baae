"""Reading Keycloak's realm-export JSON into a ``RealmPlan``, before anything is written.

The whole representation is checked: JSON types, required names, duplicates, and that every role,
client and client scope it names exists in the file or among Keycloak's built-ins. The first
problem is an ``ImportError_`` naming its place (``users[3].credentials[0].value: expected a
string``). Fields Doorkeep does not model are collected, indices collapsed, for one warning line.

This module reads the realm itself and joins the section readers beside it: ``roles``, ``clients`` (client
scopes, clients, scope mappings), ``users``, ``realm_sections`` and ``realm_components`` (the parts that become
the ``Realm``), ``references`` (what they collect, checked at the end), ``groups`` and ``organizations``.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from doorkeep import policy
from doorkeep.admin.representations import (
    DISPLAY_NAME_HTML,
    NEWLINE_NOT_ALLOWED,
    REALM_FIELDS,
    RepresentationError,
    apply,
    email_rules,
    negative_brute_force,
    without_validated,
)
from doorkeep.admin.reserved_chars import locale_message, reserved_message
from doorkeep.clientpolicies import realm_config as client_policies
from doorkeep.clientpolicies.readable import readable as readable_policies
from doorkeep.clientpolicies.validation import ClientPolicyError
from doorkeep.clientreg.policy_components import POLICY_TYPE
from doorkeep.errors import AdminError
from doorkeep.model import Realm
from doorkeep.realms import auth_flows, flow_import, provisioning, required_actions
from doorkeep.realms.exportimport import legacy_shapes, master_legacy, organizations
from doorkeep.realms.exportimport.clients import CLIENT_KEYS, SAML, SCOPE_KEYS, ClientSection
from doorkeep.realms.exportimport.groups import check_group_paths, parse_groups
from doorkeep.realms.exportimport.implied_roles import add_client_default_roles, add_user_roles
from doorkeep.realms.exportimport.plan import (
    ImportError_,
    RealmPlan,
    at,
    fail,
    get_list,
    obj,
    opt_str,
    str_list,
    string_map,
)
from doorkeep.realms.exportimport.realm_components import (
    USER_STORAGE,
    key_components,
    listed_components,
    skipped_components,
    with_user_profile,
)
from doorkeep.realms.exportimport.realm_sections import (
    check_grace,
    with_identity_providers,
    with_idp_mappers,
    with_localization_texts,
    with_required_actions,
    written_before,
)
from doorkeep.realms.exportimport.references import known_client_roles
from doorkeep.realms.exportimport.roles import ROLE_KEYS, RoleSection, default_role_name
from doorkeep.realms.exportimport.users import CREDENTIAL_KEYS, NO_SALT, USER_KEYS, UserSection, stored_credential
from doorkeep.realms.provisioning import builtin_realm_roles
from doorkeep.sessions.revocation_triggers import invalid as invalid_triggers
from doorkeep.users import password_policy, webauthn_policy

# The names importable from here before the sections moved to their own modules.
__all__ = [
    "CLIENT_KEYS",
    "CREDENTIAL_KEYS",
    "NO_SALT",
    "POLICY_KEYS",
    "REALM_KEYS",
    "ROLE_KEYS",
    "SAML",
    "SCOPE_KEYS",
    "SSL_REQUIRED",
    "USER_KEYS",
    "USER_STORAGE",
    "known_client_roles",
    "parse_realm",
    "skipped_components",
    "stored_credential",
]

POLICY_KEYS = ("clientProfiles", "clientPolicies")
REALM_KEYS = {
    "id",
    "realm",
    "keycloakVersion",  # the version that wrote the file: which of Keycloak's import migrations apply
    "components",
    "requiredActions",
    "localizationTexts",  # realms/localization.py
    "authenticationFlows",  # stored, bindings checked (realms/flow_import.py)
    "authenticatorConfig",
    *auth_flows.BINDINGS,
    *REALM_FIELDS,
    "clientProfiles",  # clientpolicies/realm_config.py
    "clientPolicies",
    *webauthn_policy.KEYS,  # users/webauthn_policy.py
    "otpSupportedApplications",  # derived from the OTP policy; read and ignored, as Keycloak does
    "roles",
    "defaultRole",
    "defaultRoles",
    "clientScopes",
    "defaultDefaultClientScopes",
    "defaultOptionalClientScopes",
    "scopeMappings",
    "clientScopeMappings",
    "clients",
    "users",
    "groups",
    "defaultGroups",
    "organizations",
}
SSL_REQUIRED = ("all", "external", "none")


class _Parser(RoleSection, ClientSection, UserSection):
    """Reads one realm representation into a ``RealmPlan``, collecting references to check at the end."""

    def realm(self, data: Any) -> RealmPlan:
        b = self.base
        rep = obj(data, b or "top level")
        name = rep.get("realm")
        if not isinstance(name, str) or not name.strip():
            fail(at(b, "realm"), "missing realm name" if name is None else "expected a non-empty string")
        reserved_refusal(rep, b)
        self.fields(rep, REALM_KEYS, "")
        self.unknown.update(skipped_components(rep))
        # As in Keycloak, a realm (and a user) the file does not mark "enabled": true is disabled.
        realm = apply(Realm(id=opt_str(rep, "id", b) or "", name=name, enabled=False), rep, REALM_FIELDS, at(b, ""))
        realm = email_rules(realm, rep)
        if (negative := negative_brute_force(realm, rep)) is not None:  # importRealm's checkNonNegativeNumber
            fail(at(b, negative[0]), negative[1])
        ssl = realm.ssl_required.lower()
        if ssl not in SSL_REQUIRED:
            fail(at(b, "sslRequired"), f"expected one of {', '.join(SSL_REQUIRED)}")
        attributes = without_validated(string_map(realm.attributes, at(b, "attributes")))
        if (problem := invalid_triggers(attributes)) is not None:
            fail(at(b, "attributes"), problem)
        check_grace(attributes, policy.GRACE_REALM_ATTRIBUTE, at(b, "attributes"))
        if (html := opt_str(rep, DISPLAY_NAME_HTML, b)) is not None:  # RealmAdapter keeps it as an attribute
            attributes[DISPLAY_NAME_HTML] = html
        realm = dataclasses.replace(realm, ssl_required=ssl, attributes=attributes)
        realm = with_user_profile(realm, rep, b)
        unreadable = [k for k in POLICY_KEYS if rep.get(k) is not None and not readable_policies(k, rep[k])]
        self.unknown.update(f"{k} (not in the format Keycloak 14 and later read)" for k in unreadable)
        for key in POLICY_KEYS:  # profiles first: the policies name them
            if key in unreadable:  # skipped, as getParsedClientProfiles / getParsedClientPolicies do
                continue
            try:
                realm = client_policies.from_representation(realm, {key: rep.get(key)})
            except ClientPolicyError as problem:  # updateRealmModelFromRepresentation's failed import
                fail(at(b, key), str(problem))
        try:
            realm = dataclasses.replace(realm, webauthn_policies=webauthn_policy.from_representation(rep))
        except webauthn_policy.PolicyFieldError as problem:
            fail(at(b, str(problem).split(":", 1)[0]), str(problem).split(": ", 1)[-1])
        realm = provisioning.frozen_user_action_lifespan(realm)
        realm = with_required_actions(realm, rep.get("requiredActions"), at(b, "requiredActions"))
        if rep.get("keycloakVersion") is not None and written_before(rep["keycloakVersion"], (26, 7, 0)):
            # RealmManager.importRealm runs MigrationModelManager.migrateImport only for a file naming its version;
            # MigrateTo26_7_0 then moves the OTP and the password after the e-mail, the defaults added too
            realm = required_actions.with_actions(realm, required_actions.migrated_to_26_7(required_actions.of(realm)))
        realm = with_localization_texts(realm, rep.get("localizationTexts"), at(b, "localizationTexts"))
        realm, warned = flow_import.imported(realm, rep)  # custom flows kept; bindings Doorkeep cannot run warned of
        self.unknown.update(warned)
        # after the flows: a provider's firstBrokerLoginFlowAlias / postBrokerLoginFlowAlias names one of them
        realm = with_identity_providers(realm, rep.get("identityProviders"), at(b, "identityProviders"))
        realm = with_idp_mappers(realm, rep.get("identityProviderMappers"), at(b, "identityProviderMappers"))
        try:  # stored as Keycloak writes it back (PasswordPolicy.Builder.asString)
            realm = dataclasses.replace(realm, password_policy=password_policy.parse(realm.password_policy).as_string())
        except password_policy.PolicyConfigError as problem:
            fail(at(b, "passwordPolicy"), str(problem))
        default_role = self.default_role = default_role_name(rep, name, at(b, "defaultRole"))
        roles = self.roles(rep, default_role)
        scopes = self.scopes(rep)
        realm_defaults = self.scope_names(rep, "defaultDefaultClientScopes", b)
        realm_optional = self.scope_names(rep, "defaultOptionalClientScopes", b)
        clients = self.clients(rep, realm)
        mappings = self.scope_mappings(rep)
        users = [self.user(u, f"{at(b, 'users')}[{i}]") for i, u in enumerate(get_list(rep, "users", b))]
        self.check_users(realm, users, clients)
        add_user_roles(roles, users, builtin_realm_roles(name, default_role), known_client_roles(name, roles, clients))
        if rep.get("defaultRole") is None:
            add_client_default_roles(roles, default_role, self.client_default_roles)
        groups = parse_groups(rep, b, self.refs)
        default_groups = str_list(rep.get("defaultGroups"), at(b, "defaultGroups")) if rep.get("defaultGroups") else []
        check_group_paths(
            groups,
            default_groups,
            at(b, "defaultGroups"),
            [(up.groups, f"{at(b, 'users')}[{i}].groups") for i, up in enumerate(users)],
        )
        self.check_refs(name, roles, scopes, clients)
        return RealmPlan(
            realm,
            default_role,
            roles,
            scopes,
            realm_defaults,
            realm_optional,
            clients,
            mappings,
            users,
            self.unknown,
            groups,
            default_groups,
            key_components(rep, b),
            listed_components(rep, b, POLICY_TYPE),
            written_before(rep.get("keycloakVersion"), (25, 0, 0)),
            organizations.listed(rep, at(b, "organizations")),
        )


def reserved_refusal(rep: dict[str, Any], b: str) -> None:
    """RealmManager.importRealm's ReservedCharValidator checks, the admin API's realm creation's (web/admin/parse.py):
    the ``id`` (when given) and the name, the supported locales, the browser security headers (no newline). A name
    Keycloak refuses would be a path segment of every URL of the realm."""
    for key in ("id", "realm"):
        value = rep.get(key)
        if isinstance(value, str) and (message := reserved_message(value)) is not None:
            fail(at(b, key), message)
    if (message := locale_message(rep.get("supportedLocales"))) is not None:
        fail(at(b, "supportedLocales"), message)
    headers = rep.get("browserSecurityHeaders")
    if isinstance(headers, dict) and any("\n" in f"{k}{v}" for k, v in headers.items() if isinstance(v, str)):
        fail(at(b, "browserSecurityHeaders"), NEWLINE_NOT_ALLOWED)


def parse_realm(data: Any, base: str = "") -> RealmPlan:
    """Validate one realm representation; raise ImportError_ naming the first problem's place."""
    try:
        return _Parser(base).realm(master_legacy.adopted(legacy_shapes.converted(data)))
    except RepresentationError as exc:
        raise ImportError_(str(exc)) from None
    except AdminError as exc:  # a check the admin API shares (its 400), one line here as every other refusal
        raise ImportError_(exc.message) from None
