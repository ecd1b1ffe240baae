"""``GET /resources/{realm}/{themeType}/{locale}``: a theme's effective messages (Keycloak's
ThemeResource.getLocalizationTexts, which the admin client calls ``findEffectiveMessageBundles``).

No authentication, readable from any origin (``Cors.allowAllOrigins().auth()``). An unknown realm or a
theme type that is not one of Theme.Type's answers a bare 404. The answer is a list of
``{"key", "value"}`` (``?source=true`` adds ``"source": "THEME"``): the locale's texts over the English
ones, as Keycloak's theme falls back along the locale's parents to English. Doorkeep's only catalogs are
its login pages' (console/messages), so the ``login`` type lists them and every other type lists none;
``?theme=`` names a theme, and Doorkeep has one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.console import i18n
from doorkeep.web import cors, protocol
from doorkeep.web.http import json_response

if TYPE_CHECKING:
    pass

THEME_TYPES = frozenset({"login", "account", "admin", "email", "welcome", "common"})  # Theme.Type, any case


def messages(theme_type: str, locale: str) -> dict[str, str]:
    """The effective texts of one theme type in one locale."""
    if theme_type != "login":
        return {}
    return {**i18n.CATALOGS["en"], **i18n.catalog(locale)}


async def localization_texts(request: Request) -> Response:
    theme_type = request.path_params["theme_type"].lower()
    if theme_type not in THEME_TYPES or await protocol.realm_named(request) is None:
        return Response(status_code=404)
    source = request.query_params.get("source", "").lower() == "true"  # JAX-RS's boolean: "true" only
    texts = messages(theme_type, request.path_params["locale"])
    listed = [{"key": k, "value": v, **({"source": "THEME"} if source else {})} for k, v in texts.items()]
    return cors.allow_all_origins(request, json_response(listed))


async def localization_preflight(request: Request) -> Response:
    """ThemeResource.localizationTextPreflight: ``Cors.preflight().auth()``, naming no methods."""
    return cors.preflight_response(request, cors.DEFAULT_METHODS)


PATH = "/resources/{realm}/{theme_type}/{locale}"
ROUTES = [
    Route(PATH, localization_texts, methods=["GET"]),
    Route(PATH, localization_preflight, methods=["OPTIONS"]),
]
