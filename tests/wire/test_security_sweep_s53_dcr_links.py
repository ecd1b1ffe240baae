"""Security sweep s53: the client links dynamic client registration keeps since session 52 (``logo_uri``,
``policy_uri``, ``tos_uri`` as the client's logoUri, policyUri and tosUri: DescriptionConverter.toInternal) and the
consent page that shows them (login-oauth-grant.ftl), attacked as the security review attacks older code.

- Script schemes in every spelling a browser runs (``javascript:`` in any case, ``vbscript:``, a ``data:`` page as
  the policy or terms link), and URLs a browser reads after stripping tabs, newlines or leading spaces, are refused
  with 400 ``invalid_client_metadata`` on registration and on the registered client's update, by the OpenID Connect
  and the Keycloak (``default``) providers alike (DefaultClientValidationProvider.validateUrls); nothing is stored.
  The same URLs as ``client_uri`` (the base URL) are refused too.
- A logo may be a ``data:`` image (checkUriLogo refuses only ``javascript:``), shown only as an ``<img>`` source.
- The consent page escapes a client name and links holding markup or quotes."""

from __future__ import annotations

import html
from typing import Any

import httpx
import pytest

from browser_flow import REDIRECT, form_action, start, submit
from wire_env import Env

pytestmark = pytest.mark.anyio

OIDC = "/realms/test/clients-registrations/openid-connect"
DEFAULT = "/realms/test/clients-registrations/default"
MEMBERS = {"logo_uri": "logoUri", "policy_uri": "policyUri", "tos_uri": "tosUri"}
HOSTILE = [
    "javascript:alert(document.domain)",
    "JavaScript:alert(1)",
    "JAVASCRIPT:alert(1)",
    "vbscript:msgbox(1)",
    " javascript:alert(1)",
    "java\tscript:alert(1)",
    "java\nscript:alert(1)",
    "javascript:alert(1)\n",
    "\x01javascript:alert(1)",
    "javascript:/*https://trusted.example/*/alert(1)",
]
PAGE_ONLY = ["data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "DATA:text/html,x"]


async def _token(env: Env) -> dict[str, str]:
    made = await env.http.post(
        "/admin/realms/test/clients-initial-access",
        json={"count": 100, "expiration": 0},
        headers=await env.admin_headers(),
    )
    assert made.status_code == 201, made.text
    return {"Authorization": f"Bearer {made.json()['token']}"}


async def _clients(env: Env) -> list[dict[str, Any]]:
    listed = await env.http.get("/admin/realms/test/clients", headers=await env.admin_headers())
    found: list[dict[str, Any]] = listed.json()
    return found


def _refused(answer: httpx.Response) -> None:
    assert answer.status_code == 400, (answer.status_code, answer.text)
    assert answer.json()["error"] == "invalid_client_metadata", answer.text


def _stored_nowhere(clients: list[dict[str, Any]], value: str) -> None:
    assert value not in str(clients) and value.strip() not in str(clients)


@pytest.mark.parametrize("member", [*MEMBERS, "client_uri"])
async def test_openid_connect_registration_refuses_script_links(realm: Env, member: str) -> None:
    headers = await _token(realm)
    for value in HOSTILE + PAGE_ONLY:
        body = {"client_name": "links", "redirect_uris": [REDIRECT], member: value}
        answer = await realm.http.post(OIDC, json=body, headers=headers)
        if member == "logo_uri" and value in PAGE_ONLY:  # an inline image is a fine logo (checkUriLogo)
            assert answer.status_code == 201, answer.text
            continue
        _refused(answer)
    clients = await _clients(realm)
    for value in HOSTILE + (PAGE_ONLY if member != "logo_uri" else []):
        _stored_nowhere(clients, value)


@pytest.mark.parametrize("member", list(MEMBERS))
async def test_openid_connect_update_refuses_script_links(realm: Env, member: str) -> None:
    made = await realm.http.post(
        OIDC, json={"client_name": "upd", "redirect_uris": [REDIRECT]}, headers=await _token(realm)
    )
    assert made.status_code == 201, made.text
    registered = made.json()
    url = f"{OIDC}/{registered['client_id']}"
    for value in HOSTILE + PAGE_ONLY:
        headers = {"Authorization": f"Bearer {registered['registration_access_token']}"}
        current = await realm.http.get(url, headers=headers)
        assert current.status_code == 200, current.text  # a refused update spent nothing: the token still reads it
        answer = await realm.http.put(url, json={**current.json(), member: value}, headers=headers)
        if member == "logo_uri" and value in PAGE_ONLY:
            assert answer.status_code == 200, answer.text
            registered = answer.json()  # the registration access token rotates on update
            continue
        _refused(answer)
        _stored_nowhere(await _clients(realm), value)


@pytest.mark.parametrize("attribute", list(MEMBERS.values()))
async def test_keycloak_provider_refuses_script_links(realm: Env, attribute: str) -> None:
    headers = await _token(realm)
    for value in HOSTILE + PAGE_ONLY:
        body = {"clientId": f"kc-links-{len(value)}", "redirectUris": [REDIRECT], "attributes": {attribute: value}}
        answer = await realm.http.post(DEFAULT, json=body, headers=headers)
        if attribute == "logoUri" and value in PAGE_ONLY:
            assert answer.status_code == 201, answer.text
            continue
        _refused(answer)
        _stored_nowhere(await _clients(realm), value)


async def test_the_consent_page_escapes_the_registered_name_and_links(realm: Env) -> None:
    name = '<script>alert("name")</script><img src=x onerror=alert(1)>'
    tos = "https://tos.example/t?q='onmouseover='alert(1)"
    body = {
        "client_name": name,
        "redirect_uris": [REDIRECT],
        "tos_uri": tos,
        "policy_uri": "https://policy.example/p?a=1&b=<2>"[:-5],
        "logo_uri": "data:image/png;base64,iVBORw0KGgo=",
    }
    made = await realm.http.post(OIDC, json=body, headers=await _token(realm))
    assert made.status_code == 201, made.text
    registered = made.json()
    [rep] = [c for c in await _clients(realm) if c["clientId"] == registered["client_id"]]
    changed = await realm.http.put(
        f"/admin/realms/test/clients/{rep['id']}",
        json={**rep, "consentRequired": True},
        headers=await realm.admin_headers(),
    )
    assert changed.status_code == 204, changed.text
    page = await start(realm.http, "test", registered["client_id"])
    consent = await submit(realm.http, page, username="user1", password="password")
    assert consent.status_code == 200 and 'name="accept"' in consent.text, consent.text[:1500]
    assert "<script>alert" not in consent.text and "<img src=x" not in consent.text
    assert html.escape(name) in consent.text or "&lt;script&gt;" in consent.text
    assert "'onmouseover" not in consent.text and 'href="https://tos.example/t?q=&#39;onmouseover' in consent.text
    assert '<img src="data:image/png;base64,iVBORw0KGgo="' in consent.text
    assert form_action(consent.text).startswith("http://localhost/realms/test/login-actions/")
