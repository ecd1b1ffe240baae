"""Session 63's read-only organization members (organizations/read_only_members.py) attacked through the writes an
admin update can still name: UserResource.updateUserFromRep calls ``setFederationLink`` whenever the representation
carries a ``federationLink``, which ReadOnlyUserModelDelegate refuses ("federationLink") after ``enabled`` and
``emailVerified``. Doorkeep keeps no federation link, but the answer is Keycloak's, and nothing is written.
The realm and its MANAGED member alice are test_read_only_member_writes.py's."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from test_read_only_member_writes import Realm, _read_only, realm

pytestmark = pytest.mark.anyio
__all__ = ["realm"]


async def _update(realm: Realm, change: dict[str, Any]) -> httpx.Response:
    return await realm.call("PUT", f"users/{realm.ids['alice']}", change)


async def test_a_federation_link_in_the_update_of_a_read_only_member_is_refused(realm: Realm) -> None:
    await realm.organization(enabled=False)
    _read_only(await _update(realm, {"federationLink": "f0a7-ldap"}), "federationLink")
    _read_only(await _update(realm, {"federationLink": "", "lastName": "Changed"}), "attribute(lastName)")
    _read_only(await _update(realm, {"federationLink": "x", "emailVerified": False}), "emailVerified")
    await realm.organization(enabled=True)
    user = (await realm.call("GET", f"users/{realm.ids['alice']}")).json()
    assert user["lastName"] == "Member" and "federationLink" not in user


async def test_an_unmanaged_member_s_update_with_a_federation_link_still_passes(realm: Realm) -> None:
    """bob (UNMANAGED) is no read-only delegate: the same body is 204 (the link kept nowhere, as before)."""
    await realm.organization(enabled=False)
    answer = await realm.call("PUT", f"users/{realm.ids['bob']}", {"federationLink": "f0a7-ldap"})
    assert answer.status_code == 204, answer.text
