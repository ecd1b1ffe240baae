"""What the consent screen lists, as Keycloak's ``AuthenticationManager.getClientScopesToApproveOnConsentScreen``
builds it: the request's client scopes marked "display on consent screen", and the client itself, which
Keycloak treats as one more client scope (``ClientModel`` extends ``ClientScopeModel``) shown only when its
``display.on.consent.screen`` attribute is true. An accepted screen stores every listed id, the client's
included, in the user's consent.
"""

from __future__ import annotations

from dataclasses import dataclass

from doorkeep.model import Client, ClientScope
from doorkeep.oauth.scopes import GrantedScopes

DISPLAY = "display.on.consent.screen"
TEXT = "consent.screen.text"


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


def items(client: Client, granted: GrantedScopes) -> tuple[ConsentItem, ...]:
    """Every line this request can put on the screen, before what the user already granted is taken out."""
    shown = tuple(ConsentItem(s.id, scope_text(s)) for s in granted.scopes if scope_shown(s))
    return shown + ((client_item(client),) if client_shown(client) else ())
