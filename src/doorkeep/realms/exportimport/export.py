"""A realm as Keycloak's realm-export JSON, the shape ``kc.sh export`` writes.

Secrets are included (client secrets; hashed passwords with ``secretData`` / ``credentialData`` as
JSON strings, as Keycloak writes them) so the file re-imports to the same realm. Ids are kept.
The realm's key providers (``components``, with their key material) are added by the full export
(files.export_realm), so a re-imported realm keeps its kids; the partial export adds them masked
(web/admin/partial_export.py). Both carry the authentication flows Doorkeep shows (realms/auth_flows.py),
their authenticator configs, the required actions and the realm's ``localizationTexts`` (every locale's
texts, ``{}`` when there are none), as Keycloak's ExportUtils.exportRealm does for either.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from doorkeep.admin import user_profile
from doorkeep.admin.representations import (
    client_to_json,
    credential_to_json,
    is_realm_client,
    realm_to_json,
    role_to_json,
    scope_to_json,
    user_to_json,
)
from doorkeep.model import ClientScope, Credential, Realm, Role, User
from doorkeep.organizations import brokers
from doorkeep.realms import default_role, flow_model, required_actions
from doorkeep.realms.exportimport import organizations
from doorkeep.realms.exportimport.progress import SILENT, Progress
from doorkeep.realms.provisioning import BUILTIN_SCOPES
from doorkeep.users import federated_links, otp
from doorkeep.users.password_policy import HISTORY_TYPE

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

# role id -> (owning clientId or None, role name)
RoleNames = dict[str, tuple[str | None, str]]


def _split(role_ids: Iterable[str], names: RoleNames) -> dict[str, Any]:
    """Role ids as Keycloak names them: {"realm": [names], "client": {clientId: [names]}}, empty parts left out."""
    realm: list[str] = []
    client: dict[str, list[str]] = {}
    for role_id in role_ids:
        owner, name = names[role_id]
        if owner is None:
            realm.append(name)
        else:
            client.setdefault(owner, []).append(name)
    out: dict[str, Any] = {}
    if realm:
        out["realm"] = sorted(realm)
    if client:
        out["client"] = {owner: sorted(n) for owner, n in sorted(client.items())}
    return out


def _by_name(roles: Iterable[Role]) -> list[Role]:
    return sorted(roles, key=lambda r: r.name)


async def realm_representation(
    tx: Tx, realm: Realm, progress: Progress = SILENT, *, users: bool = True
) -> dict[str, Any]:
    """Everything import reads back: settings, roles, scopes, clients, users and their mappings (without
    ``users``, only the service accounts, as Keycloak's partial export has them)."""
    out = realm_to_json(realm)
    clients = await tx.clients.list(realm.id)
    client_ids = {c.id: c.client_id for c in clients}
    roles = await tx.roles.list_all(realm.id)
    names: RoleNames = {r.id: (client_ids[r.client_id] if r.client_id else None, r.name) for r in roles}

    async def role_json(role: Role) -> dict[str, Any]:
        rep = role_to_json(role, role.client_id or realm.id)
        if role.composite:
            rep["composites"] = _split((r.id for r in await tx.roles.composites(role.id)), names)
        return rep

    out["roles"] = {
        "realm": [await role_json(r) for r in _by_name(r for r in roles if r.client_id is None)],
        "client": {
            c.client_id: [await role_json(r) for r in _by_name(r for r in roles if r.client_id == c.id)]
            for c in clients
        },
    }
    default = default_role.pick(realm, roles)
    if default is not None:
        out["defaultRole"] = {k: v for k, v in role_to_json(default, realm.id).items() if k != "attributes"}

    scopes = await tx.scopes.list(realm.id)
    out["clientScopes"] = [_scope(s) for s in scopes]
    realm_defaults = await tx.realms.default_scopes(realm.id)
    out["defaultDefaultClientScopes"] = [s.name for s, default_scope in realm_defaults if default_scope]
    out["defaultOptionalClientScopes"] = [s.name for s, default_scope in realm_defaults if not default_scope]
    out["scopeMappings"], out["clientScopeMappings"] = await _scope_mappings(tx, scopes, clients, names)

    out["clients"] = []
    realm_names = [r.name for r in await tx.realms.list()] if realm.name == "master" else []
    for client in clients:
        links = await tx.clients.scopes(client.id)
        flag = is_realm_client(client.client_id, realm.name, realm_names)
        rep = client_to_json(
            client, [s.name for s, d in links if d], [s.name for s, d in links if not d], realm_client=flag
        )
        rep.pop("access", None)
        out["clients"].append(rep)

    out["groups"], paths = await export_groups(tx, realm, names)
    out["defaultGroups"] = [paths[g] for g in await tx.groups.default_ids(realm.id) if g in paths]
    # ExportUtils.exportRealm, whatever the options: exportAuthenticationFlows and exportRequiredActions.
    flows = flow_model.of(realm)
    out["authenticationFlows"] = flow_model.exported(flows)
    out["authenticatorConfig"] = flow_model.configs_exported(flows)
    out["requiredActions"] = [required_actions.representation(a) for a in required_actions.of(realm)]
    out["localizationTexts"] = {locale: dict(texts) for locale, texts in sorted(realm.localization_texts.items())}
    # secrets kept (a partial export masks them); the organization a provider belongs to is the organization's to say
    out["identityProviders"] = [brokers.exported(p) for p in realm.identity_providers]
    out["identityProviderMappers"] = [dict(m) for m in realm.identity_provider_mappers]
    if profile_components := user_profile.export_components(realm):  # a changed user profile configuration
        out["components"] = {user_profile.COMPONENT_TYPE: profile_components}

    accounts = await tx.users.search(realm.id, max_results=-1) if users else []
    for client in clients:
        service_account = await tx.users.get_service_account(client)
        if service_account is not None:
            accounts.append(service_account)
    progress.begin(f"{realm.name}: reading users", len(accounts))
    out["users"] = []
    for user in sorted(accounts, key=lambda u: u.username):
        out["users"].append(await _user(tx, user, names, client_ids))
        progress.advance()
    progress.end()
    if orgs := await organizations.exported(tx, realm, users):
        out[organizations.KEY] = orgs
    return out


async def _scope_mappings(
    tx: Tx, scopes: Iterable[Any], clients: Iterable[Any], names: RoleNames
) -> tuple[list[dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    """Realm roles in ``scopeMappings``; client roles in ``clientScopeMappings`` under the role's client."""
    realm_roles: list[dict[str, Any]] = []
    client_roles: dict[str, list[dict[str, Any]]] = {}
    owners = [("clientScope", s.id, s.name) for s in scopes] + [("client", c.id, c.client_id) for c in clients]
    for kind, owner_id, owner_name in owners:
        mapped = _split((r.id for r in await tx.roles.scope_mappings(owner_id)), names)
        if mapped.get("realm"):
            realm_roles.append({kind: owner_name, "roles": mapped["realm"]})
        for role_client, role_names in mapped.get("client", {}).items():
            client_roles.setdefault(role_client, []).append({kind: owner_name, "roles": role_names})
    return realm_roles, dict(sorted(client_roles.items()))


async def _user(tx: Tx, user: User, names: RoleNames, client_ids: dict[str, str]) -> dict[str, Any]:
    stored = await tx.users.credentials(user.id)
    rep = user_to_json(user, totp=any(c.type == otp.TYPE for c in stored))
    rep.pop("access", None)
    rep.pop("serviceAccountClientId", None)
    if user.service_account_client_id in client_ids:
        rep["serviceAccountClientId"] = client_ids[user.service_account_client_id]  # the clientId, as in exports
    rep["credentials"] = [credential_to_json(c, with_secret=True) for c in stored]
    # ExportUtils.exportUser exports every stored credential, the password-history ones (after the others, as
    # their priority puts them) included; Doorkeep's have no credential id to give.
    for secret, data, created in await tx.users.exported_password_history(user.id):
        old = credential_to_json(Credential("", user.id, HISTORY_TYPE, secret, data, created), with_secret=True)
        old.pop("id")
        rep["credentials"].append(old)
    roles = _split(await tx.users.role_ids(user.id), names)
    rep["realmRoles"] = roles.get("realm", [])
    if roles.get("client"):
        rep["clientRoles"] = roles["client"]
    groups = [g.path for g in await tx.groups.of_user(user.id)]
    if groups:
        rep["groups"] = groups
    if links := await tx.federated.of_user(user.id):  # ExportUtils.exportUser: every link, without its token
        rep["federatedIdentities"] = [federated_links.representation(link) for link in links]
    return rep


def _scope(scope: ClientScope) -> dict[str, Any]:
    """A built-in scope without mappers says so (``[]``): import gives Keycloak's defaults to one that
    does not list any."""
    rep = scope_to_json(scope)
    if scope.name in BUILTIN_SCOPES:
        rep.setdefault("protocolMappers", [])
    return rep


async def export_groups(tx: Tx, realm: Realm, names: RoleNames) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """The group tree as Keycloak exports it (``subGroups`` nested), and each group's path by id."""
    groups = await tx.groups.realm_groups(realm.id)
    reps: dict[str, dict[str, Any]] = {}
    top: list[dict[str, Any]] = []
    for group in groups:  # by path: parents first
        roles = _split(await tx.groups.role_ids(group.id), names)
        rep: dict[str, Any] = {"id": group.id, "name": group.name, "path": group.path}
        if group.description is not None:
            rep["description"] = group.description
        rep.update(
            subGroups=[],
            attributes={k: list(v) for k, v in group.attributes.items()},
            realmRoles=roles.get("realm", []),
            clientRoles=roles.get("client", {}),
        )
        reps[group.id] = rep
        parent = reps.get(group.parent_id) if group.parent_id else None
        (parent["subGroups"] if parent is not None else top).append(rep)
    return top, {g.id: g.path for g in groups}
