"""The Account REST's linking resources (Keycloak 26's LinkedAccountsResource ``/{providerAlias}``): the GET that
answers an application the URL linking the signed-in user's session to a provider starts at
(BrokerUtil.createClientInitiatedLinkURI: ``{accountLinkUri, nonce, hash}``, deprecated in Keycloak 26 for the
``idp_link`` application-initiated action but still served), and the DELETE that unlinks (REMOVE_FEDERATED_IDENTITY).

The hash binds the link to one user session, one client and one provider: the base64url SHA-256 of
``nonce + session id + client id + alias``; the ``/broker/{alias}/link`` endpoint recomputes it from the browser's
own session, so a URL made for one session is worthless in another.
"""

from __future__ import annotations

import base64
import hashlib
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

from doorkeep import events
from doorkeep.errors import AdminError
from doorkeep.oauth import login_broker_email_link
from doorkeep.organizations.brokers import home_brokers
from doorkeep.users.account import ACCOUNT_CLIENT, MANAGE_ACCOUNT, Caller

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

ACCOUNT_CONSOLE = "account-console"
PASSWORD = "password"

# Keycloak's Messages keys, answered as ErrorResponse.error does ({"errorMessage": key}) ...
INVALID_REDIRECT_URI = AdminError(400, "invalidRedirectUriMessage")
MISSING_PROVIDER = AdminError(400, "missingIdentityProviderMessage")
PROVIDER_NOT_FOUND = AdminError(400, "identityProviderNotFoundMessage")
ACCOUNT_DISABLED = AdminError(400, "accountDisabledMessage")
SESSION_NOT_ACTIVE = AdminError(400, "sessionNotActiveMessage")
# ... or, for the DELETE's own refusals, translated by the account theme (translateErrorMessage)
LINK_NOT_ACTIVE = AdminError(400, "This identity is not active anymore.")
LAST_PROVIDER = AdminError(400, "You can't remove last federated identity as you don't have a password.")
ORGANIZATION_LINK = AdminError(
    400, "You cannot remove the link to an identity provider associated with an organization."
)
# Keycloak 26.7.2 (#51832, #51837): with the legacy ``/broker/{alias}/link`` endpoint off (its default) the GET has no
# URL to hand out: NotFoundException with this message, which KeycloakErrorHandler answers as 404 {"error": ...}.
LINKING_DISABLED = AdminError(404, "Legacy client-initiated account linking is disabled.", key="error")


def link_hash(nonce: str, session_id: str, client_id: str, alias: str) -> str:
    """base64url (unpadded) SHA-256 of the four values joined, as BrokerUtil and IdentityBrokerService compute it."""
    digest = hashlib.sha256(f"{nonce}{session_id}{client_id}{alias}".encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def _preconditions(caller: Caller, alias: str) -> None:
    """LinkedAccountsResource.checkCommonPreconditions: manage-account, a provider of that alias (enabled or
    not), an enabled user."""
    caller.require_one_of(MANAGE_ACCOUNT)
    if not alias:
        raise MISSING_PROVIDER
    if not any(p.get("alias") == alias for p in caller.realm.identity_providers):
        raise PROVIDER_NOT_FOUND
    if not caller.user.enabled:
        raise ACCOUNT_DISABLED


async def link_uri(
    tx: Tx, caller: Caller, alias: str, redirect_uri: str | None, *, legacy_linking: bool
) -> dict[str, Any]:
    """``GET /account/linked-accounts/{alias}?redirectUri``: the ``/broker/{alias}/link`` URL for the
    ``account-console`` client and the caller's session, while that endpoint is on (``legacy_linking``, the server's
    ``allow-client-initiated-account-linking``; else LINKING_DISABLED, after the manage-account check). The redirect
    URI is checked by that endpoint, not here. A user with a home broker gets none (ORGANIZATION_LINK, Keycloak 26.7's
    #49720). Keycloak forgets to throw its "missing redirect URI" error and then
    fails building the URL (a 500); Doorkeep answers the error it meant."""
    caller.require_one_of(MANAGE_ACCOUNT)
    if not legacy_linking:
        raise LINKING_DISABLED
    if redirect_uri is None:
        raise INVALID_REDIRECT_URI
    _preconditions(caller, alias)
    if await home_brokers(tx, caller.realm, caller.user.id):
        raise ORGANIZATION_LINK
    if caller.session_id is None:
        raise SESSION_NOT_ACTIVE
    nonce = str(uuid.uuid4())
    digest = link_hash(nonce, caller.session_id, ACCOUNT_CONSOLE, alias)
    params = urlencode({"nonce": nonce, "hash": digest, "client_id": ACCOUNT_CONSOLE, "redirect_uri": redirect_uri})
    path = f"/realms/{quote(caller.realm.name, safe='')}/broker/{quote(alias, safe='')}/link"
    return {"accountLinkUri": f"{caller.base_url}{path}?{params}", "nonce": nonce, "hash": digest}


async def unlink(tx: Tx, caller: Caller, alias: str) -> None:
    """``DELETE /account/linked-accounts/{alias}``: the user's link removed, unless it is their last way to sign
    in (no other link and no password); a REMOVE_FEDERATED_IDENTITY event."""
    _preconditions(caller, alias)
    links = await tx.federated.of_user(caller.user.id)
    link = next((f for f in links if f.alias == alias), None)
    if link is None:
        raise LINK_NOT_ACTIVE
    if alias in await home_brokers(tx, caller.realm, caller.user.id):
        raise ORGANIZATION_LINK  # resolveHomeBroker: a MANAGED member keeps the link their organization made
    has_password = any(c.type == PASSWORD for c in await tx.users.credentials(caller.user.id))
    if len(links) <= 1 and not has_password:
        raise LAST_PROVIDER
    await tx.federated.remove(caller.user.id, alias)
    await login_broker_email_link.revoke(tx, caller.realm.id, caller.user.id, alias)
    details = {"username": caller.user.username, "identity_provider": alias}
    if link.federated_username is not None:
        details["identity_provider_identity"] = link.federated_username
    await events.record(
        tx,
        caller.realm,
        "REMOVE_FEDERATED_IDENTITY",
        now=caller.now,
        client_id=ACCOUNT_CLIENT,  # AccountLoader's Auth names the account client
        user_id=caller.user.id,
        ip=caller.ip,
        details=details,
    )
