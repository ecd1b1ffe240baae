"""A later login through a provider in FORCE sync: what Keycloak's IdentityBrokerService.updateFederatedIdentity and
the provider's updateBrokeredUser (AbstractIdentityProvider.updateEmail and updateUsername) do to the user and its
link before the mappers run.

setBasicUserAttributes copies the identity's e-mail (compared ignoring case) and names where they differ; a new
e-mail is verified when the provider is trusted and the review page did not change it, and unverified otherwise
(setEmail). The link takes the provider's new username. Then updateEmail: an e-mail the review page changed is
unverified; else a trusted OpenID Connect provider's ID token ``email_verified`` claim decides whether the e-mail is
verified, e-mail changed or not (OIDCIdentityProvider.setEmailVerified); without that claim, an e-mail that differs
ignoring case is verified as the provider is trusted. updateUsername: a realm naming users by e-mail renames the
user to the identity's e-mail, a realm letting users edit their username to the identity's username, kept in lower
case; a username another user of the realm has is left alone, and so is an e-mail another user has in a realm
that does not allow duplicate e-mails (Doorkeep's: Keycloak's unique constraint fails the login).
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING, Any

from doorkeep.admin.stored_text import NAME_COLUMN
from doorkeep.broker.oidc import Config, Identity
from doorkeep.model import Realm, User

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

log = logging.getLogger(__name__)


async def update(tx: Tx, realm: Realm, config: Config, identity: Identity, user: User, email_changed: bool) -> User:
    """The user as a FORCE login leaves it before the mappers (not stored here); the link's username stored.
    ``email_changed``: the review page of this login changed the e-mail (UPDATE_PROFILE_EMAIL_CHANGED)."""
    changed = _basic_attributes(config, identity, user, email_changed)
    await _link_username(tx, config, identity, user)
    changed = _update_email(config, identity, changed, email_changed)
    return await _update_username(tx, realm, identity, changed)


async def unique_email(tx: Tx, realm: Realm, user: User, changed: User) -> User:
    """``changed`` as a later login stores it (after FORCE sync and the mappers, broker/idp_mappers.py): a new e-mail
    another user of a realm that does not allow duplicate e-mails holds leaves the user's e-mail (and its
    verification) as it was, the login going on. Keycloak's setEmail would break its unique constraint (the
    login fails, nothing written); writing it would leave two users on one address, neither then found by it."""
    if realm.duplicate_emails_allowed or not changed.email or changed.email == (user.email or "").lower():
        return changed
    if any(holder != user.id for holder in await tx.users.ids_with_email(realm.id, changed.email)):
        log.warning("realm %s: the provider's e-mail is another user's, not changed", realm.name)
        return dataclasses.replace(changed, email=user.email, email_verified=user.email_verified)
    return changed


def fits(field: str, value: str) -> bool:
    """Whether a later login may copy the provider's ``value`` onto the user's ``field``: Keycloak's columns hold
    255 characters, and its database refuses a longer one (PostgreSQL refuses it here too, and SQLite would keep
    it); the first login's review of the profile refuses it as up-length does. A longer value leaves the field
    as it was and the login goes on; neither it nor its length is logged."""
    if len(value) <= NAME_COLUMN:
        return True
    log.warning("a brokered %s longer than %d characters is not copied onto the user", field, NAME_COLUMN)
    return False


def _basic_attributes(config: Config, identity: Identity, user: User, email_changed: bool) -> User:
    """setBasicUserAttributes with setEmail."""
    changes: dict[str, Any] = {
        field: value
        for field, value in (
            ("email", identity.email.lower() if identity.email else None),
            ("first_name", identity.first_name),
            ("last_name", identity.last_name),
        )
        if value is not None and value != getattr(user, field) and fits(field, value)
    }
    if "email" in changes:
        changes["email_verified"] = config.trust_email and not email_changed
    return dataclasses.replace(user, **changes)


async def _link_username(tx: Tx, config: Config, identity: Identity, user: User) -> None:
    link = next((f for f in await tx.federated.of_user(user.id) if f.alias == config.alias), None)
    if link is not None and link.federated_username != identity.username:
        await tx.federated.set_username(user.id, config.alias, identity.username)


def _update_email(config: Config, identity: Identity, user: User, email_changed: bool) -> User:
    """AbstractIdentityProvider.updateEmail with OIDCIdentityProvider.setEmailVerified."""
    email = identity.email.lower() if identity.email else None
    if email is None or not fits("email", email):
        return user
    if email_changed:
        verified = False
    elif config.trust_email and identity.email_verified is not None:
        verified = identity.email_verified
    elif email != (user.email or "").lower():
        verified = config.trust_email
    else:
        verified = user.email_verified
    return dataclasses.replace(user, email=email, email_verified=verified)


async def _update_username(tx: Tx, realm: Realm, identity: Identity, user: User) -> User:
    """AbstractIdentityProvider.updateUsername for a user the provider did not just create."""
    if realm.registration_email_as_username:
        wanted = identity.email
    elif realm.edit_username_allowed:
        wanted = identity.username
    else:
        return user
    wanted = wanted.lower() if wanted else None
    if not wanted or wanted == user.username or not fits("username", wanted):
        return user
    if await tx.users.get_by_username(realm.id, wanted) is not None:
        log.warning("realm %s: the provider's username is another user's, not changed", realm.name)
        return user
    return dataclasses.replace(user, username=wanted)
