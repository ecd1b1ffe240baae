"""The unit of work handed to the core: one connection, one transaction, narrow repositories."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.ext.asyncio import AsyncConnection

from doorkeep.model import SessionEnded
from doorkeep.store.admin_events import AdminEventRepo
from doorkeep.store.broker_sessions import BrokerSessionRepo
from doorkeep.store.bulk_sessions import BulkSessionRepo
from doorkeep.store.client_assertions import ClientAssertionRepo
from doorkeep.store.config_cache import CachedConfig, ConfigCache
from doorkeep.store.device_codes import DeviceCodeRepo
from doorkeep.store.events import EventRepo
from doorkeep.store.federated import FederatedIdentityRepo
from doorkeep.store.flows import FlowRepo
from doorkeep.store.groups import GroupRepo
from doorkeep.store.initial_access import InitialAccessRepo
from doorkeep.store.keys import KeyRepo
from doorkeep.store.login_failures import LoginFailureRepo
from doorkeep.store.mappers import MapperRepo
from doorkeep.store.org_invitations import InvitationRepo
from doorkeep.store.organization_domains import DomainRepo
from doorkeep.store.organization_group_roles import OrganizationGroupRoleRepo
from doorkeep.store.organization_groups import OrganizationGroupRepo
from doorkeep.store.organization_invitation_roles import OrganizationInvitationRoleRepo
from doorkeep.store.organization_roles import OrganizationRoleRepo
from doorkeep.store.organizations import OrganizationRepo
from doorkeep.store.pushed_requests import PushedRequestRepo
from doorkeep.store.realms import ClientRepo, ClientScopeRepo, RealmRepo
from doorkeep.store.refusals import is_duplicate
from doorkeep.store.registration_policies import RegistrationPolicyRepo
from doorkeep.store.resume_read import ResumeRead
from doorkeep.store.revoked_tokens import RevokedTokenRepo
from doorkeep.store.roles import RoleRepo
from doorkeep.store.scheduled_tasks import ScheduledTaskRepo
from doorkeep.store.session_ends import SessionEndRepo
from doorkeep.store.session_views import SessionViewRepo
from doorkeep.store.sessions import SessionRepo
from doorkeep.store.tables import used_action_tokens
from doorkeep.store.users import UserRepo

if TYPE_CHECKING:
    from doorkeep.email.event_mail import EventMailer, Outgoing


T = TypeVar("T")


class Tx:
    """One transaction's repositories, each made on first use: a token request touches four of them,
    and building all eighteen was a measurable part of its cost (issue #8)."""

    def __init__(
        self, conn: AsyncConnection, is_sqlite: bool, cache: ConfigCache | None = None, *, write: bool = True
    ) -> None:
        self._conn = conn
        self._sqlite = is_sqlite
        self._write = write
        self._cache = cache
        # Actions to run once the transaction has committed (cache invalidation, notifications).
        self.after_commit: list[Callable[[], None]] = []
        # Client sessions ended by a logout, for backchannel logout once committed (sessions/ended.py).
        self.ended: list[SessionEnded] = []
        # The ``email`` event listener (set by Database.transaction) and the mails its events owe, which the Database
        # hands it once this transaction has committed, whichever layer opened it (email/event_mail.py).
        self.event_mailer: EventMailer | None = None
        self.event_mails: list[Outgoing] = []
        # The label values of the user events this transaction raised, counted once it has committed (event_metrics.py).
        self.counted_events: list[tuple[str, ...]] = []
        # The mails whose outcome the answer waits on (a link a form mails: web/email_links.py), sent once this
        # transaction has committed and given its write lock back (web/http.py in_transaction); each answers None
        # once sent, else what to answer instead.
        self.mails_due: list[Callable[[], Awaitable[object | None]]] = []

    async def refused_as(self, write: Awaitable[T], conflict: Exception) -> T:
        """``write``'s result, or ``conflict`` raised when a unique index refuses its row: another request created
        the namesake after this one looked for it (on PostgreSQL; SQLite's writers are serial). Keycloak's JPA
        flush meets it there too and its resources answer the same 409 as for a namesake found before
        (ClientsResource.createClient, RoleContainerResource.createRole, GroupsResource.addTopLevelGroup, …)."""
        try:
            return await write
        except Exception as exc:
            if is_duplicate(exc):
                raise conflict from exc
            raise

    def forget_cached_config(self, realm_id: str) -> None:
        """Once committed, drop this process's cached configuration of the realm (other processes keep theirs:
        they follow the realm's version stamp, which nothing here changes)."""
        cache = self._cache
        if cache is not None:
            self.after_commit.append(lambda: cache.forget(realm_id))

    @cached_property
    def realms(self) -> RealmRepo:
        return RealmRepo(self._conn, hold=self._write and not self._sqlite)

    @cached_property
    def clients(self) -> ClientRepo:
        return ClientRepo(self._conn, hold=self._write and not self._sqlite)

    @cached_property
    def scopes(self) -> ClientScopeRepo:
        return ClientScopeRepo(self._conn)

    @cached_property
    def roles(self) -> RoleRepo:
        return RoleRepo(self._conn)

    @cached_property
    def users(self) -> UserRepo:
        """Users; ``held`` holds one's row against deletion in a writing transaction on PostgreSQL."""
        return UserRepo(self._conn, hold=self._write and not self._sqlite)

    @cached_property
    def groups(self) -> GroupRepo:
        return GroupRepo(self._conn, hold=self._write and not self._sqlite)

    @cached_property
    def organizations(self) -> OrganizationRepo:
        return OrganizationRepo(self._conn, self._sqlite)

    @cached_property
    def domains(self) -> DomainRepo:
        """Keycloak 26.8's realm-level organization domains and the organizations' claims."""
        return DomainRepo(self._conn, self._sqlite)

    @cached_property
    def org_invitations(self) -> InvitationRepo:
        return InvitationRepo(self._conn)

    @cached_property
    def organization_groups(self) -> OrganizationGroupRepo:
        return OrganizationGroupRepo(self._conn, self._sqlite)

    @cached_property
    def organization_invitation_roles(self) -> OrganizationInvitationRoleRepo:
        """The realm and client roles organization invitations grant on acceptance."""
        return OrganizationInvitationRoleRepo(self._conn)

    @cached_property
    def organization_group_roles(self) -> OrganizationGroupRoleRepo:
        """The organization roles mapped to organization groups."""
        return OrganizationGroupRoleRepo(self._conn)

    @cached_property
    def organization_roles(self) -> OrganizationRoleRepo:
        """Each organization's own roles (Keycloak's roles of type ORGANIZATION), apart from ``roles``."""
        return OrganizationRoleRepo(self._conn, self._sqlite)

    @cached_property
    def mappers(self) -> MapperRepo:
        return MapperRepo(self._conn)

    @cached_property
    def sessions(self) -> SessionRepo:
        return SessionRepo(self._conn, self._sqlite)

    @cached_property
    def resume(self) -> ResumeRead:
        """A refresh's session, user and client session at once."""
        return ResumeRead(self._conn, self._sqlite, self.users)

    @cached_property
    def session_ends(self) -> SessionEndRepo:
        """Many sessions of a user ended at once, in a fixed number of statements (store/session_ends.py)."""
        return SessionEndRepo(self._conn, self._sqlite)

    @cached_property
    def session_views(self) -> SessionViewRepo:
        """The admin session reads (issue #8)."""
        return SessionViewRepo(self._conn)

    @cached_property
    def broker_sessions(self) -> BrokerSessionRepo:
        """Sessions by the identity provider session they were brokered from."""
        return BrokerSessionRepo(self._conn)

    @cached_property
    def bulk(self) -> BulkSessionRepo:
        """Bulk offline-session revocation (issue #13)."""
        return BulkSessionRepo(self._conn)

    @cached_property
    def keys(self) -> KeyRepo:
        return KeyRepo(self._conn, self._sqlite)

    @cached_property
    def registration_policies(self) -> RegistrationPolicyRepo:
        return RegistrationPolicyRepo(self._conn)

    @cached_property
    def revoked(self) -> RevokedTokenRepo:
        return RevokedTokenRepo(self._conn)

    @cached_property
    def client_assertions(self) -> ClientAssertionRepo:
        return ClientAssertionRepo(self._conn, self._sqlite)

    @cached_property
    def action_tokens(self) -> ClientAssertionRepo:
        """Keycloak's singleUseObjects: spent action tokens (email/action_tokens.py), e-mail resend cooldowns
        (oauth/email_cooldown.py)."""
        return ClientAssertionRepo(self._conn, self._sqlite, used_action_tokens)

    @cached_property
    def pushed_requests(self) -> PushedRequestRepo:
        return PushedRequestRepo(self._conn)

    @cached_property
    def federated(self) -> FederatedIdentityRepo:
        """Users' links to the realm's identity providers."""
        return FederatedIdentityRepo(self._conn)

    @cached_property
    def flows(self) -> FlowRepo:
        """Login tabs, locked as they are read in a writing transaction on PostgreSQL (SQLite's writing
        transactions are serial already), so two posts of one form cannot both pass (store/flows.py)."""
        return FlowRepo(self._conn, lock=self._write and not self._sqlite)

    @cached_property
    def config(self) -> CachedConfig:
        return CachedConfig(self._cache or ConfigCache(), self)

    @cached_property
    def events(self) -> EventRepo:
        return EventRepo(self._conn)

    @cached_property
    def admin_events(self) -> AdminEventRepo:
        return AdminEventRepo(self._conn)

    @cached_property
    def device_codes(self) -> DeviceCodeRepo:
        return DeviceCodeRepo(self._conn)

    @cached_property
    def scheduled_tasks(self) -> ScheduledTaskRepo:
        return ScheduledTaskRepo(self._conn, self._sqlite)

    @cached_property
    def login_failures(self) -> LoginFailureRepo:
        return LoginFailureRepo(self._conn, self._sqlite)

    @cached_property
    def initial_access(self) -> InitialAccessRepo:
        """Initial access tokens of the client registration service."""
        return InitialAccessRepo(self._conn)
