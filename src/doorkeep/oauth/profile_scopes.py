"""The client scopes a login requests, against which the user profile's ``selector`` and ``required`` scopes
are matched (DeclarativeUserProfileProvider.requestedScopePredicate: AuthenticationManager.getRequestedScopes
and the client's scopes), for the registration form and the UPDATE_PROFILE required action alike."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from doorkeep.admin import user_profile as up_config
from doorkeep.model import Client, Realm
from doorkeep.oauth import scopes
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.users import declared

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


async def requested(tx: Tx, client: Client, request: AuthRequest) -> frozenset[str]:
    """The client's default scopes and the optional ones the request's ``scope`` names."""
    return await named(tx, client, request.scope)


async def named(tx: Tx, client: Client, scope: str | None) -> frozenset[str]:
    """The client's default scopes and the optional ones ``scope`` names (a login's or a token request's)."""
    asked = set(scopes.split(scope))
    linked = await scopes.client_scopes(tx, client)
    return frozenset(scope.name for scope, default in linked if default or scope.name in asked)


def config(realm: Realm, requested_scopes: frozenset[str]) -> dict[str, Any]:
    """The realm's user profile configuration as a login requesting ``requested_scopes`` sees it."""
    return declared.for_scopes(up_config.config_of(realm), requested_scopes)
