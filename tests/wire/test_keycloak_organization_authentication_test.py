"""Keycloak's OrganizationAuthenticationTest (organization/authentication/), over real HTTP with the provider
realm of tests/broker_support.py and the organization ``neworg`` of tests/organization_auth_port.py. The five
methods it shares with OrganizationMemberAuthenticationTest run from that port's file under their names here;
testRequiresUserMembership runs on the realm of tests/organization_login_support.py (its steps one by one are in
test_organization_login_scope.py and test_organization_select.py)."""

from __future__ import annotations

import pytest

import organization_login_support as logins
from broker_support import browser, served, start_login
from browser_flow import submit
from flow_builder import admin
from keycloak_port import update_realm
from organization_auth_port import (
    MEMBER,
    PASSWORD,
    add_member,
    attempted,
    create_organization,
    has_password,
    has_username,
    identity_first,
    passed_on,
    post,
    signs_in,
)
from support import seed_user
from wire import test_keycloak_organization_member_authentication_test as member_port
from wire_env import Env

pytestmark = pytest.mark.anyio
test_authenticate_unmanaged_member = member_port.test_authenticate_unmanaged_member
test_try_login_with_username_not_an_email = member_port.test_try_login_with_username_not_an_email
test_default_authentication_mechanism_if_not_organization_member = (
    member_port.test_default_authentication_mechanism_if_not_organization_member
)
test_authenticate_unmanaged_member_when_provider_disabled = (
    member_port.test_authenticate_unmanaged_member_wehn_provider_disabled
)


async def test_empty_user_name_validation(env: Env) -> None:
    async with served(env) as broker:
        await create_organization(broker)
        async with browser(broker) as http:
            page = await identity_first(http, "")
            assert has_username(page) and not has_password(page), page.text
            assert "Invalid username." in page.text


async def test_force_re_authentication_before_required_action(env: Env) -> None:
    async with served(env) as broker:
        await add_member(broker, await create_organization(broker))
        async with browser(broker) as http:
            await signs_in(http, await identity_first(http, MEMBER))
            env.clock.advance(10)
            page = await start_login(http, max_age="1", kc_action="UPDATE_PASSWORD")
            assert has_password(page) and "Please re-authenticate to continue" in page.text, page.text
            update = await post(http, page, password=PASSWORD)
            assert 'name="password-new"' in update.text, update.text
            await signs_in(http, update, password="", **{"password-new": PASSWORD, "password-confirm": PASSWORD})


async def test_login_hint(env: Env) -> None:
    async with served(env) as broker:
        await add_member(broker, await create_organization(broker))
        async with browser(broker) as http:
            page = await start_login(http, login_hint=MEMBER)
            assert has_password(page) and attempted(page) == MEMBER, page.text
            await signs_in(http, page)


async def test_duplicate_emails_enabled(env: Env) -> None:
    async with served(env) as broker:
        await update_realm(
            env, duplicateEmailsAllowed=True, loginWithEmailAllowed=False, registrationEmailAsUsername=False
        )
        await add_member(broker, await create_organization(broker))
        await seed_user(env.db, env.clock, "test", "duplicated-user", "duplicated-user", email=MEMBER)
        for username, password in ((MEMBER, PASSWORD), ("duplicated-user", "duplicated-user")):
            async with browser(broker) as http:  # a new browser: the admin's logout of each user
                await signs_in(http, await identity_first(http, username), password=password)
        async with browser(broker) as http:  # the address is the member's username, not the duplicate's
            page = await post(http, await identity_first(http, MEMBER), password="duplicated-user")
            assert has_password(page) and "Invalid username or password." in page.text, page.text
        async with browser(broker) as http:
            await signs_in(http, await identity_first(http, MEMBER))


async def test_restart_login(env: Env) -> None:
    async with passed_on(env, "user@noorg.org") as (http, page):
        restart = await http.get(
            page.text.split('id="reset-login" href="', 1)[1].split('"', 1)[0].replace("&amp;", "&"),
            follow_redirects=True,
        )
        assert has_username(restart) and not has_password(restart), restart.text


async def test_attempted_username_kept_after_password_failures(env: Env) -> None:
    async with passed_on(env, "user@noorg.org") as (http, page):
        for _ in range(3):
            page = await post(http, page, password="wrong-password")
            assert attempted(page) == "user@noorg.org" and has_password(page), page.text
            assert 'name="email"' not in page.text


async def test_hide_username_kept_after_password_failures_brute_force_enabled(env: Env) -> None:
    async with served(env) as broker:
        await create_organization(broker)
        waits = {"maxDeltaTimeSeconds": 30, "maxFailureWaitSeconds": 30, "waitIncrementSeconds": 30}
        await update_realm(env, bruteForceProtected=True, bruteForceStrategy="MULTIPLE", failureFactor=1, **waits)
        email = "existing-user@neworg.org"
        await seed_user(env.db, env.clock, "test", "existing-user", PASSWORD, email=email)
        async with browser(broker) as http:
            page = await identity_first(http, email)
            for step in range(4):
                assert attempted(page) == email and has_password(page), page.text
                assert 'name="email"' not in page.text
                if step == 2:
                    page = await identity_first(http, email)
                    await update_realm(env, registrationEmailAsUsername=True)
                page = await post(http, page, password="wrong-password")
            assert attempted(page) == email and has_password(page), page.text


async def test_username_exposure_when_entering_email(env: Env) -> None:
    async with served(env) as broker:
        contractor = "contractor@contractor.org"
        await add_member(broker, await create_organization(broker), contractor, username="secretusername123")
        for typed in (contractor, contractor.upper()):
            async with browser(broker) as http:
                page = await identity_first(http, typed)
                assert has_password(page) and attempted(page) == typed, page.text
                assert "secretusername123" not in page.text


async def test_requires_user_membership(realm: Env) -> None:
    """The step's ``requiresUserMembership`` on: the domain's organization, the scope's, any, and a pick; the
    organization_login_support realm (``user1@acme.org``, ``acme`` and ``beta``) over plain HTTP."""
    ids = await logins.two_organizations(realm)
    await logins.members_only(realm)
    [user1] = (await admin(realm, "GET", f"{logins.REALM}/users?username=user1&exact=true", status=200)).json()

    async def leave(alias: str) -> None:
        await admin(realm, "DELETE", f"{logins.REALM}/organizations/{ids[alias]}/members/{user1['id']}", status=204)

    assert logins.refused(await logins.typed(realm.http), logins.NOT_MEMBER.format("acme"))
    await logins.join(realm, ids["acme"])
    answer = await logins.typed(realm.http, scope="openid organization:beta")
    assert logins.refused(answer, logins.NOT_MEMBER.format("beta")) and "try-another-way" not in answer.text
    await leave("acme")
    assert logins.refused(await logins.typed(realm.http, scope="openid organization:*"), logins.NOT_MEMBER_OF_ANY)
    await logins.join(realm, ids["acme"])
    await logins.join(realm, ids["beta"])
    select = await logins.typed(realm.http, scope="openid organization")
    assert 'name="kc.org"' in select.text, select.text
    await leave("acme")
    assert logins.refused(await submit(realm.http, select, **{"kc.org": "acme"}), logins.NOT_MEMBER.format("acme"))
