"""The organization login step's test realm over plain HTTP: ``test`` with organizations on, ``acme`` (acme.org) and
``beta`` (beta.org), ``user1`` of e-mail ``user1@acme.org``, the step's ``requiresUserMembership``, the username
page typed in and the password page signed in (tests/wire/test_organization_login_scope.py, test_organization_select.py)."""

from __future__ import annotations

import html
import re
from typing import Any

import httpx

from admin_support import client_uuid
from browser_flow import REDIRECT, code_from, exchange, start, submit
from flow_builder import AUTH, admin, executions
from support import claims
from wire_env import Env

REALM = "/admin/realms/test"
NOT_MEMBER = "User is not a member of the organization {}"
NOT_MEMBER_OF_ANY = "User is not a member of any organization"


async def two_organizations(env: Env, *, acme: dict[str, Any] | None = None) -> dict[str, str]:
    """Organizations on, ``acme`` and ``beta``, user1's e-mail in acme's domain: their ids by alias."""
    await admin(env, "PUT", REALM, {"organizationsEnabled": True}, 204)
    [user1] = (await admin(env, "GET", f"{REALM}/users?username=user1&exact=true", status=200)).json()
    await admin(env, "PUT", f"{REALM}/users/{user1['id']}", {"email": "user1@acme.org"}, 204)
    app = await client_uuid(env, "test", "app")
    rep = (await admin(env, "GET", f"{REALM}/clients/{app}", status=200)).json()
    await admin(env, "PUT", f"{REALM}/clients/{app}", {**rep, "redirectUris": [REDIRECT]}, 204)
    ids = {}
    for alias, rep in (("acme", acme or {}), ("beta", {})):
        ids[alias] = await organization(env, alias, **rep)
    return ids


async def member_of_both(env: Env) -> dict[str, str]:
    """``two_organizations`` with user1 a member of both: their ids by alias."""
    ids = await two_organizations(env)
    await join(env, ids["acme"])
    await join(env, ids["beta"])
    return ids


async def organization(env: Env, alias: str, realm: str = REALM, **rep: Any) -> str:
    """A new organization of ``alias`` owning ``<alias>.org``: its id."""
    body = {"name": alias, "alias": alias, "domains": [{"name": f"{alias}.org"}], **rep}
    made = await admin(env, "POST", f"{realm}/organizations", body, 201)
    return str(made.headers["location"].rsplit("/", 1)[1])


async def join(env: Env, org: str, username: str = "user1") -> None:
    [user] = (await admin(env, "GET", f"{REALM}/users?username={username}&exact=true", status=200)).json()
    answer = await env.http.post(
        f"{REALM}/organizations/{org}/members", content=user["id"], headers=await env.admin_headers()
    )
    assert answer.status_code == 201, answer.text


async def members_only(env: Env, value: str = "true") -> None:
    """The built-in browser flow's organization step configured with ``requiresUserMembership``."""
    [step] = [e for e in await executions(env, "browser") if e.get("providerId") == "organization"]
    body = {"alias": "org-members-only", "config": {"requiresUserMembership": value}}
    await admin(env, "POST", f"{AUTH}/executions/{step['id']}/config", body, 201)


async def typed(http: httpx.AsyncClient, username: str = "user1@acme.org", **params: str) -> httpx.Response:
    page = await start(http, "test", "app", **params)
    assert page.status_code == 200 and 'name="password"' not in page.text, page.text[:500]
    return await submit(http, page, username=username)


def refused(answer: httpx.Response, text: str) -> bool:
    return answer.status_code == 403 and text in answer.text and 'name="password"' not in answer.text


async def signed_in(http: httpx.AsyncClient, page: httpx.Response) -> dict[str, Any]:
    """The password page filled in: the access token's claims."""
    return claims((await token_response(http, page))["access_token"])


async def token_response(http: httpx.AsyncClient, page: httpx.Response) -> dict[str, Any]:
    """The password page filled in: the token response of its code."""
    assert page.status_code == 200 and 'name="password"' in page.text, page.text[:500]
    typed = re.search(r'name="username" value="([^"]*)"', page.text)  # the form's filled-in name, as sent
    named = {"username": html.unescape(typed[1])} if typed else {}
    code = code_from(await submit(http, page, password="password", **named))["code"]
    token = await exchange(http, "test", "app", code)
    assert token.status_code == 200, token.text
    answer: dict[str, Any] = token.json()
    return answer


NO_ACCOUNT = "Your email domain matches the {} organization but you don't have an account yet."


async def domain_resolves(env: Env, email: str, org: str = "acme") -> bool:
    """Whether the login resolves the organization ``org`` for an unknown user typing ``email`` (its
    "Your email domain matches ..." page; no organization leaves the password page)."""
    env.http.cookies.clear()
    page = await typed(env.http, email)
    assert page.status_code == 200, page.text[:300]
    return NO_ACCOUNT.format(org) in html.unescape(page.text)


async def domain_refused(env: Env, domain: str, message: str, org: str | None = None) -> None:
    """A new organization (or the update of ``org``) naming ``domain`` gets 400 and Keycloak's message."""
    h = await env.admin_headers()
    if org is None:
        rep: dict[str, Any] = {"name": "other", "alias": "other", "domains": [{"name": domain}]}
        answer = await env.http.post(f"{REALM}/organizations", json=rep, headers=h)
    else:
        current = (await env.http.get(f"{REALM}/organizations/{org}", headers=h)).json()
        rep = {**current, "domains": [{"name": domain}]}
        answer = await env.http.put(f"{REALM}/organizations/{org}", json=rep, headers=h)
    assert (answer.status_code, answer.json()) == (400, {"errorMessage": message}), answer.text


async def owns_broker_domain(env: Env, org: str, realm: str = REALM, domain: str = "example.org") -> None:
    """The organization claims the provider realm's users' domain too, so that Keycloak 26.8's domain gate on the
    first broker login (IdpAddOrganizationMemberAuthenticator.passesDomainGate) lets them join it."""
    rep = (await admin(env, "GET", f"{realm}/organizations/{org}", status=200)).json()
    rep["domains"] = [*rep.get("domains", []), {"name": domain}]
    await admin(env, "PUT", f"{realm}/organizations/{org}", rep, 204)
