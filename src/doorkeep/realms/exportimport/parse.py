"""Reading Keycloak's realm-export JSON into a ``RealmPlan``, before anything is written.

The whole representation is checked: JSON types, required names, duplicates, and that every role,
client and client scope it names exists in the file or among Keycloak's built-ins. The first
problem is an ``ImportError_`` naming its place (``users[3].credentials[0].value: expected a
string``). Fields Doorkeep does not model are collected, indices collapsed, for one warning line.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from typing import Any

from doorkeep import numbers, policy
from doorkeep.admin import session_note_mappers
from doorkeep.admin import user_profile as up_config
from doorkeep.admin import user_profile_checks as up_checks
from doorkeep.admin.group_mapper_json import mappers_from_json
from doorkeep.admin.representations import (
    CLIENT_FIELDS,
    DISPLAY_NAME_HTML,
    REALM_CLIENT,
    REALM_FIELDS,
    USER_FIELDS,
    RepresentationError,
    apply,
    email_rules,
    json_bool,
    negative_brute_force,
    with_registered_nodes,
    without_validated,
)
from doorkeep.admin.session_limits import client_problems, invalid_client
from doorkeep.broker import idp_mapper_types as idp_types
from doorkeep.broker import providers as idp
from doorkeep.clientpolicies import realm_config as client_policies
from doorkeep.clientpolicies.readable import readable as readable_policies
from doorkeep.clientpolicies.validation import ClientPolicyError
from doorkeep.clientreg.policy_components import POLICY_TYPE
from doorkeep.errors import AdminError
from doorkeep.keys import components
from doorkeep.model import (
    CLIENT_AUTHENTICATORS,
    UPDATE_PASSWORD,
    Client,
    ClientScope,
    ProtocolMapper,
    Realm,
    Role,
    User,
    with_password_update,
)
from doorkeep.oauth import client_urls
from doorkeep.oauth.claims import default_web_origins
from doorkeep.oauth.mappers.defaults import builtin_mappers
from doorkeep.realms import auth_flows, flow_import, provisioning, required_actions
from doorkeep.realms.exportimport import legacy_shapes, master_legacy, organizations
from doorkeep.realms.exportimport.groups import check_group_paths, parse_groups
from doorkeep.realms.exportimport.implied_roles import add_client_default_roles, add_user_roles
from doorkeep.realms.exportimport.plan import (
    ClientPlan,
    ImportError_,
    OtpPlan,
    PasswordPlan,
    RealmPlan,
    RolePlan,
    RoleRef,
    ScopeMappingPlan,
    UserPlan,
    as_list,
    at,
    builtin_client_roles,
    check_hash,
    check_otp,
    check_recovery_codes,
    check_webauthn,
    fail,
    get_list,
    get_obj,
    is_empty,
    json_field,
    list_map,
    obj,
    opt_int,
    opt_str,
    req_str,
    str_list,
    string_map,
)
from doorkeep.realms.provisioning import builtin_realm_roles
from doorkeep.sessions import offline_cap
from doorkeep.sessions.revocation_triggers import invalid as invalid_triggers
from doorkeep.users import federated_links, password_policy, recovery_codes, webauthn, webauthn_policy

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
# Derived fields Keycloak exports (composite, clientRole, containerId, access, ...) are read as known.
ROLE_KEYS = {"id", "name", "description", "composite", "composites", "clientRole", "containerId", "attributes"}
SCOPE_KEYS = {"id", "name", "description", "protocol", "attributes", "protocolMappers"}
CLIENT_KEYS = {
    "id",
    *CLIENT_FIELDS,
    "defaultClientScopes",
    "optionalClientScopes",
    "clientTemplate",  # Keycloak 2.x-3.x: its scope is linked as a default one (legacy_shapes.py)
    "access",
    "surrogateAuthRequired",
    "nodeReRegistrationTimeout",
    "clientAuthenticatorType",
    "protocolMappers",
    "registeredNodes",
    "defaultRoles",  # deprecated (Keycloak < 13), still imported: implied_roles
    "authenticationFlowBindingOverrides",  # kept where Doorkeep runs the flow (flow_import.client_overrides)
}
USER_KEYS = {
    "id",
    *USER_FIELDS,
    "credentials",
    "realmRoles",
    "clientRoles",
    "serviceAccountClientId",
    "totp",
    "disableableCredentialTypes",
    "access",
    "groups",
    "federatedIdentities",  # users/federated_links.py
}
CREDENTIAL_KEYS = {
    "id",
    "type",
    "value",
    "temporary",
    "secretData",
    "credentialData",
    "userLabel",
    "createdDate",
    "priority",
    "hashedSaltedValue",
    "salt",
    "hashIterations",
    "algorithm",
}
SSL_REQUIRED = ("all", "external", "none")
SAML = "saml"
NO_SALT = "__SALT__"  # Keycloak's marker for a password credential stored without a salt


class _Parser:
    """Reads one realm representation into a ``RealmPlan``, collecting references to check at the end."""

    def __init__(self, base: str) -> None:
        self.base = base  # "" for a one-realm file, "[2]" for the third realm of a list
        self.unknown: set[str] = set()
        self.role_refs: list[RoleRef] = []
        self.scope_refs: list[tuple[str, str]] = []
        self.client_refs: list[tuple[str, str]] = []
        self.client_default_roles: list[RoleRef] = []  # the clients' deprecated ``defaultRoles``
        self.alias: dict[str, str] = {}  # the file's default-role name -> ours

    def fields(self, rep: dict[str, Any], known: set[str], pattern: str) -> None:
        self.unknown.update(pattern + key for key, value in rep.items() if key not in known and not is_empty(value))

    def realm(self, data: Any) -> RealmPlan:
        b = self.base
        rep = obj(data, b or "top level")
        name = rep.get("realm")
        if not isinstance(name, str) or not name.strip():
            fail(at(b, "realm"), "missing realm name" if name is None else "expected a non-empty string")
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
        _grace(attributes, policy.GRACE_REALM_ATTRIBUTE, at(b, "attributes"))
        if (html := opt_str(rep, DISPLAY_NAME_HTML, b)) is not None:  # RealmAdapter keeps it as an attribute
            attributes[DISPLAY_NAME_HTML] = html
        realm = dataclasses.replace(realm, ssl_required=ssl, attributes=attributes)
        realm = _user_profile(realm, rep, b)
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
        realm = _required_actions(realm, rep.get("requiredActions"), at(b, "requiredActions"))
        if rep.get("keycloakVersion") is not None and _written_before(rep["keycloakVersion"], (26, 7, 0)):
            # RealmManager.importRealm runs MigrationModelManager.migrateImport only for a file naming its version;
            # MigrateTo26_7_0 then moves the OTP and the password after the e-mail, the defaults added too
            realm = required_actions.with_actions(realm, required_actions.migrated_to_26_7(required_actions.of(realm)))
        realm = _localization_texts(realm, rep.get("localizationTexts"), at(b, "localizationTexts"))
        realm, warned = flow_import.imported(realm, rep)  # custom flows kept; bindings Doorkeep cannot run warned of
        self.unknown.update(warned)
        # after the flows: a provider's firstBrokerLoginFlowAlias / postBrokerLoginFlowAlias names one of them
        realm = _identity_providers(realm, rep.get("identityProviders"), at(b, "identityProviders"))
        realm = _idp_mappers(realm, rep.get("identityProviderMappers"), at(b, "identityProviderMappers"))
        try:  # stored as Keycloak writes it back (PasswordPolicy.Builder.asString)
            realm = dataclasses.replace(realm, password_policy=password_policy.parse(realm.password_policy).as_string())
        except password_policy.PolicyConfigError as problem:
            fail(at(b, "passwordPolicy"), str(problem))
        default_role = f"default-roles-{name}"
        roles = self.roles(rep, default_role)
        scopes = self.scopes(rep)
        realm_defaults = self.scope_names(rep, "defaultDefaultClientScopes", b)
        realm_optional = self.scope_names(rep, "defaultOptionalClientScopes", b)
        clients = self.clients(rep, realm)
        mappings = self.scope_mappings(rep)
        users = [self.user(u, f"{at(b, 'users')}[{i}]") for i, u in enumerate(get_list(rep, "users", b))]
        self.check_users(realm, users, clients)
        add_user_roles(roles, users, builtin_realm_roles(name), known_client_roles(name, roles, clients))
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
            _key_components(rep, b),
            _listed_components(rep, b, POLICY_TYPE),
            _written_before(rep.get("keycloakVersion"), (25, 0, 0)),
            organizations.listed(rep, at(b, "organizations")),
        )

    # --- roles -----------------------------------------------------------------------------
    def roles(self, rep: dict[str, Any], default_role: str) -> list[RolePlan]:
        b = self.base
        default_rep = None if rep.get("defaultRole") is None else obj(rep["defaultRole"], at(b, "defaultRole"))
        if default_rep is not None:
            file_name = req_str(default_rep, "name", at(b, "defaultRole"))
            if file_name != default_role:
                self.alias[file_name] = default_role
        roles_rep = get_obj(rep, "roles", b)
        self.fields(roles_rep, {"realm", "client"}, "roles.")
        out: list[RolePlan] = []
        seen: set[tuple[str | None, str]] = set()

        def add(plan: RolePlan, where: str) -> None:
            if (plan.client, plan.role.name) in seen:
                fail(at(where, "name"), f"duplicate role '{plan.role.name}'")
            seen.add((plan.client, plan.role.name))
            out.append(plan)

        base = at(b, "roles")
        for i, role in enumerate(get_list(roles_rep, "realm", base)):
            add(self.role(role, f"{base}.realm[{i}]", "roles.realm[].", None), f"{base}.realm[{i}]")
        for client_id, listed in get_obj(roles_rep, "client", base).items():
            where = f"{base}.client.{client_id}"
            self.client_refs.append((client_id, where))
            for i, role in enumerate(as_list(listed, where)):
                add(self.role(role, f"{where}[{i}]", "roles.client.*[].", client_id), f"{where}[{i}]")
        if default_rep is not None and (None, default_role) not in seen:
            add(self.role(default_rep, at(b, "defaultRole"), "defaultRole.", None), at(b, "defaultRole"))
        legacy = [n.strip() for n in str_list(rep.get("defaultRoles"), at(b, "defaultRoles"))]  # Keycloak < 13
        builtin = builtin_realm_roles(str(rep.get("realm")))
        if default_rep is None:  # convertDeprecatedDefaultRoles' getOrAddRealmRole: a role it names is made
            for role_name in dict.fromkeys(n for n in legacy if (None, n) not in seen and n not in builtin):
                add(RolePlan(Role(id="", realm_id="", name=role_name), None), at(b, "defaultRoles"))
        if legacy:
            plan = next((p for p in out if p.client is None and p.role.name == default_role), None)
            if plan is None:
                plan = RolePlan(Role(id="", realm_id="", name=default_role, description="${role_default-roles}"), None)
                add(plan, at(b, "defaultRoles"))
            plan.composites += self.refs(legacy, at(b, "defaultRoles"), None, "")
        return out

    def role(self, value: Any, where: str, pattern: str, client: str | None) -> RolePlan:
        rep = obj(value, where)
        self.fields(rep, ROLE_KEYS, pattern)
        name = req_str(rep, "name", where)
        if client is None:
            name = self.alias.get(name, name)
        composites: list[RoleRef] = []
        if rep.get("composites") is not None:
            comp = obj(rep["composites"], at(where, "composites"))
            self.fields(comp, {"realm", "client"}, pattern + "composites.")
            cw = at(where, "composites")
            composites = self.refs(comp.get("realm"), at(cw, "realm"), comp.get("client"), at(cw, "client"))
        role = Role(
            id=opt_str(rep, "id", where) or "",
            realm_id="",
            name=name,
            description=opt_str(rep, "description", where),
            attributes=list_map(rep.get("attributes"), at(where, "attributes")),
        )
        return RolePlan(role, client, composites)

    def refs(self, realm_names: Any, realm_where: str, client_map: Any, client_where: str) -> list[RoleRef]:
        """Role references as Keycloak writes them: realm role names, and {clientId: [names]}."""
        out: list[RoleRef] = [
            (None, self.alias.get(n, n), f"{realm_where}[{i}]")
            for i, n in enumerate(str_list(realm_names, realm_where))
        ]
        for client_id, names in ({} if client_map is None else obj(client_map, client_where)).items():
            where = at(client_where, client_id)
            self.client_refs.append((client_id, where))
            out += [(client_id, n, f"{where}[{i}]") for i, n in enumerate(str_list(names, where))]
        self.role_refs += out
        return out

    # --- client scopes and clients ---------------------------------------------------------
    def scopes(self, rep: dict[str, Any]) -> list[ClientScope]:
        out: list[ClientScope] = []
        for i, value in enumerate(get_list(rep, "clientScopes", self.base)):
            where = f"{at(self.base, 'clientScopes')}[{i}]"
            s = obj(value, where)
            self.fields(s, SCOPE_KEYS, "clientScopes[].")
            name = req_str(s, "name", where)
            if any(scope.name == name for scope in out):
                fail(at(where, "name"), f"duplicate client scope '{name}'")
            # A built-in scope written without "protocolMappers" keeps Keycloak's default mappers.
            mappers = (
                builtin_mappers(name)
                if s.get("protocolMappers") is None
                else mappers_from_json(s["protocolMappers"], at(where, "protocolMappers"))
            )
            _check_mappers(mappers, at(where, "protocolMappers"), f"client scope '{name}'")
            out.append(
                ClientScope(
                    id=opt_str(s, "id", where) or "",
                    realm_id="",
                    name=name,
                    description=opt_str(s, "description", where),
                    protocol=opt_str(s, "protocol", where) or "openid-connect",
                    attributes=string_map(s.get("attributes"), at(where, "attributes")),
                    protocol_mappers=tuple(mappers),
                )
            )
        return out

    def scope_names(self, rep: dict[str, Any], key: str, base: str) -> list[str] | None:
        if rep.get(key) is None:
            return None
        names = str_list(rep[key], at(base, key))
        self.scope_refs += [(n, f"{at(base, key)}[{i}]") for i, n in enumerate(names)]
        return names

    def clients(self, rep: dict[str, Any], realm: Realm) -> list[ClientPlan]:
        out: list[ClientPlan] = []
        for i, value in enumerate(get_list(rep, "clients", self.base)):
            where = f"{at(self.base, 'clients')}[{i}]"
            c = obj(value, where)
            self.fields(c, CLIENT_KEYS, "clients[].")
            client_id = req_str(c, "clientId", where)
            if any(p.client.client_id == client_id for p in out):
                fail(at(where, "clientId"), f"duplicate clientId '{client_id}'")
            if c.get("defaultRoles") is not None:
                listed = at(where, "defaultRoles")
                names = str_list(c["defaultRoles"], listed)
                self.client_default_roles += [(client_id, n, f"{listed}[{k}]") for k, n in enumerate(names)]
            if c.get("clientAuthenticatorType") not in (None, *CLIENT_AUTHENTICATORS):
                self.unknown.add(f"clients[].clientAuthenticatorType={c['clientAuthenticatorType']}")
            client = apply(
                Client(id=opt_str(c, "id", where) or "", realm_id="", client_id=client_id),
                c,
                CLIENT_FIELDS,
                where + ".",
            )
            client = dataclasses.replace(
                client,
                attributes=_client_attributes(client, where),
                protocol_mappers=mappers_from_json(c.get("protocolMappers"), at(where, "protocolMappers")),
            )
            _check_mappers(client.protocol_mappers, at(where, "protocolMappers"), f"client '{client_id}'")
            client = with_registered_nodes(client, _registered_nodes(c.get("registeredNodes"), where))
            overrides, dropped = flow_import.client_overrides(realm, rep, c.get("authenticationFlowBindingOverrides"))
            if dropped:
                self.unknown.add("clients[].authenticationFlowBindingOverrides")
            client = dataclasses.replace(client, flow_overrides=overrides)
            client = default_web_origins(c, client)
            _grace(client.attributes, policy.GRACE_CLIENT_ATTRIBUTE, at(where, "attributes"))
            for error in client_urls.url_errors(client)[:1]:  # the first bad URL, named by its place
                fail(at(where, error.place), f"{error.message} (client '{client_id}')")
            if limits := client_problems(realm, client):  # against the realm's SSO values above
                raise ImportError_(invalid_client(client_id, limits))
            if cap_problem := offline_cap.cap_error(client.attributes.get(offline_cap.CAP_ATTR)):
                fail(at(where, "attributes"), f"{cap_problem} (client '{client_id}')")
            template = opt_str(c, "clientTemplate", where)
            out.append(
                ClientPlan(
                    client,
                    self.scope_names(c, "defaultClientScopes", where),
                    self.scope_names(c, "optionalClientScopes", where),
                    None if template is None else legacy_shapes.scope_name(template),
                )
            )
        saml = [p.client.client_id for p in out if p.client.protocol == SAML]
        if saml:  # stored and exported as the file has them, but no SAML endpoint serves them
            self.unknown.add(f"clients[protocol=saml] (kept, not served: Doorkeep speaks no SAML: {', '.join(saml)})")
        return out

    def scope_mappings(self, rep: dict[str, Any]) -> list[ScopeMappingPlan]:
        """``scopeMappings`` (realm roles) and ``clientScopeMappings`` ({role's clientId: [...]})."""
        out: list[ScopeMappingPlan] = []
        base = at(self.base, "scopeMappings")
        for i, value in enumerate(get_list(rep, "scopeMappings", self.base)):
            out.append(self.mapping(value, f"{base}[{i}]", "scopeMappings[].", None))
        for client_id, listed in get_obj(rep, "clientScopeMappings", self.base).items():
            where = f"{at(self.base, 'clientScopeMappings')}.{client_id}"
            self.client_refs.append((client_id, where))
            for i, value in enumerate(as_list(listed, where)):
                out.append(self.mapping(value, f"{where}[{i}]", "clientScopeMappings.*[].", client_id))
        return out

    def mapping(self, value: Any, where: str, pattern: str, role_client: str | None) -> ScopeMappingPlan:
        m = obj(value, where)
        self.fields(m, {"client", "clientScope", "roles"}, pattern)
        client, scope = opt_str(m, "client", where), opt_str(m, "clientScope", where)
        if (client is None) == (scope is None):
            fail(where, 'expected exactly one of "client" and "clientScope"')
        if client is not None:
            self.client_refs.append((client, at(where, "client")))
        if scope is not None:
            self.scope_refs.append((scope, at(where, "clientScope")))
        rw = at(where, "roles")
        if role_client is None:
            refs = self.refs(m.get("roles"), rw, None, "")
        else:
            refs = [(role_client, n, f"{rw}[{i}]") for i, n in enumerate(str_list(m.get("roles"), rw))]
            self.role_refs += refs
        return ScopeMappingPlan(client, scope, refs)

    # --- users -------------------------------------------------------------------------------
    def user(self, value: Any, where: str) -> UserPlan:
        u = obj(value, where)
        self.fields(u, USER_KEYS, "users[].")
        username = req_str(u, "username", where).lower()
        user = apply(
            User(id=opt_str(u, "id", where) or "", realm_id="", username=username, enabled=False),
            u,
            USER_FIELDS,
            where + ".",
        )
        user = dataclasses.replace(
            user,
            username=username,
            email=user.email.lower() if user.email else user.email,
            attributes=list_map(user.attributes, at(where, "attributes")),
        )
        service_account_of = opt_str(u, "serviceAccountClientId", where)
        if service_account_of is not None:
            self.client_refs.append((service_account_of, at(where, "serviceAccountClientId")))
        roles = self.refs(u.get("realmRoles"), at(where, "realmRoles"), u.get("clientRoles"), at(where, "clientRoles"))
        password: PasswordPlan | None = None
        place = 0
        otps: list[OtpPlan] = []
        history: list[tuple[Any, Any, int | None]] = []
        for j, item in enumerate(get_list(u, "credentials", where)):
            cw = f"{at(where, 'credentials')}[{j}]"
            cred = obj(item, cw)
            self.fields(cred, CREDENTIAL_KEYS, "users[].credentials[].")
            kind = opt_str(cred, "type", cw) or "password"
            if kind == "otp":  # an authenticator app: left out, the user would sign in without it
                otps.append(self.otp(cred, cw))
                continue
            if kind == webauthn.TYPE:  # a two-factor security key, as WebAuthnCredentialProvider stores it
                otps.append(self.security_key(cred, cw))
                continue
            if kind == recovery_codes.TYPE:  # the codes' SHA-512 digests, as RecoveryAuthnCodesCredentialModel has them
                otps.append(self.recovery_codes(cred, cw))
                continue
            if kind == password_policy.HISTORY_TYPE:  # kept as stored, as Keycloak's import does
                secret, data = json_field(cred, "secretData", cw), json_field(cred, "credentialData", cw)
                check_hash(secret, data, cw)
                history.append((secret, data, opt_int(cred, "createdDate", cw)))
                continue
            if kind != "password":
                self.unknown.add(f"users[].credentials[type={kind}]")
                continue
            if password is not None:
                fail(cw, "a user has at most one password credential")
            password, place = self.password(cred, cw), len(otps)
            temporary = cred.get("temporary")
            if (
                temporary is not None
                and json_bool(temporary, at(cw, "temporary"))
                and (UPDATE_PASSWORD not in user.required_actions)
            ):
                user = with_password_update(user, True)
        groups = str_list(u.get("groups"), at(where, "groups")) if u.get("groups") else []
        try:
            links = federated_links.read(u.get("federatedIdentities"), at(where, "federatedIdentities"))
        except federated_links.LinkError as problem:
            raise ImportError_(str(problem)) from None
        return UserPlan(user, service_account_of, roles, password, groups, otps, history, links, place)

    def otp(self, cred: dict[str, Any], cw: str) -> OtpPlan:
        if cred.get("secretData") is None or cred.get("credentialData") is None:
            fail(cw, 'an otp credential needs "secretData" and "credentialData"')
        secret, data = json_field(cred, "secretData", cw), json_field(cred, "credentialData", cw)
        check_otp(secret, data, cw)
        return stored_credential(cred, cw, secret, data, "otp")

    def security_key(self, cred: dict[str, Any], cw: str) -> OtpPlan:
        if cred.get("credentialData") is None:
            fail(cw, 'a webauthn credential needs "credentialData"')
        data = json_field(cred, "credentialData", cw)
        check_webauthn(data, cw)
        secret = json_field(cred, "secretData", cw) if cred.get("secretData") is not None else {}
        return stored_credential(cred, cw, secret, data, webauthn.TYPE)

    def recovery_codes(self, cred: dict[str, Any], cw: str) -> OtpPlan:
        if cred.get("secretData") is None or cred.get("credentialData") is None:
            fail(cw, 'a recovery-authn-codes credential needs "secretData" and "credentialData"')
        secret, data = json_field(cred, "secretData", cw), json_field(cred, "credentialData", cw)
        check_recovery_codes(secret, cw)
        return stored_credential(cred, cw, secret, data, recovery_codes.TYPE)

    def password(self, cred: dict[str, Any], cw: str) -> PasswordPlan:
        plan = PasswordPlan(
            id=opt_str(cred, "id", cw),
            created_date=opt_int(cred, "createdDate", cw),
            user_label=opt_str(cred, "userLabel", cw),
        )
        if cred.get("value") is not None:
            plan.plain = req_str(cred, "value", cw)
            return plan
        if cred.get("secretData") is not None or cred.get("credentialData") is not None:
            secret, data = json_field(cred, "secretData", cw), json_field(cred, "credentialData", cw)
        elif cred.get("hashedSaltedValue") is not None:  # Keycloak < 12 exports
            secret = {"value": req_str(cred, "hashedSaltedValue", cw), "salt": opt_str(cred, "salt", cw) or ""}
            data = {
                "hashIterations": opt_int(cred, "hashIterations", cw, 0, numbers.INT_MAX) or 27500,
                "algorithm": opt_str(cred, "algorithm", cw) or "pbkdf2-sha256",
            }
        else:
            fail(cw, 'a password credential needs "value", or "secretData" and "credentialData"')
        if secret.get("salt") == NO_SALT:  # PasswordSecretData's constructor reads it as no salt
            secret = {**secret, "salt": ""}
        check_hash(secret, data, cw)
        plan.secret_data, plan.credential_data = secret, data
        return plan

    def check_users(self, realm: Realm, users: list[UserPlan], clients: list[ClientPlan]) -> None:
        usernames: dict[str, int] = {}
        emails: dict[str, int] = {}
        linked: dict[str, int] = {}
        accounts: dict[tuple[str, str], int] = {}  # (alias, the provider's user id) -> the user linked to it
        users_base = at(self.base, "users")
        for i, up in enumerate(users):
            where = f"{users_base}[{i}]"
            for k, link in enumerate(up.links):
                if link.federated_user_id is None:
                    continue
                account = (link.alias, link.federated_user_id)
                if account in accounts:
                    fail(
                        f"{where}.federatedIdentities[{k}].userId",
                        f"'{link.federated_user_id}' of '{link.alias}' is linked to users[{accounts[account]}] already",
                    )
                accounts[account] = i
            name = up.user.username
            if name in usernames:
                fail(at(where, "username"), f"duplicate username '{name}' (also users[{usernames[name]}])")
            usernames[name] = i
            email = (up.user.email or "").lower()
            if email and not realm.duplicate_emails_allowed:
                if email in emails:
                    fail(at(where, "email"), f"duplicate email '{up.user.email}' (also users[{emails[email]}])")
                emails[email] = i
            owner = up.service_account_of
            if owner is not None:
                if owner in linked:
                    fail(
                        at(where, "serviceAccountClientId"),
                        f"client '{owner}' already has a service account (users[{linked[owner]}])",
                    )
                linked[owner] = i
        for cp in clients:
            reserved = f"service-account-{cp.client.client_id}".lower()
            if cp.client.service_accounts_enabled and cp.client.client_id not in linked and reserved in usernames:
                fail(
                    f"{users_base}[{usernames[reserved]}].username",
                    f"'{reserved}' is the service account of client '{cp.client.client_id}' "
                    "but has no serviceAccountClientId",
                )

    def check_refs(
        self, realm_name: str, roles: list[RolePlan], scopes: list[ClientScope], clients: list[ClientPlan]
    ) -> None:
        """Every role, client and scope the file names exists in the file or among the built-ins."""
        realm_roles = {r.role.name for r in roles if r.client is None} | set(builtin_realm_roles(realm_name))
        client_roles = known_client_roles(realm_name, roles, clients)
        for client_id, where in self.client_refs:
            if client_id not in client_roles:
                fail(where, f"no client '{client_id}'")
        for client, name, where in self.role_refs:
            if client is None and name not in realm_roles:
                fail(where, f"no realm role '{name}'")
            if client is not None and name not in client_roles[client]:
                fail(where, f"client '{client}' has no role '{name}'")
        scope_names = {s.name for s in scopes} | set(provisioning.BUILTIN_SCOPES)
        for name, where in self.scope_refs:
            if name not in scope_names:
                fail(where, f"no client scope '{name}'")


def known_client_roles(realm_name: str, roles: list[RolePlan], clients: list[ClientPlan]) -> dict[str, set[str]]:
    """Each client of the file or the built-ins, with the roles the file or the built-ins give it."""
    client_roles = {c.client.client_id: set[str]() for c in clients}
    for client_id, names in builtin_client_roles(realm_name).items():
        client_roles.setdefault(client_id, set(names))
    for r in roles:
        if r.client is not None and r.client in client_roles:
            client_roles[r.client].add(r.role.name)
    return client_roles


def parse_realm(data: Any, base: str = "") -> RealmPlan:
    """Validate one realm representation; raise ImportError_ naming the first problem's place."""
    try:
        return _Parser(base).realm(master_legacy.adopted(legacy_shapes.converted(data)))
    except RepresentationError as exc:
        raise ImportError_(str(exc)) from None


def _required_actions(realm: Realm, listed: Any, where: str) -> Realm:
    """``requiredActions``: the realm gets the file's list as it is (RealmManager.importRealm adds each with
    RepresentationToModel.toModel); without one, Keycloak's defaults (DefaultRequiredActions.addActions)."""
    if listed is None:
        return realm
    if not isinstance(listed, list):
        fail(where, "expected a list")
    actions: list[required_actions.RequiredAction] = []
    for index, item in enumerate(listed):
        entry = obj(item, f"{where}[{index}]")
        if not isinstance(entry.get("alias"), str) or not entry["alias"]:
            fail(f"{where}[{index}].alias", "expected a non-empty string")
        if len(entry["alias"]) > 255 or "\x00" in entry["alias"]:  # REQUIRED_ACTION_PROVIDER.ALIAS: varchar(255)
            fail(f"{where}[{index}].alias", "expected at most 255 characters and no NUL")
        if any(a.alias == entry["alias"] for a in actions):
            fail(f"{where}[{index}].alias", f"'{entry['alias']}' is listed twice")
        try:
            actions.append(required_actions.from_representation(entry))
        except (TypeError, ValueError, AttributeError):
            fail(f"{where}[{index}]", "not a RequiredActionProviderRepresentation")
    return required_actions.with_actions(realm, actions)


def _localization_texts(realm: Realm, given: Any, where: str) -> Realm:
    """``localizationTexts``: a map of texts per locale, each imported as RealmLocalizationResource's POST
    would merge it (createOrUpdateRealmLocalizationTexts)."""
    if given is None:
        return realm
    found = {locale: string_map(texts, at(where, locale)) for locale, texts in obj(given, where).items()}
    return dataclasses.replace(realm, localization_texts=found)


def _identity_providers(realm: Realm, given: Any, where: str) -> Realm:
    """``identityProviders``: each as ``POST identity-provider/instances`` takes it (broker/providers.py), its
    ``internalId`` kept."""
    if given is None:
        return realm
    found: list[dict[str, Any]] = []
    for index, item in enumerate(as_list(given, where)):
        entry = obj(item, f"{where}[{index}]")
        internal = entry.get("internalId")
        try:
            provider = idp.model(realm, entry, internal_id=internal if isinstance(internal, str) else None)
        except AdminError as err:
            fail(f"{where}[{index}]", err.description or err.message)
        if any(p["alias"] == provider["alias"] for p in found):
            fail(f"{where}[{index}].alias", f"'{provider['alias']}' is listed twice")
        found.append(provider)
    return idp.with_providers(realm, found)


def _idp_mappers(realm: Realm, given: Any, where: str) -> Realm:
    """``identityProviderMappers``: each as ``POST identity-provider/instances/{alias}/mappers`` takes it
    (broker/idp_mapper_types.py), its ``id`` kept, for a provider the file lists."""
    if given is None:
        return realm
    found: list[dict[str, Any]] = []
    for index, item in enumerate(as_list(given, where)):
        entry = obj(item, f"{where}[{index}]")
        alias = entry.get("identityProviderAlias")
        provider = idp.by_alias(realm, alias) if isinstance(alias, str) else None
        if provider is None:
            fail(f"{where}[{index}].identityProviderAlias", f"no identity provider '{alias}' in the realm")
        given_id = entry.get("id")
        try:
            mapper = idp_types.model(entry, provider, mapper_id=given_id if isinstance(given_id, str) else None)
        except AdminError as err:
            fail(f"{where}[{index}]", err.description or err.message)
        if any(m["id"] == mapper["id"] for m in found):
            fail(f"{where}[{index}].id", f"'{mapper['id']}' is listed twice")
        found.append(mapper)
    return dataclasses.replace(realm, identity_provider_mappers=tuple(found))


def _key_components(rep: dict[str, Any], base: str) -> list[dict[str, Any]]:
    """``components["org.keycloak.keys.KeyProvider"]``: the realm's key providers, key material included
    (component types other than these and the client registration policies are skipped)."""
    return _listed_components(rep, base, components.KEY_PROVIDER) or []


USER_STORAGE = "org.keycloak.storage.UserStorageProvider"  # LDAP, Kerberos and custom user federation


def skipped_components(rep: dict[str, Any]) -> set[str]:
    """The component types of the file import passes over, for its warning (key providers, client registration
    policies and the user profile are read)."""
    found = rep.get("components")
    if not isinstance(found, dict):
        return set()
    read = {components.KEY_PROVIDER, POLICY_TYPE, up_config.COMPONENT_TYPE}
    out = set()
    for kind, listed in found.items():
        if kind in read or is_empty(listed):
            continue
        why = "user federation: Doorkeep keeps its users itself" if kind == USER_STORAGE else "not read"
        out.add(f"components.{kind} ({why})")
    return out


def _listed_components(rep: dict[str, Any], base: str, kind: str) -> list[dict[str, Any]] | None:
    """``components[kind]`` of the file, None when it has none of that type."""
    found = rep.get("components")
    if found is None:
        return None
    listed = obj(found, at(base, "components")).get(kind)
    if listed is None:
        return None
    if not isinstance(listed, list) or not all(isinstance(item, dict) for item in listed):
        fail(at(base, f"components.{kind}"), "expected a list of objects")
    return listed


def _user_profile(realm: Realm, rep: dict[str, Any], base: str) -> Realm:
    """The ``declarative-user-profile`` component's configuration, if the file has one, validated as
    ``PUT users/profile`` validates it (the realm's client scopes are not known yet, so scope names pass)."""
    kind = up_config.COMPONENT_TYPE
    try:
        config = up_config.imported_config(_listed_components(rep, base, kind))
    except up_config.InvalidConfig as problem:
        fail(at(base, f"components.{kind}"), str(problem))
    if config is None:
        return realm
    scopes = {str(s.get("name")) for s in rep.get("clientScopes") or [] if isinstance(s, dict)}
    if found := up_checks.errors(config, scopes | _scope_names_of(config)):
        fail(at(base, f"components.{kind}"), up_checks.message(found))
    return up_config.with_config(realm, config)


def _scope_names_of(config: dict[str, Any]) -> set[str]:
    names: set[str] = set()
    for attribute in config.get("attributes") or []:
        for part in ("required", "selector"):
            names.update((attribute.get(part) or {}).get("scopes") or [])
    return names


def _client_attributes(client: Client, where: str) -> dict[str, str]:
    """The client's attributes; an unknown revocation trigger or value fails the import. An export's
    ``realm_client`` is computed for each representation, never kept."""
    attributes = string_map(client.attributes, at(where, "attributes"))
    attributes.pop(REALM_CLIENT, None)
    if (problem := invalid_triggers(attributes)) is not None:
        fail(at(where, "attributes"), problem)
    return attributes


def _grace(attributes: dict[str, str], name: str, where: str) -> None:
    """The refresh grace period (issue #13): blank (off / inherit), else 0 to 120 seconds."""
    value = attributes.get(name, "").strip()
    if value and policy.parse_grace_period(value) is None:
        fail(at(where, name), "expected a whole number of seconds from 0 to 120")


def _registered_nodes(raw: Any, where: str) -> dict[str, int]:
    """A client's ``registeredNodes``: host -> registration time (seconds)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict) or not all(isinstance(v, int) and not isinstance(v, bool) for v in raw.values()):
        fail(at(where, "registeredNodes"), "expected an object of host names to integers")
    return {str(k): int(v) for k, v in raw.items()}


def _written_before(version: object, release: tuple[int, ...]) -> bool:
    """MigrationModelManager.migrateImport: a file without ``keycloakVersion`` counts as the oldest, so every
    migration runs for it; a version that does not read as numbers (a product version, a snapshot) does not."""
    if version is None:
        return True
    if not isinstance(version, str):
        return False
    parts = version.split("-")[0].split(".")[:3]
    try:
        numbers = tuple(int(x) for x in parts)
    except ValueError:
        return False
    return numbers < release


def stored_credential(cred: dict[str, Any], cw: str, secret: Any, data: Any, kind: str) -> OtpPlan:
    """A credential written as stored (OTP, WebAuthn, recovery codes): its id, dates and label, and the checked
    secret and data."""
    return OtpPlan(
        id=opt_str(cred, "id", cw),
        created_date=opt_int(cred, "createdDate", cw),
        user_label=opt_str(cred, "userLabel", cw),
        secret_data=secret,
        credential_data=data,
        kind=kind,
    )


def _check_mappers(mappers: Iterable[ProtocolMapper], where: str, owner: str) -> None:
    """A mapper whose name, type or protocol holds a NUL fails the import, naming its place (PostgreSQL refuses
    one in a text column and SQLite would store it: refused on both, before anything is written); a mapper copying
    an identity provider's credentials fails it, naming its owner (admin/session_note_mappers.py)."""
    for index, mapper in enumerate(mappers):
        for field, text in (("name", mapper.name), ("protocolMapper", mapper.mapper), ("protocol", mapper.protocol)):
            if "\x00" in text:
                fail(f"{where}[{index}].{field}", "expected no NUL character")
    for mapper in mappers:
        note = session_note_mappers.blocked_note(mapper)
        if note is not None:
            fail(where, f"{session_note_mappers.refusal(note)} ({owner})")
