"""A user's links to identity providers as a UserRepresentation carries them (``federatedIdentities``).

Keycloak reads the list when it creates a user from a representation: realm import
(DefaultExportImportManager.createUser), ``POST /users`` and partial import
(RepresentationToModel.createFederatedIdentities), and writes it in realm exports (ExportUtils.exportUser,
ExportUtils.exportSocialLink: ``identityProvider``, ``userId``, ``userName``, never the stored token).
Keycloak does not check the alias against the realm's providers: a link to a provider the realm lacks is
stored, left out of ``GET …/federated-identity``, exported again, and comes alive when a provider of that
alias is added. Two links of one user to the same alias break Keycloak's primary key (the user is not
created); Doorkeep also keeps one user per account of a provider (``uq_federated_identities_realm_alias_user``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep.errors import AdminError
from doorkeep.model import FederatedIdentity

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

KEYS = frozenset({"identityProvider", "userId", "userName"})  # FederatedIdentityRepresentation


@dataclass(frozen=True)
class Link:
    """One entry of ``federatedIdentities``: the provider's alias and the user's account there."""

    alias: str
    federated_user_id: str | None
    federated_username: str | None


class LinkError(ValueError):
    """An entry that cannot be stored; ``where`` names it (``federatedIdentities[1].identityProvider``)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where


class DuplicateLink(LinkError):
    """Two links of one user to the same alias (Keycloak's primary key on FED_IDENTITY breaks)."""


def _text(entry: dict[str, Any], key: str, where: str) -> str | None:
    """A String field as Jackson reads it: numbers and booleans in their text form, null as absent."""
    value = entry.get(key)
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    raise LinkError(f"{where}.{key}", "expected a string")


def read(value: Any, where: str = "federatedIdentities") -> list[Link]:
    """The representation's links, checked before anything is written; ``[]`` for null."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise LinkError(where, "expected a list")
    links: list[Link] = []
    for index, entry in enumerate(value):
        at = f"{where}[{index}]"
        if not isinstance(entry, dict):
            raise LinkError(at, "expected an object")
        alias = _text(entry, "identityProvider", at)
        if not alias:
            raise LinkError(f"{at}.identityProvider", "missing")
        if any(link.alias == alias for link in links):
            raise DuplicateLink(f"{at}.identityProvider", f"the user is linked to '{alias}' twice")
        links.append(Link(alias, _text(entry, "userId", at), _text(entry, "userName", at)))
    return links


def representation(link: FederatedIdentity) -> dict[str, Any]:
    """ModelToRepresentation.toRepresentation(FederatedIdentityModel), null fields left out."""
    out: dict[str, Any] = {"identityProvider": link.alias}
    if link.federated_user_id is not None:
        out["userId"] = link.federated_user_id
    if link.federated_username is not None:
        out["userName"] = link.federated_username
    return out


def unknown_aliases(links: Iterable[Link], providers: Iterable[dict[str, Any]]) -> set[str]:
    """Aliases the links name that no provider of the realm has (kept all the same, as Keycloak keeps them)."""
    known = {p.get("alias") for p in providers}
    return {link.alias for link in links if link.alias not in known}


async def taken(tx: Tx, realm_id: str, links: Iterable[Link]) -> Link | None:
    """A link whose account of the provider another user of the realm is linked to already."""
    for link in links:
        if link.federated_user_id is not None and await tx.federated.user_of(
            realm_id, link.alias, link.federated_user_id
        ):
            return link
    return None


DUPLICATE = "User exists with same username or email"  # UsersResource.createUser's ModelDuplicateException


async def for_new_user(tx: Tx, realm_id: str, value: Any) -> list[Link]:
    """``POST /users``' links, checked before the user is written: 400 for an entry that is not one, Keycloak's
    409 for a link its database refuses (the same alias twice) and for an account another user holds."""
    try:
        links = read(value)
    except DuplicateLink:
        raise AdminError(409, DUPLICATE) from None
    except LinkError as problem:
        raise AdminError(400, str(problem)) from None
    if await taken(tx, realm_id, links) is not None:
        raise AdminError(409, DUPLICATE)
    return links


async def add(tx: Tx, realm_id: str, user_id: str, links: Iterable[Link]) -> None:
    """Store a new user's links, in the representation's order."""
    for link in links:
        await tx.federated.add(
            realm_id, FederatedIdentity(user_id, link.alias, link.federated_user_id, link.federated_username)
        )
