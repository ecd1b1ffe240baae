"""Keycloak's AbstractOrganizationTest over real HTTP (tests/broker_support.py's provider realm): the organization
``neworg`` (neworg.org) with its provider bound to that domain, members added with a password, and the
identity-first login page driven as Keycloak's LoginPage is (OrganizationAuthenticationTest and
OrganizationMemberAuthenticationTest, tests/wire/test_keycloak_organization_*authentication_test.py)."""

from __future__ import annotations

import contextlib
import html
import re
from collections.abc import AsyncIterator

import httpx

from broker_support import Broker, browser, served, start_login
from browser_flow import REDIRECT, form_action, form_fields
from organization_login_support import REALM, join, organization
from support import seed_user
from wire_env import Env

PASSWORD = "member-pass"  # AbstractOrganizationTest.memberPassword
MEMBER = "jdoe@neworg.org"  # AbstractOrganizationTest.memberEmail


async def create_organization(broker: Broker) -> str:
    """createOrganization: organizations on, ``neworg`` and its provider bound to neworg.org (not redirected to
    by e-mail): its id."""
    on = await broker.env.http.put(REALM, json={"organizationsEnabled": True}, headers=await broker.env.admin_headers())
    assert on.status_code == 204, on.text
    org = await organization(broker.env, "neworg")
    config = {**broker.provider_rep()["config"], "kc.org.domain": "neworg.org"}
    await broker.add_provider(organizationId=org, config=config)
    return org


async def add_member(broker: Broker, org: str, email: str = MEMBER, username: str | None = None) -> str:
    """addMember: a user of the realm (named by the address unless told) with a password, made a member: its id."""
    user = await seed_user(broker.env.db, broker.env.clock, "test", username or email, PASSWORD, email=email)
    await join(broker.env, org, username or email)
    return user.id


def has_username(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'name="username"' in page.text


def has_password(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'name="password"' in page.text


def attempted(page: httpx.Response) -> str | None:
    """LoginPage.getAttemptedUsername: the name the password page shows, or None."""
    found = re.search(r'id="kc-attempted-username">([^<]*)<', page.text)
    return html.unescape(found[1]) if found else None


async def post(http: httpx.AsyncClient, page: httpx.Response, **fields: str) -> httpx.Response:
    """The page's form sent with ``fields`` filled in."""
    return await http.post(form_action(page.text), data={**form_fields(page.text), **fields})


async def identity_first(http: httpx.AsyncClient, username: str, **params: str) -> httpx.Response:
    """openIdentityFirstLoginPage: the username page, the name typed in."""
    page = await start_login(http, **params)
    assert has_username(page) and not has_password(page), page.text
    return await post(http, page, username=username)


async def signs_in(http: httpx.AsyncClient, page: httpx.Response, password: str = PASSWORD, **fields: str) -> None:
    """loginPage.login then appPage.assertCurrent: the client's redirect URI with a code."""
    done = await post(http, page, **fields, password=password)
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
    assert "code=" in done.headers["location"]


@contextlib.asynccontextmanager
async def passed_on(env: Env, typed: str) -> AsyncIterator[tuple[httpx.AsyncClient, httpx.Response]]:
    """``neworg`` made and ``typed`` entered on the username page: a name no organization resolves, so the password
    page with that name fixed (OrganizationAuthenticator.attempted, USERNAME_HIDDEN). The browser and that page."""
    async with served(env) as broker:
        await create_organization(broker)
        async with browser(broker) as http:
            page = await identity_first(http, typed)
            assert attempted(page) == typed and has_password(page), page.text
            yield http, page
