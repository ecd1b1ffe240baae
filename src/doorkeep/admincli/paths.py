"""kcadm's path convention: ``realms/…`` and ``serverinfo`` from the admin root, anything else under ``-r``'s realm."""

from __future__ import annotations

from urllib.parse import urlencode


def admin_root(server: str) -> str:
    return server.rstrip("/") + "/admin"


def resource_url(server: str, realm: str, path: str) -> str:
    """``clients`` with realm demo → ``{server}/admin/realms/demo/clients``; an absolute URL stays as it is."""
    if path.startswith(("http:", "https:")):
        return path
    path = path.lstrip("/")
    if path == "realms" or path.startswith("realms/") or path == "serverinfo":
        return f"{admin_root(server)}/{path}"
    return f"{admin_root(server)}/realms/{realm}/{path}"


def with_query(url: str, params: list[tuple[str, str]]) -> str:
    if not params:
        return url
    return url + ("&" if "?" in url else "?") + urlencode(params)


def last_component(url: str) -> str:
    return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]


def type_name(url: str) -> str:
    """kcadm's name for what ``create`` made: the last path component without a trailing ``s``."""
    name = last_component(url)
    return name[:-1] if name.endswith("s") else name
