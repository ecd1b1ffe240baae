"""Users → a user's Details and Credentials tabs, as Keycloak's console shows them (UserForm, UserCredentials).

Details: enabled, email verified, first and last name, email and the required user actions, sent as the
partial UserRepresentation of ``PUT users/{id}`` to ``users_ops.update_user`` (its profile validation, its
duplicate-email check, its 409 and error texts). Credentials: the stored credentials as ``GET credentials``
lists them (view-users since Keycloak 22; the forms are shown to manage-users only), Reset password as
``PUT reset-password`` (``users_ops.reset_password``: policy, Temporary adds UPDATE_PASSWORD) and Delete as
``DELETE credentials/{id}``. Each write is recorded as that REST call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from doorkeep.errors import AdminError
from doorkeep.model import Credential, User
from doorkeep.users import read_only
from doorkeep.users.profile import ProfileError
from doorkeep.web.admin import users_ops as ops
from doorkeep.web.admin_console.context import Console, Missing
from doorkeep.web.admin_console.forms import FormErrors, FormState, checkbox

# The required user actions Keycloak's console offers in this form (and the realm enables by default).
ACTIONS = (
    ("UPDATE_PASSWORD", "Update Password"),
    ("CONFIGURE_TOTP", "Configure OTP"),
    ("UPDATE_PROFILE", "Update Profile"),
    ("TERMS_AND_CONDITIONS", "Terms and Conditions"),
    ("VERIFY_EMAIL", "Verify Email"),
)
TEXTS = (("email", "Email"), ("firstName", "First name"), ("lastName", "Last name"))
SWITCHES = (("enabled", "Enabled"), ("emailVerified", "Email verified"))


def details_form(u: User) -> FormState:
    return FormState(
        {
            "email": u.email or "",
            "firstName": u.first_name or "",
            "lastName": u.last_name or "",
            "enabled": u.enabled,
            "emailVerified": u.email_verified,
            "requiredActions": list(u.required_actions),
        }
    )


def _refused(typed: FormState, err: AdminError) -> FormErrors:
    """The REST API's refusal as the form's errors: each profile error by its field, a taken e-mail address (409
    "User exists with same email") by the E-mail field, else its message."""
    if isinstance(err, ProfileError):
        for e in err.errors:
            typed.errors.setdefault(str(e["field"]), f"{e['field']}: {e['errorMessage']}")
    elif err.status == 409 and "email" in (err.description or err.message):
        typed.errors["email"] = err.description or err.message
    else:
        typed.errors["form"] = err.description or err.message
    return FormErrors(typed)


async def save_details(c: Console, u: User, form: Mapping[str, str], actions: list[str]) -> None:
    """``PUT users/{id}`` with what the Details form holds (manage-users). Required actions not offered here
    (set through the REST API) are kept; a posted one that is not offered is ignored as the REST API
    ignores unknown ones."""
    c.require("manage-users")
    offered = {name for name, _ in ACTIONS}
    kept = [a for a in u.required_actions if a not in offered]
    chosen = [a for name, _ in ACTIONS for a in actions if a == name]
    rep: dict[str, Any] = {name: form.get(name, "").strip() for name, _ in TEXTS}
    rep |= {name: checkbox(form, name) for name, _ in SWITCHES}
    rep["requiredActions"] = [*kept, *dict.fromkeys(chosen)]
    typed = FormState({**rep, "requiredActions": chosen})
    try:
        # the form sends no attributes, so the built-in read-only ones are as good as the server's
        await ops.update_user(c.tx, c.realm, u, rep, c.now, read_only.BUILT_IN.admin)
    except AdminError as err:
        raise _refused(typed, err) from None
    c.changed("PUT", "users", u.id, body=rep)


async def credentials(c: Console, u: User) -> list[Credential]:
    """``GET users/{id}/credentials`` (view-users since Keycloak 22, keycloak/keycloak#19587)."""
    c.require("view-users")
    return list(await c.tx.users.credentials(u.id))


async def reset_password(c: Console, u: User, form: Mapping[str, str]) -> None:
    """``PUT users/{id}/reset-password`` with ``{type: password, value, temporary}`` (manage-users)."""
    c.require("manage-users")
    password, confirmation = form.get("password", ""), form.get("passwordConfirmation", "")
    typed = FormState({"temporary": checkbox(form, "temporary")})
    if password != confirmation:  # the console's own check (Keycloak's ResetPasswordDialog), before any call
        typed.errors["passwordConfirmation"] = "Passwords do not match."
        raise FormErrors(typed)
    rep = {"type": "password", "value": password, "temporary": typed.values["temporary"]}
    try:
        await ops.reset_password(c.tx, c.realm, u, rep, c.now)
    except AdminError as err:
        raise _refused(typed, err) from None
    c.changed("PUT", "users", u.id, "reset-password")  # recorded without its representation, as Keycloak


async def delete_credential(c: Console, u: User, credential_id: str) -> Credential:
    """``DELETE users/{id}/credentials/{credentialId}`` (manage-users)."""
    c.require("manage-users")
    found = next((cr for cr in await c.tx.users.credentials(u.id) if cr.id == credential_id), None)
    if found is None or not await c.tx.users.delete_credential(u.id, credential_id):
        raise Missing("Credential not found")
    c.changed("DELETE", "users", u.id, "credentials", credential_id)
    return found
