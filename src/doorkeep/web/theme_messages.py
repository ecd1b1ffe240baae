"""``GET /resources/{realm}/{themeType}/{locale}``: a theme's effective messages (Keycloak's
ThemeResource.getLocalizationTexts, which the admin client calls ``findEffectiveMessageBundles``).

No authentication, readable from any origin (``Cors.allowAllOrigins().auth()``). An unknown realm or a
theme type that is not one of Theme.Type's answers a bare 404. The answer is a list of ``{"key", "value"}``:
Theme.getEnhancedMessages, the texts of the locale's chain (``de-CH``, ``de``, then English, LocaleUtil's
parents) from the most general to the most specific, at each step the theme's catalog and then the realm's own
localization texts (realms/localization.py). With ``?source=true`` it is the theme's texts marked ``"source":
"THEME"`` followed by the realm's of each locale of the chain marked ``"REALM"``, a key given twice when both
have it, as Keycloak's set of KeySource does. Doorkeep's only catalogs are its login pages' (console/messages),
so only the ``login`` type has theme texts; every type has the realm's. ``?theme=`` names a theme, and Doorkeep
has one.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.console import i18n
from doorkeep.model import Realm
from doorkeep.realms import localization as loc
from doorkeep.web import cors, protocol
from doorkeep.web.http import json_response

THEME_TYPES = frozenset({"login", "account", "admin", "email", "welcome", "common"})  # Theme.Type, any case


def messages(theme_type: str, locale: str) -> dict[str, str]:
    """The theme's own texts of one theme type in one locale."""
    if theme_type != "login":
        return {}
    return {**i18n.CATALOGS["en"], **i18n.catalog(locale)}


def effective(theme_type: str, realm: Realm, locale: str) -> dict[str, str]:
    """Theme.getEnhancedMessages: along the chain from English up, each step's theme texts, then the realm's."""
    out: dict[str, str] = {}
    for step in reversed(loc.chain(locale)):
        if theme_type == "login" and step in i18n.CATALOGS:
            out.update(i18n.CATALOGS[step])
        out.update(loc.texts(realm, step))
    return out


def sourced(theme_type: str, realm: Realm, locale: str) -> list[dict[str, str]]:
    """``?source=true``: the theme's texts, then the realm's of each step of the chain, each marked."""
    listed = [{"key": k, "value": v, "source": "THEME"} for k, v in messages(theme_type, locale).items()]
    for step in loc.chain(locale):
        listed += [{"key": k, "value": v, "source": "REALM"} for k, v in loc.texts(realm, step).items()]
    return listed


async def localization_texts(request: Request) -> Response:
    theme_type = request.path_params["theme_type"].lower()
    realm = await protocol.realm_named(request) if theme_type in THEME_TYPES else None
    if realm is None:
        return Response(status_code=404)
    locale = request.path_params["locale"]
    if request.query_params.get("source", "").lower() == "true":  # JAX-RS's boolean: "true" only
        listed = sourced(theme_type, realm, locale)
    else:
        listed = [{"key": k, "value": v} for k, v in effective(theme_type, realm, locale).items()]
    return cors.allow_all_origins(request, json_response(listed))


async def localization_preflight(request: Request) -> Response:
    """ThemeResource.localizationTextPreflight: ``Cors.preflight().auth()``, naming no methods."""
    return cors.preflight_response(request, cors.DEFAULT_METHODS)


PATH = "/resources/{realm}/{theme_type}/{locale}"
ROUTES = [
    Route(PATH, localization_texts, methods=["GET"]),
    Route(PATH, localization_preflight, methods=["OPTIONS"]),
]
