"""Names to ids as kcadm resolves them (``OperationUtils.getAttrForType``, ``LocalSearch.exactMatchOne``).

The server is asked with the endpoint's search parameter, then one item must match the name exactly;
kcadm's three messages say which way it failed.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from doorkeep.admincli import http as transport
from doorkeep.admincli.api import Api
from doorkeep.admincli.errors import AdminCliError

FIRST_TWO = [("first", "0"), ("max", "2")]  # kcadm's DEFAULT_QUERY_PARAMS


def exact_match(items: list[Any], value: str, attr: str) -> dict[str, Any] | None:
    """The one item whose ``attr`` is ``value``; None for none; an error for more than one."""
    matched = [i for i in items if isinstance(i, dict) and i.get(attr) is not None and _text(i[attr]) == value]
    if len(matched) > 1:
        raise AdminCliError("More than one match")
    return matched[0] if matched else None


def _text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def id_for(api: Api, endpoint: str, param: str, value: str, attr: str, extra: list[tuple[str, str]]) -> str:
    """``getIdForType``: ``GET endpoint?param=value&extra``, then the exact match on ``attr``."""
    items = api.get(endpoint, [(param, value), *extra]) or []
    try:
        match = exact_match(items, value, attr)
    except AdminCliError:
        raise AdminCliError(f"Multiple {endpoint} found for {attr}: {value}") from None
    kind = endpoint[:-1].capitalize()
    if match is None:
        if len(items) > 1:
            raise AdminCliError(
                f"Some matches, but not an exact match, found for {kind} with {attr}: {value}."
                " Try using a more unique search, such as an id."
            )
        raise AdminCliError(f"{kind} not found for {attr}: {value}")
    if "id" not in match:
        raise AdminCliError(f"Returned {endpoint[:-1]} info has no 'id' attribute")
    return str(match["id"])


def user_id(api: Api, username: str) -> str:
    return id_for(api, "users", "username", username, "username", [("exact", "true")])


def client_id(api: Api, client: str) -> str:
    return id_for(api, "clients", "clientId", client, "clientId", FIRST_TWO)


def group_id_by_name(api: Api, name: str) -> str:
    return id_for(api, "groups", "search", name, "name", [("exact", "true")])


def group_id_by_path(api: Api, path: str) -> str:
    """The group at ``path``, at any depth, through ``group-by-path``.

    kcadm asks ``groups?path=…&first=0&max=2``, a parameter the groups endpoint ignores, so it finds
    a group only among the first two top-level ones; the path lookup finds every group, with kcadm's
    "not found" line when there is none.
    """
    encoded = "/".join(quote(part, safe="") for part in path.strip("/").split("/"))
    response = api.send("GET", api.url(f"group-by-path/{encoded}"), check=False)
    if response.status_code == 404:
        raise AdminCliError(f"Group not found for path: {path}")
    body = transport.json_body(str(response.request.url), response)
    if not isinstance(body, dict) or "id" not in body:
        raise AdminCliError("Returned group info has no 'id' attribute")
    return str(body["id"])


def role_id(api: Api, name: str) -> str:
    return id_for(api, "roles", "search", name, "name", FIRST_TWO)
