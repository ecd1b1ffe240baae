"""Google, Facebook, Microsoft, GitLab, Bitbucket, LinkedIn, PayPal, Stack Overflow and OpenShift 3 providers over
real HTTP, as far as a test without the internet can follow them: the admin API stores each, the login page shows its
button, and the button sends the browser to the provider's own authorization endpoint with its default scope and,
for Google, its ``hd`` and ``access_type`` parameters (GoogleIdentityProvider.createAuthorizationUrl); LinkedIn's
asks no nonce. OpenShift 4, whose endpoints come from the cluster, is run end to end in test_broker_openshift.py.
The profile parsing behind each is in tests/unit/test_broker_social.py and test_broker_social_others.py; the code
exchange and the profile request are the ones GitHub's, OpenShift's and OAuth v2's end-to-end tests run."""

from __future__ import annotations

import httpx
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
        params = _sent_to(sent, endpoint, expected, provider_id, f"{broker.base}/realms/test/broker/{provider_id}")
        assert params["state"]


def _sent_to(
    sent: httpx.Response, endpoint: str, expected: dict[str, str], provider_id: str, broker_path: str
) -> dict[str, str]:
    """The button's answer: a redirect to the provider's ``endpoint`` with the ``expected`` parameters, the client
    (``<providerId>-client``), the code flow and the broker endpoint under ``broker_path``, never the secret; its
    parameters."""
    assert sent.status_code == 302, sent.text
    location = sent.headers["location"]
    assert location.startswith(endpoint + "?"), location
    params = query(location)
    assert params.items() >= expected.items(), params
    assert params["client_id"] == f"{provider_id}-client" and params["response_type"] == "code"
    assert params["redirect_uri"] == broker_path + "/endpoint"
    assert "s3cret" not in location
    return params


# (alias, providerId, config, authorization endpoint, expected parameters)
OTHERS: tuple[tuple[str, str, dict[str, str], str, dict[str, str]], ...] = (
    ("bitbucket", "bitbucket", {}, "https://bitbucket.org/site/oauth2/authorize", {"scope": "account"}),
    (
        "linkedin",
        "linkedin-openid-connect",
        {},
        "https://www.linkedin.com/oauth/v2/authorization",
        {"scope": "openid profile email"},
    ),
    ("paypal", "paypal", {}, "https://www.paypal.com/signin/authorize", {"scope": "openid profile email"}),
    ("paypal-test", "paypal", {"sandbox": "true"}, "https://www.sandbox.paypal.com/signin/authorize", {}),
    ("so", "stackoverflow", {"key": "app-key"}, "https://stackexchange.com/oauth", {}),
    (
        "ocp3",
        "openshift-v3",
        {"baseUrl": "https://ocp.example:8443"},
        "https://ocp.example:8443/oauth/authorize",
        {"scope": "user:info"},
    ),
)


async def test_the_other_social_buttons_send_the_browser_to_their_providers(env: Env) -> None:
    """Bitbucket, LinkedIn (no nonce: LinkedIn does not return it), PayPal live and sandbox, Stack Overflow (an empty
    scope) and OpenShift 3 (from its ``baseUrl``), each stored as sent and each button a redirect to its provider."""
    async with served(env) as broker:
        for alias, provider_id, config, _, _ in OTHERS:
            rep = _rep(provider_id, **config) | {"alias": alias}
            await admin(env, "POST", INSTANCES, rep, status=201)
        async with browser(broker) as http:
            page = await start_login(http)
            for alias, provider_id, _, endpoint, expected in OTHERS:
                sent = await http.get(button(page, alias))
                params = _sent_to(sent, endpoint, expected, provider_id, f"{broker.base}/realms/test/broker/{alias}")
                assert "scope=" in sent.headers["location"]
                assert ("nonce" in params) == (provider_id != "linkedin-openid-connect"), params


async def test_their_mapper_types_and_serverinfo(env: Env) -> None:
    """Each provider's JSON attribute mapper (GoogleUserAttributeMapper, FacebookUserAttributeMapper,
    MicrosoftUserAttributeMapper, PayPal's, Stack Overflow's, LinkedIn's) is listed for it alone, with the username
    template (Bitbucket has no JSON mapper, OpenShift 3 neither mapper); serverinfo names the social providers
    Doorkeep runs by their factories' names."""
    json_mapper = {"linkedin-openid-connect": "linkedin-user-attribute-mapper", "bitbucket": None, "openshift-v3": None}
    async with served(env):
        for provider_id in ("google", "facebook", "microsoft", "paypal", "stackoverflow", *json_mapper):
            await admin(env, "POST", INSTANCES, _rep(provider_id), status=201)
            kinds = set((await admin(env, "GET", f"{INSTANCES}/{provider_id}/mapper-types", status=200)).json())
            own = json_mapper.get(provider_id, f"{provider_id}-user-attribute-mapper")
            assert {k for k in kinds if k.endswith("-user-attribute-mapper")} == ({own} if own else set()), kinds
            assert ("oidc-username-idp-mapper" in kinds) == (provider_id != "openshift-v3"), kinds
        info = (await admin(env, "GET", "/admin/serverinfo", status=200)).json()
        assert [(p["id"], p["name"]) for p in info["socialProviders"]] == [
            ("bitbucket", "BitBucket"),
            ("facebook", "Facebook"),
            ("github", "GitHub"),
            ("gitlab", "GitLab"),
            ("google", "Google"),
            ("linkedin-openid-connect", "LinkedIn"),
            ("microsoft", "Microsoft"),
            ("openshift-v3", "Openshift v3"),
            ("openshift-v4", "Openshift v4"),
            ("paypal", "PayPal"),
            ("stackoverflow", "StackOverflow"),
        ]


async def test_a_paypal_switched_to_the_sandbox_needs_the_secret_again(env: Env) -> None:
    """PayPalIdentityProviderConfig: ``sandbox`` is a destination of the secret (the token host it chooses), read as
    the boolean it is, so sending ``false`` for a provider stored without it keeps the secret."""
    async with served(env):
        await admin(env, "POST", INSTANCES, _rep("paypal"), status=201)
        stored = (await admin(env, "GET", f"{INSTANCES}/paypal", status=200)).json()
        unchanged = stored | {"config": stored["config"] | {"sandbox": "false"}}
        assert (await admin(env, "PUT", f"{INSTANCES}/paypal", unchanged)).status_code == 204
        moved = stored | {"config": stored["config"] | {"sandbox": "true"}}
        refused = await admin(env, "PUT", f"{INSTANCES}/paypal", moved, status=400)
        assert "Client secret must be re-entered" in refused.text


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
