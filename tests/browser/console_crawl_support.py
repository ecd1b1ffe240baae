"""The console crawl's realm and its crawler: a populated realm, and a walk over every page a console links to.

``crawl_realm`` is a realm file with a bit of everything the consoles show (users past one page, groups, roles,
confidential, public, bearer-only and service-account clients, an identity provider with a mapper, an
organization, two limited administrators); ``populate`` adds what only a running server makes (client scopes,
online and offline sessions, login events, admin events). ``Crawler`` opens pages in one Chromium page, follows
the links that stay inside one console, and records what went wrong on each: uncaught script errors,
``console.error`` messages, requests that failed or answered 400 or more, an error banner, a page with nothing
on it. ``Route`` templates come from the console's own router, so a page nobody links to shows as unvisited.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit, urlunsplit

import requests
from playwright.sync_api import ConsoleMessage, Page, Request, Response
from starlette.routing import BaseRoute, Route

from interop.server import ADMIN_PASSWORD, ADMIN_USERNAME, DoorkeepProcess

REALM = "crawl"
PASSWORD = "Crawl-Pass-1"
USERS = 25  # more than the console's 20 rows a page: the user list pages
FILLERS = 18  # with the realm's own clients, more than a page of clients
PER_TEMPLATE = 1  # links of one route template (and one set of query keys) followed at most
FLOW, PROFILE = "crawl-browser", "crawl-profile"
VIEWER, CLIENT_MANAGER = "limited-viewer", "client-manager"


def user(username: str, *, groups: Iterable[str] = (), management: Iterable[str] = ()) -> dict[str, Any]:
    """A user of the realm file with a password, names and an e-mail address."""
    out: dict[str, Any] = {
        "username": username,
        "enabled": True,
        "email": f"{username}@example.com",
        "emailVerified": True,
        "firstName": username.split("-")[0].capitalize(),
        "lastName": "Crawler",
        "credentials": [{"type": "password", "value": PASSWORD, "temporary": False}],
        "realmRoles": [f"default-roles-{REALM}", "crawl-reader"],
        "groups": list(groups),
    }
    if management:
        out["clientRoles"] = {"realm-management": list(management)}
    return out


def crawl_realm() -> dict[str, Any]:
    """The realm file of the crawl."""
    people = [user(f"crawler{n:02d}", groups=["/staff/ops"] if n % 2 else ["/staff"]) for n in range(1, USERS + 1)]
    people[0]["federatedIdentities"] = [{"identityProvider": "upstream", "userId": "up-1", "userName": "up-one"}]
    people += [
        user(VIEWER, management=["view-users", "query-clients"]),
        user(CLIENT_MANAGER, management=["manage-clients"]),
    ]
    redirect = ["http://localhost/callback"]
    clients: list[dict[str, Any]] = [
        {
            "clientId": "a-confidential",
            "secret": "confidential-secret",
            "directAccessGrantsEnabled": True,
            "redirectUris": redirect,
            "optionalClientScopes": ["offline_access"],
        },
        {"clientId": "a-public", "publicClient": True, "redirectUris": redirect, "directAccessGrantsEnabled": True},
        {"clientId": "a-bearer", "bearerOnly": True},
        {
            "clientId": "a-service",
            "secret": "service-secret",
            "serviceAccountsEnabled": True,
            "standardFlowEnabled": False,
        },
        *({"clientId": f"filler-{n:02d}", "publicClient": True, "redirectUris": redirect} for n in range(FILLERS)),
    ]
    return {
        "realm": REALM,
        "enabled": True,
        "eventsEnabled": True,
        "adminEventsEnabled": True,
        "adminEventsDetailsEnabled": True,
        "organizationsEnabled": True,
        "roles": {
            "realm": [
                {"name": "crawl-reader", "description": "Reads"},
                {"name": "crawl-writer", "composite": True, "composites": {"realm": ["crawl-reader"]}},
            ],
            "client": {"a-confidential": [{"name": "app-admin"}, {"name": "app-user"}]},
        },
        "groups": [{"name": "staff", "subGroups": [{"name": "ops", "realmRoles": ["crawl-writer"]}]}],
        "clients": clients,
        "identityProviders": [
            {
                "alias": "upstream",
                "providerId": "oidc",
                "enabled": True,
                "config": {
                    "clientId": "doorkeep",
                    "clientSecret": "upstream-secret",
                    "authorizationUrl": "http://127.0.0.1:9/auth",
                    "tokenUrl": "http://127.0.0.1:9/token",
                    "clientAuthMethod": "client_secret_post",
                },
            }
        ],
        "identityProviderMappers": [
            {
                "name": "department",
                "identityProviderAlias": "upstream",
                "identityProviderMapper": "hardcoded-attribute-idp-mapper",
                "config": {"attribute": "department", "attribute.value": "crawl", "syncMode": "INHERIT"},
            }
        ],
        "organizations": [
            {
                "name": "Crawl Org",
                "alias": "crawl-org",
                "enabled": True,
                "domains": [{"name": "crawl.example", "verified": False}],
                "members": [{"username": "crawler01", "membershipType": "UNMANAGED"}],
                "identityProviders": [{"alias": "upstream"}],
            }
        ],
        "users": people,
    }


def token(server: str, realm: str, form: dict[str, str]) -> dict[str, Any]:
    answer = requests.post(f"{server}/realms/{realm}/protocol/openid-connect/token", data=form, timeout=10)
    assert answer.status_code == 200, answer.text
    return dict(answer.json())


def admin_headers(server: str) -> dict[str, str]:
    """The master admin's bearer header (admin-cli, password grant)."""
    form = {"grant_type": "password", "client_id": "admin-cli", "username": ADMIN_USERNAME, "password": ADMIN_PASSWORD}
    return {"Authorization": f"Bearer {token(server, 'master', form)['access_token']}"}


def populate(server: str) -> None:
    """What a realm file cannot carry: client scopes, sessions, login events and admin events."""
    headers = admin_headers(server)
    rest = f"{server}/admin/realms/{REALM}"
    for n in range(USERS):  # admin events past one page: each a CREATE of a client scope
        scope = {"name": f"crawl-scope-{n:02d}", "protocol": "openid-connect"}
        answer = requests.post(f"{rest}/client-scopes", json=scope, headers=headers, timeout=10)
        assert answer.status_code == 201, answer.text
    copied = requests.post(
        f"{rest}/authentication/flows/browser/copy", json={"newName": FLOW}, headers=headers, timeout=10
    )
    assert copied.status_code == 201, copied.text  # a flow of the realm's own: edit, bind and add pages
    profile: dict[str, Any] = {
        "name": PROFILE,
        "executors": [{"executor": "pkce-enforcer", "configuration": {"auto-configure": "false"}}],
    }
    answer = requests.put(f"{rest}/client-policies/profiles", json={"profiles": [profile]}, headers=headers, timeout=10)
    assert answer.status_code == 204, answer.text
    policy: dict[str, Any] = {
        "name": "crawl-policy",
        "enabled": False,
        "conditions": [{"condition": "client-roles", "configuration": {"roles": ["app-admin"]}}],
        "profiles": [PROFILE],
    }
    answer = requests.put(f"{rest}/client-policies/policies", json={"policies": [policy]}, headers=headers, timeout=10)
    assert answer.status_code == 204, answer.text
    (organization,) = _listed(server, "/organizations")  # a role of the organization's own, held by its member
    made = requests.post(
        f"{rest}/organizations/{organization['id']}/roles", json={"name": "crawl-org-role"}, headers=headers, timeout=10
    )
    assert made.status_code == 201, made.text
    (crawler,) = _listed(server, "/users", username="crawler01", exact="true")
    held = requests.post(f"{made.headers['location']}/users", json=[{"id": crawler["id"]}], headers=headers, timeout=10)
    assert held.status_code == 204, held.text
    for n in range(1, USERS):  # online sessions (and LOGIN events) past one page
        password = {"grant_type": "password", "username": f"crawler{n:02d}", "password": PASSWORD}
        token(server, REALM, {**password, "client_id": "a-public"})
    offline = {
        "grant_type": "password",
        "username": "crawler01",
        "password": PASSWORD,
        "scope": "openid offline_access",
    }
    for _ in range(2):  # two offline sessions: the Account Console offers to keep only one
        token(server, REALM, {**offline, "client_id": "a-confidential", "client_secret": "confidential-secret"})
    token(
        server, REALM, {"grant_type": "client_credentials", "client_id": "a-service", "client_secret": "service-secret"}
    )
    wrong = {"grant_type": "password", "client_id": "a-public", "username": "crawler02", "password": "wrong"}
    answer = requests.post(f"{server}/realms/{REALM}/protocol/openid-connect/token", data=wrong, timeout=10)
    assert answer.status_code in (400, 401), answer.text  # a LOGIN_ERROR event


def _listed(server: str, path: str, **params: str) -> list[dict[str, Any]]:
    answer = requests.get(
        f"{server}/admin/realms/{REALM}{path}", params=params, headers=admin_headers(server), timeout=10
    )
    assert answer.status_code == 200, answer.text
    return list(answer.json())


def unlinked_pages(server: str, inside: str) -> list[str]:
    """Pages of the realm's Admin Console (``inside`` its URL) a crawl opens whatever its count: each kind of
    client's detail page, and routes no page links to (a user's and an organization's own URL redirect to their
    first tab; the realm's own flow has edit and add pages; a profile's "Add executor" form is a GET form)."""
    ids = {c["clientId"]: c["id"] for c in _listed(server, "/clients")}
    (crawler,) = _listed(server, "/users", username="crawler01", exact="true")
    (organization,) = _listed(server, "/organizations")
    flow = next(f for f in _listed(server, "/authentication/flows") if f["alias"] == FLOW)
    return [
        *(f"{inside}/clients/{ids[c]}" for c in ("a-confidential", "a-public", "a-bearer", "a-service")),
        f"{inside}/users/{crawler['id']}",
        f"{inside}/organizations/{organization['id']}",
        f"{inside}/authentication/flows/{flow['id']}",
        f"{inside}/realm-settings/client-policies/profiles/items/new?name={PROFILE}&type=pkce-enforcer",
    ]


@contextmanager
def crawl_server(work: Path, *others: dict[str, Any]) -> Iterator[str]:
    """A real server with the crawl realm (populated) and ``others`` imported, as ``http://localhost:PORT``,
    stopped after."""
    files = []
    for realm in (crawl_realm(), *others):
        files.append(work / f"{realm['realm']}-realm.json")
        files[-1].write_text(json.dumps(realm))
    process = DoorkeepProcess(work / "server", import_realms=files)
    process.start()
    try:
        base = f"http://localhost:{process.port}"
        populate(base)
        yield base
    finally:
        process.stop()


def log_in(page: Page, start: str, username: str, password: str, landing: str) -> None:
    """Open ``start`` and sign in through Doorkeep's login page (identity-first when the realm has
    organizations), until the browser is back on a URL matching ``landing``."""
    page.goto(start)
    page.wait_for_selector("#username", timeout=15000)
    page.fill("#username", username)
    if page.locator("#password").count() == 0:
        page.click("#kc-login")
        page.wait_for_selector("#password", timeout=15000)
    page.fill("#password", password)
    page.click("#kc-login")
    page.wait_for_url(re.compile(landing), timeout=30000)


@dataclass
class Visit:
    """One page opened: its URL, route template, document status and what went wrong on it."""

    url: str
    template: str
    status: int
    problems: list[str] = field(default_factory=list)
    alert: str = ""  # the text of an error banner ([role=alert]), empty when none
    empty: bool = False
    links: list[str] = field(default_factory=list)  # the page's links that stay inside the crawl


# Template or serialisation leaks in what a page says: a Python None, a JavaScript undefined or NaN, an object
# printed whole, an unrendered Jinja expression, a traceback.
LEAKS = re.compile(r"\b(?:None|undefined|NaN|null)\b|\[object Object\]|\{\{|\{%|Traceback")
# What a page shows, read in one round trip: its error banners, whether #main holds more than its heading, links.
SHOWN = """() => {
  const main = document.querySelector("#main");
  const heading = main ? main.querySelector("h1") : null;
  const body = main ? main.innerText.replace(heading ? heading.innerText : "", "").trim() : "";
  const shown = main ? main.cloneNode(true) : null;  // the text a reader sees: no form values, no JSON blocks
  if (shown) shown.querySelectorAll("select, textarea, pre, code, script").forEach((e) => e.remove());
  return {
    text: shown ? shown.textContent : "",
    alerts: [...document.querySelectorAll("[role=alert]")].map((e) => e.innerText.trim()),
    body: body.length > 0,
    links: [...document.querySelectorAll("a[href]")].map((a) => a.href),
  };
}"""


def _clean(href: str) -> str:
    parts = urlsplit(href)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))


def template_of(routes: Sequence[BaseRoute], path: str) -> str:
    """The path template of the first GET route matching ``path`` (Starlette's own order), or ``""``."""
    for route in routes:
        if isinstance(route, Route) and route.methods and "GET" in route.methods and route.path_regex.match(path):
            return route.path
    return ""


def page_templates(routes: Sequence[BaseRoute]) -> set[str]:
    """Every GET page template of a console but its sign-in callback and a slashless alias that only redirects to
    the slashed page (``/admin/{realm}/console``, AdminConsole.getMainPage's 302)."""
    gets = {r.path for r in routes if isinstance(r, Route) and r.methods and "GET" in r.methods}
    return {path for path in gets if not path.endswith("/callback") and path + "/" not in gets}


class Crawler:
    """Visits console pages in one Chromium page and records each page's problems."""

    def __init__(self, page: Page, routes: Sequence[BaseRoute], inside: str) -> None:
        self.page = page
        self.routes = routes
        self.inside = inside  # absolute URL prefix the crawl stays under
        self.visits: list[Visit] = []
        self._seen: set[str] = set()
        self._per_key: dict[tuple[str, frozenset[str]], int] = {}
        self._current: list[str] = []
        self._opening = ""
        page.on("pageerror", lambda err: self._current.append(f"uncaught error: {err}"))
        page.on("console", self._console)
        page.on("requestfailed", self._failed)
        page.on("response", self._response)

    def _console(self, message: ConsoleMessage) -> None:
        # The document's own status shows as "Failed to load resource" too: the visit judges that one itself.
        if message.type == "error" and message.location.get("url") not in (self._opening, self.page.url):
            self._current.append(f"console.error: {message.text}")

    def _failed(self, request: Request) -> None:
        self._current.append(f"request failed: {request.method} {request.url} ({request.failure})")

    def _response(self, response: Response) -> None:
        document = response.request.resource_type == "document"
        if response.status >= 400 and not document:  # no page expects one to fail
            self._current.append(f"{response.status} from {response.request.method} {response.url}")

    def visit(self, url: str) -> Visit:
        """Open ``url`` and record what the page shows and what went wrong."""
        self._current, self._opening = [], url
        self._seen.add(url)
        response = self.page.goto(url, wait_until="load")
        status = response.status if response is not None else 0
        visit = Visit(url, template_of(self.routes, urlsplit(url).path), status, self._current)
        shown: dict[str, Any] = self.page.evaluate(SHOWN)
        visit.alert = " / ".join(shown["alerts"])
        visit.empty = not shown["body"]
        visit.problems += [f"shows {m.group(0)!r}" for m in LEAKS.finditer(str(shown["text"]))]
        visit.links = [
            link for link in dict.fromkeys(_clean(href) for href in shown["links"]) if link.startswith(self.inside)
        ]
        self.visits.append(visit)
        return visit

    def crawl(self, seeds: Iterable[str], always: Iterable[str] = ()) -> list[Visit]:
        """Breadth-first from ``seeds``: every link inside the crawl, at most ``PER_TEMPLATE`` of a route
        template with one set of query keys (``always`` URLs are visited whatever the count)."""
        queue = [*seeds, *always]
        forced = set(always)
        while queue:
            url = queue.pop(0)
            if url in self._seen:
                continue
            parts = urlsplit(url)
            key = (template_of(self.routes, parts.path), frozenset(k for k, _ in parse_qsl(parts.query)))
            if url not in forced and self._per_key.get(key, 0) >= PER_TEMPLATE:
                continue
            self._per_key[key] = self._per_key.get(key, 0) + 1
            visit = self.visit(url)
            if visit.status < 400:
                queue.extend(link for link in visit.links if link not in self._seen)
        return self.visits


def report(visits: Iterable[Visit], *, refused_ok: bool = False) -> list[str]:
    """One line per page with a problem, naming its route and URL. With ``refused_ok`` a 403 or 404 page that
    says why (an error banner) is not a problem: a limited administrator meets those."""
    lines = []
    for v in visits:
        found = list(v.problems)
        refused = refused_ok and v.status in (403, 404) and v.alert
        if v.status >= 400 and not refused:
            found.append(f"answered {v.status}" + (f": {v.alert}" if v.alert else ""))
        elif v.alert and not refused:
            found.append(f"error banner: {v.alert}")
        if v.empty:
            found.append("the page shows nothing")
        if found:
            lines.append(f"{v.template or '(no route)'} at {v.url}: " + "; ".join(found))
    return lines


def walk_list(page: Page, url: str, *columns: str) -> list[list[tuple[str, ...]]]:
    """The ``columns`` cells of each row of each page of a list, following its "Next page" link to the end."""
    pages: list[list[tuple[str, ...]]] = []
    next_url: str | None = url
    while next_url is not None and len(pages) < 20:
        page.goto(next_url)
        rows: list[list[str]] = page.eval_on_selector_all(
            "tbody tr",
            "(rows, columns) => rows.map((row) => columns.map((c) =>"
            " (row.querySelector(`td[data-label='${c}']`) || {innerText: ''}).innerText.trim()))",
            list(columns),
        )
        pages.append([tuple(row) for row in rows])
        following = page.locator("nav.pager a", has_text="Next page")
        next_url = following.first.evaluate("(a) => a.href") if following.count() else None
    return pages
