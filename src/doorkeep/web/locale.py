"""The login pages' language from the request: Keycloak's LocaleUtil.processLocaleParam, the
``KEYCLOAK_LOCALE`` cookie and the locale dropdown's links (policy in ``users.locale``)."""

from __future__ import annotations

from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.console.i18n import CATALOGS, Choice, Language, label
from doorkeep.model import Realm, User
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.realms import localization
from doorkeep.users import locale
from doorkeep.web import cookies
from doorkeep.web.http import base_url, browser_path


def requested(request: Request, realm: Realm) -> str | None:
    """``processLocaleParam``: the ``kc_locale`` query parameter, heeded only with internationalization on."""
    return locale.well_formed(request.query_params.get(locale.PARAM)) if realm.internationalization_enabled else None


def asked(
    request: Request, auth_request: AuthRequest | None = None, user: User | None = None, ui_locales: str | None = None
) -> locale.Asked:
    """Every source of the language this request has: the login's pick and ``ui_locales`` (or, with no login
    under way, the URL's ``kc_locale`` and the ``ui_locales`` given, as at logout), the user's attribute, the
    cookie and ``Accept-Language``."""
    pick = (
        auth_request.kc_locale
        if auth_request is not None
        else locale.well_formed(request.query_params.get(locale.PARAM))
    )
    return locale.Asked(
        requested=pick,
        user=locale.of_user(user),
        ui_locales=auth_request.ui_locales if auth_request is not None else ui_locales,
        cookie=request.cookies.get(locale.COOKIE),
        accept_language=request.headers.get("accept-language", ""),
    )


def switch_links(realm: Realm, target: str, query: dict[str, str]) -> tuple[Choice, ...]:
    """LocaleBean's dropdown: one link per supported locale, ``target`` with ``kc_locale`` replaced; shown only
    with internationalization on and more than one locale (template.ftl's condition)."""
    if not realm.internationalization_enabled or len(realm.supported_locales) < 2:
        return ()
    kept = {k: v for k, v in query.items() if k != locale.PARAM}
    return tuple(
        Choice(label(tag), f"{target}?{urlencode({**kept, locale.PARAM: tag})}") for tag in realm.supported_locales
    )


def language(
    request: Request,
    realm: Realm,
    *,
    auth_request: AuthRequest | None = None,
    user: User | None = None,
    switch_to: str | None = None,
    ui_locales: str | None = None,
    query: dict[str, str] | None = None,
) -> Language:
    """The page's language; ``switch_to`` is the GET URL the dropdown's links lead to (None: no dropdown), with
    ``query`` (else this request's query, when ``switch_to`` is this request's URL)."""
    tag = locale.resolve(realm, asked(request, auth_request, user, ui_locales))
    resources = browser_path(request, "/resources/console")
    overrides = localization.overrides(realm, tag, CATALOGS)
    if switch_to is None:
        return Language(tag, resources=resources, overrides=overrides)
    if query is None:
        query = dict(request.query_params) if switch_to == current_url(request) else {}
    return Language(tag, switch_links(realm, switch_to, query), resources, overrides)


def plain(request: Request) -> Language:
    """The language of a page drawn before any realm is known (the realm not found, the database unreachable):
    English, no dropdown, the stylesheet under the frontend URL's path (--http-relative-path)."""
    return Language(resources=browser_path(request, "/resources/console"))


def current_url(request: Request) -> str:
    """This request's URL without its query, on the server's public base URL."""
    return f"{base_url(request)}{request.url.path}"


def set_cookie(request: Request, realm: Realm, response: Response, value: str | None) -> None:
    """``updateLocaleCookie`` (a session cookie on the realm's path), or ``expireLocaleCookie`` for None."""
    if value is None:
        cookies.expire(request, response, realm, cookies.LOCALE)
    else:
        cookies.write(request, response, realm, cookies.LOCALE, value)
