"""Keycloak's new-framework OrganizationInvitationAttributeTest (tests/organization/admin/): invitation requests as
JSON (OrganizationInvitationUserRequest / OrganizationInvitationExistingUserRequest) carry attributes the stored
invitation keeps and shows, a resend keeps them, null names and values and blank names are left out, and an empty
JSON body is 400. Beyond the class: malformed attributes are 400 and store nothing, the form still works, the
migration keeps older invitations. Both engines."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from mail_sink import Sink
from org_invitations import ORGS, enable
from wire_env import Env

pytestmark = pytest.mark.anyio


@pytest.fixture
async def org(env: Env, mail: Sink) -> str:
    """createOrganization("test-org", "test-org.com") in a realm that mails through ``mail``."""
    await enable(env, mail)
    made = await env.http.post(
        ORGS, json={"name": "test-org", "domains": [{"name": "test-org.com"}]}, headers=await env.admin_headers()
    )
    assert made.status_code == 201, made.text
    return str(made.headers["location"].rsplit("/", 1)[1])


async def _invite(env: Env, org: str, body: Any, existing: bool = False) -> httpx.Response:
    path = "invite-existing-user" if existing else "invite-user"
    h = {**await env.admin_headers(), "Content-Type": "application/json"}
    content = b"" if body is ... else httpx.Request("POST", "/", json=body).content
    return await env.http.post(f"{ORGS}/{org}/members/{path}", content=content, headers=h)


async def _listed(env: Env, org: str) -> list[dict[str, Any]]:
    found = await env.http.get(f"{ORGS}/{org}/invitations", headers=await env.admin_headers())
    assert found.status_code == 200, found.text
    body: list[dict[str, Any]] = found.json()
    return body


async def _user(env: Env, username: str, email: str) -> str:
    rep = {"username": username, "email": email, "firstName": username, "lastName": "Test", "enabled": True}
    made = await env.http.post("/admin/realms/test/users", json=rep, headers=await env.admin_headers())
    assert made.status_code == 201, made.text
    return str(made.headers["location"].rsplit("/", 1)[1])


async def test_create_invitation_with_attributes(env: Env, org: str) -> None:
    """OrganizationInvitationAttributeTest#testCreateInvitationWithAttributes."""
    attributes = {"role": ["admin"], "department": ["engineering"]}
    req = {"email": "attr-user@test-org.com", "firstName": "Attr", "lastName": "User", "attributes": attributes}
    assert (await _invite(env, org, req)).status_code == 204
    [invitation] = await _listed(env, org)
    assert invitation["email"] == "attr-user@test-org.com"
    assert invitation["attributes"] == attributes
    one = await env.http.get(f"{ORGS}/{org}/invitations/{invitation['id']}", headers=await env.admin_headers())
    assert one.json()["attributes"] == attributes


async def test_invitation_without_attributes_returns_null_attributes(env: Env, org: str) -> None:
    """OrganizationInvitationAttributeTest#testInvitationWithoutAttributesReturnsNullAttributes (the form)."""
    form = {"email": "no-attr@test-org.com", "firstName": "No", "lastName": "Attr"}
    sent = await env.http.post(f"{ORGS}/{org}/members/invite-user", data=form, headers=await env.admin_headers())
    assert sent.status_code == 204, sent.text
    [invitation] = await _listed(env, org)
    assert "attributes" not in invitation


async def test_resend_invitation_preserves_attributes(env: Env, org: str, mail: Sink) -> None:
    """OrganizationInvitationAttributeTest#testResendInvitationPreservesAttributes."""
    req = {"email": "resend-attr@test-org.com", "firstName": "Resend", "lastName": "Attr"}
    assert (await _invite(env, org, {**req, "attributes": {"role": ["viewer"]}})).status_code == 204
    [first] = await _listed(env, org)
    resent = await env.http.post(f"{ORGS}/{org}/invitations/{first['id']}/resend", headers=await env.admin_headers())
    assert resent.status_code == 204, resent.text
    [second] = await _listed(env, org)
    assert second["id"] != first["id"] and second["attributes"] == {"role": ["viewer"]}
    assert len(mail.received) == 2


async def test_invitation_attributes_multi_valued(env: Env, org: str) -> None:
    """OrganizationInvitationAttributeTest#testInvitationAttributesMultiValued."""
    req = {"email": "multi-val@test-org.com", "firstName": "Multi", "lastName": "Val"}
    assert (await _invite(env, org, {**req, "attributes": {"tags": ["tag1", "tag2", "tag3"]}})).status_code == 204
    [invitation] = await _listed(env, org)
    assert invitation["attributes"]["tags"] == ["tag1", "tag2", "tag3"]


async def test_invite_existing_user_with_attributes(env: Env, org: str) -> None:
    """OrganizationInvitationAttributeTest#testInviteExistingUserWithAttributes."""
    user = await _user(env, "existing-user", "existing-user@test-org.com")
    attributes = {"role": ["admin"], "department": ["engineering"]}
    assert (await _invite(env, org, {"id": user, "attributes": attributes}, existing=True)).status_code == 204
    [invitation] = await _listed(env, org)
    assert (invitation["email"], invitation["attributes"]) == ("existing-user@test-org.com", attributes)


async def test_invite_existing_user_without_attributes(env: Env, org: str) -> None:
    """OrganizationInvitationAttributeTest#testInviteExistingUserWithoutAttributes (the form's ``id``)."""
    user = await _user(env, "no-attr-user", "no-attr-user@test-org.com")
    sent = await env.http.post(
        f"{ORGS}/{org}/members/invite-existing-user", data={"id": user}, headers=await env.admin_headers()
    )
    assert sent.status_code == 204, sent.text
    [invitation] = await _listed(env, org)
    assert invitation["email"] == "no-attr-user@test-org.com" and "attributes" not in invitation


async def test_delete_invitation_cascades_attributes(env: Env, org: str) -> None:
    """OrganizationInvitationAttributeTest#testDeleteInvitationCascadesAttributes."""
    req = {"email": "cascade-del@test-org.com", "firstName": "Cascade", "lastName": "Del"}
    assert (await _invite(env, org, {**req, "attributes": {"role": ["admin"]}})).status_code == 204
    [invitation] = await _listed(env, org)
    gone = await env.http.delete(f"{ORGS}/{org}/invitations/{invitation['id']}", headers=await env.admin_headers())
    assert gone.status_code == 204
    assert await _listed(env, org) == []


async def test_create_invitation_with_empty_attributes(env: Env, org: str) -> None:
    """OrganizationInvitationAttributeTest#testCreateInvitationWithEmptyAttributes."""
    req = {"email": "empty-attr@test-org.com", "firstName": "Empty", "lastName": "Attr", "attributes": {}}
    assert (await _invite(env, org, req)).status_code == 204
    [invitation] = await _listed(env, org)
    assert "attributes" not in invitation


async def test_invite_user_with_empty_json_body_returns_bad_request(env: Env, org: str, mail: Sink) -> None:
    """OrganizationInvitationAttributeTest#testInviteUserWithEmptyJsonBodyReturnsBadRequest (no body, and
    ``null``)."""
    assert (await _invite(env, org, ...)).status_code == 400
    assert (await _invite(env, org, None)).status_code == 400
    assert mail.received == [] and await _listed(env, org) == []


async def test_invite_existing_user_with_empty_json_body_returns_bad_request(env: Env, org: str) -> None:
    """OrganizationInvitationAttributeTest#testInviteExistingUserWithEmptyJsonBodyReturnsBadRequest."""
    assert (await _invite(env, org, ..., existing=True)).status_code == 400
    assert (await _invite(env, org, None, existing=True)).status_code == 400


async def test_create_invitation_ignores_attribute_with_null_values(env: Env, org: str) -> None:
    """OrganizationInvitationAttributeTest#testCreateInvitationIgnoresAttributeWithNullValues."""
    req = {"email": "null-list@test-org.com", "attributes": {"role": ["admin"], "ignored": None}}
    assert (await _invite(env, org, req)).status_code == 204
    assert (await _listed(env, org))[0]["attributes"] == {"role": ["admin"]}


async def test_create_invitation_ignores_null_attribute_value(env: Env, org: str) -> None:
    """OrganizationInvitationAttributeTest#testCreateInvitationIgnoresNullAttributeValue."""
    req = {"email": "null-value@test-org.com", "attributes": {"role": ["admin", None]}}
    assert (await _invite(env, org, req)).status_code == 204
    assert (await _listed(env, org))[0]["attributes"] == {"role": ["admin"]}


async def test_create_invitation_ignores_blank_attribute_names(env: Env, org: str) -> None:
    """OrganizationInvitationAttributeTest#testCreateInvitationIgnoresBlankAttributeNames."""
    req = {"email": "blank-name@test-org.com", "attributes": {"role": ["admin"], " ": ["ignored"]}}
    assert (await _invite(env, org, req)).status_code == 204
    assert (await _listed(env, org))[0]["attributes"] == {"role": ["admin"]}


@pytest.mark.parametrize(
    "body",
    [
        [],
        "invite",
        {"email": 7},
        {"email": "x@test-org.com", "attributes": ["role"]},
        {"email": "x@test-org.com", "attributes": {"role": [{"nested": "object"}]}},
        {"email": "x@test-org.com", "attributes": {"role": ["x" * 256]}},
        {"email": "x@test-org.com", "attributes": {"r" * 256: ["admin"]}},
        {"email": "x@test-org.com", "attributes": {"role": ["a\u0000b"]}},
        {"email": "x@test-org.com", "attributes": {f"n{i}": ["v"] for i in range(101)}},
        {"email": "x@test-org.com", "attributes": {"role": ["v"] * 101}},
    ],
)
async def test_malformed_requests_are_refused_and_store_nothing(env: Env, org: str, mail: Sink, body: Any) -> None:
    """Beyond the class: what is no invitation request, or attributes no column would hold, is 400."""
    refused = await _invite(env, org, body)
    assert refused.status_code == 400, refused.text
    assert mail.received == [] and await _listed(env, org) == []


async def test_scalar_values_read_as_jackson_reads_them(env: Env, org: str) -> None:
    """Beyond the class: a single value stands for a list of one, numbers and booleans for their text."""
    req = {"email": "scalars@test-org.com", "attributes": {"one": "solo", "n": [7, True]}}
    assert (await _invite(env, org, req)).status_code == 204
    assert (await _listed(env, org))[0]["attributes"] == {"one": ["solo"], "n": ["7", "true"]}
