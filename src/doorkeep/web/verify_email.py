"""The VERIFY_EMAIL and UPDATE_EMAIL required actions' e-mails. VERIFY_EMAIL's (VerifyEmail.sendVerifyEmail): a
VerifyEmailActionToken naming the login's authentication session, valid for the realm's
actionTokenGeneratedByUserLifespan, sent once per address and session (the VERIFY_EMAIL_KEY note: a page refresh
sends nothing; "Click here" sends it again), after the page is answered; SEND_VERIFY_EMAIL (or its error) is
recorded once the SMTP server has answered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.email import action_tokens, messages
from doorkeep.model import AuthSession, Client, Realm, User
from doorkeep.oauth import login_events, update_email
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.login_outcomes import EmailUpdateSent
from doorkeep.web import email_links
from doorkeep.web.http import state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


async def send(
    request: Request,
    tx: Tx,
    realm: Realm,
    client: Client,
    user: User,
    auth_session: AuthSession,
    auth_request: AuthRequest,
    response: Response,
) -> None:
    mail = await email_links.session_mail(
        request, tx, realm, client, user, auth_session, action_tokens.VERIFY_EMAIL, messages.verify_email
    )
    # CODE_ID: the authentication session the link goes on with (VerifyEmail.sendVerifyEmail)
    details = login_events.details(auth_request, user.username, email=user.email, code_id=auth_session.root)
    email_links.send_after(
        request,
        response,
        realm,
        mail,
        "SEND_VERIFY_EMAIL",
        client_id=client.client_id,
        user_id=user.id,
        details=details,
    )


async def send_update_confirmation(
    request: Request,
    tx: Tx,
    realm: Realm,
    client: Client,
    user: User,
    auth_session: AuthSession,
    auth_request: AuthRequest,
    sent: EmailUpdateSent,
    failed: Response,
) -> None:
    """UpdateEmail.sendEmailUpdateConfirmation: an UpdateEmailActionToken for the login's client naming this
    authentication session, the old and new addresses and the "Sign out from other devices" box, valid for
    the ``update-email`` user lifespan, mailed to the new address before the page is answered, as Keycloak
    does, once the form's transaction has committed; SEND_VERIFY_EMAIL with ``email`` the new address. A failure
    answers ``failed`` (Keycloak's error page) and takes back the pending address and the cooldown, which
    Keycloak sets only once the mail is sent (``update_email.unsent``)."""
    lifespan = email_links.user_lifespan(realm, action_tokens.UPDATE_EMAIL)
    now = state(request).services.clock.now()
    token = action_tokens.new(
        action_tokens.UPDATE_EMAIL,
        user.id,
        client.client_id,
        now,
        lifespan,
        auth_session_id=auth_session.id,
        redirect_uri=auth_request.redirect_uri or None,
        old_email=user.email,
        new_email=sent.email,
        logout_sessions=sent.logout_sessions,
    )
    target = await email_links.link(request, tx, realm, token)
    ui = messages.language(realm, user, request.headers.get("accept-language", ""))
    mail = messages.update_email(ui, realm, user, target, lifespan // 60, sent.email)
    details = login_events.details(auth_request, user.username, email=sent.email, code_id=auth_session.root)

    async def undo(after: Tx) -> None:
        await update_email.unsent(after, sent)

    email_links.send_after_commit(
        request,
        tx,
        realm,
        mail,
        "SEND_VERIFY_EMAIL",
        client_id=client.client_id,
        user_id=user.id,
        details=details,
        failed=failed,
        undo=undo,
    )
