"""The events of a login through a provider that changed the linked user (Keycloak's BrokeredUserChangeTracker).

The provider in FORCE and the mappers may rewrite the user each time IdentityBrokerService.updateFederatedIdentity runs:
a later login, the first broker login's link to an existing account, and an account link (client-initiated or the
``idp_link`` action) through performAccountLinking (idp_mappers.update_brokered_user). What they changed is reported
like any other profile update: a new e-mail as UPDATE_EMAIL, every other change in one UPDATE_PROFILE, each with the
``previous_*`` and ``updated_*`` details and the context ``IDP_SYNC``. Values are compared as stored, so an e-mail the
provider sends in another case, stored in lower case, is no change and no event.

Each event is a clone of the request's event builder (sendEvents' createEvent): for the provider's answer
(IdentityBrokerService.authenticated) the client, the ``code_id`` SessionCodeChecks puts on it, the redirect URI, the
provider, the provider's username and the provider's session (``identity_provider_broker_session_id``); the tracker adds
the user, its username as it now is, and the context.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep import events
from doorkeep.broker import oidc
from doorkeep.broker.provider_logout import broker_session_of
from doorkeep.model import Realm, User
from doorkeep.oauth.login_events import code_id
from doorkeep.oauth.login_step import LoginSite, StepContext
from doorkeep.users.account_profile import change_details

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

IDP_SYNC = "IDP_SYNC"  # BrokeredUserChangeTracker.IDP_SYNC_CONTEXT
_EMAIL = ("previous_email", "updated_email")


@dataclass(frozen=True)
class Builder:
    """What the request's event builder holds when updateFederatedIdentity runs."""

    realm: Realm
    now: int
    client_id: str | None
    ip: str | None
    details: dict[str, str | None]


def answer_details(
    alias: str, brokered: oidc.Identity, redirect_uri: str | None, code: str | None
) -> dict[str, str | None]:
    """The details IdentityBrokerService.authenticated leaves on its builder (with SessionCodeChecks' ``code_id``)."""
    return {
        "code_id": code,
        "redirect_uri": redirect_uri or None,
        "identity_provider": alias,
        "identity_provider_identity": brokered.username,
        "identity_provider_broker_session_id": broker_session_of(alias, brokered.token),
    }


def split(before: User, after: User) -> tuple[dict[str, str], dict[str, str]]:
    """The details of UPDATE_EMAIL and of UPDATE_PROFILE: an empty mapping when that event is not sent."""
    details = change_details(before, after)
    email = {key: details.pop(key) for key in _EMAIL if key in details}
    return email, details


async def send(tx: Tx, builder: Builder, before: User, after: User) -> None:
    """sendEvents: UPDATE_EMAIL, then UPDATE_PROFILE, for what changed on the user (nothing when nothing)."""
    email, profile = split(before, after)
    for kind, changes in (("UPDATE_EMAIL", email), ("UPDATE_PROFILE", profile)):
        if not changes:
            continue
        await events.record(
            tx,
            builder.realm,
            kind,
            now=builder.now,
            client_id=builder.client_id,
            user_id=after.id,
            ip=builder.ip,
            details={k: v for k, v in builder.details.items() if v is not None}
            | {"context": IDP_SYNC, "username": after.username, **changes},
        )


async def record(site: LoginSite | StepContext, alias: str, brokered: oidc.Identity, before: User, after: User) -> None:
    """The sync events of the provider's answer: a later login (it found the linked user), or the ``idp_link``
    action's link."""
    details = answer_details(alias, brokered, site.request.redirect_uri, code_id(site.request, site.browser))
    builder = Builder(site.realm, site.services.clock.now(), site.client.client_id, site.browser.ip_address, details)
    await send(site.tx, builder, before, after)


async def record_first_link(site: LoginSite, alias: str, brokered: oidc.Identity, before: User, after: User) -> None:
    """The sync events of the first broker login's link to an existing account: afterFirstBrokerLogin's own request,
    whose builder has the ``code_id`` (its root authentication session), the provider and the provider's username,
    and neither the redirect URI nor the provider's session."""
    details: dict[str, str | None] = {
        "code_id": code_id(site.request, site.browser),
        "identity_provider": alias,
        "identity_provider_identity": brokered.username,
    }
    builder = Builder(site.realm, site.services.clock.now(), site.client.client_id, site.browser.ip_address, details)
    await send(site.tx, builder, before, after)
