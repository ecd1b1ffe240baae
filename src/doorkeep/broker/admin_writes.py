"""The writes of the identity-provider admin resources (IdentityProvidersResource.create, IdentityProviderResource
update / delete, and its ``mappers``) and ``import-config``'s read of a discovery document, shared by the Admin
REST handlers (web/admin/identity_providers.py, web/admin/idp_mappers.py) and the Admin Console's Identity
providers page.

Each write reads the realm under its row lock, checks as Keycloak does (an alias taken is a 409; a mapper name
taken for its provider is createMapper's 400) and stores the realm's configuration; who may write is the caller's
check (manage-identity-providers).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from doorkeep.broker import idp_mapper_types as types
from doorkeep.broker import providers as idp
from doorkeep.broker import well_known_sync
from doorkeep.errors import AdminError
from doorkeep.model import JSON, Realm
from doorkeep.numbers import loads
from doorkeep.oauth import client_keys
from doorkeep.organizations import brokers

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

# A provider's config synced from its discovery document (well_known_sync.synced with the caller's fetch).
Sync = Callable[[dict[str, Any]], Awaitable[dict[str, Any]]]
BAD_REQUEST = AdminError(400, "HTTP 400 Bad Request", key="error")  # jakarta.ws.rs.BadRequestException()


async def discover(from_url: str) -> dict[str, str]:
    """``import-config`` (IdentityProvidersResource.importFrom): the discovery document at ``from_url`` read into
    a provider's config; fetched outside any transaction, after the caller's check."""
    try:
        document = loads(await client_keys.fetch_json(from_url))  # bounded nesting
    except ValueError:
        raise AdminError(400, "unknown_error", key="error", description="Cannot parse the JSON") from None
    return idp.discovered(document, from_url)


TLS_CLIENT_AUTH = "tls_client_auth"  # OIDCLoginProtocol.TLS_CLIENT_AUTH


async def check_tls_client_auth(tx: Tx, realm_id: str, provider: JSON) -> None:
    """OAuth2IdentityProviderConfig.validate for ``clientAuthMethod`` ``tls_client_auth`` (RFC 8705 client
    authentication to the provider, keycloak#38310): ``clientCertKeyProviderId`` must name a key provider of the
    realm. Keycloak also resolves the provider's key and certificate then; Doorkeep does not authenticate to a
    provider with a certificate (broker/oidc.py refuses the method at login), so it checks no further."""
    config = provider["config"]
    if config.get("clientAuthMethod") != TLS_CLIENT_AUTH:
        return
    key_provider = config.get("clientCertKeyProviderId")
    if key_provider is None or not key_provider.strip():
        raise idp.bad("A client certificate key provider is required when using tls_client_auth.")
    if await tx.keys.component(realm_id, key_provider) is None:
        raise idp.bad(
            f"The client certificate key provider referenced for tls_client_auth does not exist: {key_provider}"
        )


async def locked(tx: Tx, realm_id: str) -> Realm:
    realm = await tx.realms.lock(realm_id)
    assert realm is not None
    return realm


async def create_provider(tx: Tx, realm_id: str, rep: JSON, sync: Sync | None = None) -> JSON:
    """A new provider from its representation; the provider as stored. With ``sync``, an OpenID Connect provider
    created with ``reloadEnabled`` is first synced from its discovery document (well_known_sync)."""
    realm = await locked(tx, realm_id)
    provider = idp.model(realm, rep)
    await check_tls_client_auth(tx, realm_id, provider)
    if idp.by_alias(realm, provider["alias"]) is not None:
        raise AdminError(409, f"Identity Provider {provider['alias']} already exists")
    if sync is not None and well_known_sync.due_on_create(provider):
        provider = provider | {"config": await sync(provider["config"])}
    await brokers.settle(tx, realm, rep, None, provider)
    await idp.save(tx, realm_id, [*idp.all_of(realm), provider])
    return provider


async def update_provider(tx: Tx, realm_id: str, stored: JSON, rep: JSON) -> JSON:
    """``stored`` replaced by ``rep`` (its alias and type fixed, providers.check_same_provider; a masked
    ``clientSecret`` keeps the stored one unless the update changes where it goes, providers.keep_masked_secret)."""
    idp.check_same_provider(stored, rep)
    realm = await locked(tx, realm_id)
    changed = idp.model(realm, {**rep, "alias": stored["alias"]}, internal_id=stored["internalId"])
    await check_tls_client_auth(tx, realm_id, changed)
    if changed["config"].get("clientSecret") == idp.SECRET_VALUE:
        idp.keep_masked_secret(stored["providerId"], stored.get("config", {}), changed["config"])
    await brokers.settle(tx, realm, rep, stored, changed)
    providers = [changed if p["internalId"] == stored["internalId"] else p for p in idp.all_of(realm)]
    await idp.save(tx, realm_id, providers)
    return changed


async def reload_well_known(tx: Tx, realm_id: str, stored: JSON, body: JSON, sync: Sync) -> JSON:
    """``POST instances/{alias}/reload-well-known``: ``stored`` synced from its discovery document now, with what
    ``body`` (IdentityProviderReloadWellKnownRepresentation) overrides kept; the provider as stored. A provider of
    a type that does not reload, or with no ``metadataDescriptorUrl``, is a BadRequestException. A failed fetch is
    no error here: it is recorded in the provider's ``wellKnownLastSyncError``."""
    if not well_known_sync.syncable(stored):
        raise BAD_REQUEST
    config = well_known_sync.overridden(stored.get("config") or {}, body)
    if not config.get(well_known_sync.METADATA_URL):
        raise BAD_REQUEST
    changed = stored | {"config": await sync(config)}
    realm = await locked(tx, realm_id)
    providers = [changed if p["internalId"] == stored["internalId"] else p for p in idp.all_of(realm)]
    await idp.save(tx, realm_id, providers)
    return changed


async def delete_provider(tx: Tx, realm_id: str, stored: JSON) -> None:
    """The provider removed, with its mappers, its users' links (IdentityProviderStorageProvider.remove) and the
    routing of the organization domains that named it (the DOMAIN row's provider reference)."""
    realm = await locked(tx, realm_id)
    await idp.save(tx, realm_id, [p for p in idp.all_of(realm) if p["internalId"] != stored["internalId"]])
    realm = await locked(tx, realm_id)
    kept = tuple(m for m in realm.identity_provider_mappers if m.get("identityProviderAlias") != stored["alias"])
    await tx.realms.update(dataclasses.replace(realm, identity_provider_mappers=kept))
    await tx.federated.remove_provider(realm_id, stored["alias"])
    await tx.domains.clear_routing(realm_id, stored["alias"])


def _unique(mappers: list[JSON], mapper: JSON, provider: JSON) -> None:
    """The provider's mapper names are unique (the JPA store's constraint; its failure is createMapper's)."""
    if any(
        m["name"] == mapper["name"] and m["id"] != mapper["id"] for m in types.of_provider(mappers, provider["alias"])
    ):
        raise AdminError(
            400, f"Failed to add mapper '{mapper['name']}' to identity provider [{provider['providerId']}]."
        )


async def _store_mappers(tx: Tx, realm: Realm, mappers: list[JSON]) -> None:
    await tx.realms.update(dataclasses.replace(realm, identity_provider_mappers=tuple(mappers)))


async def add_mapper(tx: Tx, realm_id: str, provider: JSON, rep: JSON) -> JSON:
    """A new mapper of ``provider``; the mapper as stored."""
    realm = await locked(tx, realm_id)
    mapper = types.model(rep, provider)
    mappers = list(realm.identity_provider_mappers)
    _unique(mappers, mapper, provider)
    await _store_mappers(tx, realm, [*mappers, mapper])
    return mapper


async def update_mapper(tx: Tx, realm_id: str, provider: JSON, mapper_id: str, rep: JSON) -> bool:
    """Mapper ``mapper_id`` replaced by ``rep`` (its name kept when ``rep`` has none); False when there is none."""
    realm = await locked(tx, realm_id)
    found = types.find(realm.identity_provider_mappers, mapper_id)
    if found is None:
        return False
    mapper = types.model({"name": found["name"], **rep}, provider, mapper_id=found["id"])
    mappers = list(realm.identity_provider_mappers)
    _unique(mappers, mapper, provider)
    await _store_mappers(tx, realm, [mapper if m["id"] == found["id"] else m for m in mappers])
    return True


async def delete_mapper(tx: Tx, realm_id: str, mapper_id: str) -> bool:
    """Mapper ``mapper_id`` removed; False when there is none."""
    realm = await locked(tx, realm_id)
    if types.find(realm.identity_provider_mappers, mapper_id) is None:
        return False
    await _store_mappers(tx, realm, [m for m in realm.identity_provider_mappers if m["id"] != mapper_id])
    return True
