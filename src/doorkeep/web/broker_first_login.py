"""The pages of Keycloak's default first broker login (idp-review-user-profile.ftl of IdpReviewProfileAuthenticator,
login-idp-link-confirm.ftl of IdpConfirmLinkAuthenticator, login-idp-link-email.ftl of
IdpEmailVerificationAuthenticator, the password form of IdpUsernamePasswordForm): ``POST
/realms/{realm}/login-actions/first-broker-login`` takes each page's answer to the core
(oauth/login_broker_first.py), which decides what comes next; the e-mail page's "Click here" links (GET) send the
e-mail again, or go on once its link was followed.
"""

from __future__ import annotations

import dataclasses
import secrets
from typing import TYPE_CHECKING

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from doorkeep.broker import providers as idp
from doorkeep.console import pages, recovery_pages
from doorkeep.model import AuthSession, Client, Realm
from doorkeep.oauth import (
    login_actions,
    login_broker_email,
    login_broker_first,
    login_broker_review,
    login_session,
    redirect_uris,
)
from doorkeep.oauth.broker_steps import (
    CONFIRM_STEP,
    CONTEXT,
    EMAIL_STEP,
    EXPIRED,
    INVALID_REQUEST,
    NOTE,
    REAUTH_STEP,
    REVIEW_STEP,
    SELECT_STEP,
    Page,
    without,
)
from doorkeep.oauth.login_choices import EXECUTION, TRY_ANOTHER_WAY
from doorkeep.oauth.login_session import LOGIN_ACTION
from doorkeep.oauth.update_email import SEND_FAILED
from doorkeep.users.credentials import SharedEmail, Verdict, assess
from doorkeep.web import action_pages, login_tabs
from doorkeep.web import locale as page_locale
from doorkeep.web.broker_email import send_link
from doorkeep.web.broker_session import Tab, find_tab, respond, site
from doorkeep.web.http import in_transaction, state
from doorkeep.web.login_pages import (
    NO_BACK,
    TAB_ID,
    action_url,
    display,
    error_page,
    html,
    open_realm,
    set_auth_cookie,
    tab_params,
)

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


FIRST_BROKER_LOGIN = "first-broker-login"  # LoginActionsService.FIRST_BROKER_LOGIN_PATH


def _action(request: Request, realm: Realm, tab: AuthSession, client: Client) -> str:
    first = {"session_code": tab.form_token, "execution": tab.step}
    return redirect_uris.with_params(action_url(request, realm, FIRST_BROKER_LOGIN), tab_params(tab, client, **first))


async def page(request: Request, tx: Tx, realm: Realm, tab: Tab, shown: Page) -> Response:
    """The first broker login's page of ``shown.step``, on a fresh form code, its context kept on the tab."""
    s, context, step = tab.auth_session, shown.context, shown.step
    mailed = await tx.users.get(context["existing"]) if shown.send else None
    if shown.send and mailed is None:
        return error_page(request, realm, SEND_FAILED, 500)
    notes = without(s.notes, NOTE, CONTEXT) | {CONTEXT: context}
    fresh = secrets.token_urlsafe(24)
    await tx.flows.advance_auth_session(s.id, s.user_id, step, fresh, notes)
    s = dataclasses.replace(s, form_token=fresh, step=step, notes=notes)
    s = await login_session.touch(tx, realm, s, state(request).services.clock.now())  # generateCode
    ui = page_locale.language(request, realm, auth_request=tab.request)
    target = _action(request, realm, s, tab.client)
    if step == CONFIRM_STEP:
        hidden = not login_broker_first.review_runs(realm, str(context["alias"]))
        attribute, value = context["attribute"], context["value"]
        body = pages.idp_link_confirm(display(realm), target, fresh, attribute, value, ui=ui, hide_review=hidden)
    elif step == EMAIL_STEP:
        provider = idp.display_name(realm, context["alias"])
        body = pages.idp_link_email(
            display(realm), target, provider, context["username"], form_token=fresh, another=target, ui=ui
        )
    elif step == SELECT_STEP:
        choices = login_broker_email.choices(realm, context["alias"])
        body = recovery_pages.select_authenticator(display(realm), target, fresh, choices, ui=ui)
    elif step == REVIEW_STEP:
        config = await login_broker_review.config_for(tx, realm, tab.client, tab.request)
        values, lists = login_broker_review.shown(config, context)
        body = pages.update_profile(
            display(realm),
            target,
            fresh,
            shown.values or login_broker_first.profile_of(context) | values,
            shown.errors or {},
            username_editable=login_broker_first.review_username(realm)[1],
            username_shown=login_broker_first.review_username(realm)[0],
            email_editable=True,
            extra=login_broker_review.fields(config),
            lists=shown.lists if shown.values else lists,
            labels=action_pages.root_labels(config, ui),
            config=config,
            review=True,
            ui=ui,
        )
    else:
        existing = await tx.users.get(context["existing"])
        body = pages.login(
            display(realm),
            target,
            fresh,
            username=existing.username if existing else "",  # prefilled, still editable (IdpUsernamePasswordForm)
            error=shown.error,
            username_label=pages.username_label(realm.login_with_email_allowed, realm.registration_email_as_username),
            success=None if shown.error else ui.text("federatedIdentityConfirmReauthenticateMessage", context["alias"]),
            ui=ui,
        )
    response = html(body)
    response.headers["Cache-Control"] = NO_BACK
    await set_auth_cookie(response, request, tx, realm, s)
    if mailed is not None:  # the e-mail goes before the page, which says it went (a failure: Keycloak's 500 page)
        failed = error_page(request, realm, SEND_FAILED, 500)
        await send_link(request, tx, realm, tab, context, mailed, shown=fresh, failed=failed)
    return response


async def first_broker_login(request: Request) -> Response:
    """``/login-actions/first-broker-login``: the page of the step the tab waits on, answered by the core
    (oauth/login_broker_first.py): the reviewed profile, "Review profile" or "Add to existing account", the e-mail
    page's "Click here" (a GET too), the account's password."""
    realm = await open_realm(request)
    if isinstance(realm, Response):
        return realm
    if request.method == "HEAD":  # a prefetch's probe sends no e-mail
        return Response(status_code=200)
    form = await request.form() if request.method == "POST" else FormData()
    code = request.query_params.get("session_code") or str(form.get("session_code") or "")
    password = str(form.get("password") or "")

    async def precheck(tx: Tx) -> Verdict | None:
        """The password checked in a reading transaction first, as the login form's is (login_password.precheck):
        Argon2 never runs under the write lock."""
        tab = await find_tab(request, tx, realm, request.query_params.get(TAB_ID), code)
        context = tab.auth_session.notes.get(CONTEXT) if tab else None
        if tab is None or not isinstance(context, dict) or tab.auth_session.step != REAUTH_STEP or not password:
            return None
        try:  # the user the form names, whom the writing transaction checks (login_broker_first.reauthenticate)
            user = await login_broker_first.reauth_user(tx, realm, str(form.get("username") or ""))
        except SharedEmail:
            return None
        return await assess(tx, realm, user, password)

    verdict = await in_transaction(request, precheck, write=False)

    def field(name: str) -> str | None:
        value = form.get(name)
        return value if isinstance(value, str) else None

    def every(name: str) -> list[str]:
        return [v for v in form.getlist(name) if isinstance(v, str)]

    async def work(tx: Tx) -> Response:
        tx.config.bind(realm)
        tab = await find_tab(request, tx, realm, request.query_params.get(TAB_ID), code)
        now = state(request).services.clock.now()
        if tab is not None and not login_session.action_active(realm, tab.auth_session, LOGIN_ACTION, now):
            # brokerLoginFlow: verifyActiveAndValidAction(AUTHENTICATE, LOGIN), before the brokered context is read
            expired = login_actions.TimedOut(tab.auth_session, tab.client)
            return await login_tabs.timed_out(request, tx, realm, expired, FIRST_BROKER_LOGIN)
        context = tab.auth_session.notes.get(CONTEXT) if tab else None
        if tab is None or not isinstance(context, dict):
            return error_page(request, realm, EXPIRED)
        here, step, tab_id = site(request, tx, realm, tab), tab.auth_session.step, tab.auth_session.id
        if request.method != "POST" and step != EMAIL_STEP:  # only the e-mail page has links
            return error_page(request, realm, INVALID_REQUEST)
        if step == CONFIRM_STEP:
            decision = await login_broker_first.confirm(here, tab_id, context, field("submitAction") or "")
            if decision is None:  # IdpConfirmLinkAuthenticator: "Unknown action"
                return error_page(request, realm, INVALID_REQUEST)
        elif step == REVIEW_STEP:
            decision = await login_broker_first.review(here, tab_id, context, field, every)
        elif step == EMAIL_STEP and request.method == "POST" and field(TRY_ANOTHER_WAY) is not None:
            decision = login_broker_email.another_way(context)
        elif step == EMAIL_STEP:
            decision = await login_broker_first.verify_existing(here, tab_id, login_broker_email.resend(context))
        elif step == SELECT_STEP and request.method == "POST":
            decision = await login_broker_first.choose(here, tab_id, context, field(EXECUTION))
        elif step == REAUTH_STEP:
            typed = field("username")
            decision = await login_broker_first.reauthenticate(here, tab_id, context, typed, password, verdict)
        else:
            return error_page(request, realm, INVALID_REQUEST)
        return await respond(request, tx, realm, tab, decision)

    return await in_transaction(request, work)
