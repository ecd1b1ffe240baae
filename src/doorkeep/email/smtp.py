"""Sending one e-mail through the realm's SMTP server, as Keycloak's DefaultEmailSenderProvider.send does.

The settings are the realm's ``smtpServer`` map (RealmModel.getSmtpConfig): ``host``, ``port``, ``from``,
``fromDisplayName``, ``replyTo``, ``replyToDisplayName``, ``envelopeFrom``, ``ssl``, ``starttls``, ``auth``,
``user``, ``password``, ``allowutf8``, and the timeouts in milliseconds (``connectionTimeout``, ``timeout``, 10 s
each by default). Without ``allowutf8`` an address's domain is sent in its ASCII (IDN) form and a local part
past ASCII is refused; with it both go as they are, over SMTPUTF8. ``authType`` ``token`` (XOAUTH2 with a token
fetched from ``authTokenUrl``) is not implemented: such a server's login fails, a 500 as any failure is. The
standard library's blocking ``smtplib`` runs in a worker thread, bounded by those timeouts, so no request's
event loop waits on a mail server. Failures raise ``EmailError`` with Keycloak's message and are
logged with the host and the exception only: never the password, never the message.
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
from email.utils import formataddr

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
    the subject, then the text and HTML parts. Raises ``EmailError`` for a recipient or sender that is not an
    address, with Keycloak's texts."""
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
    message["Subject"] = mail.subject
    message.set_content(mail.text)
    message.add_alternative(mail.html, subtype="html")
    return message


def _named(address: str, display: str | None) -> str | Address:
    if not display or not display.strip():
        return address
    local, _, domain = address.partition("@")
    return formataddr((display, f"{local}@{domain}"))


def _deliver(settings: dict[str, str], message: EmailMessage, envelope_from: str, to: str) -> None:
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
            user, password = settings.get("user"), settings.get("password")
            if user is None or password is None:  # JavaMail's connect does not even try without both
                raise smtplib.SMTPAuthenticationError(535, b"no credentials configured")
            smtp.login(user, password)
        smtp.send_message(message, from_addr=envelope_from, to_addrs=[to])


async def send(settings: dict[str, str], mail: Mail) -> None:
    """Send ``mail`` with these settings; ``EmailError`` when it cannot be built or delivered."""
    message = build(settings, mail)  # both addresses convert (or it raised)
    allow_utf8 = _flag(settings, ALLOW_UTF8)
    to, sender = converted(mail.to, allow_utf8), converted(settings.get("from"), allow_utf8)
    envelope_from = (settings.get("envelopeFrom") or "").strip() or str(sender)
    try:
        await asyncio.to_thread(_deliver, settings, message, envelope_from, str(to))
    except (OSError, smtplib.SMTPException, ValueError) as err:
        # ServicesLogger.failedToSendEmail: the server and the failure, without the settings' secrets.
        log.warning(
            "failed to send email via %s:%s: %s: %s",
            settings.get("host"),
            settings.get("port"),
            type(err).__name__,
            err,
        )
        raise EmailError(SEND_FAILED) from err
