"""Dynamic registration's ``subject_type`` and ``sector_identifier_uri`` (OIDC Dynamic Client Registration §2),
as Keycloak's OIDCClientRegistrationProvider.updatePairwiseSubMappers and DefaultClientValidationProvider's
pairwise checks apply them once the client is created or updated.

``pairwise`` gives the client one ``oidc-sha256-pairwise-sub-mapper`` (an existing one gets the new sector
identifier URI, keeping its salt); ``public`` (or none) removes every pairwise mapper. Then the registration
is checked as PairwiseSubMapperValidator checks a mapper: when the subject type is pairwise or a sector
identifier URI was sent (even with ``public``), a refusal being ``invalid_client_metadata`` with its message.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

from doorkeep.errors import AdminError
from doorkeep.model import Client
from doorkeep.oauth.mappers import pairwise

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

PAIRWISE = "pairwise"


async def apply(
    tx: Tx,
    client: Client,
    subject_type: str | None,
    sector_uri: str | None,
    fetch: pairwise.Fetch,
    new_id: Callable[[], str],
) -> None:
    """updatePairwiseSubMappers, then validateClient's pairwise step (a refusal rolls the request back)."""
    existing = [m for m in (await tx.mappers.of_owners([client.id])).get(client.id, ()) if pairwise.is_pairwise(m)]
    if subject_type == PAIRWISE:
        for mapper in existing:
            config = {k: v for k, v in mapper.config.items() if k != pairwise.SECTOR_IDENTIFIER_URI}
            if sector_uri is not None:
                config[pairwise.SECTOR_IDENTIFIER_URI] = sector_uri
            await tx.mappers.update(client.realm_id, dataclasses.replace(mapper, config=config))
        if not existing:
            mapper = pairwise.new_mapper(sector_uri, new_id(), new_id())
            await tx.mappers.add(client.realm_id, client.id, mapper, client=True)
    else:
        for mapper in existing:
            await tx.mappers.delete(client.realm_id, mapper.id)
    if subject_type == PAIRWISE or sector_uri:
        try:
            await pairwise.validate(client.root_url, client.redirect_uris, sector_uri, fetch)
        except pairwise.PairwiseConfigError as err:
            raise AdminError(400, "invalid_client_metadata", key="error", description=err.message) from None


def subject_of(client: Client) -> tuple[str, str | None]:
    """toExternalResponse: ``pairwise`` with the first pairwise mapper's sector identifier URI, else ``public``."""
    found = [m for m in client.protocol_mappers if pairwise.is_pairwise(m)]
    if not found:
        return "public", None
    return PAIRWISE, found[0].config.get(pairwise.SECTOR_IDENTIFIER_URI) or None
