"""Retrieving a user's stored identity provider token (Keycloak's IdentityBrokerService.retrieveToken, the
"Retrieving External IdP Tokens" API): ``GET /realms/{realm}/broker/{alias}/token`` with the user's bearer access
token answers the provider's token response kept on the user's link, when the provider stores tokens
(``storeToken``), is enabled, and the token carries the ``broker`` client's ``read-token`` role.

The checks run in Keycloak's order; each refusal is its ``{"errorMessage"}`` answer with its status and an
``IDENTITY_PROVIDER_RETRIEVE_TOKEN_ERROR`` event. The stored token goes into the answer only: never into an
event, a log line or an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep.broker import providers as idp
from doorkeep.model import JSON, Client, Realm, User
from doorkeep.oauth import access

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx

BROKER_CLIENT = "broker"  # Constants.BROKER_SERVICE_CLIENT_ID
READ_TOKEN_ROLE = "read-token"  # Constants.READ_TOKEN_ROLE
EVENT = "IDENTITY_PROVIDER_RETRIEVE_TOKEN"
# Messages.COULD_NOT_OBTAIN_TOKEN: the error page of an alias the realm has no provider for (IdentityBrokerException).
COULD_NOT_OBTAIN_TOKEN = "Could not obtain token from identity provider."
COULD_NOT_OBTAIN_TOKEN_KEY = "couldNotObtainTokenMessage"


@dataclass(frozen=True)
class Retrieved:
    """The stored token response, for the token's client (whose web origins the answer's CORS allows)."""

    token: str
    client: Client
    user: User
    provider: JSON  # its storeToken on: the token may be refreshed before it is answered (broker/stored_tokens.py)


@dataclass(frozen=True)
class Refused:
    """A refusal: Keycloak's status and ``errorMessage``; ``page`` when Keycloak answers its HTML error page
    instead; the event's ``error`` and ``reason``."""

    status: int
    message: str
    error: str
    reason: str | None = None
    client: Client | None = None
    user: User | None = None
    page: bool = False


IDENTITY_PROVIDER_ERROR = "identity_provider_error"  # Errors.IDENTITY_PROVIDER_ERROR
UNAUTHORIZED_CLIENT = "unauthorized_client"  # Errors.UNAUTHORIZED_CLIENT


def can_read_tokens(claims: dict[str, Any]) -> bool:
    """IdentityBrokerService.canReadBrokerToken: the token's own ``resource_access.broker.roles`` (not the user's
    roles) hold ``read-token``."""
    resource_access = claims.get("resource_access")
    broker = resource_access.get(BROKER_CLIENT) if isinstance(resource_access, dict) else None
    roles = broker.get("roles") if isinstance(broker, dict) else None
    return isinstance(roles, list) and READ_TOKEN_ROLE in roles


async def retrieve(
    tx: Tx, services: Services, realm: Realm, issuer: str, presented: access.Presentation | None, alias: str
) -> Retrieved | Refused:
    """The checks of getToken, in its order: a valid bearer (or DPoP) token of this realm, its session alive, the
    realm's ``broker`` client, the ``read-token`` role in the token, the provider, its ``storeToken``, the user's
    link, a token on the link."""
    if presented is None:
        return Refused(400, "Invalid token.", "Invalid token.")
    try:
        valid = await access.validate(tx, services, realm, issuer, presented.token, presented)
    except access.InvalidAccess:
        return Refused(400, "Invalid token.", "Invalid token.")
    client, user = valid.client, valid.user

    def refused(status: int, message: str, error: str, reason: str) -> Refused:
        return Refused(status, message, error, reason, client, user)

    if await tx.clients.get_by_client_id(realm.id, BROKER_CLIENT) is None:
        text = "Realm has not migrated to support the broker token exchange service"
        return refused(403, text, IDENTITY_PROVIDER_ERROR, text)
    if not can_read_tokens(valid.claims):
        message = f"Client [{client.client_id}] not authorized to retrieve tokens from identity provider [{alias}]."
        return refused(403, message, UNAUTHORIZED_CLIENT, "Client not authorized to retrieve tokens for provider")
    provider = idp.by_alias(realm, alias)
    # getIdentityProviderModel: no provider of that alias, or a disabled one, is an IdentityBrokerException: 502 page
    if provider is None or not provider.get("enabled", True):
        return Refused(502, COULD_NOT_OBTAIN_TOKEN, COULD_NOT_OBTAIN_TOKEN_KEY, None, client, user, page=True)
    if not provider.get("storeToken"):
        message = f"Identity Provider [{alias}] does not support this operation."
        return refused(400, message, IDENTITY_PROVIDER_ERROR, "Identity Provider does not support this operation")
    link = next((f for f in await tx.federated.of_user(user.id) if f.alias == alias), None)
    if link is None:
        message = f"User [{user.id}] is not associated with identity provider [{alias}]."
        return refused(400, message, IDENTITY_PROVIDER_ERROR, "User not associated to identity provider")
    if link.token is None:
        message = f"No token stored for user [{user.id}] with associated identity provider [{alias}]."
        return refused(404, message, IDENTITY_PROVIDER_ERROR, "No token stored for user in this provider")
    return Retrieved(link.token, client, user, provider)
