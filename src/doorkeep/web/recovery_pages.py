"""The pages of a choice (web/login_pages.py renders the others): the recovery code page, the "Try Another Way"
list, the organization step's select-organization.ftl, the CONFIGURE_RECOVERY_AUTHN_CODES page, and the link to the
list on a gate's page while the user has another step to choose (oauth/login_choices.py decides which)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from starlette.requests import Request

from doorkeep.console import recovery_pages as pages
from doorkeep.model import Client, Realm
from doorkeep.oauth import flow_gates, login_choices, login_outcomes
from doorkeep.oauth.login_session import RECOVERY_AT_NOTE, RECOVERY_CODES_NOTE, Waiting
from doorkeep.users import recovery_codes
from doorkeep.web.http import state

if TYPE_CHECKING:
    from doorkeep.console.i18n import Language
    from doorkeep.store.tx import Tx

ChoicePage = (
    login_outcomes.NeedRecoveryCode
    | login_outcomes.NeedSelection
    | login_outcomes.NeedRecoverySetup
    | login_outcomes.NeedOrganization
)


async def another_way(
    request: Request, tx: Tx, realm: Realm, client: Client, waiting: Waiting, *, password: bool = False
) -> str:
    """Where the page's "Try Another Way" posts: the login form's target while the user has another step to
    take at this gate, else "" (no link); ``password``: the page is the login form, which is a gate's step only
    as identity-first's choice of the password or the passkey."""
    from doorkeep.web.login_pages import login_action

    if waiting.user is None:
        return ""
    flow, index = waiting.request.requested_flow, waiting.request.flow_gate
    if password and not flow_gates.password_choice(realm, client, flow, index):
        return ""
    disabled = state(request).services.disabled_features
    found = await login_choices.options_for(tx, realm, client, waiting.request, waiting.user.id, disabled)
    return login_action(request, realm, waiting.auth_session, client) if login_choices.others(found) else ""


async def choice_page(
    request: Request, tx: Tx, realm: Realm, client: Client, outcome: ChoicePage, waiting: Waiting, ui: Language
) -> str:
    """The page ``outcome`` asks for, its form posting the step ``waiting`` stands for."""
    from doorkeep.web.login_pages import display, login_action, restart_link, step_url

    tab, user = waiting.auth_session, waiting.user
    assert user is not None
    username = waiting.request.attempted_username or user.username
    restart = restart_link(request, realm, client, tab)
    if isinstance(outcome, login_outcomes.NeedRecoverySetup):
        codes = [recovery_codes.grouped(c) for c in (tab.notes.get(RECOVERY_CODES_NOTE) or "").split(",") if c]
        target = step_url(request, realm, "required-action", tab, client)
        at = tab.notes.get(RECOVERY_AT_NOTE) or ""
        return pages.recovery_codes_setup(
            display(realm), target, tab.form_token, codes, at, cancel=outcome.cancel, ui=ui
        )
    target = login_action(request, realm, tab, client)
    if isinstance(outcome, login_outcomes.NeedOrganization):  # ProfileBean.getOrganizations: all of the user's
        mine = [(o.alias, o.name) for o in await tx.organizations.of_user(user.id)]
        return pages.select_organization(display(realm), target, tab.form_token, mine, ui=ui)
    if isinstance(outcome, login_outcomes.NeedRecoveryCode):
        another = await another_way(request, tx, realm, client, waiting)
        return pages.recovery_code(
            display(realm),
            target,
            tab.form_token,
            outcome.number,
            error=outcome.error,
            username=username,
            restart=restart,
            another=another,
            ui=ui,
        )
    disabled = state(request).services.disabled_features
    found = await login_choices.options_for(tx, realm, client, waiting.request, user.id, disabled)
    listed = [(o.execution, *login_choices.DISPLAY[o.action]) for o in found]
    return pages.select_authenticator(
        display(realm), target, tab.form_token, listed, username=username, restart=restart, ui=ui
    )
