"""The first GET of a tab whose flow a timeout reset: the browser flow runs again from the top.

SessionCodeChecks.isActionActive answers a timed-out step with AuthenticationProcessor.resetFlow, which clears the
status of every execution, and a 302 to ``login-actions/authenticate``. That GET is LoginActionsService.processFlow
without an action: DefaultAuthenticationFlow runs every execution not yet processed, the Cookie authenticator first,
so an SSO session made meanwhile in the browser (another tab signed in) finishes the tab's login at once, as the
authorization endpoint would (re-authentication and step-up rules included, ``login_flow.begin``). The Cookie
authenticator is then ATTEMPTED: later GETs of the tab show its form without asking the cookie again.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep.oauth import login_flow
from doorkeep.oauth.login_actions import FLOW_RESET_NOTE, FORWARDED_ERROR_NOTE, Shown
from doorkeep.oauth.login_outcomes import Browser, NeedLogin
from doorkeep.sessions import remember_me, sso

if TYPE_CHECKING:
    from doorkeep.model import Realm
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx


@dataclass(frozen=True)
class Browsed:
    """The GET's cookies and origin: the identity cookie, KEYCLOAK_REMEMBER_ME, the realm's issuer, the browser."""

    identity_cookie: str | None
    remember_me_cookie: str | None
    issuer: str
    browser: Browser


async def rerun(tx: Tx, services: Services, realm: Realm, shown: Shown, browsed: Browsed) -> Shown | None:
    """The tab ``shown`` after its flow was reset, the reset's mark gone: its login begun again over the browser's
    SSO session, or its login form when no SSO session is there; None when the flow was not reset (the page as it
    waits)."""
    tab = shown.auth_session
    if tab.notes.get(FLOW_RESET_NOTE) is None:
        return None
    notes = {k: v for k, v in tab.notes.items() if k != FLOW_RESET_NOTE}
    await tx.flows.advance_auth_session(tab.id, tab.user_id, tab.step, tab.form_token, notes)
    tab = dataclasses.replace(tab, notes=notes)
    current = await sso.current_session(tx, services, realm, browsed.issuer, browsed.identity_cookie)
    if current is None or shown.user is not None or not isinstance(shown.outcome, NeedLogin):
        return dataclasses.replace(shown, auth_session=tab)
    request = login_flow.pinned(realm, shown.request, current, services.clock.now(), services.disabled_features)
    if request != shown.request:
        await tx.flows.replace_auth_request(tab.id, request.to_json())
    remembered = remember_me.remembered_username(browsed.remember_me_cookie)
    outcome = await login_flow.begin(tx, services, realm, shown.client, request, current, browsed.browser, remembered)
    forwarded = notes.get(FORWARDED_ERROR_NOTE)
    if isinstance(outcome, NeedLogin) and outcome.error is None and isinstance(forwarded, str):
        outcome = dataclasses.replace(outcome, error=forwarded)
    return Shown(tab, shown.client, request, outcome, None)
