"""Where a step of the browser login runs once its user is known: the transaction, the services, the realm,
the client, the login request as it now stands, the user and the browser (Keycloak's LoginActionsService
keeps the same things on its authentication session and event builder). The steps pass it along, replaced
(``dataclasses.replace``) when a step changes the request or the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from doorkeep.model import Client, Realm, User
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.oauth.login_outcomes import Browser

if TYPE_CHECKING:
    from doorkeep.oauth.context import Services
    from doorkeep.store.tx import Tx


@dataclass(frozen=True)
class StepContext:
    """One step's context: everything the login's events and its next step need."""

    tx: Tx
    services: Services
    realm: Realm
    client: Client
    request: AuthRequest
    user: User
    browser: Browser
    # An authenticator's details for the LOGIN event of this request (WebAuthnAuthenticator's credential_type ...).
    event_details: dict[str, str] = field(default_factory=dict)

    @property
    def site(self) -> LoginSite:
        return LoginSite(self.tx, self.services, self.realm, self.client, self.request, self.browser)


@dataclass(frozen=True)
class LoginSite:
    """Where a login runs before (or without) a known user: a StepContext without its user."""

    tx: Tx
    services: Services
    realm: Realm
    client: Client
    request: AuthRequest
    browser: Browser
