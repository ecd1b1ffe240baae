"""The pages built from the user profile's form: updating the profile (login-update-profile.ftl, and the first
broker login's idp-review-user-profile.ftl) and registering (register.ftl), their fields in the order, groups and
input types the user profile declares (``users.profile_form``), rendered with autoescape."""

from __future__ import annotations

from typing import Any

from markupsafe import Markup

from doorkeep.console.i18n import ENGLISH, Language
from doorkeep.console.templating import render
from doorkeep.users import profile_form


def update_profile(
    realm_display: str,
    action: str,
    form_token: str,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    username_editable: bool,
    email_editable: bool,
    username_shown: bool | None = None,
    names: dict[str, tuple[bool, bool]] | None = None,
    cancel: bool = False,
    extra: list[dict[str, str]] | None = None,
    lists: dict[str, list[str]] | None = None,
    labels: dict[str, str] | None = None,
    config: dict[str, Any] | None = None,
    review: bool = False,
    ui: Language = ENGLISH,
) -> str:
    """login-update-profile.ftl (``review``: idp-review-user-profile.ftl, the first broker login's Review Profile,
    under its own title and without the info message): the user profile's fields the user may see (``extra``: the
    declared ones, ``users.declared.form_fields``; a read-only one rendered ``disabled`` with its value), each with
    its first error; a multivalued one has an input per value (``lists``); ``labels``: the root fields' labels where the
    configuration gives them. The fields follow ``config``'s order, groups and input types
    (``users.profile_form``). ``username_shown``: the username may be seen though not edited (then ``disabled``);
    by default it is shown only where it may be edited. ``names``: whether the user may view and edit firstName and
    lastName (``users.account_profile.root_permissions``; by default both), one seen but not editable ``disabled``."""
    seen = username_editable if username_shown is None else username_shown
    names = names or {}
    view = {n: names.get(n, (True, True))[0] for n in ("firstName", "lastName")}
    roots = _roots({"username": seen, "email": email_editable, **view}, labels or {})
    if seen and not username_editable:
        roots["username"]["readonly"] = "true"
    for name in (n for n in view if view[n] and not names.get(n, (True, True))[1]):
        roots[name]["readonly"] = "true"
    fields = profile_form.ordered(config or {}, list(extra or []), roots)
    return render(
        "login/update_profile.html",
        title=ui.text("loginIdpReviewProfileTitle" if review else "loginProfileTitle"),
        review=review,
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        values=values,
        errors=errors,
        username_editable=username_editable,
        email_editable=email_editable,
        cancel=cancel,
        extra=extra or [],
        lists=lists or {},
        labels=labels or {},
        fields=fields,
        helper=_helper_html,
        ui=ui,
    )


ROOT_AUTOCOMPLETE = {"username": "username", "email": "email", "firstName": "given-name", "lastName": "family-name"}


def _roots(shown: dict[str, bool], labels: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The root attributes a form shows, as ``profile_form.ordered`` takes them (a label the profile names, else
    the page's own message)."""
    roots: dict[str, dict[str, Any]] = {}
    for name, complete in ROOT_AUTOCOMPLETE.items():
        if shown[name]:
            label = labels.get(name) or "${" + name + "}"
            roots[name] = {"name": name, "label": label, "readonly": "", "multivalued": "", "autocomplete": complete}
    return roots


def _helper_html(text: str, ui: Language) -> Markup:
    """A helper text annotation (``${key}`` resolved) as the little HTML it may hold."""
    if text.startswith("${") and text.endswith("}"):
        text = ui.text(text[2:-1])
    return Markup(profile_form.helper_html(text))  # escaped, but for a few inline tags


def register(
    realm_display: str,
    action: str,
    form_token: str,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    email_as_username: bool,
    login_url: str,
    extra: list[dict[str, str]] | None = None,
    email_shown: bool = True,
    labels: dict[str, str] | None = None,
    config: dict[str, Any] | None = None,
    heading: str | None = None,
    passwords: bool = True,
    terms: bool = False,
    ui: Language = ENGLISH,
) -> str:
    """register.ftl (``heading``: its ``messageHeader`` where one is set; ``passwords``: its
    ``passwordRequired``, false where the password is set after the e-mail is verified; ``terms``: its
    ``termsAcceptanceRequired``, the terms and their checkbox after the fields): the values typed (never the
    passwords) and the first error of each field; ``extra``: the declared attributes' fields
    (``users.declared.form_fields``; a read-only one rendered ``disabled``);
    ``email_shown``: false where the user may not see the e-mail; ``labels``: the root fields' labels where the
    user profile names them (else the page's own). The fields follow ``config`` (``users.profile_form``), the
    passwords after the username (after the e-mail where it is the username)."""
    shown = {"username": not email_as_username, "email": email_shown, "firstName": True, "lastName": True}
    fields = profile_form.ordered(config or {}, list(extra or []), _roots(shown, labels or {}))
    return render(
        "login/register.html",
        title=heading or ui.text("registerTitle"),
        heading=heading,
        realm_display=realm_display,
        action=action,
        form_token=form_token,
        values=values,
        errors=errors,
        email_as_username=email_as_username,
        email_shown=email_shown,
        labels=labels or {},
        login_url=login_url,
        extra=extra or [],
        fields=fields,
        helper=_helper_html,
        password_after=("email" if email_as_username else "username") if passwords else None,
        terms=terms,
        ui=ui,
    )
