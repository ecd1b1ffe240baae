"""Security sweep s62 (review M4 for what sessions 54-61 added): at DEBUG, with every logger on, the temporary
admin user and service ``bootstrap-admin`` makes (their password and secret), the service's lightweight token on the
Admin REST, an Admin REST user created with a password credential and attributes given as numbers, a standard
token exchange (V2) and the tokens it answers, and an Account REST credential removal of an unknown id reach
no log record: neither the secrets nor the tokens, nor a JWT's signed part."""

from __future__ import annotations

import pytest

from debug_logs import all_at_debug
from doorkeep.realms import temporary_admin
from support import password_grant, token_url
from wire_env import Env

pytestmark = pytest.mark.anyio
PASSWORD = "s62-Temp-pw-4e1b9a"
SECRET = "s62-temp-secret-90c2d7"
USER_PASSWORD = "s62-User-pw-77aa31"
EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange"
ACCESS = "urn:ietf:params:oauth:token-type:access_token"


async def test_new_commands_and_endpoints_log_no_secret_or_token_at_debug(
    realm: Env, caplog: pytest.LogCaptureFixture
) -> None:
    presented = [PASSWORD, SECRET, USER_PASSWORD]
    with all_at_debug(caplog):
        async with realm.db.transaction() as tx:
            await temporary_admin.create_user(tx, realm.clock.now(), "s62-temp", PASSWORD)
            await temporary_admin.create_service(tx, realm.clock.now(), "s62-temp-svc", SECRET)
        form = {"grant_type": "client_credentials", "client_id": "s62-temp-svc", "client_secret": SECRET}
        service = await realm.http.post(token_url("master"), data=form)
        assert service.status_code == 200, service.text
        admin_token = service.json()["access_token"]
        presented.append(admin_token)
        admin = {"Authorization": f"Bearer {admin_token}"}
        user = {
            "username": "s62-logged",
            "enabled": True,
            "attributes": {"pin": [1234], "flag": [True]},
            "credentials": [{"type": "password", "value": USER_PASSWORD, "temporary": False}],
        }
        made = await realm.http.post("/admin/realms/test/users", json=user, headers=admin)
        assert made.status_code == 201, made.text
        signed_in = await password_grant(realm.http, "master", "admin-cli", "s62-temp", PASSWORD, secret=None)
        assert signed_in.status_code == 200, signed_in.text
        presented.append(signed_in.json()["access_token"])

        updated = await realm.http.put(
            f"/admin/realms/test/clients/{await _app_uuid(realm, admin)}",
            json={"attributes": {"standard.token.exchange.enabled": "true"}},
            headers=admin,
        )
        assert updated.status_code == 204, updated.text
        granted = await password_grant(realm.http, "test", "app", "user1", "password")
        assert granted.status_code == 200, granted.text
        subject = granted.json()["access_token"]
        traded = await realm.http.post(
            token_url("test"),
            data={"grant_type": EXCHANGE, "client_id": "app", "client_secret": "secret", "subject_token": subject,
                  "subject_token_type": ACCESS},
        )  # fmt: skip
        assert traded.status_code == 200, traded.text
        presented += [subject, traded.json()["access_token"]]
        removed = await realm.http.delete(
            "/realms/test/account/credentials/nosuch", headers={"Authorization": f"Bearer {subject}"}
        )
        assert (removed.status_code, removed.json()) == (404, {"error": "Credential not found"})
    assert caplog.records  # DEBUG was on
    for value in presented:
        assert value not in caplog.text
    for value in presented[3:]:  # not even a JWT's signed part (header and claims)
        assert value.rsplit(".", 1)[0] not in caplog.text


async def _app_uuid(env: Env, admin: dict[str, str]) -> str:
    listed = await env.http.get("/admin/realms/test/clients", params={"clientId": "app"}, headers=admin)
    assert listed.status_code == 200, listed.text
    return str(listed.json()[0]["id"])
