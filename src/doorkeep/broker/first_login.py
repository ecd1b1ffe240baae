"""What Keycloak's default first broker login flow does with a brokered identity no user is linked to yet:
IdpCreateUserIfUniqueAuthenticator creates a user when no user has its e-mail (unless the realm allows shared
e-mails) nor its username, and links it; otherwise IdpConfirmLinkAuthenticator asks whether to add the identity
to the existing account, which IdpUsernamePasswordForm then confirms by the account's password
("Verify Existing Account by Re-authentication"). The flow's steps are oauth/login_broker_first.py.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep.admin.stored_text import NAME_COLUMN
from doorkeep.broker.idp_mappers import FIELDS, USERNAME
from doorkeep.broker.oidc import Config, Identity
from doorkeep.model import FederatedIdentity, Realm, User
from doorkeep.realms import provisioning

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Existing:
    """IdpCreateUserIfUniqueAuthenticator's ExistingUserInfo: the account the identity collides with, and how."""

    user: User
    attribute: str  # "email" or "username"
    value: str


def model_username(realm: Realm, identity: Identity) -> str:
    """The new user's username (BrokeredIdentityContext.getModelUsername): the e-mail when the realm names users by
    their e-mail, else a username template's, else the provider's username; Keycloak keeps usernames in lower case."""
    if realm.registration_email_as_username and identity.email:
        return identity.email.lower()
    chosen = identity.model_username if identity.model_username is not None else identity.username
    return chosen.strip().lower()


async def linked_user(tx: Tx, realm: Realm, config: Config, identity: Identity) -> User | None:
    """UserProvider.getUserByFederatedIdentity."""
    user_id = await tx.federated.user_of(realm.id, config.alias, identity.id)
    return await tx.users.get(user_id) if user_id else None


async def existing(tx: Tx, realm: Realm, identity: Identity) -> Existing | None:
    """IdpCreateUserIfUniqueAuthenticator.checkExistingUser: the e-mail first (unless shared e-mails are allowed),
    then the username."""
    if identity.email and not realm.duplicate_emails_allowed:
        found = await tx.users.get_by_email(realm.id, identity.email)
        if found is not None:
            return Existing(found, "email", identity.email)
    username = model_username(realm, identity)
    found = await tx.users.get_by_username(realm.id, username)
    if found is not None:
        return Existing(found, "username", username)
    return None


def username_fits(realm: Realm, identity: Identity) -> bool:
    """IdpCreateUserIfUniqueAuthenticator (keycloak#50903): a new user's username past Validation.MAX_USERNAME_LENGTH
    sends the first broker login back to its review page, whatever the page's mode, and creates no one."""
    return len(model_username(realm, identity)) <= NAME_COLUMN


def fits_columns(realm: Realm, identity: Identity) -> bool:
    """Whether the new user's username, e-mail and names fit Keycloak's columns. With the review page off nothing
    validates them first (up-length), and ``session.users().addUser`` fails in Keycloak's database, which
    AuthenticationProcessor.handleBrowserException answers with its 400 "Unexpected error when handling
    authentication request to identity provider." page; PostgreSQL refuses them here too, SQLite would keep them."""
    values = (model_username(realm, identity), identity.email, identity.first_name, identity.last_name)
    return all(value is None or len(value) <= NAME_COLUMN for value in values)


async def create(tx: Tx, realm: Realm, config: Config, identity: Identity, now: int) -> User:
    """The new user (IdpCreateUserIfUniqueAuthenticator.authenticateImpl) with its default roles and groups; its
    e-mail verified when the provider is trusted (``trustEmail``); its link made at once."""
    fields, attributes = await _from_attributes(tx, realm, identity)
    user = User(
        id=provisioning.new_id(),
        realm_id=realm.id,
        username=model_username(realm, identity),
        enabled=True,
        email=fields["email"],
        email_verified=bool(config.trust_email and fields["email"]),
        first_name=fields["first_name"],
        last_name=fields["last_name"],
        created_timestamp=now * 1000,
        attributes=attributes,
    )
    await provisioning.create_user(tx, realm, user)
    await link(tx, realm, config, identity, user)
    if config.add_read_token_role:
        await grant_read_token(tx, realm, user)
    return user


async def _from_attributes(
    tx: Tx, realm: Realm, identity: Identity
) -> tuple[dict[str, str | None], dict[str, list[str]]]:
    """The new user's e-mail and names, and its attributes: IdpCreateUserIfUniqueAuthenticator sets each of the
    identity's user attributes (the mappers' preprocessFederatedIdentity) with UserModel.setAttribute, in name order
    and ``username`` skipped, so a Hardcoded Attribute naming ``email``, ``firstName`` or ``lastName`` writes that
    field (UserAdapter.setAttribute; the e-mail in lower case, a blank one none), never an attribute of that name;
    an attribute without values is not stored. An e-mail another user of a realm without duplicate e-mails holds is
    not written (the identity's own e-mail, which checkExistingUser found free, stays): Keycloak's checkExistingUser
    looks at the identity's e-mail only, and writing the mapper's breaks its unique e-mail constraint, failing the
    login with an unexpected error; here the user is created as without the mapper, and no two users share an
    address."""
    fields: dict[str, str | None] = {
        "email": identity.email.lower() if identity.email else None,
        "first_name": identity.first_name,
        "last_name": identity.last_name,
    }
    attributes: dict[str, list[str]] = {}
    for name, values in sorted(identity.attributes.items()):
        field = FIELDS.get(name)
        if name.lower() == USERNAME:
            continue
        if field is None:
            if values:
                attributes[name] = list(values)
            continue
        value = values[0] if values else None
        if field == "email":
            value = (value or "").strip().lower() or None
        if value is not None and len(value) > NAME_COLUMN:
            continue
        if field == "email" and value and value != fields["email"] and not await _email_free(tx, realm, value):
            log.warning("realm %s: a mapper's e-mail is another user's, not given to the new user", realm.name)
            continue
        fields[field] = value
    return fields, attributes


async def _email_free(tx: Tx, realm: Realm, email: str) -> bool:
    return realm.duplicate_emails_allowed or not await tx.users.ids_with_email(realm.id, email)


async def grant_read_token(tx: Tx, realm: Realm, user: User) -> None:
    """IdentityBrokerService.afterFirstBrokerLogin with ``addReadTokenRoleOnCreate``: the new user gets the ``broker``
    client's ``read-token`` role (nothing when the realm lacks either, where Keycloak fails the login)."""
    broker = await tx.clients.get_by_client_id(realm.id, "broker")
    role = await tx.roles.get_client_role(broker.id, "read-token") if broker is not None else None
    if role is not None:
        await tx.users.grant_roles(user.id, [role.id])


async def link(tx: Tx, realm: Realm, config: Config, identity: Identity, user: User) -> None:
    """The federated identity link, with the provider's tokens when it stores them."""
    token = identity.token if config.store_token else None
    await tx.federated.add(realm.id, FederatedIdentity(user.id, config.alias, identity.id, identity.username, token))


async def refresh_token(tx: Tx, config: Config, identity: Identity, user: User) -> None:
    """IdentityBrokerService.updateFederatedIdentity: a later login keeps the new tokens of a storing provider."""
    if config.store_token:
        await tx.federated.set_token(user.id, config.alias, identity.token)
