"""Keycloak's ``email`` event listener: EmailEventListenerProvider and its factory.

A realm whose ``eventsListeners`` names ``email`` mails the user about the user events the server's
``--spi-events-listener-email-include-events`` / ``-exclude-events`` select (EmailEventListenerProviderFactory.init:
without ``include-events`` the six below, then the excluded ones taken out). The listener hears every event the
request raises, whether the realm's event store keeps it or not (``eventsEnabled`` only governs the store).

An event counts when it names a user (``onEvent``: realm and user id set) and that user has an e-mail address that is
verified (``sendEmail``). The mail is the event's template, ``event-<type>.ftl``: its subject ``event<Type>Subject``
and body ``event<Type>Body`` with the event's date (Java's ``Date.toString()``, as MessageFormat writes the
FreeMarker date it is handed) and IP address (``null`` when unknown), and for the credential events the
``credential_type`` detail (``unknown`` without one). A type without a template sends nothing (Keycloak fails to
template it and logs the failure).

Mails are sent after the request's transaction commits, as Keycloak's EventListenerTransaction sends them after
completion, never when it rolls back: ``collect`` prepares the message within the transaction (the user as the
request left it), ``Database.transaction`` hands it to ``dispatch`` once committed, and the sending runs as a task of
its own, so neither a slow nor a failing mail server delays or fails the request (past MAX_PENDING mails waiting,
one is sent before the answer, as Keycloak's background delivery gives way). A realm without SMTP settings is
skipped (Keycloak would try and log that it could not send). A failure is logged with the user's id and the
server, never the settings' secrets.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep.console.templating import render
from doorkeep.email import messages, smtp
from doorkeep.email.smtp import Mail
from doorkeep.model import Realm, User
from doorkeep.vault import NONE as NO_VAULT
from doorkeep.vault import RealmVault, Vault

if TYPE_CHECKING:
    from doorkeep.email.smtp_tokens import SmtpTokens
    from doorkeep.store.tx import Tx

log = logging.getLogger(__name__)

LISTENER = "email"  # EmailEventListenerProviderFactory.ID
# EmailEventListenerProviderFactory.SUPPORTED_EVENTS: what it mails without include-events.
DEFAULT_EVENTS: tuple[str, ...] = ("LOGIN_ERROR", "UPDATE_PASSWORD", "REMOVE_TOTP", "UPDATE_TOTP")
DEFAULT_EVENTS += ("UPDATE_CREDENTIAL", "REMOVE_CREDENTIAL")
CREDENTIAL_TYPE = "credential_type"  # Details.CREDENTIAL_TYPE
# The email theme's event templates (text/event-<type>.ftl) and what each prints: the credential events name the
# credential type first; the lockout ones print the date alone.
_WITH_CREDENTIAL = frozenset({"UPDATE_CREDENTIAL", "REMOVE_CREDENTIAL"})
_DATE_ONLY = frozenset({"USER_DISABLED_BY_TEMPORARY_LOCKOUT", "USER_DISABLED_BY_PERMANENT_LOCKOUT"})
TEMPLATES = frozenset({"LOGIN_ERROR", "UPDATE_PASSWORD", "REMOVE_TOTP", "UPDATE_TOTP"}) | _WITH_CREDENTIAL | _DATE_ONLY
MAX_PENDING = 1000  # FreeMarkerEmailTemplateProvider.MAX_PENDING_ASYNC_DELIVERIES
_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def included(include: Iterable[str] | None, exclude: Iterable[str], known: frozenset[str]) -> frozenset[str]:
    """EmailEventListenerProviderFactory.init: the ``include`` names (any case) or, without them, DEFAULT_EVENTS;
    then the ``exclude`` names taken out. A name that is no event type is a ValueError (``EventType.valueOf``)."""
    wanted = [name.upper() for name in include] if include is not None else list(DEFAULT_EVENTS)
    dropped = {name.upper() for name in exclude}
    unknown = [name for name in (*wanted, *dropped) if name not in known]
    if unknown:
        raise ValueError(f"unknown event type: {', '.join(unknown)}")
    return frozenset(wanted) - dropped


def java_date(seconds: int) -> str:
    """``java.util.Date.toString()`` in the server's time zone: ``Sat Dec 05 01:30:14 UTC 2026``."""
    at = time.localtime(seconds)
    zone = at.tm_zone or "GMT"
    clock = f"{at.tm_hour:02d}:{at.tm_min:02d}:{at.tm_sec:02d}"
    return f"{_DAYS[at.tm_wday]} {_MONTHS[at.tm_mon - 1]} {at.tm_mday:02d} {clock} {zone} {at.tm_year}"


def _camel(type: str) -> str:
    """FreeMarkerEmailTemplateProvider.toCamelCase: ``LOGIN_ERROR`` → ``eventLoginError``."""
    return "event" + "".join(part.capitalize() for part in type.lower().split("_"))


def event_message(
    realm: Realm, user: User, type: str, seconds: int, ip: str | None, details: Mapping[str, object]
) -> Mail | None:
    """sendEvent: the event's mail to the user in the user's language; None for a type without a template."""
    if type not in TEMPLATES:
        return None
    ui = messages.language(realm, user)
    date, address = java_date(seconds), ip if ip is not None else "null"
    args: tuple[object, ...] = (date,) if type in _DATE_ONLY else (date, address)
    if type in _WITH_CREDENTIAL:
        credential = details.get(CREDENTIAL_TYPE)
        args = ("unknown" if credential is None else credential, *args)
    subject, body = ui.text(f"{_camel(type)}Subject"), ui.text(f"{_camel(type)}Body", *args)
    html = render(
        "email/message.html", tag=ui.tag, dir=messages.direction(ui), subject=subject, paragraphs=[body], link=None
    )
    return Mail(user.email or "", subject, body, html)


@dataclass(frozen=True)
class Outgoing:
    """One event's mail, ready once the transaction that raised the event has committed."""

    realm_id: str
    user_id: str
    type: str
    settings: dict[str, str]
    mail: Mail
    realm_name: str = ""  # what the vault's key resolvers name the realm by


class EventMailer:
    """The listener of one server process: which event types it mails, and the sends under way."""

    def __init__(self, events: frozenset[str] = frozenset(DEFAULT_EVENTS)) -> None:
        self.events = events
        self.tokens: SmtpTokens | None = None  # the process's SMTP XOAUTH2 tokens, for a server that takes one
        self.vault: Vault = NO_VAULT  # the server's vault: a ${vault.<key>} SMTP password
        self.sender_enabled = True  # --spi-email-sender-default-enabled: false sends nothing
        self._tasks: set[asyncio.Task[None]] = set()

    def listens(self, realm: Realm, type: str) -> bool:
        """onEvent's first test: the realm has the listener and the type is one it mails."""
        return LISTENER in realm.events_listeners and type in self.events

    async def collect(
        self,
        tx: Tx,
        realm: Realm,
        type: str,
        *,
        user_id: str,
        seconds: int,
        ip: str | None,
        details: Mapping[str, object],
    ) -> None:
        """Prepare the event's mail for sending after commit, if the realm can send one and its user has a verified
        e-mail address."""
        if not realm.smtp_server:
            return
        user = await tx.users.get(user_id)
        if user is None or not user.email or not user.email_verified:
            return
        try:
            mail = event_message(realm, user, type, seconds, ip, details)
        except Exception:  # Keycloak's "Failed to template email" EmailException: logged, the request goes on
            log.exception("failed to template the %s event's e-mail to user %s", type, user.id)
            return
        if mail is None:
            log.warning("no e-mail template for event type %s: nothing sent", type)
            return
        tx.event_mails.append(Outgoing(realm.id, user.id, type, dict(realm.smtp_server), mail, realm.name))

    async def dispatch(self, outgoing: Iterable[Outgoing]) -> None:
        """Send the mails of one committed transaction, one after the other in the order of their events (as
        EventListenerTransaction sends them after completion), in a task of their own: the request does not wait,
        unless MAX_PENDING such tasks are under way already (a slow mail server, a flood of failed logins): then they
        are sent before the answer, as FreeMarkerEmailTemplateProvider sends right away past
        MAX_PENDING_ASYNC_DELIVERIES."""
        batch = list(outgoing)
        if len(self._tasks) >= MAX_PENDING:
            await self._send_all(batch)
            return
        task = asyncio.get_running_loop().create_task(self._send_all(batch))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send_all(self, batch: list[Outgoing]) -> None:
        for one in batch:
            await self._send(one)

    async def _send(self, one: Outgoing) -> None:
        login = None if self.tokens is None else (self.tokens, one.realm_id)
        try:
            vault = RealmVault(self.vault, one.realm_name)
            await smtp.send(one.settings, one.mail, login, vault, enabled=self.sender_enabled)
        except smtp.EmailError:  # smtp.send logged the server and the failure
            log.error("failed to send the %s event's e-mail to user %s", one.type, one.user_id)

    async def drain(self) -> None:
        """Wait for the sends under way (at shutdown, and in tests)."""
        while self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
