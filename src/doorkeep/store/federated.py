"""Federated identities: a user's links to the realm's identity providers (Keycloak's FederatedIdentityEntity)."""

from __future__ import annotations

import builtins
import time

from sqlalchemy import delete, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import FederatedIdentity
from doorkeep.store.tables import federated_identities as fi


def _link(row: object) -> FederatedIdentity:
    m = row._mapping  # type: ignore[attr-defined]
    return FederatedIdentity(m["user_id"], m["alias"], m["federated_user_id"], m["federated_username"], m["token"])


class FederatedIdentityRepo:
    def __init__(self, conn: AsyncConnection) -> None:
        self._c = conn

    async def of_user(self, user_id: str) -> builtins.list[FederatedIdentity]:
        """The user's links, in the order they were made."""
        rows = await self._c.execute(select(fi).where(fi.c.user_id == user_id).order_by(fi.c.linked, fi.c.alias))
        return [_link(r) for r in rows]

    async def user_of(self, realm_id: str, alias: str, federated_user_id: str) -> str | None:
        """The realm's user linked to this account of the provider (UserProvider.getUserByFederatedIdentity)."""
        query = select(fi.c.user_id).where(
            fi.c.realm_id == realm_id, fi.c.alias == alias, fi.c.federated_user_id == federated_user_id
        )
        return (await self._c.execute(query)).scalar()

    async def users_linked(self, realm_id: str, alias: str | None, federated_user_id: str | None) -> set[str]:
        """The realm's users holding one link of this provider alias and/or this provider-side user id, each
        compared exactly (JpaUserProvider.searchForUserStream's IDP_ALIAS / IDP_USER_ID join)."""
        query = select(fi.c.user_id).where(fi.c.realm_id == realm_id)
        if alias is not None:
            query = query.where(fi.c.alias == alias)
        if federated_user_id is not None:
            query = query.where(fi.c.federated_user_id == federated_user_id)
        return set((await self._c.execute(query)).scalars())

    async def add(self, realm_id: str, link: FederatedIdentity) -> None:
        await self._c.execute(
            insert(fi),
            {
                "user_id": link.user_id,
                "alias": link.alias,
                "realm_id": realm_id,
                "federated_user_id": link.federated_user_id,
                "federated_username": link.federated_username,
                "token": link.token,
                "linked": time.time_ns(),
            },
        )

    async def set_token(self, user_id: str, alias: str, token: str | None) -> None:
        await self._c.execute(update(fi).where(fi.c.user_id == user_id, fi.c.alias == alias).values(token=token))

    async def set_username(self, user_id: str, alias: str, username: str | None) -> None:
        """The provider's username on the link, as a later login in FORCE sync gives it."""
        query = update(fi).where(fi.c.user_id == user_id, fi.c.alias == alias).values(federated_username=username)
        await self._c.execute(query)

    async def remove(self, user_id: str, alias: str) -> bool:
        result = await self._c.execute(delete(fi).where(fi.c.user_id == user_id, fi.c.alias == alias))
        return bool(result.rowcount)

    async def remove_provider(self, realm_id: str, alias: str) -> None:
        """Every link to a provider the realm no longer has (RealmModel.removeIdentityProviderByAlias)."""
        await self._c.execute(delete(fi).where(fi.c.realm_id == realm_id, fi.c.alias == alias))

    async def rename_provider(self, realm_id: str, old: str, new: str) -> None:
        """A provider's new alias keeps its links (IdentityProviderResource.updateUsersAfterProviderAliasChange)."""
        await self._c.execute(update(fi).where(fi.c.realm_id == realm_id, fi.c.alias == old).values(alias=new))
