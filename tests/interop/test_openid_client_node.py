"""panva's openid-client 6 (npm; the OpenID-certified Node.js relying party, on oauth4webapi) against a real
``doorkeep start-dev``, one server and one realm for the module: discovery, the authorization code flow with PKCE
(RFC 9207 ``iss`` included), offline access with rotation, every client authentication method, DPoP, PAR, JAR,
JARM, the hybrid flow, introspection, revocation, userinfo (plain and signed), the device and CIBA grants, token
exchange and RP-initiated logout, each as the library makes and checks it (tests/openid_client/driver.mjs)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from ciba_flow import Device, device
from interop.openid_client_support import (
    HMAC,
    HMAC_SECRET,
    LOGGED_OUT,
    PUBLIC,
    REALM,
    REDIRECT,
    SIGNED,
    USERNAME,
    WEB,
    WEB_SECRET,
    ClientKey,
    Landing,
    finish,
    log_in,
    ok,
    realm_rep,
    run,
    start,
)
from interop.server import DoorkeepProcess, port_from_env

pytestmark = pytest.mark.interop

CIBA_CHANNEL = "--spi-ciba-auth-channel-ciba-http-auth-channel-http-authentication-channel-uri"


@pytest.fixture(scope="module")
def key() -> ClientKey:
    return ClientKey.generate()


@pytest.fixture(scope="module")
def auth_device() -> Iterator[Device]:
    with device(port_from_env()) as receiver:
        yield receiver


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory,
    key: ClientKey,
    auth_device: Device,
    report_module_server: Callable[[DoorkeepProcess], None],
) -> Iterator[DoorkeepProcess]:
    folder = tmp_path_factory.mktemp("openid-client")
    realm_file = folder / "realm.json"
    realm_file.write_text(json.dumps(realm_rep(key)))
    doorkeep = DoorkeepProcess(
        folder / "server", port=port_from_env(), import_realms=[realm_file], options=[CIBA_CHANNEL, auth_device.url]
    )
    report_module_server(doorkeep)
    doorkeep.start()
    yield doorkeep
    doorkeep.stop()


def issuer(server: DoorkeepProcess) -> str:
    return f"{server.base_url}/realms/{REALM}"


def plan(server: DoorkeepProcess, client: str, auth: dict[str, Any], *steps: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"issuer": issuer(server), "clientId": client, "auth": auth, "steps": list(steps), **more}


def basic(method: str = "client_secret_basic") -> dict[str, Any]:
    return {"method": method, "secret": WEB_SECRET}


def signed(key: ClientKey) -> dict[str, Any]:
    return {"method": "private_key_jwt", "jwk": key.private}


def signed_in(
    server: DoorkeepProcess, client: str, auth: dict[str, Any], *after: dict[str, Any], **how: Any
) -> list[dict[str, Any]]:
    """The authorization code flow: the driver builds the request (``how``: scope, params, par, jar, execute,
    metadata, dpop), the user signs in over HTTP, the driver redeems the response, then runs the ``after`` steps."""
    extra = {k: how.pop(k) for k in ("execute", "metadata") if k in how}
    first: list[dict[str, Any]] = [{"op": "dpop"}] if how.pop("dpop", False) else []
    begun = run(plan(server, client, auth, *first, {"op": "authorize", "redirectUri": REDIRECT, **how}, **extra))
    authorized = ok(begun[-1])
    landing = log_in(authorized["url"])
    callback: dict[str, Any] = {"op": "callback", "checks": authorized["checks"], "redirectUri": REDIRECT}
    callback |= {"form": landing.form} if landing.form else {"url": landing.url}
    steps = [*([{"op": "dpop", "jwk": ok(begun[0])["jwk"]}] if first else []), callback, *after]
    return run(plan(server, client, auth, *steps, **extra))[len(first) :]


def test_discovery_gives_the_library_the_realm_s_metadata_under_its_issuer(server: DoorkeepProcess) -> None:
    (metadata,) = run(plan(server, WEB, basic(), {"op": "discover"}))
    assert ok(metadata)["issuer"] == issuer(server)
    assert metadata["authorization_response_iss_parameter_supported"] is True
    assert "S256" in metadata["code_challenge_methods_supported"]


def test_authorization_code_with_pkce_nonce_and_max_age_validates(server: DoorkeepProcess) -> None:
    (tokens,) = signed_in(server, WEB, basic(), params={"max_age": "300"})
    ok(tokens)
    assert tokens["token_type"] == "bearer"  # oauth4webapi lower-cases it
    assert tokens["idClaims"]["azp"] == WEB and tokens["idClaims"]["auth_time"] > 0
    assert tokens["access"]["claims"]["preferred_username"] == USERNAME
