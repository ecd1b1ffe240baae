"""Organization identity-first login: Keycloak 26's OrganizationAuthenticator (``organization``), the step of the
browser flow's Organization sub-flow, before the username and password form.

It runs while the realm has organizations on and holds at least one (isEnabledAndOrganizationsPresent); otherwise
the login page is the usual one. Its first page asks for the username alone (login-username.ftl, the realm's own
providers beside it). The typed name (or the ``login_hint``, which skips that page) picks an organization as
Organizations.resolveOrganization does without a scope: the user's only enabled organization, their MANAGED one
among several, else the enabled organization owning the e-mail's domain (what follows the first ``@``). Then, as
tryRedirectBroker: a user with no password or passkey who is a MANAGED member linked to one of its organization's
providers goes to that provider (their e-mail the ``login_hint``); else the organization's provider with
``kc.org.broker.redirect.mode.email-matches`` whose ``kc.org.domain`` is the typed domain (case-insensitive), or,
failing that, one whose domain is ``ANY`` when the typed domain is one of the organization's, gets the browser with
the typed name as ``login_hint``. An unknown user of the organization's domain sees the username page again with
"Your email domain matches the … organization but you don't have an account yet." and the organization's providers;
a known user of an organization gets the password page (login-password.ftl, the name fixed); a name no
organization resolves gets the password page with the name fixed, as Keycloak's ``attempted`` step does since the
fix of CVE-2026-4633 (USERNAME_HIDDEN), whether a user has it or not, and "Invalid username or password." for a
wrong password either way.
Doorkeep redirects only to an enabled provider that is not link-only (Keycloak would redirect, then fall back).
The ``organization`` scope of the request and the step's ``requiresUserMembership`` are login_organization_scope's;
a known member of several organizations asking for ``organization`` picks one on select-organization.ftl (``choose``).
Over the SSO cookie (Keycloak 26.1's CookieAuthenticator hands a login asking for an organization scope to this step,
SSO_AUTH noted) such a member picks again, and the pick ends the login without a password (``over_cookie``).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from doorkeep.broker import providers as idp
from doorkeep.model import JSON, Client, Realm, User
from doorkeep.oauth import flow_gates, login_completion, login_username
from doorkeep.oauth import login_organization_scope as steering
from doorkeep.oauth.login_outcomes import NeedLogin, NeedOrganization, Outcome, ToProvider
from doorkeep.oauth.login_password import form_username
from doorkeep.oauth.login_step import LoginSite, StepContext
from doorkeep.organizations import brokers
from doorkeep.organizations.domains import best_owner, by_domain, candidates, most_specific
from doorkeep.organizations.model import MANAGED, Organization, email_domain
from doorkeep.users import webauthn
from doorkeep.users.credentials import SharedEmail, Verdict, find_login_user

if TYPE_CHECKING:
    from doorkeep.oauth.authorize import AuthRequest
    from doorkeep.store.tx import Tx

NO_ACCOUNT = "Your email domain matches the {} organization but you don't have an account yet."
PICKED = "kc.org"  # OrganizationModel.ORGANIZATION_ATTRIBUTE: the select page's field
FIRST_FACTORS = frozenset({"password", webauthn.PASSWORDLESS_TYPE})  # getFirstFactorCredentialsStream


async def runs(tx: Tx, realm: Realm, client: Client, request: AuthRequest) -> bool:
    """Whether the login's flow reaches the organization step and the realm has organizations to resolve."""
    return flow_gates.organization_step(realm, client, request.requested_flow) and (
        await tx.organizations.count(realm.id) > 0
    )


async def over_cookie(site: LoginSite, user: User) -> Outcome | None:
    """OrganizationAuthenticator over the SSO cookie, which Keycloak 26.1's CookieAuthenticator leaves a login asking
    for an organization scope to (SSO_AUTH noted): the select page for a member of several asking for
    ``organization`` (initialChallenge's shouldUserSelectOrganization); the ``requiresUserMembership`` refusal of a
    user not in the organization an ``organization:<alias>`` names (action's isMembershipRequired); else None, and
    the login ends at once."""
    tx, realm, client, request = site.tx, site.realm, site.client, site.request
    if not await runs(tx, realm, client, request):
        return None
    ask = await steering.asked(tx, client, request)
    if ask is None:
        return None
    if await steering.must_select(tx, ask, request, user):
        return NeedOrganization(user.id, False, request)
    return await steering.membership_refusal(site, ask, None, user) if ask.single else None


def _over_cookie(request: AuthRequest) -> bool:
    """A pick asked for by ``over_cookie``: the SSO cookie's login (identity-first's pick follows a typed name)."""
    return request.sso_login and request.user_session_id is not None and request.attempted_username is None


async def page_stage(tx: Tx, realm: Realm, client: Client, request: AuthRequest, known: bool) -> str:
    """Which login page the organization step draws: ``username`` (login-username.ftl) before a name is typed,
    ``password`` for the known user it named, "" (the username and password form) for a name it passed on or
    where it does not run (a re-authentication keeps its own page)."""
    if not await runs(tx, realm, client, request):
        return ""
    if known or request.username_hidden:
        return "password" if request.attempted_username else ""
    return "" if request.attempted_username else "username"


async def organization_for(tx: Tx, realm: Realm, user: User | None, domain: str | None) -> Organization | None:
    """Organizations.resolveOrganization, no scope asked: the user's organizations first, then the domain's owner."""
    if user is not None:
        mine = [o for o in await tx.organizations.of_user(user.id) if o.enabled]
        if len(mine) == 1:
            return mine[0]
        for member_of in mine:
            if await tx.organizations.membership(member_of.id, user.id) == MANAGED:
                return member_of
        if mine:
            return by_domain(mine, domain)
    owner = best_owner(domain, await tx.organizations.domain_owners(realm.id, candidates(domain))) if domain else None
    org = await tx.organizations.get(realm.id, owner) if owner is not None else None
    return org if org is not None and org.enabled else None


async def scope_named(tx: Tx, realm: Realm, client: Client, request: AuthRequest) -> str | None:
    """Organizations.resolveOrganization before any name: the enabled organization of the realm an
    ``organization:<alias>`` scope of the request names (its id), while the step runs; else None."""
    if not await runs(tx, realm, client, request):
        return None
    ask = await steering.asked(tx, client, request)
    named = await steering.scoped(tx, realm, ask, None) if ask is not None and ask.single else []
    return named[0].id if named else None


def _usable(provider: JSON) -> bool:
    return idp.runs(provider) and not provider.get("linkOnly")


def public_providers(realm: Realm, org_id: str) -> list[JSON]:
    """The organization's providers its login page offers (enabled, not link-only, not hidden on login)."""
    return [p for p in brokers.of_organization(realm, org_id) if _usable(p) and not p.get("hideOnLogin")]


def _routed(realm: Realm, org: Organization, domain: str) -> str | None:
    """Keycloak 26.8's routing on the domain: the organization's domain that matches the typed one most specifically
    (Organizations.getMatchingDomain), when it auto-redirects, sends to the provider it names, if that provider is
    linked to the organization and usable."""
    best = most_specific(domain, (d.name for d in org.domains))
    row = next((d for d in org.domains if d.name == best), None)
    alias = row.identity_provider_alias if row is not None and row.auto_redirect else None
    provider = brokers.linked(realm, org.id, alias) if alias is not None else None
    return alias if provider is not None and _usable(provider) else None


def domain_broker(realm: Realm, org: Organization, domain: str) -> str | None:
    """The redirect by e-mail domain: the routing of the organization's matching domain (``_routed``); else, as a
    provider's configuration routed before Keycloak 26.8 (still written through the identity-provider API), a
    provider of the organization set to redirect when the e-mail matches, bound to this domain or a ``*.`` one above
    it (isSameDomain), the most specific binding first (``hr.acme.com`` before ``*.acme.com``, as
    OrganizationSharedIdpBrokerTest routes), else one bound to ``ANY`` when the domain is the organization's."""
    if (routed := _routed(realm, org, domain)) is not None:
        return routed
    bound: dict[str, str] = {}  # alias -> the domain it is bound to, for the providers set to redirect
    for p in brokers.of_organization(realm, org.id):
        config = dict(p.get("config") or {})
        if _usable(p) and str(config.get(brokers.REDIRECT_WHEN_EMAIL_MATCHES, "")).lower() == "true":
            bound[str(p["alias"])] = str(config.get(brokers.DOMAIN, ""))
    best = most_specific(domain, bound.values())
    exact = next((alias for alias, bound_to in bound.items() if bound_to == best), None) if best else None
    if exact is not None or not org.owns(domain):
        return exact
    return next((alias for alias, bound_to in bound.items() if bound_to == brokers.ANY_DOMAIN), None)


async def _redirect(
    tx: Tx, realm: Realm, org: Organization, user: User | None, domain: str | None
) -> tuple[str, str | None] | None:
    """tryRedirectBroker: the provider and the ``login_hint`` to send, or None (the user has credentials here, or
    no provider is set to take them)."""
    if user is not None:
        if any(c.type in FIRST_FACTORS for c in await tx.users.credentials(user.id)):
            return None
        home = await brokers.home_brokers(tx, realm, user.id)
        if len(home) == 1:
            provider = idp.by_alias(realm, home[0])
            return (home[0], user.email) if provider is not None and _usable(provider) else None
        domain = domain if domain is not None else (email_domain(user.email) if user.email else None)
    alias = domain_broker(realm, org, domain) if domain else None
    return (alias, None) if alias is not None else None


async def identify(
    site: LoginSite,
    typed: str,
    *,
    remember_me: bool = False,
    verdict: Verdict | None = None,
    hint_sent: bool = False,
) -> Outcome:
    """OrganizationAuthenticator.action: the username page's POST (or the ``login_hint``). ``hint_sent``: the
    authorization request carried ``kc_idp_hint`` (empty, or naming no usable provider), so the redirector after
    the step skips its default provider (IdentityProviderAuthenticator.authenticate reads the query parameter)."""
    tx, realm = site.tx, site.realm
    if site.request.organization_context is not None:  # resolveUser's clearAuthenticationSession: a new name
        site = dataclasses.replace(site, request=dataclasses.replace(site.request, organization_context=None))
    username = form_username(typed)
    if not username:  # action(): no user, a blank name
        return NeedLogin(login_username.INVALID_USERNAME, typed, remember_me)
    try:
        user = await find_login_user(tx, realm.id, username, realm.login_with_email_allowed)
    except SharedEmail:  # the username form's own answer to a shared e-mail
        return await login_username.identify(site, typed, remember_me=remember_me, verdict=verdict)
    domain = email_domain(username)
    ask = await steering.asked(tx, site.client, site.request)
    settled, org = await steering.resolve(tx, realm, ask, user, domain) if ask is not None else (False, None)
    if not settled:
        org = await organization_for(tx, realm, user, domain)
    if user is not None and org is None and await steering.must_select(tx, ask, site.request, user):
        return NeedOrganization(user.id, realm.remember_me and remember_me, _attempted(site.request, username))
    if user is not None and (refusal := await steering.membership_refusal(site, ask, org, user)) is not None:
        return refusal
    if org is None:  # attempted(context, username): the password page, the name fixed (USERNAME_HIDDEN), whether
        # or not it is a user's, and one answer to a wrong password for both (CVE-2026-4633)
        hidden = dataclasses.replace(_attempted(site.request, username), username_hidden=True)
        onward = None if hint_sent else _fallthrough(site, dataclasses.replace(hidden, login_hint=username))
        if onward is not None:
            return onward
        return NeedLogin(username=username, remember_me=remember_me, request=hidden)
    if org is not None and (target := await _redirect(tx, realm, org, user, domain)) is not None:
        alias, hint = target
        return ToProvider(alias, _noted(site.request, org, hint or username))
    if org is not None and user is None:  # unknownUserChallenge
        error = NO_ACCOUNT.format(org.name) if domain is not None else None
        noted = dataclasses.replace(site.request, organization_context=org.id)  # for the provider picked there
        return NeedLogin(error, username, remember_me, request=noted, organization=org.id)
    if not hint_sent and (onward := _fallthrough(site, site.request)) is not None:  # attempted(context): no name
        return onward
    site = dataclasses.replace(site, request=dataclasses.replace(site.request, username_hidden=True))
    return await login_username.identify(site, typed, remember_me=remember_me, verdict=verdict)


def _fallthrough(site: LoginSite, request: AuthRequest) -> ToProvider | None:
    """The step passed the login on (``attempted``) and the flow's next alternative is an Identity Provider
    Redirector with a ``defaultProvider``: the browser goes there, the ``login_hint`` the one ``request`` holds (the
    typed name when no organization resolved it, keycloak#52268); None when there is none or it is not enabled."""
    alias = flow_gates.organization_fallthrough(site.realm, site.client, request.requested_flow)
    provider = idp.by_alias(site.realm, alias) if alias else None
    if alias is None or provider is None or not idp.runs(provider):
        return None
    return ToProvider(alias, request)


async def choose(site: LoginSite, user: User, alias: str | None, *, remember_me: bool = False) -> Outcome:
    """select-organization.ftl's POST (``kc.org``): as OrganizationAuthenticator.resolveOrganization, the realm's
    organization of that alias becomes the login's, the user a member or not (the claim maps it only for a member
    of an enabled one: organizations/scope.py); an alias of none of the realm's shows the page again while the user
    still has several. Then the step goes on as for a typed name: the membership check, a provider, the password."""
    tx, realm = site.tx, site.realm
    typed = site.request.attempted_username or user.username
    org = next((o for o in await tx.organizations.realm_organizations(realm.id) if o.alias == alias), None)
    if org is None and _over_cookie(site.request):  # shouldUserSelectOrganization again: still none picked
        return NeedOrganization(user.id, remember_me, site.request)
    if org is None:
        return await identify(site, typed, remember_me=remember_me)
    site = dataclasses.replace(site, request=dataclasses.replace(site.request, organization=org.id))
    ask = await steering.asked(tx, site.client, site.request)
    if (refusal := await steering.membership_refusal(site, ask, org, user)) is not None:
        return refusal
    if (target := await _redirect(tx, realm, org, user, None)) is not None:
        return ToProvider(target[0], _noted(site.request, org, target[1] or typed))
    if _over_cookie(site.request):  # isSSOAuthentication: re-authenticating in the organization's scope
        step = StepContext(tx, site.services, realm, site.client, site.request, user, site.browser)
        return await login_completion.proceed(step, remember_me=remember_me)
    if (onward := _fallthrough(site, site.request)) is not None:
        return onward
    return await login_username.identify(site, typed, remember_me=remember_me)


def _noted(request: AuthRequest, org: Organization, hint: str) -> AuthRequest:
    """The request sent to the organization's provider: the ``login_hint`` and the login's organization (the
    ORGANIZATION_ATTRIBUTE auth note the first broker login reads)."""
    return dataclasses.replace(request, login_hint=hint, organization_context=org.id)


def _attempted(request: AuthRequest, username: str) -> AuthRequest:
    return dataclasses.replace(request, attempted_username=username)
