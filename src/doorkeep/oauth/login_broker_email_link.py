"""Following the link "Verify existing account by Email" mails (IdpVerifyAccountLinkActionTokenHandler), once the
action token's own checks passed (web/action_token.py): what it may change, decided here; web/broker_email_link.py
reads the request and renders.

The link counts only for a login that waits on the e-mail page (oauth/login_broker_email.py), unexpired, in the
link's realm, for the account the link was sent to, with the identity (provider and brokered username) it names.
Followed, the login is told the link was followed: in the same browser it goes on at once; from another browser
the original login goes on when its page's "Click here ... to continue" is used. The account's address is not
verified by it (Keycloak 26.8, keycloak#50946: only an e-mail verification does; before, the link verified it).

A confirmation from another browser is the proof the waiting login links with (Keycloak's single-use object
``kc.brokering.user.verified.<user>.<alias>.<identity>``, CVE-2026-92358). Removing that provider's link from the
account, through the Account REST API or the Admin REST API, withdraws every such proof still outstanding
(``revoke``): the waiting login then ends on "This page is no longer valid" and links nothing
(KcOidcFirstBrokerLoginLinkProofTest).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep.model import JSON, AuthSession, User
from doorkeep.oauth import login_broker_email
from doorkeep.oauth.broker_steps import CONTEXT, EMAIL_STEP

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


@dataclass(frozen=True)
class Followed:
    """A followed link: the account it was sent to, the provider's alias and the brokered username it names, its
    realm and the time it was followed."""

    user: User
    alias: str
    username: str
    realm_id: str
    now: int


def waiting(tab: AuthSession, link: Followed) -> bool:
    """The login waits on the e-mail page, for the account the link was sent to, with the identity it names."""
    context = tab.notes.get(CONTEXT)
    if tab.realm_id != link.realm_id or tab.step != EMAIL_STEP or not isinstance(context, dict):
        return False
    if tab.expires <= link.now or context.get("existing") != link.user.id:
        return False
    return context.get("alias") == link.alias and context.get("username") == link.username


async def confirm_here(tx: Tx, tab: AuthSession, link: Followed) -> JSON | None:
    """In the browser of the login that sent it: the login's context with the link followed, for the caller to go
    on with (login_broker_first.verify_existing); None when the login does not wait for this link."""
    if not waiting(tab, link):
        return None
    return login_broker_email.confirming(tab.notes[CONTEXT], link.alias, link.username)


async def confirm_elsewhere(tx: Tx, confirming_tab: str, original_tab: str, link: Followed) -> None:
    """Confirmed in another browser: the confirmation's own tab ends; the original login, if it still waits for this
    link, is told it was followed."""
    await tx.flows.delete_auth_session(confirming_tab)
    original = await tx.flows.get_auth_session(original_tab)
    if original is None or not waiting(original, link):
        return
    notes = original.notes | {
        CONTEXT: login_broker_email.confirming(original.notes[CONTEXT], link.alias, link.username)
    }
    await tx.flows.advance_auth_session(original.id, original.user_id, original.step, original.form_token, notes)


async def revoke(tx: Tx, realm_id: str, user_id: str, alias: str) -> None:
    """The identity of ``alias`` unlinked from ``user_id``'s account: the confirmations logins wait on for that account
    and provider are withdrawn (FederatedIdentityRemovedEvent revoking the proofs)."""
    for tab in await tx.flows.tabs_at_step(realm_id, EMAIL_STEP):
        context = tab.notes.get(CONTEXT)
        withdrawn = login_broker_email.revoking(context, user_id, alias) if isinstance(context, dict) else None
        if withdrawn is not None:
            await tx.flows.replace_notes(tab.id, tab.notes | {CONTEXT: withdrawn})
