"""Keycloak's OrganizationMemberAuthenticationTest (organization/member/), over real HTTP with the provider realm
of tests/broker_support.py: an organization ``neworg`` (neworg.org) whose provider is bound to its domain, and a
member outside that domain (``contractor@contractor.org``, unmanaged) who signs in with a password.

This older class checked for the username field where the name resolves no organization; Keycloak's fix of
CVE-2026-4633 (OrganizationAuthenticator.attempted with USERNAME_HIDDEN) made that the password page showing the
typed name, which OrganizationAuthenticationTest asserts: both ports assert the page of today."""

from __future__ import annotations

import pytest

from broker_support import ALIAS, browser, served, start_login
from organization_auth_port import (
    add_member,
    create_organization,
    has_password,
    has_username,
    identity_first,
    passed_on,
    signs_in,
)
from organization_login_support import REALM
from wire_env import Env

pytestmark = pytest.mark.anyio
CONTRACTOR = "contractor@contractor.org"


async def test_authenticate_unmanaged_member(env: Env) -> None:
    async with served(env) as broker:
        await add_member(broker, await create_organization(broker), CONTRACTOR)
        async with browser(broker) as http:
            page = await identity_first(http, CONTRACTOR)
            assert has_password(page), page.text
            # the only provider is bound to the organization, and the address is not of its domain
            assert f'id="social-{ALIAS}"' not in page.text
            await signs_in(http, page)


async def test_try_login_with_username_not_an_email(env: Env) -> None:
    async with passed_on(env, "user"):
        pass


async def test_default_authentication_mechanism_if_not_organization_member(env: Env) -> None:
    async with passed_on(env, "user@noorg.org"):
        pass


async def test_authenticate_unmanaged_member_wehn_provider_disabled(env: Env) -> None:
    """Organizations turned off for the realm: the usual username and password form, no provider button."""
    async with served(env) as broker:
        await add_member(broker, await create_organization(broker), CONTRACTOR)
        async with browser(broker) as http:
            page = await start_login(http)
            assert not has_password(page) and f'id="social-{ALIAS}"' not in page.text, page.text
        off = await env.http.put(REALM, json={"organizationsEnabled": False}, headers=await env.admin_headers())
        assert off.status_code == 204, off.text
        async with browser(broker) as http:
            page = await start_login(http)
            assert "Sign in to" in page.text and has_username(page) and has_password(page), page.text
            assert f'id="social-{ALIAS}"' not in page.text
            await signs_in(http, page, username=CONTRACTOR)
