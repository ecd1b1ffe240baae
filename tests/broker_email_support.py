"""What the tests of the first broker login's "Verify existing account by Email" share: the realm made ready (the
provider, an existing account with alice's e-mail, a real SMTP server, the link's events saved), the way to its
e-mail page, and the pages' links."""

from __future__ import annotations

import re
from html import unescape

import httpx

from broker_support import SAVED, Broker, broker_login
from browser_flow import form_action, form_fields
from mail_sink import Sink
from support import seed_user, update_realm

EVENTS = (*SAVED, "SEND_IDENTITY_PROVIDER_LINK", "SEND_IDENTITY_PROVIDER_LINK_ERROR", "IDENTITY_PROVIDER_LINK_ACCOUNT")
ALICE = "alice@example.org"
SENT = "An email with instructions to link Provider Realm account {0} with your test account has been sent to you."
STALE = "This page is no longer valid, please go back to your application and sign in again"


async def ready(broker: Broker, mail: Sink, *, port: int | None = None) -> None:
    """The provider, the existing account ``alice-local`` with alice's e-mail, the SMTP server, the events saved."""
    env = broker.env
    await seed_user(env.db, env.clock, "test", "alice-local", "local-pass", email=ALICE)
    smtp = mail.settings(port=str(port)) if port else mail.settings()
    await update_realm(env.db, "test", smtp_server=smtp, enabled_event_types=EVENTS)
    await broker.add_provider()


async def add_to_existing(http: httpx.AsyncClient, username: str = "alice") -> httpx.Response:
    """The provider's login as ``username``, then "Add to existing account" on "Account already exists"."""
    confirm = await broker_login(http, username)
    assert confirm.status_code == 200 and "Account already exists" in confirm.text, confirm.text
    data = {**form_fields(confirm.text), "submitAction": "linkAccount"}
    return await http.post(form_action(confirm.text), data=data)


def click(page: httpx.Response, anchor: str) -> str:
    """The URL of the page's link ``anchor`` (its id)."""
    found = re.search(rf'<a id="{anchor}" href="([^"]+)"', page.text)
    assert found, page.text
    return unescape(found.group(1))
