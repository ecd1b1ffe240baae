"""Realm settings: the Login and Localization tabs, as Keycloak's console shows them.

The forms build the partial RealmRepresentation Keycloak's console sends (``RealmSettingsLoginTab``: one
switch each; ``LocalizationTab``: internationalization, supported and default locale) and read it with
``parse.updated_realm``, the reader of ``PUT /admin/realms/{realm}``: the same rules and the same error
texts. Saving is ``views_realm.save`` (``admin_ops.update_realm``, recorded as that PUT).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from doorkeep.admin.representations import RepresentationError
from doorkeep.console.i18n import CATALOGS, label
from doorkeep.errors import AdminError
from doorkeep.model import Realm
from doorkeep.users import webauthn_policy
from doorkeep.web.admin import parse
from doorkeep.web.admin_console.forms import FormErrors, FormState, checkbox


@dataclass(frozen=True)
class Switch:
    """One switch of the Login tab: its RealmRepresentation name, label, help, and the model attribute."""

    name: str
    label: str
    attr: str
    help: str


LOGIN = (
    Switch(
        "registrationAllowed", "User registration", "registration_allowed", "The login page offers a link to register."
    ),
    Switch(
        "resetPasswordAllowed",
        "Forgot password",
        "reset_password_allowed",
        "The login page offers a link to reset a forgotten password.",
    ),
    Switch(
        "rememberMe",
        "Remember me",
        "remember_me",
        "The login page offers a switch to stay signed in after the browser closes.",
    ),
    Switch(
        "registrationEmailAsUsername",
        "Email as username",
        "registration_email_as_username",
        "Users register and sign in with their email address as username.",
    ),
    Switch(
        "loginWithEmailAllowed",
        "Login with email",
        "login_with_email_allowed",
        "Users may sign in with their email address instead of their username.",
    ),
    Switch(
        "duplicateEmailsAllowed",
        "Duplicate emails",
        "duplicate_emails_allowed",
        "Several users may share one email address (keep it off while login with email or email as username is on).",
    ),
    Switch(
        "verifyEmail",
        "Verify email",
        "verify_email",
        "Users must verify their email address after the first sign-in or a change of it.",
    ),
    Switch(
        "editUsernameAllowed",
        "Edit username",
        "edit_username_allowed",
        "Users may change their username in the account console.",
    ),
)
I18N = "internationalizationEnabled"
SUPPORTED = "supportedLocales"
DEFAULT = "defaultLocale"


def login_form(realm: Realm) -> FormState:
    return FormState({s.name: bool(getattr(realm, s.attr)) for s in LOGIN})


def read_login(realm: Realm, form: Mapping[str, str]) -> Realm:
    """The realm with the Login tab's switches, read as ``PUT /admin/realms/{realm}`` reads them."""
    return updated(realm, {s.name: checkbox(form, s.name) for s in LOGIN}, login_form(realm))


def locales(realm: Realm) -> list[tuple[str, str]]:
    """The locales offered: those with a message catalog, and any other the realm already supports
    (set through the REST API), so that saving the tab never drops them unseen."""
    tags = list(dict.fromkeys([*CATALOGS, *realm.supported_locales]))
    return [(tag, label(tag)) for tag in tags]


def localization_form(realm: Realm) -> FormState:
    return FormState(
        {
            I18N: realm.internationalization_enabled,
            SUPPORTED: list(realm.supported_locales),
            DEFAULT: realm.default_locale or "",
        }
    )


def read_localization(realm: Realm, form: Mapping[str, str], chosen: list[str]) -> Realm:
    """The realm with the Localization tab's values; a locale not offered is refused in words (a forged form)."""
    offered = {tag for tag, _ in locales(realm)}
    default = form.get(DEFAULT, "").strip()
    typed = FormState({I18N: checkbox(form, I18N), SUPPORTED: chosen, DEFAULT: default})
    unknown = [tag for tag in [*chosen, default] if tag and tag not in offered]
    if unknown:
        typed.errors[SUPPORTED] = f"Unknown locale: {unknown[0]}"
        raise FormErrors(typed)
    rep: dict[str, Any] = {I18N: typed.values[I18N], SUPPORTED: list(dict.fromkeys(chosen))}
    if default:
        rep[DEFAULT] = default
    return updated(realm, rep, typed)


def updated(realm: Realm, rep: dict[str, Any], shown: FormState) -> Realm:
    """``rep`` read by the REST API's reader; its refusal becomes the form's error, worded as the REST API's. The
    realm's WebAuthn policies go along as stored, as in the whole representation Keycloak's console PUTs: the reader
    rebuilds a policy whose relying party entity name the update names (``webauthn_policy.updated``), so a WebAuthn
    tab's ``rep`` replaces its own policy and the other is rebuilt from what is stored, unchanged."""
    try:
        return parse.updated_realm(realm, {**webauthn_policy.representation(realm), **rep})
    except AdminError as err:
        shown.errors["form"] = err.description or err.message
    except RepresentationError as err:
        shown.errors["form"] = str(err)
    raise FormErrors(shown)
