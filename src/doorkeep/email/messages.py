"""The e-mails' subjects and bodies, as Keycloak's FreeMarkerEmailTemplateProvider builds them from its email
theme: the message keys and parameters of ``messages_xx.properties`` (``{0}`` the link, ``{2}`` the realm's
name, then the expiry as LinkExpirationFormatterMethod writes it), rendered by Jinja2 into a text part and an
HTML part (``console/templates/email/``; the HTML one autoescaped, the link its only anchor).

The language is the user's (``locale`` attribute) where the realm has internationalization on, else the
realm's default: ``resolve`` with what the caller knows (Keycloak's executeActionsEmail ignores the admin's
Accept-Language, IGNORE_ACCEPT_LANGUAGE_HEADER).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

import jinja2

from doorkeep.console.i18n import CATALOGS, Language
from doorkeep.console.templating import TEMPLATES, render
from doorkeep.email.smtp import Mail
from doorkeep.model import Realm, User
from doorkeep.realms import localization
from doorkeep.users import locale

_TEXT = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=False, keep_trailing_newline=False)
_CHOICE = re.compile(r"(\d+)([#<])(.*)")
_UNITS = (("days", 1440), ("hours", 60), ("minutes", 1))


def language(realm: Realm, user: User, accept_language: str = "") -> Language:
    """The e-mail's language: ``resolveLocale(user)`` without a kc_locale pick or cookie."""
    tag = locale.resolve(realm, locale.Asked(user=locale.of_user(user), accept_language=accept_language))
    return Language(tag, overrides=localization.overrides(realm, tag, CATALOGS))


def direction(ui: Language) -> str:
    """``<html dir>``: FreeMarkerEmailTemplateProvider's ``ltr``, Java's Bidi over the language's own name (the
    ``locale_xx`` message, else the bare language tag) being left to right throughout."""
    language_tag = ui.tag.split("-")[0]
    name = ui.text(f"locale_{language_tag}")
    if name == f"locale_{language_tag}":  # no such message: the tag itself
        name = language_tag
    return "rtl" if any(unicodedata.bidirectional(c) in ("R", "AL", "AN") for c in name) else "ltr"


def _choice(pattern: str, value: int) -> str:
    """A ``{0,choice,0#minutes|1#minute|1<minutes}`` of Java's ChoiceFormat, for ``value``."""
    body = pattern.removeprefix("{0,choice,").removesuffix("}")
    chosen = ""
    for option in body.split("|"):
        found = _CHOICE.fullmatch(option)
        if found is None:
            continue
        limit, kind, text = int(found[1]), found[2], found[3]
        if value > limit or (kind == "#" and value == limit):
            chosen = text
    return chosen


def expiration(ui: Language, minutes: int) -> str:
    """LinkExpirationFormatterMethod: whole days, else whole hours, else minutes (``12 hours``)."""
    for unit, size in _UNITS:
        if minutes % size == 0 and (minutes >= size or unit == "minutes"):
            value = minutes // size
            return f"{value} {_choice(ui.text(f'linkExpirationFormatter.timePeriodUnit.{unit}'), value)}"
    return f"{minutes} {_choice(ui.text('linkExpirationFormatter.timePeriodUnit.minutes'), minutes)}"


def realm_name(realm: Realm) -> str:
    """The ``realmName`` attribute of every e-mail: the display name, else the name with its first letter upper
    case (FreeMarkerEmailTemplateProvider.getRealmName: ``ObjectUtil.capitalize``), so realm ``test`` mails say
    "Test"."""
    return realm.display_name or realm.name[:1].upper() + realm.name[1:]


def _mail(ui: Language, to: str, subject_key: str, body_key: str, link: str, *args: object) -> Mail:
    subject = ui.text(subject_key)
    body = ui.text(body_key, link, *args)
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    html = render(
        "email/message.html", tag=ui.tag, dir=direction(ui), subject=subject, paragraphs=paragraphs, link=link
    )
    text = _TEXT.get_template("email/message.txt").render(body=body)
    return Mail(to, subject, text, html)


def password_reset(ui: Language, realm: Realm, user: User, link: str, minutes: int) -> Mail:
    """sendPasswordReset: ``passwordResetSubject``, ``passwordResetBody`` (link, minutes, realm, expiry)."""
    args = (minutes, realm_name(realm), expiration(ui, minutes))
    return _mail(ui, user.email or "", "passwordResetSubject", "passwordResetBody", link, *args)


def execute_actions(ui: Language, realm: Realm, user: User, link: str, minutes: int, actions: Sequence[str]) -> Mail:
    """sendExecuteActions: the actions by their ``requiredAction.<ALIAS>`` names, comma-separated."""
    named = ", ".join(ui.text(f"requiredAction.{a}") for a in actions)
    args = (minutes, realm_name(realm), named, expiration(ui, minutes))
    return _mail(ui, user.email or "", "executeActionsSubject", "executeActionsBody", link, *args)


def verify_email(ui: Language, realm: Realm, user: User, link: str, minutes: int) -> Mail:
    """sendVerifyEmail: ``emailVerificationSubject``, ``emailVerificationBody``."""
    args = (minutes, realm_name(realm), expiration(ui, minutes))
    return _mail(ui, user.email or "", "emailVerificationSubject", "emailVerificationBody", link, *args)


def update_email(ui: Language, realm: Realm, user: User, link: str, minutes: int, new_email: str) -> Mail:
    """sendEmailUpdateConfirmation: to the new address, ``emailUpdateConfirmationSubject`` and
    ``emailUpdateConfirmationBody`` (link, new address, realm, expiry)."""
    args = (new_email, realm_name(realm), expiration(ui, minutes))
    return _mail(ui, new_email, "emailUpdateConfirmationSubject", "emailUpdateConfirmationBody", link, *args)


def identity_provider_link(
    ui: Language, realm: Realm, user: User, link: str, minutes: int, provider: str, idp_username: str
) -> Mail:
    """sendConfirmIdentityBrokerLink (identity-provider-link.ftl): ``identityProviderLinkSubject`` with the
    provider's name, ``identityProviderLinkBody`` (provider, realm, brokered username, link, minutes, expiry)."""
    args = (provider, realm_name(realm), idp_username, link, minutes, expiration(ui, minutes))
    body = ui.text("identityProviderLinkBody", *args)
    subject = ui.text("identityProviderLinkSubject", provider)
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    html = render(
        "email/message.html", tag=ui.tag, dir=direction(ui), subject=subject, paragraphs=paragraphs, link=link
    )
    text = _TEXT.get_template("email/message.txt").render(body=body)
    return Mail(user.email or "", subject, text, html)


def smtp_test(ui: Language, to: str) -> Mail:
    """sendSmtpTestEmail: ``emailTestSubject`` and ``emailTestBody``."""
    subject, body = ui.text("emailTestSubject"), ui.text("emailTestBody")
    html = render("email/message.html", tag=ui.tag, dir=direction(ui), subject=subject, paragraphs=[body], link=None)
    return Mail(to, subject, body, html)


def org_invite(
    ui: Language, realm: Realm, to: str, names: tuple[str, str] | None, link: str, minutes: int, org: str
) -> Mail:
    """sendOrgInviteEmail (org-invite.ftl): ``orgInviteSubject`` with the organization's name, then
    ``orgInviteBodyPersonalized`` where the invitee has both a first and a last name, else ``orgInviteBody``
    (link, minutes, realm, organization, expiry, first name, last name)."""
    args: tuple[object, ...] = (minutes, realm_name(realm), org, expiration(ui, minutes), *(names or ()))
    body_key = "orgInviteBodyPersonalized" if names is not None else "orgInviteBody"
    body = ui.text(body_key, link, *args)
    subject = ui.text("orgInviteSubject", org)
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    html = render(
        "email/message.html", tag=ui.tag, dir=direction(ui), subject=subject, paragraphs=paragraphs, link=link
    )
    text = _TEXT.get_template("email/message.txt").render(body=body)
    return Mail(to, subject, text, html)
