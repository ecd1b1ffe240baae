"""Accessibility of every page in headless Chromium, against one real server.

axe-core (``axe_support``) audits each page of the realm's Admin Console the master administrator opens (the
console crawl's pages, this module) and, in ``test_accessibility_pages_in_chromium``, each page of the Account
Console a user opens and the sign-in, registration, reset, consent, authenticator app, error, logout and device
pages (``login_tour_support.tour``): a serious or critical violation fails, named with its page, rule and
elements. The three modules (the phone layout is ``test_phone_layout_in_chromium``) run on different test workers.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from axe_support import AuditingCrawler, blocking
from console_crawl_support import crawl_server
from console_walks import crawl_admin_console
from login_tour_support import doors_realm
from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.interop]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    with crawl_server(tmp_path_factory.mktemp("accessibility"), doors_realm()) as base:
        yield base


def test_every_admin_console_page_has_no_serious_accessibility_violation(server: str, page: Page) -> None:
    walker = crawl_admin_console(page, server, AuditingCrawler)
    assert isinstance(walker, AuditingCrawler)
    problems = blocking(walker.violations)
    assert not problems, f"{len(problems)} violations on {len(walker.visits)} pages:\n" + "\n".join(problems)
