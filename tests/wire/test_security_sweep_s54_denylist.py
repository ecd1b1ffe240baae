"""An attacker's sweep of ``passwordBlacklist(<file>)`` (DenylistPasswordPolicyProviderFactory; session 53) through
the admin API's realm update and password reset: a realm administrator names the list, so every spelling of a
path that leaves the denylists folder must read nothing there, odd names must not answer 500, a name that is not a
regular file must not hang the server, and the name (which the administrator types) must not forge log lines.

Keycloak resolves the name in the folder after refusing slashes (FileBasedPasswordDenylist); it follows a symbolic
link an operator put in the folder, and so does Doorkeep: the folder's contents are the operator's, not the
realm administrator's, so that is not attacked here."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import httpx
import pytest

from doorkeep.users import password_denylist
from keycloak_port import ADMIN, admin_headers
from wire import test_password_denylist as denylist
from wire.test_password_denylist import anyio_backend, folder, kc, shared
from wire_env import Env

__all__ = ["anyio_backend", "folder", "kc", "shared"]  # the shared server of test_password_denylist, its fixtures

pytestmark = pytest.mark.anyio
OUTSIDE = "outside-secret-2024"  # the one line of the list put beside (not in) the folder


@pytest.fixture
def outside(folder: Path) -> Path:
    """A list in the folder's parent, holding OUTSIDE: were it read, OUTSIDE would be refused."""
    made = folder.parent / "outside.txt"
    made.write_text(OUTSIDE + "\n")
    return made


async def put_policy(env: Env, policy: str) -> httpx.Response:
    return await env.http.put(ADMIN, json={"passwordPolicy": policy}, headers=await admin_headers(env))


SPELLINGS = [
    "%2e%2e%2foutside.txt",  # percent-encoded: not decoded, a name of its own
    "..%2Foutside.txt",
    "%2E%2E%5Coutside.txt",
    "\uff0e\uff0e\uff0foutside.txt",  # fullwidth dots and slash
    "..\u2215outside.txt",  # division slash
    "..\u2044outside.txt",  # fraction slash
    "\u2024\u2024/outside.txt",  # one-dot leaders, then a real slash: refused for the slash
    "..\\outside.txt",
    "....//outside.txt",
    "file:..%2Foutside.txt",
    "~/outside.txt",
    "\\\\localhost\\share\\outside.txt",
]


@pytest.mark.parametrize("name", SPELLINGS)
async def test_no_spelling_of_a_name_reads_a_list_outside_the_folder(kc: Env, outside: Path, name: str) -> None:
    """Refused (400, Keycloak's text) or kept as a name inside the folder that does not exist: either way the list
    beside the folder is never read, and nothing answers 500."""
    response = await put_policy(kc, f"passwordBlacklist({name})")
    assert response.status_code in (204, 400), response.text
    if response.status_code == 400:
        assert response.json()["errorMessage"].startswith("Invalid config for passwordBlacklist: "), response.text
    assert await denylist.validate(kc, OUTSIDE) is None


async def test_an_absolute_path_to_a_real_list_is_refused(kc: Env, outside: Path) -> None:
    response = await put_policy(kc, f"passwordBlacklist({outside})")
    assert response.status_code == 400, response.text
    assert response.json() == {
        "errorMessage": f"Invalid config for passwordBlacklist: {outside} must not contain slashes!"
    }
    assert await denylist.validate(kc, OUTSIDE) is None


@pytest.mark.parametrize("name", ["list.txt\x00", "\x00../outside.txt", "a\x00b"])
async def test_a_name_with_a_nul_is_refused_never_a_500(kc: Env, name: str) -> None:
    response = await put_policy(kc, f"passwordBlacklist({name})")
    assert response.status_code == 400, response.text
    assert "must not contain slashes!" in response.text or "not found!" in response.text


@pytest.mark.parametrize("name", ["\ud800.txt", "a\udfff", "\udcff\udcfe"])
async def test_a_name_with_a_lone_surrogate_is_no_500(kc: Env, name: str) -> None:
    """JSON may carry a lone UTF-16 surrogate (\\ud800), which no file name holds: never an unhandled error."""
    body = json.dumps({"passwordPolicy": f"passwordBlacklist({name})"})  # ASCII: the surrogate as \\ud800
    headers = {**await admin_headers(kc), "content-type": "application/json"}
    response = await kc.http.put(ADMIN, content=body.encode(), headers=headers)
    assert response.status_code in (204, 400), response.text
    assert await denylist.validate(kc, "any-password-at-all") is None


async def test_a_very_long_name_is_kept_or_refused_never_a_500(kc: Env) -> None:
    for name in ("a" * 255 + ".txt", "b" * 5000, ("c" * 200 + "\u00e9") * 40):
        response = await put_policy(kc, f"passwordBlacklist({name})")
        assert response.status_code in (204, 400), response.text
        assert await denylist.validate(kc, "any-password-at-all") is None


async def test_names_that_are_no_regular_file_refuse_nothing_and_do_not_hang(kc: Env, folder: Path) -> None:
    """A folder, a FIFO (opening one for reading blocks until a writer comes), links to /dev/zero (endless) and
    to a folder outside: none is read as a list."""
    (folder / "a-folder.txt").mkdir(exist_ok=True)
    fifo = folder / "a-fifo.txt"
    if not fifo.exists():
        os.mkfifo(fifo)
    for link, target in (("zero.txt", "/dev/zero"), ("root.txt", "/"), ("dangling.txt", str(folder / "gone"))):
        if not (folder / link).is_symlink():
            (folder / link).symlink_to(target)
    for name in ("a-folder.txt", "a-fifo.txt", "zero.txt", "root.txt", "dangling.txt"):
        response = await put_policy(kc, f"passwordBlacklist({name})")
        assert response.status_code == 204, (name, response.text)
        assert await denylist.validate(kc, "any-password-at-all") is None, name


@pytest.mark.parametrize(
    "name",
    [
        "x.txt\n2026-12-05 12:00:00,000 WARNING [doorkeep.web.admin] (main) admin password reset for root",
        "x.txt\r\nINFO forged",
        "x.txt\x1b[2J\x1b[31mcleared",
        "x.txt\u2028INFO forged",
        "x.txt\x85INFO forged",
    ],
)
async def test_the_name_cannot_forge_a_log_line(kc: Env, caplog: pytest.LogCaptureFixture, name: str) -> None:
    """The realm administrator types the name; the warning that names a missing list shows it with its line breaks
    and escape sequences escaped, so it stays one line of the log (CWE-117)."""
    caplog.set_level(logging.DEBUG, logger="doorkeep.users.password_denylist")
    response = await put_policy(kc, f"passwordBlacklist({name})")
    assert response.status_code in (204, 400), response.text
    if response.status_code == 204:
        assert await denylist.validate(kc, "any-password-at-all") is None
    messages = [r.getMessage() for r in caplog.records if r.name == "doorkeep.users.password_denylist"]
    assert messages, "the missing list is named in a warning"
    for message in messages:
        assert message.isprintable(), repr(message)


async def test_the_password_tried_is_never_logged_even_at_debug(kc: Env, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    assert (await put_policy(kc, "passwordBlacklist(test-password-blacklist.txt)")).status_code == 204
    assert await denylist.validate(kc, "Blacklisted1") == denylist.REFUSED
    assert await denylist.validate(kc, "Not-Listed-9f3a") is None
    assert "Blacklisted1" not in caplog.text and "Not-Listed-9f3a" not in caplog.text


async def test_naming_list_after_list_keeps_a_bounded_number_in_memory(
    kc: Env, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each name set is remembered (a missing one too, to be looked for again): a realm administrator setting name
    after name must not grow the server without end. The bound (here 8) forgets missing names first; a real list
    forgotten is read again and still refuses."""
    monkeypatch.setattr(password_denylist, "MAX_LISTS", 8, raising=False)
    for number in range(30):
        assert (await put_policy(kc, f"passwordBlacklist(missing-{number}.txt)")).status_code == 204
        assert len(password_denylist._lists) <= 8
    assert (await put_policy(kc, "passwordBlacklist(test-password-blacklist.txt)")).status_code == 204
    assert await denylist.validate(kc, "Blacklisted1") == denylist.REFUSED
