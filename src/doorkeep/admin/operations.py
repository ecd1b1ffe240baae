"""What the admin API does to realms, clients, roles and client scopes, inside one transaction.

These functions take domain objects already parsed from Keycloak's representations and raise
``AdminError`` with Keycloak's texts (409 on duplicates). They validate before they write.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from doorkeep.admin import client_protocol, scope_validation, session_limits
from doorkeep.admin.representations import is_realm_client
from doorkeep.admin.stored_text import ID_COLUMN, refuse_longer, refuse_nul
from doorkeep.broker import role_names
from doorkeep.clientpolicies import enforce as client_policies
from doorkeep.clientpolicies import secret_rotation
from doorkeep.errors import AdminError
from doorkeep.model import Client, ClientScope, Realm, Role, User
from doorkeep.oauth import acr, client_urls
from doorkeep.oauth.ciba import validation as ciba_validation
from doorkeep.organizations import roles as org_roles
from doorkeep.realms import default_role as realm_default_role
from doorkeep.realms import master_clients, provisioning
from doorkeep.realms.exportimport.plan import RealmPlan
from doorkeep.realms.exportimport.write import hash_passwords, write_realm
from doorkeep.sessions import offline_cap, triggered
from doorkeep.sessions import revocation_triggers as rt
from doorkeep.users import password_policy

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

MASTER = "master"
# Built-in clients whose URLs carry the realm name (Keycloak's RepresentationToModel.renameRealm).
RENAMED_URL_PARTS = {"security-admin-console": "/admin/{}/", "account": "/realms/{}/", "account-console": "/realms/{}/"}


# --- realms ------------------------------------------------------------------------------------
async def create_realm(tx: Tx, realm: Realm, now: int, plan: RealmPlan | None = None) -> Realm:
    """Create ``realm`` (its settings already applied) with Keycloak's roles, clients and scopes; with ``plan``
    (the whole RealmRepresentation, validated), also the roles, client scopes, clients, groups and users it
    holds, as Keycloak's ``POST /admin/realms`` imports them (the built-in ones it lacks are created)."""
    if await tx.realms.get_by_name(realm.name) is not None or await tx.realms.get(realm.id) is not None:
        raise AdminError(409, "Conflict detected. See logs for details")
    refuse_longer(master_clients.client_id_of(realm.name))  # its master client's clientId must fit too
    if plan is not None:
        plan = dataclasses.replace(plan, realm=dataclasses.replace(plan.realm, id=realm.id))  # settings as imported
        _check_import_passwords(plan)
        await hash_passwords(plan)
        return await write_realm(tx, plan, now)
    settings = {f.name: getattr(realm, f.name) for f in dataclasses.fields(realm) if f.name != "name"}
    created = await provisioning.create_realm(tx, realm.name, now, **settings)
    await master_clients.realm_created(tx, created, now)
    return created


def _check_import_passwords(plan: RealmPlan) -> None:
    """A plain-text password of the file must meet the realm's own policy, or nothing is created
    (RepresentationToModel.createCredentials' PasswordPolicyNotMetException, KEYCLOAK-6146)."""
    policy = password_policy.parse(plan.realm.password_policy)
    for user in plan.users:
        plain = user.password.plain if user.password is not None else None
        if plain is None:
            continue
        try:
            password_policy.check(policy, password_policy.Candidate(plain, user.user.username, user.user.email))
        except password_policy.PolicyViolation:
            raise AdminError(400, "Password policy not met. See logs for details") from None


async def update_realm(
    tx: Tx, old: Realm, new: Realm, rep: Mapping[str, object] | None = None, *, flows: bool = False
) -> Realm:
    """Store ``new``; a new name also renames what carries the old one. ``rep`` is the representation
    sent, for the checks Keycloak makes on it rather than on the result; ``flows``: ``new``'s flow bindings
    are to be written (the caller locked and read the realm, RealmRepo.update)."""
    if new.name != old.name and old.name == MASTER:
        raise AdminError(400, "Can't rename master realm")
    if rep is not None:
        _check_login_lifespans(rep)
    if problem := session_limits.realm_problem(old, new, rep):
        raise AdminError(400, problem[1])
    if new.name != old.name:
        refuse_longer(master_clients.client_id_of(new.name))  # its master client's clientId must fit too
        if await tx.realms.get_by_name(new.name) is not None or await master_clients.name_taken(tx, new.name):
            raise AdminError(409, "Realm with same name exists")
        await _rename_realm_parts(tx, old, new.name)
        await master_clients.renamed(tx, old.name, new.name)
        # RealmManager.renameRealm leaves the roles alone: the default role keeps its name and stays by its id
        if (default := await default_role(tx, old)) is not None:
            pinned = await realm_default_role.pin(tx, old, default)
            new = dataclasses.replace(new, default_role_id=pinned.default_role_id)
    await tx.realms.update(new, flows=flows)
    if not new.brute_force_protected:  # as Keycloak: with detection off, every failure is forgotten
        await tx.login_failures.remove_all(new.id)
    return new


def _check_login_lifespans(rep: Mapping[str, object]) -> None:
    """RealmAdminResource.updateRealm refuses a login or login-action timeout below 1 second (a realm
    nobody can log in to), but only when the representation carries both of them."""
    login, action = rep.get("accessCodeLifespanLogin"), rep.get("accessCodeLifespanUserAction")
    if isinstance(login, int) and isinstance(action, int) and (login < 1 or action < 1):
        raise AdminError(400, "AccessCodeLifespanLogin or AccessCodeLifespanUserAction cannot be 0")


async def _rename_realm_parts(tx: Tx, realm: Realm, name: str) -> None:
    for client_id, pattern in RENAMED_URL_PARTS.items():
        client = await tx.clients.get_by_client_id(realm.id, client_id)
        if client is None:
            continue
        before, after = pattern.format(realm.name), pattern.format(name)

        def fix(url: str | None, before: str = before, after: str = after) -> str | None:
            return None if url is None else url.replace(before, after)

        await tx.clients.update(
            dataclasses.replace(
                client, base_url=fix(client.base_url), redirect_uris=tuple(str(fix(u)) for u in client.redirect_uris)
            )
        )


async def delete_realm(tx: Tx, realm: Realm) -> None:
    """Delete a realm and, by cascade, everything in it; its client in master goes with it."""
    if realm.name == MASTER:
        raise AdminError(400, "Can't delete master realm")
    await master_clients.removed(tx, realm)
    for client in await tx.clients.list(realm.id):
        await tx.roles.delete_scope_mappings_of(client.id)
    for scope in await tx.scopes.list(realm.id):
        await tx.roles.delete_scope_mappings_of(scope.id)
    await tx.realms.delete(realm.id)


async def default_role(tx: Tx, realm: Realm) -> Role | None:
    return await realm_default_role.find(tx, realm)


# --- clients -----------------------------------------------------------------------------------
async def create_client(
    tx: Tx,
    realm: Realm,
    client: Client,
    default_scopes: Sequence[str] | None,
    optional_scopes: Sequence[str] | None,
    now: int,
    problems: Sequence[str] = (),
) -> Client:
    """Create a client. Named scopes replace the realm's defaults when either list is given. ``problems``: what
    else validateClient found (the pairwise mappers'), refused with the URL checks'."""
    if await tx.clients.get_by_client_id(realm.id, client.client_id) or await tx.clients.get(client.id):
        raise AdminError(409, f"Client {client.client_id} already exists")
    check_client(realm, client, problems)
    refuse_longer(client.client_id)
    refuse_longer(client.id, ID_COLUMN)  # an ``id`` over 36 characters: 400 (Keycloak 26.1, PR #35725), not a 500
    refuse_nul(client.client_id)
    explicit = default_scopes is not None or optional_scopes is not None
    if not client.public_client and not client.secret:  # bearer-only too since Keycloak 26.7 (PR #49714)
        client = dataclasses.replace(client, secret=provisioning.new_secret())
    created = provisioning.create_client(tx, realm, client, now=now, link_default_scopes=not explicit)
    client = await tx.refused_as(created, AdminError(409, f"Client {client.client_id} already exists"))
    linked: set[str] = set()
    for names, default in ((default_scopes or (), True), (optional_scopes or (), False)):
        for name in names:
            scope = await tx.scopes.get_by_name(realm.id, name)
            # Keycloak skips unknown names and scopes of another protocol.
            if scope is not None and scope.protocol == client.protocol and scope.id not in linked:
                await tx.clients.link_scope(client.id, scope.id, default)
                linked.add(scope.id)
    if explicit and client.service_accounts_enabled:
        await provisioning.link_service_account_scope(tx, client)
    return client


async def update_client(
    tx: Tx,
    realm: Realm,
    old: Client,
    new: Client,
    now: int,
    *,
    service_accounts_sent: bool = False,
    problems: Sequence[str] = (),
) -> Client:
    """Store ``new``. A new clientId renames the service account and the roles identity provider mappers name;
    enabling service accounts creates one and disabling them deletes it with its sessions
    (ClientResource.updateClientFromRep: UserManager.removeUser), so enabling them again makes a new user.
    ``service_accounts_sent``: the admin representation said ``serviceAccountsEnabled: true``, which
    (ClientManager.updateClientServiceAccount) enables them again even when they are on, making the
    ``service_account`` scope a default scope once more."""
    renamed = new.client_id != old.client_id
    if renamed and await tx.clients.get_by_client_id(realm.id, new.client_id) is not None:
        raise AdminError(409, "Client already exists")
    check_client(realm, new, problems)
    refuse_longer(new.client_id)
    refuse_nul(new.client_id)
    if renamed:
        await org_roles.refuse_admin_rename(tx, realm.name, old.id, old.client_id, new.client_id)
        await role_names.follow_client(tx, old, new.client_id)  # ClientIdChangeEvent: broker/role_names.py
        account = await tx.users.get_service_account(old)
        if account is not None:
            await tx.users.update(dataclasses.replace(account, username=f"service-account-{new.client_id}".lower()))
    if not new.public_client and not new.bearer_only and not new.secret:
        new = dataclasses.replace(new, secret=provisioning.new_secret())
    await tx.clients.update(new)
    if new.service_accounts_enabled:
        await provisioning.ensure_service_account(tx, realm, new, now=now)
        if service_accounts_sent:
            await provisioning.default_service_account_scope(tx, new)
        elif not old.service_accounts_enabled:
            await provisioning.link_service_account_scope(tx, new)
    else:
        if (account := await tx.users.get_service_account(new)) is not None:
            await tx.users.delete(account.id)
        if old.service_accounts_enabled:
            await provisioning.unlink_service_account_scope(tx, new)
    return new


def setting_problems(realm: Realm, client: Client) -> list[str]:
    """DefaultClientValidationProvider's checks after the URLs and the protocol, in its order, for the admin API and
    client registration alike: CIBA settings, default ACR values, then session timeouts."""
    return (
        ciba_validation.client_problems(realm, client)  # CibaClientValidation
        + acr.default_acr_problems(client, realm)  # validateDefaultAcrValues
        + session_limits.client_problems(realm, client)
    )


def check_client(realm: Realm, client: Client, problems: Sequence[str] = ()) -> None:
    """Keycloak's ValidationUtil.validateClient for URLs, then ``problems`` (the pairwise mappers', found by the
    caller: they may need a fetch), the protocol, then session timeouts: 400 ``invalid_input``, the messages
    joined by "; "."""
    messages = [e.message for e in client_urls.url_errors(client)] + list(problems)
    messages += client_protocol.problems(client)  # validateProtocol
    messages += setting_problems(realm, client)
    if messages:
        raise AdminError(400, "invalid_input", key="error", description="; ".join(dict.fromkeys(messages)))
    if cap_problem := offline_cap.cap_error(client.attributes.get(offline_cap.CAP_ATTR)):
        raise AdminError(400, "invalid_input", key="error", description=cap_problem)


async def delete_client(tx: Tx, client: Client) -> None:
    """Delete a client with its service-account user; its roles, sessions and consents go by cascade."""
    account = await tx.users.get_service_account(client)
    if account is not None:
        await tx.users.delete(account.id)
    await tx.roles.delete_scope_mappings_of(client.id)
    await tx.clients.delete(client.id)


async def regenerate_secret(tx: Tx, realm: Realm, client: Client, now: int) -> Client:
    """A new secret made now (KeycloakModelUtils.generateSecret dates it), which the client policies see as a
    rotation (ClientSecretRotationContext: secret-rotation keeps the old one as the rotated secret); the
    revocation-trigger policy ``client-secret-rotation`` says which sessions end."""
    made = {**client.attributes, secret_rotation.CREATION_TIME: str(now)}
    fresh = dataclasses.replace(client, secret=provisioning.new_secret(), attributes=made)
    new_secret = provisioning.new_secret
    client = await client_policies.after_client_write(tx, realm, fresh, now, new_secret, rotating_from=client.secret)
    await tx.clients.update(client)
    await triggered.end_for_client(tx, realm, client, rt.SECRET_ROTATION, now=now)
    return client


async def client_scope_names(tx: Tx, client: Client) -> tuple[list[str], list[str]]:
    """The names of the client's default and optional client scopes."""
    links = await tx.clients.scopes(client.id)
    return [s.name for s, d in links if d], [s.name for s, d in links if not d]


async def realm_client(tx: Tx, client: Client) -> bool:
    """Whether the representation marks the client ``realm_client`` (ModelToRepresentation.isRealmClient); the
    realm is read only for the client ids that can be one."""
    if client.client_id != "realm-management" and not client.client_id.endswith("-realm"):
        return is_realm_client(client.client_id, "", ())
    realm = await tx.realms.get(client.realm_id)
    if realm is None:
        return False
    names = [r.name for r in await tx.realms.list()] if realm.name == master_clients.MASTER else []
    return is_realm_client(client.client_id, realm.name, names)


# --- roles -------------------------------------------------------------------------------------
async def create_role(tx: Tx, role: Role) -> Role:
    if await _role_named(tx, role.realm_id, role.client_id, role.name) is not None:
        raise AdminError(409, f"Role with name {role.name} already exists")
    refuse_longer(role.name)
    refuse_nul([role.name, role.description])
    await tx.refused_as(tx.roles.create(role), AdminError(409, f"Role with name {role.name} already exists"))
    return role


async def update_role(tx: Tx, old: Role, new: Role) -> Role:
    if new.name != old.name and await _role_named(tx, new.realm_id, new.client_id, new.name) is not None:
        raise AdminError(409, f"Role with name {new.name} already exists")
    refuse_longer(new.name)
    refuse_nul([new.name, new.description])
    if new.name != old.name and old.client_id is None and (realm := await tx.realms.get(old.realm_id)) is not None:
        default = await default_role(tx, realm)
        if default is not None and default.id == old.id:  # renamed, it stays the default role (kept by id)
            await realm_default_role.pin(tx, realm, default)
    await tx.roles.update(new)
    await role_names.follow_role(tx, old, new.name)  # RoleNameChangeEvent: broker/role_names.py
    return new


async def delete_role(tx: Tx, realm: Realm, role: Role) -> None:
    default = await default_role(tx, realm)
    if default is not None and default.id == role.id:
        raise AdminError(400, f"{role.name} is default role of the realm and cannot be removed.")
    await tx.roles.delete(role.id)


async def _role_named(tx: Tx, realm_id: str, client_uuid: str | None, name: str) -> Role | None:
    if client_uuid is None:
        return await tx.roles.get_realm_role(realm_id, name)
    return await tx.roles.get_client_role(client_uuid, name)


async def resolve_roles(
    tx: Tx, realm: Realm, refs: Iterable[tuple[str | None, str | None]], missing: AdminError
) -> list[Role]:
    """Roles named by (id, name) pairs, found by id (any role of the realm) as ``realm.getRoleById(rep.getId())``
    finds them for composites (RoleResource) and realm scope mappings (ScopeMappedResource): a name alone finds
    nothing (RoleResource.addComposites refuses a missing id with its 404 explicitly)."""
    found: list[Role] = []
    for role_id, _ in refs:
        role = None if role_id is None else await tx.roles.get(role_id)
        if role is None or role.realm_id != realm.id:
            raise missing
        found.append(role)
    return found


async def mapped_role(tx: Tx, realm: Realm, client: Client | None, rep: Mapping[str, object]) -> Role:
    """The role a user's or group's role mapping names (RoleMapperResource, ClientRoleMappingsResource): the
    realm's (or the client's) role with the representation's ``name``, whose ``id`` must be the one given too
    (``roleModel == null || !roleModel.getId().equals(role.getId())``); 404 "Role not found" otherwise."""
    name, role_id = rep.get("name"), rep.get("id")
    role = None
    if isinstance(name, str) and isinstance(role_id, str):
        role = await (tx.roles.get_client_role(client.id, name) if client else tx.roles.get_realm_role(realm.id, name))
    if role is None or role.id != role_id:
        raise AdminError(404, "Role not found", key="error")
    return role


async def client_roles_named(
    tx: Tx, client_uuid: str, refs: Iterable[tuple[str | None, str | None]], missing: AdminError
) -> list[Role]:
    """A client's roles named in (id, name) pairs: by name, as Keycloak's client-role endpoints look them up."""
    found: list[Role] = []
    for _, name in refs:
        role = await tx.roles.get_client_role(client_uuid, name) if name is not None else None
        if role is None:
            raise missing
        found.append(role)
    return found


async def role_members(tx: Tx, realm: Realm, role: Role, first: int, max_results: int) -> list[User]:
    """A page of the users holding ``role`` directly (not through a composite), service accounts
    included, by username; a negative ``first`` or ``max_results`` is no bound."""
    return await tx.users.holding_role(realm.id, role.id, first, max_results)


# --- users -------------------------------------------------------------------------------------
async def realm_users(
    tx: Tx, realm: Realm, *, service_accounts: bool, narrowed: Mapping[str, str] | None = None
) -> list[User]:
    """Every user of the realm by username; service-account users only when asked (Keycloak lists them
    for field queries and role members, not for a plain listing or a ``search``). ``narrowed``: only the
    users whose named fields contain these lower-case ASCII needles (``UserRepo.search_candidates``),
    service accounts excepted: they are few, and always listed for the caller to match."""
    found = await tx.users.search_candidates(realm.id, (), narrowed)  # never returns service accounts
    if service_accounts:
        for client in await tx.clients.list(realm.id):  # the account outlives serviceAccountsEnabled=false
            account = await tx.users.get_service_account(client)
            if account is not None:
                found.append(account)
    return sorted(found, key=lambda u: u.username)


# --- client scopes -----------------------------------------------------------------------------
async def create_scope(tx: Tx, scope: ClientScope) -> ClientScope:
    if await tx.scopes.get_by_name(scope.realm_id, scope.name) or await tx.scopes.get(scope.id):
        raise AdminError(409, f"Client Scope {scope.name} already exists")
    refuse_longer(scope.name)
    await tx.refused_as(tx.scopes.create(scope), AdminError(409, f"Client Scope {scope.name} already exists"))
    return scope


async def check_scope_update(tx: Tx, scope: ClientScope, attributes: object) -> None:
    """ClientScopeResource.validateDynamicScopeUpdate: a scope a client has as a default one is not made dynamic,
    and no scope is while dynamic scopes are off."""
    if scope_validation.makes_dynamic(attributes):
        for client in await tx.clients.list(scope.realm_id):
            if any(s.id == scope.id and default for s, default in await tx.clients.scopes(client.id)):
                raise AdminError(400, scope_validation.DEFAULT_OF_A_CLIENT)
    scope_validation.check_not_dynamic(attributes)


async def update_scope(tx: Tx, old: ClientScope, new: ClientScope) -> ClientScope:
    if new.name != old.name and await tx.scopes.get_by_name(new.realm_id, new.name) is not None:
        raise AdminError(409, f"Client Scope {new.name} already exists")
    refuse_longer(new.name)
    await tx.scopes.update(new)
    return new


async def delete_scope(tx: Tx, scope: ClientScope) -> None:
    """Delete a client scope, never a realm's last one; its links to clients and realm defaults go by cascade."""
    scope_validation.check_deletable(len(await tx.scopes.list(scope.realm_id)))
    await tx.roles.delete_scope_mappings_of(scope.id)
    await tx.scopes.delete(scope.id)
