"""Keycloak 26.8's realm-level organization domains, without HTTP: OrganizationDomainsResource (create, list, read,
update, delete a domain of the realm) and OrganizationDomainLinksResource (an organization claims, lists, reads
and unclaims domains), with the JPA OrganizationProvider's rules and messages.

A domain is a name unique in the realm (validated as Organizations.validateDomain does, then trimmed and lower-cased),
its verified flag, and its routing: the realm's identity provider a typed e-mail of the domain goes to while
``autoRedirect``. Several organizations may claim one domain; a claimed domain cannot be deleted. Keycloak records
no admin event for these calls.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from doorkeep.admin.stored_text import refuse_longer, refuse_nul
from doorkeep.broker import providers as idp
from doorkeep.errors import AdminError
from doorkeep.model import Realm
from doorkeep.organizations import brokers
from doorkeep.organizations.domains import invalid
from doorkeep.organizations.model import Domain, Organization

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

NOT_FOUND = AdminError(404, "Domain not found")
EMPTY = AdminError(400, "Domain name cannot be empty")
ALREADY_CLAIMED = AdminError(409, "Domain already claimed by this organization")
NOT_CLAIMED = AdminError(404, "Domain not claimed by this organization")
# A field of the wrong JSON type: Jackson's MismatchedInputException, as the admin API answers it elsewhere.
BAD_FIELD = AdminError(400, "unknown_error", key="error", description="Cannot parse the JSON")


def normalized(name: str) -> str:
    """How the provider stores and looks a name up: trimmed, lower case."""
    return name.strip().lower()


def _flag(rep: dict[str, Any], key: str) -> bool:
    """A primitive boolean of the representation: absent or null is false."""
    value = rep.get(key)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise BAD_FIELD
    return value


def alias_of(rep: dict[str, Any]) -> str | None:
    """``identityProviderAlias``: a string or null."""
    value = rep.get("identityProviderAlias")
    if value is not None and not isinstance(value, str):
        raise BAD_FIELD
    return value


def routed(rep: dict[str, Any], name: str) -> Domain:
    """The domain ``rep`` describes under ``name`` (already normalized)."""
    return Domain(name, _flag(rep, "verified"), alias_of(rep), _flag(rep, "autoRedirect"))


def valid_name(raw: object) -> str:
    """createDomain's Organizations.validateDomain on the name as sent, then the stored (normalized) name."""
    if not isinstance(raw, str) or not raw.strip():
        raise EMPTY
    refuse_nul(raw)
    if (problem := invalid(raw)) is not None:
        raise AdminError(400, problem)
    refuse_longer(raw)  # a valid name too long for the column: PostgreSQL's refusal, the same 400 on SQLite
    return normalized(raw)


def realm_provider(realm: Realm, alias: str | None) -> None:
    """resolveRealmIdentityProvider: a named provider must be one of the realm's."""
    if alias is not None and idp.by_alias(realm, alias) is None:
        raise AdminError(400, f"Identity provider with alias '{alias}' does not exist in the realm")


def linked_provider(realm: Realm, org: Organization, alias: str | None) -> None:
    """OrganizationAdapter.resolveIdentityProvider: a domain the organization's representation routes must name a
    provider of the realm that is linked to the organization."""
    if alias is None:
        return
    if idp.by_alias(realm, alias) is None:
        raise AdminError(400, f"Identity provider with alias '{alias}' does not exist in realm {realm.name}")
    if brokers.linked(realm, org.id, alias) is None:
        raise AdminError(400, f"Identity provider '{alias}' is not associated with organization {org.name}")


async def create(tx: Tx, realm: Realm, rep: dict[str, Any]) -> Domain:
    """``POST organizations/domains``: the new domain of the realm, claimed by no organization."""
    name = valid_name(rep.get("name"))
    domain = routed(rep, name)
    await tx.organizations.serialize_writes(realm.id)
    if await tx.domains.get(realm.id, name) is not None:
        raise AdminError(409, f"A domain with name '{name}' already exists in the realm")
    realm_provider(realm, domain.identity_provider_alias)
    if not await tx.domains.create(realm.id, domain):
        raise AdminError(409, f"A domain with name '{name}' already exists in the realm")
    return domain


async def read(tx: Tx, realm: Realm, raw_name: str) -> Domain:
    """``GET organizations/domains/{name}``: the realm's domain of that (trimmed, lower-cased) name."""
    found = await tx.domains.get(realm.id, normalized(raw_name))
    if found is None:
        raise NOT_FOUND
    return found


async def update(tx: Tx, realm: Realm, raw_name: str, rep: dict[str, Any]) -> None:
    """``PUT organizations/domains/{name}``: the verified flag and the routing, each as sent (absent is false/none)."""
    if not raw_name.strip():
        raise EMPTY
    name = normalized(raw_name)
    domain = routed(rep, name)
    await tx.organizations.serialize_writes(realm.id)
    if await tx.domains.get(realm.id, name) is None:
        raise AdminError(404, f"Domain '{raw_name}' does not exist in the realm")
    realm_provider(realm, domain.identity_provider_alias)
    await tx.domains.update(realm.id, domain)


async def delete(tx: Tx, realm: Realm, raw_name: str) -> None:
    """``DELETE organizations/domains/{name}``: only a domain no organization claims."""
    name = normalized(raw_name)
    await tx.organizations.serialize_writes(realm.id)
    if not name or await tx.domains.get(realm.id, name) is None:
        raise NOT_FOUND
    if claims := await tx.domains.claim_count(realm.id, name):
        raise AdminError(409, f"Domain '{raw_name}' is still claimed by {claims} organization(s)")
    if not await tx.domains.delete(realm.id, name):
        raise NOT_FOUND


async def claim(tx: Tx, realm: Realm, org: Organization, raw_name: str) -> None:
    """``POST organizations/{id}/domains``: the organization claims an existing domain of the realm."""
    if not raw_name.strip():
        raise EMPTY
    name = normalized(raw_name)
    await tx.organizations.serialize_writes(realm.id)
    done = await tx.domains.claim(org.id, realm.id, name)
    if done is None:
        raise AdminError(404, f"Domain '{name}' does not exist in the realm")
    if not done:
        raise ALREADY_CLAIMED


async def unclaim(tx: Tx, realm: Realm, org: Organization, raw_name: str) -> None:
    """``DELETE organizations/{id}/domains/{name}``: the claim goes, the domain (and its routing) stays."""
    await tx.organizations.serialize_writes(realm.id)
    if not raw_name.strip() or not await tx.domains.unclaim(org.id, realm.id, normalized(raw_name)):
        raise NOT_CLAIMED


def claimed(org: Organization, raw_name: str) -> Domain:
    """``GET organizations/{id}/domains/{name}``: the organization's domain of that (trimmed, lower-cased) name."""
    wanted = normalized(raw_name)
    found = next((d for d in org.domains if d.name == wanted), None)
    if found is None:
        raise NOT_CLAIMED
    return found


def to_json(domain: Domain) -> dict[str, Any]:
    """OrganizationDomainRepresentation (Keycloak 26.8), nulls left out."""
    out: dict[str, Any] = {"name": domain.name, "verified": domain.verified}
    if domain.identity_provider_alias is not None:
        out["identityProviderAlias"] = domain.identity_provider_alias
    out["autoRedirect"] = domain.auto_redirect
    return out
