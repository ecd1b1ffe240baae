"""oidc-agent 4.2.6 (Debian's oidc-agent-cli), the command-line relying party research infrastructures use with
Keycloak, against a real ``doorkeep start-dev``: ``oidc-gen`` with a pre-registered client over the device flow and
over the code flow with a local redirect, with dynamic client registration (an initial access token; Keycloak's
policies as Keycloak has them), the ``offline_access`` scope, ``oidc-token`` refreshing after expiry across
refresh-token rotation, a restarted agent loading the rotated token from its file, and revocation on ``oidc-gen -d``.
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from interop.oidc_agent_support import (
    LIFESPAN,
    PASSPHRASE_CMD,
    PRE,
    PRE_SECRET,
    REALM,
    Agent,
    approve_device,
    follow_code_flow,
    realm_rep,
)
from interop.server import DoorkeepProcess, port_from_env
from ports import free_port_between

pytestmark = pytest.mark.interop

OFFLINE = "--scope=openid offline_access"


@pytest.fixture(scope="module")
def redirect_port() -> int:
    return free_port_between(1024, 49151)  # oidc-gen: "The port number has to be between 1024 and 49151"


@pytest.fixture(scope="module")
def server(
    tmp_path_factory: pytest.TempPathFactory,
    redirect_port: int,
    report_module_server: Callable[[DoorkeepProcess], None],
) -> Iterator[DoorkeepProcess]:
    folder = tmp_path_factory.mktemp("oidc-agent")
    realm_file = folder / "agent-realm.json"
    realm_file.write_text(json.dumps(realm_rep(redirect_port)))
    doorkeep = DoorkeepProcess(folder / "server", port=port_from_env(), import_realms=[realm_file])
    report_module_server(doorkeep)
    doorkeep.start()
    yield doorkeep
    doorkeep.stop()


@pytest.fixture
def agent(tmp_path: Path) -> Iterator[Agent]:
    running = Agent(tmp_path / "home")
    running.start()
    yield running
    running.stop()


def issuer(server: DoorkeepProcess) -> str:
    return f"{server.base_url}/realms/{REALM}"


def claims(jwt: str) -> dict[str, Any]:
    part = jwt.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))))


def admin(server: DoorkeepProcess) -> httpx.Client:
    headers = {"Authorization": f"Bearer {server.admin_token()}"}
    return httpx.Client(base_url=f"{server.base_url}/admin/realms/{REALM}", headers=headers, timeout=10)


def offline_sessions(server: DoorkeepProcess, client_id: str) -> list[dict[str, Any]]:
    """alice's offline sessions with ``client_id``, as the admin API lists them."""
    with admin(server) as api:
        (user,) = api.get("/users", params={"username": "alice", "exact": "true"}).json()
        (client,) = api.get("/clients", params={"clientId": client_id}).json()
        listed = api.get(f"/users/{user['id']}/offline-sessions/{client['id']}")
        assert listed.status_code == 200, listed.text
        return list(listed.json())


def userinfo(server: DoorkeepProcess, access_token: str) -> httpx.Response:
    url = f"{issuer(server)}/protocol/openid-connect/userinfo"
    return httpx.get(url, headers={"Authorization": f"Bearer {access_token}"}, timeout=10)


def device_account(agent: Agent, server: DoorkeepProcess, account: str) -> None:
    code, output = agent.generate(
        account,
        issuer(server),
        f"--client-id={PRE}",
        f"--client-secret={PRE_SECRET}",
        "--flow=device",
        OFFLINE,
        user=approve_device(issuer(server)),
    )
    assert code == 0, output
    assert "Everything setup correctly!" in output


def test_device_flow_keeps_an_offline_token_that_oidc_gen_d_revokes(agent: Agent, server: DoorkeepProcess) -> None:
    device_account(agent, server, "device")
    stored = agent.config("device")
    assert (stored["client_id"], stored["issuer_url"]) == (PRE, f"{issuer(server)}/")
    refresh = claims(stored["refresh_token"])
    assert refresh["typ"] == "Offline" and refresh["azp"] == PRE and "offline_access" in refresh["scope"].split()
    assert refresh["sid"] in {s["id"] for s in offline_sessions(server, PRE)}
    access = agent.token("device")
    assert claims(access)["typ"] == "Bearer" and claims(access)["azp"] == PRE
    assert userinfo(server, access).json()["preferred_username"] == "alice"
    id_token = agent.token("device", "--id-token")
    assert claims(id_token)["typ"] == "ID" and claims(id_token)["aud"] == PRE
    narrowed = claims(agent.token("device", "--scope=openid"))  # a refresh with a narrower scope parameter
    assert "email" in narrowed["scope"].split() and "offline_access" not in narrowed["scope"].split()
    agent.ok("oidc-gen", "-d", "device", "--confirm-yes", PASSPHRASE_CMD)  # revokes the refresh token it holds
    assert refresh["sid"] not in {s["id"] for s in offline_sessions(server, PRE)}
    assert not (agent.home / ".oidc-agent" / "device").exists()


def test_oidc_token_refreshes_after_expiry_carries_each_rotated_token_and_reports_reuse_detection(
    agent: Agent, server: DoorkeepProcess
) -> None:
    device_account(agent, server, "rotating")
    first_refresh = agent.config("rotating")["refresh_token"]
    tokens = [agent.token("rotating")]
    assert agent.token("rotating") == tokens[0]  # still valid: the agent hands out the one it has
    # the agent reckons expiry from expires_in as it received it, a moment after the token's own exp
    time.sleep(max(0.0, int(agent.token("rotating", "--expires-at")) + 1 - time.time()))
    tokens.append(agent.token("rotating"))  # expired: the agent refreshes by itself
    tokens.append(agent.token("rotating", "--force-new"))  # rotation: only the newest refresh token is good
    assert len(set(tokens)) == 3 and all(claims(t)["exp"] - claims(t)["iat"] == LIFESPAN for t in tokens)
    assert userinfo(server, tokens[-1]).status_code == 200
    kept = agent.config("rotating")["refresh_token"]
    assert kept != first_refresh  # the agent wrote the rotated token back into its file
    assert claims(kept)["reuse_id"] == claims(first_refresh)["reuse_id"]  # one rotation family
    # a restarted agent loads the newest token from the file and refreshes with it
    agent.stop()
    agent.start()
    agent.ok("oidc-add", "rotating", PASSPHRASE_CMD)
    assert userinfo(server, agent.token("rotating", "--force-new")).status_code == 200
    # a stolen first refresh token replayed: Keycloak's reuse detection drops the client session, and with it
    # the agent's newest token; the agent reports that the user has to sign in again
    replay = httpx.post(
        f"{issuer(server)}/protocol/openid-connect/token",
        data={"grant_type": "refresh_token", "refresh_token": first_refresh},
        auth=(PRE, PRE_SECRET),
        timeout=10,
    )
    assert replay.status_code == 400 and replay.json()["error_description"] == "Stale token"
    refused = agent.run("oidc-token", "--force-new", "rotating")
    assert refused.returncode != 0 and "--reauthenticate" in refused.stdout + refused.stderr


def test_code_flow_with_a_local_redirect_gets_an_offline_token(
    agent: Agent, server: DoorkeepProcess, redirect_port: int
) -> None:
    code, output = agent.generate(
        "code",
        issuer(server),
        f"--client-id={PRE}",
        f"--client-secret={PRE_SECRET}",
        "--flow=code",
        f"--redirect-uri=http://localhost:{redirect_port}/",
        "--no-scheme",
        OFFLINE,
        user=follow_code_flow(issuer(server), f"http://localhost:{redirect_port}/"),
    )
    assert code == 0, output
    assert claims(agent.config("code")["refresh_token"])["typ"] == "Offline"
    assert userinfo(server, agent.token("code")).status_code == 200


def test_dynamic_registration_follows_keycloak_s_registration_policies(agent: Agent, server: DoorkeepProcess) -> None:
    def register(account: str, *flags: str) -> tuple[int, str]:
        return agent.generate(
            account, issuer(server), "--flow=device", OFFLINE, *flags, user=approve_device(issuer(server))
        )

    # anonymous registration from a host nobody trusted: Keycloak's Trusted Hosts policy
    code, output = register("anonymous")
    assert code != 0 and "Policy 'Trusted Hosts' rejected request to client-registration service" in output
    with admin(server) as api:
        initial = api.post("/clients-initial-access", json={"count": 2, "expiration": 300}).json()["token"]
        # oidc-agent always registers scope "openid", which no client scope is called: the authenticated
        # Allowed Client Scopes policy refuses it, as Keycloak's does (DescriptionConverter makes each registered
        # scope an optional client scope), until the realm has an "openid" client scope among its optional ones
        code, output = register("refused", f"--at={initial}")
        assert code != 0 and "Policy 'Allowed Client Scopes' rejected" in output
        made = api.post("/client-scopes", json={"name": "openid", "protocol": "openid-connect"})
        assert made.status_code == 201, made.text
        scope_id = made.headers["location"].rsplit("/", 1)[1]
        assert api.put(f"/default-optional-client-scopes/{scope_id}").status_code == 204
    code, output = register("dynamic", f"--at={initial}")
    assert code == 0, output
    stored = agent.config("dynamic")
    assert stored["client_id"] != PRE and stored["client_secret"]
    assert claims(stored["refresh_token"])["typ"] == "Offline"
    # registered with a scope, the client has no default client scopes (Keycloak's DescriptionConverter): the
    # userinfo of its token says who the user is and nothing more
    assert set(userinfo(server, agent.token("dynamic")).json()) == {"sub"}
