"""The client document of ``create`` and ``update``: ``-f FILE`` (``-`` for stdin), ``-s``/``-d``, its format.

kcreg binds the document to Keycloak's ``ClientRepresentation`` (``-e default``) or ``OIDCClientRepresentation``
(``-e oidc``) and refuses a property the class lacks. Without ``-e`` it tells them apart the same way
(``CmdStdinContext.parseFileOrStdin``): XML is SAML, JSON that binds to ClientRepresentation is ``default``,
else JSON that binds to OIDCClientRepresentation is ``oidc``.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from doorkeep.admincli import attributes
from doorkeep.admincli.errors import AdminCliError
from doorkeep.regcli import endpoints
from doorkeep.regcli.endpoints import Endpoint
from doorkeep.regcli.representations import PROPERTIES

UNKNOWN_TYPE = "Unable to determine input document type. Use -e TYPE to specify the registration endpoint to use"


@dataclass
class Document:
    endpoint: Endpoint | None
    body: dict[str, Any] | None = None  # None: no -f given
    text: str | None = None  # SAML's XML, sent as it is

    @property
    def registration_access_token(self) -> str | None:
        """The token a document read back from ``get`` carries (kcreg uses it for ``update``)."""
        if self.body is None:
            return None
        token = self.body.get("registrationAccessToken" if self.endpoint is endpoints.DEFAULT else "")
        token = token or self.body.get("registration_access_token" if self.endpoint is endpoints.OIDC else "")
        return str(token) if token else None


def read(source: str, endpoint: Endpoint | None) -> Document:
    """``parseFileOrStdin``: the document, its format found from its content unless ``-e`` named it."""
    content = _read_text(source).strip()
    if endpoint is None:
        if content.startswith("<"):
            return Document(endpoints.SAML2, text=content)
        if not content.startswith("{"):
            raise AdminCliError("Document provided by --file option is empty" if not content else UNKNOWN_TYPE)
        try:
            body = json.loads(content)
        except ValueError as exc:
            raise AdminCliError(f"Failed to read the input document as JSON: {exc}") from None
        for candidate in (endpoints.DEFAULT, endpoints.OIDC):
            if _unknown(body, candidate) is None:
                return Document(candidate, _without_nulls(body))
        raise AdminCliError(UNKNOWN_TYPE)
    if endpoint not in (endpoints.DEFAULT, endpoints.OIDC):
        return Document(endpoint, text=content)
    try:
        body = json.loads(content)
    except ValueError as exc:
        raise AdminCliError(f"Not a valid JSON document - {exc}") from None
    if not isinstance(body, dict):
        raise AdminCliError("Not a valid JSON document")
    unknown = _unknown(body, endpoint)
    if unknown is not None:
        raise AdminCliError(f"Attribute '{unknown}' not supported on document type '{endpoint.name}'")
    return Document(endpoint, _without_nulls(body))


def _read_text(source: str) -> str:
    try:
        return sys.stdin.read() if source == "-" else Path(source).read_text()
    except FileNotFoundError:
        raise AdminCliError(f"File not found: {source}") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise AdminCliError(f"Failed to read {source}: {getattr(exc, 'strerror', None) or exc}") from None


def _unknown(body: Any, endpoint: Endpoint) -> str | None:
    """The first property the endpoint's representation lacks (Jackson's UnrecognizedPropertyException)."""
    if not isinstance(body, dict):
        return "(not an object)"
    return next((name for name in body if name not in PROPERTIES[endpoint.provider]), None)


def _without_nulls(body: dict[str, Any]) -> dict[str, Any]:
    """As Keycloak's JsonSerialization writes the bound representation again: null properties left out."""
    return {k: v for k, v in body.items() if v is not None}


def with_attributes(document: Document, operations: list[attributes.Operation]) -> Document:
    """``mergeAttributes``: ``-s``/``-d`` applied to the document (an empty one without ``-f``). As kcreg's
    ``ReflectionUtil.setAttributes`` does, ``-d`` of a whole list property leaves it an empty list (so that the
    server, which keeps a property the document leaves out, empties it), of anything else removes it."""
    endpoint = document.endpoint or endpoints.DEFAULT
    if endpoint not in (endpoints.DEFAULT, endpoints.OIDC):
        raise AdminCliError(f"Setting attributes is not supported for type: {endpoint.name}")
    for op in operations:
        name = op.components[0].name
        if name not in PROPERTIES[endpoint.provider]:
            raise AdminCliError(f"Failed to set attribute '{name}' on document type '{endpoint.name}'")
    properties = PROPERTIES[endpoint.provider]
    body = attributes.apply(dict(document.body or {}), operations)
    for op in operations:  # ReflectionUtil.setAttributes: a whole list deleted is set to an empty list
        top = op.components[0]
        whole_list = len(op.components) == 1 and not top.is_array and properties[top.name].startswith("array")
        if op.value is None and whole_list:
            body[top.name] = []
    return Document(endpoint, _without_nulls(body))


def merged_over(local: Document, remote: dict[str, Any]) -> dict[str, Any]:
    """``ReflectionUtil.merge``: each property the local document sets replaces the server's."""
    return {**remote, **(local.body or {})}
