"""The events of a later login through a provider that changed the linked user (Keycloak's BrokeredUserChangeTracker).

The provider in FORCE and the mappers may rewrite the user at each login (idp_mappers.update_brokered_user). What they
changed is reported like any other profile update: a new e-mail as UPDATE_EMAIL, every other change in one
UPDATE_PROFILE, each with the ``previous_*`` and ``updated_*`` details and the context ``IDP_SYNC``. Values are compared
as stored, so an e-mail the provider sends in another case, stored in lower case, is no change and no event.
"""

from __future__ import annotations

from doorkeep import events
from doorkeep.broker import oidc
from doorkeep.model import User
from doorkeep.oauth.login_step import LoginSite
from doorkeep.users.account_profile import change_details

IDP_SYNC = "IDP_SYNC"  # BrokeredUserChangeTracker.IDP_SYNC_CONTEXT
_EMAIL = ("previous_email", "updated_email")


def split(before: User, after: User) -> tuple[dict[str, str], dict[str, str]]:
    """The details of UPDATE_EMAIL and of UPDATE_PROFILE: an empty mapping when that event is not sent."""
    details = change_details(before, after)
    email = {key: details.pop(key) for key in _EMAIL if key in details}
    return email, details


async def record(site: LoginSite, alias: str, brokered: oidc.Identity, before: User, after: User) -> None:
    """sendEvents: UPDATE_EMAIL, then UPDATE_PROFILE, for what the login changed on the user (nothing when nothing)."""
    email, profile = split(before, after)
    for kind, changes in (("UPDATE_EMAIL", email), ("UPDATE_PROFILE", profile)):
        if not changes:
            continue
        await events.record(
            site.tx,
            site.realm,
            kind,
            now=site.services.clock.now(),
            client_id=site.client.client_id,
            user_id=after.id,
            ip=site.browser.ip_address,
            details={
                "context": IDP_SYNC,
                "identity_provider": alias,
                "identity_provider_identity": brokered.username,
                "redirect_uri": site.request.redirect_uri or None,
                "username": after.username,
                **changes,
            },
        )
