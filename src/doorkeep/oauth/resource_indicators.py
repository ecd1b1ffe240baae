"""Resource indicators (RFC 8707), Keycloak's ``resource-indicators`` feature: ResourceIndicatorsPostProcessor.

With the feature on, a token request's ``resource`` (its first value; the token endpoint refuses a repeated one)
cuts the access token's ``aud`` down to the one audience it names:

* ``urn:client:<clientId>``: that client id, when the token's audience holds it;
* any other value: the value itself, when a client the audience names has it as its ``resource_url`` attribute.

Otherwise ``invalid_target`` "...invalid, missing, unknown, or malformed." (also for a malformed value, and a token
without audience). The authorization code and refresh grants are bound to the resource of the grant they continue
(the authorization request's, the refresh token's ``resource`` claim): none given means that one, another is
"...not matching the original request.", and so is naming one where the grant named none. The other grants take a
``resource`` on their own. The refresh token carries the resource it was issued for, so offline tokens keep it.

Keycloak checks while it builds the response, after every other check; the error is the answer, with no event,
and its transaction is rolled back. Doorkeep checks at the same point, before a grant's first write.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep import errors as e
from doorkeep.oauth import resource_syntax

if TYPE_CHECKING:
    from doorkeep.model import Realm
    from doorkeep.store.tx import Tx

PARAM = "resource"  # OAuth2Constants.RESOURCE: the parameter, and the refresh token's claim
URN_CLIENT = "urn:client:"  # ResourceIndicatorConstants.URN_CLIENT_PREFIX
RESOURCE_URL = "resource_url"  # ResourceIndicatorConstants.CLIENT_RESOURCE_URL_ATTRIBUTE


@dataclass(frozen=True)
class Binding:
    """The resource a grant's tokens are issued for: the access token's one audience, and the refresh token's
    ``resource`` claim."""

    resource: str
    audience: str


def target(requested: str | None, original: str | None, *, continues: bool) -> str | None:
    """The resource to narrow to, or None to leave the audience alone. ``continues``: the grant continues
    another (authorization code, refresh), whose resource is ``original``."""
    if requested is not None and not resource_syntax.valid(requested):
        raise e.InvalidTarget(e.RESOURCE_INVALID, event_error="")
    if original is None and requested is None:
        return None
    if continues:
        if original is None or (requested is not None and requested != original):
            raise e.InvalidTarget(e.RESOURCE_NOT_MATCHING, event_error="")
        return original
    return requested


async def bind(tx: Tx, realm: Realm, resource: str, audience: list[str]) -> Binding:
    """The one audience ``resource`` names among the access token's ``audience``, or ``invalid_target``."""
    found: str | None = None
    if resource.startswith(URN_CLIENT):
        client_id = resource[len(URN_CLIENT) :]
        found = client_id if client_id in audience else None
    else:
        for name in audience:
            client = await tx.config.client(realm.id, name)
            if client is not None and client.attributes.get(RESOURCE_URL) == resource:
                found = resource
                break
    if found is None:
        raise e.InvalidTarget(e.RESOURCE_INVALID, event_error="")
    return Binding(resource, found)


def valid_request(resource: str | None) -> bool:
    """AuthorizationEndpointChecker.checkValidResource: no ``resource``, or a well-formed one."""
    return resource is None or resource_syntax.valid(resource)
