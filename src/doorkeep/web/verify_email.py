"""The VERIFY_EMAIL required action's e-mail (VerifyEmail.sendVerifyEmail): a VerifyEmailActionToken naming the
login's authentication session, valid for the realm's actionTokenGeneratedByUserLifespan, sent once per
address and session (the VERIFY_EMAIL_KEY note: a page refresh sends nothing; "Click here" sends it again),
after the page is answered; SEND_VERIFY_EMAIL (or its error) is recorded once the SMTP server has answered.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.email import action_tokens, messages
from doorkeep.model import AuthSession, Client, Realm, User
from doorkeep.oauth import login_events
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.web import email_links

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
