"""``GET /admin/openapi.json`` (the generated document) and ``GET /admin/openapi`` (Swagger UI).

Swagger UI's files come from the pinned ``swagger-ui-bundle-v2`` wheel and are served by Doorkeep
itself (no CDN); the page loads its start-up script from a file, so the strict CSP holds.
"""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from swagger_ui_bundle import swagger_ui_path

from doorkeep.admin.openapi import document
from doorkeep.web.account import UNROUTED
from doorkeep.web.http import base_url

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Doorkeep Admin and Account REST APIs</title>
<link rel="stylesheet" href="openapi/assets/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="openapi/assets/swagger-ui-bundle.js"></script>
<script src="openapi/start.js"></script></body></html>
"""
START = 'window.ui = SwaggerUIBundle({url: "openapi.json", dom_id: "#swagger-ui", deepLinking: true});\n'


# The modules whose routes are the two REST APIs (the consoles' HTML pages share their URL space).
REST_MODULES = ("doorkeep.web.admin.", "doorkeep.web.account")


def rest_routes(routes: list[BaseRoute]) -> list[tuple[str, frozenset[str]]]:
    """``(path, methods)`` of the routes served by the Admin and Account REST handlers."""
    return [
        (r.path, frozenset(r.methods or ()))
        for r in routes
        if isinstance(r, Route)
        and getattr(r.endpoint, "__module__", "").startswith(REST_MODULES)
        and r.name != UNROUTED  # the 404/405 for paths no resource serves is not an operation
    ]


def _routes(request: Request) -> list[tuple[str, frozenset[str]]]:
    return rest_routes(request.app.routes)


async def openapi_json(request: Request) -> Response:
    return JSONResponse(document(_routes(request), base_url(request)))


async def openapi_page(request: Request) -> Response:
    return HTMLResponse(PAGE)


async def start_script(request: Request) -> Response:
    return PlainTextResponse(START, media_type="text/javascript")


ROUTES: list[BaseRoute] = [
    Route("/admin/openapi.json", openapi_json, methods=["GET"]),
    Route("/admin/openapi", openapi_page, methods=["GET"]),
    Route("/admin/openapi/start.js", start_script, methods=["GET"]),
    Mount("/admin/openapi/assets", app=StaticFiles(directory=Path(str(swagger_ui_path))), name="openapi-assets"),
]
