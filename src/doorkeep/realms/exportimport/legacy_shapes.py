"""Realm files older Keycloaks wrote (1.x to 3.x), read in today's shape as Keycloak 26 reads them.

DefaultExportImportManager.importRealm first runs convertDeprecatedApplications (``applications`` and
``oauthClients`` become clients named by their ``name``, an OAuth client with consent required and no full scope;
``applicationScopeMappings``, roles' and composites' ``application`` and users' ``applicationRoles`` become their
``client`` forms) and convertDeprecatedClientTemplates (``clientTemplates`` become the realm's client scopes:
id, name, protocol, description, attributes and protocol mappers). Scope mappings naming a ``clientTemplate``
name its client scope; a client's ``clientTemplate`` stays for the parser (linked as a default scope when the
client lists no scopes, RepresentationToModel.createClient). Keycloak's JPA store stores a client scope name with
spaces in it with underscores instead (KeycloakModelUtils.convertClientScopeName): a template's name is converted
so, and so are the references through ``clientTemplate``. A file without these shapes is returned as it is.
"""

from __future__ import annotations

import copy
from typing import Any

TEMPLATE_FIELDS = ("id", "name", "protocol", "description", "attributes", "protocolMappers")


def scope_name(name: str) -> str:
    """KeycloakModelUtils.convertClientScopeName: spaces become underscores."""
    return name.replace(" ", "_")


def _dicts(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _legacy(data: dict[str, Any]) -> bool:
    if any(data.get(k) is not None for k in ("applications", "oauthClients", "applicationScopeMappings")):
        return True
    if data.get("clientTemplates") is not None:
        return True
    mappings = _dicts(data.get("scopeMappings"))
    client_mappings = data.get("clientScopeMappings")
    if isinstance(client_mappings, dict):
        mappings += [m for listed in client_mappings.values() for m in _dicts(listed)]
    roles = data.get("roles")
    return (
        any("clientTemplate" in m for m in mappings)
        or any("applicationRoles" in u for u in _dicts(data.get("users")))
        or (isinstance(roles, dict) and "application" in roles)
        or any("application" in (r.get("composites") or {}) for r in _all_roles(roles))
    )


def _all_roles(roles: Any) -> list[dict[str, Any]]:
    if not isinstance(roles, dict):
        return []
    out = _dicts(roles.get("realm"))
    for key in ("client", "application"):
        if isinstance(roles.get(key), dict):
            out += [r for listed in roles[key].values() for r in _dicts(listed)]
    return out


def _rename(holder: Any, old: str, new: str) -> None:
    """``holder[new] = holder.pop(old)`` when ``new`` is absent or null, as Keycloak's ``getX() == null`` checks."""
    if isinstance(holder, dict) and old in holder:
        value = holder.pop(old)
        if holder.get(new) is None:
            holder[new] = value


def converted(data: Any) -> Any:
    """``data`` with Keycloak's deprecated realm shapes in their current form; other data as it is."""
    if not isinstance(data, dict) or not _legacy(data):
        return data
    out = copy.deepcopy(data)
    _applications(out)
    templates = out.pop("clientTemplates", None)
    if isinstance(templates, list):
        out["clientScopes"] = [
            {k: t[k] for k in TEMPLATE_FIELDS if t.get(k) is not None} for t in templates if isinstance(t, dict)
        ]
        for scope in out["clientScopes"]:
            if isinstance(scope.get("name"), str):
                scope["name"] = scope_name(scope["name"])
    mappings = _dicts(out.get("scopeMappings"))
    if isinstance(out.get("clientScopeMappings"), dict):
        mappings += [m for listed in out["clientScopeMappings"].values() for m in _dicts(listed)]
    for mapping in mappings:
        template = mapping.pop("clientTemplate", None)
        if isinstance(template, str) and mapping.get("client") is None and mapping.get("clientScope") is None:
            mapping["clientScope"] = scope_name(template)
    return out


def _applications(out: dict[str, Any]) -> None:
    apps = [("applications", a) for a in _dicts(out.pop("applications", None))]
    apps += [("oauthClients", a) for a in _dicts(out.pop("oauthClients", None))]
    if apps:
        listed = out.get("clients")
        clients: list[Any] = listed if isinstance(listed, list) else []
        for kind, app in apps:
            app["clientId"] = app.pop("name", None)
            if kind == "oauthClients":
                app["consentRequired"] = True
                app["fullScopeAllowed"] = False
            clients.append(app)
        out["clients"] = clients
    _rename(out, "applicationScopeMappings", "clientScopeMappings")
    _rename(out.get("roles"), "application", "client")
    for user in _dicts(out.get("users")):
        _rename(user, "applicationRoles", "clientRoles")
    for role in _all_roles(out.get("roles")):
        _rename(role.get("composites"), "application", "client")
