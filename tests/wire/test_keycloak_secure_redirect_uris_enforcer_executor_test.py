"""Keycloak's SecureRedirectUrisEnforcerExecutorTest (testsuite/.../client/policies/), each method named after the
Java one: the ``secure-redirect-uris-enforcer`` executor under an any-client policy, judging the redirect URIs a
client is registered or updated with (admin API and dynamic registration) and the ``redirect_uri`` of an
authorization request before the client is looked up (PRE_AUTHORIZATION_REQUEST, an error page).

Adapted where the Java test leans on its server: Keycloak's testsuite runs on ``https://localhost:8543``, so its
relative redirect URI ``/auth/realms/master/app/auth`` and ``getAuthServerContextRoot()`` are https loopback
URIs. Doorkeep's test server is ``http://127.0.0.1:<port>``: the relative URI is given the root URL
``https://127.0.0.1:8543`` instead, and ``getAuthServerContextRoot() + "/..."`` is the test redirect URI
``http://127.0.0.1:9999/callback`` (or ``/*`` under it) where the executor allows http. A relative URI without a
root URL resolves against the server (``test_relative_redirect_uri_resolves_against_the_server``). Updating
"dynamically" an admin-created client needs a registration access token the Java test gets from its bearer
token; here a client is registered dynamically with the step's good URIs and then updated with the bad ones.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest

import client_policies_port
import group_port
from browser_flow import REDIRECT, code_from, exchange, start, submit
from client_policies_port import USER, apply_executors, executor, realm_fixture, realm_with_test_user, suffixed
from keycloak_port import get
from role_port import call
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env = group_port.anyio_backend, group_port.shared_env
env = realm_fixture(realm_with_test_user)
no_policies = client_policies_port.no_policies

CLIENT_NAME = "Zahlungs-App"
PROVIDER = "secure-redirect-uris-enforcer"
HTTPS_APP = "https://127.0.0.1:8543/auth/realms/master/app/auth"  # the Java server's app page, https
DCR = "/realms/test/clients-registrations/openid-connect"


async def enforce(env: Env, **config: Any) -> None:
    """The profile with the executor as ``createSecureRedirectUrisEnforcerExecutorConfig`` sets it, and the policy
    with the any-client condition."""
    await apply_executors(env, executor(PROVIDER, config))


async def register_by_admin(env: Env, redirect_uris: list[str], **fields: Any) -> httpx.Response:
    rep = {
        "clientId": fields.pop("clientId", suffixed(CLIENT_NAME)),
        "protocol": "openid-connect",
        "secret": "secret",
        "serviceAccountsEnabled": True,
        "redirectUris": redirect_uris,
        **fields,
    }
    return await call(env, "POST", "/clients", rep)


async def fail_register_by_admin(env: Env, redirect_uris: list[str]) -> dict[str, Any]:
    response = await register_by_admin(env, redirect_uris)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_request", response.text
    return dict(response.json())


async def success_register_by_admin(env: Env, redirect_uris: list[str]) -> tuple[str, str]:
    """The client's clientId and id."""
    client_id = suffixed(CLIENT_NAME)
    response = await register_by_admin(env, redirect_uris, clientId=client_id)
    assert response.status_code == 201, response.text
    cid = str(response.headers["location"]).rsplit("/", 1)[-1]
    assert set((await get(env, f"/clients/{cid}"))["redirectUris"]) == set(redirect_uris)
    return client_id, cid


async def update_by_admin(env: Env, cid: str, **fields: Any) -> httpx.Response:
    rep = dict(await get(env, f"/clients/{cid}"))
    rep.update(attributes={}, **fields)
    return await call(env, "PUT", f"/clients/{cid}", rep)


async def fail_update_by_admin(env: Env, cid: str, redirect_uris: list[str]) -> dict[str, Any]:
    response = await update_by_admin(env, cid, redirectUris=redirect_uris)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "invalid_request", response.text
    return dict(response.json())


async def success_update_by_admin(env: Env, cid: str, redirect_uris: list[str]) -> None:
    response = await update_by_admin(env, cid, redirectUris=redirect_uris)
    assert response.status_code == 204, response.text
    assert set((await get(env, f"/clients/{cid}"))["redirectUris"]) == set(redirect_uris)


async def register_dynamically(env: Env, redirect_uris: list[str]) -> httpx.Response:
    made = await call(env, "POST", "/clients-initial-access", {"count": 1})
    assert made.status_code == 201, made.text
    token = made.json()["token"]
    body = {"client_name": suffixed(CLIENT_NAME), "redirect_uris": redirect_uris}
    return await env.http.post(DCR, json=body, headers={"Authorization": f"Bearer {token}"})


async def fail_register_dynamically(env: Env, redirect_uris: list[str]) -> None:
    response = await register_dynamically(env, redirect_uris)
    assert response.status_code == 400, response.text  # the Java client's "Failed to send request"


async def success_register_dynamically(env: Env, redirect_uris: list[str]) -> dict[str, Any]:
    response = await register_dynamically(env, redirect_uris)
    assert response.status_code == 201, response.text
    return dict(response.json())


async def update_dynamically(env: Env, registered: dict[str, Any], **changes: Any) -> httpx.Response:
    """updateClientDynamically: the client read with its registration access token, changed and sent back; a
    successful update hands a new token, kept in ``registered``."""
    path = f"{DCR}/{registered['client_id']}"
    headers = {"Authorization": f"Bearer {registered['registration_access_token']}"}
    current = await env.http.get(path, headers=headers)
    assert current.status_code == 200, current.text
    rep = {**current.json(), **changes}
    response = await env.http.put(path, json=rep, headers=headers)
    if response.status_code == 200:
        registered["registration_access_token"] = response.json()["registration_access_token"]
    return response


async def fail_update_dynamically(env: Env, good: list[str], redirect_uris: list[str]) -> None:
    registered = await success_register_dynamically(env, good)
    response = await update_dynamically(env, registered, redirect_uris=redirect_uris)
    assert response.status_code == 400, response.text


async def fail_authorization_request(env: Env, client_id: str, redirect_uri: str) -> httpx.Response:
    """An error page (``errorPage.isCurrent()``): never sent back to a redirect URI."""
    env.http.cookies.clear()
    page = await start(env.http, "test", client_id, redirect_uri=redirect_uri)
    assert page.status_code == 400, (page.status_code, page.headers.get("location"))
    return page


async def success_authorization_request(env: Env, client_id: str, redirect_uri: str) -> None:
    env.http.cookies.clear()
    page = await start(env.http, "test", client_id, redirect_uri=redirect_uri)
    assert page.status_code == 200, (page.status_code, page.headers.get("location"), page.text[:300])
    code = code_from(await submit(env.http, page, username=USER, password="password"))["code"]
    tokens = await exchange(env.http, "test", client_id, code, "secret", redirect_uri=redirect_uri)
    assert tokens.status_code == 200, tokens.text


async def test_not_redirect_based_flow_client_normal_uri(env: Env) -> None:
    """testNotRedirectBasedFlowClient_normalUri: a client without the standard or implicit flow is not judged."""
    await enforce(env)
    client_id = suffixed(CLIENT_NAME)
    no_flow = {"standardFlowEnabled": False, "implicitFlowEnabled": False, "clientId": client_id}
    response = await register_by_admin(env, ["http://oauth.redirect/some"], **no_flow)
    assert response.status_code == 201, response.text
    cid = str(response.headers["location"]).rsplit("/", 1)[-1]
    assert (await get(env, f"/clients/{cid}"))["redirectUris"] == ["http://oauth.redirect/some"]
    updated = await update_by_admin(env, cid, redirectUris=[""])
    assert updated.status_code == 204, updated.text


async def test_secure_redirect_uris_enforcer_executor_normal_uri(env: Env) -> None:
    """testSecureRedirectUrisEnforcerExecutor_normalUri."""
    await enforce(env)
    refused = await fail_register_by_admin(env, [""])  # no redirect URI
    assert refused["error_description"] == "Invalid Redirect Uri: invalid uri"
    await fail_register_dynamically(env, ["http://app.example.com:51004/oauth2redirect/example-provider"])  # http
    good = ["https://app.example.com:51004/oauth2redirect/example-provider", "https://dev.example.com/redirect"]
    alpha_client_id, alpha_cid = await success_register_by_admin(env, good)
    refused = await fail_update_by_admin(env, alpha_cid, ["https://127.0.0.1:8443", good[0]])  # IPv4 loopback
    assert refused["error_description"] == "Invalid Redirect Uri: invalid loopback address"
    await fail_update_dynamically(env, good, ["https://dev.example.com:8443/*"])  # wildcard context path
    updated = [f"{good[0]}/update", "https://dev.example.com/redirect/update"]
    await success_update_by_admin(env, alpha_cid, updated)
    await fail_authorization_request(env, alpha_client_id, good[0])  # no longer registered


async def test_secure_redirect_uris_enforcer_executor_ipv4_loopback_address(env: Env) -> None:
    """testSecureRedirectUrisEnforcerExecutor_IPv4LoopbackAddress."""
    await enforce(env, **{"allow-ipv4-loopback-address": True})
    ipv4 = "https://127.0.0.1/oauth2redirect/example-provider"
    await fail_register_dynamically(env, [ipv4, "http://[::1]/oauth2redirect/example-provider"])  # IPv6 loopback
    good = ["https://app.example.com:51004/oauth2redirect/example-provider", ipv4]
    alpha_client_id, alpha_cid = await success_register_by_admin(env, good)
    refused = await fail_update_by_admin(env, alpha_cid, ["com.example.app:/oauth2redirect/example-provider"])
    assert refused["error_description"] == "Invalid Redirect Uri: invalid private use scheme"
    relative = ["/auth/realms/master/app/auth", "https://dev.example.com/redirect/update"]
    response = await update_by_admin(env, alpha_cid, rootUrl="https://127.0.0.1:8543", redirectUris=relative)
    assert response.status_code == 204, response.text
    page = await fail_authorization_request(env, alpha_client_id, "https://keycloak.org\n")  # not a URI
    assert "Invalid Redirect Uri: invalid uri" in page.text
    (event, *_) = await get(env, "/events", type="LOGIN_ERROR")
    assert event["error"] == "invalid_request" and "clientId" not in event, event  # before checkClient
    policy_error = {
        "reason": "client_policy_error",
        "client_policy_error": "invalid_request",
        "client_policy_error_detail": "Invalid Redirect Uri: invalid uri",
    }
    assert event["details"] == policy_error, event
    await success_authorization_request(env, alpha_client_id, HTTPS_APP)


async def test_relative_redirect_uri_resolves_against_the_server(env: Env) -> None:
    """RedirectUtils.resolveValidRedirects: without a root URL a relative redirect URI is the server's, here
    ``http://127.0.0.1:<port>/...``, an http loopback address the executor refuses unless http is allowed."""
    await enforce(env, **{"allow-ipv4-loopback-address": True})
    refused = await fail_register_by_admin(env, ["/auth/realms/master/app/auth"])
    assert refused["error_description"] == "Invalid Redirect Uri: invalid loopback address"
    await enforce(env, **{"allow-ipv4-loopback-address": True, "allow-http-scheme": True})
    await success_register_by_admin(env, ["/auth/realms/master/app/auth"])


async def test_secure_redirect_uris_enforcer_executor_ipv6_loopback_address(env: Env) -> None:
    """testSecureRedirectUrisEnforcerExecutor_IPv6LoopbackAddress (OAuth 2.1 compliant)."""
    await enforce(env, **{"oauth-2-1-compliant": True, "allow-ipv6-loopback-address": True})
    await fail_register_dynamically(env, ["https://[::1]/", "https://127.0.0.1/auth/admin"])  # IPv4 loopback
    await fail_register_dynamically(env, ["https://[::1]/", "https://localhost/auth/admin"])  # so is localhost
    good = ["https://[::1]/oauth2redirect/example-provider", "https://[::1]/"]
    alpha_client_id, alpha_cid = await success_register_by_admin(env, good)
    # only the [::1] form of the IPv6 loopback address in OAuth 2.1 mode
    await fail_update_by_admin(env, alpha_cid, ["https://[0:0:0:0:0:0:0:1]/oauth2redirect/example-provider"])
    updated = ["https://[::1]/oauth2redirect/example-provider/update", "https://dev.example.com/redirect/update"]
    await success_update_by_admin(env, alpha_cid, updated)
    page = await fail_authorization_request(env, alpha_client_id, "http://[::1]:65522/oauth2redirect/example-provider")
    assert "Invalid Redirect Uri: invalid loopback address" in page.text  # http is not allowed


async def test_secure_redirect_uris_enforcer_executor_private_use_uri_scheme(env: Env) -> None:
    """testSecureRedirectUrisEnforcerExecutor_PrivateUseUriScheme."""
    await enforce(env, **{"allow-private-use-uri-scheme": True})
    refused = await fail_register_by_admin(env, ["com.example:"])  # java.net.URI refuses it
    assert refused["error_description"] == "Invalid Redirect Uri: invalid uri"
    good = [
        "com.example.app:/oauth2redirect/example-provider",
        "dev.com.example.app:/oauth2redirect/example-provider/dev",
    ]
    alpha_client_id, alpha_cid = await success_register_by_admin(env, good)
    await fail_update_dynamically(env, good, [good[0], "http://dev.example.com/redirect"])  # http
    updated = ["com.example.app:/oauth2redirect/example-provider/update", "https://dev.example.com/redirect/update"]
    await success_update_by_admin(env, alpha_cid, updated)
    await fail_authorization_request(env, alpha_client_id, good[0])  # no longer registered


async def test_secure_redirect_uris_enforcer_executor_allow_http_scheme(env: Env) -> None:
    """testSecureRedirectUrisEnforcerExecutor_AllowHttpScheme."""
    flags = ("allow-ipv4-loopback-address", "allow-ipv6-loopback-address", "allow-http-scheme")
    await enforce(env, **dict.fromkeys(flags, True))
    good = ["http://localhost:8080/redirect", "http://dev.example.com/redirect/update"]
    alpha_client_id, alpha_cid = await success_register_by_admin(env, good)
    await success_update_by_admin(env, alpha_cid, ["http://[::1]:8080/redirect", REDIRECT])
    await fail_authorization_request(env, alpha_client_id, "http://[::1]:8080/")  # not registered
    await success_authorization_request(env, alpha_client_id, REDIRECT)


async def test_secure_redirect_uris_enforcer_executor_allow_wildcard_context_path(env: Env) -> None:
    """testSecureRedirectUrisEnforcerExecutor_AllowWildcardContextPath."""
    flags = (
        "allow-private-use-uri-scheme",
        "allow-ipv4-loopback-address",
        "allow-ipv6-loopback-address",
        "allow-http-scheme",
        "allow-wildcard-context-path",
    )
    await enforce(env, **dict.fromkeys(flags, True))
    good = ["http://localhost:8080/*", "http://dev.example.com/redirect/update"]
    alpha_client_id, alpha_cid = await success_register_by_admin(env, good)
    await success_update_by_admin(env, alpha_cid, ["http://[::1]:8080/*", "http://127.0.0.1:9999/*"])
    await fail_authorization_request(env, alpha_client_id, "com.example.app:/oauth2redirect/example-provider")
    await success_authorization_request(env, alpha_client_id, REDIRECT)


async def test_secure_redirect_uris_enforcer_executor_allow_permitted_domains(env: Env) -> None:
    """testSecureRedirectUrisEnforcerExecutor_AllowPermittedDomains."""
    domains = ["oauth.redirect", "((dev|test)-)*example.org", "localhost"]
    flags = dict.fromkeys(("allow-ipv4-loopback-address", "allow-http-scheme", "allow-wildcard-context-path"), True)
    await enforce(env, **{**flags, "allow-permitted-domains": domains})
    await fail_register_by_admin(env, ["http://oauth.redirect/*", "http://dev.example.org/redirect"])
    good = ["http://oauth.redirect/*", "http://dev-example.org/redirect"]
    alpha_client_id, alpha_cid = await success_register_by_admin(env, good)
    await fail_update_dynamically(env, good, ["http://dev.oauth.redirect/*", "http://test-example.com/redirect"])
    # the root URL a relative redirect URI resolves against is judged too
    wrong_root = await update_by_admin(env, alpha_cid, rootUrl="http://incorrect.org", redirectUris=["/redirect"])
    assert wrong_root.status_code == 400 and wrong_root.json()["error"] == "invalid_request", wrong_root.text
    right_root = await update_by_admin(env, alpha_cid, rootUrl="http://dev-example.org", redirectUris=["/redirect"])
    assert right_root.status_code == 204, right_root.text
    assert (await get(env, f"/clients/{alpha_cid}"))["redirectUris"] == ["/redirect"]
    await success_update_by_admin(env, alpha_cid, [*good, "http://127.0.0.1:9999/*"])
    await fail_authorization_request(env, alpha_client_id, "http://dev-example.org/v2/redirect")  # not registered
    await success_authorization_request(env, alpha_client_id, REDIRECT)


async def test_secure_redirect_uris_enforcer_executor_oauth2_1_complient(env: Env) -> None:
    """testSecureRedirectUrisEnforcerExecutor_OAuth2_1Complient."""
    flags = (
        "allow-private-use-uri-scheme",
        "allow-ipv4-loopback-address",
        "allow-ipv6-loopback-address",
        "allow-http-scheme",
        "oauth-2-1-compliant",
    )
    await enforce(env, **dict.fromkeys(flags, True))
    # a registered loopback URI names no port
    await fail_register_by_admin(env, ["http://127.0.0.1/auth/admin", "http://127.0.0.1:8080/auth/admin"])
    good = ["https://127.0.0.1/auth/admin"]
    alpha_client_id, alpha_cid = await success_register_by_admin(env, good)
    await fail_update_dynamically(env, good, ["https://127.0.0.1/auth/admin", "http://test-example.com/redirect"])
    updated = ["https://[::1]/auth/admin", "com.example.app:/oauth2redirect/example-provider"]
    await success_update_by_admin(env, alpha_cid, updated)
    await fail_authorization_request(env, alpha_client_id, "com.example.app:/oauth3redirect/example-provider")


async def test_secure_redirect_uris_enforcer_executor_allow_open_redirect(env: Env) -> None:
    """testSecureRedirectUrisEnforcerExecutor_AllowOpenRedirect: any value, even in OAuth 2.1 mode."""
    await enforce(env, **{"allow-open-redirect": True, "oauth-2-1-compliant": True})
    await success_register_by_admin(env, [""])


async def test_secure_redirect_uris_enforcer_executor_post_logout_redirect_uris(env: Env) -> None:
    """testSecureRedirectUrisEnforcerExecutor_postLogoutRedirectUris: the post-logout redirect URIs are judged
    as the redirect URIs are (``+``: the redirect URIs themselves)."""
    await enforce(env, **{"allow-permitted-domains": ["oauth.redirect"]})
    registered = await success_register_dynamically(env, ["https://oauth.redirect/something"])
    plus = {"redirect_uris": ["https://oauth.redirect/some"], "post_logout_redirect_uris": ["+"]}
    response = await update_dynamically(env, registered, **plus)
    assert response.status_code == 200, response.text
    assert response.json()["redirect_uris"] == ["https://oauth.redirect/some"]
    wrong = {
        "redirect_uris": ["https://oauth.redirect/some"],
        "post_logout_redirect_uris": ["https://incorrect.domain/some"],
    }
    response = await update_dynamically(env, registered, **wrong)
    assert response.status_code == 400, response.text
    right = {
        "redirect_uris": ["https://oauth.redirect/some"],
        "post_logout_redirect_uris": ["https://oauth.redirect/some-post-logout"],
    }
    response = await update_dynamically(env, registered, **right)
    assert response.status_code == 200, response.text
    assert response.json()["post_logout_redirect_uris"] == ["https://oauth.redirect/some-post-logout"]


async def test_pre_authorization_request_of_an_unknown_client(env: Env) -> None:
    """PRE_AUTHORIZATION_REQUEST: the executor looks the client up itself and refuses one the realm lacks with
    its own message (before checkClient's "Client not found.")."""
    await enforce(env)
    page = await fail_authorization_request(env, "no-such-client", "https://app.example.com/cb")
    assert "Invalid parameter: clientId" in page.text


async def test_pre_authorization_request_without_redirect_uri_parameter(env: Env) -> None:
    """A pushed request's ``request_uri`` carries the redirect URI: the authorization request names none, so the
    executor has no parameter to judge (Keycloak would read null) and the login goes on."""
    await enforce(env, **{"allow-ipv4-loopback-address": True, "allow-http-scheme": True})
    client_id, _ = await success_register_by_admin(env, [REDIRECT])
    form = {
        "client_id": client_id,
        "client_secret": "secret",
        "response_type": "code",
        "redirect_uri": REDIRECT,
        "scope": "openid",
        "state": "st4te",
    }
    pushed = await env.http.post("/realms/test/protocol/openid-connect/ext/par/request", data=form)
    assert pushed.status_code == 201, pushed.text
    env.http.cookies.clear()
    query = {"client_id": client_id, "request_uri": pushed.json()["request_uri"]}
    page = await env.http.get("/realms/test/protocol/openid-connect/auth", params=query)
    assert page.status_code == 200, (page.status_code, page.headers.get("location"), page.text[:300])
