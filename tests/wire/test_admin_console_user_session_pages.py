"""A user's Sessions tab in the Admin Console, for a service user holding 1,501 offline sessions: both tables
paged in SQL (``first``/``max`` online, ``ofirst``/``omax`` offline), oldest first with their totals, the same
number of statements for a page of 10 and of 100, bad paging values clamped, a sign-out coming back to its page."""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import httpx
import pytest

from admin_console_http import post, realm_admin_console, sign_in
from admin_support import make_admin
from browser_flow import form_fields
from doorkeep.model import User, UserSession
from sent_statements import recording
from store_factories import add_sessions_in_bulk
from support import seed_user
from wire_env import Env, client_at

pytestmark = pytest.mark.anyio
HTML = {"Accept": "text/html"}
CONSOLE = "/admin/test/console/test"
OFFLINE, ONLINE = 1501, 11  # a one-row last page at 10 a page, for both


@dataclass(frozen=True)
class Fleet:
    """The service user and its sessions' ids in the tab's order (oldest first, ties by id)."""

    user: User
    offline: list[str]
    online: list[str]

    @property
    def tab(self) -> str:
        return f"{CONSOLE}/users/{self.user.id}/sessions"


def _order(sessions: list[UserSession]) -> list[str]:
    return [us.id for us in sorted(sessions, key=lambda us: (us.started, us.id))]


@pytest.fixture
async def fleet(realm: Env) -> Fleet:
    """1,501 offline sessions (three a second) and 11 online ones, seeded in one transaction."""
    user = await seed_user(realm.db, realm.clock, "test", "fleet")
    now = realm.clock.now()
    async with realm.db.transaction() as tx:
        found = await tx.realms.get_by_name("test")
        assert found is not None
        clients = [c for c in await tx.clients.list(found.id) if c.client_id in ("app", "account")]
        offline = await add_sessions_in_bulk(
            tx, user, clients, [now - 86_400 + i // 3 for i in range(OFFLINE)], offline=True
        )
        online = await add_sessions_in_bulk(tx, user, clients, [now - 60 + i for i in range(ONLINE)], offline=False)
    return Fleet(user, _order(offline), _order(online))


@pytest.fixture
async def admin(realm: Env) -> AsyncIterator[httpx.AsyncClient]:
    async with realm_admin_console(realm) as http:
        yield http


def _rows(page: httpx.Response, label: str) -> list[str]:
    """The session ids of one table, by their sign-out buttons ("Revoke": offline, "Sign out": online)."""
    return re.findall(rf'aria-label="{label} fleet ([0-9a-f-]+)"', page.text)


async def _tab(admin: httpx.AsyncClient, fleet: Fleet, **params: str) -> httpx.Response:
    page = await admin.get(fleet.tab, params=params, headers=HTML)
    assert page.status_code == 200, page.text[:500]
    return page


async def test_the_offline_sessions_are_paged_oldest_first_with_their_totals(
    admin: httpx.AsyncClient, fleet: Fleet
) -> None:
    first = await _tab(admin, fleet, omax="10")
    assert _rows(first, "Revoke") == fleet.offline[:10] and "Offline sessions (1,501)" in first.text
    assert "Page 1 · 1–10 of 1,501" in first.text and "Sessions (11)" in first.text
    assert _rows(first, "Sign out") == fleet.online and "Pages of sessions" not in first.text  # 20 a page: one
    assert re.search(r'href="[^"]*first=0&amp;max=20&amp;ofirst=10&amp;omax=10">Next page', first.text)

    middle = await _tab(admin, fleet, ofirst="700", omax="100", first="10", max="10")
    assert _rows(middle, "Revoke") == fleet.offline[700:800] and "Page 8 · 701–800 of 1,501" in middle.text
    assert _rows(middle, "Sign out") == fleet.online[10:] and "Page 2 · 11–11 of 11" in middle.text
    options = re.findall(r'<option value="([0-9a-f-]+)">', middle.text)
    assert options == fleet.offline[700:800]  # "Remove all other devices" keeps one of the page's devices

    last = await _tab(admin, fleet, ofirst="1500", omax="10")
    assert _rows(last, "Revoke") == fleet.offline[1500:] and "Page 151 · 1,501–1,501 of 1,501" in last.text
    assert "Previous page" in last.text and 'ofirst=1490&amp;omax=10">Previous page' in last.text
    past = await _tab(admin, fleet, ofirst="5000", omax="10")  # past the end: the last page
    assert _rows(past, "Revoke") == fleet.offline[1500:] and "1,501–1,501 of 1,501" in past.text


async def test_a_session_added_between_two_reads_leaves_the_page_as_it_was(
    realm: Env, admin: httpx.AsyncClient, fleet: Fleet
) -> None:
    before = await _tab(admin, fleet, ofirst="20", omax="10")
    async with realm.db.transaction() as tx:
        app = await tx.clients.get_by_client_id(fleet.user.realm_id, "app")
        assert app is not None
        await add_sessions_in_bulk(tx, fleet.user, [app], [realm.clock.now()], offline=True)
    after = await _tab(admin, fleet, ofirst="20", omax="10")
    assert _rows(after, "Revoke") == _rows(before, "Revoke") == fleet.offline[20:30]
    assert "Offline sessions (1,502)" in after.text and "21–30 of 1,502" in after.text


@pytest.fixture
def statements(realm: Env, monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every statement the app sends."""
    with recording(realm.db, monkeypatch) as sent:
        yield sent


async def test_a_page_of_100_costs_the_statements_of_a_page_of_10(
    admin: httpx.AsyncClient, fleet: Fleet, statements: list[str]
) -> None:
    counts: dict[str, int] = {}
    for size in ("10", "100", "10", "100"):  # the first two warm what a first request loads once
        statements.clear()
        page = await _tab(admin, fleet, first="0", max=size, ofirst="300", omax=size)
        assert len(_rows(page, "Revoke")) == int(size) and len(_rows(page, "Sign out")) == min(int(size), ONLINE)
        counts[size] = len(statements)
        tables = [sql for sql in statements if "user_sessions" in sql]
        assert len(tables) == 6, tables  # per table: its count, its page, the page's client sessions
    assert counts["10"] == counts["100"], counts


BAD_PAGING = [
    ({"ofirst": "-5", "omax": "10"}, "Page 1 · 1–10 of 1,501"),
    ({"ofirst": "abc", "omax": "1000000"}, "Page 1 · 1–20 of 1,501"),  # not a page size: the default
    ({"ofirst": "99999999999999999999", "omax": "-10"}, "Page 1 · 1–20 of 1,501"),
    ({"ofirst": "1e3", "omax": "10.0"}, "Page 1 · 1–20 of 1,501"),
    ({"ofirst": "9999999", "omax": "50"}, "Page 31 · 1,501–1,501 of 1,501"),  # past the end: the last page
    ({"ofirst": "\u0661\u0662", "first": "\x00", "max": "\u0661\u0660"}, "Page 1 · 1–20 of 1,501"),
]


async def test_bad_paging_values_are_clamped_never_an_error(admin: httpx.AsyncClient, fleet: Fleet) -> None:
    for params, shown in BAD_PAGING:
        page = await _tab(admin, fleet, **params)
        assert shown in page.text and "Sessions (11)" in page.text, params


async def test_an_administrator_who_may_only_view_users_sees_no_sign_out_buttons(realm: Env, fleet: Fleet) -> None:
    await make_admin(realm, "test", "viewer", "view-users")
    async with client_at(realm, "127.0.0.3") as http:
        await sign_in(http, "viewer")
        page = await http.get(fleet.tab, params={"ofirst": "20", "omax": "10"}, headers=HTML)
    assert page.status_code == 200 and "21–30 of 1,501" in page.text
    assert not re.search(r"/sessions/[^/]+/sign-out", page.text) and f"{fleet.user.id}/sign-out" not in page.text
    assert "Remove all other devices" not in page.text
    assert not _rows(page, "Revoke") and "device 25" in page.text  # the rows, without their buttons


async def test_signing_out_from_page_3_comes_back_to_page_3(admin: httpx.AsyncClient, fleet: Fleet) -> None:
    page = await _tab(admin, fleet, ofirst="20", omax="10")
    gone = fleet.offline[20]
    action = re.search(rf'<form method="post" action="([^"]+/sessions/{gone}/sign-out)"', page.text)
    assert action
    fields = {k: html.unescape(v) for k, v in form_fields(page.text[action.start() :]).items()}
    confirm = await post(admin, action.group(1), page, offline="true", back=fields["back"])
    assert confirm.status_code == 200 and "End this offline session" in confirm.text
    done = await post(admin, action.group(1), confirm, offline="true", back=fields["back"], confirmed="yes")
    assert done.status_code == 303, done.text[:300]
    assert done.headers["location"].endswith(f"/users/{fleet.user.id}/sessions?first=0&max=20&ofirst=20&omax=10")
    back = await admin.get(done.headers["location"], headers=HTML)
    assert "Offline session of fleet ended." in back.text and "Page 3 · 21–30 of 1,500" in back.text
    assert _rows(back, "Revoke") == fleet.offline[21:31]


async def test_signing_out_the_last_row_of_the_last_page_comes_back_to_the_page_left(
    admin: httpx.AsyncClient, fleet: Fleet
) -> None:
    page = await _tab(admin, fleet, first="10", max="10")
    assert _rows(page, "Sign out") == fleet.online[10:]
    action = f"/admin/test/console/test/sessions/{fleet.online[10]}/sign-out"
    back = f"/test/users/{fleet.user.id}/sessions?first=10&max=10&ofirst=0&omax=20"
    assert f'value="{html.escape(back)}"' in page.text
    done = await post(admin, action, page, offline="false", back=back, confirmed="yes")
    assert done.status_code == 303 and done.headers["location"].endswith(back)
    left = await admin.get(done.headers["location"], headers=HTML)
    assert "Session of fleet ended." in left.text and "Sessions (10)" in left.text
    assert _rows(left, "Sign out") == fleet.online[:10] and "Next page" not in left.text.split('id="offline"')[0]


@pytest.mark.parametrize(
    "back",
    [
        "https://evil.example/x",
        "//evil.example/test/users",
        "/test/users/x/sessions?first=0&next=//evil.example",
        "/other/users",
        "/test/..\\evil",
        "/test//evil.example",
        "/test/users\r\nLocation: https://evil.example",
    ],
)
async def test_a_sign_out_s_return_address_stays_in_the_realm_s_console(
    admin: httpx.AsyncClient, fleet: Fleet, back: str
) -> None:
    """The paged return address comes back from the form: any other target is the realm's sessions page, or at
    least a path inside this realm's console, never another origin."""
    page = await _tab(admin, fleet)
    action = f"/admin/test/console/test/sessions/{fleet.online[0]}/sign-out"
    done = await post(admin, action, page, offline="false", back=back, confirmed="yes")
    assert done.status_code == 303, done.text[:300]
    location = done.headers["location"]
    assert location.startswith("/admin/test/console/test/") or location.startswith(
        "http://localhost/admin/test/console/test/"
    ), location
    assert "\r" not in location and "\n" not in location and "evil.example/" not in location.split("?")[0]
