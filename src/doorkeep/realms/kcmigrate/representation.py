"""Keycloak's database rows of one realm as Keycloak's realm-export JSON.

Doorkeep's import path (``exportimport.parse`` and ``write``) then validates and stores the realm,
so a migrated realm is stored exactly as an imported one (ids kept: users keep their ``sub``,
clients their UUID). What the rows hold that Doorkeep cannot store goes to ``Report.cannot_carry``.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from doorkeep.model import CLIENT_AUTHENTICATORS
from doorkeep.realms.exportimport.plan import ImportError_
from doorkeep.realms.exportimport.users import SECOND_FACTORS, second_factor
from doorkeep.realms.kcmigrate import groups as kcgroups
from doorkeep.realms.kcmigrate import organization_roles as kcorgroles
from doorkeep.realms.kcmigrate import organizations as kcorgs
from doorkeep.realms.kcmigrate.brokering import brokering, user_links
from doorkeep.realms.kcmigrate.flows import flow_fields
from doorkeep.realms.kcmigrate.groups import role_names as _refs
from doorkeep.realms.kcmigrate.report import Report
from doorkeep.realms.kcmigrate.required_actions import required_actions
from doorkeep.users.password_policy import HISTORY_TYPE

Rows = list[dict[str, Any]]

_REALM_COLUMNS = {
    "enabled": "enabled",
    "ssl_required": "sslRequired",
    "access_token_lifespan": "accessTokenLifespan",
    "access_token_life_implicit": "accessTokenLifespanForImplicitFlow",
    "access_code_lifespan": "accessCodeLifespan",
    "access_code_lifespan_user_action": "accessCodeLifespanUserAction",
    "access_code_lifespan_login": "accessCodeLifespanLogin",
    "sso_idle_timeout": "ssoSessionIdleTimeout",
    "sso_max_lifespan": "ssoSessionMaxLifespan",
    "sso_idle_timeout_remember_me": "ssoSessionIdleTimeoutRememberMe",
    "sso_max_lifespan_remember_me": "ssoSessionMaxLifespanRememberMe",
    "offline_session_idle_timeout": "offlineSessionIdleTimeout",
    "revoke_refresh_token": "revokeRefreshToken",
    "refresh_token_max_reuse": "refreshTokenMaxReuse",
    "not_before": "notBefore",
    "remember_me": "rememberMe",
    "events_enabled": "eventsEnabled",
    "admin_events_enabled": "adminEventsEnabled",
    "admin_events_details_enabled": "adminEventsDetailsEnabled",
}
_BROWSER_HEADER = "_browser_header."
_REALM_ATTRIBUTES_INT = (
    "offlineSessionMaxLifespan",
    "clientSessionIdleTimeout",
    "clientSessionMaxLifespan",
    "clientOfflineSessionIdleTimeout",
    "clientOfflineSessionMaxLifespan",
    "oauth2DeviceCodeLifespan",
    "oauth2DevicePollingInterval",
)
_CLIENT_COLUMNS = {
    "client_id": "clientId",
    "name": "name",
    "description": "description",
    "enabled": "enabled",
    "public_client": "publicClient",
    "bearer_only": "bearerOnly",
    "protocol": "protocol",
    "root_url": "rootUrl",
    "base_url": "baseUrl",
    "management_url": "adminUrl",
    "standard_flow_enabled": "standardFlowEnabled",
    "implicit_flow_enabled": "implicitFlowEnabled",
    "direct_access_grants_enabled": "directAccessGrantsEnabled",
    "service_accounts_enabled": "serviceAccountsEnabled",
    "consent_required": "consentRequired",
    "full_scope_allowed": "fullScopeAllowed",
    "always_display_in_console": "alwaysDisplayInConsole",
    "frontchannel_logout": "frontchannelLogout",
    "not_before": "notBefore",
}
_USER_COLUMNS = {
    "username": "username",
    "enabled": "enabled",
    "email": "email",
    "email_verified": "emailVerified",
    "first_name": "firstName",
    "last_name": "lastName",
    "created_timestamp": "createdTimestamp",
    "not_before": "notBefore",
}


def _copy(row: dict[str, Any], columns: dict[str, str]) -> dict[str, Any]:
    return {field: row[col] for col, field in columns.items() if row.get(col) is not None}


def _group(rows: Rows, key: str) -> dict[str, Rows]:
    out: dict[str, Rows] = defaultdict(list)
    for row in rows:
        out[row[key]].append(row)
    return out


def realm_representation(realm: dict[str, Any], t: dict[str, Rows], report: Report) -> dict[str, Any]:
    """The realm-export JSON of one realm from its rows (``t``: table name -> rows)."""
    rep: dict[str, Any] = {"id": realm["id"], "realm": realm["name"], **_copy(realm, _REALM_COLUMNS)}
    attrs = {a["name"]: a["value"] for a in t["realm_attribute"] if a["value"] is not None}
    if "displayName" in attrs:
        rep["displayName"] = attrs["displayName"]
    if "defaultSignatureAlgorithm" in attrs:
        rep["defaultSignatureAlgorithm"] = attrs["defaultSignatureAlgorithm"]
    if "offlineSessionMaxLifespanEnabled" in attrs:
        rep["offlineSessionMaxLifespanEnabled"] = attrs["offlineSessionMaxLifespanEnabled"] == "true"
    for name in _REALM_ATTRIBUTES_INT:
        if attrs.get(name, "").lstrip("-").isdigit():
            rep[name] = int(attrs[name])
    headers = {k[len(_BROWSER_HEADER) :]: v for k, v in attrs.items() if k.startswith(_BROWSER_HEADER)}
    if headers:  # RealmAdapter.getBrowserSecurityHeaders: the attributes under this prefix
        rep["browserSecurityHeaders"] = headers
    clients = {c["id"]: c for c in t["client"]}
    scopes = {s["id"]: s for s in t["client_scope"]}
    # organization roles (Keycloak main after 26.8.0) are no realm roles: they go with their organization
    roles, org_roles = kcorgroles.split({r["id"]: r for r in t["keycloak_role"]})

    def refs(role_ids: list[str]) -> tuple[list[str], dict[str, list[str]]]:
        return _refs(role_ids, roles, clients)

    rep["clientScopes"] = _scopes(t, scopes, kcgroups.mappers_of(t, "client_scope_id"))
    rep["defaultDefaultClientScopes"] = sorted(
        scopes[d["scope_id"]]["name"]
        for d in t["default_client_scope"]
        if d["default_scope"] and d["scope_id"] in scopes
    )
    rep["defaultOptionalClientScopes"] = sorted(
        scopes[d["scope_id"]]["name"]
        for d in t["default_client_scope"]
        if not d["default_scope"] and d["scope_id"] in scopes
    )
    rep["clients"] = _clients(t, clients, scopes, report)
    client_mappers = kcgroups.mappers_of(t, "client_id")
    for item in rep["clients"]:
        item["protocolMappers"] = client_mappers.get(item["id"], [])
    rep["scopeMappings"], rep["clientScopeMappings"] = kcgroups.scope_mappings(t, refs, clients, scopes)
    rep["roles"] = _roles(t, roles, clients)
    if realm.get("default_role") in roles:
        rep["defaultRole"] = {"name": roles[realm["default_role"]]["name"]}
    rep["groups"], paths = kcgroups.group_tree(t, refs)
    kcorgs.report_groups(t, len(paths), report)
    rep["defaultGroups"] = kcgroups.default_groups(t, paths)
    rep["users"] = _users(t, roles, clients, report)
    members = kcgroups.user_groups(t, paths)
    flows_rep = flow_fields(realm, t)
    rep["identityProviders"], rep["identityProviderMappers"] = brokering(t, report, flows_rep)
    carried = {p["alias"] for p in rep["identityProviders"]}
    links = user_links(t, carried, report)
    for user in rep["users"]:
        user["groups"] = members.get(user["id"], [])
        if user["id"] in links:
            user["federatedIdentities"] = links[user["id"]]
    if kcorgs.enabled(t):
        rep["organizationsEnabled"] = True
    context = kcorgroles.Context.of(t, roles, org_roles, clients, realm["name"], report)
    kcorgroles.report_elsewhere(context, t)
    if orgs := kcorgs.organizations(t, {u["id"]: u["username"] for u in rep["users"]}, carried, context):
        rep["organizations"] = orgs
    if (actions := required_actions(t)) is not None:
        rep["requiredActions"] = actions
    rep.update(flows_rep)
    return rep


def _scopes(
    t: dict[str, Rows], scopes: dict[str, dict[str, Any]], mappers: dict[str, list[dict[str, Any]]]
) -> list[dict[str, Any]]:
    attrs = _group(t["client_scope_attributes"], "scope_id")
    out = []
    for sid, s in scopes.items():
        item: dict[str, Any] = {
            "id": sid,
            "name": s["name"],
            "protocol": s.get("protocol") or "openid-connect",
            "attributes": {a["name"]: a["value"] or "" for a in attrs.get(sid, [])},
            # Keycloak's rows are the truth: a built-in scope without mapper rows had them removed.
            "protocolMappers": mappers.get(sid, []),
        }
        if s.get("description"):
            item["description"] = s["description"]
        out.append(item)
    return out


def _clients(
    t: dict[str, Rows], clients: dict[str, dict[str, Any]], scopes: dict[str, dict[str, Any]], report: Report
) -> list[dict[str, Any]]:
    attrs, uris = _group(t["client_attributes"], "client_id"), _group(t["redirect_uris"], "client_id")
    origins, links = _group(t["web_origins"], "client_id"), _group(t["client_scope_client"], "client_id")
    out = []
    for cid, c in clients.items():
        item = {"id": cid, **_copy(c, _CLIENT_COLUMNS)}
        auth = c.get("client_authenticator_type") or "client-secret"
        item["clientAuthenticatorType"] = auth
        if auth not in CLIENT_AUTHENTICATORS:
            report.cannot(
                f"client '{c['client_id']}' authenticator '{auth}'",
                "Doorkeep authenticates clients with client-secret, client-jwt, client-secret-jwt and client-x509 only",
            )
        if c.get("secret") and not c.get("public_client"):
            item["secret"] = c["secret"]
        item["attributes"] = {a["name"]: a["value"] or "" for a in attrs.get(cid, [])}
        item["redirectUris"] = sorted(u["value"] for u in uris.get(cid, []))
        item["webOrigins"] = sorted(o["value"] for o in origins.get(cid, []))
        item["defaultClientScopes"] = sorted(
            scopes[x["scope_id"]]["name"] for x in links.get(cid, []) if x["default_scope"] and x["scope_id"] in scopes
        )
        item["optionalClientScopes"] = sorted(
            scopes[x["scope_id"]]["name"]
            for x in links.get(cid, [])
            if not x["default_scope"] and x["scope_id"] in scopes
        )
        out.append(item)
    return out


def _roles(t: dict[str, Rows], roles: dict[str, dict[str, Any]], clients: dict[str, dict[str, Any]]) -> dict[str, Any]:
    children = _group(t["composite_role"], "composite")
    realm_roles: list[dict[str, Any]] = []
    client_roles: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for rid, r in roles.items():
        item: dict[str, Any] = {"id": rid, "name": r["name"], "composite": rid in children}
        if r.get("description"):
            item["description"] = r["description"]
        if rid in children:
            realm_names, client_names = _refs([c["child_role"] for c in children[rid]], roles, clients)
            item["composites"] = {k: v for k, v in (("realm", realm_names), ("client", client_names)) if v}
        if r["client_role"]:
            client_roles[clients[r["client"]]["client_id"]].append(item)
        else:
            realm_roles.append(item)
    return {"realm": realm_roles, "client": dict(client_roles)}


def _users(
    t: dict[str, Rows], roles: dict[str, dict[str, Any]], clients: dict[str, dict[str, Any]], report: Report
) -> list[dict[str, Any]]:
    attrs, actions = _group(t["user_attribute"], "user_id"), _group(t["user_required_action"], "user_id")
    creds, mappings = _group(t["credential"], "user_id"), _group(t["user_role_mapping"], "user_id")
    out = []
    skipped: dict[str, int] = defaultdict(int)
    for u in t["user_entity"]:
        uid = u["id"]
        if u.get("federation_link"):
            skipped["federated users (user storage providers)"] += 1
            continue
        item: dict[str, Any] = {"id": uid, **_copy(u, _USER_COLUMNS)}
        values: dict[str, list[str]] = defaultdict(list)
        for a in attrs.get(uid, []):
            values[a["name"]].append(a["value"] or "")
        item["attributes"] = dict(values)
        item["requiredActions"] = sorted(a["required_action"] for a in actions.get(uid, []))
        if u.get("service_account_client_link") in clients:
            item["serviceAccountClientId"] = clients[u["service_account_client_link"]]["client_id"]
        item["realmRoles"], item["clientRoles"] = _refs([m["role_id"] for m in mappings.get(uid, [])], roles, clients)
        item["credentials"] = _credentials(u, creds.get(uid, []), skipped, report)
        out.append(item)
    for what, count in skipped.items():
        report.cannot(f"{count} {what}", "Doorkeep stores local password, OTP, WebAuthn and recovery code credentials")
    return out


def _credentials(u: dict[str, Any], rows: Rows, skipped: dict[str, int], report: Report) -> list[dict[str, Any]]:
    """The user's credentials as an export lists them, in Keycloak's PRIORITY order (the rows come sorted): the
    password, OTP devices, WebAuthn keys and passkeys, recovery codes, then the password history. A second factor
    Doorkeep could not check at login (an OTP algorithm or digits it does not compute, a key it cannot read) is
    reported and left out whole."""
    out: list[dict[str, Any]] = []
    history: list[dict[str, Any]] = []
    password_seen = False
    for c in rows:
        rep: dict[str, Any] = {
            "id": c["id"],
            "type": c["type"],
            "secretData": c["secret_data"],
            "credentialData": c["credential_data"],
            "createdDate": c.get("created_date"),
            **({"userLabel": c["user_label"]} if c.get("user_label") else {}),
        }
        if c["type"] == HISTORY_TYPE:  # the passwordHistory policy's
            history.append(rep)
        elif c["type"] == "password":  # a user has one; Keycloak reads the first
            if not password_seen:
                out.append(rep)
            password_seen = True
        elif c["type"] in SECOND_FACTORS:
            try:
                second_factor(rep, "credential", c["type"])
            except ImportError_ as problem:
                what = f"user '{u['username']}' {c['type']} credential '{c.get('user_label') or c['id']}'"
                report.cannot(what, str(problem).removeprefix("credential").lstrip(".: "))
                continue
            out.append(rep)
        else:
            skipped[f"'{c['type']}' credentials"] += 1
    return [*out, *history]
