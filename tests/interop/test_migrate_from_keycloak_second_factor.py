"""``doorkeep migrate-from-keycloak`` keeps users' second factors: after the move a real ``doorkeep start-dev``
process asks for them and accepts them. A TOTP code computed from the secret in Keycloak's row, the next code of a
HOTP token whose counter came along, a WebAuthn assertion signed with the key whose public key was in Keycloak's
row (its signature counter carried), a recovery code accepted once; the server, at the lowest log level, logs
none of their secrets nor the codes typed. Ids, labels, created dates and the priority
order come along; an OTP device no code could match is reported by the dry run and left out whole.
(Before, every one of them was reported as not carried and the users signed in with their password alone.)
"""

from __future__ import annotations

import asyncio
import base64
import json
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx

from browser_flow import code_from, is_password_page, start, submit
from interop import keycloak_rows as rows
from interop import keycloak_second_factor_rows as factors
from interop.server import DOORKEEP, DoorkeepProcess, free_port
from pg import ThrowawayPostgres
from totp_codes import hotp, totp
from webauthn_port import page_options

REDIRECT = "https://portal.example/cb"
TWO_FACTOR = ("auth-otp-form", "webauthn-authenticator", "auth-recovery-authn-code-form")


def _migrate(workdir: Path, source: str, *extra: str) -> str:
    (workdir / "data").mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        [str(DOORKEEP), "migrate-from-keycloak", "--source-db-url", source, "--realm", "shop", *extra],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr + done.stdout
    for secret in (factors.TOTP_SECRET, factors.HOTP_SECRET, '"codes"', "encodedHashedValue"):
        assert secret not in done.stdout + done.stderr, f"the migration printed {secret!r}"
    return done.stdout


def _admin(server: DoorkeepProcess, method: str, path: str, body: Any = None) -> Any:
    headers = {"Authorization": f"Bearer {server.admin_token()}"}
    answer = httpx.request(method, f"{server.base_url}/admin/realms/shop{path}", json=body, headers=headers)
    assert answer.status_code in (200, 202, 204), answer.text  # 202: Keycloak's answer to an execution's update
    return answer.json() if answer.content else None


def _alternatives(server: DoorkeepProcess) -> None:
    """The realm admin's choice in Keycloak: the OTP form, the WebAuthn Authenticator and the Recovery
    Authentication Code Form as ALTERNATIVE steps of "Browser - Conditional 2FA"."""
    for execution in _admin(server, "GET", "/authentication/flows/browser/executions"):
        if execution.get("providerId") in TWO_FACTOR:
            update = {**execution, "requirement": "ALTERNATIVE"}
            _admin(server, "PUT", "/authentication/flows/browser/executions", update)


async def _password(http: httpx.AsyncClient, username: str) -> httpx.Response:
    page = await start(http, "shop", "portal", redirect_uri=REDIRECT)
    assert page.status_code == 200, page.text[:300]
    answer = await submit(http, page, username=username, password=rows.PASSWORD)
    if is_password_page(answer):  # the realm's organizations make the login identity-first
        answer = await submit(http, answer, password=rows.PASSWORD)
    return answer


async def _logins(server: DoorkeepProcess, made: factors.SecondFactors) -> None:
    origin = server.base_url
    async with httpx.AsyncClient(base_url=origin, timeout=30) as http:
        # bob: the OTP form, his app's code from the migrated secret (a wrong one first)
        asked = await _password(http, "bob")
        assert 'name="otp"' in asked.text, asked.text[:800]
        now = time.time()
        wrong = "000000" if totp(factors.TOTP_SECRET.encode(), now) != "000000" else "111111"
        again = await submit(http, asked, otp=wrong)
        assert 'name="otp"' in again.text and "Invalid authenticator code." in again.text
        assert "code" in code_from(await submit(http, again, otp=totp(factors.TOTP_SECRET.encode(), time.time())))
        http.cookies.clear()

        # erin: the HOTP token's counter came along; a code behind it is refused, the next one accepted
        asked = await _password(http, "erin")
        behind = await submit(http, asked, otp=hotp(factors.HOTP_SECRET.encode(), factors.HOTP_COUNTER - 1))
        assert 'name="otp"' in behind.text
        done = await submit(http, behind, otp=hotp(factors.HOTP_SECRET.encode(), factors.HOTP_COUNTER))
        assert "code" in code_from(done)
        http.cookies.clear()

        # carol: the WebAuthn page; the test's own key signs, its public key is the one Keycloak stored
        asked = await _password(http, "carol")
        options = page_options(asked.text)
        host = httpx.URL(origin).host
        signed = made.key.get(options["challenge"], origin=origin, rp_id=host)
        assert "code" in code_from(await submit(http, asked, **signed))
        http.cookies.clear()

        # dave: recovery code #1 once; the next login asks for #2 and #1 no longer works
        asked = await _password(http, "dave")
        assert "Recovery code #1" in asked.text, asked.text[:800]
        assert "code" in code_from(await submit(http, asked, recoveryCodeInput=made.codes[0]))
        http.cookies.clear()
        asked = await _password(http, "dave")
        assert "Recovery code #2" in asked.text
        spent = await submit(http, asked, recoveryCodeInput=made.codes[0])
        assert spent.status_code == 200 and "recoveryCodeInput" in spent.text
        assert "code" in code_from(await submit(http, spent, recoveryCodeInput=made.codes[1]))


def test_users_keep_their_second_factor_across_the_migration(
    postgres_server: ThrowawayPostgres, tmp_path: Path
) -> None:
    name = f"kc_2fa_{int(time.time() * 1000) % 10**9}"
    postgres_server.create_database(name)
    source = postgres_server.url(name)
    now = int(time.time())
    kc = asyncio.run(rows.fill(source, now))
    made = asyncio.run(factors.add(source, kc.realm_id, now))
    workdir = tmp_path / "server"

    dry = _migrate(workdir, source, "--dry-run")
    counted = "5 users, 1 group memberships, 5 password credentials, 2 otp credentials, 1 webauthn credentials, "
    counted += "1 webauthn-passwordless credentials, 1 recovery-authn-codes credentials, 1 consents"
    assert counted in dry, dry
    [refusal] = [line for line in dry.splitlines() if "cannot carry" in line]
    assert refusal == (
        "realm 'shop': cannot carry user 'bob' otp credential 'old fob': "
        'credentialData: "digits" must be a whole number from 1 to 8'
    )
    assert "realm 'shop': carried 1 clients" in _migrate(workdir, source)

    # at the lowest log level, with the access log: no second factor's secret reaches the server's log
    server = DoorkeepProcess(
        workdir, port=free_port(), options=("--log-level", "all", "--http-access-log-enabled", "true")
    )
    server.start()
    try:
        stored = {}
        for username, user_id in made.users.items():
            stored[username] = _admin(server, "GET", f"/users/{user_id}/credentials")
        # same ids, labels, dates, in Keycloak's priority order; the fob no code matches stayed behind
        assert [(c["type"], c.get("userLabel")) for c in stored["bob"]] == [("password", None), ("otp", "phone")]
        assert [(c["id"], c["createdDate"]) for c in stored["bob"][1:]] == [
            (made.credential_ids["phone"], 1_650_000_000_000)
        ]
        assert [c["type"] for c in stored["carol"]] == ["password", "webauthn", "webauthn-passwordless"]
        assert [c["id"] for c in stored["carol"][1:]] == [
            made.credential_ids["yubikey"],
            made.credential_ids["laptop passkey"],
        ]
        assert json.loads(stored["erin"][1]["credentialData"])["counter"] == factors.HOTP_COUNTER
        assert all("secretData" not in c for creds in stored.values() for c in creds)
        user = _admin(server, "GET", f"/users/{made.users['bob']}")
        assert user["totp"] is True

        _alternatives(server)
        asyncio.run(_logins(server, made))
        # the key's signature counter moved on from Keycloak's 5
        [_, key, _] = _admin(server, "GET", f"/users/{made.users['carol']}/credentials")
        assert json.loads(key["credentialData"])["counter"] == factors.KEY_COUNTER + 1
    finally:
        server.stop()
    logged = server.output()
    assert "TRACE uvicorn" in logged and "DEBUG doorkeep" in logged  # the lowest level was on
    for secret in (factors.TOTP_SECRET, factors.HOTP_SECRET, *made.codes, rows.PASSWORD):
        assert secret not in logged, f"the server logged {secret[:4]!r}…"
    for secret in (factors.TOTP_SECRET, factors.HOTP_SECRET):
        assert base64.b32encode(secret.encode()).decode().rstrip("=") not in logged
