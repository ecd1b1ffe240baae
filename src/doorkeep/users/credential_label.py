"""A credential's user label: Keycloak's ``updateCredentialLabel`` (the credential store's update, with its
validateDuplicateCredential), as the admin REST API's ``PUT users/{id}/credentials/{id}/userLabel``
(UserResource.setCredentialUserLabel, web/admin/users_ops.py) and the Account REST API's
``PUT account/credentials/{id}/label`` (AccountCredentialResource.setLabel, below) reach it.

The account call reads its body as Keycloak does, ``JsonSerialization.readValue(body, String.class)``: a JSON
string, or a scalar taken as its text (``5``, ``true``), or ``null`` (the label cleared); anything else (an object,
an array, no JSON at all, an empty body) is the 400 ``invalidRequestMessage``. It records no event.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from doorkeep.admin.stored_text import refuse_nul
from doorkeep.errors import AdminError
from doorkeep.model import Credential
from doorkeep.oauth import login_otp
from doorkeep.users import otp
from doorkeep.users.account import MANAGE_ACCOUNT, Caller

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx

LABEL_MAX = 255  # the stored column: Keycloak's database would fail a longer write
NOT_FOUND = AdminError(404, "Credential not found", key="error")  # NotFoundException("Credential not found")
INVALID_REQUEST = AdminError(400, "invalidRequestMessage")  # ErrorResponse.error(Messages.INVALID_REQUEST, 400)
DUPLICATE = AdminError(409, "conflict", key="error", description=login_otp.DUPLICATE_DEVICE)
TOO_LONG = AdminError(
    400, "invalid_input", key="error", description=f"Credential label must not be longer than {LABEL_MAX} characters"
)
_JSON_BLANKS = " \t\r\n"


async def write(tx: Tx, user_id: str, stored: list[Credential], found: Credential, label: str | None) -> None:
    """Store ``label`` on ``found``, one of ``stored`` (the user's credentials): too long a label is a 400, one
    another credential of the same type already bears (trimmed, any case) Keycloak's 409 ``conflict``."""
    if label is not None and len(label) > LABEL_MAX:
        raise TOO_LONG
    others = [c for c in stored if c.type == found.type and c.id != found.id]
    if otp.duplicate_label(others, label):
        raise DUPLICATE
    refuse_nul(label)  # where PostgreSQL refuses it: the same 400 on SQLite
    await tx.users.set_credential_label(user_id, found.id, label)


def json_label(body: str) -> str | None:
    """Jackson's ``readValue(body, String.class)``: the first JSON value of ``body`` (what follows it is not
    read), a string as it is, a number or boolean as its text, null as None; a ValueError otherwise."""
    start = len(body) - len(body.lstrip(_JSON_BLANKS))
    try:
        value, end = json.JSONDecoder(parse_constant=_no_constant).raw_decode(body, start)
    except RecursionError:  # a body of thousands of nested brackets: no string, as any other non-string
        raise ValueError("JSON nested too deeply") from None
    if value is None or isinstance(value, str):
        if value is not None:
            value.encode("utf-8")  # a lone surrogate (UnicodeEncodeError, a ValueError) no database can store
        return value
    if isinstance(value, (bool, int, float)):
        return body[start:end]
    raise ValueError("a JSON object or array is not a string")


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")  # NaN, Infinity: Jackson's ALLOW_NON_NUMERIC_NUMBERS is off


async def set_own(tx: Tx, caller: Caller, credential_id: str, body: str) -> None:
    """``PUT /account/credentials/{id}/label``: manage-account (403), the caller's own credential (404), then
    the body read as a JSON string (400), then the store's update."""
    caller.require_one_of(MANAGE_ACCOUNT)
    stored = await tx.users.credentials(caller.user.id)
    found = next((c for c in stored if c.id == credential_id), None)
    if found is None:
        raise NOT_FOUND
    try:
        label = json_label(body)
    except ValueError:
        raise INVALID_REQUEST from None
    await write(tx, caller.user.id, stored, found, label)
