"""Writing a validated realm-import plan, merging Keycloak's built-ins by name.

``parse`` turns the JSON into a ``RealmPlan`` (and rejects a bad file before anything is
written); this module stores the plan inside the caller's transaction. What the file does not list
is created as ``provisioning.create_realm`` does: the ``offline_access`` / ``uma_authorization``
roles, the ``default-roles-<realm>`` composite, the built-in clients and client scopes
(Keycloak's RealmManager.importRealm). Ids from the file are kept (users keep their ``sub``) unless
the database already uses them.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from doorkeep.clientreg import policy_components
from doorkeep.errors import AdminError
from doorkeep.keys import component_files, components, material
from doorkeep.model import JSON, Client, Credential, Group, ProtocolMapper, Realm, RealmKey, User
from doorkeep.realms import management, master_clients, provisioning
from doorkeep.realms.exportimport import organizations
from doorkeep.realms.exportimport.plan import ImportError_, OtpPlan, PasswordPlan, RealmPlan, RolePlan
from doorkeep.realms.exportimport.progress import SILENT, Progress
from doorkeep.realms.provisioning import BUILTIN_COMPOSITES, DEFAULT_ROLE, builtin_realm_roles
from doorkeep.users import federated_links, password_policy

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

log = logging.getLogger("doorkeep.import")

BASIC_SCOPE = "basic"
MANAGEMENT = management.REALM_MANAGEMENT


async def hash_passwords(plan: RealmPlan, progress: Progress = SILENT) -> None:
    """Hash plain passwords as the realm's password policy says (argon2 without one) in worker threads
    (CPU-bound, off the event loop), as Keycloak's import sets them through PasswordCredentialProvider."""
    pending = [u.password for u in plan.users if u.password is not None and u.password.plain is not None]
    if not pending:
        return
    policy = password_policy.parse(plan.realm.password_policy)  # checked by the parse already
    slots = asyncio.Semaphore(os.cpu_count() or 2)  # argon2 takes ~7 MiB per hash in flight

    async def one(pw: PasswordPlan) -> None:
        assert pw.plain is not None
        async with slots:
            pw.secret_data, pw.credential_data = await asyncio.to_thread(policy.hash, pw.plain)
        pw.plain = None
        progress.advance()

    progress.begin(f"{plan.realm.name}: hashing passwords", len(pending))
    await asyncio.gather(*(one(pw) for pw in pending))
    progress.end()


async def write_realm(tx: Tx, plan: RealmPlan, now: int, progress: Progress = SILENT) -> Realm:
    """Store a validated plan as a new realm (the caller removed any realm of that name)."""
    writer = _Writer(tx, plan, now, progress)
    await writer.run()
    return writer.realm


class _Writer:
    def __init__(self, tx: Tx, plan: RealmPlan, now: int, progress: Progress) -> None:
        self.tx, self.plan, self.now, self.progress = tx, plan, now, progress
        self.realm = plan.realm
        self.taken: set[str] = set()
        self.roles: dict[tuple[str | None, str], str] = {}  # (clientId, name) -> role id
        self.clients: dict[str, Client] = {}
        self.scopes: dict[str, str] = {}  # name -> scope id
        self.groups: dict[str, str] = {}  # path -> group id

    async def _id(self, wanted: str, exists: Callable[[str], Awaitable[Any]]) -> str:
        """Keep the file's id unless it is unusable or already taken in this database."""
        if wanted and len(wanted) <= 36 and wanted not in self.taken and await exists(wanted) is None:
            chosen = wanted
        else:
            chosen = provisioning.new_id()
        self.taken.add(chosen)
        return chosen

    async def run(self) -> None:
        self.realm = dataclasses.replace(self.plan.realm, id=await self._id(self.plan.realm.id, self.tx.realms.get))
        await self.tx.realms.create(self.realm)
        await self._keys()
        await self._registration_policies()
        default_role = await self._realm_roles()
        await self._scopes()
        await self._clients(default_role)
        for rp in self.plan.roles:
            if rp.composites:
                parent = self.roles[(rp.client, rp.role.name)]
                await self.tx.roles.add_composites(parent, [self.roles[(c, n)] for c, n, _ in rp.composites])
        await self._management_roles()
        for mapping in self.plan.scope_mappings:
            owner = self.clients[mapping.client].id if mapping.client else self.scopes[mapping.scope or ""]
            await self.tx.roles.add_scope_mappings(owner, [self.roles[(c, n)] for c, n, _ in mapping.roles])
        await self._groups()
        await self._users()
        await organizations.write(self.tx, self.realm, self.plan.organizations)
        await master_clients.realm_created(self.tx, self.realm, self.now)

    async def _keys(self) -> None:
        """The file's key providers with their keys (the same kids), else Keycloak's default ones."""
        made = 0
        for index, rep in enumerate(self.plan.key_components):
            given = rep.get("id")
            wanted = given if isinstance(given, str) else ""
            component_id = await self._id(wanted, lambda cid: self.tx.keys.component(self.realm.id, cid))
            try:
                key = component_files.imported(
                    rep, realm_id=self.realm.id, realm_name=self.realm.name, component_id=component_id, now=self.now
                )
            except AdminError as problem:
                raise ImportError_(f"components.{components.KEY_PROVIDER}[{index}]: {problem.message}") from None
            if key is not None and await self.tx.keys.kid_clashes(key):
                key = await self._fresh_key(rep, component_id)  # a kid another key holds: a key of its own
            if key is not None:
                await self.tx.keys.add(key)
                made += 1
        if not made:
            for alg in material.DEFAULT_KEYS:
                await self.tx.keys.add(material.generate(self.realm.id, alg, self.now))

    async def _registration_policies(self) -> None:
        """The file's client registration policies of the providers Doorkeep runs (ids kept where free), or
        Keycloak's defaults when it lists none (DefaultClientRegistrationPolicies.addDefaultPolicies)."""
        listed = self.plan.policy_components
        if listed is None or not listed:
            made = policy_components.defaults(self.realm.id)
        else:
            made = [p for rep in listed if (p := policy_components.imported(rep, self.realm.id)) is not None]
        kept = [dataclasses.replace(p, id=await self._id(p.id, self._policy_id_taken)) for p in made]
        await self.tx.registration_policies.add_many(self.realm.id, kept)

    async def _policy_id_taken(self, policy_id: str) -> bool | None:
        """``_id``'s check: a policy id is unique across realms (a copy of a realm still here gets new ids)."""
        return True if await self.tx.registration_policies.id_taken(policy_id) else None

    async def _fresh_key(self, rep: dict[str, Any], component_id: str) -> RealmKey | None:
        """The provider generated anew without the file's key material; None for an imported ``rsa``/``rsa-enc``
        key."""
        if rep.get("providerId") in components.IMPORTED:
            return None
        declared = {p.name for p in components.PROPERTIES[str(rep.get("providerId"))]}
        config = {k: v for k, v in components.clean(rep.get("config")).items() if k in declared}
        return component_files.imported(
            {**rep, "config": config},
            realm_id=self.realm.id,
            realm_name=self.realm.name,
            component_id=component_id,
            now=self.now,
        )

    async def _mappers(self, mappers: tuple[ProtocolMapper, ...]) -> tuple[ProtocolMapper, ...]:
        return tuple([dataclasses.replace(m, id=await self._id(m.id, self.tx.mappers.get)) for m in mappers])

    async def _groups(self) -> None:
        """The file's group tree, its role mappings and the realm's default groups (by path)."""
        for gp in self.plan.groups:
            parent = self.groups[gp.parent_path] if gp.parent_path else None
            group = Group(
                id=await self._id(gp.id, self.tx.groups.get),
                realm_id=self.realm.id,
                name=gp.name,
                parent_id=parent,
                path=gp.path,
                description=gp.description,
                attributes=gp.attributes,
            )
            await self.tx.groups.create(group)
            self.groups[gp.path] = group.id
            if gp.roles:
                await self.tx.groups.grant_roles(group, [self.roles[(c, n)] for c, n, _ in gp.roles])
        for path in self.plan.default_groups:
            await self.tx.groups.add_default(self.realm.id, self.groups[_path(path)])

    async def _role(self, rp: RolePlan, client_uuid: str | None) -> None:
        role = dataclasses.replace(
            rp.role, id=await self._id(rp.role.id, self.tx.roles.get), realm_id=self.realm.id, client_id=client_uuid
        )
        await self.tx.roles.create(role)
        self.roles[(rp.client, role.name)] = role.id

    async def _realm_roles(self) -> str:
        for rp in self.plan.roles:
            if rp.client is None:
                await self._role(rp, None)
        builtin = builtin_realm_roles(self.realm.name, self.plan.default_role)
        missing = {n: d for n, d in builtin.items() if (None, n) not in self.roles}
        made = await provisioning.add_roles(self.tx, self.realm.id, missing)
        self.roles.update({(None, name): role_id for name, role_id in made.items()})
        created = set(made)
        default = self.plan.default_role
        # A built-in composite we had to create, or whose parts we created, gets Keycloak's composites.
        for pattern, children in BUILTIN_COMPOSITES.items():
            parent = default if pattern == DEFAULT_ROLE else pattern
            for child in children:
                if (None, parent) in self.roles and (parent in created or child in created):
                    await self.tx.roles.add_composites(self.roles[(None, parent)], [self.roles[(None, child)]])
        # RealmManager.importRealm's setDefaultRole: kept by id, whatever its name
        await self.tx.realms.set_default_role(self.realm.id, self.roles[(None, default)])
        self.realm = dataclasses.replace(self.realm, default_role_id=self.roles[(None, default)])
        return self.roles[(None, default)]

    async def _add(self, user: User, file_user_id: str, otp: OtpPlan) -> None:
        await self.tx.users.add_credential(
            await self._credential(user, file_user_id, otp.kind, otp, otp.secret_data, otp.credential_data)
        )

    async def _credential(
        self, user: User, file_user_id: str, kind: str, plan: PasswordPlan | OtpPlan, secret: JSON, data: JSON
    ) -> Credential:
        """A credential of the file as stored: its id kept while its user's is, its date or now."""
        kept = plan.id if plan.id and user.id == file_user_id else ""
        return Credential(
            id=await self._id(kept, _nothing),
            user_id=user.id,
            type=kind,
            secret_data=secret,
            credential_data=data,
            created_date=plan.created_date or self.now * 1000,
            user_label=plan.user_label,
        )

    async def _scopes(self) -> None:
        for scope in self.plan.scopes:
            scope = dataclasses.replace(
                scope,
                id=await self._id(scope.id, self.tx.scopes.get),
                realm_id=self.realm.id,
                protocol_mappers=await self._mappers(scope.protocol_mappers),
            )
            await self.tx.scopes.create(scope)
        await provisioning.create_builtin_scopes(
            self.tx, self.realm.id, self.roles[(None, "offline_access")], skip={s.name for s in self.plan.scopes}
        )
        self.scopes = {s.name: s.id for s in await self.tx.scopes.list(self.realm.id)}
        defaults = self._realm_default_scopes()
        chosen = [(scope_id, defaults[name]) for name, scope_id in self.scopes.items() if name in defaults]
        await self.tx.realms.remove_default_scopes(self.realm.id, self.scopes.values())
        await self.tx.realms.set_default_scopes(self.realm.id, chosen)

    def _realm_default_scopes(self) -> dict[str, bool]:
        """The file's default / optional lists; Keycloak's built-in choice for a list the file lacks."""
        builtin = {name: spec[0] for name, spec in provisioning.BUILTIN_SCOPES.items() if spec[0] is not None}
        out: dict[str, bool] = {}
        if self.plan.default_scopes is None:
            out |= {name: True for name, default in builtin.items() if default}
        else:
            out |= dict.fromkeys(self.plan.default_scopes, True)
        if self.plan.optional_scopes is None:
            for name, default in builtin.items():
                if not default:
                    out.setdefault(name, False)
        else:
            out |= dict.fromkeys(self.plan.optional_scopes, False)
        return out

    async def _clients(self, default_role: str) -> None:
        realm_defaults = await self.tx.realms.default_scope_links(self.realm.id)
        for cp in self.plan.clients:
            client = dataclasses.replace(
                cp.client,
                id=await self._id(cp.client.id, self.tx.clients.get),
                realm_id=self.realm.id,
                protocol_mappers=await self._mappers(cp.client.protocol_mappers),
            )
            if not client.public_client and not client.bearer_only and not client.secret:
                client = dataclasses.replace(client, secret=provisioning.new_secret())
            client = provisioning.with_admin_console_locale(client)
            await self.tx.clients.create(client)
            self.clients[client.client_id] = client
            if cp.default_scopes is None and cp.optional_scopes is None:
                links = realm_defaults
                if cp.template_scope is not None:  # createClient's addClientScopeToClient(template, default)
                    links = self._with_template(links, cp.template_scope, client.client_id)
            else:
                named = [(n, True) for n in cp.default_scopes or []] + [(n, False) for n in cp.optional_scopes or []]
                links = [(self.scopes[name], default) for name, default in named]
            await self.tx.clients.link_new_scopes(client.id, self.realm.id, links)
        await provisioning.create_builtin_clients(self.tx, self.realm, default_role, self.now, skip=set(self.clients))
        for client in await self.tx.clients.list(self.realm.id):
            if client.client_id not in self.clients:
                self.clients[client.client_id] = client
                for role in await self.tx.roles.list_client_roles(client.id):
                    self.roles[(client.client_id, role.name)] = role.id
        await self._basic_scope_migration()
        for rp in self.plan.roles:
            # Roles of a built-in client the file does not list merge by name with the built-in ones.
            if rp.client is not None and (rp.client, rp.role.name) not in self.roles:
                await self._role(rp, self.clients[rp.client].id)

    def _with_template(self, links: list[tuple[str, bool]], name: str, client_id: str) -> list[tuple[str, bool]]:
        """``links`` and the client template's scope as a default one; an unknown one is ignored with a warning,
        as RepresentationToModel.addClientScopeToClient does."""
        scope_id = self.scopes.get(name)
        if scope_id is None:
            log.warning("client %r: referenced client scope %r does not exist; ignored", client_id, name)
            return links
        return [*(link for link in links if link[0] != scope_id), (scope_id, True)]

    async def _management_roles(self) -> None:
        """RealmManager.checkRealmAdminManagementRoles: a file written before an admin role existed (Keycloak 26.7's
        organization roles, say) lists a realm-management client without it; every built-in role the client lacks
        is added under realm-admin (made if missing), and each view role holds its query roles
        (addQueryCompositeRoles, MigrateTo26_7_0's view-organizations / query-organizations). Master's
        ``master-realm`` is completed as its other ``<realm>-realm`` clients are (master_clients.ensure)."""
        client = self.clients.get(MANAGEMENT)
        if client is None or self.realm.name == management.MASTER:
            return
        names = (*provisioning.MANAGEMENT_ROLES, provisioning.REALM_ADMIN)
        missing = {n: f"${{role_{n}}}" for n in names if (MANAGEMENT, n) not in self.roles}
        made = await provisioning.add_roles(self.tx, self.realm.id, missing, client.id)
        self.roles.update({(MANAGEMENT, name): role_id for name, role_id in made.items()})
        created = list(made)
        admin = self.roles[(MANAGEMENT, provisioning.REALM_ADMIN)]
        await self.tx.roles.add_composites(
            admin, [self.roles[(MANAGEMENT, n)] for n in created if n != provisioning.REALM_ADMIN]
        )
        for name, children in provisioning.MANAGEMENT_ROLES.items():
            if children:
                await self.tx.roles.add_composites(
                    self.roles[(MANAGEMENT, name)], [self.roles[(MANAGEMENT, c)] for c in children]
                )

    async def _basic_scope_migration(self) -> None:
        """MigrateTo25_0_0.migrateImport: a file from before Keycloak 25 without a ``basic`` client scope gets it
        as a realm default and as a default scope of every OpenID Connect client, as Keycloak's import migration
        gives it (without it their access tokens would carry no ``sub``)."""
        if not self.plan.before_25 or any(s.name == BASIC_SCOPE for s in self.plan.scopes):
            return
        basic = self.scopes[BASIC_SCOPE]
        await self.tx.realms.set_default_scope(self.realm.id, basic, True)
        for client in await self.tx.clients.list(self.realm.id):
            if client.protocol == "openid-connect":
                await self.tx.clients.link_scope(client.id, basic, True)

    async def _users(self) -> None:
        linked: set[str] = set()
        self.progress.begin(f"{self.realm.name}: writing users", len(self.plan.users))
        for up in self.plan.users:
            sa_client = self.clients[up.service_account_of].id if up.service_account_of else None
            user = dataclasses.replace(
                up.user,
                id=await self._id(up.user.id, self.tx.users.get),
                realm_id=self.realm.id,
                service_account_client_id=sa_client,
                created_timestamp=up.user.created_timestamp or self.now * 1000,
            )
            await self.tx.users.create(user)
            if up.service_account_of:
                linked.add(up.service_account_of)
            # in the file's order, which is the credentials' priority (each stored after the ones before it)
            for otp in up.otps[: up.password_place]:
                await self._add(user, up.user.id, otp)
            pw = up.password
            if pw is not None:
                assert pw.secret_data is not None and pw.credential_data is not None, "hash_passwords first"
                await self.tx.users.set_password(
                    await self._credential(user, up.user.id, "password", pw, pw.secret_data, pw.credential_data)
                )
            for secret, data, created in up.history:
                await self.tx.users.add_password_history(user.id, secret, data, created or self.now * 1000)
            for otp in up.otps[up.password_place :]:
                await self._add(user, up.user.id, otp)
            await self.tx.users.grant_roles(user.id, [self.roles[(c, n)] for c, n, _ in up.roles])
            for path in up.groups:
                await self.tx.groups.join(user.id, self.groups[_path(path)])
            await federated_links.add(self.tx, self.realm.id, user.id, up.links)
            self.progress.advance()
        self.progress.end()
        # A file that defines the service_account scope links it where it wants; one from before Keycloak 26.1
        # gets it as Doorkeep's migration 0028 gave the clients already stored.
        file_scope = any(s.name == provisioning.SERVICE_ACCOUNT_SCOPE for s in self.plan.scopes)
        for cp in self.plan.clients:
            if cp.client.service_accounts_enabled and cp.client.client_id not in linked:
                await provisioning.ensure_service_account(
                    self.tx, self.realm, self.clients[cp.client.client_id], now=self.now
                )
            if cp.client.service_accounts_enabled and not file_scope:  # a file from before Keycloak 26.1
                await provisioning.link_service_account_scope(self.tx, self.clients[cp.client.client_id])


def _path(path: str) -> str:
    return path if path.startswith("/") else "/" + path


async def _nothing(_id: str) -> None:
    """Credential ids: kept with their user's id (a new user id means a new credential id)."""
    return None
