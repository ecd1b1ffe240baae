"""What every console view gets: the transaction, the signed-in administrator, the realm administered.

Role checks are the Admin REST's (``AdminIdentity.can``: a realm-management role, or one implying it,
in the caller's own realm; the master ``admin`` everywhere). A refused check is a page, not a trace.
A view that writes names the Admin REST call its write equals (``Console.changed``), so that the page's
unit of work records that call's admin event (``console.run``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Generic, TypeVar

from doorkeep.model import Realm
from doorkeep.web.admin.audit import Change
from doorkeep.web.admin.auth import AdminIdentity

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

T = TypeVar("T")
PAGE_SIZES = (10, 20, 50, 100)
DEFAULT_SIZE = 20
MAX_FIRST = 10_000_000  # deeper than any list a person pages through; bounds OFFSET


class Refused(Exception):
    """The caller may not see or do this (rendered as a 403 page)."""

    status = 403


class Missing(Exception):
    """No such realm, client, user or session here (rendered as a 404 page)."""

    status = 404


@dataclass(frozen=True)
class Console:
    """One console request: its transaction, the administrator and the realm administered."""

    tx: Tx
    identity: AdminIdentity
    realm: Realm
    now: int
    changes: list[Change] = field(default_factory=list)  # the writes made, as REST calls (admin events)
    remote_addr: str | None = None  # the administrator's address (client-updater-source-host)
    base_url: str | None = None  # the server's, which a relative redirect URI resolves against (client policies)

    def can(self, role: str) -> bool:
        """Holds the realm-management ``role`` (or one implying it) for this realm."""
        return self.identity.can(self.realm, role)

    def require(self, role: str) -> None:
        if not self.can(role):
            raise Refused(f"You need the {role} role of this realm for this page or action.")

    def changed(self, method: str, *segments: str, body: object = None, resource_type: str | None = None) -> None:
        """The write just made is, for admin events, ``method /admin/realms/{realm}/{segments…}`` with ``body``:
        the call Keycloak's Admin Console makes for the same change (``resource_type`` where that call sets one
        its path does not tell)."""
        self.changes.append(Change(method, segments, body, resource_type))


def administers(identity: AdminIdentity, realm: Realm) -> bool:
    """May open the console for ``realm`` at all: the master admin, or any admin role there (realm-management,
    or a master user's role of master's ``<realm>-realm`` client)."""
    return identity.administers(realm)


async def console_for(
    tx: Tx,
    identity: AdminIdentity,
    realm_name: str,
    now: int,
    remote_addr: str | None = None,
    base_url: str | None = None,
) -> Console:
    """The console of ``realm_name`` for this administrator; another realm's name is 404 to realm admins,
    so a realm administrator learns nothing of other realms, not even whether they exist."""
    realm = await tx.realms.get_by_name(realm_name)
    if realm is None or not administers(identity, realm):
        raise Missing("Realm not found.")
    return Console(tx, identity, realm, now, remote_addr=remote_addr, base_url=base_url)


async def realms_of(tx: Tx, identity: AdminIdentity) -> list[Realm]:
    """The realms this administrator may switch between."""
    if identity.master_admin:
        return await tx.realms.list()
    return [realm for realm in await tx.realms.list() if administers(identity, realm)]


@dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a list: ``first`` is the offset, ``size`` the page size; ``total`` when cheap to know."""

    items: Sequence[T]
    first: int
    size: int
    has_next: bool
    total: int | None = None

    @property
    def previous_first(self) -> int | None:
        return max(self.first - self.size, 0) if self.first > 0 else None

    @property
    def next_first(self) -> int | None:
        return self.first + self.size if self.has_next else None

    @property
    def number(self) -> int:
        return self.first // self.size + 1

    @property
    def span(self) -> str:
        """The rows shown out of the total, e.g. "11–20 of 1,532" (with a ``total``)."""
        total = self.total or 0
        if not self.items:
            return f"0 of {total:,}"
        return f"{self.first + 1:,}–{self.first + len(self.items):,} of {total:,}"


def page_of(fetched: Sequence[T], first: int, size: int, total: int | None = None) -> Page[T]:
    """A page from ``size + 1`` fetched rows: the extra row only says a next page exists."""
    return Page(list(fetched[:size]), first, size, len(fetched) > size, total)


def within(first: int, size: int, total: int) -> int:
    """``first``, or the last page's start when ``first`` is past the end (an emptied last page, a stale link)."""
    return first if first < total else max(total - 1, 0) // size * size


def paging(params: Mapping[str, str], prefix: str = "") -> tuple[int, int]:
    """``first`` and ``max`` from a query string, clamped: a bad value is the default, never an error page. A page
    with two lists pages the second by ``{prefix}first`` and ``{prefix}max``."""
    raw_first, raw_max = params.get(prefix + "first", ""), params.get(prefix + "max", "")
    first = int(raw_first) if _digits(raw_first) else 0
    size = int(raw_max) if _digits(raw_max) else DEFAULT_SIZE
    return min(first, MAX_FIRST), size if size in PAGE_SIZES else DEFAULT_SIZE


def _digits(text: str) -> bool:
    return 0 < len(text) <= 9 and text.isascii() and text.isdigit()
