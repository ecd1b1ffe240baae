"""What the consent screen lists, as Keycloak's ``AuthenticationManager.getClientScopesToApproveOnConsentScreen``
builds it: the request's client scopes marked "display on consent screen", and the client itself, which
Keycloak treats as one more client scope (``ClientModel`` extends ``ClientScopeModel``) shown only when its
``display.on.consent.screen`` attribute is true. An accepted screen stores every listed id, the client's
included, in the user's consent.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from doorkeep.model import Client, ClientScope
from doorkeep.oauth.scopes import GrantedScopes

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
