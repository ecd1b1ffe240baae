"""The demo's backup service refuses every access token it should, against a real Doorkeep's ``certs``."""

from __future__ import annotations

import base64
import contextlib
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from backup_service.app import create_app
from backup_service.verify import Policy
from interop.server import DEMO_REALM, DoorkeepProcess

pytestmark = [pytest.mark.interop, pytest.mark.anyio]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DoorkeepProcess]:
    process = DoorkeepProcess(tmp_path_factory.mktemp("backup-service"), import_realms=[DEMO_REALM])
    process.start()
    yield process
    process.stop()


def password_grant(base_url: str, client_id: str, secret: str | None = None) -> dict[str, str]:
    data = {
        "grant_type": "password",
        "client_id": client_id,
        "username": "user1",
        "password": "password",
        "scope": "openid",
    }
    if secret:
        data["client_secret"] = secret
    response = httpx.post(f"{base_url}/realms/demo/protocol/openid-connect/token", data=data)
    assert response.status_code == 200, response.text
    body: dict[str, str] = response.json()
    return body


def portal_tokens(server: DoorkeepProcess) -> dict[str, str]:
    return password_grant(server.base_url, "offline-access-portal", "password")


@contextlib.asynccontextmanager
async def service(server: DoorkeepProcess, clock: Callable[[], float] = time.time) -> AsyncIterator[httpx.AsyncClient]:
    """The backup service in-process (its lifespan running), fetching keys from the real server."""
    policy = Policy(
        issuer=f"{server.base_url}/realms/demo", audience="backup-service", allowed_azp=("offline-access-portal",)
    )
    app = create_app(policy, clock=clock)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://backup") as client,
    ):
        yield client


async def backup(client: httpx.AsyncClient, token: str | None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return await client.post("/backups", headers=headers)


def refused_because(response: httpx.Response) -> str:
    assert response.status_code == 401, response.text
    assert response.headers["www-authenticate"].startswith('Bearer error="invalid_token"')
    reason: str = response.json()["error_description"]
    return reason


async def test_a_valid_access_token_of_the_portal_runs_a_backup_for_its_user(server: DoorkeepProcess) -> None:
    async with service(server) as client:
        response = await backup(client, portal_tokens(server)["access_token"])
        assert response.status_code == 201, response.text
        assert response.json()["user"] == "user1" and response.json()["client"] == "offline-access-portal"
        assert (
            await client.get("/backups", headers={"Authorization": f"Bearer {portal_tokens(server)['access_token']}"})
        ).json()[0]["number"] == 1


async def test_no_bearer_token_is_refused(server: DoorkeepProcess) -> None:
    async with service(server) as client:
        assert refused_because(await backup(client, None)) == "missing bearer token"
        assert refused_because(await backup(client, "not-a-jwt")) == "malformed token"


async def test_a_token_with_a_tampered_signature_is_refused(server: DoorkeepProcess) -> None:
    header, payload, signature = portal_tokens(server)["access_token"].split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    async with service(server) as client:
        assert refused_because(await backup(client, f"{header}.{payload}.{flipped}")) == "bad signature"


async def test_a_token_signed_by_another_key_under_doorkeeps_key_id_is_refused(server: DoorkeepProcess) -> None:
    real = portal_tokens(server)["access_token"]
    claims = jwt.decode(real, options={"verify_signature": False})
    kid = jwt.get_unverified_header(real)["kid"]
    forged = jwt.encode(
        claims, rsa.generate_private_key(public_exponent=65537, key_size=2048), "RS256", headers={"kid": kid}
    )
    async with service(server) as client:
        assert refused_because(await backup(client, forged)) == "bad signature"


async def test_an_unsigned_token_is_refused(server: DoorkeepProcess) -> None:
    claims = jwt.decode(portal_tokens(server)["access_token"], options={"verify_signature": False})

    def part(value: object) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    async with service(server) as client:
        assert (
            refused_because(await backup(client, f"{part({'alg': 'none'})}.{part(claims)}."))
            == "algorithm not allowed: none"
        )


async def test_a_token_of_another_issuer_is_refused(server: DoorkeepProcess) -> None:
    # start-dev takes the issuer from the Host: the same realm reached as localhost is another issuer.
    other = password_grant(f"http://localhost:{server.port}", "offline-access-portal", "password")
    async with service(server) as client:
        assert refused_because(await backup(client, other["access_token"])) == "wrong issuer"


async def test_a_token_for_another_client_is_refused_by_audience_and_azp(server: DoorkeepProcess) -> None:
    cli = password_grant(server.base_url, "admin-cli")
    async with service(server) as client:
        assert refused_because(await backup(client, cli["access_token"])).startswith("wrong audience")


async def test_an_expired_token_is_refused(server: DoorkeepProcess) -> None:
    token = portal_tokens(server)["access_token"]
    async with service(server, clock=lambda: time.time() + 301) as client:  # the demo realm's access tokens live 300 s
        assert refused_because(await backup(client, token)) == "token expired"


async def test_an_id_token_or_a_refresh_token_is_not_an_access_token(server: DoorkeepProcess) -> None:
    tokens = portal_tokens(server)
    async with service(server) as client:
        assert refused_because(await backup(client, tokens["id_token"])) == "not an access token"
        assert refused_because(await backup(client, tokens["refresh_token"])).startswith("algorithm not allowed")
