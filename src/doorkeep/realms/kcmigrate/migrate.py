"""``doorkeep migrate-from-keycloak``: one Keycloak realm's rows into Doorkeep, in one transaction.

``plan`` turns the rows (read by ``store.keycloak_source`` in a read-only transaction) into a
validated realm plan, keys, offline sessions and consents, and counts them: a dry run stops there.
``write`` replaces the Doorkeep realm of that name with it, through the import path. Running it
again with the same Keycloak rows gives the same Doorkeep rows (every id, key, timestamp and note
comes from Keycloak), and an interrupted run leaves nothing half-written (one transaction per realm).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from doorkeep.model import Consent, RealmKey
from doorkeep.organizations.model import Invitation
from doorkeep.realms.exportimport.parse import parse_realm
from doorkeep.realms.exportimport.plan import RealmPlan
from doorkeep.realms.exportimport.progress import SILENT, Progress
from doorkeep.realms.exportimport.users import SECOND_FACTORS
from doorkeep.realms.exportimport.write import write_realm
from doorkeep.realms.kcmigrate import organization_domains
from doorkeep.realms.kcmigrate.keys import realm_keys
from doorkeep.realms.kcmigrate.organization_domains import RealmDomain
from doorkeep.realms.kcmigrate.organizations import invitations
from doorkeep.realms.kcmigrate.report import Report
from doorkeep.realms.kcmigrate.representation import realm_representation
from doorkeep.realms.kcmigrate.sessions import OfflineSession, offline_sessions

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


@dataclass
class Migration:
    plan: RealmPlan
    keys: list[RealmKey]
    sessions: list[OfflineSession]
    consents: list[Consent]
    report: Report
    invitations: list[Invitation] = field(default_factory=list)
    domains: list[RealmDomain] = field(default_factory=list)  # Keycloak 26.8's DOMAIN rows and their claims


def plan(realm: dict[str, Any], tables: dict[str, list[dict[str, Any]]], now: int) -> Migration:
    """Everything one realm would bring, validated; nothing written."""
    report = Report(realm["name"])
    rep = realm_representation(realm, tables, report)
    realm_plan = parse_realm(rep)
    usernames = {u.user.id: u.user.username for u in realm_plan.users}
    client_ids = {c.client.id for c in realm_plan.clients}
    keys = realm_keys(realm["id"], tables["component"], tables["component_config"], now, report)
    if not any(k.status == "active" and k.algorithm == "HS512" for k in keys):
        report.cannot("offline tokens' verification", "the realm has no active HS512 key; Doorkeep makes a new one")
    sessions = offline_sessions(
        realm["id"], usernames, client_ids, tables["offline_user_session"], tables["offline_client_session"], report
    )
    scopes_of: dict[str, list[str]] = {}
    for row in tables["user_consent_client_scope"]:
        scopes_of.setdefault(row["user_consent_id"], []).append(row["scope_id"])
    consents = [
        Consent(
            c["user_id"],
            c["client_id"],
            tuple(sorted(scopes_of.get(c["id"], []))),
            int(c.get("created_date") or 0),
            int(c.get("last_updated_date") or 0),
        )
        for c in tables["user_consent"]
        if c["user_id"] in usernames and c["client_id"] in client_ids
    ]
    report.counts = {
        "clients": len(realm_plan.clients),
        "client scopes": len(realm_plan.scopes),
        "roles": len(realm_plan.roles),
        "groups": len(realm_plan.groups),
        "protocol mappers": sum(len(c.client.protocol_mappers) for c in realm_plan.clients)
        + sum(len(s.protocol_mappers) for s in realm_plan.scopes),
        "scope mappings": sum(len(m.roles) for m in realm_plan.scope_mappings),
        "users": len(realm_plan.users),
        "group memberships": sum(len(u.groups) for u in realm_plan.users),
        "password credentials": sum(1 for u in realm_plan.users if u.password is not None),
        **_second_factors(realm_plan),
        "consents": len(consents),
        "keys": len(keys),
        "offline sessions": len(sessions),
        "offline client sessions": sum(len(s.clients) for s in sessions),
        "identity providers": len(realm_plan.realm.identity_providers),
        "identity provider mappers": len(realm_plan.realm.identity_provider_mappers),
        "identity provider links": sum(len(u.links) for u in realm_plan.users),
        "organizations": len(realm_plan.organizations),
        "organization members": sum(len(o.get("members") or []) for o in realm_plan.organizations),
    }
    carried = {o["id"] for o in realm_plan.organizations}
    invited = [i for i in invitations(tables) if i.organization_id in carried]
    if invited:
        report.counts["organization invitations"] = len(invited)
    carried_providers = {str(p["alias"]) for p in realm_plan.realm.identity_providers}
    domains = organization_domains.realm_domains_of(tables, carried_providers) if realm_plan.organizations else []
    if domains:
        report.counts["organization domains"] = len(domains)
    if org_roles := sum(len(o.get("roles") or []) for o in realm_plan.organizations):
        report.counts["organization roles"] = org_roles
    return Migration(realm_plan, keys, sessions, consents, report, invited, domains)


def _second_factors(realm_plan: RealmPlan) -> dict[str, int]:
    """How many OTP, WebAuthn, passkey and recovery code credentials come along, each kind only when there are."""
    counted = Counter(c.kind for u in realm_plan.users for c in u.otps)
    return {f"{kind} credentials": counted[kind] for kind in SECOND_FACTORS if counted[kind]}


async def write(tx: Tx, migration: Migration, now: int, progress: Progress = SILENT) -> None:
    """Replace the Doorkeep realm of that name with the migrated one, inside ``tx``."""
    name = migration.plan.realm.name
    existing = await tx.realms.get_by_name(name)
    if existing is not None:
        await tx.realms.delete(existing.id)
    realm = await write_realm(tx, migration.plan, now, progress)
    if migration.keys:
        await tx.keys.remove_realm_keys(realm.id)
        for key in migration.keys:
            await tx.keys.add(RealmKey(**{**key.__dict__, "realm_id": realm.id}))
    # The import keeps Keycloak's ids unless this database already uses them elsewhere: map by name.
    clients = {c.client_id: c.id for c in await tx.clients.list(realm.id)}
    client_of = {c.client.id: clients[c.client.client_id] for c in migration.plan.clients}
    user_of: dict[str, str] = {}
    for up in migration.plan.users:
        user = await tx.users.get_by_username(realm.id, up.user.username)
        if user is not None:
            user_of[up.user.id] = user.id
    progress.begin(f"{name}: writing offline sessions", len(migration.sessions))
    for session in migration.sessions:
        us = session.user_session
        await tx.sessions.create_user_session(
            type(us)(**{**us.__dict__, "realm_id": realm.id, "user_id": user_of[us.user_id]})
        )
        for cs, families in session.clients:
            client_uuid = client_of[cs.client_id]
            await tx.sessions.create_client_session(type(cs)(**{**cs.__dict__, "client_id": client_uuid}))
            for fam in families:
                await tx.sessions.save_family(us.id, True, client_uuid, fam)
        progress.advance()
    progress.end()
    for consent in migration.consents:
        await tx.sessions.save_consent(
            Consent(
                user_of[consent.user_id],
                client_of[consent.client_id],
                consent.granted_scopes,
                consent.created_date,
                consent.last_updated_date,
            )
        )
    await _write_invitations(tx, migration, realm.id)
    if migration.domains:
        org_of = await _organizations_of(tx, migration, realm.id)
        await organization_domains.write(tx, realm.id, migration.domains, org_of)


async def _organizations_of(tx: Tx, migration: Migration, realm_id: str) -> dict[str, str]:
    """Keycloak's organization ids to the imported ones, by name (the import may have given them new ids)."""
    ids = {o.name: o.id for o in await tx.organizations.realm_organizations(realm_id)}
    return {o["id"]: ids[o["name"]] for o in migration.plan.organizations if o["name"] in ids}


async def _write_invitations(tx: Tx, migration: Migration, realm_id: str) -> None:
    """The stored invitations, their organizations mapped by name (the import may have given them new ids)."""
    if not migration.invitations:
        return
    org_of = await _organizations_of(tx, migration, realm_id)
    for invitation in migration.invitations:
        if invitation.organization_id in org_of:
            org_id = org_of[invitation.organization_id]
            await tx.org_invitations.add(dataclasses.replace(invitation, organization_id=org_id, realm_id=realm_id))
