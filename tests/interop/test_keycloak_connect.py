"""Keycloak's Node.js adapter keycloak-connect 26.1 (npm, tests/keycloak_connect) in express apps, configured by
the ``keycloak.json`` Doorkeep's installation endpoint serves, against a real ``doorkeep start-dev``.

The web app (a confidential client) logs in through Doorkeep's form (played by httpx with a cookie jar), keeps the
grant in its express session, checks realm and client roles, logs out, and drives GrantManager (password grant,
refresh). The API (a bearer-only client) checks bearer tokens itself against the realm's JWKS, ``iss``, ``typ``,
``exp`` and its not-before. Both serve Keycloak's admin callbacks at their admin URL: Doorkeep's ``k_logout`` (an
admin logging the user out, logout-all) and ``k_push_not_before`` (client and realm push-revocation) reach them,
and they then refuse the old tokens.
"""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import pytest

from browser_flow import form_action, form_fields
from interop.server import DoorkeepProcess, free_port

pytestmark = pytest.mark.interop
REALM = "node"
APP_DIR = Path(__file__).resolve().parents[1] / "keycloak_connect"
PASSWORD = {"alice": "alice-password", "bob": "bob-password"}


def realm(app: str, api: str) -> dict[str, Any]:
    """The web app with an admin URL and a client role, the bearer-only API, a service client whose tokens live
    one second, alice (realm role ``node-user``, client role ``node-app:reader``) and bob (neither)."""
    user = {"enabled": True, "emailVerified": True, "firstName": "N", "lastName": "N"}
    # The client has roles, so its keycloak.json says verify-token-audience (KeycloakOIDCClientInstallation), and
    # keycloak-connect then wants its own client id in the access token's aud, which the audience resolve mapper
    # leaves out for the client itself, in Keycloak as here: Keycloak's documented remedy is this mapper.
    own_audience = {
        "name": "own audience",
        "protocol": "openid-connect",
        "protocolMapper": "oidc-audience-mapper",
        "config": {"included.client.audience": "node-app", "access.token.claim": "true"},
    }
    service = {"enabled": True, "standardFlowEnabled": False, "serviceAccountsEnabled": True}
    return {
        "realm": REALM,
        "enabled": True,
        "roles": {
            "realm": [{"name": "node-user"}, {"name": "node-admin"}],
            "client": {"node-app": [{"name": "reader"}]},
        },
        "clients": [
            {
                "clientId": "node-app",
                "secret": "node-app-secret",
                "rootUrl": app,
                "adminUrl": app,
                "redirectUris": [f"{app}/*"],
                "directAccessGrantsEnabled": True,
                "attributes": {"post.logout.redirect.uris": "+"},
                "protocolMappers": [own_audience],
            },
            {"clientId": "node-api", "bearerOnly": True, "adminUrl": api, "standardFlowEnabled": False},
            {"clientId": "node-service", "secret": "node-service-secret", **service},
            {
                "clientId": "node-short",
                "secret": "node-short-secret",
                "attributes": {"access.token.lifespan": "3"},  # long enough to be used once on a busy machine
                **service,
            },
        ],
        "users": [
            {
                "username": "alice",
                "email": "alice@example.com",
                "realmRoles": [f"default-roles-{REALM}", "node-user"],
                "clientRoles": {"node-app": ["reader"]},
                "credentials": [{"type": "password", "value": PASSWORD["alice"], "temporary": False}],
                **user,
            },
            {
                "username": "bob",
                "email": "bob@example.com",
                "realmRoles": [f"default-roles-{REALM}"],
                "credentials": [{"type": "password", "value": PASSWORD["bob"], "temporary": False}],
                **user,
            },
        ],
    }


class Setup:
    """Doorkeep, the node apps in front of it, and the URLs both sides know."""

    def __init__(self, doorkeep: DoorkeepProcess, app: str, api: str, node: subprocess.Popen[str]) -> None:
        self.doorkeep, self.app, self.api, self.node = doorkeep, app, api, node
        self.issuer = f"{doorkeep.base_url}/realms/{REALM}"

    def admin(self) -> httpx.Client:
        return admin_of(self.doorkeep)

    def client_uuid(self, admin: httpx.Client, client_id: str) -> str:
        return client_uuid(admin, client_id)

    def token(self, form: dict[str, str], auth: tuple[str, str], host: str | None = None) -> dict[str, Any]:
        headers = {"Host": host} if host else {}
        response = httpx.post(f"{self.issuer}/protocol/openid-connect/token", data=form, auth=auth, headers=headers)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def service_token(self, client_id: str = "node-service", host: str | None = None) -> str:
        auth = (client_id, f"{client_id}-secret")
        return str(self.token({"grant_type": "client_credentials"}, auth, host)["access_token"])

    def password_token(self, username: str) -> str:
        form = {"grant_type": "password", "username": username, "password": PASSWORD[username], "scope": "openid"}
        return str(self.token(form, ("node-app", "node-app-secret"))["access_token"])

    def not_before(self, base: str) -> int:
        return int(httpx.get(f"{base}/test/not-before").json()["notBefore"])

    def failure(self, what: str) -> str:
        return f"{what}\n--- doorkeep log ---\n{self.doorkeep.output()[-6000:]}"


def admin_of(doorkeep: DoorkeepProcess) -> httpx.Client:
    headers = {"Authorization": f"Bearer {doorkeep.admin_token()}"}
    return httpx.Client(base_url=f"{doorkeep.base_url}/admin/realms/{REALM}", headers=headers, timeout=15)


def client_uuid(admin: httpx.Client, client_id: str) -> str:
    return str(admin.get("/clients", params={"clientId": client_id}).json()[0]["id"])


def installation(admin: httpx.Client, uuid: str) -> dict[str, Any]:
    """The client's "Keycloak OIDC JSON", as the admin console's "Download adapter config" gives it."""
    response = admin.get(f"/clients/{uuid}/installation/providers/keycloak-oidc-keycloak-json")
    assert response.status_code == 200, response.text
    return dict(json.loads(response.text))


def start_node(workdir: Path, app_port: int, app_json: Path, api_port: int, api_json: Path) -> subprocess.Popen[str]:
    node = shutil.which("node")
    assert node is not None, "node is needed: Debian's nodejs, and `make node` for the npm packages"
    assert (APP_DIR / "node_modules" / "keycloak-connect").is_dir(), "run `make node`"
    with (workdir / "node.log").open("w") as log:  # the child keeps its own copy of the file
        process = subprocess.Popen(
            [node, str(APP_DIR / "app.mjs"), str(app_port), str(app_json), str(api_port), str(api_json)],
            cwd=APP_DIR,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )
    assert process.stdout is not None
    line = process.stdout.readline()
    assert line.strip() == "ready", (workdir / "node.log").read_text()
    return process


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Setup]:
    workdir = tmp_path_factory.mktemp("keycloak-connect")
    realm_file = workdir / "realm.json"
    doorkeep = DoorkeepProcess(workdir / "doorkeep", import_realms=[realm_file])
    taken = {doorkeep.port, doorkeep.management_port}
    app_port = next(p for p in iter(free_port, 0) if p not in taken)
    api_port = next(p for p in iter(free_port, 0) if p not in taken | {app_port})
    app, api = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{api_port}"
    realm_file.write_text(json.dumps(realm(app, api)))
    doorkeep.start()
    node: subprocess.Popen[str] | None = None
    try:
        with admin_of(doorkeep) as admin:
            configs = {c: installation(admin, client_uuid(admin, c)) for c in ("node-app", "node-api")}
        paths = {c: workdir / f"{c}.json" for c in configs}
        for client_id, config in configs.items():
            paths[client_id].write_text(json.dumps(config))
        node = start_node(workdir, app_port, paths["node-app"], api_port, paths["node-api"])
        yield Setup(doorkeep, app, api, node)
    finally:
        if node is not None:
            node.terminate()
            node.wait(10)
            assert node.stdout is not None
            node.stdout.close()
        doorkeep.stop()


def claims(jwt: str) -> dict[str, Any]:
    body = jwt.split(".")[1]
    return dict(json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))))


def log_in(setup: Setup, browser: httpx.Client, username: str, path: str = "/protected") -> httpx.Response:
    """Ask the app for a protected page, sign in at Doorkeep, follow the redirects back: the page."""
    to_doorkeep = browser.get(f"{setup.app}{path}")
    assert to_doorkeep.status_code == 302, to_doorkeep.text
    form = browser.get(to_doorkeep.headers["location"])
    assert form.status_code == 200 and 'name="password"' in form.text, form.text[:500]
    fields = {**form_fields(form.text), "username": username, "password": PASSWORD[username]}
    callback = browser.post(form_action(form.text), data=fields)
    assert callback.status_code == 302, callback.text[:500]
    assert callback.headers["location"].startswith(f"{setup.app}{path}?auth_callback=1&")
    back = browser.get(callback.headers["location"])  # keycloak-connect exchanges the code here
    assert back.status_code == 302, setup.failure(back.text)
    # it keeps the parameters it does not know, such as RFC 9207's iss, which Keycloak sends too
    assert back.headers["location"] == f"{path}?{urlencode({'iss': setup.issuer})}", back.headers["location"]
    return browser.get(f"{setup.app}{path}")


def browser() -> httpx.Client:
    return httpx.Client(timeout=15)


def wait_until(check: Callable[[], bool], seconds: float = 10) -> bool:
    """Poll ``check()`` until it is true (the admin callbacks go out after Doorkeep's transaction commits)."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_the_installation_file_is_the_keycloak_json_keycloak_connect_reads(setup: Setup) -> None:
    with setup.admin() as admin:
        app = installation(admin, setup.client_uuid(admin, "node-app"))
        api = installation(admin, setup.client_uuid(admin, "node-api"))
    assert app["realm"] == REALM and app["resource"] == "node-app"
    assert app["auth-server-url"].rstrip("/") == setup.doorkeep.base_url
    assert app["credentials"] == {"secret": "node-app-secret"}
    assert api["bearer-only"] is True and "credentials" not in api


def test_a_protected_route_sends_the_browser_to_doorkeeps_authorization_endpoint(setup: Setup) -> None:
    with browser() as b:
        response = b.get(f"{setup.app}/protected")
    assert response.status_code == 302, response.text
    location = urlsplit(response.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == f"{setup.issuer}/protocol/openid-connect/auth"
    query = {k: v[0] for k, v in parse_qs(location.query).items()}
    assert query["client_id"] == "node-app" and query["response_type"] == "code" and query["scope"] == "openid"
    assert query["redirect_uri"] == f"{setup.app}/protected?auth_callback=1"


def test_after_signing_in_the_app_exchanges_the_code_and_serves_the_page(setup: Setup) -> None:
    with browser() as b:
        page = log_in(setup, b, "alice")
        assert page.status_code == 200, setup.failure(page.text)
        assert page.json()["username"] == "alice"
        assert b.get(f"{setup.app}/protected").json()["sid"] == page.json()["sid"]


ROLE_ROUTES = {  # keycloak.protect(spec) on each path: alice has both roles, bob neither
    "/realm-role": ("realm:node-user", 200, 403),
    "/admin-only": ("realm:node-admin", 403, 403),
    "/app-role": ("reader", 200, 403),
    "/client-role": ("node-app:reader", 200, 403),
    "/other-client-role": ("node-api:writer", 403, 403),
}


def test_role_protected_routes_admit_the_users_with_the_role_and_refuse_the_others(setup: Setup) -> None:
    for username, column in (("alice", 1), ("bob", 2)):
        with browser() as b:
            assert log_in(setup, b, username).status_code == 200
            seen = {path: b.get(f"{setup.app}{path}").status_code for path in ROLE_ROUTES}
        assert seen == {path: row[column] for path, row in ROLE_ROUTES.items()}, username


def test_the_bearer_only_api_accepts_service_and_password_grant_tokens(setup: Setup) -> None:
    service = httpx.get(f"{setup.api}/api/ping", headers={"Authorization": f"Bearer {setup.service_token()}"})
    assert service.status_code == 200, service.text
    assert service.json() == {"username": "service-account-node-service", "azp": "node-service"}
    user = httpx.get(f"{setup.api}/api/user", headers={"Authorization": f"Bearer {setup.password_token('alice')}"})
    assert user.status_code == 200 and user.json()["username"] == "alice", user.text
    bob = httpx.get(f"{setup.api}/api/user", headers={"Authorization": f"Bearer {setup.password_token('bob')}"})
    assert bob.status_code == 403
    assert httpx.get(f"{setup.api}/api/ping").status_code == 403  # bearer-only: no token, no login redirect


def forged(token: str) -> str:
    head, _, signature = token.split(".")
    payload = claims(token) | {"preferred_username": "mallory"}
    fake = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    return f"{head}.{fake}.{signature}"


def test_the_bearer_only_api_refuses_expired_forged_and_foreign_issuer_tokens(setup: Setup) -> None:
    ping = f"{setup.api}/api/ping"
    short = setup.service_token("node-short")
    assert httpx.get(ping, headers={"Authorization": f"Bearer {short}"}).status_code == 200
    assert httpx.get(ping, headers={"Authorization": f"Bearer {forged(setup.service_token())}"}).status_code == 403
    # Signed by the realm's key, but issued under another host name: keycloak-connect compares iss to its realm URL.
    port = setup.doorkeep.port
    foreign = setup.service_token(host=f"localhost:{port}")
    assert claims(foreign)["iss"] == f"http://localhost:{port}/realms/{REALM}"
    assert httpx.get(ping, headers={"Authorization": f"Bearer {foreign}"}).status_code == 403
    time.sleep(max(0.0, claims(short)["exp"] - time.time()) + 1.1)
    assert httpx.get(ping, headers={"Authorization": f"Bearer {short}"}).status_code == 403


def test_grant_manager_obtains_tokens_by_password_and_refreshes_them(setup: Setup) -> None:
    direct = httpx.post(f"{setup.app}/test/direct", json={"username": "alice", "password": PASSWORD["alice"]})
    assert direct.status_code == 200, setup.failure(direct.text)
    first = direct.json()
    assert claims(first["id_token"])["typ"] == "ID" and claims(first["refresh_token"])["typ"] == "Refresh"
    time.sleep(1.1)  # a new iat, so the refreshed access token differs
    refreshed = httpx.post(f"{setup.app}/test/refresh/{first['id']}")
    assert refreshed.status_code == 200, setup.failure(refreshed.text)
    second = refreshed.json()
    assert second["access_token"] != first["access_token"]
    assert claims(second["access_token"])["sid"] == claims(first["access_token"])["sid"]
    wrong = httpx.post(f"{setup.app}/test/direct", json={"username": "alice", "password": "wrong"})
    # keycloak-connect reports the HTTP status: 400 invalid_grant, as Keycloak 26.6+ answers (keycloak#46528)
    assert wrong.status_code == 401 and wrong.json()["error"] == "400:Bad Request"


def test_logout_sends_the_browser_to_doorkeep_which_ends_the_session_and_returns_to_the_app(setup: Setup) -> None:
    with browser() as b:
        sid = log_in(setup, b, "alice").json()["sid"]
        logout = b.get(f"{setup.app}/logout")
        assert logout.status_code == 302
        end = urlsplit(logout.headers["location"])
        assert f"{end.scheme}://{end.netloc}{end.path}" == f"{setup.issuer}/protocol/openid-connect/logout"
        query = {k: v[0] for k, v in parse_qs(end.query).items()}
        assert query["post_logout_redirect_uri"] == f"{setup.app}/"
        assert claims(query["id_token_hint"])["sid"] == sid
        done = b.get(logout.headers["location"])
        assert done.status_code == 302, done.text[:500]
        assert done.headers["location"] == f"{setup.app}/"
        assert b.get(f"{setup.app}/protected").status_code == 302
    with setup.admin() as admin:
        user = admin.get("/users", params={"username": "alice", "exact": "true"}).json()[0]["id"]
        assert sid not in {s["id"] for s in admin.get(f"/users/{user}/sessions").json()}


def test_an_admin_logging_the_user_out_reaches_the_app_by_k_logout_and_ends_its_session(setup: Setup) -> None:
    """Doorkeep posts Keycloak's LogoutAction with the adapter's session id (sent by keycloak-connect as
    ``client_session_state`` with the code) to the admin URL; keycloak-connect drops the grant of that session."""
    with browser() as b, setup.admin() as admin:
        assert log_in(setup, b, "bob").status_code == 200
        user = admin.get("/users", params={"username": "bob", "exact": "true"}).json()[0]["id"]
        assert admin.post(f"/users/{user}/logout").status_code == 204
        assert wait_until(lambda: b.get(f"{setup.app}/protected").status_code == 302), setup.failure(
            "the app still serves the page after the admin logged the user out"
        )


def test_client_push_revocation_reaches_the_api_which_then_refuses_older_tokens(setup: Setup) -> None:
    old = setup.service_token()
    ping = f"{setup.api}/api/ping"
    assert httpx.get(ping, headers={"Authorization": f"Bearer {old}"}).status_code == 200
    time.sleep(1.1)
    with setup.admin() as admin:
        uuid = setup.client_uuid(admin, "node-api")
        now = int(time.time())
        assert admin.put(f"/clients/{uuid}", json={"clientId": "node-api", "notBefore": now}).status_code == 204
        pushed = admin.post(f"/clients/{uuid}/push-revocation")
        assert pushed.status_code == 200, pushed.text
        assert pushed.json() == {"successRequests": [setup.api]}, setup.failure(pushed.text)
    assert setup.not_before(setup.api) == now
    assert httpx.get(ping, headers={"Authorization": f"Bearer {old}"}).status_code == 403
    assert httpx.get(ping, headers={"Authorization": f"Bearer {setup.service_token()}"}).status_code == 200


def test_realm_push_revocation_reaches_both_apps_and_the_web_app_asks_for_a_new_login(setup: Setup) -> None:
    with browser() as b:
        assert log_in(setup, b, "alice").status_code == 200
        time.sleep(1.1)
        with setup.admin() as admin:
            now = int(time.time())
            assert admin.put("", json={"realm": REALM, "notBefore": now}).status_code == 204
            pushed = admin.post("/push-revocation")
            assert pushed.status_code == 200, pushed.text
        assert sorted(pushed.json()["successRequests"]) == sorted([setup.app, setup.api]), pushed.text
        assert setup.not_before(setup.app) == now and setup.not_before(setup.api) == now
        assert b.get(f"{setup.app}/protected").status_code == 302  # the session's token is older: log in again
        assert log_in(setup, b, "alice").status_code == 200


def test_logout_all_reaches_the_apps_by_k_logout_and_they_refuse_the_tokens_of_before(setup: Setup) -> None:
    with browser() as b:
        assert log_in(setup, b, "alice").status_code == 200
        old = setup.service_token()
        time.sleep(1.1)
        with setup.admin() as admin:
            result = admin.post("/logout-all")
        assert result.status_code == 200, result.text
        assert sorted(result.json()["successRequests"]) == sorted([setup.app, setup.api]), result.text
        assert b.get(f"{setup.app}/protected").status_code == 302
        assert httpx.get(f"{setup.api}/api/ping", headers={"Authorization": f"Bearer {old}"}).status_code == 403
