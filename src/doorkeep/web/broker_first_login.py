"""The pages of Keycloak's default first broker login for an identity that matches an existing account
(IdpConfirmLinkAuthenticator's login-idp-link-confirm.ftl, then IdpUsernamePasswordForm): ``POST
/realms/{realm}/login-actions/first-broker-login`` takes "Add to existing account", then the account's password,
and stores the link before the login goes on.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from starlette.requests import Request
from starlette.responses import Response

from doorkeep.broker import first_login, oidc
from doorkeep.console import pages
from doorkeep.model import JSON, AuthSession, Client, Realm
from doorkeep.oauth import redirect_uris
from doorkeep.oauth.login_password import INVALID_PASSWORD
from doorkeep.users import brute_force
from doorkeep.users.credentials import Verdict, assess, check_password
from doorkeep.web import locale as page_locale
from doorkeep.web.broker_session import (
    CONFIRM_STEP,
    CONTEXT,
    EXPIRED,
    INVALID_REQUEST,
    NOTE,
    REAUTH_STEP,
    Tab,
    error_event,
    find_tab,
    finish,
    record,
    usable,
)
from doorkeep.web.http import client_ip, in_transaction, state
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


def _action(request: Request, realm: Realm, tab: AuthSession, client: Client) -> str:
    first = {"session_code": tab.form_token, "execution": tab.step}
    return redirect_uris.with_params(action_url(request, realm, "first-broker-login"), tab_params(tab, client, **first))


async def page(
    request: Request, tx: Tx, realm: Realm, tab: Tab, step: str, context: JSON, error: str | None = None
) -> Response:
    """The first broker login's page of ``step``, on a fresh form code."""
    s = tab.auth_session
    notes = {k: v for k, v in s.notes.items() if k not in (NOTE, CONTEXT)} | {CONTEXT: context}
    fresh = secrets.token_urlsafe(24)
    await tx.flows.advance_auth_session(s.id, s.user_id, step, fresh, notes)
    s = AuthSession(s.id, s.realm_id, s.client_id, fresh, s.request, s.user_id, s.expires, step, notes, s.root_id)
    ui = page_locale.language(request, realm, auth_request=tab.request)
    target = _action(request, realm, s, tab.client)
    if step == CONFIRM_STEP:
        body = pages.idp_link_confirm(display(realm), target, fresh, context["attribute"], context["value"], ui=ui)
    else:
        existing = await tx.users.get(context["existing"])
        body = pages.login(
            display(realm),
            target,
            fresh,
            username=existing.username if existing else "",
            error=error,
            reauthenticate=True,
            success=None if error else ui.text("federatedIdentityConfirmReauthenticateMessage", context["alias"]),
            ui=ui,
        )
    response = html(body)
    response.headers["Cache-Control"] = NO_BACK
    await set_auth_cookie(response, request, tx, realm, s)
    return response


async def first_broker_login(request: Request) -> Response:
    """POST ``/login-actions/first-broker-login``: "Add to existing account", then the account's password
    (IdpConfirmLinkAuthenticator, IdpUsernamePasswordForm); the link is stored and the login goes on."""
    realm = await open_realm(request)
    if isinstance(realm, Response):
        return realm
    form = await request.form()
    code = request.query_params.get("session_code") or str(form.get("session_code") or "")
    password = str(form.get("password") or "")

    async def precheck(tx: Tx) -> Verdict | None:
        """The password checked in a reading transaction first, as the login form's is (login_password.precheck):
        Argon2 never runs under the write lock."""
        tab = await find_tab(request, tx, realm, request.query_params.get(TAB_ID), code)
        context = tab.auth_session.notes.get(CONTEXT) if tab else None
        if tab is None or not isinstance(context, dict) or tab.auth_session.step != REAUTH_STEP or not password:
            return None
        return await assess(tx, realm, await tx.users.get(context["existing"]), password)

    verdict = await in_transaction(request, precheck, write=False)

    async def work(tx: Tx) -> Response:
        tx.config.bind(realm)
        tab = await find_tab(request, tx, realm, request.query_params.get(TAB_ID), code)
        context = tab.auth_session.notes.get(CONTEXT) if tab else None
        if tab is None or not isinstance(context, dict):
            return error_page(request, realm, EXPIRED)
        if tab.auth_session.step == CONFIRM_STEP:
            return await page(request, tx, realm, tab, REAUTH_STEP, context)
        if tab.auth_session.step != REAUTH_STEP:
            return error_page(request, realm, INVALID_REQUEST)
        user = await tx.users.get(context["existing"])
        provider = usable(realm, context["alias"])
        if user is None or provider is None:
            return error_page(request, realm, EXPIRED)
        services = state(request).services
        # IdpUsernamePasswordForm is a password form: Brute Force Detection refuses a locked user and counts misses
        locked = await brute_force.refusal(tx, realm, user, services.clock.now()) is not None
        right = not locked and await check_password(tx, user, password, verdict)
        if not right and not locked and user.enabled and password:
            await brute_force.failed_login(tx, realm, user, client_ip(request), services.clock.now_ms())
        if not right or not user.enabled:
            await error_event(
                tx,
                request,
                realm,
                tab.client.client_id,
                "invalid_user_credentials",
                identity_provider=context["alias"],
                username=user.username,
            )
            return await page(request, tx, realm, tab, REAUTH_STEP, context, INVALID_PASSWORD)
        config = oidc.Config.of(provider)
        brokered = oidc.Identity(context["id"], context["username"], None, None, None, context.get("token"))
        await first_login.link(tx, realm, config, brokered, user)
        await record(request, tx, realm, tab, user, "FEDERATED_IDENTITY_LINK", config, brokered)
        return await finish(request, tx, realm, tab, user, config.alias, brokered.username)

    return await in_transaction(request, work)
