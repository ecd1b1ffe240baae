"""``PUT /admin/realms/{realm}/users/{id}/disable-credential-types`` as Keycloak 26's UserResource serves it.

Keycloak hands each listed type to the credential providers able to disable it (UserCredentialManager
.disableCredentialType). Only user storage providers can: the local PasswordCredentialProvider's disable is a
no-op and the OTPCredentialProvider is no CredentialInputUpdater. So for a user of the realm's own database the
call answers 204 and the user keeps the OTP and the password (Keycloak's tests of removal,
UserStorageTest.testDisableCredentialsInUserStorage and BackwardsCompatibilityUserStorageTest, use a user storage
provider's OTP, which Doorkeep does not have); the user's ``disableableCredentialTypes`` is empty accordingly.
"""

from __future__ import annotations

import pytest

from admin_support import make_admin
from doorkeep.users import otp
from support import assert_error
from wire_env import Env

pytestmark = pytest.mark.anyio


async def user_url(env: Env) -> tuple[str, dict[str, str]]:
    headers = await env.admin_headers()
    found = await env.http.get("/admin/realms/test/users", params={"username": "user1"}, headers=headers)
    return f"/admin/realms/test/users/{found.json()[0]['id']}", headers


async def add_otp(env: Env, user_id: str) -> None:
    async with env.db.transaction() as tx:
        realm = await tx.realms.get_by_name("test")
        assert realm is not None
        cred = otp.new_credential(user_id, otp.policy(realm), "totpSecret", None, env.clock.now_ms())
        await tx.users.add_credential(cred)


async def test_disabling_otp_of_a_local_user_answers_204_and_changes_nothing(realm: Env) -> None:
    url, headers = await user_url(realm)
    await add_otp(realm, url.rsplit("/", 1)[1])
    before = (await realm.http.get(f"{url}/credentials", headers=headers)).json()
    assert sorted(c["type"] for c in before) == ["otp", "password"]
    assert (await realm.http.get(url, headers=headers)).json()["disableableCredentialTypes"] == []
    for body in (["otp"], ["otp", "password"], [], None):
        done = await realm.http.put(f"{url}/disable-credential-types", json=body, headers=headers)
        assert done.status_code == 204, (body, done.text)
    assert (await realm.http.get(f"{url}/credentials", headers=headers)).json() == before


async def test_an_unknown_user_is_404_and_a_body_not_a_list_of_strings_is_400(realm: Env) -> None:
    url, headers = await user_url(realm)
    missing = await realm.http.put(
        "/admin/realms/test/users/no-such-user/disable-credential-types", json=["otp"], headers=headers
    )
    assert_error(missing, 404, "User not found")
    for body in ({"type": "otp"}, [{"type": "otp"}], "otp"):
        refused = await realm.http.put(f"{url}/disable-credential-types", json=body, headers=headers)
        assert refused.status_code == 400, (body, refused.text)


async def test_a_caller_without_manage_users_is_refused(realm: Env) -> None:
    url, _ = await user_url(realm)
    assert (await realm.http.put(f"{url}/disable-credential-types", json=["otp"])).status_code == 401
    _, viewer = await make_admin(realm, "test", "viewer", "view-users")
    refused = await realm.http.put(f"{url}/disable-credential-types", json=["otp"], headers=viewer)
    assert refused.status_code == 403, refused.text
