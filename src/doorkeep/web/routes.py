"""The whole URL map on one screen."""

from __future__ import annotations

from starlette.routing import BaseRoute, Route

from doorkeep.web import protocol
from doorkeep.web.admin import realms as admin_realms
from doorkeep.web.admin.routes import admin_routes

OIDC = "/realms/{realm}/protocol/openid-connect"


def routes() -> list[BaseRoute]:
    return [
        Route("/realms/{realm}", protocol.realm_info, methods=["GET"]),
        Route("/realms/{realm}/.well-known/openid-configuration", protocol.well_known, methods=["GET"]),
        Route(f"{OIDC}/certs", protocol.certs, methods=["GET"]),
        Route(f"{OIDC}/token", protocol.token, methods=["POST"]),
        Route(f"{OIDC}/token/introspect", protocol.introspect, methods=["POST"]),
        Route(f"{OIDC}/userinfo", protocol.userinfo_endpoint, methods=["GET", "POST"]),
        Route(f"{OIDC}/revoke", protocol.revoke, methods=["POST"]),
        Route(f"{OIDC}/logout", protocol.logout_endpoint, methods=["POST"]),
        Route("/admin/realms", admin_realms.root, methods=["GET", "POST"]),
        *admin_routes(),
    ]
