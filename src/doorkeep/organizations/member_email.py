"""The e-mail of an organization's member checked against the organization's domain (Keycloak 26's
OrganizationMemberValidator, the ``email`` attribute's ``organization-member-validator``).

While the first broker login reviews the profile (the IDP_REVIEW context) of an identity from a provider linked to an
organization, the e-mail's domain must be the one the provider is bound to (its ``kc.org.domain``); a provider bound
to no domain asks nothing, and so does one bound to ``ANY`` here (Keycloak expects the literal ``ANY``, which no
address has). Domains compare case-insensitively (Doorkeep keeps them in lower case).
"""

from __future__ import annotations

from typing import Any

from doorkeep.broker import providers as idp
from doorkeep.model import Realm
from doorkeep.organizations import brokers

NOT_ORGANIZATION_DOMAIN = "Email domain does not match any domain from the organization"


def expected_domain(realm: Realm, alias: str) -> str | None:
    """The domain the provider ``alias`` binds its organization's members to; None when it binds them to none."""
    provider = idp.by_alias(realm, alias) if realm.organizations_enabled else None
    if provider is None or brokers.organization_of(provider) is None:
        return None
    domain = dict(provider.get("config") or {}).get(brokers.DOMAIN)
    if not isinstance(domain, str) or not domain.strip() or domain == brokers.ANY_DOMAIN:
        return None
    return domain.lower()


def review_errors(realm: Realm, alias: str, email: str) -> list[dict[str, Any]]:
    """validateEmailDomain in the IDP_REVIEW context: the error on ``email`` when its domain is not the provider's.
    An empty or malformed address is the e-mail validator's to report."""
    domain = expected_domain(realm, alias)
    if domain is None or "@" not in email or email[email.index("@") + 1 :].lower() == domain:
        return []
    return [{"field": "email", "errorMessage": NOT_ORGANIZATION_DOMAIN, "params": ["email"]}]
