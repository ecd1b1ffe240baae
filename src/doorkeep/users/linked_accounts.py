"""What the user sees of their links to the realm's identity providers (Keycloak 26's LinkedAccountsResource
``GET /account/linked-accounts``, LinkedAccountRepresentation).

Without ``linked`` (the Account REST's answer, kept by Keycloak for compatibility): every enabled provider, linked or
not, hidden where ``showInAccountConsole`` says so (``NEVER``; ``WHEN_LINKED`` while not linked) and, while not
linked, when an organization owns it. The Account Console asks the two questions of ``linked=true`` /
``linked=false`` instead: the user's links to enabled providers shown ``ALWAYS`` or ``WHEN_LINKED``, and the
enabled realm-level providers (no organization) shown ``ALWAYS`` that the user has no link to, each list narrowed
by ``search`` (matchesLinkedProvider: ``"name"`` exact, ``*name*`` contains, ``name*`` or ``name`` a prefix, of the
alias or the display name) before ``first``/``max`` page it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep.broker import providers as idp
from doorkeep.broker import social
from doorkeep.model import JSON, FederatedIdentity
from doorkeep.organizations import brokers
from doorkeep.users.account import MANAGE_ACCOUNT, VIEW_PROFILE, Caller

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

SHOW = "showInAccountConsole"  # IdentityProviderModel.SHOW_IN_ACCOUNT_CONSOLE, a config key
ALWAYS, WHEN_LINKED, NEVER = "ALWAYS", "WHEN_LINKED", "NEVER"


def _shown(provider: JSON) -> str:
    value = str((provider.get("config") or {}).get(SHOW) or ALWAYS).upper()
    return value if value in (ALWAYS, WHEN_LINKED, NEVER) else ALWAYS


def _rep(provider: JSON, link: FederatedIdentity | None) -> dict[str, Any]:
    """LinkedAccountRepresentation; ``social``: the provider is a SocialIdentityProvider Doorkeep runs
    (broker/social.SOCIAL: GitHub, Google, LinkedIn, OpenShift …)."""
    alias = provider["alias"]
    rep: dict[str, Any] = {
        "connected": link is not None,
        "social": provider.get("providerId") in social.SOCIAL,
        "providerAlias": alias,
        "providerName": alias,
        "displayName": provider.get("displayName") or alias,
    }
    gui_order = (provider.get("config") or {}).get("guiOrder")
    if gui_order:
        rep["guiOrder"] = gui_order
    if link is not None and link.federated_username is not None:
        rep["linkedUsername"] = link.federated_username
    return rep


def _sorted(reps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """LinkedAccountRepresentation.compareTo: ``guiOrder`` (numbers first), then the display name."""

    def order(rep: dict[str, Any]) -> tuple[int, str]:
        gui = str(rep.get("guiOrder") or "")
        return (int(gui) if gui.isdigit() else 2**31, str(rep["displayName"]))

    return sorted(reps, key=order)


async def _links(tx: Tx, caller: Caller) -> dict[str, FederatedIdentity]:
    caller.require_one_of(MANAGE_ACCOUNT, VIEW_PROFILE)
    return {f.alias: f for f in await tx.federated.of_user(caller.user.id)}


async def linked_accounts(tx: Tx, caller: Caller) -> list[dict[str, Any]]:
    """``GET /account/linked-accounts`` without ``linked`` (manage-account or view-profile)."""
    links = await _links(tx, caller)
    out = []
    for provider in caller.realm.identity_providers:
        link = links.get(provider["alias"])
        shown = _shown(provider)
        hidden = shown == NEVER or (link is None and (shown == WHEN_LINKED or provider.get("organizationId")))
        if idp.runs(provider) and not hidden:
            out.append(_rep(provider, link))
    return _sorted(out)


@dataclass(frozen=True)
class Lists:
    """The Account Console's two lists (LinkedAccounts.tsx): linked, and available to link."""

    linked: list[dict[str, Any]]
    unlinked: list[dict[str, Any]]


async def console_lists(tx: Tx, caller: Caller) -> Lists:
    """``linked=true`` and ``linked=false`` (manage-account or view-profile). A MANAGED member linked through their
    organization's provider may link nothing else (Keycloak 26.7, #49720): ``linked=false`` lists none."""
    links = await _links(tx, caller)
    may_link = not await brokers.home_brokers(tx, caller.realm, caller.user.id)
    linked, unlinked = [], []
    for provider in caller.realm.identity_providers:
        if not idp.runs(provider):
            continue
        link, shown = links.get(provider["alias"]), _shown(provider)
        if link is not None and shown in (ALWAYS, WHEN_LINKED):
            linked.append(_rep(provider, link))
        elif may_link and link is None and shown == ALWAYS and not provider.get("organizationId"):
            unlinked.append(_rep(provider, None))
    return Lists(_sorted(linked), _sorted(unlinked))


def matches(rep: dict[str, Any], search: str | None) -> bool:
    """LinkedAccountsResource.matchesLinkedProvider, on the alias or the display name."""
    if search is None:
        return True
    names = (str(rep["providerAlias"]), str(rep["displayName"]))
    if len(search) >= 2 and search.startswith('"') and search.endswith('"'):
        return search[1:-1] in names
    if len(search) >= 2 and search.startswith("*") and search.endswith("*"):
        return any(search[1:-1] in name for name in names)
    prefix = search.removesuffix("*")
    return any(name.startswith(prefix) for name in names)


async def one_list(tx: Tx, caller: Caller, linked: bool, search: str | None) -> list[dict[str, Any]]:
    """``linked=true`` or ``linked=false`` with ``search`` (manage-account or view-profile), unpaged."""
    lists = await console_lists(tx, caller)
    return [rep for rep in (lists.linked if linked else lists.unlinked) if matches(rep, search)]
