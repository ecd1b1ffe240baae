"""``--hostname-debug``: ``GET /realms/{realm}/hostname-debug``, the page that shows which frontend, backchannel and
admin URLs a request gets and what they come from (the hostname and proxy options, the proxy headers the request
carried), and ``…/hostname-debug/test``, which the page's links (or a browser's script on another origin) call to
check each URL answers. Keycloak's DebugHostnameSettingsResource; without the option both paths are unknown (404).

The page is rendered outside any realm's context, as Keycloak's is: a realm's ``frontendUrl`` is shown beside the
URLs, not applied to them."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import quote

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from doorkeep import hostname
from doorkeep.console.templating import render
from doorkeep.web import not_found
from doorkeep.web.http import admin_url, backend_url, base_url, in_transaction, origin, proxy_trusted, state

if TYPE_CHECKING:
    from doorkeep.settings import Settings
    from doorkeep.store.tx import Tx

PATH = "hostname-debug"
X_FORWARDED = ("X-Forwarded-Host", "X-Forwarded-Proto", "X-Forwarded-Port", "X-Forwarded-For")
HEADERS = ("Host", "Forwarded", *X_FORWARDED)  # ConstantsDebugHostname.RELEVANT_HEADERS


def _options(settings: Settings) -> dict[str, str]:
    """ConstantsDebugHostname.RELEVANT_OPTIONS_V2, as this server runs with them."""
    values: dict[str, object] = {
        "hostname": settings.hostname,
        "hostname-admin": settings.hostname_admin,
        "hostname-backchannel-dynamic": settings.hostname_backchannel_dynamic,
        "hostname-strict": settings.hostname_strict,
        "proxy-headers": settings.proxy_headers,
        "http-enabled": settings.http_enabled,
        "http-relative-path": settings.http_relative_path,
        "http-port": settings.http_port,
    }
    return {
        key: str(value).lower() if isinstance(value, bool) else str(value)
        for key, value in values.items()
        if value is not None
    }


async def page(request: Request) -> Response:
    if not state(request).settings.hostname_debug:
        return await not_found.no_route(request, HTTPException(404))
    name = request.path_params["realm"]
    # worked out before the realm is read: reading it makes its frontendUrl the request's (web.http.adopt_realm)
    urls = {"frontend": base_url(request), "backchannel": backend_url(request), "admin": admin_url(request)}

    async def load(tx: Tx) -> dict[str, object] | None:
        realm = await tx.realms.get_by_name(name)
        return None if realm is None else dict(realm.attributes)

    attributes = await in_transaction(request, load, write=False)
    if attributes is None:
        return await not_found.no_route(request, HTTPException(404))
    tests = {kind: _test_url(url, name, kind == "frontend") for kind, url in urls.items()}
    settings = state(request).settings
    body = render(
        "login/hostname_debug.html",
        title="Hostname debug",
        realm=name,
        realm_url=hostname.realm_url_of(attributes),
        urls=urls,
        tests=tests,
        server_mode="dev [start-dev]" if settings.dev_mode else "production [start]",
        options=_options(settings),
        headers={h: request.headers[h] for h in sorted(HEADERS) if request.headers.get(h)},
    )
    return HTMLResponse(body)  # not a themed page: no Content-Language


def _test_url(base: str, realm: str, frontend: bool) -> str:
    return f"{base}/realms/{quote(realm, safe='')}/{PATH}/test?frontEnd={str(frontend).lower()}"


async def test(request: Request) -> Response:
    """ "OK", or for the frontend test what a browser will trip over; readable from any origin, as Keycloak's."""
    if not state(request).settings.hostname_debug:
        return await not_found.no_route(request, HTTPException(404))
    text = "OK"
    if request.query_params.get("frontEnd", "false").lower() == "true":
        sent = any(request.headers.get(h) for h in ("Forwarded", *X_FORWARDED))
        text = hostname.frontend_check(
            origin(request), base_url(request), proxy_trusted=proxy_trusted(request), proxy_headers_sent=sent
        )
    headers = {"Access-Control-Allow-Methods": "GET"}
    if request.headers.get("origin"):
        headers["Access-Control-Allow-Origin"] = request.headers["origin"]
    return PlainTextResponse(text, headers=headers)
