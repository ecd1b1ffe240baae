"""Free TCP ports on 127.0.0.1 for the servers tests start (Doorkeep processes, the throwaway PostgreSQL).

The kernel picks one, unless ``DOORKEEP_TEST_PORTS`` names a range (``18700-18799``) for runs that share a
machine: then the first free port in it, the search starting at a random place so parallel workers seldom
pick the same one.
"""

from __future__ import annotations

import os
import random
import socket

HOST = "127.0.0.1"


def free_port() -> int:
    """A port nobody listens on right now, in ``DOORKEEP_TEST_PORTS`` when it is set."""
    confined = os.environ.get("DOORKEEP_TEST_PORTS")
    if confined:
        low, high = (int(part) for part in confined.split("-", 1))
        return free_port_between(low, high)
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def free_port_between(low: int, high: int) -> int:
    """A port in ``low..high`` (inclusive) nobody listens on right now."""
    ports = list(range(low, high + 1))
    start = random.randrange(len(ports))
    for port in ports[start:] + ports[:start]:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind((HOST, port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"no free port between {low} and {high}")
