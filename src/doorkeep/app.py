"""The composition root: settings → database, clock, keys → the ASGI application."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import gc
import logging
from collections.abc import AsyncIterator, Callable

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp

from doorkeep import events, hostname, observe
from doorkeep.broker import well_known_refresh
from doorkeep.clock import Clock, SystemClock
from doorkeep.email import event_mail
from doorkeep.email.event_mail import EventMailer
from doorkeep.email.smtp_tokens import SmtpTokens
from doorkeep.keys.ring import KeyRing
from doorkeep.oauth import provider_config
from doorkeep.oauth.client_keys import ClientKeys
from doorkeep.oauth.context import Services
from doorkeep.realms import bootstrap
from doorkeep.server import management
from doorkeep.sessions.cleaner import run_forever
from doorkeep.settings import Settings
from doorkeep.store.database import Database
from doorkeep.tokens import TokenCodec
from doorkeep.users import password_denylist, read_only
from doorkeep.vault import NONE as NO_VAULT
from doorkeep.web import not_found, slash_redirect
from doorkeep.web.backchannel import Notifier
from doorkeep.web.cookie_prefix import CookiePrefix
from doorkeep.web.headers import SecurityHeaders
from doorkeep.web.http import AppState
from doorkeep.web.management import ManagementPort
from doorkeep.web.routes import routes
from doorkeep.web.server_errors import CatchServerErrors, respond
from doorkeep.web.token_route import DoorkeepApp, token_route
from doorkeep.web.trailing_slash import AdminTrailingSlash

log = logging.getLogger("doorkeep")


def _provider_config(settings: Settings) -> provider_config.ProviderConfig:
    """The OpenID Connect login protocol's options (``--spi-login-protocol--openid-connect--*``) as the core reads
    them; ``NAME=CHARS`` pairs become the per-parameter sizes, the last one given for a name winning."""
    sizes = {}
    for pair in settings.oidc_req_params_max_sizes:
        name, _, size = pair.partition("=")
        sizes[name.strip().replace("-", "_")] = int(size.strip())
    return provider_config.ProviderConfig(
        allow_client_initiated_account_linking=settings.oidc_allow_client_initiated_account_linking,
        allow_oidc_params_in_redirect_uris=settings.oidc_allow_oidc_params_in_redirect_uris,
        allow_initiating_idp_logout_param=settings.oidc_allow_initiating_idp_logout_param,
        allow_multiple_audiences_for_jwt_client_authentication=(
            settings.oidc_allow_multiple_audiences_for_jwt_client_authentication
        ),
        allow_token_introspection_without_audience_check=settings.oidc_allow_token_introspection_without_audience_check,
        allow_userinfo_with_lightweight_access_token=settings.oidc_allow_userinfo_with_lightweight_access_token,
        req_params_default_max_size=settings.oidc_req_params_default_max_size,
        req_token_params_default_max_size=settings.oidc_req_token_params_default_max_size,
        req_params_max_sizes=sizes,
        add_req_params_max_number=settings.oidc_add_req_params_max_number,
        add_req_params_max_size=settings.oidc_add_req_params_max_size,
        add_req_params_max_overall_size=settings.oidc_add_req_params_max_overall_size,
        add_req_params_fail_fast=settings.oidc_add_req_params_fail_fast,
        add_req_token_params_fail_fast=settings.oidc_add_req_token_params_fail_fast,
    )


def build_services(clock: Clock, settings: Settings | None = None) -> Services:
    keyring = KeyRing()
    fixed = read_only.BUILT_IN
    disabled: frozenset[str] = frozenset()
    enabled: frozenset[str] = frozenset()
    if settings is not None:
        disabled, enabled = settings.disabled_features(), settings.enabled_features()
        fixed = read_only.configured(
            settings.user_profile_read_only_attributes, settings.user_profile_admin_read_only_attributes
        )
    return Services(
        clock=clock,
        keyring=keyring,
        codec=TokenCodec(keyring),
        client_keys=ClientKeys(clock),
        read_only=fixed,
        disabled_features=disabled,
        enabled_features=enabled,
        oidc=_provider_config(settings) if settings is not None else provider_config.DEFAULT,
        vault=settings.configured_vault() if settings is not None else NO_VAULT,
    )


async def prepare(settings: Settings, db: Database, clock: Clock) -> bool:
    """Migrate, bootstrap the master realm and import realms: run once before serving. True when the master realm
    was created now."""
    for warning in provider_config.warnings(_provider_config(settings)):
        log.warning("%s", warning)
    await db.migrate()
    async with db.transaction() as tx:
        created = await bootstrap.ensure_master(
            tx, clock.now(), settings.bootstrap_admin_username, settings.bootstrap_admin_password
        )
    if created:
        log.info("created the master realm and bootstrap admin %r", settings.bootstrap_admin_username)
    if settings.import_realms:
        from doorkeep.realms.exportimport import files

        for path in settings.import_realms:
            await files.import_file(db, path, clock, skip_existing=True)
    return created


async def _server_error(request: Request, exc: Exception) -> Response:
    return await respond(request, exc)  # only reached when CatchServerErrors is bypassed (it is the outermost handler)


def freeze_startup_objects() -> None:
    """Move every object alive after startup (modules, tables, templates, the app) to the collector's
    permanent generation. A full collection walked all of them each time: 50-58 ms pauses, the slowest
    of twenty admin reads at 1,000,000 sessions (issue #8). They are still freed by reference counting."""
    gc.collect()
    gc.freeze()


# Unrouted paths and methods answer Keycloak's JSON errors (doorkeep.web.not_found), not plain text.
HANDLERS = {Exception: _server_error, 404: not_found.no_route, 405: not_found.no_route}


def create_app(
    settings: Settings,
    *,
    db: Database | None = None,
    clock: Clock | None = None,
    run_prepare: bool = False,
    freeze: bool = False,
) -> Starlette:
    """Build the ASGI app. ``run_prepare`` migrates and bootstraps at startup (single-process use);
    ``freeze`` (a server process) takes what startup left out of the garbage collector's full passes."""
    clock = clock or SystemClock()
    password_denylist.configure(settings.password_blacklists_path, settings.password_blacklists_check_interval)
    database = db or Database(settings.db_url)
    services = build_services(clock, settings)
    notifier = Notifier(database, services)
    smtp_tokens = SmtpTokens(clock)
    # The realms' ``email`` event listener; its event types were checked by the command line (cli._events).
    known = events.EVENT_TYPES
    mailer = EventMailer(event_mail.included(settings.email_include_events, settings.email_exclude_events, known))
    mailer.tokens = smtp_tokens
    mailer.vault = services.vault
    mailer.sender_enabled = settings.email_sender_enabled
    database.event_mailer = mailer

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        if run_prepare:
            await prepare(settings, database, clock)
        cleaner = None
        if settings.session_cleaner_interval > 0 and db is None:
            cleaner = asyncio.create_task(run_forever(database, clock, settings.session_cleaner_interval))
        idp_sync = None
        if settings.idp_well_known_sync_interval > 0 and db is None:
            interval = settings.idp_well_known_sync_interval
            idp_sync = asyncio.create_task(well_known_refresh.run_forever(database, clock, interval))
        if freeze:
            freeze_startup_objects()
        yield
        await notifier.drain()
        await mailer.drain()
        if cleaner is not None:
            cleaner.cancel()
        if idp_sync is not None:
            idp_sync.cancel()
        if db is None:
            await database.dispose()

    # CatchServerErrors answers what escapes a route (an outage 503, a value the database refuses 400,
    # anything else 500) instead of Starlette re-raising it; inside SecurityHeaders, so those answers
    # carry the headers too.
    middleware = [Middleware(AdminTrailingSlash), Middleware(SecurityHeaders), Middleware(CatchServerErrors)]
    metrics: Callable[[ASGIApp], ASGIApp] | None = None
    if settings.metrics_enabled:
        from doorkeep.web.metrics import PrometheusObserver, RequestMetrics

        observer = PrometheusObserver(settings.user_event_metrics())
        observer.report_pool_size(database)
        observe.install(observer)
        middleware.insert(0, Middleware(RequestMetrics, observer=observer))
        metrics = functools.partial(RequestMetrics, observer=observer)
    if settings.cookie_prefix:  # outermost: every handler and middleware sees Keycloak's names
        middleware.insert(0, Middleware(CookiePrefix, prefix=settings.cookie_prefix))
    served = routes()
    app = DoorkeepApp(routes=served, lifespan=lifespan, exception_handlers=HANDLERS, middleware=middleware)
    app.take_token_route(token_route(served), metrics)
    slash_redirect.install(app.router)  # to the configured URL, never the request's Host
    urls = hostname.configure(
        settings.hostname,
        admin=settings.hostname_admin,
        backchannel_dynamic=settings.hostname_backchannel_dynamic,
        http_relative_path=settings.http_relative_path,
    )
    app.relative_path = urls.relative_path
    app.accept_non_normalized_paths = settings.http_accept_non_normalized_paths
    plan = management.interface(settings)
    if plan is not None:
        app.management = ManagementPort(plan, app)
    app.state.doorkeep = AppState(
        settings=settings,
        db=database,
        services=services,
        notifier=notifier,
        started=clock.now(),
        hostname=urls,
        smtp_tokens=smtp_tokens,
        event_mailer=mailer,
    )
    return app
