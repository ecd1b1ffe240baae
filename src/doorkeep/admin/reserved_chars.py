"""Keycloak's ReservedCharValidator.validate: the RFC 3986 reserved characters (section 2.2) and the backslash,
refused in a name that ends up in a URL path (a client's cluster node)."""

from __future__ import annotations

import re

from doorkeep.errors import AdminError

RESERVED = re.compile(r"[:/?#@!$&()*+,;=\[\]\\]")


def refuse_reserved(value: str) -> None:
    """The ReservedCharException (a BadRequestException: 400 with its message as ``error``) naming the first
    reserved character of ``value``."""
    found = RESERVED.search(value)
    if found is not None:
        raise AdminError(400, f"Character '{found.group()}' not allowed.", key="error")
