"""The identity provider's mappers applied to the brokered user (Keycloak's IdentityProviderMapper.importNewUser and
updateBrokeredUser, IdentityProviderMapperSyncModeDelegate)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from doorkeep.broker.oidc import Config, Identity
from doorkeep.model import Realm, User

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


async def import_new_user(tx: Tx, realm: Realm, config: Config, identity: Identity, user: User) -> User:
    """IdentityProviderMapper.importNewUser of each of the provider's mappers, for the user just created."""
    return user


async def update_brokered_user(
    tx: Tx, realm: Realm, config: Config, identity: Identity, user: User, *, first: bool = False
) -> User:
    """The mappers on a later login of a linked user (``first``: the identity just linked to an existing account,
    which Keycloak treats as a later login too)."""
    return user
