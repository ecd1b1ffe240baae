"""Logging in with OpenShift (Keycloak's OpenshiftV4IdentityProvider and OpenshiftV3IdentityProvider), end to end
over real HTTP against an OpenShift stand-in on 127.0.0.1 (tests/fake_openshift.py) named by the provider's
``baseUrl``.

OpenShift 4: the authorization and token endpoints are read from ``{baseUrl}/.well-known/oauth-authorization-server``
each time the provider is used (the button, the callback); the scope is ``user:info``; the code is exchanged with
the client's id and secret; the user is ``{baseUrl}/apis/user.openshift.io/v1/users/~`` read with the access token
(``metadata.uid``, ``metadata.name``, ``fullName``). OpenShift 3: ``{baseUrl}/oauth/authorize``, ``/oauth/token``
and ``/oapi/v1/users/~``. A profile the cluster refuses or garbles fails the login with the error page and makes no
user; metadata that cannot be read is Keycloak's 500 "Could not send authentication request" at the button."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx
import pytest

from broker_support import browser, button, query, served, start_login, through_button, user_named
from browser_flow import REDIRECT, form_action, form_fields, login, start
from fake_openshift import (
    ACCESS_TOKEN,
    CLIENT_ID,
    CLIENT_SECRET,
    METADATA,
    V3_USER,
    V4_USER,
    FakeOpenshift,
    fake_openshift,
)
from flow_builder import admin
from wire_env import Env

pytestmark = pytest.mark.anyio
INSTANCES = "/admin/realms/test/identity-provider/instances"


async def _through_openshift(http: httpx.AsyncClient, cluster: FakeOpenshift, broker_base: str) -> httpx.Response:
    """The login page's OpenShift button, the redirect to the cluster's OAuth server checked, and the cluster's
    answer at the broker endpoint."""
    authorize = cluster.base + "/oauth/authorize"
    return await through_button(
        http, broker_base, "openshift", authorize, "user:info", CLIENT_ID, "os-code", CLIENT_SECRET
    )


async def _finish(http: httpx.AsyncClient, answer: httpx.Response) -> httpx.Response:
    """Past the review-profile page the first broker login shows (OpenShift gives no e-mail: one is typed)."""
    if answer.status_code == 200 and "kc-idp-review-profile-form" in answer.text:
        typed = re.findall(r'<input type="text" id="[^"]*" name="([^"]+)" value="([^"]*)"', answer.text)
        fields = form_fields(answer.text) | {name: html.unescape(value) for name, value in typed}
        fields["email"] = fields.get("email") or "dev@example.org"
        answer = await http.post(form_action(answer.text), data=fields)
    return answer


@pytest.mark.parametrize(("provider_id", "profile_path"), [("openshift-v4", V4_USER), ("openshift-v3", V3_USER)])
async def test_a_cluster_user_signs_in_and_is_linked(env: Env, provider_id: str, profile_path: str) -> None:
    async with served(env) as broker, fake_openshift() as cluster:
        await admin(env, "POST", INSTANCES, cluster.rep(provider_id=provider_id), status=201)
        async with browser(broker) as http:
            done = await _finish(http, await _through_openshift(http, cluster, broker.base))
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
        [sent] = cluster.token_requests
        assert (sent["grant_type"], sent["code"]) == ("authorization_code", "os-code")
        assert (sent["client_id"], sent["client_secret"]) == (CLIENT_ID, CLIENT_SECRET)
        metadata_reads = 2 if provider_id == "openshift-v4" else 0  # the button and the callback each read it
        assert cluster.fetched == [(METADATA, "")] * metadata_reads + [(profile_path, f"Bearer {ACCESS_TOKEN}")]
        user = await user_named(env, "developer")
        assert user is not None and (user["firstName"], user["lastName"]) == ("Dev", "Eloper")
        links = (
            await admin(env, "GET", f"/admin/realms/test/users/{user['id']}/federated-identity", status=200)
        ).json()
        assert links == [
            {"identityProvider": "openshift", "userId": cluster.profile["metadata"]["uid"], "userName": "developer"}
        ]
        async with browser(broker) as http:  # the second login finds the link
            again = await _through_openshift(http, cluster, broker.base)
            assert again.status_code == 302 and again.headers["location"].startswith(REDIRECT), again.text


async def test_groups_reach_the_json_attribute_mapper(env: Env) -> None:
    """OpenshiftV4AttributeMapper: the profile's ``groups`` (which the provider itself does not read) is what the
    JSON attribute mapper copies."""
    async with served(env) as broker, fake_openshift() as cluster:
        await admin(env, "POST", INSTANCES, cluster.rep(), status=201)
        kinds = set((await admin(env, "GET", f"{INSTANCES}/openshift/mapper-types", status=200)).json())
        assert {"openshift-v4-user-attribute-mapper", "oidc-username-idp-mapper"} <= kinds
        assert "oidc-user-attribute-idp-mapper" not in kinds
        mapper = {
            "name": "groups",
            "identityProviderAlias": "openshift",
            "identityProviderMapper": "openshift-v4-user-attribute-mapper",
            "config": {"jsonField": "groups", "userAttribute": "groups", "syncMode": "INHERIT"},
        }
        await admin(env, "POST", f"{INSTANCES}/openshift/mappers", mapper, status=201)
        async with browser(broker) as http:
            done = await _finish(http, await _through_openshift(http, cluster, broker.base))
            assert done.status_code == 302, done.text
        user = await user_named(env, "developer")
        assert user is not None and user["attributes"]["groups"] == ["system:authenticated", "dev-team"]


REFUSALS: tuple[dict[str, Any], ...] = (
    {"profile_status": 401, "profile": {"kind": "Status", "status": "Failure", "code": 401}},
    {"profile_body": b"<html>cluster maintenance</html>"},
    {"profile": {"kind": "User", "metadata": {"name": "no-uid"}, "fullName": "No Uid"}},
    {"profile": ["not", "a", "user"]},
)


async def test_a_refused_or_garbled_profile_fails_the_login_and_makes_no_user(env: Env) -> None:
    """A 401 from the cluster, an HTML page, a user with no ``metadata.uid`` (not kube:admin), an array: each the
    broker's 502 error page, and no user made."""
    async with served(env) as broker, fake_openshift() as cluster:
        await admin(env, "POST", INSTANCES, cluster.rep(), status=201)
        good = cluster.profile
        for refusal in REFUSALS:
            cluster.profile, cluster.profile_status, cluster.profile_body = good, 200, None
            for key, value in refusal.items():
                setattr(cluster, key, value)
            async with browser(broker) as http:
                answer = await _through_openshift(http, cluster, broker.base)
            assert answer.status_code == 502, (refusal, answer.text)
            assert "Unexpected error when authenticating with identity provider" in answer.text
            assert await user_named(env, "developer") is None and await user_named(env, "no-uid") is None


async def test_metadata_the_cluster_cannot_give_is_an_error_page_not_a_redirect(env: Env) -> None:
    """getAuthJson's "Could not initialize oAuth metadata": at the button, performLogin's 500 "Could not send
    authentication request to identity provider."; at the callback, getEndpoint's 404. A button whose session code
    is not the tab's asks the cluster nothing (performLogin parses the code first)."""
    async with served(env) as broker, fake_openshift() as cluster:
        await admin(env, "POST", INSTANCES, cluster.rep(), status=201)
        async with browser(broker) as http:
            page = await start_login(http)
            forged = button(page, "openshift").replace("session_code=", "session_code=forged")
            assert (await http.get(forged)).status_code == 400 and cluster.fetched == []
            cluster.metadata_status = 503
            sent = await http.get(button(page, "openshift"))
            assert sent.status_code == 500 and "location" not in sent.headers, sent.text
            assert "Could not send authentication request to identity provider." in sent.text
            cluster.metadata_status = 200
            page = await start_login(http)
            to_cluster = await http.get(button(page, "openshift"))
            assert to_cluster.status_code == 302, to_cluster.text
            cluster.metadata_status = 500
            state = query(to_cluster.headers["location"])["state"]
            answer = await http.get("/realms/test/broker/openshift/endpoint", params={"code": "c", "state": state})
            assert answer.status_code == 404, answer.text
        assert cluster.token_requests == []
        events = (
            await admin(env, "GET", "/admin/realms/test/events?type=IDENTITY_PROVIDER_LOGIN_ERROR", status=200)
        ).json()
        assert [e["error"] for e in events] == ["couldNotSendAuthenticationRequestMessage"]
        assert events[0]["details"]["identity_provider"] == "openshift"


async def test_the_idp_link_action_links_a_cluster_identity(env: Env) -> None:
    """IdpLinkAction (``kc_action=idp_link:openshift``): Continue reads the cluster's metadata and sends the browser to
    its OAuth server; its answer links the identity to the signed-in user and the login goes on."""
    async with served(env) as broker, fake_openshift() as cluster:
        await admin(env, "POST", INSTANCES, cluster.rep(), status=201)
        async with browser(broker) as http:
            await login(http, "test", "app")
            page = await start(http, "test", "app", kc_action="idp_link:openshift")
            assert page.status_code == 200 and "Do you want to link your account with" in page.text, page.text
            sent = await http.post(form_action(page.text), data={**form_fields(page.text), "continue": ""})
            assert sent.status_code == 302 and sent.headers["location"].startswith(cluster.base + "/oauth/authorize?")
            state = query(sent.headers["location"])["state"]
            done = await http.get("/realms/test/broker/openshift/endpoint", params={"code": "c", "state": state})
            assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
            assert query(done.headers["location"])["kc_action_status"] == "success"
        user = await user_named(env, "user1")
        assert user is not None
        links = (
            await admin(env, "GET", f"/admin/realms/test/users/{user['id']}/federated-identity", status=200)
        ).json()
        assert [(link["identityProvider"], link["userName"]) for link in links] == [("openshift", "developer")]
