"""Keycloak's ``passwordBlacklist(<file>)`` policy (DenylistPasswordPolicyProvider and its factory;
PasswordPolicyTest#testBlacklistPasswordPolicyWithTestBlacklist), through the admin API's reset of ``jdoe``'s
password and the registration page: the file is a denylist in the folder
``--spi-password-policy-password-blacklist-blacklists-path`` names, compared in lower case.

Beside Keycloak's test: a name with a slash is refused at the policy's update (nothing outside the folder is read),
a missing file is accepted (a Keycloak realm file imports) and refuses nothing until it is there, a changed file is
read again, and the log never holds the password tried."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

import register_port
from group_port import fresh_realm
from keycloak_port import ADMIN, admin_headers, user_id
from pg import ThrowawayPostgres
from register_port import field_error, is_register_page, open_register, register
from wire_env import Env, _default_settings, make_env, prepared_postgres

pytestmark = pytest.mark.anyio
BLACKLISTED = "Invalid password: password is blacklisted."  # admin and login messages_en.properties
REALM = {
    "realm": "test",
    "enabled": True,
    "users": [{"username": "jdoe", "enabled": True, "firstName": "John", "lastName": "Doe", "email": "jdoe@localhost"}],
}


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    made = tmp_path_factory.mktemp("denylists")
    # Keycloak's test-password-blacklist.txt holds blacklisted1 and blacklisted2; line ends of every kind.
    (made / "test-password-blacklist.txt").write_bytes(b"blacklisted1\nBlackListed2\r\nP@ssw0rd\rsummer2024\n")
    return made


@pytest.fixture(scope="module")
async def shared(
    request: pytest.FixtureRequest, folder: Path, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Env]:
    server: ThrowawayPostgres | None = None
    if os.environ.get("DOORKEEP_WIRE_ENGINE") == "postgresql":
        server = request.getfixturevalue("postgres_server")
        url = await prepared_postgres(server)
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('denylist') / 'doorkeep.db'}"
    settings = dataclasses.replace(
        _default_settings(url), password_blacklists_path=str(folder), password_blacklists_check_interval=1
    )
    env, db = await make_env(url, settings, prepared=server is not None)
    try:
        yield env
    finally:
        await env.drain()
        await env.http.aclose()
        await db.dispose()


@pytest.fixture
async def kc(shared: Env) -> Env:
    await fresh_realm(shared, REALM)
    return shared


async def set_policy(env: Env, policy: str) -> tuple[int, str]:
    response = await env.http.put(ADMIN, json={"passwordPolicy": policy}, headers=await admin_headers(env))
    return response.status_code, response.text


async def validate(env: Env, password: str) -> tuple[str, str] | None:
    """The admin's reset of jdoe's password: None when accepted, else (message key, text)."""
    url = f"{ADMIN}/users/{await user_id(env, 'jdoe')}/reset-password"
    response = await env.http.put(
        url, json={"type": "password", "value": password, "temporary": False}, headers=await admin_headers(env)
    )
    if response.status_code == 204:
        return None
    assert response.status_code == 400, (response.status_code, response.text)
    body = response.json()
    return str(body["error"]), str(body["error_description"])


REFUSED = ("invalidPasswordBlacklistedMessage", BLACKLISTED)


async def test_a_password_on_the_list_is_refused_whatever_its_case(kc: Env, caplog: pytest.LogCaptureFixture) -> None:
    """PasswordPolicyTest#testBlacklistPasswordPolicyWithTestBlacklist: blacklisted1, blacklisted2 and
    bLaCkLiSteD2 refused, notblacklisted accepted; the lines ended by \\r\\n or a lone \\r count too."""
    assert await set_policy(kc, "passwordBlacklist(test-password-blacklist.txt)") == (204, "")
    caplog.set_level(logging.DEBUG)
    for password in ("blacklisted1", "blacklisted2", "bLaCkLiSteD2", "p@ssw0rd", "SUMMER2024"):
        assert await validate(kc, password) == REFUSED, password
    assert await validate(kc, "notblacklisted") is None
    assert await validate(kc, "blacklisted") is None  # a line is a whole password, not a substring
    assert "bLaCkLiSteD2" not in caplog.text and "SUMMER2024" not in caplog.text


async def test_the_policy_runs_beside_the_others_and_its_name_is_trimmed(kc: Env) -> None:
    assert await set_policy(kc, "length(8) and passwordBlacklist( test-password-blacklist.txt )") == (204, "")
    assert await validate(kc, "short") == ("invalidPasswordMinLengthMessage", "Invalid password: minimum length 8.")
    assert await validate(kc, "Blacklisted1") == REFUSED
    assert await validate(kc, "long-enough-and-unlisted") is None


@pytest.mark.parametrize("name", ["../test-password-blacklist.txt", "/etc/passwd", "a\\b.txt"])
async def test_a_name_with_a_slash_is_refused_so_nothing_outside_the_folder_is_read(kc: Env, name: str) -> None:
    """FileBasedPasswordDenylist's constructor: '<name> must not contain slashes!' (Keycloak answers its
    IllegalArgumentException with a 500; Doorkeep with the admin API's 400)."""
    response = await kc.http.put(
        ADMIN, json={"passwordPolicy": f"passwordBlacklist({name})"}, headers=await admin_headers(kc)
    )
    assert response.status_code == 400, response.text
    assert response.json() == {
        "errorMessage": f"Invalid config for passwordBlacklist: {name} must not contain slashes!"
    }
    assert (await kc.http.get(ADMIN, headers=await admin_headers(kc))).json().get("passwordPolicy") is None


@pytest.mark.parametrize("name", ["..", "."])
async def test_the_folder_itself_or_its_parent_is_no_list(kc: Env, name: str) -> None:
    status, text = await set_policy(kc, f"passwordBlacklist({name})")
    assert status == 400, text
    assert f"Password denylist {name} not found!" in text


async def test_a_missing_file_is_kept_refuses_nothing_and_counts_once_it_is_there(
    kc: Env, folder: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="doorkeep.users.password_denylist")
    assert await set_policy(kc, "passwordBlacklist(later.txt)") == (204, "")
    assert "password denylist later.txt not found" in caplog.text
    assert await validate(kc, "winter2025") is None
    (folder / "later.txt").write_text("Winter2025\n")
    await asyncio.sleep(1.1)  # the check interval of this server: 1 s
    assert await validate(kc, "winter2025") == REFUSED


async def test_a_changed_file_is_read_again(kc: Env, folder: Path) -> None:
    (folder / "changing.txt").write_text("first-password\n")
    assert await set_policy(kc, "passwordBlacklist(changing.txt)") == (204, "")
    assert await validate(kc, "first-password") == REFUSED
    (folder / "changing.txt").write_text("second-password\nthird-password\n")
    await asyncio.sleep(1.1)
    assert await validate(kc, "first-password") is None
    assert await validate(kc, "third-password") == REFUSED


async def test_the_registration_page_shows_the_refusal_on_the_password_field(kc: Env) -> None:
    """RegistrationPassword.validate asks the policy: the login theme's text on the password field, no user made."""
    await fresh_realm(kc, register_port.realm_rep())
    assert await set_policy(kc, "passwordBlacklist(test-password-blacklist.txt)") == (204, "")
    page = await register(
        kc, await open_register(kc), "Ann", "Lee", "ann@localhost", "ann", "Blacklisted1", "Blacklisted1"
    )
    assert is_register_page(page)
    assert field_error(page, "password") == BLACKLISTED
    users = await kc.http.get(f"{ADMIN}/users", params={"username": "ann"}, headers=await admin_headers(kc))
    assert users.json() == []
    page = await register(
        kc, page, "Ann", "Lee", "ann@localhost", "ann", "correct-horse-battery", "correct-horse-battery"
    )
    assert page.status_code == 302, page.text[:500]


async def test_a_realm_file_naming_a_list_outside_the_folder_is_not_imported(kc: Env) -> None:
    """The realm import parses the policy as the realm update does: a slash refuses the whole file, nothing made."""
    headers = await admin_headers(kc)
    rep = {"realm": "imported", "enabled": True, "passwordPolicy": "length(8) and passwordBlacklist(../../etc/passwd)"}
    refused = await kc.http.post("/admin/realms", json=rep, headers=headers)
    assert refused.status_code == 400, refused.text
    assert "must not contain slashes!" in refused.text
    assert (await kc.http.get("/admin/realms/imported", headers=headers)).status_code == 404
