"""An organization's Groups tab in the Admin Console (Keycloak 26.6), over HTTP against the real app (both engines):
the organization's groups as ``organizations/{id}/groups`` holds them, paths and member counts, searchable; names are
escaped; only a manage-realm administrator sees it."""

from __future__ import annotations

import re

import httpx
import pytest

from admin_support import make_admin
from console_support import HTML, sign_in
from org_groups import group, member, organization, status
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
ORGS = "/admin/test/console/test/organizations"
XSS = '<script>alert("x")</script>'


async def test_the_groups_tab_lists_the_tree_with_member_counts_and_searches(realm: Env) -> None:
    org = await organization(realm, "acme")
    eng = await group(realm, org, "engineering")
    backend = await group(realm, org, "backend", parent=eng)
    await group(realm, org, XSS)
    alice = await member(realm, org, "alice")
    assert await status(realm, "PUT", f"{org}/groups/{backend}/members/{alice}") == 204
    await make_admin(realm, "test", "boss", "realm-admin")
    await make_admin(realm, "test", "viewer", "view-users")
    async with client_at(realm, "127.0.0.2") as http:
        await sign_in(http, "/admin/test/console/", "boss")
        tab = await http.get(f"{ORGS}/{org}/groups", headers=HTML)
        assert tab.status_code == 200, tab.text
        rows = _rows(tab)
        assert rows[1:] == [("engineering", "/engineering", "0"), ("backend", "/engineering/backend", "1")]
        assert XSS not in tab.text and "&lt;script&gt;" in tab.text
        searched = await http.get(f"{ORGS}/{org}/groups", params={"search": "BACK"}, headers=HTML)
        assert _rows(searched) == [("backend", "/engineering/backend", "1")]
        none = await http.get(f"{ORGS}/{org}/groups", params={"search": "nothing"}, headers=HTML)
        assert "No groups matching the search." in none.text
    async with client_at(realm, "127.0.0.3") as http:
        await sign_in(http, "/admin/test/console/", "viewer")
        refused = await http.get(f"{ORGS}/{org}/groups", headers=HTML)
        assert refused.status_code in (403, 404) and "/engineering/backend" not in refused.text


def _rows(page: httpx.Response) -> list[tuple[str, str, str]]:
    """The table's rows: name, path, members (``/`` sorts escaped names first)."""
    cells = re.findall(r'<td data-label="(?:Group|Path|Members)">([^<]*)</td>', page.text)
    return [(cells[i], cells[i + 1], cells[i + 2]) for i in range(0, len(cells), 3)]
