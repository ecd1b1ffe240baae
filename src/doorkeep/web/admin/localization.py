"""Admin REST: ``/admin/realms/{realm}/localization`` (Keycloak's RealmLocalizationResource), the realm's own
localization texts (realms/localization.py).

Reading the locales or one text needs any admin role in the realm (``requireAnyAdminRole``), as does reading a
locale's texts (``isAdmin``); every write needs manage-realm. One text is read and written as ``text/plain``, a
locale's texts as a JSON object of strings, or as the ``file`` part of a ``multipart/form-data`` upload holding
one. Keycloak's resource records no admin event (admin_event_rules.UNRECORDED). Unknown texts and locales are
Keycloak's 404s: "Localization text not found", "No localization texts for locale X found.".
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.errors import AdminError
from doorkeep.numbers import loads
from doorkeep.realms import localization as loc
from doorkeep.web import multipart
from doorkeep.web.admin.auth import FORBIDDEN
from doorkeep.web.admin.common import MISMATCHED_INPUT, RealmCall, no_content, not_found, ok, query_bool, run_realm
from doorkeep.web.http import UNSUPPORTED_MEDIA_TYPE, BodyTooLarge, read_body, read_json

BASE = "/{realm}/localization"
TEXT_NOT_FOUND = "Localization text not found"
TOO_LARGE = AdminError(413, "Request entity too large", key="error")
BAD_FILE = AdminError(400, "Could not read file.", key="error")
NO_FILE = AdminError(400, "HTTP 400 Bad Request", key="error")  # a bare BadRequestException


def _any_admin_role(call: RealmCall) -> None:
    """requireAnyAdminRole: some realm-management role here (or master's admin)."""
    if not call.identity.administers(call.realm):
        raise FORBIDDEN


def _media(request: Request) -> str:
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _as_texts(value: Any) -> dict[str, str] | None:
    """A ``Map<String, String>`` as Jackson binds it: scalars become their text, nulls are left out; None for
    anything else."""
    if not isinstance(value, dict):
        return None
    out: dict[str, str] = {}
    for key, each in value.items():
        if isinstance(each, bool):
            out[key] = "true" if each else "false"
        elif isinstance(each, (str, int, float)):
            out[key] = str(each)
        elif each is not None:
            return None
    return out


async def _posted_texts(request: Request) -> dict[str, str]:
    """The texts of a POST: a JSON object, or the JSON file of a multipart upload."""
    if _media(request) == "multipart/form-data":
        try:
            parts = await multipart.read_parts(request)
        except BodyTooLarge:
            raise TOO_LARGE from None
        except multipart.Malformed:
            raise NO_FILE from None
        if "file" not in parts:
            raise NO_FILE
        try:
            found = _as_texts(loads(parts["file"]))
        except (UnicodeDecodeError, ValueError):
            found = None
        if found is None:
            raise BAD_FILE
        return found
    found = _as_texts(await read_json(request))  # 415 for a body neither JSON nor multipart
    if found is None:
        raise MISMATCHED_INPUT
    return found


async def locales(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        _any_admin_role(call)
        return ok(loc.locales(call.realm))

    return await run_realm(request, work, write=False)


async def texts(request: Request) -> Response:
    fallback = query_bool(request, "useRealmDefaultLocaleFallback", False)

    async def work(call: RealmCall) -> Response:
        _any_admin_role(call)
        return ok(loc.texts(call.realm, request.path_params["locale"], default_locale_fallback=fallback))

    return await run_realm(request, work, write=False)


async def one_text(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        _any_admin_role(call)
        found = loc.text(call.realm, request.path_params["locale"], request.path_params["key"])
        if found is None:
            raise not_found(TEXT_NOT_FOUND)
        return Response(found, media_type="text/plain;charset=UTF-8")

    return await run_realm(request, work, write=False)


async def save_text(request: Request) -> Response:
    """saveRealmLocalizationText: the body, as ``text/plain``, is the text."""

    async def work(call: RealmCall) -> Response:
        call.require("manage-realm")
        if _media(request) not in ("", "text/plain"):
            raise UNSUPPORTED_MEDIA_TYPE
        try:
            value = (await read_body(request)).decode("utf-8", errors="replace")
        except BodyTooLarge:
            raise TOO_LARGE from None
        params = request.path_params
        await call.tx.realms.update(loc.saved(call.realm, params["locale"], params["key"], value))
        return no_content()

    return await run_realm(request, work)


async def merge_texts(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("manage-realm")
        new = await _posted_texts(request)
        await call.tx.realms.update(loc.merged(call.realm, request.path_params["locale"], new))
        return no_content()

    return await run_realm(request, work)


async def delete_locale(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("manage-realm")
        locale = request.path_params["locale"]
        changed = loc.without_locale(call.realm, locale)
        if changed is None:
            raise not_found(f"No localization texts for locale {locale} found.")
        await call.tx.realms.update(changed)
        return no_content()

    return await run_realm(request, work)


async def delete_text(request: Request) -> Response:
    async def work(call: RealmCall) -> Response:
        call.require("manage-realm")
        changed = loc.without_text(call.realm, request.path_params["locale"], request.path_params["key"])
        if changed is None:
            raise not_found(TEXT_NOT_FOUND)
        await call.tx.realms.update(changed)
        return no_content()

    return await run_realm(request, work)


ROUTES = [
    Route(BASE, locales, methods=["GET"]),
    Route(BASE + "/{locale}", texts, methods=["GET"]),
    Route(BASE + "/{locale}", merge_texts, methods=["POST"]),
    Route(BASE + "/{locale}", delete_locale, methods=["DELETE"]),
    Route(BASE + "/{locale}/{key}", one_text, methods=["GET"]),
    Route(BASE + "/{locale}/{key}", save_text, methods=["PUT"]),
    Route(BASE + "/{locale}/{key}", delete_text, methods=["DELETE"]),
]
