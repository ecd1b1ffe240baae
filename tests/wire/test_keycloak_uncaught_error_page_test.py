"""Keycloak's UncaughtErrorPageTest (testsuite/integration-arquillian/tests/base/.../error/UncaughtErrorPageTest.java)
over HTTP: what KeycloakErrorHandler answers when a request finds no resource, no realm, a body it cannot bind, or
an uncaught error. A browser (an Accept header naming ``text/html``) gets error.ftl, "Page not found" for a 404 and
"An internal server error has occurred" otherwise, with the realm's browser security headers; a REST client gets
JSON; neither ever sees a trace or a class name.

Keycloak's testing endpoint ``/realms/master/testing/uncaught-error`` (a resource that throws) is a route of the
same kind added to this module's app. Selenium's navigations are GETs with Chromium's Accept header (``BROWSER``);
``errorPage.getError()`` is the page's ``kc-error-message``. The test realms are none: master only, as in the
Java class. Every Java @Test method is ported. The tests after ``test_json_processing_exception`` are not in
the Java class: a REST client's JSON for the same requests, a wrong method, a body of another media type or
over the size limit, and a body that is not UTF-8.
"""

from __future__ import annotations

import html
import re
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

import group_port
from keycloak_port import admin_headers
from wire_env import Env

pytestmark = pytest.mark.anyio
anyio_backend, shared_env, env = group_port.anyio_backend, group_port.shared_env, group_port.env
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
UNCAUGHT = "/realms/master/testing/uncaught-error"
PAGE_NOT_FOUND = "Page not found"
SERVER_ERROR = "An internal server error has occurred"
# BrowserSecurityHeaders' defaults (its contentSecurityPolicyReportOnly default is empty: no header).
SECURITY_HEADERS = {
    "X-Frame-Options": "SAMEORIGIN",
    "Content-Security-Policy": "frame-src 'self'; frame-ancestors 'self'; object-src 'none';",
    "X-Content-Type-Options": "nosniff",
    "X-Robots-Tag": "none",
    "Strict-Transport-Security": "max-age=31536000; includeSubDomains",
    "Referrer-Policy": "no-referrer",
}
SECRET_DETAIL = "s3cret detail of an uncaught error"


async def _uncaught(request: Request) -> Response:
    raise RuntimeError(SECRET_DETAIL)  # TestingResourceProvider.uncaughtError


@pytest.fixture
async def kc(env: Env) -> AsyncIterator[Env]:
    """The module's app with Keycloak's testing resource that throws; master as Keycloak bootstraps it."""
    app = env.apps[0]
    if not any(getattr(route, "path", None) == UNCAUGHT for route in app.router.routes):
        app.router.routes.insert(0, Route(UNCAUGHT, _uncaught, methods=["GET"]))
    env.http.cookies.clear()
    yield env


def error_message(response: httpx.Response) -> str:
    """``errorPage.getError()``: error.ftl's message, as a browser shows it."""
    assert response.headers["content-type"] == "text/html; charset=utf-8", response.headers
    found = re.search(r'<p id="kc-error-message" class="error">(.*?)</p>', response.text, re.S)
    assert found is not None, response.text
    return html.unescape(found.group(1))


async def browse(kc: Env, url: str) -> httpx.Response:
    return await kc.http.get(url, headers={"Accept": BROWSER})


async def check_page_not_found(kc: Env, path: str) -> httpx.Response:
    """``checkPageNotFound``: the browser opens ``path`` and is shown "Page not found" (a 404)."""
    page = await browse(kc, path)
    assert page.status_code == 404, (path, page.status_code)
    assert error_message(page) == PAGE_NOT_FOUND, path
    return page


def assert_clean(response: httpx.Response) -> None:
    """No trace, no exception class, no exception message."""
    for leak in ("Traceback", "RuntimeError", SECRET_DETAIL, "Exception", 'File "'):
        assert leak not in response.text, (leak, response.text)


async def _set_master_locales(kc: Env, enabled: bool, supported: list[str]) -> None:
    rep = {"internationalizationEnabled": enabled, "defaultLocale": "en", "supportedLocales": supported}
    response = await kc.http.put("/admin/realms/master", json=rep, headers=await admin_headers(kc))
    assert response.status_code == 204, response.text


async def _post_json(kc: Env, path: str, body: str, *, admin: bool = True) -> httpx.Response:
    headers = {"Content-Type": "application/json", **(await admin_headers(kc) if admin else {})}
    return await kc.http.post(path, content=body, headers=headers)


def assert_oauth2_error(response: httpx.Response, error: str) -> dict[str, Any]:
    """The body read as an OAuth2ErrorRepresentation, its ``error`` checked and its description present."""
    assert response.status_code == 400, (response.status_code, response.text)
    body: dict[str, Any] = response.json()
    assert body["error"] == error, body
    assert body.get("error_description"), f"found error with {body['error']}/{body.get('error_description')}"
    return body


async def test_invalid_resource(kc: Env) -> None:
    """UncaughtErrorPageTest.invalidResource: a path outside every realm."""
    await check_page_not_found(kc, "/nosuch")


async def test_invalid_realm(kc: Env) -> None:
    """UncaughtErrorPageTest.invalidRealm: a realm that does not exist."""
    await check_page_not_found(kc, "/realms/nosuch")


async def test_invalid_realm_resource(kc: Env) -> None:
    """UncaughtErrorPageTest.invalidRealmResource: a path no resource of an existing realm has."""
    await check_page_not_found(kc, "/realms/master/nosuch")


async def test_uncaught_error_json(kc: Env) -> None:
    """UncaughtErrorPageTest.uncaughtErrorJson: the testing client's proxy asks for the resource's
    ``text/html;charset=utf-8``, so it reads the page: a 500 saying only that an error occurred."""
    response = await kc.http.get(UNCAUGHT, headers={"Accept": "text/html;charset=utf-8"})
    assert response.status_code == 500
    assert SERVER_ERROR in response.text
    assert_clean(response)


async def test_uncaught_error_client_registration(kc: Env) -> None:
    """UncaughtErrorPageTest.uncaughtErrorClientRegistration: malformed JSON to client registration."""
    response = await _post_json(kc, "/realms/master/clients-registrations/openid-connect", "{ invalid : invalid }")
    assert_oauth2_error(response, "invalid_request")
    assert_clean(response)


async def test_uncaught_error_admin(kc: Env) -> None:
    """UncaughtErrorPageTest.uncaughtErrorAdmin: malformed JSON to the admin API's components."""
    response = await _post_json(kc, "/admin/realms/master/components", "{ invalid : invalid }")
    assert_oauth2_error(response, "invalid_request")
    assert_clean(response)


async def test_uncaught_error_admin_property_error(kc: Env) -> None:
    """UncaughtErrorPageTest.uncaughtErrorAdminPropertyError: a property ComponentRepresentation lacks, its name
    markup, is named in a JSON answer (never text/html, so the markup is not a page's)."""
    response = await _post_json(kc, "/admin/realms/master/components", '{"<img src=alert(1)>":1}')
    assert response.status_code == 400, response.text
    assert response.headers["content-type"].split(";")[0] == "application/json", response.headers
    assert 'Unrecognized field \\"<img src=alert(1)>\\"' in response.text, response.text
    components = await kc.http.get("/admin/realms/master/components", headers=await admin_headers(kc))
    assert "<img" not in components.text  # and nothing was created


async def test_uncaught_error(kc: Env) -> None:
    """UncaughtErrorPageTest.uncaughtError: a browser opening a resource that throws gets the error page."""
    page = await browse(kc, UNCAUGHT)
    assert page.status_code == 500
    assert error_message(page) == SERVER_ERROR
    assert_clean(page)


async def test_uncaught_error_headers(kc: Env) -> None:
    """UncaughtErrorPageTest.uncaughtErrorHeaders: the error page carries every browser security header with
    its default value, and none whose default is empty."""
    page = await kc.http.get(UNCAUGHT, headers={"Accept": "text/html;charset=utf-8"})
    assert page.status_code == 500
    for name, value in SECURITY_HEADERS.items():
        assert page.headers.get(name) == value, (name, page.headers)
    assert "Content-Security-Policy-Report-Only" not in page.headers


async def test_error_page_exception(kc: Env) -> None:
    """UncaughtErrorPageTest.errorPageException: a login for a client that does not exist."""
    params = {
        "client_id": "nosuch",
        "response_type": "code",
        "redirect_uri": "http://127.0.0.1:8180/auth/realms/master/app/auth",
    }
    page = await kc.http.get("/realms/master/protocol/openid-connect/auth", params=params, headers={"Accept": BROWSER})
    assert error_message(page) == "Client not found."


async def test_internationalisation_enabled(kc: Env) -> None:
    """UncaughtErrorPageTest.internationalisationEnabled: with internationalization on (English only), the
    pages of a realm's path and of a path outside every realm are still "Page not found"."""
    await _set_master_locales(kc, True, ["en"])
    try:
        await check_page_not_found(kc, "/realms/master/nosuch")
        await check_page_not_found(kc, "/nosuch")
    finally:
        await _set_master_locales(kc, False, ["en"])


async def test_switch_locale(kc: Env) -> None:
    """UncaughtErrorPageTest.switchLocale: with English and German offered, the page's language menu leads to
    the same page in German."""
    await _set_master_locales(kc, True, ["en", "de"])
    try:
        page = await check_page_not_found(kc, "/realms/master/nosuch")
        found = re.search(r'<a role="menuitem"[^>]*href="([^"]+)">Deutsch</a>', page.text)
        assert found is not None, page.text
        german = await browse(kc, html.unescape(found.group(1)))
        assert german.status_code == 404
        assert error_message(german) == "Seite nicht gefunden"
        assert '<html lang="de">' in german.text
    finally:
        await _set_master_locales(kc, False, ["en"])


async def test_json_processing_exception(kc: Env) -> None:
    """UncaughtErrorPageTest.jsonProcessingException: an array where a UserRepresentation is bound is Jackson's
    MismatchedInputException: 400 ``unknown_error``, exactly ``application/json``."""
    response = await _post_json(kc, "/admin/realms/master/users", "[]")
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.json()["error"] == "unknown_error"


async def test_a_rest_client_gets_json_for_what_a_browser_sees_as_pages(kc: Env) -> None:
    """Not in the Java class: the same requests without ``text/html`` in Accept (``*/*``, JSON) are JSON."""
    expected = {
        "/nosuch": (404, "Unable to find matching target resource method"),
        "/realms/nosuch": (404, "Realm does not exist"),
        "/realms/master/nosuch": (404, "Unable to find matching target resource method"),
        UNCAUGHT: (500, "unknown_error"),
    }
    for accept in ("*/*", "application/json"):
        for path, (status, error) in expected.items():
            response = await kc.http.get(path, headers={"Accept": accept})
            assert (response.status_code, response.json()["error"]) == (status, error), (accept, path)
            assert response.headers["content-type"] == "application/json"
            assert_clean(response)


async def test_a_wrong_method_from_a_browser_is_the_error_page_with_its_status(kc: Env) -> None:
    """Not in the Java class: a 405 goes through the same handler; its page names no status but 404's."""
    page = await kc.http.delete("/realms/master/protocol/openid-connect/certs", headers={"Accept": BROWSER})
    assert page.status_code == 405
    assert error_message(page) == SERVER_ERROR
    rest = await kc.http.delete("/realms/master/protocol/openid-connect/certs")
    assert rest.status_code == 405 and rest.json()["error"] == "HTTP 405 Method Not Allowed"


async def test_a_body_the_admin_api_cannot_consume_is_415(kc: Env) -> None:
    """Not in the Java class: ``@Consumes(APPLICATION_JSON)`` refuses a text body (NotSupportedException), and
    nothing is created."""
    headers = {**await admin_headers(kc), "Content-Type": "text/plain"}
    response = await kc.http.post("/admin/realms/master/users", content='{"username": "plain"}', headers=headers)
    assert response.status_code == 415, response.text
    assert response.json()["error"] == "HTTP 415 Unsupported Media Type"
    users = await kc.http.get("/admin/realms/master/users", params={"username": "plain"}, headers=headers)
    assert users.json() == []


async def test_too_large_and_malformed_bodies_are_client_errors(kc: Env) -> None:
    """Not in the Java class: a body over the server's limit is 413, bytes that are not UTF-8 a 400; JSON, no
    trace, from the admin API and the token endpoint alike (never a 500)."""
    admin = {**await admin_headers(kc), "Content-Type": "application/json"}
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    token = "/realms/master/protocol/openid-connect/token"
    answers = [
        await kc.http.post("/admin/realms/master/users", content=b'{"a":"' + b"x" * 70000 + b'"}', headers=admin),
        await kc.http.post(token, content=b"grant_type=" + b"x" * 70000, headers=form),
        await kc.http.post("/admin/realms/master/users", content=b"\xff\xfe", headers=admin),
        await kc.http.post(token, content=b"grant_type=%ff%fe", headers=form),
    ]
    assert [a.status_code for a in answers] == [413, 413, 400, 400], [a.text for a in answers]
    for answer in answers:
        assert answer.headers["content-type"] == "application/json"
        assert_clean(answer)
