"""The organizations of a realm file (RealmRepresentation.organizations, Keycloak 26).

Export (ExportUtils): each organization in full, with its ``identityProviders`` (brief representations, each with
the settings of its link to this organization in ``organizationLinks``, Keycloak 26.8) and
``members`` (username, membership type and the paths of the organization groups they are in) when users are
exported too (with their ``organizationRoles``), its ``groups`` (organization_groups.py) and its ``roles`` and
``defaultRole`` (organization_roles.py); the key is written only when the realm has
organizations. Import (RepresentationToModel.importOrganizations): each one checked as the Admin REST checks a new
one, its providers linked by alias (with the link's settings when given), its members found by username.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

from doorkeep.broker import providers as idp
from doorkeep.errors import AdminError
from doorkeep.organizations import brokers, idp_links, rules, writes
from doorkeep.organizations.model import MANAGED, UNMANAGED, Domain, Organization
from doorkeep.realms.exportimport import organization_groups, organization_roles
from doorkeep.realms.exportimport.plan import fail
from doorkeep.realms.provisioning import new_id

if TYPE_CHECKING:
    from doorkeep.model import Realm
    from doorkeep.store.tx import Tx

KEY = "organizations"


async def exported(tx: Tx, realm: Realm, with_members: bool) -> list[dict[str, Any]]:
    out = []
    for org in await tx.organizations.realm_organizations(realm.id):
        rep = rules.to_json(org, brief=False)
        if linked := brokers.of_organization(realm, org.id):
            rep["identityProviders"] = [_brief(p, org.id) for p in linked]
        tree, member_paths = await organization_groups.exported(tx, org.id)
        if tree:
            rep["groups"] = tree
        rep |= await organization_roles.exported(tx, org)
        if with_members:
            members = await tx.organizations.members(org.id)
            if members:
                rep["members"] = []
                for u, kind in members:
                    member = _member(u.id, u.username, kind, member_paths)
                    if names := await organization_roles.member_roles(tx, org, u.id):
                        member[organization_roles.MEMBER_ROLES] = names
                    rep["members"].append(member)
        out.append(rep)
    return out


def _brief(provider: dict[str, Any], org_id: str) -> dict[str, Any]:
    """The provider's brief representation with its link to the organization."""
    link = idp_links.find(provider, org_id)
    return idp.brief(provider) | ({idp_links.LINKS: [link]} if link is not None else {})


def _member(user_id: str, username: str, kind: str, member_paths: dict[str, list[str]]) -> dict[str, Any]:
    out: dict[str, Any] = {"username": username, "membershipType": kind}
    if paths := member_paths.get(user_id):
        out["groups"] = paths  # the organization groups the member is in (organization_groups.py)
    return out


def listed(rep: dict[str, Any], where: str) -> list[dict[str, Any]]:
    raw = rep.get(KEY)
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(o, dict) for o in raw):
        fail(where, "expected a list of organizations")
    return list(raw)


async def write(tx: Tx, realm: Realm, reps: list[dict[str, Any]]) -> None:
    """Create the file's organizations in the new realm and add their members."""
    repo = tx.organizations
    for i, rep in enumerate(reps):
        wanted = rep.get("id")
        org_id = wanted if isinstance(wanted, str) and wanted and await _free(tx, wanted) else new_id()
        try:
            taken = await repo.realm_organizations(realm.id)
            org = await rules.new_organization(rep, org_id, realm.id, realm.name, taken, writes.owners(tx, realm))
        except AdminError as exc:
            fail(f"{KEY}[{i}]", exc.message)
        await repo.save(dataclasses.replace(org, domains=tuple(map(_unrouted, org.domains))), new=True)
        given = rep.get("identityProviders")
        await _link(
            tx, realm, org.id, wanted if isinstance(wanted, str) else org.id, given, f"{KEY}[{i}].identityProviders"
        )
        await _route(tx, realm.id, org, f"{KEY}[{i}].domains")
        made = await organization_groups.write(tx, org, rep.get("groups"), f"{KEY}[{i}].groups")
        roles = await organization_roles.write(tx, org, rep, f"{KEY}[{i}]")
        await organization_groups.map_roles(tx, org, made, rep.get("groups"), roles, f"{KEY}[{i}].groups")
        for member in rep.get("members") or []:
            username = member.get("username") if isinstance(member, dict) else None
            user = await tx.users.get_by_username(realm.id, username) if isinstance(username, str) else None
            if user is None:
                fail(f"{KEY}[{i}].members", f"no user {username!r} in the file")
            kind = MANAGED if str(member.get("membershipType", "")).upper() == MANAGED else UNMANAGED
            await repo.add_member(org, user.id, kind)
            await organization_groups.join(tx, made, user.id, member.get("groups"), f"{KEY}[{i}].members")
            names = member.get(organization_roles.MEMBER_ROLES)
            await organization_roles.map_member(tx, roles, user.id, names, f"{KEY}[{i}].members")


async def _link(tx: Tx, realm: Realm, org_id: str, file_id: str, given: Any, where: str) -> None:
    """The organization's providers, named by alias, linked to it (addIdentityProvider), each with the settings of
    its link to the file's organization (``file_id``, the id it had there, even when this import gave a new one)."""
    for provider in given if isinstance(given, list) else []:
        alias = provider.get("alias") if isinstance(provider, dict) else None
        try:
            await brokers.link(tx, realm.id, org_id, alias if isinstance(alias, str) else "")
            settings = _settings(provider, org_id) or _settings(provider, file_id)
            if settings is not None and isinstance(alias, str):
                await brokers.update_link(tx, realm.id, org_id, alias, settings)
        except AdminError as exc:
            fail(where, f"{exc.message}: {alias!r}")


def _settings(provider: dict[str, Any], org_id: str) -> dict[str, Any] | None:
    """The settings of the listed provider's link to the organization, when the file gives them."""
    return next((li for li in idp_links.wanted(provider) or [] if li[idp_links.ORGANIZATION_ID] == org_id), None)


def _unrouted(domain: Domain) -> Domain:
    return dataclasses.replace(domain, identity_provider_alias=None, auto_redirect=False)


async def _route(tx: Tx, realm_id: str, org: Organization, where: str) -> None:
    """The domains' routing, once the organization's providers are linked (a route names a linked provider)."""
    if not any(d.identity_provider_alias for d in org.domains):
        return
    realm = await tx.realms.get(realm_id)
    assert realm is not None
    try:
        writes.check_routing(realm, org)
    except AdminError as exc:
        fail(where, exc.message)
    await tx.domains.set_claims(org.id, realm_id, org.domains)


async def _free(tx: Tx, org_id: str) -> bool:
    """No organization of any realm has this id yet (ids are primary keys across realms)."""
    return not await tx.organizations.exists(org_id)
