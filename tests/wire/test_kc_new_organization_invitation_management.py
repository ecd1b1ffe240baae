"""Keycloak's new-framework OrganizationInvitationManagementTest (tests/organization/admin/): the stored invitations'
listing, one read, resend and delete, paging, the status, email, name and search filters (SQL wildcards taken
literally), another organization's invitations, and a disabled organization refusing invite-user and resend (400
"Organization is disabled"). Beyond the class: the refusals store and mail nothing. Both engines."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mail_sink import Sink
from org_invitations import ORGS, enable, stored
from wire_env import Env

pytestmark = pytest.mark.anyio
DISABLED = {"errorMessage": "Organization is disabled"}


async def _org(env: Env, name: str = "test-org", domain: str = "test-org.com") -> str:
    """createOrganization(name, domain)."""
    made = await env.http.post(
        ORGS, json={"name": name, "domains": [{"name": domain}]}, headers=await env.admin_headers()
    )
    assert made.status_code == 201, made.text
    return str(made.headers["location"].rsplit("/", 1)[1])


@pytest.fixture
async def org(env: Env, mail: Sink) -> str:
    """setUp: organization test-org (test-org.com) in a realm that mails through ``mail``."""
    await enable(env, mail)
    return await _org(env)


async def _invite_user(env: Env, org: str, email: str, first: str, last: str) -> httpx.Response:
    form = {"email": email, "firstName": first, "lastName": last}
    return await env.http.post(f"{ORGS}/{org}/members/invite-user", data=form, headers=await env.admin_headers())


async def _send(env: Env, org: str, email: str, first: str, last: str) -> None:
    """sendInvitationToOrganization: 204 asserted."""
    sent = await _invite_user(env, org, email, first, last)
    assert sent.status_code == 204, sent.text


async def _one(env: Env, org: str, invitation: str) -> httpx.Response:
    return await env.http.get(f"{ORGS}/{org}/invitations/{invitation}", headers=await env.admin_headers())


async def _resend(env: Env, org: str, invitation: str) -> httpx.Response:
    return await env.http.post(f"{ORGS}/{org}/invitations/{invitation}/resend", headers=await env.admin_headers())


async def _delete(env: Env, org: str, invitation: str) -> httpx.Response:
    return await env.http.delete(f"{ORGS}/{org}/invitations/{invitation}", headers=await env.admin_headers())


async def _set_enabled(env: Env, org: str, enabled: bool) -> None:
    """setOrganizationEnabled: the representation read back and updated."""
    h = await env.admin_headers()
    rep: dict[str, Any] = (await env.http.get(f"{ORGS}/{org}", headers=h)).json()
    assert (await env.http.put(f"{ORGS}/{org}", json={**rep, "enabled": enabled}, headers=h)).status_code == 204


async def test_create_and_list_invitations(env: Env, org: str) -> None:
    """OrganizationInvitationManagementTest#testCreateAndListInvitations."""
    await _send(env, org, "user1@test-org.com", "John", "Doe")
    await _send(env, org, "user2@test-org.com", "Jane", "Smith")
    invitations = await stored(env, org)
    assert len(invitations) == 2
    [first] = [i for i in invitations if i["email"] == "user1@test-org.com"]
    assert (first["firstName"], first["lastName"], first["status"]) == ("John", "Doe", "PENDING")
    assert first["organizationId"] == org
    assert first["sentDate"] is not None and first["expiresAt"] is not None


async def test_get_invitation_by_id(env: Env, org: str) -> None:
    """OrganizationInvitationManagementTest#testGetInvitationById."""
    await _send(env, org, "user@test-org.com", "Test", "User")
    [listed] = await stored(env, org)
    one = await _one(env, org, listed["id"])
    assert one.status_code == 200
    assert (one.json()["id"], one.json()["email"], one.json()["status"]) == (
        listed["id"],
        "user@test-org.com",
        "PENDING",
    )


async def test_get_non_existent_invitation(env: Env, org: str) -> None:
    """OrganizationInvitationManagementTest#testGetNonExistentInvitation."""
    missing = await _one(env, org, "non-existent-id")
    assert (missing.status_code, missing.json()) == (404, {"errorMessage": "Invitation not found"})


async def test_resend_invitation(env: Env, org: str, mail: Sink) -> None:
    """OrganizationInvitationManagementTest#testResendInvitation: the old id is gone, one new invitation."""
    await _send(env, org, "user@test-org.com", "Test", "User")
    [old] = await stored(env, org)
    assert (await _resend(env, org, old["id"])).status_code == 204
    assert (await _one(env, org, old["id"])).status_code == 404
    [new] = await stored(env, org)
    assert new["id"] != old["id"] and len(mail.received) == 2


async def test_delete_invitation(env: Env, org: str) -> None:
    """OrganizationInvitationManagementTest#testDeleteInvitation."""
    await _send(env, org, "user@test-org.com", "Test", "User")
    [listed] = await stored(env, org)
    assert (await _delete(env, org, listed["id"])).status_code == 204
    assert (await _one(env, org, listed["id"])).status_code == 404
    assert await stored(env, org) == []


async def test_delete_non_existent_invitation(env: Env, org: str) -> None:
    """OrganizationInvitationManagementTest#testDeleteNonExistentInvitation."""
    assert (await _delete(env, org, "non-existent-id")).status_code == 404


async def test_invitation_pagination(env: Env, org: str) -> None:
    """OrganizationInvitationManagementTest#testInvitationPagination: 15 invitations, pages of 10 and 5 apart."""
    for i in range(1, 16):
        await _send(env, org, f"user{i}@test-org.com", "User", f"Number{i}")
    first_page = await stored(env, org, first=0, max=10)
    second_page = await stored(env, org, first=10, max=10)
    assert (len(first_page), len(second_page)) == (10, 5)
    assert not {i["id"] for i in first_page} & {i["id"] for i in second_page}


async def test_invitation_filtering(env: Env, org: str) -> None:
    """OrganizationInvitationManagementTest#testInvitationFiltering: status (two days on, EXPIRED) and search."""
    await _send(env, org, "pending@test-org.com", "Pending", "User")
    [pending] = await stored(env, org, status="PENDING")
    assert (pending["status"], pending["email"]) == ("PENDING", "pending@test-org.com")
    assert await stored(env, org, status="EXPIRED") == []
    env.clock.advance(2 * 24 * 3600)
    assert len(await stored(env, org, status="EXPIRED")) == 1
    env.clock.advance(-2 * 24 * 3600)
    assert len(await stored(env, org, search="test")) == 1
    assert await stored(env, org, search="none") == []


async def test_invitation_email_search(env: Env, org: str) -> None:
    """OrganizationInvitationManagementTest#testInvitationEmailSearch: ``email`` matches a part of the address."""
    await _send(env, org, "john.doe@test-org.com", "John", "Doe")
    await _send(env, org, "jane.smith@test-org.com", "Jane", "Smith")
    await _send(env, org, "admin@test-org.com", "Admin", "User")
    assert [i["email"] for i in await stored(env, org, email="john.doe")] == ["john.doe@test-org.com"]
    assert [i["email"] for i in await stored(env, org, email="admin")] == ["admin@test-org.com"]


async def test_invitation_search_with_sql_wildcards(env: Env, org: str) -> None:
    """OrganizationInvitationManagementTest#testInvitationSearchWithSqlWildcards: ``_`` and ``%`` in the email,
    search, firstName and lastName filters are themselves, not SQL wildcards."""
    await _send(env, org, "john_doe@test-org.com", "John", "Doe")
    await _send(env, org, "johnadoe@test-org.com", "Johna", "Doe")
    await _send(env, org, "johnbdoe@test-org.com", "Johnb", "Doe")
    assert [i["email"] for i in await stored(env, org, email="john_")] == ["john_doe@test-org.com"]
    await _send(env, org, "50%@test-org.com", "Fifty", "Percent")
    await _send(env, org, "500@test-org.com", "Five", "Hundred")
    await _send(env, org, "50abc@test-org.com", "Fiftyabc", "Test")
    assert [i["email"] for i in await stored(env, org, search="50%")] == ["50%@test-org.com"]
    await _send(env, org, "test_fn@test-org.com", "Test_Name", "LastName")
    await _send(env, org, "testafn@test-org.com", "TestaName", "LastName")
    assert [i["firstName"] for i in await stored(env, org, firstName="Test_")] == ["Test_Name"]
    await _send(env, org, "test_ln@test-org.com", "FirstName", "50%_Last")
    await _send(env, org, "test_ln2@test-org.com", "FirstName", "50a_Last")
    assert [i["lastName"] for i in await stored(env, org, lastName="50%_")] == ["50%_Last"]


async def test_cross_organization_invitation_access(env: Env, org: str) -> None:
    """OrganizationInvitationManagementTest#testCrossOrganizationInvitationAccess: another organization's id is 404
    to read, delete and resend, and nothing changes."""
    org2 = await _org(env, "test-org-2", "test-org-2.com")
    await _send(env, org, "user@test-org.com", "User", "One")
    [one] = await stored(env, org)
    await _send(env, org2, "user@test-org-2.com", "User", "Two")
    [two] = await stored(env, org2)
    assert (await _one(env, org2, one["id"])).status_code == 404
    assert (await _delete(env, org2, one["id"])).status_code == 404
    assert (await _resend(env, org2, one["id"])).status_code == 404
    assert [i["id"] for i in await stored(env, org)] == [one["id"]]
    assert [i["id"] for i in await stored(env, org2)] == [two["id"]]
    assert (await _one(env, org, one["id"])).json()["email"] == "user@test-org.com"
    assert (await _one(env, org2, two["id"])).json()["email"] == "user@test-org-2.com"


async def test_multiple_organization_invitation_isolation(env: Env, org: str) -> None:
    """OrganizationInvitationManagementTest#testMultipleOrganizationInvitationIsolation."""
    org2 = await _org(env, "test-org-2", "test-org-2.com")
    await _send(env, org, "user@test-org.com", "User", "One")
    await _send(env, org2, "user@test-org-2.com", "User", "Two")
    [one] = await stored(env, org)
    [two] = await stored(env, org2)
    assert (one["email"], one["organizationId"]) == ("user@test-org.com", org)
    assert (two["email"], two["organizationId"]) == ("user@test-org-2.com", org2)


async def test_send_invitation_to_disabled_organization(env: Env, org: str, mail: Sink) -> None:
    """OrganizationInvitationManagementTest#testSendInvitationToDisabledOrganization; nothing kept or mailed, and
    an existing user is refused the same way."""
    await _set_enabled(env, org, False)
    refused = await _invite_user(env, org, "user@test-org.com", "John", "Doe")
    assert (refused.status_code, refused.json()) == (400, DISABLED)
    made = await env.http.post(
        "/admin/realms/test/users",
        json={"username": "known", "email": "known@test-org.com", "enabled": True},
        headers=await env.admin_headers(),
    )
    user = made.headers["location"].rsplit("/", 1)[1]
    existing = await env.http.post(
        f"{ORGS}/{org}/members/invite-existing-user", data={"id": user}, headers=await env.admin_headers()
    )
    assert (existing.status_code, existing.json()) == (400, DISABLED)
    assert await stored(env, org) == [] and mail.received == []


async def test_resend_invitation_to_disabled_organization(env: Env, org: str, mail: Sink) -> None:
    """OrganizationInvitationManagementTest#testResendInvitationToDisabledOrganization: refused, and the invitation
    stays as it was."""
    await _send(env, org, "user@test-org.com", "John", "Doe")
    [kept] = await stored(env, org)
    await _set_enabled(env, org, False)
    refused = await _resend(env, org, kept["id"])
    assert (refused.status_code, refused.json()) == (400, DISABLED)
    assert await stored(env, org) == [kept] and len(mail.received) == 1


async def test_invitation_works_after_re_enabling_organization(env: Env, org: str) -> None:
    """OrganizationInvitationManagementTest#testInvitationWorksAfterReEnablingOrganization."""
    await _set_enabled(env, org, False)
    assert (await _invite_user(env, org, "user@test-org.com", "John", "Doe")).status_code == 400
    await _set_enabled(env, org, True)
    await _send(env, org, "user@test-org.com", "John", "Doe")
    assert [i["email"] for i in await stored(env, org)] == ["user@test-org.com"]
