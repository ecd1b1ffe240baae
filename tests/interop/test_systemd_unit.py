"""deploy/doorkeep.service and deploy/doorkeep.env as shipped: systemd's own checker accepts the unit and rates its
sandbox, every variable of the environment file is one ``doorkeep start`` reads, and the unit's command, run as
systemd would run it (its environment file, working directory, umask, and its stop: SIGTERM to the main process
only under ``KillMode=mixed``), serves a PostgreSQL-backed server with two workers and stops them all in time.

No systemd runs here as PID 1, so the sandboxing directives themselves are rated, not exercised.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import time
from collections import defaultdict
from pathlib import Path

import pytest
import requests

from interop.server import DOORKEEP
from ports import free_port

pytestmark = pytest.mark.interop

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
UNIT = DEPLOY / "doorkeep.service"
ENV_FILE = DEPLOY / "doorkeep.env"
SYSTEMD_ANALYZE = shutil.which("systemd-analyze") or "/usr/bin/systemd-analyze"

Unit = dict[str, dict[str, list[str]]]


def parse_unit(text: str) -> Unit:
    """Sections of a unit file, each key with every value it is given (systemd lets some keys repeat)."""
    sections: Unit = {}
    current: dict[str, list[str]] = defaultdict(list)
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], defaultdict(list))
            continue
        key, _, value = line.partition("=")
        current[key.strip()].append(value.strip())
    return sections


def parse_environment_file(text: str) -> dict[str, str]:
    """``KEY=VALUE`` lines as systemd's ``EnvironmentFile=`` reads them (comments start with # or ;)."""
    variables: dict[str, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        key, sep, value = line.partition("=")
        assert sep, f"not KEY=VALUE: {raw!r}"
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        variables[key.strip()] = value
    return variables


def one(unit: Unit, section: str, key: str) -> str:
    values = unit[section][key]
    assert len(values) == 1, (section, key, values)
    return values[0]


def runnable_copy(folder: Path, unit: Unit) -> Path:
    """The shipped unit with its ``ExecStart`` program replaced by this checkout's ``doorkeep`` (the only line
    that names a path systemd-analyze checks for existence)."""
    program = one(unit, "Service", "ExecStart").split()[0]
    copy = folder / "doorkeep.service"
    copy.write_text(UNIT.read_text().replace(f"ExecStart={program}", f"ExecStart={DOORKEEP}"))
    return copy


def test_systemd_verifies_the_unit_without_a_warning(tmp_path: Path) -> None:
    checked = subprocess.run(
        [SYSTEMD_ANALYZE, "verify", str(runnable_copy(tmp_path, parse_unit(UNIT.read_text())))],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checked.returncode == 0, checked.stderr
    assert checked.stderr.strip() == "", checked.stderr  # unknown keys and bad values are warnings only


def test_a_broken_unit_is_caught_by_the_same_check(tmp_path: Path) -> None:
    """The check above can fail: a misspelt key and a bad kill mode are reported."""
    copy = runnable_copy(tmp_path, parse_unit(UNIT.read_text()))
    copy.write_text(copy.read_text().replace("KillMode=mixed", "KillMode=parent\nProtectSytem=strict"))
    checked = subprocess.run([SYSTEMD_ANALYZE, "verify", str(copy)], capture_output=True, text=True, timeout=60)
    assert "KillMode" in checked.stderr or "kill mode" in checked.stderr, checked.stderr
    assert "ProtectSytem" in checked.stderr, checked.stderr


def test_systemd_rates_the_sandbox_ok(tmp_path: Path) -> None:
    rated = subprocess.run(
        [
            SYSTEMD_ANALYZE,
            "security",
            "--offline=yes",
            "--no-pager",
            str(runnable_copy(tmp_path, parse_unit(UNIT.read_text()))),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    found = re.search(r"Overall exposure level for doorkeep\.service: (\d+\.\d+) (\w+)", rated.stdout)
    assert found is not None, rated.stdout + rated.stderr
    # systemd's scale: 0-1.9 SAFE... "OK" up to 4.4, then MEDIUM, EXPOSED, UNSAFE; a bare unit is 9.6.
    assert float(found.group(1)) <= 2.0, rated.stdout
    for must_hold in ("NoNewPrivileges=", "ProtectSystem=", "CapabilityBoundingSet=~CAP_SYS_ADMIN", "UMask="):
        line = next((each for each in rated.stdout.splitlines() if must_hold in each), "")
        assert line.startswith("✓"), (must_hold, line)


def test_the_unit_stops_as_doorkeep_expects() -> None:
    """SIGTERM to the parent only (it stops its workers after its shutdown delay), with time to do so."""
    unit = parse_unit(UNIT.read_text())
    assert one(unit, "Service", "KillMode") == "mixed"
    assert one(unit, "Service", "KillSignal") == "SIGTERM"
    assert float(one(unit, "Service", "TimeoutStopSec")) > 1 + 1  # --shutdown-delay + --shutdown-timeout defaults
    assert one(unit, "Service", "EnvironmentFile") == "/etc/doorkeep/doorkeep.env"
    assert one(unit, "Service", "WorkingDirectory") == f"/var/lib/{one(unit, 'Service', 'StateDirectory')}"
    assert one(unit, "Service", "ExecStart").split()[1:] == ["start"]


def test_every_variable_of_the_environment_file_is_an_option_of_doorkeep_start() -> None:
    shown = subprocess.run([str(DOORKEEP), "start", "--help"], capture_output=True, text=True, timeout=60, check=True)
    known = set(re.findall(r"DOORKEEP_[A-Z0-9_]+", shown.stdout.replace("\n", "").replace(" ", "")))
    variables = parse_environment_file(ENV_FILE.read_text())
    assert variables, "the environment file sets nothing"
    unknown = sorted(name for name in variables if name not in known)
    assert unknown == [], unknown


def _children(pid: int) -> list[int]:
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(each) for each in (task / "children").read_text().split()]
    return found


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_units_command_serves_and_stops_as_systemd_runs_it(tmp_path: Path, postgres_url: str) -> None:
    unit = parse_unit(UNIT.read_text())
    service = unit["Service"]
    variables = parse_environment_file(ENV_FILE.read_text())
    # What a test must change: where the database is, and free ports instead of 8080 and 9000.
    port, management_port = free_port(), free_port()
    variables |= {
        "DOORKEEP_DB_URL": postgres_url,
        "DOORKEEP_HTTP_PORT": str(port),
        "DOORKEEP_HTTP_MANAGEMENT_PORT": str(management_port),
    }
    state = tmp_path / "state"
    state.mkdir(mode=int(one(unit, "Service", "StateDirectoryMode"), 8))
    base_env = {key: os.environ[key] for key in ("PATH", "LANG") if key in os.environ}  # systemd's is as bare
    log = tmp_path / "doorkeep.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(DOORKEEP), *one(unit, "Service", "ExecStart").split()[1:]],
            cwd=state,
            env=base_env | variables,
            umask=int(one(unit, "Service", "UMask"), 8),
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + 90
        ready = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                ready = requests.get(f"http://127.0.0.1:{management_port}/health/ready", timeout=2)
                if ready.status_code == 200:
                    break
            except requests.RequestException:  # not listening yet, or listening before it answers
                pass
            time.sleep(0.1)
        assert ready is not None and ready.status_code == 200, log.read_text()
        workers = int(variables["DOORKEEP_WORKERS"])
        while log.read_text().count("Application startup complete") < workers and time.monotonic() < deadline:
            time.sleep(0.1)  # the management port answers once the first worker is up
        assert log.read_text().count("Started server process") == workers, log.read_text()
        assert len(_children(process.pid)) >= workers  # and the management interface's own process

        # The environment file's hostname and proxy settings are in force: the issuer is the public one.
        discovery = requests.get(f"http://127.0.0.1:{port}/realms/master/.well-known/openid-configuration", timeout=10)
        assert discovery.json()["issuer"] == f"{variables['DOORKEEP_HOSTNAME']}/realms/master"
        # Its bootstrap admin exists.
        token = requests.post(
            f"http://127.0.0.1:{port}/realms/master/protocol/openid-connect/token",
            data={
                "grant_type": "password",
                "client_id": "admin-cli",
                "username": variables["DOORKEEP_BOOTSTRAP_ADMIN_USERNAME"],
                "password": variables["DOORKEEP_BOOTSTRAP_ADMIN_PASSWORD"],
            },
            timeout=10,
        )
        assert token.status_code == 200, token.text

        # systemctl stop: KillSignal to the main process only, then SIGKILL to the rest after TimeoutStopSec.
        signalled = time.monotonic()
        process.send_signal(getattr(signal, one(unit, "Service", "KillSignal")))
        code = process.wait(float(one(unit, "Service", "TimeoutStopSec")))
        assert code in (0, -signal.SIGTERM), log.read_text()
        assert time.monotonic() - signalled < float(one(unit, "Service", "TimeoutStopSec"))
        deadline = time.monotonic() + 5
        while _group_alive(process.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _group_alive(process.pid), "workers outlived the main process: KillMode=mixed would SIGKILL them"
        assert "Traceback" not in log.read_text()
        assert variables["DOORKEEP_BOOTSTRAP_ADMIN_PASSWORD"] not in log.read_text()
        assert service["Restart"] == ["on-failure"]
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
