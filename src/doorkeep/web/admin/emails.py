"""Admin REST that sends e-mail: ``POST testSMTPConnection`` (RealmAdminResource.testSMTPConnection), and a
user's ``PUT execute-actions-email`` (and its deprecated alias ``PUT reset-password-email``) and ``PUT
send-verify-email`` (UserResource).

The checks run in a reading transaction that ends before the SMTP conversation starts, so a slow or
unreachable mail server (up to its timeouts) holds no database lock; a user's e-mail then records its admin
event in a second transaction, once the mail is sent (Keycloak records it on success only).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from doorkeep.admin.representations import SECRET_VALUE
from doorkeep.console.i18n import ENGLISH
from doorkeep.email import action_tokens, messages, smtp
from doorkeep.email.action_tokens import ActionToken
from doorkeep.errors import AdminError
from doorkeep.model import UPDATE_PASSWORD, Client, Realm, User
from doorkeep.oauth import redirect_uris
from doorkeep.realms import provisioning
from doorkeep.web import handlers
from doorkeep.web.admin import common
from doorkeep.web.admin.users_ops import KNOWN_ACTIONS
from doorkeep.web.http import base_url, issuer, read_json, state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

log = logging.getLogger(__name__)
SEND_FAILED = "Failed to send email"
SYSTEM_CLIENT_ID = "_system"  # SystemClientUtil.SYSTEM_CLIENT_ID


def _reuse(settings: dict[str, str], stored: dict[str, str], auth_type: str) -> bool:
    """reuseConfiguredAuthenticationForSmtp: a masked secret stands for the stored one only when both have
    authentication on, of ``auth_type``, and name the same host, port and user (so the secret cannot be sent
    elsewhere)."""
    same = all(
        (settings.get(key) or default) == (stored.get(key) or default)
        for key, default in (("host", ""), ("port", "25"), ("user", ""))
    )
    kind = (settings.get("authType") or "basic").lower() == auth_type == (stored.get("authType") or "basic").lower()
    return settings.get("auth", "").lower() == "true" == stored.get("auth", "").lower() and same and kind


# The masked secrets a test may send back, with the authentication type each belongs to.
SECRETS = (("password", "basic"), ("authTokenClientSecret", "token"))


def _settings(body: Any, stored: dict[str, str]) -> dict[str, str]:
    if not isinstance(body, dict):
        raise AdminError(400, "invalid_request", key="error", description=f"{handlers.CANNOT_PARSE}")
    settings = {str(k): v if isinstance(v, str) else str(v).lower() for k, v in body.items() if v is not None}
    for key, auth_type in SECRETS:
        if settings.get(key) == SECRET_VALUE and _reuse(settings, stored, auth_type):
            settings[key] = stored.get(key, "")
    return settings


async def test_smtp_connection(request: Request) -> Response:
    """Send the test message with the posted settings to the calling admin's own address. Every failure,
    the admin without an address included (its ErrorResponseException is caught by the same ``catch``), is
    a 500 ``Failed to send email``."""
    try:
        body = await read_json(request)
    except AdminError as err:
        return handlers.render_error(err)

    async def check(tx: Tx) -> tuple[dict[str, str], str | None, Realm]:
        identity, realm = await common.admin_caller(request, tx, "manage-realm")
        return _settings(body, realm.smtp_server), identity.user.email, realm

    try:
        settings, address, realm = await handlers.unit_of_work(request, check, write=False)
    except AdminError as err:
        return handlers.render_error(err)
    try:
        if address is None:
            raise smtp.EmailError("Logged in user does not have an e-mail.")
        await state(request).send_mail(realm, settings, messages.smtp_test(ENGLISH, address))
    except smtp.SenderDisabled as err:  # Keycloak 26.8: the disabled sender's message, as a 400
        return handlers.render_error(AdminError(400, str(err)))
    except smtp.EmailError as err:
        log.error("Failed to send email: %s", err)
        return handlers.render_error(AdminError(500, SEND_FAILED))
    return common.no_content()  # no admin event: Keycloak records none for this call


class _SystemClientMissing(Exception):
    """The link needs SystemClientUtil's ``_system`` client, which this realm does not have yet."""


async def system_client(tx: Tx, realm: Realm, client_id: str | None) -> Client:
    """The client an e-mail's link belongs to: ``client_id``, else SystemClientUtil.getSystemClient: ``account``
    while it is enabled, otherwise the ``_system`` client (made on first use, see ``_make_system_client``)."""
    if client_id is None:
        client = await tx.clients.get_by_client_id(realm.id, "account")
        if client is None or not client.enabled:
            client = await tx.clients.get_by_client_id(realm.id, SYSTEM_CLIENT_ID)
            if client is None:
                raise _SystemClientMissing
    else:
        client = await tx.clients.get_by_client_id(realm.id, client_id)
    if client is None:
        raise AdminError(400, "Client doesn't exist")
    if not client.enabled:
        raise AdminError(400, "Client is not enabled")
    return client


async def page_client(tx: Tx, realm: Realm, now: int) -> Client:
    """SystemClientUtil.getSystemClient where a login page needs it (LoginActionsService's
    createAuthenticationSessionForClient without ``client_id``): ``account`` while it is enabled, else the
    ``_system`` client, made in the page's own writing transaction when it is missing."""
    client = await tx.clients.get_by_client_id(realm.id, "account")
    if client is not None and client.enabled:
        return client
    if await tx.clients.get_by_client_id(realm.id, SYSTEM_CLIENT_ID) is None:
        await _make_system_client(tx, realm, now)
    made = await tx.clients.get_by_client_id(realm.id, SYSTEM_CLIENT_ID)
    assert made is not None
    return made


async def send_params(
    request: Request, tx: Tx, realm: Realm, user: User, *, read_lifespan: bool = True
) -> tuple[Client, str | None, int]:
    """UserResource.verifySendEmailParams, in its order: the user's address and state, then the client, the
    redirect URI (the one validator the authorization endpoint uses) and the lifespan (the realm's
    ``actionTokenGeneratedByAdminLifespan`` unless ``lifespan`` is given and ``read_lifespan`` reads it)."""
    if user.email is None:
        raise AdminError(400, "User email missing")
    if not user.enabled:
        raise AdminError(400, "User is disabled")
    redirect_uri, client_id = request.query_params.get("redirect_uri"), request.query_params.get("client_id")
    if redirect_uri is not None and client_id is None:
        raise AdminError(400, "Client id missing")
    client = await system_client(tx, realm, client_id)
    if redirect_uri is not None:
        redirect_uri = redirect_uris.resolve(redirect_uri, client, base_url(request))
        if redirect_uri is None:
            raise AdminError(400, "Invalid redirect uri.")
    lifespan = realm.action_token_generated_by_admin_lifespan
    if read_lifespan:
        lifespan = common.query_int(request, "lifespan", lifespan)
    return client, redirect_uri, lifespan


async def _make_system_client(tx: Tx, realm: Realm, now: int) -> None:
    """SystemClientUtil.getSystemClient's fallback: ``realm.addClient("_system")`` named ``_system``, with a
    new client's defaults and no client scopes linked (addClient is not ClientManager.createClient)."""
    if await tx.clients.get_by_client_id(realm.id, SYSTEM_CLIENT_ID) is None:
        client = Client(provisioning.new_id(), realm.id, SYSTEM_CLIENT_ID, name=SYSTEM_CLIENT_ID)
        await provisioning.create_client(tx, realm, client, now=now, link_default_scopes=False)


def link(request: Request, realm: Realm, key: str) -> str:
    """LoginActionsService.actionTokenProcessor with ``key``."""
    return f"{base_url(request)}/realms/{realm.name}/login-actions/action-token?key={key}"


def _actions(body: Any) -> tuple[str, ...]:
    if body is None:
        return ()
    if not isinstance(body, list) or not all(isinstance(a, str) for a in body):
        raise AdminError(400, "invalid_request", key="error", description=handlers.CANNOT_PARSE)
    if not all(a in KNOWN_ACTIONS for a in body):  # RequiredActionsValidator.validRequiredActions
        raise AdminError(400, "Provided invalid required actions")
    return tuple(body)


async def _user_email(
    request: Request, prepare: Callable[[Tx], Awaitable[tuple[Realm, smtp.Mail]]], failure: str
) -> Response:
    """Check and build in a reading transaction, send outside any, then record the admin event. A link that
    needs the ``_system`` client first makes it in a writing transaction of its own."""
    try:
        try:
            mail = await handlers.unit_of_work(request, prepare, write=False)
        except _SystemClientMissing:

            async def make(tx: Tx) -> None:
                realm = await common.admin_realm(request, tx, "manage-users")
                await _make_system_client(tx, realm, state(request).services.clock.now())

            await handlers.unit_of_work(request, make)
            mail = await handlers.unit_of_work(request, prepare, write=False)
    except AdminError as err:
        return handlers.render_error(err)
    try:
        realm, message = mail
        await state(request).send_mail(realm, realm.smtp_server, message)
    except smtp.EmailError as err:
        return handlers.render_error(AdminError(500, failure.format(err)))

    async def done(tx: Tx) -> Response:
        caller, realm, _ = await common.admin_user(request, tx)
        caller.require(realm, "manage-users")
        return common.no_content()

    return await handlers.answer(request, done)


async def execute_actions_email(request: Request) -> Response:
    """``PUT users/{id}/execute-actions-email``: an ExecuteActionsActionToken link; a failed delivery is
    500 ``Failed to send execute actions email: <the sender's message>``."""
    try:
        body = await read_json(request)
    except AdminError as err:
        return handlers.render_error(err)
    return await _execute_actions(request, body, read_lifespan=True)


async def reset_password_email(request: Request) -> Response:
    """``PUT users/{id}/reset-password-email``, deprecated: UserResource.resetPasswordEmail is executeActionsEmail
    with ``[UPDATE_PASSWORD]`` and no lifespan (the realm's), ``redirect_uri`` and ``client_id`` read alike; a body,
    if any, is not read."""
    return await _execute_actions(request, [UPDATE_PASSWORD], read_lifespan=False)


async def _execute_actions(request: Request, body: Any, *, read_lifespan: bool) -> Response:
    services = state(request).services

    async def prepare(tx: Tx) -> tuple[Realm, smtp.Mail]:
        caller, realm, user = await common.admin_user(request, tx)
        caller.require(realm, "manage-users")
        client, redirect_uri, lifespan = await send_params(request, tx, realm, user, read_lifespan=read_lifespan)
        actions = _actions(body)
        now = services.clock.now()
        token = action_tokens.new(
            action_tokens.EXECUTE_ACTIONS,
            user.id,
            client.client_id,
            now,
            lifespan,
            email=user.email,
            redirect_uri=redirect_uri,
            required_actions=actions,
        )
        key = await action_tokens.serialize(tx, services, realm.id, issuer(request, realm.name), token)
        ui = messages.language(realm, user)
        mail = messages.execute_actions(ui, realm, user, link(request, realm, key), lifespan // 60, actions)
        return realm, mail

    return await _user_email(request, prepare, "Failed to send execute actions email: {}")


async def send_verify_email(request: Request) -> Response:
    """``PUT users/{id}/send-verify-email``: a VerifyEmailActionToken link; 500 ``Failed to send verify
    email`` when it cannot be delivered."""
    services = state(request).services

    async def prepare(tx: Tx) -> tuple[Realm, smtp.Mail]:
        caller, realm, user = await common.admin_user(request, tx)
        caller.require(realm, "manage-users")
        client, redirect_uri, lifespan = await send_params(request, tx, realm, user)
        token: ActionToken = action_tokens.new(
            action_tokens.VERIFY_EMAIL,
            user.id,
            client.client_id,
            services.clock.now(),
            lifespan,
            email=user.email,
            redirect_uri=redirect_uri,
        )
        key = await action_tokens.serialize(tx, services, realm.id, issuer(request, realm.name), token)
        ui = messages.language(realm, user, request.headers.get("accept-language", ""))
        return realm, messages.verify_email(ui, realm, user, link(request, realm, key), lifespan // 60)

    return await _user_email(request, prepare, "Failed to send verify email")


ROUTES: list[Route] = [
    Route("/{realm}/testSMTPConnection", test_smtp_connection, methods=["POST"]),
    Route("/{realm}/users/{id}/execute-actions-email", execute_actions_email, methods=["PUT"]),
    Route("/{realm}/users/{id}/reset-password-email", reset_password_email, methods=["PUT"]),
    Route("/{realm}/users/{id}/send-verify-email", send_verify_email, methods=["PUT"]),
]
