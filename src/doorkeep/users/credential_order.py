"""The order of a user's credentials: Keycloak's ``moveStoredCredentialTo`` (JpaUserCredentialStore.moveCredentialTo).

The admin REST API's ``credentials/{id}/moveToFirst`` and ``credentials/{id}/moveAfter/{previousId}``
(UserResource; the Account REST API has them only as commented-out code) put one credential first, or right
after another, and renumber the list. The first OTP device is the one the OTP form and the password grant
check by default.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


def moved(ids: list[str], credential_id: str, after_id: str | None) -> list[str] | None:
    """``ids`` with ``credential_id`` placed first (``after_id`` None) or right after ``after_id``; None where
    Keycloak changes nothing: ``after_id`` is not another of these credentials (the moved one itself included,
    "Can't move up credential")."""
    if credential_id not in ids or (after_id is not None and (after_id == credential_id or after_id not in ids)):
        return None
    rest = [i for i in ids if i != credential_id]
    at = 0 if after_id is None else rest.index(after_id) + 1
    return [*rest[:at], credential_id, *rest[at:]]


async def move(tx: Tx, user_id: str, credential_id: str, after_id: str | None) -> bool:
    """Move one of the user's credentials; False when it is not theirs (Keycloak's "Credential not found").
    An ``after_id`` that is not another of their credentials leaves the order as it is."""
    ids = [c.id for c in await tx.users.credentials(user_id)]
    if credential_id not in ids:
        return False
    order = moved(ids, credential_id, after_id)
    if order is not None and order != ids:
        await tx.users.order_credentials(user_id, order)
    return True
