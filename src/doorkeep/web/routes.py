"""The whole URL map on one screen."""

from __future__ import annotations

import functools

from starlette.routing import BaseRoute, Route

from doorkeep.features import CIBA, DEVICE_FLOW, PAR
from doorkeep.oauth import login_session
from doorkeep.web import (
    account,
    account_devices,
    action_token,
    admin_root,
    broker,
    broker_first_login,
    broker_link,
    broker_logout,
    broker_token,
    browser_session,
    ciba,
    client_redirect,
    clients_management,
    cors,
    device,
    health,
    hostname_debug,
    login,
    metrics,
    openapi,
    protocol,
    registration,
    reset_credentials,
    theme_messages,
    welcome,
)
from doorkeep.web.admin import realms as admin_realms
from doorkeep.web.admin import server as admin_server
from doorkeep.web.admin import whoami
from doorkeep.web.admin.routes import admin_routes, no_cache_reads
from doorkeep.web.admin_console.routes import routes as admin_console_routes
from doorkeep.web.clientreg import routes as client_registration
from doorkeep.web.console import account as account_console
from doorkeep.web.console import static as console_static
from doorkeep.web.feature_gate import requires

OIDC = "/realms/{realm}/protocol/openid-connect"
BROKER = "/realms/{realm}/broker/{alias}"


def routes() -> list[BaseRoute]:
    """Every route of the app. Their endpoints are module functions and the routes keep no state, so one
    process builds them once (compiling ~500 path patterns took ~20 ms of each app a test builds)."""
    return list(_routes())


@functools.cache
def _routes() -> tuple[BaseRoute, ...]:
    # Starlette tries routes in order, a regular expression each: the token endpoint, the one that
    # machines call all day, comes first (no other route's pattern matches its path).
    return (
        Route(f"{OIDC}/token", protocol.token, methods=["POST"]),
        *welcome.ROUTES,
        Route("/health", health.ready, methods=["GET"]),
        Route("/health/live", health.live, methods=["GET"]),
        Route("/health/ready", health.ready, methods=["GET"]),
        Route("/health/started", health.started, methods=["GET"]),
        Route("/metrics", metrics.endpoint, methods=["GET"]),
        Route("/realms/{realm}", protocol.realm_info, methods=["GET"]),
        Route("/realms/{realm}/clients/{client_id}/redirect", client_redirect.redirect, methods=["GET"]),
        Route("/realms/{realm}/hostname-debug", hostname_debug.page, methods=["GET"]),
        Route("/realms/{realm}/hostname-debug/test", hostname_debug.test, methods=["GET"]),
        Route("/realms/{realm}", protocol.realm_preflight, methods=["OPTIONS"]),
        Route("/realms/{realm}/.well-known/openid-configuration", protocol.well_known, methods=["GET"]),
        Route("/realms/{realm}/.well-known/openid-configuration", cors.get_preflight, methods=["OPTIONS"]),
        # OAuth 2.0 metadata (RFC 8414): the OpenID document, at the realm's path and at the RFC's own
        Route("/realms/{realm}/.well-known/oauth-authorization-server", protocol.well_known, methods=["GET"]),
        Route("/realms/{realm}/.well-known/oauth-authorization-server", cors.get_preflight, methods=["OPTIONS"]),
        Route("/.well-known/oauth-authorization-server/realms/{realm}", protocol.well_known, methods=["GET"]),
        Route("/.well-known/oauth-authorization-server/realms/{realm}", cors.get_preflight, methods=["OPTIONS"]),
        Route(f"{OIDC}/certs", protocol.certs, methods=["GET"]),
        Route(f"{OIDC}/certs", protocol.certs_preflight, methods=["OPTIONS"]),
        Route(f"{OIDC}/token/introspect", protocol.introspect, methods=["POST"]),
        Route(f"{OIDC}/userinfo", protocol.userinfo_endpoint, methods=["GET", "POST"]),
        Route(f"{OIDC}/revoke", protocol.revoke, methods=["POST"]),
        Route("/realms/{realm}/clients-managements/register-node", clients_management.register_node, methods=["POST"]),
        Route(
            "/realms/{realm}/clients-managements/unregister-node", clients_management.unregister_node, methods=["POST"]
        ),
        Route(f"{OIDC}/logout", browser_session.logout, methods=["GET", "POST"]),
        Route(f"{OIDC}/logout/logout-confirm", browser_session.logout_confirm, methods=["GET", "POST"]),
        Route(f"{OIDC}/logout/backchannel-logout", protocol.backchannel_logout_endpoint, methods=["POST"]),
        Route(f"{OIDC}/auth", login.authorize_endpoint, methods=["GET", "POST"]),
        Route(f"{OIDC}/auth/device", requires(DEVICE_FLOW, protocol.authorize_device), methods=["POST"]),
        # AuthorizationEndpoint's ``device`` locator: the same DeviceEndpoint as /realms/{realm}/device
        Route(f"{OIDC}/auth/device", requires(DEVICE_FLOW, device.verification_page), methods=["GET"]),
        Route(f"{OIDC}/auth/device/status", requires(DEVICE_FLOW, device.status), methods=["GET"]),
        Route(f"{OIDC}/ext/par/request", requires(PAR, protocol.pushed_authorization_request), methods=["POST"]),
        Route(f"{OIDC}/ext/ciba/auth", requires(CIBA, protocol.backchannel_authentication), methods=["POST"]),
        Route(f"{OIDC}/ext/ciba/auth/callback", requires(CIBA, ciba.callback_endpoint), methods=["POST"]),
        Route("/realms/{realm}/device", requires(DEVICE_FLOW, device.verification_page), methods=["GET"]),
        Route("/realms/{realm}/device", requires(DEVICE_FLOW, device.verification_form), methods=["POST"]),
        Route("/realms/{realm}/device/status", requires(DEVICE_FLOW, device.status), methods=["GET"]),
        Route("/realms/{realm}/login-actions/authenticate", login.authenticate_action, methods=["POST"]),
        Route(
            "/realms/{realm}/login-actions/first-broker-login",
            broker_first_login.first_broker_login,
            methods=["GET", "POST"],
        ),
        Route("/realms/{realm}/broker/{alias}/login", broker.login, methods=["GET"]),
        Route("/realms/{realm}/broker/{alias}/link", broker_link.link, methods=["GET"]),
        Route("/realms/{realm}/broker/{alias}/link", broker_link.preflight, methods=["OPTIONS"]),
        Route("/realms/{realm}/broker/{alias}/endpoint", broker.endpoint, methods=["GET"]),
        Route("/realms/{realm}/broker/{alias}/token", broker_token.retrieve_token, methods=["GET"]),
        Route("/realms/{realm}/broker/{alias}/token", broker_token.retrieve_token_v2, methods=["POST"]),
        Route(
            "/realms/{realm}/broker/{alias}/endpoint/logout_response", broker_logout.logout_response, methods=["GET"]
        ),
        Route("/realms/{realm}/broker/{alias}/token", cors.default_preflight, methods=["OPTIONS"]),
        Route("/realms/{realm}/login-actions/restart", login.restart_login, methods=["GET"]),
        Route("/realms/{realm}/login-actions/required-action", login.required_action, methods=["POST"]),
        Route("/realms/{realm}/login-actions/consent", login.consent_action, methods=["POST"]),
        Route("/realms/{realm}/login-actions/registration", login.registration_action, methods=["POST"]),
        Route("/realms/{realm}/login-actions/action-token", action_token.execute, methods=["GET"]),
        Route("/realms/{realm}/login-actions/reset-credentials", reset_credentials.page, methods=["GET"]),
        Route("/realms/{realm}/login-actions/reset-credentials", reset_credentials.submit, methods=["POST"]),
        *(
            Route(f"/realms/{{realm}}/login-actions/{action}", login.switch_language, methods=["GET"])
            for action in login_session.FORM_STEPS
        ),
        Route(f"{OIDC}/registrations", registration.registrations_endpoint, methods=["GET", "POST"]),
        Route(f"{OIDC}/forgot-credentials", reset_credentials.forgot_credentials_endpoint, methods=["GET", "POST"]),
        Route(f"{OIDC}/login-status-iframe.html", browser_session.status_iframe, methods=["GET"]),
        Route(f"{OIDC}/login-status-iframe.html/init", browser_session.status_iframe_init, methods=["GET"]),
        Route(f"{OIDC}/3p-cookies/step1.html", browser_session.third_party_step1, methods=["GET"]),
        Route(f"{OIDC}/3p-cookies/step2.html", browser_session.third_party_step2, methods=["GET"]),
        Route(f"{OIDC}/oauth/oob", browser_session.installed_app, methods=["GET"]),
        Route(
            "/admin/realms",
            cors.with_token_origins(admin_realms.root, expose=cors.EXPOSE_LOCATION),
            methods=["GET", "POST"],
        ),
        Route("/admin/serverinfo", cors.with_token_origins(no_cache_reads(admin_server.serverinfo)), methods=["GET"]),
        *openapi.ROUTES,
        *theme_messages.ROUTES,
        *(Route(f"{OIDC}/{path}", cors.post_preflight, methods=["OPTIONS"]) for path in ("token", "revoke")),
        *(Route(f"{OIDC}/{path}", cors.default_preflight, methods=["OPTIONS"]) for path in ("userinfo", "logout")),
        *(Route(f"{OIDC}/{path}", cors.preflight, methods=["OPTIONS"]) for path in ("token/introspect", "auth/device")),
        *client_registration.ROUTES,
        *admin_root.ROUTES,
        *admin_routes(),
        *whoami.ROUTES,  # JSON, ahead of the server-rendered console's own pages
        *admin_console_routes(),
        *account_console.ROUTES,  # before the Account REST: same URLs, chosen by the Accept header
        *account.ROUTES,
        *account_devices.ROUTES,
        account.unrouted([*account.ROUTES, *account_devices.ROUTES]),
        console_static.MOUNT,
    )
