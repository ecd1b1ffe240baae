"""Keycloak's new-framework IdentityProviderTest (tests/base/.../admin/identityprovider/IdentityProviderTest.java):
testFind and testFindForLoginPreservesOrderByAlias with the provider types the Java methods name (twitter,
linkedin-openid-connect, google, github, facebook, stackoverflow, openshift-v4), which Doorkeep refused with a 501
before. The social types Doorkeep does not log in with (broker/providers.STORED_ONLY: twitter and instagram) are
stored and listed as Keycloak keeps them but never offered to a login: no button, ``kc_idp_hint`` and the broker's
login URL ignore them as they ignore a disabled provider. SAML stays a 501."""

from __future__ import annotations

from typing import Any

import pytest

from broker_support import browser, query, served, start_login
from flow_builder import admin
from wire_env import Env

pytestmark = pytest.mark.anyio
INSTANCES = "/admin/realms/test/identity-provider/instances"


def _rep(alias: str, provider_id: str, display_name: str | None = None, **config: str) -> dict[str, Any]:
    """AbstractIdentityProviderTest.createRep: enabled, the display name given or the alias."""
    out: dict[str, Any] = {"alias": alias, "providerId": provider_id, "enabled": True, "config": config}
    out["displayName"] = display_name or alias
    return out


async def _names(env: Env, **params: Any) -> list[str]:
    return [p["alias"] for p in (await admin(env, "GET", INSTANCES + "?" + _query(params), status=200)).json()]


def _query(params: dict[str, Any]) -> str:
    from urllib.parse import urlencode

    return urlencode({k: str(v).lower() if isinstance(v, bool) else v for k, v in params.items()})


async def test_find(env: Env) -> None:
    """IdentityProviderTest.testFind, with the Java method's provider types."""
    async with served(env):
        await admin(env, "POST", INSTANCES, _rep("twitter", "twitter", "twitter idp", key1="value1"), status=201)
        for alias in ("linkedin-openid-connect", "google", "github", "facebook"):
            await admin(env, "POST", INSTANCES, _rep(alias, alias), status=201)
        assert await _names(env) == ["facebook", "github", "google", "linkedin-openid-connect", "twitter"]
        assert await _names(env, briefRepresentation=True, first=0, max=2) == ["facebook", "github"]
        assert await _names(env, briefRepresentation=True, first=2, max=2) == ["google", "linkedin-openid-connect"]
        assert await _names(env, briefRepresentation=True, first=4, max=2) == ["twitter"]
        assert await _names(env, search="g", briefRepresentation=True, first=0, max=5) == ["github", "google"]
        assert await _names(env, search="g*", first=1, max=1) == ["google"]
        assert await _names(env, search="*oo*", first=0, max=5) == ["facebook", "google"]
        assert await _names(env, search="*ter i*", first=0, max=5) == ["twitter"]
        found = (await admin(env, "GET", INSTANCES + '?search="twitter"&briefRepresentation=true', status=200)).json()
        assert [p["alias"] for p in found] == ["twitter"] and found[0]["config"] == {}
        full = (await admin(env, "GET", INSTANCES + '?search="twitter"', status=200)).json()
        assert full[0]["config"] == {"key1": "value1"} and full[0]["providerId"] == "twitter"


async def test_the_login_offers_the_providers_it_runs_in_alias_order(env: Env) -> None:
    """IdentityProviderTest.testFindForLoginPreservesOrderByAlias: Keycloak's getForLogin lists all seven by alias;
    the login page Doorkeep draws shows, in that order, the six it logs in with (all but twitter); a stored-only one
    named by ``kc_idp_hint`` is ignored (the login page) and its broker login URL is Keycloak's error page for a
    provider that cannot be used, not a redirect."""
    async with served(env) as broker:
        for alias in (
            "twitter",
            "linkedin-openid-connect",
            "google",
            "github",
            "facebook",
            "stackoverflow",
            "openshift-v4",
        ):
            await admin(env, "POST", INSTANCES, _rep(alias, alias, clientId="c", clientSecret="s"), status=201)
        async with browser(broker) as http:
            page = await start_login(http)
            import re

            drawn = re.findall(r'<a id="social-([^"]+)"', page.text)
            expected = ["facebook", "github", "google", "linkedin-openid-connect", "openshift-v4", "stackoverflow"]
            assert drawn == expected, drawn
            hinted = await start_login(http, kc_idp_hint="twitter")
            assert hinted.status_code == 200 and 'id="social-twitter"' not in hinted.text
            google = re.search(r'<a id="social-google" type="button" href="([^"]+)"', page.text)
            assert google is not None
            twitter = google.group(1).replace("&amp;", "&").replace("/broker/google/login", "/broker/twitter/login")
            refused = await http.get(twitter)
            assert refused.status_code == 400 and "location" not in refused.headers, refused.text
            assert query(twitter)["client_id"] == "app"


async def test_saml_and_other_kinds_stay_refused(env: Env) -> None:
    async with served(env):
        for provider_id in ("saml", "spiffe"):  # kubernetes: client assertions (test_kc_s69i_kubernetes_client_auth.py)
            refused = await admin(env, "POST", INSTANCES, _rep(provider_id, provider_id))
            assert refused.status_code == 501, refused.text
        unknown = await admin(env, "POST", INSTANCES, _rep("x", "no-such-type"), status=400)
        assert "Invalid identity provider id [no-such-type]" in unknown.text


async def test_a_realm_file_with_social_providers_imports_and_exports_them(env: Env) -> None:
    """A Keycloak realm export naming social providers (one Doorkeep runs, one it only keeps) imports whole and
    exports them back; a SAML provider still refuses the file, naming it."""
    providers = [_rep("google", "google", clientId="g", clientSecret="gs"), _rep("twitter", "twitter", clientId="t")]
    rep = {"realm": "social", "enabled": True, "identityProviders": providers}
    await admin(env, "POST", "/admin/realms", rep, status=201)
    listed = (await admin(env, "GET", "/admin/realms/social/identity-provider/instances", status=200)).json()
    assert [(p["alias"], p["providerId"]) for p in listed] == [("google", "google"), ("twitter", "twitter")]
    exported = (await admin(env, "POST", "/admin/realms/social/partial-export", status=200)).json()
    assert sorted(p["providerId"] for p in exported["identityProviders"]) == ["google", "twitter"]
    saml = {"realm": "withsaml", "enabled": True, "identityProviders": [_rep("s", "saml")]}
    refused = await admin(env, "POST", "/admin/realms", saml, status=400)
    assert refused.json() == {
        "errorMessage": "identityProviders[0]: Doorkeep does not broker 'saml' identity providers"
    }
    assert (await admin(env, "GET", "/admin/realms/withsaml")).status_code == 404
