"""Google, Facebook, Microsoft and GitLab providers over real HTTP, as far as a test without the internet can follow them: the
admin API stores each (a 501 before), the login page shows its button, and the button sends the browser to the
provider's own authorization endpoint with its default scope and, for Google, its ``hd`` and ``access_type``
parameters (GoogleIdentityProvider.createAuthorizationUrl). The profile parsing behind each is in
tests/unit/test_broker_social.py; the code exchange and the profile request are the ones GitHub's and OAuth v2's
end-to-end tests run."""

from __future__ import annotations

import pytest

from broker_support import browser, button, query, served, start_login
from flow_builder import admin
from wire_env import Env

pytestmark = pytest.mark.anyio
INSTANCES = "/admin/realms/test/identity-provider/instances"


def _rep(provider_id: str, **config: str) -> dict[str, object]:
    secret = {"clientId": f"{provider_id}-client", "clientSecret": "s3cret"}
    return {"alias": provider_id, "providerId": provider_id, "enabled": True, "config": secret | config}


@pytest.mark.parametrize(
    ("provider_id", "config", "endpoint", "expected"),
    [
        (
            "google",
            {"hostedDomain": "example.org", "offlineAccess": "true"},
            "https://accounts.google.com/o/oauth2/v2/auth",
            {"scope": "openid profile email", "hd": "example.org", "access_type": "offline"},
        ),
        ("facebook", {}, "https://graph.facebook.com/oauth/authorize", {"scope": "email"}),
        ("gitlab", {}, "https://gitlab.com/oauth/authorize", {"scope": "openid read_user"}),
        (
            "microsoft",
            {"tenantId": "contoso"},
            "https://login.microsoftonline.com/contoso/oauth2/v2.0/authorize",
            {"scope": "User.read"},
        ),
    ],
)
async def test_the_button_sends_the_browser_to_the_provider(
    env: Env, provider_id: str, config: dict[str, str], endpoint: str, expected: dict[str, str]
) -> None:
    async with served(env) as broker:
        await admin(env, "POST", INSTANCES, _rep(provider_id, **config), status=201)
        stored = (await admin(env, "GET", f"{INSTANCES}/{provider_id}", status=200)).json()
        assert stored["config"] == {"clientId": f"{provider_id}-client", "clientSecret": "**********", **config}
        async with browser(broker) as http:
            page = await start_login(http)
            sent = await http.get(button(page, provider_id))
        assert sent.status_code == 302, sent.text
        location = sent.headers["location"]
        assert location.startswith(endpoint + "?"), location
        params = query(location)
        assert params.items() >= expected.items(), params
        assert params["client_id"] == f"{provider_id}-client" and params["response_type"] == "code"
        assert params["redirect_uri"] == f"{broker.base}/realms/test/broker/{provider_id}/endpoint"
        assert params["state"] and "s3cret" not in location


async def test_their_mapper_types_and_serverinfo(env: Env) -> None:
    """Each provider's JSON attribute mapper (GoogleUserAttributeMapper, FacebookUserAttributeMapper,
    MicrosoftUserAttributeMapper) is listed for it alone; serverinfo names the four social providers."""
    async with served(env):
        for provider_id in ("google", "facebook", "microsoft"):
            await admin(env, "POST", INSTANCES, _rep(provider_id), status=201)
            kinds = set((await admin(env, "GET", f"{INSTANCES}/{provider_id}/mapper-types", status=200)).json())
            assert f"{provider_id}-user-attribute-mapper" in kinds and "oidc-username-idp-mapper" in kinds
            assert not {k for k in kinds if k.endswith("-user-attribute-mapper")} - {
                f"{provider_id}-user-attribute-mapper"
            }
        info = (await admin(env, "GET", "/admin/serverinfo", status=200)).json()
        assert [p["id"] for p in info["socialProviders"]] == ["facebook", "github", "gitlab", "google", "microsoft"]


async def test_a_new_tenant_needs_the_secret_again(env: Env) -> None:
    """The masked secret is not reused when the update moves where it goes: a Microsoft provider's ``tenantId``
    names its token endpoint (IdentityProviderOidcTest#maskedClientSecretNotReusedWhenDerivedTokenDestinationChanges,
    GitHub's ``baseUrl`` there); the stored provider is unchanged."""
    async with served(env):
        await admin(env, "POST", INSTANCES, _rep("microsoft", tenantId="contoso"), status=201)
        stored = (await admin(env, "GET", f"{INSTANCES}/microsoft", status=200)).json()
        moved = stored | {"config": stored["config"] | {"tenantId": "attacker"}}
        refused = await admin(env, "PUT", f"{INSTANCES}/microsoft", moved, status=400)
        assert "Client secret must be re-entered" in refused.text
        kept = (await admin(env, "GET", f"{INSTANCES}/microsoft", status=200)).json()
        assert kept["config"]["tenantId"] == "contoso"
        same = await admin(env, "PUT", f"{INSTANCES}/microsoft", stored | {"displayName": "MS"})
        assert same.status_code == 204, same.text
