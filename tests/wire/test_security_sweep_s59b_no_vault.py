"""Security sweep (session 59, second pass): with no vault configured, a client whose stored secret is a
``${vault.<key>}`` reference authenticates with nothing, the reference's own text included (Keycloak's
DefaultVaultTranscriber without a provider answers an empty secret). Held."""

from __future__ import annotations

import pytest

from support import password_grant, seed_client
from wire_env import Env

pytestmark = pytest.mark.anyio
TOKEN = "/realms/test/protocol/openid-connect/token"


async def test_the_reference_text_is_no_secret_without_a_vault(realm: Env) -> None:
    await seed_client(realm.db, "test", "unvaulted", secret="${vault.unvaulted}")
    for given in ("${vault.unvaulted}", "", "unvaulted"):
        posted = await password_grant(realm.http, "test", "unvaulted", secret=given)
        assert posted.status_code == 401 and posted.json()["error"] == "unauthorized_client", (given, posted.text)
    form = {"grant_type": "password", "username": "user1", "password": "password"}
    basic = await realm.http.post(TOKEN, data=form, auth=("unvaulted", "${vault.unvaulted}"))
    assert basic.status_code == 401 and basic.json()["error"] == "unauthorized_client", basic.text
