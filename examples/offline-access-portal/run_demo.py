"""``make demo``: Doorkeep with the demo realm, the backup service and the portal on 127.0.0.1; Ctrl-C stops all."""

from __future__ import annotations

import signal
import subprocess
import sys
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
    taken = [port for port in (doorkeep_port, portal_port, backup_port) if launch.port_taken(port)]
    if taken:
        raise click.ClickException(
            f"port {', '.join(map(str, taken))} of 127.0.0.1 is in use: stop what listens there, or choose other "
            "ports (--doorkeep-port, --portal-port, --backup-port)"
        )
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    doorkeep = f"http://127.0.0.1:{doorkeep_port}"
    backup = f"http://127.0.0.1:{backup_port}"
    log = (data_dir / "demo.log").open("ab")
    processes: dict[str, subprocess.Popen[bytes]] = {}

    def start_doorkeep() -> subprocess.Popen[bytes]:
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
        processes["Doorkeep"] = server
        launch.wait_until_up(f"{doorkeep}/realms/demo", server, timeout=60)
        return server

    try:
        start_doorkeep()
        processes["the backup service"] = launch.start(
            launch.app_command("backup_service.app:from_environment", backup_port), launch.backup_env(doorkeep), log
        )
        launch.wait_until_up(f"{backup}/backups", processes["the backup service"])
        processes["the portal"] = launch.start(
            launch.app_command("offline_portal.app:from_environment", portal_port),
            launch.portal_env(doorkeep, portal_port, backup, data_dir / "tokens"),
            log,
        )
        launch.wait_until_up(f"http://127.0.0.1:{portal_port}/", processes["the portal"])
        click.echo(
            f"Doorkeep        {doorkeep}  (admin/admin; demo realm user1/password; pid {processes['Doorkeep'].pid})"
        )
        click.echo(f"Backup service  {backup}")
        click.echo(f"Open            http://127.0.0.1:{portal_port}/   (Ctrl-C stops all three; log: {log.name})")
        click.echo("Stopping Doorkeep alone (kill PID) restarts it; the portal and its offline tokens stay.")
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in the background
        gone = launch.watch(processes, {"Doorkeep": start_doorkeep}, lambda line: click.echo(line, err=True))
        click.echo(f"{gone} exited; stopping the others (see the log)", err=True)
    except KeyboardInterrupt:
        pass
    except RuntimeError as exc:  # a process did not come up: one line, the details are in the log
        raise click.ClickException(f"{exc} (see {log.name})") from None
    finally:
        for process in reversed(processes.values()):
            launch.stop(process)
        log.close()


if __name__ == "__main__":
    main()
