"""Keycloak's OrganizationMemberAuthenticationTest (organization/member/), over real HTTP with the provider realm
of tests/broker_support.py: an organization ``neworg`` (neworg.org) whose provider is bound to its domain, and a
member outside that domain (``contractor@contractor.org``, unmanaged) who signs in with a password."""

from __future__ import annotations

import httpx
import pytest

from broker_support import ALIAS, Broker, browser, served, start_login
from browser_flow import REDIRECT, form_action, form_fields
from organization_login_support import REALM, join, organization
from support import seed_user
from wire_env import Env

pytestmark = pytest.mark.anyio
MEMBER, PASSWORD = "contractor@contractor.org", "member-pass"


async def _create_organization(broker: Broker) -> str:
    """AbstractOrganizationTest.createOrganization: organizations on, ``neworg`` and its provider bound to
    neworg.org (not redirected to by e-mail): its id."""
    on = await broker.env.http.put(REALM, json={"organizationsEnabled": True}, headers=await broker.env.admin_headers())
    assert on.status_code == 204, on.text
    org = await organization(broker.env, "neworg")
    config = {**broker.provider_rep()["config"], "kc.org.domain": "neworg.org"}
    await broker.add_provider(organizationId=org, config=config)
    return org


async def _add_member(broker: Broker, org: str) -> None:
    """AbstractOrganizationTest.addMember: a user of the realm with a password, made a member."""
    await seed_user(broker.env.db, broker.env.clock, "test", MEMBER, PASSWORD, email=MEMBER)
    await join(broker.env, org, MEMBER)


def _has_username(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'name="username"' in page.text


def _has_password(page: httpx.Response) -> bool:
    return page.status_code == 200 and 'name="password"' in page.text


async def _identity_first(http: httpx.AsyncClient, username: str) -> httpx.Response:
    """openIdentityFirstLoginPage: the username page, the name typed in."""
    page = await start_login(http)
    assert _has_username(page) and not _has_password(page), page.text
    return await http.post(form_action(page.text), data={**form_fields(page.text), "username": username})


async def _signs_in(http: httpx.AsyncClient, page: httpx.Response, **fields: str) -> None:
    """loginPage.login then appPage.assertCurrent: the client's redirect URI with a code."""
    done = await http.post(form_action(page.text), data={**form_fields(page.text), **fields, "password": PASSWORD})
    assert done.status_code == 302 and done.headers["location"].startswith(REDIRECT), done.text
    assert "code=" in done.headers["location"]


async def test_authenticate_unmanaged_member(env: Env) -> None:
    async with served(env) as broker:
        await _add_member(broker, await _create_organization(broker))
        async with browser(broker) as http:
            page = await _identity_first(http, MEMBER)
            assert _has_password(page), page.text
            # the only provider is bound to the organization, and the address is not of its domain
            assert f'id="social-{ALIAS}"' not in page.text
            await _signs_in(http, page)


async def test_try_login_with_username_not_an_email(env: Env) -> None:
    async with served(env) as broker:
        await _create_organization(broker)
        async with browser(broker) as http:
            page = await _identity_first(http, "user")
            assert _has_username(page) and _has_password(page), page.text


async def test_default_authentication_mechanism_if_not_organization_member(env: Env) -> None:
    async with served(env) as broker:
        await _create_organization(broker)
        async with browser(broker) as http:
            page = await _identity_first(http, "user@noorg.org")
            assert _has_username(page) and _has_password(page), page.text


async def test_authenticate_unmanaged_member_wehn_provider_disabled(env: Env) -> None:
    """Organizations turned off for the realm: the usual username and password form, no provider button."""
    async with served(env) as broker:
        await _add_member(broker, await _create_organization(broker))
        async with browser(broker) as http:
            page = await start_login(http)
            assert not _has_password(page) and f'id="social-{ALIAS}"' not in page.text, page.text
        off = await env.http.put(REALM, json={"organizationsEnabled": False}, headers=await env.admin_headers())
        assert off.status_code == 204, off.text
        async with browser(broker) as http:
            page = await start_login(http)
            assert "Sign in to" in page.text and _has_username(page) and _has_password(page), page.text
            assert f'id="social-{ALIAS}"' not in page.text
            await _signs_in(http, page, username=MEMBER)
