"""The URLs of identity brokering: the login page's provider buttons (login.ftl's ``social.providers``, Keycloak's
Urls.identityProviderAuthnRequest) and the endpoint the providers answer to (Urls.identityProviderAuthnResponse)."""

from __future__ import annotations

from urllib.parse import quote

from starlette.requests import Request

from doorkeep.broker import providers as idp
from doorkeep.model import JSON, AuthSession, Client, Realm
from doorkeep.oauth import login_organization, redirect_uris
from doorkeep.web.http import base_url


def broker_url(request: Request, realm: Realm, alias: str, what: str) -> str:
    return f"{base_url(request)}/realms/{quote(realm.name, safe='')}/broker/{quote(alias, safe='')}/{what}"


def login_url(request: Request, realm: Realm, alias: str, tab: AuthSession, client: Client) -> str:
    """``/broker/{alias}/login`` with the tab's session code, client, tab and client data."""
    from doorkeep.web.login_pages import tab_params  # login_pages draws the buttons with this module

    params = tab_params(tab, client, session_code=tab.form_token)
    return redirect_uris.with_params(broker_url(request, realm, alias, "login"), params)


def endpoint_url(request: Request, realm: Realm, alias: str) -> str:
    """The redirect URI the provider's client registers: ``/realms/{realm}/broker/{alias}/endpoint``."""
    return broker_url(request, realm, alias, "endpoint")


def buttons(request: Request, realm: Realm, tab: AuthSession, client: Client) -> list[dict[str, str]]:
    """The enabled providers a login may start with (not link-only, not hidden on the login page, no
    organization's: IdentityProviderBean asks getForLogin for REALM_ONLY), by alias."""
    shown = [
        p
        for p in realm.identity_providers
        if idp.runs(p) and not p.get("linkOnly") and not p.get("hideOnLogin") and not p.get("organizationId")
    ]
    return _drawn(request, realm, tab, client, shown)


def linked_buttons(
    request: Request, realm: Realm, tab: AuthSession, client: Client, linked: set[str], *, forced: bool = False
) -> list[dict[str, str]]:
    """The buttons for a user the login already knows (a re-authentication: IdentityProviderBean's
    getLinkedBrokerAliases and getFederatedIdentityProviders): the providers the user is linked to, enabled, not
    link-only nor hidden on the login page (LoginFilter); with none linked, none, unless organizations are on
    (then the page's usual ones). A ``forced`` re-authentication (FORCED_REAUTHENTICATION) shows a linked provider
    hidden on the login page too: a brokered user may have no other way to sign in again (keycloak#48857,
    AbstractBrokerReAuthTest)."""
    if not linked and realm.organizations_enabled:
        return buttons(request, realm, tab, client)
    shown = [
        p
        for p in realm.identity_providers
        if p["alias"] in linked and idp.runs(p) and not p.get("linkOnly") and (forced or not p.get("hideOnLogin"))
    ]
    return _drawn(request, realm, tab, client, shown)


def organization_buttons(
    request: Request, realm: Realm, tab: AuthSession, client: Client, org_id: str | None
) -> list[dict[str, str]]:
    """The organization's own providers, on the username page of an unknown user of its domain
    (OrganizationAuthenticator.unknownUserChallenge); none without an organization."""
    return _drawn(request, realm, tab, client, login_organization.public_providers(realm, org_id)) if org_id else []


def _drawn(request: Request, realm: Realm, tab: AuthSession, client: Client, shown: list[JSON]) -> list[dict[str, str]]:
    return [
        {
            "alias": p["alias"],
            "name": p.get("displayName") or p["alias"],
            "url": login_url(request, realm, p["alias"], tab, client),
        }
        for p in sorted(shown, key=lambda p: str(p["alias"]))
    ]
