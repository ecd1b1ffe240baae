"""``--features-disabled=ciba,par,device-flow`` end to end: a real ``doorkeep start-dev`` process with the three
Keycloak features off answers as Keycloak without them (doorkeep/features.py).

Keycloak: CibaGrantTypeFactory, DeviceGrantTypeFactory, CibaRootEndpoint and ParRootEndpoint are
EnvironmentDependentProviderFactory whose isSupported is the feature; AuthorizationEndpoint.authorizeDevice returns
null with DEVICE_FLOW off; OIDCWellKnownProvider lists the supported grant providers and the device endpoint only
with DEVICE_FLOW on (OIDCWellKnownProviderTest.ensureDeviceFlowConfigNotPresentWhenDeviceFlowIsDisabled), the
CIBA and PAR endpoints always; ProfileInfoRepresentation lists the disabled Profile.Feature names.
"""

from __future__ import annotations

import subprocess
from collections.abc import AsyncIterator

import httpx
import pytest

from interop.server import DOORKEEP, DoorkeepProcess
from wire_process import started_with_realm

pytestmark = pytest.mark.anyio
REALM = "switched"
CLIENT, SECRET = "app", "app-secret"
OIDC = f"/realms/{REALM}/protocol/openid-connect"
NOT_FOUND = {
    "error": "HTTP 404 Not Found",
    "error_description": "For more on this error consult the server log at the debug level.",
}
CIBA_GRANT = "urn:openid:params:grant-type:ciba"
DEVICE_GRANT = "urn:ietf:params:oauth:grant-type:device_code"


@pytest.fixture(scope="module")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="module")
async def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[DoorkeepProcess]:
    """One server with ciba (versioned, as Keycloak accepts it), par and device-flow off, and realm ``switched``."""
    client = {
        "clientId": CLIENT,
        "secret": SECRET,
        "publicClient": False,
        "serviceAccountsEnabled": True,
        "redirectUris": ["http://127.0.0.1:1/callback"],
        "attributes": {"oauth2.device.authorization.grant.enabled": "true", "oidc.ciba.grant.enabled": "true"},
    }
    realm = {"realm": REALM, "enabled": True, "clients": [client]}
    options = ["--features-disabled", "ciba:v1,par,device-flow"]
    async with started_with_realm(request, tmp_path_factory.mktemp("features"), realm, options=options) as started:
        yield started


@pytest.fixture
async def http(server: DoorkeepProcess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=server.base_url, timeout=30) as client:
        yield client


async def test_ensure_device_flow_config_not_present_when_device_flow_is_disabled(http: httpx.AsyncClient) -> None:
    """OIDCWellKnownProviderTest.ensureDeviceFlowConfigNotPresentWhenDeviceFlowIsDisabled, and the grant types:
    neither the CIBA nor the device grant is listed; the CIBA and PAR endpoints are, as Keycloak lists them."""
    document = (await http.get(f"/realms/{REALM}/.well-known/openid-configuration")).json()
    assert "device_authorization_endpoint" not in document
    assert "device_authorization_endpoint" not in document["mtls_endpoint_aliases"]
    assert CIBA_GRANT not in document["grant_types_supported"]
    assert DEVICE_GRANT not in document["grant_types_supported"]
    assert "authorization_code" in document["grant_types_supported"]
    assert document["backchannel_authentication_endpoint"].endswith(f"{OIDC}/ext/ciba/auth")
    assert document["pushed_authorization_request_endpoint"].endswith(f"{OIDC}/ext/par/request")


@pytest.mark.parametrize("path", ["ext/ciba/auth", "ext/ciba/auth/callback", "ext/par/request", "auth/device"])
async def test_the_endpoints_of_a_disabled_feature_are_not_found(http: httpx.AsyncClient, path: str) -> None:
    """resolveExtension's NotFoundException (ext/ciba, ext/par) and authorizeDevice's null locator: 404."""
    response = await http.post(f"{OIDC}/{path}", data={"client_id": CLIENT, "client_secret": SECRET})
    assert response.status_code == 404, response.text
    assert response.json() == NOT_FOUND


async def test_the_device_verification_page_is_not_found(http: httpx.AsyncClient) -> None:
    """No ``device`` realm resource with DEVICE_FLOW off: a browser gets the error page, an API client JSON."""
    page = await http.get(f"/realms/{REALM}/device", headers={"Accept": "text/html"})
    assert page.status_code == 404
    assert "text/html" in page.headers["content-type"]
    assert (await http.get(f"/realms/{REALM}/device/status")).json() == NOT_FOUND


@pytest.mark.parametrize("grant_type", [CIBA_GRANT, DEVICE_GRANT])
async def test_a_disabled_feature_grant_is_unsupported(http: httpx.AsyncClient, grant_type: str) -> None:
    """TokenEndpoint.checkGrantType finds no supported OAuth2GrantType: 400 unsupported_grant_type."""
    form = {"grant_type": grant_type, "client_id": CLIENT, "client_secret": SECRET, "auth_req_id": "x"}
    response = await http.post(f"{OIDC}/token", data={**form, "device_code": "x"})
    assert response.status_code == 400, response.text
    assert response.json() == {"error": "unsupported_grant_type", "error_description": "Unsupported grant_type"}


async def test_the_other_grants_still_work(http: httpx.AsyncClient) -> None:
    form = {"grant_type": "client_credentials", "client_id": CLIENT, "client_secret": SECRET}
    response = await http.post(f"{OIDC}/token", data=form)
    assert response.status_code == 200, response.text
    assert response.json()["token_type"] == "Bearer"


async def test_server_info_lists_the_disabled_features(server: DoorkeepProcess, http: httpx.AsyncClient) -> None:
    """ProfileInfoRepresentation.disabledFeatures: the Profile.Feature names, in the enum's order."""
    headers = {"Authorization": f"Bearer {server.admin_token()}"}
    info = (await http.get("/admin/serverinfo", headers=headers)).json()
    assert info["profileInfo"]["disabledFeatures"] == ["CIBA", "PAR", "DEVICE_FLOW"]


def test_an_unknown_feature_stops_the_start() -> None:
    """Keycloak refuses an unrecognized feature name; a misspelt one would otherwise leave the feature on."""
    done = subprocess.run(
        [str(DOORKEEP), "start-dev", "--features-disabled", "cibaa"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode != 0
    assert "cibaa: unrecognized feature" in done.stderr + done.stdout
