"""What the consent screen lists, as Keycloak's ``AuthenticationManager.getClientScopesToApproveOnConsentScreen``
builds it: the request's client scopes marked "display on consent screen", and the client itself, which
Keycloak treats as one more client scope (``ClientModel`` extends ``ClientScopeModel``) shown only when its
``display.on.consent.screen`` attribute is true. An accepted screen stores every listed id, the client's
included, in the user's consent. ``missing_consent``: what of that the user has still to grant.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from doorkeep.model import Client, ClientScope, User
from doorkeep.oauth import scopes as scope_rules
from doorkeep.oauth.authorize import AuthRequest, has_prompt
from doorkeep.oauth.scopes import GrantedScopes

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

DISPLAY = "display.on.consent.screen"
TEXT = "consent.screen.text"
GUI_ORDER = "gui.order"
# The LOGIN event's ``consent`` detail (Keycloak's Details.CONSENT_VALUE_*).
NO_CONSENT_REQUIRED = "no_consent_required"
CONSENT_GRANTED = "consent_granted"
PERSISTED_CONSENT = "persistent_consent"


@dataclass(frozen=True)
class ConsentItem:
    """One line of the consent screen: a client scope's id or the client's, and its text."""

    id: str
    text: str


def _non_blank(value: object) -> str | None:
    return str(value) if value is not None and str(value).strip() else None


def scope_shown(scope: ClientScope) -> bool:
    """``ClientScopeModel.isDisplayOnConsentScreen``: true unless the attribute says otherwise."""
    return str(scope.attributes.get(DISPLAY, "true")).lower() == "true"


def client_shown(client: Client) -> bool:
    """``ClientModel.isDisplayOnConsentScreen``: a client is not on the screen unless the attribute says so."""
    return str(client.attributes.get(DISPLAY, "false")).lower() == "true"


def scope_text(scope: ClientScope) -> str:
    """ClientScopeModel.getConsentScreenText: ``consent.screen.text``, or the scope's name when blank."""
    return _non_blank(scope.attributes.get(TEXT)) or scope.name


def client_text(client: Client) -> str:
    """ClientModel.getConsentScreenText: ``consent.screen.text``, else the client's name, else its clientId."""
    return _non_blank(client.attributes.get(TEXT)) or _non_blank(client.name) or client.client_id


def client_item(client: Client) -> ConsentItem:
    return ConsentItem(client.id, client_text(client))


def gui_order(attributes: Mapping[str, object]) -> int:
    """OrderedModel.OrderedModelComparator's key: the ``gui.order`` attribute as an int, else 10000."""
    try:
        return int(str(attributes.get(GUI_ORDER)))
    except ValueError:
        return 10000


def items(client: Client, granted: GrantedScopes) -> tuple[ConsentItem, ...]:
    """Every line this request can put on the screen, before what the user already granted is taken out, in
    ``gui.order`` (OAuthGrantBean sorts them, a stable sort)."""
    shown = [(gui_order(s.attributes), ConsentItem(s.id, scope_text(s))) for s in granted.scopes if scope_shown(s)]
    if client_shown(client):
        shown.append((gui_order(client.attributes), client_item(client)))
    return tuple(item for _, item in sorted(shown, key=lambda pair: pair[0]))


def event_detail(*, consented: bool, persisted: bool) -> str:
    """The LOGIN event's ``consent`` detail: the screen accepted just now, or else a stored consent that left
    nothing to ask (AuthenticationManager.actionRequired / nextRequiredAction; ``persisted`` is false for a
    client without consent required and under ``prompt=consent``), or else no consent required."""
    if consented:
        return CONSENT_GRANTED
    return PERSISTED_CONSENT if persisted else NO_CONSENT_REQUIRED


async def screen_items(tx: Tx, client: Client, user: User, request: AuthRequest) -> tuple[ConsentItem, ...]:
    """What the consent screen lists for this request: the requested scopes the user may be granted
    (isClientScopePermittedForUser), and the client itself where it is displayed. The screen and the
    consent stored when it is accepted are the same list."""
    granted = await scope_rules.permitted(tx, user, await scope_rules.resolve(tx, client, request.scope))
    return items(client, granted)


async def missing_consent(tx: Tx, client: Client, user: User, request: AuthRequest) -> tuple[ConsentItem, ...] | None:
    """The consent-screen lines the user has not yet granted this client, or None when there is nothing to
    ask (Keycloak's ``AuthenticationManager.nextRequiredAction``). The stored consent is ignored, so every line
    is asked again, for ``prompt=consent`` and for a device verification (``getEffectiveGrantedConsent``). A
    device verification always asks, even with nothing to list: ``getClientScopesToApproveOnConsentScreen``
    then puts the client itself on the screen, so a user who opens a ``verification_uri_complete`` an
    attacker sent must still click to hand over tokens (RFC 8628 §5.4)."""
    device = request.device_user_code is not None
    if not client.consent_required and not device:
        return None
    shown = await screen_items(tx, client, user, request)
    if device:
        return shown or (client_item(client),)
    stored = None if has_prompt(request, "consent") else await tx.sessions.get_consent(user.id, client.id)
    have = set(stored.granted_scopes) if stored else set()
    return tuple(s for s in shown if s.id not in have) or None
