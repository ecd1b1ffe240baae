"""Admin REST: ``POST /admin/realms/{realm}/partialImport`` (Keycloak's PartialImportManager).

A PartialImportRepresentation adds clients, realm and client roles, groups and users to an existing realm, in
Keycloak's order (clients, roles, groups, users), each the way its own ``POST`` creates it, in one transaction.
``ifResourceExists`` says what happens to one that exists: ``FAIL`` (the default) answers 409 with Keycloak's
text before anything is written, ``SKIP`` leaves it, ``OVERWRITE`` deletes it and creates it again. The answer
is Keycloak's PartialImportResults: the counts and, per resource, its action, type, name and id (for a client
role, its client's id, as ClientRolesPartialImport.getModelId gives it). Built-in clients (``account``,
``admin-cli``, ``broker``, ``realm-management``, ``security-admin-console``) and ``*-realm`` clients are left out
before anything is looked at (ClientsPartialImport.getRepList, isInternalClient). Each added resource is
recorded as a CREATE admin event and each overwritten one as an UPDATE, of resource type REALM, on Keycloak's
path for its kind (ResourceType.getPath: ``users``, ``groups``, ``clients``, ``realms`` for a realm role, the
client's for a client role) and with the imported representation (RealmAdminResource.fireCreatedEvent,
fireUpdateEvent); a skipped one is not.

Needs manage-realm, as in Keycloak; beyond Keycloak, also what the single endpoints need for each kind of
resource it holds (manage-clients, manage-users), every role it hands out (a user's, a group's, a composite's, a
client's protocol mapper's) must be the caller's to hand out, and a role it overwrites the caller's to delete.
Identity providers (``identityProviders``) are imported as ``POST identity-provider/instances`` creates them (linked
to the organizations their ``organizationLinks`` name, under the link rules), then
their mappers (``identityProviderMappers``, resource type ``IDP_MAPPER``) as ``POST …/mappers`` does.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin import operations
from doorkeep.admin.groups import create_or_move
from doorkeep.admin.mapper_grants import added_roles
from doorkeep.admin.representations import is_true
from doorkeep.broker import admin_writes as idp_writes
from doorkeep.broker import idp_mapper_types as idp_types
from doorkeep.broker import providers as idp
from doorkeep.errors import AdminError
from doorkeep.model import Client, Group, Role, User
from doorkeep.organizations import brokers
from doorkeep.realms import default_role
from doorkeep.realms.provisioning import new_id
from doorkeep.web.admin import audit, parse
from doorkeep.web.admin import users_ops as user_ops
from doorkeep.web.admin.common import RealmCall, invalid_input, ok, read_object, run_realm
from doorkeep.web.admin.idp_mapper_grants import require_conferrable, require_organization_rights
from doorkeep.web.admin.mappers import client_mappers
from doorkeep.web.admin.role_composites import named_roles, nestable

POLICIES = ("FAIL", "SKIP", "OVERWRITE")
# Constants.defaultClients: never imported over, whatever the policy (ClientsPartialImport.INTERNAL_CLIENTS).
INTERNAL_CLIENTS = frozenset({"account", "admin-cli", "broker", "realm-management", "security-admin-console"})
# partialimport.ResourceType.getPath: the first segment of an imported resource's admin event path.
EVENT_PATHS = {
    "USER": "users",
    "GROUP": "groups",
    "CLIENT": "clients",
    "REALM_ROLE": "realms",
    "CLIENT_ROLE": "clients",
    "IDP": "identity-provider-settings",
    "IDP_MAPPER": "mappers",
}
EVENT_METHODS = {"ADDED": "POST", "OVERWRITTEN": "PUT"}  # CREATE and UPDATE; a SKIPPED one records nothing
_T = TypeVar("_T")


def is_internal_client(client_id: object) -> bool:
    """ClientsPartialImport.isInternalClient: a built-in client, or a realm's client in the master realm."""
    return isinstance(client_id, str) and (client_id.endswith("-realm") or client_id in INTERNAL_CLIENTS)


@dataclasses.dataclass
class _Results:
    entries: list[dict[str, str]] = dataclasses.field(default_factory=list)
    changes: list[audit.Change] = dataclasses.field(default_factory=list)

    def add(self, action: str, kind: str, name: str, resource_id: str, rep: dict[str, Any] | None = None) -> None:
        """One result, and for an added or overwritten resource its admin event, carrying ``rep``."""
        self.entries.append({"action": action, "resourceType": kind, "resourceName": name, "id": resource_id})
        if action in EVENT_METHODS:
            segments = (EVENT_PATHS[kind], resource_id)
            self.changes.append(audit.Change(EVENT_METHODS[action], segments, rep, resource_type="REALM"))

    def json(self) -> dict[str, Any]:
        def count(action: str) -> int:
            return sum(1 for e in self.entries if e["action"] == action)

        return {
            "overwritten": count("OVERWRITTEN"),
            "added": count("ADDED"),
            "skipped": count("SKIPPED"),
            "results": self.entries,
        }


def _objects(value: Any, where: str) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise invalid_input(f"{where}: expected a list of objects")
    return value


def _name(rep: dict[str, Any], key: str, where: str) -> str:
    value = rep.get(key)
    if not isinstance(value, str) or not value.strip():
        raise invalid_input(f"{where}.{key}: expected a non-empty string")
    return value


class _Import:
    def __init__(self, call: RealmCall, rep: dict[str, Any]) -> None:
        # PartialImportRepresentation.setIfResourceExists: Policy.valueOf, so the constant's exact name; absent or
        # null leaves the default, FAIL (an explicit null is no policy there, which matters only once something
        # exists: Keycloak's prepare step then fails on it, Doorkeep answers FAIL's 409).
        policy = rep.get("ifResourceExists")
        if policy is None:
            policy = "FAIL"
        if not isinstance(policy, str) or policy not in POLICIES:
            raise invalid_input(f"ifResourceExists: expected one of {', '.join(POLICIES)}")
        roles = rep.get("roles") or {}
        if not isinstance(roles, dict):
            raise invalid_input("roles: expected an object")
        by_client = roles.get("client") or {}
        if not isinstance(by_client, dict):
            raise invalid_input("roles.client: expected an object")
        self.call, self.policy, self.results = call, policy, _Results()
        self.replaced_default: str | None = None  # the name of the default role an OVERWRITE deleted
        listed = _objects(rep.get("clients"), "clients")
        self.coming = {c.get("clientId") for c in listed}  # a client role's client may come with the import
        self.clients = [c for c in listed if not is_internal_client(c.get("clientId"))]
        self.realm_roles = _objects(roles.get("realm"), "roles.realm")
        self.client_roles = {str(k): _objects(v, f"roles.client.{k}") for k, v in by_client.items()}
        self.groups = _objects(rep.get("groups"), "groups")
        self.users = _objects(rep.get("users"), "users")
        self.providers = _objects(rep.get("identityProviders"), "identityProviders")
        self.idp_mappers = _objects(rep.get("identityProviderMappers"), "identityProviderMappers")
        self.existed: set[tuple[str, ...]] = set()

    async def run(self) -> dict[str, Any]:
        # Beyond Keycloak (manage-realm alone): what the single endpoints need for each kind of resource too.
        if self.clients or self.client_roles:
            self.call.require("manage-clients")
        if self.groups or self.users:
            self.call.require("manage-users")
        if self.providers or self.idp_mappers:
            self.call.require("manage-identity-providers")
        await self._survey()
        for i, rep in enumerate(self.clients):
            await self._client(rep, f"clients[{i}]")
        made: list[tuple[Role, dict[str, Any]]] = []
        for i, rep in enumerate(self.realm_roles):
            made += await self._role(rep, None, f"roles.realm[{i}]")
        for client_id, reps in self.client_roles.items():
            for i, rep in enumerate(reps):
                made += await self._role(rep, client_id, f"roles.client.{client_id}[{i}]")
        for role, rep in made:  # composites once every role of the import exists
            if is_true(rep.get("composite")) and rep.get("composites") is not None:
                children = await nestable(self.call, rep["composites"])
                await self.call.tx.roles.add_composites(role.id, [c.id for c in children])
        for i, rep in enumerate(self.providers):
            await self._provider(rep, f"identityProviders[{i}]")
        for i, rep in enumerate(self.idp_mappers):
            await self._idp_mapper(rep, f"identityProviderMappers[{i}]")
        for i, rep in enumerate(self.groups):
            await self._group(rep, None, f"groups[{i}]")
        for i, rep in enumerate(self.users):
            await self._user(rep, f"users[{i}]")
        return self.results.json()

    async def _survey(self) -> None:
        """What exists before anything is written (Keycloak's prepare step, in its order): with ``FAIL``,
        Keycloak's 409 for the first; otherwise each is skipped or overwritten, even one a cascade has removed by
        its turn (a client's roles go with the client). Client roles of a client that neither exists nor comes
        with the import answer ClientRolesPartialImport.noClientFound's 412 when their turn comes."""
        tx, realm = self.call.tx, self.call.realm
        for i, rep in enumerate(self.clients):
            client_id = _name(rep, "clientId", f"clients[{i}]")
            if await tx.clients.get_by_client_id(realm.id, client_id) is not None:
                self._exists(("CLIENT", client_id), f"Client id '{client_id}' already exists")
        for i, rep in enumerate(self.realm_roles):
            name = _name(rep, "name", f"roles.realm[{i}]")
            if await tx.roles.get_realm_role(realm.id, name) is not None:
                self._exists(("REALM_ROLE", name), f"Realm role '{name}' already exists.")
        for client_id, reps in self.client_roles.items():
            client = await tx.clients.get_by_client_id(realm.id, client_id)
            if client is None and client_id not in self.coming:
                raise AdminError(412, f"Can not import client roles for nonexistent client named {client_id}")
            for i, rep in enumerate(reps):
                name = _name(rep, "name", f"roles.client.{client_id}[{i}]")
                if client is not None and await tx.roles.get_client_role(client.id, name) is not None:
                    message = f"Client role '{name}' for client '{client_id}' already exists."
                    self._exists(("CLIENT_ROLE", client_id, name), message)
        for i, rep in enumerate(self.providers):
            alias = _name(rep, "alias", f"identityProviders[{i}]")
            if idp.by_alias(realm, alias) is not None:
                self._exists(("IDP", alias), f"Identity Provider '{alias}' already exists.")
        for i, rep in enumerate(self.idp_mappers):
            name = _name(rep, "name", f"identityProviderMappers[{i}]")
            alias = _name(rep, "identityProviderAlias", f"identityProviderMappers[{i}]")
            if idp_types.by_name(realm.identity_provider_mappers, alias, name) is not None:
                # IdentityProviderMappersPartialImport.existsMessage, its missing space included
                self._exists(("IDP_MAPPER", alias, name), f"Identity Provider Mapper'{name}' already exists.")
        for i, rep in enumerate(self.groups):
            name = _name(rep, "name", f"groups[{i}]")
            if await self._top_group(name) is not None:
                self._exists(("GROUP", name), f"Group '/{name}' already exists")
        for i, rep in enumerate(self.users):
            username = _name(rep, "username", f"users[{i}]")
            if await self._existing_user(rep) is not None:
                self._exists(("USER", username), self._user_exists_message(username, rep.get("email")))

    def _user_exists_message(self, username: str, email: object) -> str:
        """UsersPartialImport.existsMessage: the e-mail named too where the realm allows duplicate e-mails (so
        only the username can have matched) and the user has one."""
        if email is None or not self.call.realm.duplicate_emails_allowed:
            return f"User with user name {username} already exists."
        return f"User with user name {username} or with email {email} already exists."

    def _exists(self, key: tuple[str, ...], message: str) -> None:
        """One that exists: Keycloak's 409 at once under ``FAIL``, else remembered to skip or overwrite."""
        if self.policy == "FAIL":
            raise AdminError(409, message)
        self.existed.add(key)

    async def _existing(
        self, key: tuple[str, ...], found: _T | None, name: str, remove: Callable[[_T], Awaitable[object]]
    ) -> str | None:
        """The action for one resource (None: skipped): SKIP records what existed, OVERWRITE removes it first."""
        if key not in self.existed:
            return "ADDED"  # a second one of the same name in the import fails where it is created
        if self.policy == "SKIP":
            self.results.add("SKIPPED", key[0], name, getattr(found, "id", ""))
            return None
        if found is not None:
            await remove(found)
        return "OVERWRITTEN"

    async def _client(self, rep: dict[str, Any], where: str) -> None:
        tx, realm = self.call.tx, self.call.realm
        client_id = _name(rep, "clientId", where)
        existing = await tx.clients.get_by_client_id(realm.id, client_id)
        action = await self._existing(
            ("CLIENT", client_id), existing, client_id, lambda c: operations.delete_client(tx, c)
        )
        if action is None:
            return
        client = parse.new_client(realm, {k: v for k, v in rep.items() if k != "id"})
        mappers = client_mappers(rep.get("protocolMappers"))
        await self.call.identity.require_mapper_grants(tx, realm, added_roles((), mappers))  # rolls back an OVERWRITE
        client = dataclasses.replace(client, protocol_mappers=mappers)
        defaults = parse.scope_names(rep, "defaultClientScopes")
        optionals = parse.scope_names(rep, "optionalClientScopes")
        client = await operations.create_client(tx, realm, client, defaults, optionals, self.call.now)
        self.results.add(action, "CLIENT", client_id, client.id, {**rep, "id": client.id})

    async def _role(self, rep: dict[str, Any], client_id: str | None, where: str) -> list[tuple[Role, dict[str, Any]]]:
        tx, realm = self.call.tx, self.call.realm
        name = _name(rep, "name", where)
        client_uuid = None
        if client_id is not None:
            client = await tx.clients.get_by_client_id(realm.id, client_id)
            if client is None:  # only if the import's own client of that clientId failed to come
                raise AdminError(412, f"Can not import client roles for nonexistent client named {client_id}")
            client_uuid = client.id
        existing = await (
            tx.roles.get_client_role(client_uuid, name) if client_uuid else tx.roles.get_realm_role(realm.id, name)
        )
        kind = "CLIENT_ROLE" if client_id else "REALM_ROLE"
        shown = f"{client_id}-->{name}" if client_id else name  # Keycloak's combined name for a client role
        key = ("CLIENT_ROLE", client_id, name) if client_id else ("REALM_ROLE", name)
        action = await self._existing(key, existing, shown, lambda r: self._replace_role(r))
        if action is None:
            return []
        role = await operations.create_role(tx, parse.new_role(realm.id, client_uuid, rep))
        if client_uuid is None and name == self.replaced_default:  # RolesPartialImport's setDefaultRole
            await default_role.pin(tx, realm, role)
        # a client role's result (and event path) names its client (ClientRolesPartialImport.getModelId)
        self.results.add(action, kind, shown, client_uuid or role.id, {**rep, "id": role.id})
        return [(role, rep)]

    async def _provider(self, rep: dict[str, Any], where: str) -> None:
        """IdentityProvidersPartialImport: the provider as ``POST identity-provider/instances`` creates it."""
        tx = self.call.tx
        alias = _name(rep, "alias", where)
        realm = await tx.realms.lock(self.call.realm.id)
        assert realm is not None
        found = idp.by_alias(realm, alias)

        async def remove(old: dict[str, Any]) -> None:
            await idp.save(tx, realm.id, [p for p in idp.all_of(realm) if p["alias"] != old["alias"]])

        action = await self._existing(("IDP", alias), found, alias, remove)
        if action is None:
            return
        current = await tx.realms.lock(realm.id)
        assert current is not None
        provider = idp.model(current, rep)
        await idp_writes.check_tls_client_auth(tx, realm.id, provider)
        if idp.by_alias(current, alias) is not None:
            raise AdminError(409, f"Identity Provider '{alias}' already exists.")
        # toModel's updateOrganizationBroker: the file's organizationLinks (or organizationId) link it
        await brokers.settle(tx, current, rep, None, provider)
        await idp.save(tx, realm.id, [*idp.all_of(current), provider])
        self.results.add(action, "IDP", alias, provider["internalId"], idp.masked(provider))

    async def _idp_mapper(self, rep: dict[str, Any], where: str) -> None:
        """IdentityProviderMappersPartialImport: the mapper as ``POST …/mappers`` creates it, its provider's."""
        tx = self.call.tx
        name, alias = _name(rep, "name", where), _name(rep, "identityProviderAlias", where)
        realm = await tx.realms.lock(self.call.realm.id)
        assert realm is not None
        provider = idp.by_alias(realm, alias)
        if provider is None:
            raise AdminError(400, f"Failed to add mapper '{name}' to identity provider [{alias}].")
        found = idp_types.by_name(realm.identity_provider_mappers, alias, name)
        require_organization_rights(realm, self.call.identity, rep, found)  # before an OVERWRITE removes it

        async def remove(old: dict[str, Any]) -> None:
            kept = tuple(m for m in realm.identity_provider_mappers if m.get("id") != old["id"])
            await tx.realms.update(dataclasses.replace(realm, identity_provider_mappers=kept))

        action = await self._existing(("IDP_MAPPER", alias, name), found, name, remove)
        if action is None:
            return
        current = await tx.realms.lock(realm.id)
        assert current is not None
        mapper = idp_types.model({k: v for k, v in rep.items() if k != "id"}, provider)
        await require_conferrable(self.call.tx, self.call.realm, self.call.identity, mapper, provider)
        if idp_types.by_name(current.identity_provider_mappers, alias, name) is not None:
            raise AdminError(400, f"Failed to add mapper '{name}' to identity provider [{provider['providerId']}].")
        mappers = (*current.identity_provider_mappers, mapper)
        await tx.realms.update(dataclasses.replace(current, identity_provider_mappers=mappers))
        self.results.add(action, "IDP_MAPPER", name, mapper["id"], mapper)

    async def _replace_role(self, role: Role) -> None:
        """An overwritten role is deleted first, under the rule of ``DELETE …/roles/{name}`` (an admin role only
        by an admin who may redefine it). The realm's default role too: RolesPartialImport removes it through
        RoleResource.deleteRole, below RoleContainerResource's refusal, and the role the import makes of that name
        is the realm's default role again (RolesPartialImport's setDefaultRole)."""
        tx = self.call.tx
        await self.call.identity.require_redefine(tx, role)
        default = await operations.default_role(tx, self.call.realm)
        if default is not None and default.id == role.id:
            await tx.roles.delete(role.id)
            self.replaced_default = role.name
            return
        await operations.delete_role(tx, self.call.realm, role)

    async def _top_group(self, name: str) -> Group | None:
        return next(
            (g for g in await self.call.tx.groups.realm_groups(self.call.realm.id) if g.path == f"/{name}"), None
        )

    async def _group(self, rep: dict[str, Any], parent: Group | None, where: str) -> None:
        tx = self.call.tx
        name = _name(rep, "name", where)
        action: str | None = "ADDED"
        if parent is None:
            action = await self._existing(("GROUP", name), await self._top_group(name), name, tx.groups.delete)
            if action is None:
                return
        body: dict[str, Any] = {k: rep[k] for k in ("name", "attributes", "description") if k in rep}
        group, _ = await create_or_move(tx, self.call.realm.id, parent, body, new_id())
        roles = await self._roles(rep, where)
        if roles:
            await tx.groups.grant_roles(group, [r.id for r in roles])
        if parent is None and action is not None:
            self.results.add(action, "GROUP", name, group.id, rep)
        for i, sub in enumerate(_objects(rep.get("subGroups"), f"{where}.subGroups")):
            await self._group(sub, group, f"{where}.subGroups[{i}]")

    async def _roles(self, rep: dict[str, Any], where: str) -> list[Role]:
        """``realmRoles`` and ``clientRoles`` of a user or group, each the caller's to hand out."""
        roles = await named_roles(self.call, rep.get("realmRoles"), rep.get("clientRoles"), where, create_missing=True)
        for role in roles:
            await self.call.identity.require_grant(self.call.tx, role)
        return roles

    async def _existing_user(self, rep: dict[str, Any]) -> User | None:
        tx, realm = self.call.tx, self.call.realm
        username = rep.get("username")
        found = await tx.users.get_by_username(realm.id, username.strip()) if isinstance(username, str) else None
        email = rep.get("email")
        if found is None and isinstance(email, str) and email and not realm.duplicate_emails_allowed:
            found = await tx.users.get_by_email(realm.id, email)
        return found

    async def _kept_user_id(self, given: Any) -> str | None:
        """The user's id as the import gives it (UsersPartialImport.create generates one only where none is
        given; PartialImportUserTest#testAddUsersWithIds), unless it is no id Doorkeep can store or a user already
        has it: then a new one, as a realm import does (Keycloak fails on the database's constraint)."""
        usable = isinstance(given, str) and given.strip() and len(given) <= 36
        if usable and await self.call.tx.users.get(given) is None:
            return str(given)
        return None

    async def _user(self, rep: dict[str, Any], where: str) -> None:
        tx = self.call.tx
        username = _name(rep, "username", where)
        existing = await self._existing_user(rep)
        action = await self._existing(("USER", username), existing, username, lambda u: tx.users.delete(u.id))
        if action is None:
            return
        roles = await self._roles(rep, where)
        account_of = await self._account_client(rep, where)
        if account_of is not None and (made := await tx.users.get_service_account(account_of)) is not None:
            await tx.users.delete(made.id)  # the one Doorkeep made with the client: the import's user replaces it
        call = self.call
        user = await user_ops.create_user(
            tx,
            call.realm,
            rep,
            call.now,
            call.identity,
            email_as_username=False,
            default_actions_added=False,
            fixed=None,
            user_id=await self._kept_user_id(rep.get("id")),
        )
        if account_of is not None:
            user = dataclasses.replace(user, service_account_client_id=account_of.id)
            await tx.users.update(user)
        if roles:
            await tx.users.grant_roles(user.id, [r.id for r in roles])
        self.results.add(action, "USER", user.username, user.id, {**rep, "id": user.id})

    async def _account_client(self, rep: dict[str, Any], where: str) -> Client | None:
        """The client a user's ``serviceAccountClientId`` makes it the service account of (RepresentationToModel
        .createUser's setServiceAccountClientLink), as PartialImportClientTest imports clients with their
        service-account users; one that names no client of the realm is Keycloak's message, as a 400."""
        client_id = rep.get("serviceAccountClientId")
        if client_id is None:
            return None
        if not isinstance(client_id, str):
            raise invalid_input(f"{where}.serviceAccountClientId: expected a string")
        client = await self.call.tx.clients.get_by_client_id(self.call.realm.id, client_id)
        if client is None:
            raise AdminError(400, f"Unable to find client specified for service account link. Client: {client_id}")
        return client


async def partial_import(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("manage-realm")
        importer = _Import(call, await read_object(request))
        answer = await importer.run()
        audit.several(request, importer.results.changes)
        return ok(answer)

    return await run_realm(request, work)


ROUTES = [Route("/{realm}/partialImport", partial_import, methods=["POST"])]
