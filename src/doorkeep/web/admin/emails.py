"""Admin REST that sends e-mail: ``POST testSMTPConnection`` (RealmAdminResource.testSMTPConnection).

The checks run in a reading transaction that ends before the SMTP conversation starts, so a slow or
unreachable mail server (up to its timeouts) holds no database lock.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin.representations import SECRET_VALUE
from doorkeep.console.i18n import ENGLISH
from doorkeep.email import messages, smtp
from doorkeep.errors import AdminError
from doorkeep.web import handlers
from doorkeep.web.admin import common
from doorkeep.web.http import read_json

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

log = logging.getLogger(__name__)
SEND_FAILED = "Failed to send email"


def _reuse_password(settings: dict[str, str], stored: dict[str, str]) -> bool:
    """reuseConfiguredAuthenticationForSmtp: a masked password stands for the stored one only when both have
    authentication on and name the same host, port and user (so the secret cannot be sent elsewhere)."""
    same = all(
        (settings.get(key) or default) == (stored.get(key) or default)
        for key, default in (("host", ""), ("port", "25"), ("user", ""))
    )
    basic = (settings.get("authType") or "basic").lower() == "basic" == (stored.get("authType") or "basic").lower()
    return settings.get("auth", "").lower() == "true" == stored.get("auth", "").lower() and same and basic


def _settings(body: Any, stored: dict[str, str]) -> dict[str, str]:
    if not isinstance(body, dict):
        raise AdminError(400, "invalid_request", key="error", description=f"{handlers.CANNOT_PARSE}")
    settings = {str(k): v if isinstance(v, str) else str(v).lower() for k, v in body.items() if v is not None}
    if settings.get("password") == SECRET_VALUE and _reuse_password(settings, stored):
        settings["password"] = stored.get("password", "")
    return settings


async def test_smtp_connection(request: Request) -> Response:
    """Send the test message with the posted settings to the calling admin's own address. Every failure,
    the admin without an address included (its ErrorResponseException is caught by the same ``catch``), is
    a 500 ``Failed to send email``."""
    try:
        body = await read_json(request)
    except AdminError as err:
        return handlers.render_error(err)

    async def check(tx: Tx) -> tuple[dict[str, str], str | None]:
        identity, realm = await common.admin_caller(request, tx, "manage-realm")
        return _settings(body, realm.smtp_server), identity.user.email

    try:
        settings, address = await handlers.unit_of_work(request, check, write=False)
    except AdminError as err:
        return handlers.render_error(err)
    try:
        if address is None:
            raise smtp.EmailError("Logged in user does not have an e-mail.")
        await smtp.send(settings, messages.smtp_test(ENGLISH, address))
    except smtp.EmailError as err:
        log.error("Failed to send email: %s", err)
        return handlers.render_error(AdminError(500, SEND_FAILED))
    return common.no_content()  # no admin event: Keycloak records none for this call


ROUTES: list[Route] = [
    Route("/{realm}/testSMTPConnection", test_smtp_connection, methods=["POST"]),
]
