"""The Admin Console's view of an organization's groups (Keycloak 26.6's organization Groups tab): the group tree
as ``GET organizations/{id}/groups`` and its ``children`` give it, read only, with each group's direct members
counted."""

from __future__ import annotations

from doorkeep.admin.groups import matches
from doorkeep.model import Group
from doorkeep.organizations.model import Organization
from doorkeep.web.admin_console.context import Console
from doorkeep.web.admin_console.views_organizations import require


async def groups(c: Console, org: Organization, search: str) -> list[tuple[Group, int]]:
    """Every group of the organization by path (those whose name holds ``search`` when given), with its number of
    direct members."""
    require(c)
    found = sorted(await c.tx.organization_groups.of_organization(org.id), key=lambda g: g.path)
    if search:
        found = [g for g in found if matches(g, search, False)]
    counted: dict[str, int] = {}
    for group_id, _ in await c.tx.organization_groups.member_ids(org.id):
        counted[group_id] = counted.get(group_id, 0) + 1
    return [(g, counted.get(g.id, 0)) for g in found]
