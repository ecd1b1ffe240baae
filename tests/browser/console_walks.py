"""The two console walks the accessibility and phone-layout modules share: the master administrator's crawl of the
realm's Admin Console and a user's crawl of the Account Console, each with a given crawler class."""

from __future__ import annotations

from console_crawl_support import PASSWORD, REALM, Crawler, log_in, report, unlinked_pages
from playwright.sync_api import Page

from doorkeep.web.admin_console.routes import routes as admin_routes
from doorkeep.web.console.account import ROUTES as ACCOUNT_ROUTES
from interop.server import ADMIN_PASSWORD, ADMIN_USERNAME


def crawl_admin_console(page: Page, server: str, crawler: type[Crawler]) -> Crawler:
    """The master administrator's crawl of the realm's Admin Console, from the realm list on."""
    base = f"{server}/admin/master/console"
    log_in(page, f"{base}/", ADMIN_USERNAME, ADMIN_PASSWORD, r".*/admin/master/console/.*")
    inside = f"{base}/{REALM}"
    walker = crawler(page, admin_routes(), inside)
    walker.crawl([f"{base}/", f"{inside}/"], always=unlinked_pages(server, inside))
    assert not report(walker.visits), "\n".join(report(walker.visits))
    return walker


def crawl_account_console(page: Page, server: str, crawler: type[Crawler]) -> Crawler:
    """A user's crawl of the Account Console."""
    base = f"{server}/realms/{REALM}/account"
    log_in(page, f"{base}/", "crawler01", PASSWORD, rf".*/realms/{REALM}/account/.*")
    walker = crawler(page, ACCOUNT_ROUTES, base)
    walker.crawl([f"{base}/"])
    assert not report(walker.visits), "\n".join(report(walker.visits))
    return walker
