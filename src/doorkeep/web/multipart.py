"""A ``multipart/form-data`` body as its parts' raw bytes, read within the body limit (python-multipart).

Keycloak's uploads read form parts whether or not they carry a file name (RESTEasy's FormPartValue), and a
keystore is binary: every part is kept as bytes, never decoded, so nothing depends on a part's declared name or
charset. The first part of each name wins, as ``getFirst`` reads it.
"""

from __future__ import annotations

import io

from python_multipart import parse_form
from python_multipart.exceptions import FormParserError
from python_multipart.multipart import Field, File
from starlette.requests import Request

from doorkeep.web.http import read_body

MAX_PARTS = 16


class NotMultipart(ValueError):
    """The body is not declared ``multipart/form-data``."""


class Malformed(ValueError):
    """A ``multipart/form-data`` body that cannot be read, or with more than MAX_PARTS parts."""


async def read_parts(request: Request) -> dict[str, bytes]:
    """Each part's bytes by name. Raises NotMultipart, Malformed, and http.BodyTooLarge over the body limit."""
    ctype = request.headers.get("content-type", "")
    if ctype.split(";")[0].strip().lower() != "multipart/form-data":
        raise NotMultipart(ctype)
    body = await read_body(request)
    parts: dict[str, bytes] = {}
    count = 0

    def keep(name: bytes | None, value: bytes) -> None:
        nonlocal count
        count += 1
        if count > MAX_PARTS:
            raise Malformed("too many parts")
        key = (name or b"").decode("utf-8", errors="replace")
        parts.setdefault(key, value)

    def on_field(field: Field) -> None:
        keep(field.field_name, field.value or b"")

    def on_file(file: File) -> None:
        handle = file.file_object
        handle.seek(0)
        keep(file.field_name, handle.read())
        file.close()

    headers = {"Content-Type": ctype.encode("latin-1", errors="replace"), "Content-Length": str(len(body)).encode()}
    try:
        parse_form(headers, io.BytesIO(body), on_field, on_file)
    except Malformed:
        raise
    except (FormParserError, ValueError) as exc:
        raise Malformed(str(exc)) from None
    return parts
