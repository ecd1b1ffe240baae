"""Sending one e-mail through the realm's SMTP server, as Keycloak's DefaultEmailSenderProvider.send does.

The settings are the realm's ``smtpServer`` map (RealmModel.getSmtpConfig): ``host``, ``port``, ``from``,
``fromDisplayName``, ``replyTo``, ``replyToDisplayName``, ``envelopeFrom``, ``ssl``, ``starttls``, ``auth``,
``user``, ``password``, ``allowutf8``, and the timeouts in milliseconds (``connectionTimeout``, ``timeout``, 10 s
each by default). Without ``allowutf8`` an address's domain is sent in its ASCII (IDN) form and a local part past
ASCII is refused; with it both go as they are, over SMTPUTF8. ``authType`` ``token`` logs in with SASL XOAUTH2 and
an access token from ``authTokenUrl`` (email/smtp_tokens.py). The standard library's blocking ``smtplib`` runs in a
worker thread, bounded by those timeouts, so no request's event loop waits on a mail server. Failures raise
``EmailError`` with Keycloak's message and are logged with the host and the exception only: never the password,
never the message.
"""

from __future__ import annotations

import asyncio
import logging
import re
import smtplib
import ssl
from dataclasses import dataclass
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formataddr, formatdate, make_msgid

from doorkeep.email import smtp_tokens
from doorkeep.vault import RealmVault

TokenLogin = tuple[smtp_tokens.SmtpTokens, str]  # the process's token store and the realm's id

log = logging.getLogger(__name__)

SEND_FAILED = "Error when attempting to send the email to the server. More information is available in the server log."
_UTF8_HINT = (
    "If the address contains UTF-8 characters in the local part please ensure the SMTP server supports the "
    "SMTPUTF8 extension and enable 'Allow UTF-8' in the email realm configuration."
)
# EmailValidationUtil.isValidEmail's shape: a local part and a domain, no spaces, within RFC 5321's lengths; any
# character past ASCII counts as a letter in either part (the IDN conversion or SMTPUTF8 deals with it).
_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.\u0080-\uffff-]{1,64}"
    r"@[A-Za-z0-9\u0080-\uffff](?:[A-Za-z0-9.\u0080-\uffff-]{0,253}[A-Za-z0-9\u0080-\uffff])?"
)
ALLOW_UTF8 = "allowutf8"  # EmailSenderProvider.CONFIG_ALLOW_UTF8
DEFAULT_TIMEOUT_MS = 10000


class EmailError(Exception):
    """Keycloak's EmailException: its message is what the admin API's 500 answers carry after a colon."""


SENDER_DISABLED = "Email sender provider is disabled or not configured"  # FreeMarkerEmailTemplateProvider


def missing_sender(settings: object) -> str | None:
    """DefaultEmailSenderProvider.validate, which SMTPUtil.checkSMTPConfiguration runs when a realm is created or
    updated: a non-empty ``smtpServer`` without ``from`` is refused with this message. Only the missing sender is
    checked here: whether a ``from`` that is not an address is refused as well depends on the Keycloak release
    (checkFromAddress tested the raw value for null before keycloak#46192), so such a value is left to ``build``,
    which refuses it when a mail is sent."""
    if not isinstance(settings, dict) or not settings or settings.get("from") is not None:
        return None
    return f"Invalid sender address 'null'. {_UTF8_HINT}"


class SenderDisabled(EmailError):
    """Keycloak 26.8's EmailException when ``--spi-email-sender-default-enabled=false`` leaves no EmailSenderProvider:
    nothing is sent, and the admin API answers it with 400 where it would answer a failed send with 500."""

    def __init__(self) -> None:
        super().__init__(SENDER_DISABLED)


@dataclass(frozen=True)
class Mail:
    """One message: the recipient, the subject and both bodies (multipart/alternative, text first)."""

    to: str
    subject: str
    text: str
    html: str


def _valid(address: str | None) -> bool:
    return address is not None and _EMAIL.fullmatch(address) is not None


def converted(address: str | None, allow_utf8: bool) -> str | None:
    """DefaultEmailSenderProvider.convertEmail: the address as it is sent, None if it cannot be. With
    ``allowutf8`` it goes as it is (SMTPUTF8 carries both parts); otherwise its domain is turned into ASCII
    (IDN.toASCII, IDNA 2003 as Python's ``idna`` codec) and a local part still not ASCII is refused."""
    if address is None or not _valid(address):
        return None
    if allow_utf8:
        return address
    local, _, domain = address.rpartition("@")
    try:
        ascii_domain = domain.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    out = f"{local}@{ascii_domain}"
    return out if out.isascii() else None


def _java(value: str | None) -> str:
    """A value in a Java ``String.format``: null is written ``null``."""
    return "null" if value is None else value


def _flag(settings: dict[str, str], key: str) -> bool:
    return settings.get(key) == "true"  # "true".equals(config.get(key))


def _millis(settings: dict[str, str], key: str) -> float:
    try:
        return max(int(settings.get(key, DEFAULT_TIMEOUT_MS)), 1) / 1000
    except ValueError:
        return DEFAULT_TIMEOUT_MS / 1000


def build(settings: dict[str, str], mail: Mail) -> EmailMessage:
    """The MIME message (buildMessage): From with its display name, Reply-To (``replyTo`` or the sender), To,
    the subject, the date and a Message-ID in the sender's domain, then the text and HTML parts. Raises
    ``EmailError`` for a recipient or sender that is not an address, with Keycloak's texts."""
    allow_utf8 = _flag(settings, ALLOW_UTF8)
    to = converted(mail.to, allow_utf8)
    if to is None:
        raise EmailError(f"Invalid address '{_java(mail.to)}'. {_UTF8_HINT}")
    sender = converted(settings.get("from"), allow_utf8)
    if sender is None:
        raise EmailError(f"Invalid sender address '{_java(settings.get('from'))}'. {_UTF8_HINT}")
    reply_to = settings.get("replyTo") or ""
    if reply_to.strip() and not _valid(reply_to):
        raise EmailError(f"Invalid reply-to address '{reply_to}'. {_UTF8_HINT}")
    message = EmailMessage()
    message["From"] = _named(sender, settings.get("fromDisplayName"))
    if reply_to.strip():
        message["Reply-To"] = _named(reply_to, settings.get("replyToDisplayName"))
    else:
        message["Reply-To"] = _named(sender, settings.get("fromDisplayName"))
    message["To"] = to
    message["Subject"] = one_line(mail.subject)
    # MimeMessage.saveChanges / setSentDate: a Message-ID whose domain is the sender's (JavaMail's mail.from), and the
    # Date; RFC 5322 asks for both, and Keycloak's test-framework EmailTest reads the Message-ID's domain.
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=_ascii_domain(sender))
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


def _ascii_domain(address: str) -> str:
    """The address's domain as a Message-ID carries it: in its ASCII (IDN) form, which a header always takes."""
    domain = address.rpartition("@")[2]
    try:
        return domain.encode("idna").decode("ascii")
    except UnicodeError:
        return "localhost"


def one_line(text: str) -> str:
    """A header's text on one line: a subject made of an administrator's or a user's text (an organization's
    name, a realm's display name) may hold line breaks, which Python's email package refuses in a header (the
    invitation was a 500) and which must never start a header of their own: each run of them becomes one space.
    A line break is any boundary ``str.splitlines`` knows (U+2028, NEL, VT, FF, ...), as the email package refuses
    them all."""
    parts = text.splitlines()
    return " ".join(part for part in parts if part) if parts != [text] and text else text


def _named(address: str, display: str | None) -> str | Address:
    """The address with its display name (the realm's ``fromDisplayName`` / ``replyToDisplayName``), the name on
    one line as a subject is: a line break in it made every mail of the realm a 500, the reset-password form's too."""
    if not display or not display.strip():
        return address
    local, _, domain = address.partition("@")
    return formataddr((one_line(display), f"{local}@{domain}"))


def _authenticate(smtp: smtplib.SMTP, settings: dict[str, str], token: str | None) -> None:
    """BasicAuthEmailAuthenticator (user and password) or, with a token, TokenAuthEmailAuthenticator's
    SASL XOAUTH2; a refused login raises SMTPAuthenticationError."""
    user = settings.get("user")
    if token is not None:
        initial = f"user={user or ''}\x01auth=Bearer {token}\x01\x01"
        smtp.ehlo_or_helo_if_needed()
        # After a refusal the server's 334 carries its error; the client answers with an empty line.
        smtp.auth("XOAUTH2", lambda challenge=None: initial if challenge is None else "")
        return
    password = settings.get("password")
    if user is None or password is None:  # JavaMail's connect does not even try without both
        raise smtplib.SMTPAuthenticationError(535, b"no credentials configured")
    smtp.login(user, password)


def _deliver(
    settings: dict[str, str], message: EmailMessage, envelope_from: str, to: str, token: str | None = None
) -> None:
    """The blocking part, in a worker thread: connect (TLS from the start or STARTTLS), log in, send."""
    use_ssl = _flag(settings, "ssl")
    host = settings.get("host") or "localhost"
    port = int(settings.get("port") or (465 if use_ssl else 25))
    connect, io = _millis(settings, "connectionTimeout"), _millis(settings, "timeout")
    context = ssl.create_default_context()
    smtp: smtplib.SMTP
    if use_ssl:
        smtp = smtplib.SMTP_SSL(host, port, timeout=connect, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=connect)
    with smtp:
        if smtp.sock is not None:
            smtp.sock.settimeout(io)
        if _flag(settings, "starttls"):
            smtp.starttls(context=context)
        if _flag(settings, "auth"):
            _authenticate(smtp, settings, token)
        smtp.send_message(message, from_addr=envelope_from, to_addrs=[to])


def _auth_type(settings: dict[str, str]) -> str | None:
    """``basic`` or ``token`` when authentication is on (``authType``, any case, basic by default); None when
    it is off. Another type is a ValueError, as Keycloak's ``AuthenticatorType.valueOf`` refuses it."""
    if not _flag(settings, "auth"):
        return None
    kind = (settings.get("authType") or "basic").lower()
    if kind not in ("basic", "token"):
        raise ValueError("unknown authType")
    return kind


async def _deliver_with_token(
    settings: dict[str, str], message: EmailMessage, envelope_from: str, to: str, tokens: TokenLogin | None
) -> None:
    """TokenAuthEmailAuthenticator.connect: the realm's token; if the server refuses it, a fresh one, once."""
    if tokens is None:
        raise smtp_tokens.TokenUnavailable("no token store")
    store, realm_id = tokens
    token = await store.token(realm_id, settings)
    try:
        await asyncio.to_thread(_deliver, settings, message, envelope_from, to, token)
    except smtplib.SMTPAuthenticationError:
        store.forget(realm_id, token)
        token = await store.token(realm_id, settings)
        await asyncio.to_thread(_deliver, settings, message, envelope_from, to, token)


VAULTED = ("password", "authTokenClientSecret")  # the settings Keycloak reads through session.vault()


def vaulted(settings: dict[str, str], secrets: RealmVault) -> dict[str, str]:
    """The settings with a ``${vault.<key>}`` password or token client secret read from the vault now, the stored
    value kept when it has no entry (PasswordAuthEmailAuthenticator: ``getStringSecret(p).get().orElse(p)``)."""
    return {k: secrets.secret_or_stored(v) if k in VAULTED and isinstance(v, str) else v for k, v in settings.items()}


async def send(
    settings: dict[str, str],
    mail: Mail,
    tokens: TokenLogin | None = None,
    secrets: RealmVault | None = None,
    *,
    enabled: bool = True,
) -> None:
    """Send ``mail`` with these settings; ``EmailError`` when it cannot be built or delivered. ``tokens`` (the
    process's token store and the realm's id) serve a server configured for token authentication; ``secrets``
    (the server's vault and the realm's name) resolve a ``${vault.<key>}`` password or token client secret.
    ``enabled`` False (``--spi-email-sender-default-enabled=false``): ``SenderDisabled``, nothing sent."""
    if not enabled:
        raise SenderDisabled
    if secrets is not None:
        settings = vaulted(settings, secrets)
    message = build(settings, mail)  # both addresses convert (or it raised)
    allow_utf8 = _flag(settings, ALLOW_UTF8)
    to, sender = converted(mail.to, allow_utf8), converted(settings.get("from"), allow_utf8)
    envelope_from = (settings.get("envelopeFrom") or "").strip() or str(sender)
    try:
        if _auth_type(settings) == "token":
            await _deliver_with_token(settings, message, envelope_from, str(to), tokens)
        else:
            await asyncio.to_thread(_deliver, settings, message, envelope_from, str(to))
    except (OSError, smtplib.SMTPException, ValueError, smtp_tokens.TokenUnavailable) as err:
        # ServicesLogger.failedToSendEmail: the server and the failure, without the settings' secrets.
        log.warning(
            "failed to send email via %s:%s: %s: %s",
            settings.get("host"),
            settings.get("port"),
            type(err).__name__,
            err,
        )
        raise EmailError(SEND_FAILED) from err
