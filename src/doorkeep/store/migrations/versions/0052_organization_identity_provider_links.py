"""organization identity provider links: a provider's organization becomes a link with settings

Keycloak 26.8 links a provider to several organizations, each link with ``autoMembership`` and
``membershipType`` (ORG_IDENTITY_PROVIDER). Doorkeep keeps a provider's links in its representation in the realm's
configuration (``organizationLinks``, organizations/idp_links.py), next to the deprecated ``organizationId``. Each
provider stored with an ``organizationId`` gets that one link, with auto-membership on and MANAGED: before 26.8 the
first broker login made every user of an organization's provider a MANAGED member, and an upgrade keeps doing so
(a new link made afterwards is UNMANAGED, as Keycloak's). The downgrade drops the links and keeps each provider's
first organization in ``organizationId``. Written out here so later code changes cannot alter it.

Revision ID: 0052_org_idp_links
Revises: 0050_idp_admin_role_mapping
Create Date: 2026-12-07 19:00:00.000000
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0052_org_idp_links"  # alembic_version holds 32 characters
down_revision = "0051_organization_domains_v3"
branch_labels = None
depends_on = None

_REALMS = sa.table("realms", sa.column("id", sa.String), sa.column("config", sa.JSON))
_FIELD = "identity_providers"
_ORG = "organizationId"
_LINKS = "organizationLinks"


def linked(provider: Any) -> Any:
    """The provider with its ``organizationId`` as its one link (unchanged without one, or with links already)."""
    if not isinstance(provider, dict) or _LINKS in provider:
        return provider
    org_id = provider.get(_ORG)
    if not isinstance(org_id, str) or not org_id:
        return provider
    return {**provider, _LINKS: [{_ORG: org_id, "autoMembership": True, "membershipType": "MANAGED"}]}


def unlinked(provider: Any) -> Any:
    """The provider without links, its first link's organization kept in ``organizationId``."""
    if not isinstance(provider, dict) or _LINKS not in provider:
        return provider
    links = provider[_LINKS]
    out = {k: v for k, v in provider.items() if k not in (_LINKS, _ORG)}
    first = links[0] if isinstance(links, list) and links and isinstance(links[0], dict) else {}
    if isinstance(first.get(_ORG), str):
        out[_ORG] = first[_ORG]
    return out


def _rewrite(change: Callable[[Any], Any]) -> None:
    bind = op.get_bind()
    changed = False
    for realm_id, config in bind.execute(sa.select(_REALMS.c.id, _REALMS.c.config)).all():
        stored = config.get(_FIELD) if isinstance(config, dict) else None
        if not isinstance(stored, list):
            continue
        new = [change(p) for p in stored]
        if new == stored:
            continue
        bind.execute(sa.update(_REALMS).where(_REALMS.c.id == realm_id).values(config={**config, _FIELD: new}))
        changed = True
    if changed:  # every process reads the realms' configuration again
        bind.execute(sa.text("UPDATE realms SET config_version = config_version + 1"))


def upgrade() -> None:
    _rewrite(linked)


def downgrade() -> None:
    _rewrite(unlinked)
