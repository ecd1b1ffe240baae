"""``make demo``: Doorkeep with the demo realm, the backup service and the portal on 127.0.0.1; Ctrl-C stops all."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import click

sys.path.insert(0, str(Path(__file__).resolve().parent))
from offline_portal import launch


@click.command()
@click.option("--doorkeep-port", default=8080, show_default=True)
@click.option("--portal-port", default=8081, show_default=True)
@click.option("--backup-port", default=8082, show_default=True)
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path),
    default=launch.HERE / ".demo",
    show_default=True,
    help="Doorkeep's ./data/, the portal's token store and the logs.",
)
def main(doorkeep_port: int, portal_port: int, backup_port: int, data_dir: Path) -> None:
    """Start the offline-access demo and print the URL to open."""
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    doorkeep = f"http://127.0.0.1:{doorkeep_port}"
    backup = f"http://127.0.0.1:{backup_port}"
    log = (data_dir / "demo.log").open("ab")
    processes: list[subprocess.Popen[bytes]] = []
    try:
        server = launch.start(
            [
                str(launch.BIN / "doorkeep"),
                "start-dev",
                "--http-host",
                "127.0.0.1",
                "--http-port",
                str(doorkeep_port),
                "--import-realm",
                str(launch.DEMO_REALM),
            ],
            {},
            log,
            cwd=data_dir,
        )
        processes.append(server)
        launch.wait_until_up(f"{doorkeep}/realms/demo", server, timeout=60)
        processes.append(
            launch.start(
                launch.app_command("backup_service.app:from_environment", backup_port), launch.backup_env(doorkeep), log
            )
        )
        launch.wait_until_up(f"{backup}/backups", processes[-1])
        processes.append(
            launch.start(
                launch.app_command("offline_portal.app:from_environment", portal_port),
                launch.portal_env(doorkeep, portal_port, backup, data_dir / "tokens"),
                log,
            )
        )
        launch.wait_until_up(f"http://127.0.0.1:{portal_port}/", processes[-1])
        click.echo(f"Doorkeep        {doorkeep}  (admin/admin; demo realm user1/password)")
        click.echo(f"Backup service  {backup}")
        click.echo(f"Open            http://127.0.0.1:{portal_port}/   (Ctrl-C stops all three; log: {log.name})")
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in the background
        while all(process.poll() is None for process in processes):
            time.sleep(0.5)
        click.echo("a process of the demo exited; stopping the others (see the log)", err=True)
    except KeyboardInterrupt:
        pass
    finally:
        for process in reversed(processes):
            launch.stop(process)
        log.close()


if __name__ == "__main__":
    main()
