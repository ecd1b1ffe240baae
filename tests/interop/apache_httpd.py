"""A private Apache httpd with mod_auth_openidc (Debian's apache2 and libapache2-mod-auth-openidc), for the
interop tests that put it in front of a real Doorkeep server.

Nothing of the system's Apache is used: the configuration, pid file and error log live in a folder of the test,
the server listens on 127.0.0.1 only, and it runs in the foreground as a child of the test. Started as root,
Apache serves as ``www-data``, who cannot enter pytest's private temporary folders: the few files the serving
processes read (the document root, the CA bundle) go to a world-readable folder of their own, removed on stop.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import IO

APACHE = Path("/usr/sbin/apache2")
MODULES = Path("/usr/lib/apache2/modules")
MODULE_SO = MODULES / "mod_auth_openidc.so"
LOADED = {  # module name: file, all of them in Debian's apache2 and libapache2-mod-auth-openidc
    "mpm_event_module": "mod_mpm_event.so",
    "authn_core_module": "mod_authn_core.so",
    "authz_core_module": "mod_authz_core.so",
    "authz_user_module": "mod_authz_user.so",
    "headers_module": "mod_headers.so",
    "dir_module": "mod_dir.so",
    "auth_openidc_module": "mod_auth_openidc.so",
}


class ApacheFailed(RuntimeError):
    """Apache refused its configuration or never answered; the message carries its error log."""


class ApacheProcess:
    """``apache2 -f <conf> -DFOREGROUND`` with ``body`` (virtual hosts and locations) after a common head that
    listens on ``ports``. ``public`` is the world-readable folder for files the serving processes read."""

    def __init__(self, workdir: Path, ports: list[int], body: str) -> None:
        self.workdir = workdir
        self.ports = ports
        self.public = Path(tempfile.mkdtemp(prefix="doorkeep-apache-"))
        self.public.chmod(0o755)
        (self.public / "www").mkdir(mode=0o755)
        self.body = body
        self.error_log = workdir / "error.log"
        self._process: subprocess.Popen[bytes] | None = None
        self._output: IO[bytes] | None = None

    def document(self, path: str, text: str) -> None:
        """A file of the document root, readable by the serving processes."""
        target = self.public / "www" / path.lstrip("/")
        target.parent.mkdir(mode=0o755, parents=True, exist_ok=True)
        target.write_text(text)
        target.chmod(0o644)

    def public_copy(self, source: Path) -> Path:
        """A world-readable copy of ``source`` (a CA bundle mod_auth_openidc reads at request time)."""
        target = self.public / source.name
        shutil.copyfile(source, target)
        target.chmod(0o644)
        return target

    def config(self) -> str:
        user = "User www-data\nGroup www-data\n" if os.geteuid() == 0 else ""
        modules = "".join(f"LoadModule {name} {MODULES / file}\n" for name, file in LOADED.items())
        listen = "".join(f"Listen 127.0.0.1:{port}\n" for port in self.ports)
        return (
            f"ServerRoot {self.workdir}\nServerName 127.0.0.1\nPidFile {self.workdir / 'httpd.pid'}\n"
            f"DefaultRuntimeDir {self.workdir}\nErrorLog {self.error_log}\n"
            "LogLevel warn auth_openidc:debug\n"  # the reason for any refusal, should a test fail
            f"{modules}{user}{listen}"
            f"DocumentRoot {self.public / 'www'}\nDirectoryIndex index.html\n"
            "StartServers 1\nServerLimit 1\nThreadsPerChild 25\nMaxRequestWorkers 25\n"
            f"{self.body}"
        )

    def start(self, timeout: float = 20.0) -> None:
        """Write the configuration, start Apache and return once every port answers."""
        self.workdir.mkdir(parents=True, exist_ok=True)
        conf = self.workdir / "httpd.conf"
        conf.write_text(self.config())
        self._output = (self.workdir / "stderr.log").open("ab")
        self._process = subprocess.Popen(
            [str(APACHE), "-f", str(conf), "-DFOREGROUND"],
            stdin=subprocess.DEVNULL,
            stdout=self._output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        waiting = list(self.ports)
        while waiting and time.monotonic() < deadline:
            if self._process.poll() is not None:
                raise ApacheFailed(f"apache2 exited with {self._process.returncode}:\n{self.log()}")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{waiting[0]}/", timeout=2).close()
                waiting.pop(0)
            except urllib.error.HTTPError:  # any HTTP answer (404 and the like) means it serves
                waiting.pop(0)
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.05)
        if waiting:
            self.stop()
            raise ApacheFailed(f"apache2 did not answer on {waiting} within {timeout} s:\n{self.log()}")

    def stop(self) -> None:
        """SIGTERM (Apache's immediate stop of every process it started), then the public folder goes."""
        if self._process is not None:
            if self._process.poll() is None:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self._process.pid, signal.SIGTERM)
                try:
                    self._process.wait(10)
                except subprocess.TimeoutExpired:
                    os.killpg(self._process.pid, signal.SIGKILL)
                    self._process.wait()
            self._process = None
        if self._output is not None:
            self._output.close()
            self._output = None
        shutil.rmtree(self.public, ignore_errors=True)

    def log(self) -> str:
        """Apache's start-up output and the warnings and errors of its error log (lines cut short: some carry
        tokens mod_auth_openidc prints whole)."""
        parts = [self.workdir / "stderr.log", self.error_log]
        lines = [line for p in parts if p.exists() for line in p.read_text(errors="replace").splitlines()]
        kept = [line[:240] for line in lines if ":debug]" not in line]
        return "\n".join(kept[-60:])
