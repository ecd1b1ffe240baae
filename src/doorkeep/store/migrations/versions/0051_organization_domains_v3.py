"""organization domains v3: realm-level domains that organizations claim, with the routing on the domain

Keycloak 26.8 (PRs #52401, #52565) keeps a realm's domains in one table (DOMAIN: name unique in the realm,
verified, the identity provider a typed e-mail of the domain goes to, auto redirect) and the organizations' claims
in another (ORG_DOMAIN), so that several organizations may claim one domain. The routing that a provider's
configuration held before (``kc.org.domain`` naming one domain of its organization, or ``ANY`` for every one of
them, with ``kc.org.broker.redirect.mode.email-matches``) moves onto the domain rows: each domain the provider was
bound to names the provider and auto-redirects when the provider redirected on a matching e-mail; both keys leave
the provider's configuration. Where two providers of one organization were bound to one domain, a provider bound
to it by name wins over one bound to ``ANY``, then one that redirected, then the first alias. Every row of
``organization_domains`` (one owner per domain) becomes a domain and its owner's claim.

The downgrade puts each claimed domain back with one owner (the first organization id claiming it) and the routing
back into the providers' configuration (each provider bound to the first domain, by name, naming it).
Written out here so later code changes cannot alter it.

Revision ID: 0051_organization_domains_v3
Revises: 0050_idp_admin_role_mapping
Create Date: 2026-12-07 19:00:00.000000
"""

from __future__ import annotations

import uuid
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0051_organization_domains_v3"
down_revision = "0050_idp_admin_role_mapping"
branch_labels = None
depends_on = None

_PROVIDERS = "identity_providers"
_ORG = "organizationId"
_DOMAIN = "kc.org.domain"
_REDIRECT = "kc.org.broker.redirect.mode.email-matches"
_ANY = "ANY"

_REALMS = sa.table("realms", sa.column("id", sa.String), sa.column("config", sa.JSON))
_OLD = sa.table(
    "organization_domains",
    sa.column("organization_id", sa.String),
    sa.column("name", sa.String),
    sa.column("realm_id", sa.String),
    sa.column("verified", sa.Boolean),
)
_DOMAINS = sa.table(
    "realm_domains",
    sa.column("id", sa.String),
    sa.column("realm_id", sa.String),
    sa.column("name", sa.String),
    sa.column("verified", sa.Boolean),
    sa.column("identity_provider_alias", sa.String),
    sa.column("auto_redirect", sa.Boolean),
)
_CLAIMS = sa.table(
    "organization_domain_claims", sa.column("organization_id", sa.String), sa.column("domain_id", sa.String)
)


def _create_tables() -> None:
    op.create_table(
        "realm_domains",
        sa.Column("id", sa.String(36), primary_key=True),
        sa.Column("realm_id", sa.String(36), sa.ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
        sa.Column("name", sa.String(255), nullable=False),
        sa.Column("verified", sa.Boolean, nullable=False),
        sa.Column("identity_provider_alias", sa.String(255), nullable=True),
        sa.Column("auto_redirect", sa.Boolean, nullable=False),
        sa.UniqueConstraint("realm_id", "name", name="uq_realm_domains_realm_name"),
    )
    op.create_table(
        "organization_domain_claims",
        sa.Column(
            "organization_id",
            sa.String(36),
            sa.ForeignKey("organizations.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("domain_id", sa.String(36), sa.ForeignKey("realm_domains.id", ondelete="CASCADE"), primary_key=True),
    )
    op.create_index("ix_organization_domain_claims_domain", "organization_domain_claims", ["domain_id"])


def _bindings(providers: list[Any]) -> list[tuple[str, str, str, bool]]:
    """(organization id, bound domain or ANY, alias, redirect) of each provider bound to a domain, best first."""
    found = []
    for p in providers:
        config = p.get("config") if isinstance(p, dict) else None
        if not isinstance(config, dict) or not isinstance(p.get(_ORG), str) or not isinstance(p.get("alias"), str):
            continue
        bound = config.get(_DOMAIN)
        if isinstance(bound, str) and bound.strip():
            redirect = str(config.get(_REDIRECT, "")).lower() == "true"
            found.append((p[_ORG], bound if bound == _ANY else bound.lower(), p["alias"], redirect))
    return sorted(found, key=lambda b: (b[1] == _ANY, not b[3], b[2]))


def _stripped(providers: list[Any]) -> list[Any] | None:
    """The providers without the two routing keys; None when none had one."""
    out, changed = [], False
    for p in providers:
        config = p.get("config") if isinstance(p, dict) else None
        if isinstance(config, dict) and (_DOMAIN in config or _REDIRECT in config):
            p = {**p, "config": {k: v for k, v in config.items() if k not in (_DOMAIN, _REDIRECT)}}
            changed = True
        out.append(p)
    return out if changed else None


def upgrade() -> None:
    _create_tables()
    bind = op.get_bind()
    claimed: dict[str, dict[str, str]] = {}  # organization id -> domain name -> domain id
    for org_id, name, realm_id, verified in bind.execute(
        sa.select(_OLD.c.organization_id, _OLD.c.name, _OLD.c.realm_id, _OLD.c.verified)
    ).all():
        domain_id = str(uuid.uuid4())
        row = {"id": domain_id, "realm_id": realm_id, "name": name.lower(), "verified": bool(verified)}
        bind.execute(sa.insert(_DOMAINS).values(**row, identity_provider_alias=None, auto_redirect=False))
        bind.execute(sa.insert(_CLAIMS).values(organization_id=org_id, domain_id=domain_id))
        claimed.setdefault(org_id, {})[name.lower()] = domain_id
    changed = False
    for realm_id, config in bind.execute(sa.select(_REALMS.c.id, _REALMS.c.config)).all():
        stored = config.get(_PROVIDERS) if isinstance(config, dict) else None
        if not isinstance(stored, list):
            continue
        routed: set[str] = set()
        for org_id, bound, alias, redirect in _bindings(stored):
            mine = claimed.get(org_id, {})
            targets = list(mine.values()) if bound == _ANY else [mine[bound]] if bound in mine else []
            for domain_id in targets:
                if domain_id in routed:
                    continue
                routed.add(domain_id)
                values = {"identity_provider_alias": alias, "auto_redirect": redirect}
                bind.execute(sa.update(_DOMAINS).where(_DOMAINS.c.id == domain_id).values(**values))
        new = _stripped(stored)
        if new is not None:
            bind.execute(sa.update(_REALMS).where(_REALMS.c.id == realm_id).values(config={**config, _PROVIDERS: new}))
            changed = True
    op.drop_table("organization_domains")
    if changed:  # every process reads the realms' configuration again
        bind.execute(sa.text("UPDATE realms SET config_version = config_version + 1"))


def downgrade() -> None:
    op.create_table(
        "organization_domains",
        sa.Column(
            "organization_id",
            sa.String(36),
            sa.ForeignKey("organizations.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("name", sa.String(255), primary_key=True),
        sa.Column("realm_id", sa.String(36), sa.ForeignKey("realms.id", ondelete="CASCADE"), nullable=False),
        sa.Column("verified", sa.Boolean, nullable=False),
        sa.UniqueConstraint("realm_id", "name", name="uq_organization_domains_realm_name"),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(
            _CLAIMS.c.organization_id,
            _DOMAINS.c.name,
            _DOMAINS.c.realm_id,
            _DOMAINS.c.verified,
            _DOMAINS.c.identity_provider_alias,
            _DOMAINS.c.auto_redirect,
        )
        .select_from(_CLAIMS.join(_DOMAINS, _CLAIMS.c.domain_id == _DOMAINS.c.id))
        .order_by(_DOMAINS.c.name, _CLAIMS.c.organization_id)
    ).all()
    kept: set[tuple[str, str]] = set()
    routing: dict[str, dict[str, tuple[str, bool]]] = {}  # realm id -> alias -> (domain, redirect)
    for org_id, name, realm_id, verified, alias, redirect in rows:
        if (realm_id, name) in kept:
            continue
        kept.add((realm_id, name))
        bind.execute(sa.insert(_OLD).values(organization_id=org_id, name=name, realm_id=realm_id, verified=verified))
        if alias is not None:
            routing.setdefault(realm_id, {}).setdefault(alias, (name, bool(redirect)))
    for realm_id, config in bind.execute(sa.select(_REALMS.c.id, _REALMS.c.config)).all():
        bound = routing.get(realm_id)
        stored = config.get(_PROVIDERS) if isinstance(config, dict) else None
        if not bound or not isinstance(stored, list):
            continue
        out = []
        for p in stored:
            if isinstance(p, dict) and p.get("alias") in bound and isinstance(p.get("config"), dict):
                name, redirect = bound[p["alias"]]
                p = {**p, "config": {**p["config"], _DOMAIN: name, _REDIRECT: "true" if redirect else "false"}}
            out.append(p)
        bind.execute(sa.update(_REALMS).where(_REALMS.c.id == realm_id).values(config={**config, _PROVIDERS: out}))
    op.drop_index("ix_organization_domain_claims_domain", table_name="organization_domain_claims")
    op.drop_table("organization_domain_claims")
    op.drop_table("realm_domains")
