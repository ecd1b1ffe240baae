"""The e-mail of "Verify existing account by Email" (IdpEmailVerificationAuthenticator.sendVerifyEmail): an
IdpVerifyAccountLinkActionToken for the existing account, naming this login's tab (``asid``), the brokered username
(``idpu``) and the provider (``idpa``), valid for the realm's ``idp-verify-account-via-email`` user lifespan, mailed
before the page is answered but after the form's transaction commits (web/email_links.py); SEND_IDENTITY_PROVIDER_LINK,
or its error with ``email_send_failed`` (the caller's page: "Failed to send email, please try again later."). The
link is handled by web/broker_email_link.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.broker import providers as idp
from doorkeep.email import action_tokens, messages
from doorkeep.model import JSON, Realm, User
from doorkeep.oauth import login_events
from doorkeep.web import email_links
from doorkeep.web.broker_session import Tab
from doorkeep.web.http import state

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


def mail_name(realm: Realm, alias: str) -> str:
    """The provider as the e-mail names it: its display name, else its alias with a capital first letter."""
    provider = idp.by_alias(realm, alias) or {}
    return str(provider.get("displayName") or alias[:1].upper() + alias[1:])


async def send_link(
    request: Request, tx: Tx, realm: Realm, tab: Tab, context: JSON, user: User, *, shown: str, failed: Response
) -> None:
    """Mail ``user`` the link that confirms this login's identity belongs to them, once ``tx`` has committed. The tab
    moved on in ``tx`` to the e-mail page of form code ``shown`` (IdpEmailVerificationAuthenticator's
    showEmailSentPage, which Keycloak reaches only once the mail is sent): a failure puts it back as it was, unless
    another request moved it on meanwhile, and answers ``failed``."""
    before = tab.auth_session
    alias, idp_username = str(context["alias"]), str(context["username"])
    lifespan = email_links.user_lifespan(realm, action_tokens.IDP_VERIFY_ACCOUNT)
    token = action_tokens.new(
        action_tokens.IDP_VERIFY_ACCOUNT,
        user.id,
        tab.client.client_id,
        state(request).services.clock.now(),
        lifespan,
        email=user.email,
        auth_session_id=tab.auth_session.id,
        idp_username=idp_username,
        idp_alias=alias,
    )
    target = await email_links.link(request, tx, realm, token)
    ui = messages.language(realm, user, request.headers.get("accept-language", ""))
    mail = messages.identity_provider_link(
        ui, realm, user, target, lifespan // 60, mail_name(realm, alias), idp_username
    )
    details = login_events.details(
        tab.request, user.username, email=user.email, code_id=tab.auth_session.root, identity_provider=alias
    )
    details["identity_provider_identity"] = idp_username
    del details["auth_method"]  # sendVerifyEmail: removeDetail(AUTH_METHOD)

    async def undo(after: Tx) -> None:
        moved = await after.flows.get_auth_session(before.id)
        if moved is not None and moved.form_token == shown:
            await after.flows.advance_auth_session(
                before.id, before.user_id, before.step, before.form_token, before.notes
            )

    email_links.send_after_commit(
        request,
        tx,
        realm,
        mail,
        "SEND_IDENTITY_PROVIDER_LINK",
        client_id=tab.client.client_id,
        user_id=user.id,
        details=details,
        failed=failed,
        undo=undo,
    )
