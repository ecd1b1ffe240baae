"""``GET /admin/{realm}/console/whoami``: who the admin console's user is and what they may administer.

Keycloak 26's AdminConsole.whoAmI, answered as JSON ahead of the server-rendered console that owns the
rest of ``/admin/{realm}/console/``. The bearer token must come from the console's realm (401 otherwise)
and be issued to ``security-admin-console`` or a client marked ``security.admin.console`` (403: since
Keycloak 25 the endpoint serves only admin consoles, so an ``admin-cli`` token is refused). The answer
names one realm's access: the path realm's ``realm-management`` roles the user holds, or, from the master
realm, the roles of master's ``{currentRealm}-realm`` client the user holds (addMasterRealmAccess; all of them for
master's ``admin``, whose role holds them); for ``currentRealm`` master itself that client is ``master-realm``, master's
own (doorkeep.realms.management). No access at all is a 403.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.errors import TOKEN_VERIFICATION_FAILED, AdminError
from doorkeep.model import Realm, User
from doorkeep.oauth import access
from doorkeep.realms.provisioning import MANAGEMENT_ROLES
from doorkeep.users import locale as user_locale
from doorkeep.web import handlers
from doorkeep.web.admin.auth import challenge, identity_of
from doorkeep.web.cors import preflight_response
from doorkeep.web.http import issuer, json_response, resource_presentation, state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

CONSOLE_CLIENT = "security-admin-console"
CONSOLE_ATTRIBUTE = "security.admin.console"  # Constants.SECURITY_ADMIN_CONSOLE_ATTR
TEMPORARY_ADMIN = "is_temporary_admin"  # UserModel.IS_TEMP_ADMIN_ATTR_NAME
REALM_NOT_FOUND = AdminError(404, "Realm not found.  Did you type in a bad URL?", key="error")  # AdminRoot.locateRealm
CURRENT_REALM_NOT_FOUND = AdminError(404, "Realm not found", key="error")  # addMasterRealmAccess
NO_REALM_ACCESS = AdminError(403, "No realm access", key="error")


def forbidden(message: str) -> AdminError:
    """Keycloak's ``ForbiddenException(message)``, rendered ``{"error": message}``."""
    return AdminError(403, message, key="error")


def display_name(user: User) -> str | None:
    """WhoAmI.displayName exactly as Keycloak builds it: first and last name when either is non-blank
    (a blank first name is kept, "None" never appears), else the username."""
    first, last = user.first_name, user.last_name
    if (first is not None and first.strip()) or (last is not None and last.strip()):
        if last is None:
            return first
        return f"{first} {last}" if first is not None else last
    return user.username


def locale(request: Request, realm: Realm, user: User) -> str:
    """``KeycloakContext.resolveLocale(user)``: DefaultLocaleSelectorProvider without a login under way (the
    user's ``locale`` attribute, the ``KEYCLOAK_LOCALE`` cookie, Accept-Language, the realm default)."""
    asked = user_locale.Asked(
        user=user_locale.of_user(user),
        cookie=request.cookies.get(user_locale.COOKIE),
        accept_language=request.headers.get("accept-language", ""),
    )
    return user_locale.resolve(realm, asked)


def _is_console(claims: dict[str, Any], console: bool) -> None:
    """403 unless the token's ``azp`` is an admin console (AdminConsole.whoAmI since Keycloak 25)."""
    azp = claims.get("azp")
    if azp == CONSOLE_CLIENT:
        return
    if not isinstance(azp, str):
        raise forbidden("No azp claim in the token")
    if not console:
        raise forbidden(f"Token issued for an application that is not the admin console: {azp}")


async def _answer(request: Request, tx: Tx) -> Response:
    realm = await tx.realms.get_by_name(request.path_params["realm"])
    if realm is None:
        raise REALM_NOT_FOUND
    presented = resource_presentation(request)
    if presented is None:
        raise challenge(realm)
    if not realm.enabled:
        raise challenge(realm, TOKEN_VERIFICATION_FAILED)
    previous = tx.config.bind(realm)
    try:
        services = state(request).services
        valid = await access.validate(tx, services, realm, issuer(request, realm.name), presented.token, presented)
        azp = valid.claims.get("azp")
        client = await tx.config.client(realm.id, azp) if isinstance(azp, str) else None
        _is_console(valid.claims, client is not None and client.attributes.get(CONSOLE_ATTRIBUTE) == "true")
        identity = await identity_of(tx, valid.user, realm, valid.client, valid.claims.get("scope"))
        roles = await tx.config.roles(realm.id, set(identity.role_ids))
    except access.InvalidAccess as err:
        raise challenge(realm, err.public) from None
    finally:
        tx.config.bind(previous)
    create_realm = False
    if realm.name == "master":
        create_realm = any(r.name == "create-realm" and r.client_id is None for r in roles)
        target = await tx.realms.get_by_name(request.query_params.get("currentRealm") or realm.name)
        if target is None:
            raise CURRENT_REALM_NOT_FOUND
        held = sorted(MANAGEMENT_ROLES) if identity.master_admin else sorted(identity.roles_in(target))
    else:
        target, held = realm, sorted(identity.management_roles)
    if not held:
        raise NO_REALM_ACCESS
    temporary = valid.user.attributes.get(TEMPORARY_ADMIN)
    body = {
        "userId": valid.user.id,
        "realm": realm.name,
        "displayName": display_name(valid.user),
        "locale": locale(request, realm, valid.user),
        "createRealm": create_realm,
        "realm_access": {target.name: held},
        "temporary": (temporary[0] if isinstance(temporary, list) and temporary else temporary) == "true",
    }
    response = json_response(body, headers={"Cache-Control": "no-cache"})
    origin = request.headers.get("origin")
    allowed = valid.claims.get("allowed-origins")
    if origin and isinstance(allowed, list) and (origin in allowed or "*" in allowed):
        response.headers["Access-Control-Allow-Origin"] = origin  # Cors.allowedOrigins(token).auth()
        response.headers["Access-Control-Allow-Credentials"] = "true"
    return response


async def whoami(request: Request) -> Response:
    return await handlers.answer(request, lambda tx: _answer(request, tx), write=False)


async def whoami_preflight(request: Request) -> Response:
    """AdminCorsPreflightService: any Origin, the admin API's methods."""
    return preflight_response(request, "GET, PUT, POST, DELETE")


ROUTES = [
    Route("/admin/{realm}/console/whoami", whoami, methods=["GET"]),
    Route("/admin/{realm}/console/whoami", whoami_preflight, methods=["OPTIONS"]),
]
