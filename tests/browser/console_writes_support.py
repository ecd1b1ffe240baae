"""Pressing the consoles' buttons in Chromium: the realm, the Admin REST reads, and a watch on each write.

The realm is the console crawl's (``console_crawl_support.crawl_realm``) with a third limited administrator who
holds only ``manage-users``. ``Watched`` opens a page with the crawl's detectors on (uncaught script errors,
``console.error``, failed or refused sub-requests) and keeps recording through the clicks that follow, so a
write is judged by everything the browser met from the form to the page it lands on.
"""

from __future__ import annotations

from typing import Any

import requests
from console_crawl_support import REALM, Crawler, Visit, admin_headers, crawl_realm, user
from playwright.sync_api import Page

from doorkeep.web.admin_console.routes import routes as admin_routes

USER_MANAGER = "user-manager"
ADMIN_ROUTES = admin_routes()


def writes_realm() -> dict[str, Any]:
    """The crawl's realm and a manage-users-only administrator."""
    realm = crawl_realm()
    realm["users"].append(user(USER_MANAGER, management=["manage-users"]))
    return realm


class Rest:
    """The master administrator's Admin REST calls on the realm."""

    def __init__(self, server: str) -> None:
        self.server = server
        self.base = f"{server}/admin/realms/{REALM}"

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return requests.request(method, self.base + path, headers=admin_headers(self.server), timeout=10, **kwargs)

    def get(self, path: str, **params: str) -> Any:
        answer = self.call("GET", path, params=params)
        assert answer.status_code == 200, f"GET {path}: {answer.status_code} {answer.text}"
        return answer.json()

    def client(self, client_id: str) -> dict[str, Any]:
        found = self.get("/clients", clientId=client_id)
        assert len(found) == 1, found
        return dict(found[0])

    def user(self, username: str) -> dict[str, Any]:
        found = self.get("/users", username=username, exact="true")
        assert len(found) == 1, found
        return dict(self.get(f"/users/{found[0]['id']}"))


class Watched:
    """A console page opened with the crawl's detectors, which keep recording until the next ``open``."""

    def __init__(self, page: Page, inside: str) -> None:
        self.page = page
        self.crawler = Crawler(page, ADMIN_ROUTES, inside)
        self.visit: Visit | None = None

    def open(self, url: str) -> Visit:
        self.visit = self.crawler.visit(url)
        assert self.visit.status == 200, f"{url}: answered {self.visit.status} {self.visit.alert}"
        return self.visit

    def problems(self) -> list[str]:
        return list(self.visit.problems) if self.visit is not None else []

    def submit(self, button: str, *, form: str = "form.card") -> None:
        """Press the ``button`` of the first ``form`` and wait for the page the post lands on."""
        with self.page.expect_navigation():
            self.page.locator(form).first.get_by_role("button", name=button, exact=True).click()

    def confirm(self, button: str) -> None:
        """Press the confirm step's button."""
        with self.page.expect_navigation():
            self.page.locator("section.confirm").get_by_role("button", name=button, exact=True).click()

    def succeeded(self, flash: str) -> None:
        """The page shows the success message ``flash``, no error banner, and nothing went wrong on the way."""
        shown = self.page.locator(".flash.success[role=status]")
        assert shown.count() == 1 and flash in shown.inner_text(), (
            f"{self.page.url}: no success message {flash!r}; alerts: {self.alerts()}"
        )
        assert not self.alerts(), f"{self.page.url}: error banners {self.alerts()}"
        assert not self.problems(), "\n".join(self.problems())

    def alerts(self) -> list[str]:
        return [t.strip() for t in self.page.locator("[role=alert]").all_inner_texts()]

    def field_error(self, name: str) -> str:
        """The message under the field ``name`` (``#e-<name>``), empty when none."""
        shown = self.page.locator(f"#e-{name}")
        return shown.inner_text().strip() if shown.count() else ""


def changed(before: dict[str, Any], after: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The top-level keys (and ``attributes`` keys, as ``attributes.<key>``) whose values differ."""
    out: dict[str, tuple[Any, Any]] = {}
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        if key == "attributes" and isinstance(old, dict) and isinstance(new, dict):
            out |= {f"attributes.{k}": v for k, v in changed(old, new).items()}
        elif old != new:
            out[key] = (old, new)
    return out


def csrf_token(page: Page) -> str:
    """The CSRF token of the page the browser shows (every console page carries one in its sign-out form)."""
    token = page.locator("input[name=csrf_token]").first.get_attribute("value")
    assert token, f"{page.url}: no CSRF token on the page"
    return token
