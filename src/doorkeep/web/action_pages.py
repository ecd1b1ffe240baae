"""The pages of the required actions beyond the password and the authenticator (the profile, the terms, deleting
a credential or the account), and of the registration form, for the login outcomes that ask for them
(``web.login_responses.render`` creates the authentication session and its form code). Each form posts to
``target``, its tab's login-actions URL (session code, execution, client_id, tab_id and client_data, as
Keycloak's ``url.loginAction`` / ``url.registrationAction``); ``back`` is register.ftl's "Back to Login"."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse

from doorkeep.admin import user_profile as up_config
from doorkeep.broker import providers
from doorkeep.console import pages
from doorkeep.console.i18n import Language
from doorkeep.console.templating import render
from doorkeep.model import Client, Realm
from doorkeep.oauth import login_outcomes, registration, registration_password, registration_terms
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.users import account_profile, declared, unmanaged
from doorkeep.users.account import effective_url
from doorkeep.web import locale as page_locale
from doorkeep.web.http import base_url

_NAMES = ("firstName", "lastName")  # the root attributes whose permissions alone decide the page's field


def page(
    realm: Realm,
    outcome: login_outcomes.NeedProfileUpdate
    | login_outcomes.NeedTerms
    | login_outcomes.NeedRegistration
    | login_outcomes.NeedDeleteCredential
    | login_outcomes.NeedDeleteAccount
    | login_outcomes.NeedIdpLink,
    token: str,
    ui: Language,
    *,
    target: str,
    back: str,
    scopes: frozenset[str] = frozenset(),
    heading: str | None = None,
) -> str:
    """The page ``outcome`` asks for, its form posting to ``target`` (see the module's docstring); ``scopes``:
    the client scopes the authentication requests, which decide the registration and update-profile forms'
    declared attributes; ``heading``: the registration form's title in place of "Register" (an organization
    invitation's ``organization.member.register.title``)."""
    shown = realm.display_name or realm.name
    if isinstance(outcome, login_outcomes.NeedIdpLink):  # link-idp-action.ftl, the provider's display name
        name = providers.display_name(realm, outcome.display_name)
        return render(
            "login/link_idp_action.html",
            title=ui.text("linkIdpActionTitle", name),
            realm_display=shown,
            action=target,
            form_token=token,
            provider=name,
            ui=ui,
        )
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
            username_shown=account_profile.username_shown(realm),
            names={n: account_profile.root_permissions(realm, n, declared.UPDATE_PROFILE) for n in _NAMES},
            email_editable=not flags["email"] or (outcome.no_email and account_profile.email_settable(realm)),
            cancel=outcome.cancel,
            extra=_profile_fields(realm, outcome.lists, scopes),
            lists=outcome.lists,
            labels=root_labels(up_config.config_of(realm), ui),
            config=registration.profile_config(realm, scopes),
            ui=ui,
        )
    config = registration.profile_config(realm, scopes)
    return pages.register(
        shown,
        target,
        token,
        outcome.values,
        outcome.errors,
        email_as_username=realm.registration_email_as_username,
        login_url=back,
        extra=declared.form_fields(config, declared.REGISTRATION),
        email_shown=registration.email_shown(realm, config),
        labels=root_labels(config, ui),
        config=config,
        heading=heading,
        passwords=not registration_password.deferred(realm),
        terms=registration_terms.shown(realm),
        ui=ui,
    )


def root_labels(config: dict[str, Any], ui: Language) -> dict[str, str]:
    """register.ftl's and login-update-profile.ftl's labels of the root attributes the configuration declares: the
    display name (a ``${key}`` in the page's language), else the built-in one of username and email, else the
    attribute's name (AttributeMetadata.getAttributeDisplayName)."""
    out: dict[str, str] = {}
    for attribute in config.get("attributes") or []:
        if (name := attribute.get("name")) in declared.ROOT:
            label = declared.display_name(attribute, account_profile.BUILT_IN_DISPLAY_NAMES.get(name))
            out[attribute["name"]] = ui.text(label[2:-1]) if label.startswith("${") and label.endswith("}") else label
    return out


def _profile_fields(realm: Realm, attributes: dict[str, list[str]], scopes: frozenset[str]) -> list[dict[str, str]]:
    """The update-profile page's declared attributes (those the login's requested client ``scopes`` select),
    then the user's unmanaged ones where the realm's policy lets the user edit them (ENABLED)."""
    config = registration.profile_config(realm, scopes)
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
