"""GitHub and OAuth v2 identity providers in the Admin Console, over HTTP against the real app (both engines): each
type's own settings on the add page (no discovery document for them), added and edited as the
``identity-provider/instances`` REST calls store them, Keycloak's refusal of an OAuth v2 provider without its User
Info URL shown on the form."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from admin_support import make_admin
from console_support import HTML, ORIGIN, csrf, sign_in
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
CONSOLE = "/admin/test/console/test/identity-providers"
REST = "/admin/realms/test/identity-provider/instances"


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    await make_admin(realm, "test", "boss", "realm-admin")
    async with client_at(realm, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        yield http


async def _add(http: httpx.AsyncClient, kind: str, **form: str) -> httpx.Response:
    page = await http.get(f"{CONSOLE}/add", params={"type": kind}, headers=HTML)
    return await http.post(f"{CONSOLE}/add", data={"csrf_token": csrf(page), **form}, headers=ORIGIN)


async def test_the_list_offers_each_type_and_each_add_page_shows_its_settings(
    realm: Env, admin: httpx.AsyncClient
) -> None:
    listed = await admin.get(CONSOLE, headers=HTML)
    for text in ("Add OpenID Connect provider", "Add OAuth v2 provider", "Add GitHub provider"):
        assert text in listed.text
    github = await admin.get(f"{CONSOLE}/add", params={"type": "github"}, headers=HTML)
    assert "Add GitHub provider" in github.text and 'name="baseUrl"' in github.text and 'name="apiUrl"' in github.text
    assert 'name="tokenUrl"' not in github.text and "discoveryUrl" not in github.text
    oauth2 = await admin.get(f"{CONSOLE}/add", params={"type": "oauth2"}, headers=HTML)
    assert "Add OAuth v2 provider" in oauth2.text and 'name="userNameClaim"' in oauth2.text
    assert 'name="jwksUrl"' not in oauth2.text and 'name="baseUrl"' not in oauth2.text
    oidc = await admin.get(f"{CONSOLE}/add", params={"type": "nonsense"}, headers=HTML)
    assert "Add OpenID Connect provider" in oidc.text and 'name="jwksUrl"' in oidc.text


async def test_a_github_provider_is_added_and_its_secret_kept_on_edit(realm: Env, admin: httpx.AsyncClient) -> None:
    made = await _add(
        admin,
        "github",
        alias="github",
        providerId="github",
        enabled="on",
        clientId="gh-client",
        clientSecret="gh-secret",
        baseUrl="https://github.example.org/",
    )
    assert made.status_code == 303, made.text
    headers = await realm.admin_headers()
    stored = (await realm.http.get(f"{REST}/github", headers=headers)).json()
    assert stored["providerId"] == "github" and stored["enabled"] is True
    assert stored["config"] == {
        "clientId": "gh-client",
        "clientSecret": "**********",
        "baseUrl": "https://github.example.org/",
    }
    page = await admin.get(f"{CONSOLE}/instances/github", headers=HTML)
    assert "GitHub settings" in page.text and 'name="baseUrl"' in page.text
    saved = await admin.post(
        f"{CONSOLE}/instances/github",
        data={
            "csrf_token": csrf(page),
            "enabled": "on",
            "clientId": "gh-client",
            "baseUrl": "https://github.example.org/",
            "apiUrl": "https://api.example.org",
        },
        headers=ORIGIN,
    )
    assert saved.status_code == 303, saved.text
    async with realm.db.transaction() as tx:
        found = await tx.realms.get_by_name("test")
        assert found is not None
        [provider] = found.identity_providers
        assert provider["config"]["clientSecret"] == "gh-secret"  # a blank secret keeps the stored one
        assert provider["config"]["apiUrl"] == "https://api.example.org"
    moved = await admin.post(
        f"{CONSOLE}/instances/github",
        data={"csrf_token": csrf(page), "enabled": "on", "clientId": "gh-client", "baseUrl": "https://evil.example"},
        headers=ORIGIN,
    )
    assert moved.status_code == 400 and "Client secret must be re-entered" in moved.text  # where the secret goes


async def test_an_oauth2_provider_needs_its_user_info_url(realm: Env, admin: httpx.AsyncClient) -> None:
    form = {
        "alias": "generic",
        "providerId": "oauth2",
        "enabled": "on",
        "authorizationUrl": "https://idp.example.org/authorize",
        "tokenUrl": "https://idp.example.org/token",
        "clientId": "c",
        "clientSecret": "s",
        "clientAuthMethod": "client_secret_post",
        "userNameClaim": "login",
    }
    refused = await _add(admin, "oauth2", **form)
    assert refused.status_code == 400 and "User Info URL not provided" in refused.text
    headers = await realm.admin_headers()
    assert (await realm.http.get(REST, headers=headers)).json() == []
    made = await _add(admin, "oauth2", **form, userInfoUrl="https://idp.example.org/me")
    assert made.status_code == 303, made.text
    [stored] = (await realm.http.get(REST, headers=headers)).json()
    assert stored["providerId"] == "oauth2"
    assert (
        stored["config"]["userInfoUrl"] == "https://idp.example.org/me" and stored["config"]["userNameClaim"] == "login"
    )
    assert "emailClaim" not in stored["config"]  # a blank claim is left to its default


@pytest.mark.parametrize(
    ("kind", "form", "stored"),
    [
        (
            "google",
            {"hostedDomain": "example.org", "offlineAccess": "on"},
            {"hostedDomain": "example.org", "offlineAccess": "true"},
        ),
        ("facebook", {"fetchedFields": "birthday"}, {"fetchedFields": "birthday"}),
        ("microsoft", {"tenantId": "contoso"}, {"tenantId": "contoso"}),
        ("paypal", {"sandbox": "on"}, {"sandbox": "true"}),
        ("stackoverflow", {"key": "app-key"}, {"key": "app-key"}),
        ("openshift-v4", {"baseUrl": "https://api.ocp.example:6443"}, {"baseUrl": "https://api.ocp.example:6443"}),
    ],
)
async def test_a_social_provider_is_added_with_its_settings(
    realm: Env, admin: httpx.AsyncClient, kind: str, form: dict[str, str], stored: dict[str, str]
) -> None:
    page = await admin.get(f"{CONSOLE}/add", params={"type": kind}, headers=HTML)
    assert all(f'name="{key}"' in page.text for key in form) and 'name="tokenUrl"' not in page.text
    made = await _add(admin, kind, alias=kind, providerId=kind, enabled="on", clientId="c", clientSecret="s", **form)
    assert made.status_code == 303, made.text
    got = (await realm.http.get(f"{REST}/{kind}", headers=await realm.admin_headers())).json()
    assert got["providerId"] == kind
    assert {k: v for k, v in got["config"].items() if k in stored} == stored
