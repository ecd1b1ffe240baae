"""The pages of the required actions beyond the password and the authenticator (the profile, the terms, deleting
a credential or the account), and of the registration form, for the login outcomes that ask for them
(``web.login_responses.render`` creates the authentication session and its form code)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse

from doorkeep.admin import user_profile as up_config
from doorkeep.console import pages
from doorkeep.console.i18n import Language
from doorkeep.model import Client, Realm
from doorkeep.oauth import login_outcomes, redirect_uris
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.users import account_profile, declared, unmanaged
from doorkeep.users.account import effective_url
from doorkeep.web import locale as page_locale
from doorkeep.web.http import base_url


def _action(request: Request, realm: Realm, name: str) -> str:
    return f"{base_url(request)}/realms/{realm.name}/login-actions/{name}"


def page(
    request: Request,
    realm: Realm,
    client: Client,
    outcome: login_outcomes.NeedProfileUpdate
    | login_outcomes.NeedTerms
    | login_outcomes.NeedRegistration
    | login_outcomes.NeedDeleteCredential
    | login_outcomes.NeedDeleteAccount,
    token: str,
    ui: Language,
    tab: dict[str, str] | None = None,
    required_action: str | None = None,
) -> str:
    """The page ``outcome`` asks for. ``tab`` is the query that names the login's tab (``tab_params``), which
    the registration form's "Back to Login" carries as Keycloak's ``url.loginUrl`` does; ``required_action``:
    the required actions' form target with the session code, the step, the client and the tab in its query
    (Keycloak's ``url.loginAction``; a post whose cookies are gone still names its client, for the error page's
    "Back to Application")."""
    shown = realm.display_name or realm.name
    target = required_action or _action(request, realm, "required-action")
    if isinstance(outcome, login_outcomes.NeedDeleteCredential):
        return pages.delete_credential(shown, target, token, outcome.label, ui=ui)
    if isinstance(outcome, login_outcomes.NeedDeleteAccount):
        return pages.delete_account(shown, target, token, error=outcome.error, cancel=outcome.cancel, ui=ui)
    if isinstance(outcome, login_outcomes.NeedTerms):
        return pages.terms(shown, target, token, ui=ui)
    if isinstance(outcome, login_outcomes.NeedProfileUpdate):
        flags = account_profile.read_only(realm)
        return pages.update_profile(
            shown,
            target,
            token,
            outcome.values,
            outcome.errors,
            username_editable=not flags["username"],
            email_editable=not flags["email"],
            cancel=outcome.cancel,
            extra=_profile_fields(realm, outcome.lists),
            lists=outcome.lists,
            ui=ui,
        )
    back = redirect_uris.with_params(_action(request, realm, "authenticate"), tab or {"client_id": client.client_id})
    return pages.register(
        shown,
        _action(request, realm, "registration"),
        token,
        outcome.values,
        outcome.errors,
        email_as_username=realm.registration_email_as_username,
        login_url=back,
        extra=declared.form_fields(up_config.config_of(realm), declared.REGISTRATION),
        ui=ui,
    )


def _profile_fields(realm: Realm, attributes: dict[str, list[str]]) -> list[dict[str, str]]:
    """The update-profile page's declared attributes, then the user's unmanaged ones where the realm's policy
    lets the user edit them (ENABLED)."""
    config = up_config.config_of(realm)
    fields = declared.form_fields(config, declared.UPDATE_PROFILE)
    if not up_config.enforced(realm):
        return fields
    policy = up_config.unmanaged_policy(realm)
    return fields + unmanaged.form_fields(config, policy, declared.UPDATE_PROFILE, attributes)


def account_deleted(request: Request, realm: Realm, client: Client, auth_request: AuthRequest) -> HTMLResponse:
    """DeleteAccount's last page: info.ftl with "User deleted successfully" and, as info.ftl does without a
    redirect of its own, "« Back to Application" to the client's base URL when it has one."""
    ui = page_locale.language(request, realm, auth_request=auth_request)
    back = effective_url(client, base_url(request))
    shown = realm.display_name or realm.name
    return HTMLResponse(pages.action_info(shown, ui.text("userDeletedSuccessfully"), back_uri=back, ui=ui))
