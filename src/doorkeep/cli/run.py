"""Serving: prepare the database, bind, run the workers; and the app each worker builds."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import tempfile
from typing import Any

import click

from doorkeep.server import logs, workers
from doorkeep.server.failures import failure
from doorkeep.settings import Settings

log = logging.getLogger("doorkeep")


def serve(settings: Settings, *, default_admin: bool = False) -> None:
    """Prepare the database and serve; ``default_admin``: start-dev fell back to admin/admin, said when it made
    the master realm with it (a later start uses the admin the database holds)."""
    from doorkeep.app import prepare
    from doorkeep.clock import SystemClock
    from doorkeep.realms.bootstrap import BootstrapError
    from doorkeep.server import serving
    from doorkeep.store.database import Database

    logs.configure(settings.log_level, settings.log_format)
    log.debug("settings: %s", json.dumps(workers.public_settings(settings)), extra={logs.DECLARED_PUBLIC: True})

    async def _prepare() -> bool:
        db = Database(settings.db_url)
        try:
            return await prepare(settings, db, SystemClock())
        finally:
            await db.dispose()

    try:
        created = asyncio.run(_prepare())
    except BootstrapError as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:  # a clear message, not a traceback, for start-up failures
        from doorkeep.realms.exportimport.files import ImportError_

        if isinstance(exc, ImportError_):
            raise click.ClickException(str(exc)) from None
        raise failure(f"cannot start: {serving.describe(exc, settings.db_url)}", exc, db_url=settings.db_url) from None
    if created and default_admin:
        click.secho(
            "WARNING: the master realm's admin is admin/admin: development only! On a new database, "
            "KC_BOOTSTRAP_ADMIN_USERNAME/_PASSWORD (or DOORKEEP_BOOTSTRAP_ADMIN_*) choose another.",
            fg="yellow",
            err=True,
        )
    sockets = serving.bind(settings)  # a taken port is one clear line, not uvicorn's shutdown sequence
    workers.prepare_environment(settings, os.environ)
    metrics_dir = metrics_multiprocess_dir(settings)
    try:
        serving.run(settings, logs.LEVELS[logs.parse(settings.log_level)[0]], sockets)
    except KeyboardInterrupt:  # Ctrl-C: uvicorn has shut down cleanly and re-raised it; not click's "Aborted!"
        raise SystemExit(130) from None
    finally:
        if metrics_dir is not None:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def metrics_multiprocess_dir(settings: Settings) -> str | None:
    """With several workers, prometheus_client's multiprocess mode: a fresh directory they all write to."""
    if not settings.metrics_enabled or settings.workers < 2 or os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return None
    folder = tempfile.mkdtemp(prefix="doorkeep-metrics-")
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = folder
    return folder


def app_factory() -> Any:
    """Build the app in each worker from the settings the parent process prepared."""
    from doorkeep.app import create_app

    settings = workers.settings_from(os.environ)
    if not logs.installed():  # a spawned worker starts with logging unconfigured
        logs.configure(settings.log_level, settings.log_format)
    return create_app(settings, freeze=True)
