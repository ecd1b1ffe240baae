"""Reading a social provider's profile (AbstractOAuth2IdentityProvider's SimpleHttp profile requests and its
getJsonProperty, BrokeredIdentityContext.setName), shared by broker/social.py and broker/social_others.py."""

from __future__ import annotations

import json
import re
from typing import Any

from doorkeep.broker.calls import BrokerError, bounded_value, call


def json_property(profile: dict[str, Any], name: str) -> str | None:
    """AbstractOAuth2IdentityProvider.getJsonProperty: a field's text (a number or boolean as its text, an object or
    array as its JSON); a missing, null or empty field is None."""
    value = profile.get(name)
    if value is None:
        return None
    if isinstance(value, bool):
        text = str(value).lower()
    elif isinstance(value, str | int | float):
        text = str(value)
    else:
        text = json.dumps(value, separators=(",", ":"))
    return text or None


def split_name(name: str | None) -> tuple[str | None, str | None]:
    """BrokeredIdentityContext.setName: the first name up to the last space, the last name after it."""
    if not name:
        return None, None
    head, space, tail = name.rpartition(" ")
    return (head, tail) if space else (name, None)


async def get_json(url: str, token: str | None, what: str, *, json_only: bool = False) -> Any:
    """A GET of the provider's API (the access token as a bearer token, when given): its JSON value, bounded; an
    answer other than 2xx, or (``json_only``) not typed JSON, is a BrokerError."""
    headers = {"Accept": "application/json"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    status, content_type, body = await call("GET", url, headers, None, what)
    if not 200 <= status < 300:
        raise BrokerError(f"{what} answered {status}")
    if json_only and not re.match(r"^application/([\w.+-]+\+)?json\b", content_type.strip().lower()):
        raise BrokerError(f"{what}: unsupported content type")
    return bounded_value(body, what)
