"""The offline data commands: import, export and migrate-from-keycloak, run against the database without a server."""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from doorkeep.cli.build import dev_db_url
from doorkeep.cli.checks import check_sqlite_folder
from doorkeep.cli.options import asyncpg_spelling, click_option
from doorkeep.server.failures import failure, verbose_option
from doorkeep.settings import option

T = TypeVar("T")


def offline(db_url: str | None, work: Callable[[Any], Awaitable[T]]) -> T:
    """Run ``work(db)`` against a migrated database without a server; import errors become CLI errors."""
    from doorkeep.realms.exportimport import files
    from doorkeep.store.database import Database

    check_sqlite_folder(db_url or "")

    async def run() -> T:
        db = Database(db_url or dev_db_url())
        try:
            await db.migrate()
            return await work(db)
        finally:
            await db.dispose()

    try:
        return asyncio.run(run())
    except files.ImportError_ as exc:
        raise click.ClickException(str(exc)) from None
    except Exception as exc:  # the database unreachable, and the like: one line, not a traceback
        from doorkeep.server import serving

        raise failure(f"cannot open the database: {serving.describe(exc, db_url)}", exc, db_url=db_url) from None


@click.command("import", short_help="Import Keycloak realm JSON into the database")
@click.option("--file", "path", type=click.Path(dir_okay=False), help="Realm JSON file.")
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False),
    help="Directory of realm files as kc.sh export --dir writes them: every <realm>-realm.json, with its "
    "<realm>-users-N.json files.",
)
@click_option(option("db_url"), help="Database URL (default: ./data/doorkeep.db).")
@click.option(
    "--override",
    type=bool,
    default=None,
    metavar="true|false",
    help="Replace an existing realm (default: yes, unless it has sessions); "
    "true also when that ends its sessions, false skips existing realms.",
)
@verbose_option
def import_cmd(path: str | None, directory: str | None, db_url: str | None, override: bool | None) -> None:
    """Import a Keycloak realm-export JSON file, or a directory of them, offline."""
    import time

    from doorkeep.clock import SystemClock
    from doorkeep.realms.exportimport import files
    from doorkeep.server import progress_bar

    if (path is None) == (directory is None):
        raise click.UsageError("give exactly one of --file and --dir")
    source = path or directory or ""
    started = time.monotonic()
    ended: dict[str, tuple[int, int]] = {}
    counts: dict[str, tuple[int, int]] = {}
    names = offline(
        db_url,
        lambda db: files.import_file(
            db,
            source,
            SystemClock(),
            skip_existing=override is False,
            keep_sessions=override is None,
            ended=ended,
            progress=progress_bar.for_terminal(),
            counts=counts,
        ),
    )
    for name, (online, offline_count) in ended.items():
        click.echo(f"ended {online} online and {offline_count} offline sessions of realm '{name}'")
    what = ", ".join(f"{n} ({counts[n][0]} users, {counts[n][1]} clients)" for n in names) or "nothing"
    click.echo(f"imported {what} in {progress_bar.seconds(time.monotonic() - started)}")


@click.command("migrate-from-keycloak", short_help="Move realms from a Keycloak 24-26 database")
@click.option(
    "--source-db-url",
    required=True,
    callback=lambda _ctx, _param, value: asyncpg_spelling(value),
    help="Keycloak's PostgreSQL database (postgresql://…); read only.",
)
@click.option("--realm", "realms", required=True, multiple=True, help="Realm to migrate (repeatable).")
@click.option("--dry-run", is_flag=True, help="Report what would be carried and what cannot; write nothing.")
@click_option(option("db_url"), help="Doorkeep's database (default: ./data/doorkeep.db).")
@verbose_option
def migrate_from_keycloak_cmd(source_db_url: str, realms: tuple[str, ...], dry_run: bool, db_url: str | None) -> None:
    """Bring Keycloak realms over: settings, clients, roles, users, keys and offline sessions."""
    from doorkeep.server import kcmigrate_run

    for line in offline(db_url, lambda db: kcmigrate_run.run(db, source_db_url, realms, dry_run=dry_run)):
        click.echo(line)


@click.command("export", short_help="Export a realm as Keycloak realm JSON")
@click.option("--realm", required=True, help="Realm to export.")
@click.option(
    "--file", "path", required=True, type=click.Path(dir_okay=False), help="Output JSON file (-: standard output)."
)
@click_option(option("db_url"), help="Database URL (default: ./data/doorkeep.db).")
@verbose_option
def export_cmd(realm: str, path: str, db_url: str | None) -> None:
    """Export a realm as Keycloak realm JSON (users and credentials included)."""
    import time

    from doorkeep.realms.exportimport import files
    from doorkeep.server import progress_bar

    if path != "-" and not Path(path).parent.is_dir():  # before the export, which may take a while
        raise click.BadParameter(f"the folder does not exist: {Path(path).parent}", param_hint="'--file'")
    started = time.monotonic()
    data = offline(db_url, lambda db: files.export_realm(db, realm, progress_bar.for_terminal()))
    if path == "-":  # standard output, the summary on standard error
        click.echo(json.dumps(data, indent=2))
    else:
        try:
            write_private(Path(path), json.dumps(data, indent=2))
        except OSError as exc:  # not writable, a read-only file system, ...: one line, not a traceback
            raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from None
    click.echo(
        f"exported {realm} ({len(data.get('users', []))} users, {len(data.get('clients', []))} clients) "
        f"to {'standard output' if path == '-' else path} in {progress_bar.seconds(time.monotonic() - started)}",
        err=path == "-",
    )


def write_private(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by its owner only (0600): exports hold password hashes and secrets."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)  # an existing file keeps its mode through O_CREAT, so set it explicitly
    with os.fdopen(fd, "w") as out:
        out.write(text)
