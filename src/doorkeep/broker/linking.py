"""Client-initiated account linking (Keycloak 26's IdentityBrokerService.clientInitiatedAccountLinking and
performAccountLinking, deprecated there for the ``idp_link`` action yet still served): a signed-in browser is sent
to ``/broker/{alias}/link?client_id&redirect_uri&nonce&hash``; the hash (broker/account_links.link_hash) must be the
one of the browser's own SSO session and a client logged in to it, the user must hold ``manage-account`` or
``manage-account-links``; the provider's answer then links its identity to that session's user, unless the
identity already belongs to someone else.

No HTTP here: web/broker_link.py reads the request, these decide and record the events.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep import events
from doorkeep.broker import first_login, idp_mappers, oidc
from doorkeep.broker import providers as idp
from doorkeep.broker.account_links import link_hash
from doorkeep.broker.provider_logout import PROVIDER_NOTE, PROVIDER_USERNAME_NOTE
from doorkeep.model import Client, Realm, User, UserSession
from doorkeep.oauth import broker_sync_events, redirect_uris, roles
from doorkeep.organizations import brokers
from doorkeep.users.account import ACCOUNT_CLIENT, MANAGE_ACCOUNT

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

START = "CLIENT_INITIATED_ACCOUNT_LINKING"
LINKED = "FEDERATED_IDENTITY_LINK"
MANAGE_LINKS = "manage-account-links"
LINK_KEY = "link"  # in the tab's broker note: the session, client, user and redirect URI the link was started for

# Messages texts
INVALID_REQUEST = "Invalid Request"
MISSING_CLIENT = "Missing parameter: client_id"
ALREADY_LINKED = "Federated identity returned by {0} is already linked to another user."
INSUFFICIENT = "Insufficient permissions to link identities."
DISABLED = "Account is disabled, contact your administrator."
ALREADY_MINE = "Federated identity returned by {0} is already linked to your account."
SESSION_EXPIRED = "Requested broker account linking, but current session is no longer valid."
# federatedIdentityBoundOrganization, the text of Keycloak's account theme (the one it has)
BOUND = "You cannot remove the link to an identity provider associated with an organization."


@dataclass(frozen=True)
class Where:
    """Who and from where: what the events record."""

    realm: Realm
    now: int
    ip: str | None
    base_url: str


@dataclass(frozen=True)
class Refused:
    """An error page (Keycloak's ErrorPageException), ``text`` formatted with ``arg``."""

    text: str
    status: int = 400
    arg: str | None = None
    error: str | None = None  # the event's error: the message's key

    def shown(self) -> str:
        return self.text.replace("{0}", self.arg) if self.arg is not None else self.text


@dataclass(frozen=True)
class Back:
    """A redirect to the application (a ``link_error``, or the link made)."""

    url: str


@dataclass(frozen=True)
class Start:
    """The link may go to the provider: the client, the session and its user, the verified redirect URI."""

    client: Client
    session: UserSession
    user: User
    redirect_uri: str
    provider: dict[str, Any]


async def _event(tx: Tx, at: Where, type: str, *, error: str | None = None, **detail: Any) -> None:
    client_id, user_id, session_id = detail.pop("client", None), detail.pop("user", None), detail.pop("session", None)
    await events.record(
        tx,
        at.realm,
        type,
        now=at.now,
        client_id=client_id,
        user_id=user_id,
        session_id=session_id,
        ip=at.ip,
        error=error,
        details={k: v for k, v in detail.items() if v is not None},
    )


def _back(redirect_uri: str, error: str, nonce: str) -> Back:
    return Back(redirect_uris.with_params(redirect_uri, {"link_error": error, "nonce": nonce}))


async def may_link(tx: Tx, realm: Realm, user: User) -> bool:
    """The user holds manage-account or manage-account-links of the ``account`` client (composites expanded)."""
    account = await tx.clients.get_by_client_id(realm.id, ACCOUNT_CLIENT)
    if account is None:
        return False
    wanted = [await tx.roles.get_client_role(account.id, name) for name in (MANAGE_ACCOUNT, MANAGE_LINKS)]
    mine = await roles.user_roles(tx, user)
    return any(role is not None and role.id in mine for role in wanted)


async def start(
    tx: Tx, at: Where, alias: str, params: dict[str, str], current: tuple[UserSession, User] | None
) -> Refused | Back | Start:
    """clientInitiatedAccountLinking's checks, in Keycloak's order, each a CLIENT_INITIATED_ACCOUNT_LINKING
    event (an error, or success before the browser goes to the provider)."""
    realm, client_id = at.realm, params.get("client_id")
    if not client_id:
        await _event(tx, at, f"{START}_ERROR", error="invalid_request")
        return Refused(MISSING_CLIENT)
    client = await tx.clients.get_by_client_id(realm.id, client_id)
    if client is None or not client.enabled:
        error = "client_not_found" if client is None else "client_disabled"
        await _event(tx, at, f"{START}_ERROR", error=error, client=client_id)
        return Refused(INVALID_REQUEST)
    requested = params.get("redirect_uri")
    redirect_uri = (
        redirect_uris.verify(requested, client.redirect_uris, client.root_url, at.base_url) if requested else None
    )
    if redirect_uri is None:
        await _event(tx, at, f"{START}_ERROR", error="invalid_redirect_uri", client=client_id)
        return Refused(INVALID_REQUEST)
    nonce, digest = params.get("nonce"), params.get("hash")
    if not nonce or not digest:
        await _event(
            tx, at, f"{START}_ERROR", error="invalid_redirect_uri", client=client_id, redirect_uri=redirect_uri
        )
        return Refused(INVALID_REQUEST)
    if current is None:
        await _event(tx, at, f"{START}_ERROR", error="not_logged_in", client=client_id, redirect_uri=redirect_uri)
        return _back(redirect_uri, "not_logged_in", nonce)
    session, user = current
    who: dict[str, Any] = {"client": client_id, "user": user.id, "session": session.id, "username": user.username}
    logged_in = {cs.client_id for cs in await tx.sessions.client_sessions(session.id, False)}
    expected = link_hash(nonce, session.id, client_id, alias)
    if client.id not in logged_in or not hmac.compare_digest(expected.encode(), digest.encode()):
        await _event(tx, at, f"{START}_ERROR", error="invalid_token", redirect_uri=redirect_uri, **who)
        return Refused(INVALID_REQUEST)
    if client_id != ACCOUNT_CLIENT and not await may_link(tx, realm, user):
        await _event(
            tx, at, f"{START}_ERROR", error="not_allowed", redirect_uri=redirect_uri, identity_provider=alias, **who
        )
        return _back(redirect_uri, "not_allowed", nonce)
    provider = enabled(realm, alias)
    if provider is None:
        await _event(
            tx,
            at,
            f"{START}_ERROR",
            error="unknown_identity_provider",
            redirect_uri=redirect_uri,
            identity_provider=alias,
            **who,
        )
        return _back(redirect_uri, "unknown_identity_provider", nonce)
    await _event(tx, at, START, redirect_uri=redirect_uri, identity_provider=alias, code_id=session.id, **who)
    return Start(client, session, user, redirect_uri, provider)


def note_of(start: Start) -> dict[str, str]:
    """What the tab keeps of the link, under the broker note's ``link``."""
    return {
        "session": start.session.id,
        "client": start.client.client_id,
        "user": start.user.id,
        "redirect_uri": start.redirect_uri,
    }


async def finish(
    tx: Tx,
    at: Where,
    link: dict[str, Any],
    current: tuple[UserSession, User] | None,
    config: oidc.Config,
    brokered: oidc.Identity,
) -> Refused | Back:
    """performAccountLinking: the browser's session must still be the one the link started in; the identity may
    belong to no other user ... (``attach``). Then FEDERATED_IDENTITY_LINK is recorded, the session notes the
    provider unless it logged in through one, and the browser goes back."""
    realm = at.realm
    who: dict[str, Any] = {"client": link.get("client"), "identity_provider": config.alias}
    if current is None or current[0].id != link.get("session") or current[1].id != link.get("user"):
        await _event(tx, at, f"{LINKED}_ERROR", error="brokerLinkingSessionExpired", **who)
        return Refused(SESSION_EXPIRED, error="brokerLinkingSessionExpired")
    session, user = current
    who |= {"user": user.id, "session": session.id, "username": user.username}
    brokered = idp_mappers.preprocess(realm, config, brokered)
    linked = await attach(tx, realm, config, brokered, user)
    if isinstance(linked, Refused):
        await _event(tx, at, f"{LINKED}_ERROR", error=linked.error, **who)
        return linked
    redirect_uri = str(link.get("redirect_uri"))
    details = broker_sync_events.answer_details(config.alias, brokered, redirect_uri, session.id)
    builder = broker_sync_events.Builder(realm, at.now, link.get("client"), at.ip, details)
    await broker_sync_events.send(tx, builder, user, linked)
    if PROVIDER_NOTE not in session.notes:  # a session that logged in through another provider keeps its logout
        notes = session.notes | {PROVIDER_NOTE: config.alias, PROVIDER_USERNAME_NOTE: brokered.username}
        await tx.sessions.update_user_session_notes(session.id, False, notes)
    who["username"] = linked.username  # read after updateFederatedIdentity: the name the mappers left
    await _event(tx, at, LINKED, identity_provider_identity=brokered.username, **who)
    return Back(redirect_uri)


async def attach(tx: Tx, realm: Realm, config: oidc.Config, brokered: oidc.Identity, user: User) -> Refused | User:
    """performAccountLinking's checks and link, shared with the idp_link action: the identity may belong to no
    other user, the user must hold manage-account or manage-account-links, be enabled, have no home broker (a MANAGED
    member linked through their organization's provider, Organizations.resolveHomeBroker, even for that provider),
    and not be linked to another identity of the provider. Then the link is made (or its stored token renewed) and
    the mappers run as on a later login (updateFederatedIdentity). The user as they left it once linked (the caller
    reports what changed: broker_sync_events). ``brokered`` as the provider's mappers preprocessed it."""
    owner = await first_login.linked_user(tx, realm, config, brokered)
    display = idp.display_name(realm, config.alias)
    if owner is not None and owner.id != user.id:
        return Refused(ALREADY_LINKED, arg=display, error="identityProviderAlreadyLinkedMessage")
    if not await may_link(tx, realm, user):
        return Refused(INSUFFICIENT, 403, error="insufficientPermissionMessage")
    if not user.enabled:
        return Refused(DISABLED, error="accountDisabledMessage")
    if await brokers.home_brokers(tx, realm, user.id):  # Keycloak 26.7 (#49720): a MANAGED member links nothing more
        return Refused(BOUND, error="federatedIdentityBoundOrganization")
    if owner is None:
        if any(f.alias == config.alias for f in await tx.federated.of_user(user.id)):  # ModelDuplicateException
            return Refused(ALREADY_MINE, arg=display, error="identityProviderAlreadyLinkedToCurrentUserMessage")
        await first_login.link(tx, realm, config, brokered, user)
    else:
        await first_login.refresh_token(tx, config, brokered, user)
    return await idp_mappers.update_brokered_user(tx, realm, config, brokered, user)


def enabled(realm: Realm, alias: str) -> dict[str, Any] | None:
    """The provider a link may use: enabled, link-only or not (getIdentityProviderModel)."""
    provider = idp.by_alias(realm, alias)
    return provider if provider is not None and idp.runs(provider) else None
