"""Identity providers → a provider's Mappers, as Keycloak's console shows them (DetailSettings' Mappers tab,
AddMapper): the provider's mappers, a new mapper of a type Doorkeep runs (its declared properties and a sync
mode), and deleting one. The writes are ``broker.admin_writes``', the functions behind the provider's
``mappers`` resource (its checks and texts), recorded as those calls. A group mapper of a provider linked to
organizations also offers the group's type (a realm group, or one of an organization's: ``groupType``
ORGANIZATION) and which of those organizations (``orgId``, keycloak#48948; none: the provider's first link), as
idp_group_mappers reads them. Reading needs view-identity-providers,
writing manage-identity-providers, and a mapper that hands out a role or a group the right to hand it out
(web/admin/idp_mapper_grants.py).
"""

from __future__ import annotations

from collections.abc import Mapping

from doorkeep.broker import admin_writes as writes
from doorkeep.broker import idp_group_mappers as group_mappers
from doorkeep.broker import idp_mapper_types as types
from doorkeep.errors import AdminError
from doorkeep.model import JSON
from doorkeep.organizations import brokers
from doorkeep.realms.auth_providers import Prop
from doorkeep.web.admin.idp_mapper_grants import require_conferrable, require_organization_rights
from doorkeep.web.admin_console.context import Console, Missing
from doorkeep.web.admin_console.forms import FormErrors, FormState
from doorkeep.web.admin_console.views_identity_providers import MANAGE, VIEW

NOT_YOURS = "You may not hand out the role or the group this mapper names: it is not yours to grant."
SYNC_MODES = (("INHERIT", "Inherit"), ("IMPORT", "Import"), ("LEGACY", "Legacy"), ("FORCE", "Force"))
GROUP_KINDS = frozenset({types.HARDCODED_GROUP, types.ADVANCED_CLAIM_TO_GROUP})
GROUP_TYPE = "groupType"
NOT_LINKED = "Choose an organization the identity provider is linked to."
NOT_AN_ORGANIZATION_GROUP = "An organization applies to an organization group only."


def mappers(c: Console, provider: JSON) -> list[JSON]:
    """``GET identity-provider/instances/{alias}/mappers`` (view-identity-providers)."""
    c.require(VIEW)
    return types.of_provider(c.realm.identity_provider_mappers, provider["alias"])


def type_names() -> list[tuple[str, str]]:
    """The mapper types offered, as ``mapper-types`` names them."""
    return [(kind, spec[0]) for kind, spec in types.TYPES.items()]


def props(kind: str) -> tuple[Prop, ...]:
    """The type's declared properties; a type Doorkeep does not run is a missing page."""
    if kind not in types.TYPES:
        raise Missing("No such mapper type.")
    return types.TYPES[kind][3]


def new_form(kind: str) -> FormState:
    """An empty form with the type's declared defaults filled in (a switch on is ``"true"``)."""
    extra = {GROUP_TYPE: "", group_mappers.ORGANIZATION_ID: ""} if kind in GROUP_KINDS else {}
    return FormState({"name": "", "syncMode": "INHERIT", **{p.name: _default(p) for p in props(kind)}, **extra})


async def organizations(c: Console, provider: JSON, kind: str) -> list[tuple[str, str]]:
    """The organizations (id, name) a group mapper of ``provider`` may name: those it is linked to, in link order;
    none for another kind of mapper or while the realm has organizations off."""
    if kind not in GROUP_KINDS or not c.realm.organizations_enabled:
        return []
    names = {o.id: o.name for o in await c.tx.organizations.realm_organizations(c.realm.id)}
    return [(org_id, names[org_id]) for org_id in brokers.organizations_of(provider) if org_id in names]


async def _organization_config(c: Console, provider: JSON, kind: str, typed: FormState) -> dict[str, str]:
    """``groupType`` and ``orgId`` of a group mapper's form (checked: a linked organization, of an organization
    group); nothing for another kind."""
    if kind not in GROUP_KINDS:
        return {}
    group_type = str(typed.values.get(GROUP_TYPE) or "")
    org_id = str(typed.values.get(group_mappers.ORGANIZATION_ID) or "")
    if group_type not in ("", group_mappers.ORGANIZATION):
        typed.errors[GROUP_TYPE] = "Choose a realm group or an organization group."
    if org_id and org_id not in {i for i, _ in await organizations(c, provider, kind)}:
        typed.errors[group_mappers.ORGANIZATION_ID] = NOT_LINKED
    elif org_id and group_type != group_mappers.ORGANIZATION:
        typed.errors[group_mappers.ORGANIZATION_ID] = NOT_AN_ORGANIZATION_GROUP
    if typed.errors:
        raise FormErrors(typed)
    config = {GROUP_TYPE: group_type} if group_type else {}
    return config | ({group_mappers.ORGANIZATION_ID: org_id} if org_id else {})


def _default(prop: Prop) -> str:
    if prop.default is None or prop.default is False:
        return ""
    return "true" if prop.default is True else str(prop.default)


async def add(c: Console, provider: JSON, kind: str, form: Mapping[str, str]) -> JSON:
    """``POST …/mappers`` (manage-identity-providers), recorded as that call; a refusal is the form's error."""
    c.require(MANAGE)
    declared = props(kind)
    extra = (GROUP_TYPE, group_mappers.ORGANIZATION_ID) if kind in GROUP_KINDS else ()
    names = ("name", "syncMode", *(p.name for p in declared), *extra)
    typed = FormState({name: form.get(name, "").strip() for name in names})
    config = {name: str(typed.values[name]) for name in ("syncMode", *(p.name for p in declared)) if typed.values[name]}
    config |= await _organization_config(c, provider, kind, typed)
    rep: JSON = {
        "name": typed.values["name"],
        "identityProviderAlias": provider["alias"],
        "identityProviderMapper": kind,
        "config": config,
    }
    try:
        require_organization_rights(c.realm, c.identity, rep)
        await require_conferrable(c.tx, c.realm, c.identity, rep, provider)
    except AdminError:
        typed.errors["form"] = NOT_YOURS
        raise FormErrors(typed) from None
    try:
        mapper = await writes.add_mapper(c.tx, c.realm.id, provider, rep)
    except AdminError as err:
        typed.errors["form"] = err.description or err.message
        raise FormErrors(typed) from None
    c.changed("POST", "identity-provider", "instances", provider["alias"], "mappers", mapper["id"], body=rep)
    return mapper


def mapper(c: Console, provider: JSON, mapper_id: str) -> JSON:
    found = next((m for m in mappers(c, provider) if m["id"] == mapper_id), None)
    if found is None:
        raise Missing("Mapper not found.")
    return found


async def delete(c: Console, provider: JSON, found: JSON) -> None:
    """``DELETE …/mappers/{id}`` (manage-identity-providers)."""
    c.require(MANAGE)
    require_organization_rights(c.realm, c.identity, found)
    if not await writes.delete_mapper(c.tx, c.realm.id, found["id"]):
        raise Missing("Mapper not found.")
    c.changed("DELETE", "identity-provider", "instances", provider["alias"], "mappers", found["id"])
