"""The e-mails a login sends itself. The reset-credentials link and VERIFY_EMAIL's are delivered after the
answer (``send_after``): the SMTP conversation never shapes the answer's timing or content, so the "Forgot
Password?" form answers alike for every username. UPDATE_EMAIL's confirmation and the broker's "verify existing
account by e-mail" link are delivered before the answer, whose page depends on it, but after the form's
transaction has committed (``send_after_commit``). Either way the SMTP conversation (up to its timeouts) holds no
database lock, and the outcome is recorded afterwards, in its own transaction: the success event
(SEND_RESET_PASSWORD, SEND_VERIFY_EMAIL, SEND_IDENTITY_PROVIDER_LINK), or its ``_ERROR`` with ``email_send_failed``
and the sender's message as ``reason`` (Keycloak's catch blocks).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response

from doorkeep import events
from doorkeep.console.i18n import Language
from doorkeep.email import action_tokens, messages, smtp
from doorkeep.email.action_tokens import ActionToken
from doorkeep.model import AuthSession, Client, Realm, User
from doorkeep.oauth import redirect_uris
from doorkeep.web.http import base_url, client_ip, issuer, state, transaction

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

log = logging.getLogger(__name__)
PER_ACTION_LIFESPAN = "actionTokenGeneratedByUserLifespan"  # + ".<action>", UserActionTokenBuilder's keys
USER_LIFESPAN = 300  # RealmModel.getActionTokenGeneratedByUserLifespan's default: five minutes


def user_lifespan(realm: Realm, action: str) -> int:
    """RealmModel.getActionTokenGeneratedByUserLifespan(action): the realm attribute
    ``actionTokenGeneratedByUserLifespan.<action>`` when set (unparsable: the user-action code lifespan, as
    RealmAdapter.getAttribute's default), else the realm's ``actionTokenGeneratedByUserLifespan``."""
    own = realm.attributes.get(f"{PER_ACTION_LIFESPAN}.{action}")
    if own is not None:
        try:
            return int(str(own))
        except ValueError:
            return realm.access_code_lifespan_user_action
    return realm.action_token_generated_by_user_lifespan or USER_LIFESPAN


async def link(request: Request, tx: Tx, realm: Realm, token: ActionToken) -> str:
    """Urls.actionTokenBuilder: the signed token as ``key``, and the client it was issued for."""
    services = state(request).services
    key = await action_tokens.serialize(tx, services, realm.id, issuer(request, realm.name), token)
    target = f"{base_url(request)}/realms/{realm.name}/login-actions/action-token"
    return redirect_uris.with_params(target, {"key": key, "client_id": token.client_id})


async def session_mail(
    request: Request,
    tx: Tx,
    realm: Realm,
    client: Client,
    user: User,
    auth_session: AuthSession,
    action: str,
    compose: Callable[[Language, Realm, User, str, int], smtp.Mail],
) -> smtp.Mail:
    """The mail a login sends the user itself (ResetCredentialEmail, VerifyEmail.sendVerifyEmail): an ``action``
    token for ``client`` naming this authentication session and the user's address, valid for ``user_lifespan``;
    its link in the mail ``compose`` writes, in the user's language, with the lifespan in minutes."""
    lifespan = user_lifespan(realm, action)
    now = state(request).services.clock.now()
    token = action_tokens.new(
        action, user.id, client.client_id, now, lifespan, email=user.email, auth_session_id=auth_session.id
    )
    target = await link(request, tx, realm, token)
    ui = messages.language(realm, user, request.headers.get("accept-language", ""))
    return compose(ui, realm, user, target, lifespan // 60)


def send_after_commit(
    request: Request,
    tx: Tx,
    realm: Realm,
    mail: smtp.Mail,
    type: str,
    *,
    client_id: str,
    user_id: str,
    details: dict[str, str | None],
    failed: Response,
    undo: Callable[[Tx], Awaitable[None]] | None = None,
) -> None:
    """Deliver ``mail`` before the page is answered but once ``tx`` has committed (``in_transaction`` sends it), so
    the SMTP conversation, up to its timeouts, holds no database lock; then record ``type``, or ``type_ERROR``
    (``email_send_failed``, the failure's text as ``reason``) in a transaction of its own, which first runs
    ``undo`` when sending failed: the writes Keycloak makes only once the mail is sent, taken back. A failure
    answers ``failed`` (the caller's error page, made in ``tx``) instead of the page saying it was sent."""
    deliver = _delivery(request, realm, mail, type, client_id=client_id, user_id=user_id, details=details, undo=undo)

    async def sent_or_failed() -> Response | None:
        return None if await deliver() else failed

    tx.mails_due.append(sent_or_failed)


def send_after(
    request: Request,
    response: Response,
    realm: Realm,
    mail: smtp.Mail,
    type: str,
    *,
    client_id: str,
    user_id: str,
    details: dict[str, str | None],
) -> None:
    """Deliver ``mail`` once ``response`` is sent, then record ``type`` (or ``type_ERROR`` with
    ``email_send_failed`` and the failure's text as ``reason``) in a transaction of its own."""
    response.background = BackgroundTask(
        _delivery(request, realm, mail, type, client_id=client_id, user_id=user_id, details=details)
    )


def _delivery(
    request: Request,
    realm: Realm,
    mail: smtp.Mail,
    type: str,
    *,
    client_id: str,
    user_id: str,
    details: dict[str, str | None],
    undo: Callable[[Tx], Awaitable[None]] | None = None,
) -> Callable[[], Awaitable[bool]]:
    """Sending ``mail`` and recording how it went (``type`` or ``type_ERROR``), with ``undo`` run first in that
    transaction when it failed; True when sent. The request's address is read now."""
    ip = client_ip(request)

    async def deliver() -> bool:
        reason: str | None = None
        try:
            await state(request).send_mail(realm, realm.smtp_server, mail)
        except smtp.EmailError as err:
            log.error("failed to send email in realm %s: %s", realm.name, err)
            reason = str(err)
        async with transaction(request) as after:
            after.config.bind(realm)
            if reason is not None and undo is not None:
                await undo(after)
            await events.record(
                after,
                realm,
                type if reason is None else f"{type}_ERROR",
                now=state(request).services.clock.now(),
                client_id=client_id,
                user_id=user_id,
                ip=ip,
                error=None if reason is None else "email_send_failed",
                details=details if reason is None else {**details, "reason": reason},
            )
        return reason is None

    return deliver
