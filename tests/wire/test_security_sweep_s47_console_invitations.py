"""Security sweep (session 47): the Admin Console's Invitations tab under attack. Resend and delete need the page's
CSRF token; another organization's invitation is not reached through this organization's paths; markup in an
organization's name or an invitee's names is text on the list and the confirm step; odd paging and filters never
fail."""

from __future__ import annotations

import pytest

from admin_support import make_admin
from console_support import HTML, post_pairs, sign_in
from mail_sink import Sink
from org_invitations import create_org, enable, invite, stored
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
ORGS = "/admin/test/console/test/organizations"
XSS = "<script>alert(1)</script>"


async def _setup(env: Env, mail: Sink, **org: str) -> tuple[str, str]:
    """An organization with one stored invitation (markup in the invitee's names), and realm-admin ``boss``."""
    await enable(env, mail)
    oid = await create_org(env, **org)
    sent = await invite(env, oid, "invite-user", email="fresh@neworg.org", firstName=XSS, lastName=XSS)
    assert sent.status_code == 204, sent.text
    [kept] = await stored(env, oid)
    await make_admin(env, "test", "boss", "realm-admin")
    return oid, str(kept["id"])


async def test_resend_and_delete_need_the_page_s_csrf_token(env: Env, mail: Sink) -> None:
    oid, inv = await _setup(env, mail)
    here = f"{ORGS}/{oid}/invitations"
    async with client_at(env, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        for token in ("", "forged", "x" * 5000):
            for path, pairs in ((f"{here}/{inv}/resend", []), (f"{here}/{inv}/delete", [("confirmed", "yes")])):
                sent = await post_pairs(http, path, pairs, token_from=here, token=token)
                assert sent.status_code == 403, (path, token[:10], sent.text[:200])
        no_origin = await http.post(f"{here}/{inv}/delete", data={"confirmed": "yes"}, headers=HTML)
        assert no_origin.status_code == 403
    assert [i["id"] for i in await stored(env, oid)] == [inv] and len(mail.received) == 1


async def test_another_organization_s_invitation_is_not_reached_through_this_one(env: Env, mail: Sink) -> None:
    oid, inv = await _setup(env, mail)
    other = await create_org(env, name="other", domains=[{"name": "other.org"}])
    here = f"{ORGS}/{other}/invitations"
    async with client_at(env, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        for path, pairs in ((f"{here}/{inv}/resend", []), (f"{here}/{inv}/delete", [("confirmed", "yes")])):
            answer = await post_pairs(http, path, pairs, token_from=here)
            assert answer.status_code == 303, answer.text[:200]
            assert "Invitation not found" in (await http.get(answer.headers["location"], headers=HTML)).text, path
    assert [i["id"] for i in await stored(env, oid)] == [inv] and len(mail.received) == 1


async def test_markup_in_names_is_text_on_the_list_and_the_confirm_step(env: Env, mail: Sink) -> None:
    oid, inv = await _setup(env, mail, name=XSS, alias="markup")
    here = f"{ORGS}/{oid}/invitations"
    async with client_at(env, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        listed = await http.get(here, headers=HTML)
        assert listed.status_code == 200 and XSS not in listed.text and "&lt;script&gt;" in listed.text
        asked = await post_pairs(http, f"{here}/{inv}/delete", [], token_from=here)
        assert asked.status_code == 200 and "Delete invitation?" in asked.text
        assert XSS not in asked.text and "&lt;script&gt;" in asked.text
        resent = await post_pairs(http, f"{here}/{inv}/resend", [], token_from=here)
        flashed = await http.get(resent.headers["location"], headers=HTML)
        assert "Invitation sent again to fresh@neworg.org." in flashed.text and XSS not in flashed.text


@pytest.mark.parametrize(
    "params",
    [
        {"first": "-5", "max": "-1"},
        {"first": "99999999999999999999", "max": "x"},
        {"search": "\x00"},
        {"search": "%"},
        {"search": "x" * 10000},
        {"status": XSS},
        {"status": "\x00"},
    ],
)
async def test_odd_paging_and_filters_on_the_tab_never_fail(env: Env, mail: Sink, params: dict[str, str]) -> None:
    oid, _ = await _setup(env, mail)
    async with client_at(env, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        page = await http.get(f"{ORGS}/{oid}/invitations", params=params, headers=HTML)
        assert page.status_code in (200, 400), page.text[:300]
        assert XSS not in page.text
        if "search" in params:
            assert "fresh@neworg.org" not in page.text, params  # a wildcard or a NUL matches only itself
