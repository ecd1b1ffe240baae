"""The link "Verify existing account by Email" mails (IdpVerifyAccountLinkActionTokenHandler), once web/action_token.py
has checked it (signature, realm, expiry, user, client, the address it went to): IDENTITY_PROVIDER_LINK_ACCOUNT,
then

- in the browser of the login that sent it (its ``asid`` tab): the address is verified, the identity is linked to the
  existing account and that login goes on (oauth/login_broker_first.py's ``verify_existing``);
- elsewhere: info.ftl asks to confirm ("Confirm linking the account {0} of identity provider {1} with your account.",
  the same link naming a fresh tab and the original one); confirmed, the address is verified, the original login is
  told the link was followed, and the page sends the user back to that browser, whose "Click here ... to continue"
  links the identity there.

A link whose login moved on, or that names another account or identity than the login's, links nothing; those
decisions and the writes are oauth/login_broker_email_link.py's.
"""

from __future__ import annotations

from starlette.responses import Response

from doorkeep.console import pages
from doorkeep.email.action_tokens import STALE_CODE
from doorkeep.oauth import login_broker_email_link as email_link
from doorkeep.oauth import login_broker_first
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.web import locale as page_locale
from doorkeep.web.action_link import STEP, Link, confirmation
from doorkeep.web.broker_session import Tab, respond, site
from doorkeep.web.login_pages import display, error_page, html


async def handle(link: Link) -> Response:
    """IdpVerifyAccountLinkActionTokenHandler.handleToken."""
    token, user, auth_session = link.token, link.user, link.auth_session
    alias, idp_username = token.idp_alias or "", token.idp_username or ""
    details = {"email": user.email, "identity_provider": alias, "identity_provider_identity": idp_username}
    await link.record("IDENTITY_PROVIDER_LINK_ACCOUNT", details=details)
    ui = page_locale.language(link.request, link.realm, user=user)
    if token.auth_session_id is None or auth_session is None or auth_session.id != token.auth_session_id:
        text = ui.text("confirmAccountLinking", idp_username, alias)
        return await confirmation(
            link, lambda proceed: pages.action_info(display(link.realm), text, action_uri=proceed, ui=ui)
        )
    followed = email_link.Followed(user, alias, idp_username, link.realm.id, link.services.clock.now())
    if auth_session.step == STEP and token.original_auth_session_id is not None:  # confirmed in another browser
        await email_link.confirm_elsewhere(link.tx, auth_session.id, token.original_auth_session_id, followed)
        text = ui.text("identityProviderLinkSuccess", alias, idp_username)
        return html(pages.action_info(display(link.realm), text, ui=ui))
    context = await email_link.confirm_here(link.tx, auth_session, followed)
    client = await link.tx.clients.get(auth_session.client_id) if context is not None else None
    if context is None or client is None:
        return error_page(link.request, link.realm, STALE_CODE)
    tab = Tab(auth_session, client, AuthRequest.from_json(auth_session.request))
    here = site(link.request, link.tx, link.realm, tab)
    decision = await login_broker_first.verify_existing(here, auth_session.id, context)
    return await respond(link.request, link.tx, link.realm, tab, decision)
