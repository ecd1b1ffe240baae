"""A real ``doorkeep start-dev --log-level debug``: after tokens, codes and admin calls, its log holds no secret.

The log is grepped for everything secret the server holds (realm private and HMAC keys, password hashes,
client secrets) and everything secret it handed out (tokens, codes, the login form's session code).
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from interop.server import ADMIN_PASSWORD, ADMIN_USERNAME, DoorkeepProcess, SeedRealm, seed_database

pytestmark = pytest.mark.interop
REDIRECT = "http://127.0.0.1:9999/callback"


class VerboseProcess(DoorkeepProcess):
    """``doorkeep start-dev --log-level debug`` (or ``trace``: uvicorn then logs every ASGI scope and message)."""

    level = "debug"

    def command(self) -> list[str]:
        return [*super().command(), "--log-level", self.level]


def form(page: str) -> tuple[str, dict[str, str]]:
    action = re.search(r'<form[^>]*action="([^"]+)"', page)
    assert action, page
    return action[1].replace("&amp;", "&"), dict(
        re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page)
    )


def exercise(base: str, seed: SeedRealm) -> list[str]:
    """Admin calls, a password grant, a refresh, a code flow, userinfo, introspection, revocation; what it got."""
    got: list[str] = []
    oidc = f"{base}/realms/{seed.name}/protocol/openid-connect"
    with httpx.Client(base_url=base, timeout=20) as http:
        admin = http.post(
            "/realms/master/protocol/openid-connect/token",
            data={
                "grant_type": "password",
                "client_id": "admin-cli",
                "username": ADMIN_USERNAME,
                "password": ADMIN_PASSWORD,
            },
        ).json()
        got += [admin["access_token"], admin["refresh_token"]]
        headers = {"Authorization": f"Bearer {admin['access_token']}"}
        created = http.post(
            f"/admin/realms/{seed.name}/clients",
            headers=headers,
            json={
                "clientId": "log-probe",
                "redirectUris": [REDIRECT],
                "directAccessGrantsEnabled": True,
                # its own id in its access tokens' audience, so that it may introspect them (Keycloak 26.6.2)
                "protocolMappers": [
                    {
                        "name": "own audience",
                        "protocol": "openid-connect",
                        "protocolMapper": "oidc-audience-mapper",
                        "config": {"included.custom.audience": "log-probe", "access.token.claim": "true"},
                    }
                ],
            },
        )
        assert created.status_code == 201, created.text
        uuid = created.headers["location"].rsplit("/", 1)[1]
        regenerated = http.post(f"/admin/realms/{seed.name}/clients/{uuid}/client-secret", headers=headers)
        secret = http.get(f"/admin/realms/{seed.name}/clients/{uuid}/client-secret", headers=headers).json()["value"]
        assert secret == regenerated.json()["value"]
        got.append(secret)
        client = {"client_id": "log-probe", "client_secret": secret}

        tokens = http.post(
            f"{oidc}/token",
            data={
                "grant_type": "password",
                "username": seed.username,
                "password": seed.password,
                "scope": "openid",
                **client,
            },
        ).json()
        refreshed = http.post(
            f"{oidc}/token", data={"grant_type": "refresh_token", "refresh_token": tokens["refresh_token"], **client}
        ).json()
        assert "access_token" in refreshed, refreshed
        wrong = http.post(
            f"{oidc}/token",
            data={"grant_type": "password", "username": seed.username, "password": "not-" + seed.password, **client},
        )
        assert wrong.status_code == 400

        page = http.get(
            f"{oidc}/auth",
            params={
                "client_id": "log-probe",
                "redirect_uri": REDIRECT,
                "response_type": "code",
                "scope": "openid",
                "state": "s",
            },
        )
        assert page.status_code == 200, page.text[:300]
        action, fields = form(page.text)
        got += [v for k, v in fields.items() if k in ("session_code", "execution", "tab_id")]
        got += [c for c in http.cookies.values() if len(c) >= 16]
        done = http.post(action, data={**fields, "username": seed.username, "password": seed.password})
        assert done.status_code == 302, done.text[:300]
        code = parse_qs(urlsplit(done.headers["location"]).query)["code"][0]
        got += [code, *[c for c in http.cookies.values() if len(c) >= 16]]
        exchanged = http.post(
            f"{oidc}/token", data={"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT, **client}
        ).json()
        for bundle in (tokens, refreshed, exchanged):
            got += [bundle[k] for k in ("access_token", "refresh_token", "id_token") if k in bundle]

        bearer = {"Authorization": f"Bearer {exchanged['access_token']}"}
        assert http.get(f"{oidc}/userinfo", headers=bearer).status_code == 200
        assert http.get(f"{oidc}/userinfo", params={"access_token": exchanged["access_token"]}).status_code == 401
        assert http.post(f"{oidc}/token/introspect", data={"token": exchanged["access_token"], **client}).json()[
            "active"
        ]
        assert http.post(f"{oidc}/revoke", data={"token": exchanged["refresh_token"], **client}).status_code == 200
        http.get(f"{oidc}/logout", params={"id_token_hint": exchanged["id_token"]})
    return got


def stored_secrets(db_path: Path) -> list[str]:
    """Everything secret the database holds, as it could appear in a log: keys, hashes, salts, client secrets."""
    with sqlite3.connect(db_path) as db:
        keys = [row[0] for row in db.execute("SELECT private FROM realm_keys")]
        creds = [json.loads(row[0]) for row in db.execute("SELECT secret_data FROM credentials")]
        configs = [json.loads(row[0]) for row in db.execute("SELECT config FROM clients")]
    clients = [c["secret"] for c in configs if c.get("secret")]
    found: list[str] = []
    for key in keys:
        body = "".join(line for line in key.splitlines() if not line.startswith("-----"))
        found += [body[:40], body[-40:]]  # a PEM body, or the HMAC secret itself
    for cred in creds:
        found += [cred["value"], cred["salt"]]
    return found + clients


@pytest.mark.parametrize("level", ["debug", "trace"])
def test_a_verbose_log_holds_no_token_code_key_hash_or_secret(tmp_path: Path, level: str) -> None:
    seed = SeedRealm()
    workdir = tmp_path / "server"
    seed_database(workdir / "data" / "doorkeep.db", seed)
    server = VerboseProcess(workdir)
    server.level = level
    server.start()
    try:
        handed_out = exercise(server.base_url, seed)
    finally:
        server.stop()
    log = server.output()

    assert re.search(r" DEBUG doorkeep[.:]", log), "the server did not log at debug level: the test proves nothing"
    assert "INFO uvicorn" in log
    if level == "trace":
        assert "TRACE uvicorn.asgi" in log and "query_string" in log  # every request's scope was logged
    secrets = handed_out + stored_secrets(workdir / "data" / "doorkeep.db")
    secrets += [seed.client_secret, seed.service_client_secret, seed.password]
    assert len(handed_out) >= 12
    leaked = [s for s in secrets if s and s in log]
    assert not leaked, f"{len(leaked)} secrets in the log, e.g. {leaked[0][:12]}…"
    for marker in ("PRIVATE KEY", "$argon2", "$pbkdf2", "eyJ", "aiosqlite", "sqlalchemy.engine"):
        assert marker not in log, marker
