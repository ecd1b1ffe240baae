"""A crawl of the Admin Console and the Account Console in headless Chromium, against one real server.

The realm (``console_crawl_support.crawl_realm``) holds users past one page, groups, roles, four kinds of client,
client scopes, an identity provider, an organization, online and offline sessions, login and admin events. The
master administrator opens every page of the realm's Admin Console that a link leads to (detail pages, their
tabs, create forms, the second page of each list), a user every page of the Account Console, and two limited
administrators what their roles show. Each page must open without an uncaught script error, a ``console.error``,
a failed or refused sub-request, an error banner or an empty body; every GET route of each console's router must
have been opened. A failure names each page's route and URL with what went wrong there.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import requests
from console_crawl_support import (
    CLIENT_MANAGER,
    PASSWORD,
    REALM,
    VIEWER,
    Crawler,
    Visit,
    admin_headers,
    crawl_server,
    log_in,
    page_templates,
    report,
    unlinked_pages,
    walk_list,
)
from playwright.sync_api import Browser, Page

from doorkeep.web.admin_console.routes import routes as admin_routes
from doorkeep.web.console.account import ROUTES as ACCOUNT_ROUTES
from interop.server import ADMIN_PASSWORD, ADMIN_USERNAME

pytestmark = [pytest.mark.browser, pytest.mark.interop]
ADMIN_ROUTES = admin_routes()


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with crawl_server(tmp_path_factory.mktemp("console-crawl")) as base:
        yield base


def unvisited(templates: set[str], visits: list[Visit]) -> list[str]:
    return sorted(templates - {v.template for v in visits})


@pytest.fixture(scope="module")
def master_visits(server: str, browser: Browser) -> list[Visit]:
    """The master administrator's crawl of the realm's Admin Console, from the realm list on."""
    context = browser.new_context(viewport={"width": 1200, "height": 800})
    try:
        page = context.new_page()
        base = f"{server}/admin/master/console"
        log_in(page, f"{base}/", ADMIN_USERNAME, ADMIN_PASSWORD, r".*/admin/master/console/.*")
        inside = f"{base}/{REALM}"
        visits = Crawler(page, ADMIN_ROUTES, inside).crawl(
            [f"{base}/", f"{inside}/"], always=unlinked_pages(server, inside)
        )
        return visits
    finally:
        context.close()


def test_every_admin_console_page_opens_cleanly_for_the_master_administrator(master_visits: list[Visit]) -> None:
    visits = master_visits
    assert not report(visits), "\n".join(report(visits))
    missing = unvisited(page_templates(ADMIN_ROUTES), visits)
    assert not missing, "no link leads to these Admin Console routes:\n" + "\n".join(missing)


def rest(server: str, path: str, **params: str) -> list[dict[str, Any]]:
    answer = requests.get(
        f"{server}/admin/realms/{REALM}{path}", params=params, headers=admin_headers(server), timeout=10
    )
    assert answer.status_code == 200, answer.text
    return list(answer.json())


def yes(value: object) -> str:
    return "Yes" if value else "No"


def client_type(c: dict[str, Any]) -> str:
    return "Bearer-only" if c.get("bearerOnly") else ("Public" if c.get("publicClient") else "Confidential")


def test_each_list_pages_through_every_row_once_with_the_rest_apis_values(server: str, page: Page) -> None:
    """Users, clients, events and admin events: every page of 20 followed to the end shows each row the Admin REST
    lists, none twice and none lost between pages, each column from the representation's own field; the realm's
    session lists add up to their tabs' counts."""
    base = f"{server}/admin/master/console"
    log_in(page, f"{base}/", ADMIN_USERNAME, ADMIN_PASSWORD, r".*/admin/master/console/.*")
    inside = f"{base}/{REALM}"
    users = rest(server, "/users", max="1000")
    events = rest(server, "/events", max="1000")
    admin_events = rest(server, "/admin-events", max="1000")
    expected: dict[str, tuple[tuple[str, ...], list[tuple[str, ...]]]] = {
        "/users": (
            ("Username", "E-mail", "Last name", "First name", "Enabled"),
            [
                (u["username"], u.get("email", ""), u.get("lastName", ""), u.get("firstName", ""), yes(u["enabled"]))
                for u in users
            ],
        ),
        "/clients": (
            ("Client ID", "Type", "Enabled"),
            [(c["clientId"], client_type(c), yes(c["enabled"])) for c in rest(server, "/clients")],
        ),
        "/events": (
            ("Type", "User", "Client", "Error"),
            [(e["type"], e.get("userId", ""), e.get("clientId", ""), e.get("error", "")) for e in events],
        ),
        "/events/admin-events": (
            ("Operation type", "Resource type", "Resource path", "User", "Client"),
            [
                (
                    e["operationType"],
                    e["resourceType"],
                    e["resourcePath"],
                    e["authDetails"]["userId"],
                    e["authDetails"]["clientId"],
                )
                for e in admin_events
            ],
        ),
    }
    for path, (columns, rows) in expected.items():
        pages = walk_list(page, inside + path, *columns)
        assert len(pages) > 1, f"{path}: {len(rows)} rows on one page"
        assert all(len(p) == 20 for p in pages[:-1]), f"{path}: pages of {[len(p) for p in pages]} rows"
        shown = sorted(row for rows_ in pages for row in rows_)
        assert shown == sorted(rows), f"{path}: the pages show {shown}, the Admin REST {sorted(rows)}"
    for query, label in (("", "Online"), ("?type=offline", "Offline")):
        page.goto(f"{inside}/sessions{query}")
        count = page.get_by_role("link", name=f"{label} (").inner_text()
        pages = walk_list(page, f"{inside}/sessions{query}", "User")
        assert count == f"{label} ({sum(len(rows_) for rows_ in pages)})", (
            f"{label} sessions: {count}, the pages {pages}"
        )


def test_every_account_console_page_opens_cleanly_for_a_user(server: str, page: Page) -> None:
    base = f"{server}/realms/{REALM}/account"
    log_in(page, f"{base}/", "crawler01", PASSWORD, rf".*/realms/{REALM}/account/.*")
    visits = Crawler(page, ACCOUNT_ROUTES, base).crawl([f"{base}/", base])  # without its slash: a redirect
    assert not report(visits), "\n".join(report(visits))
    missing = unvisited(page_templates(ACCOUNT_ROUTES), visits)
    assert not missing, "no link leads to these Account Console routes:\n" + "\n".join(missing)


@pytest.mark.parametrize("username", [VIEWER, CLIENT_MANAGER])
def test_a_limited_administrator_meets_pages_or_refusals_never_breakage(
    server: str, page: Page, master_visits: list[Visit], username: str
) -> None:
    """A page of each route the master administrator opened, opened by a limited one after a crawl of what their
    own console links to: each shows, or says it is refused (a 403 or 404 page with its reason)."""
    base = f"{server}/admin/{REALM}/console"
    log_in(page, f"{base}/", username, PASSWORD, rf".*/admin/{REALM}/console/.*")
    crawler = Crawler(page, ADMIN_ROUTES, f"{base}/{REALM}")
    visits = crawler.crawl([f"{base}/{REALM}/"])
    master = f"{server}/admin/master/console/{REALM}"
    one_of_each = {v.template: v.url for v in reversed(master_visits) if v.url.startswith(master)}
    opened = {v.template for v in visits}
    for template, url in one_of_each.items():
        if template not in opened:  # what their own links did not lead to: typed in, or an old bookmark
            crawler.visit(base + "/" + REALM + url[len(master) :])
    problems = report(crawler.visits, refused_ok=True)
    assert not problems, "\n".join(problems)
    assert len(visits) > 1, "the limited administrator's console links to nothing"
