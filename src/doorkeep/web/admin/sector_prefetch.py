"""Fetching a pairwise mapper's sector identifier URI before the admin call's transaction opens.

Keycloak's PairwiseSubMapperValidator fetches the document inside the request (ProtocolMappersResource.validateModel,
ClientsResource/ClientResource's validateClient). Doorkeep's admin calls run in one write transaction, and on SQLite
that is the database's one writer: a slow sector host would hold every other writer for as long as the fetch takes.
So the URIs the request body names are fetched first, once the caller is known to hold ``manage-clients`` (a stranger
must not make the server fetch anything), and the validator inside the transaction is answered from them. A URI the
body does not name (a ``PUT …/models/{id}`` that keeps the stored one) or one for a caller whose rights could not be
settled up front (fine-grained permissions) is met inside: that transaction is rolled back, the URI fetched outside
it, and the call run again (fetch_outside.py). What the validator decides, and every refusal, stay as they were.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request

from doorkeep import fetch_outside
from doorkeep.errors import AdminError
from doorkeep.oauth.client_keys import fetch_json
from doorkeep.oauth.mappers import pairwise
from doorkeep.web.admin.common import admin_caller
from doorkeep.web.handlers import unit_of_work
from doorkeep.web.http import read_json

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


class Prefetched:
    """A ``pairwise.Fetch`` answering the URIs fetched before the transaction, any other one fetched outside it."""

    def __init__(self, found: dict[str, bytes | ValueError]) -> None:
        self._fetch = fetch_outside.kept(found, fetch_json)

    async def __call__(self, uri: str) -> bytes:
        return await self._fetch(uri)


async def for_mappers(request: Request, *, clients: bool) -> Prefetched:
    """The sector documents a body names: a mapper (``POST …/models``, ``PUT …/models/{id}``), a list of them
    (``…/add-models``) or, ``clients``, a client representation's ``protocolMappers``."""
    try:
        body = await read_json(request)
    except AdminError:
        return Prefetched({})  # refused inside, as it always was
    if clients:
        body = body.get("protocolMappers") if isinstance(body, dict) else None
    reps = body if isinstance(body, list) else [body]
    uris = set(_sector_uris(reps))
    if not uris or not await _may_manage_clients(request):
        return Prefetched({})
    found: dict[str, bytes | ValueError] = {}
    for uri in sorted(uris):
        try:
            found[uri] = await fetch_json(uri)
        except ValueError as err:
            found[uri] = err
    return Prefetched(found)


def _sector_uris(reps: Iterable[Any]) -> Iterable[str]:
    """Each pairwise mapper's sector identifier URI the validator would fetch (absolute, with a host)."""
    for rep in reps:
        if not isinstance(rep, dict) or not str(rep.get("protocolMapper", "")).endswith(pairwise.PROVIDER_ID_SUFFIX):
            continue
        config = rep.get("config")
        uri = config.get(pairwise.SECTOR_IDENTIFIER_URI) if isinstance(config, dict) else None
        if isinstance(uri, str) and pairwise.fetchable(uri):
            yield uri


async def _may_manage_clients(request: Request) -> bool:
    """The caller authenticates and holds ``manage-clients`` in the path's realm (a read-only look; the call's own
    transaction checks again and answers any refusal)."""

    async def look(tx: Tx) -> bool:
        try:
            await admin_caller(request, tx, "manage-clients")
        except AdminError:
            return False
        return True

    return await unit_of_work(request, look, write=False)
