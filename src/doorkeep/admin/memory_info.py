"""``memoryInfo`` of ``GET /admin/serverinfo`` (Keycloak's MemoryInfoRepresentation).

Keycloak reports the JVM heap: ``total`` is ``Runtime.maxMemory()``, ``used`` the heap in use, ``free`` the
difference, ``freePercentage`` ``free * 100 / total``, each size also formatted (``formatMemory``: whole MB above
1 MiB, kB above 1 KiB, else B). A Python process has no heap cap, so here ``total`` is the machine's physical
memory and ``used`` the process's resident set; the shape and the arithmetic are Keycloak's.
"""

from __future__ import annotations

import os
import resource
from typing import Any

_MIB, _KIB = 1024 * 1024, 1024


def format_memory(size: int) -> str:
    """MemoryInfoRepresentation.formatMemory."""
    if size > _MIB:
        return f"{size // _MIB} MB"
    if size > _KIB:
        return f"{size // _KIB} kB"
    return f"{size} B"


def _physical() -> int:
    try:
        return int(os.sysconf("SC_PHYS_PAGES")) * int(os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return 0


def _resident() -> int:
    """The process's resident set now (Linux ``/proc``), else its peak (``ru_maxrss``, in KiB on Linux)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * int(os.sysconf("SC_PAGE_SIZE"))
    except (OSError, ValueError, IndexError):
        return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss) * _KIB


def memory_info(total: int | None = None, used: int | None = None) -> dict[str, Any]:
    """MemoryInfoRepresentation of this process (or of the sizes given)."""
    used = _resident() if used is None else used
    total = max(_physical() if total is None else total, used, 1)
    free = total - used
    return {
        "total": total,
        "totalFormated": format_memory(total),
        "used": used,
        "usedFormated": format_memory(used),
        "free": free,
        "freePercentage": free * 100 // total,
        "freeFormated": format_memory(free),
    }
