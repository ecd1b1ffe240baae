"""A User Session Note mapper may not copy an identity provider's credentials into tokens (Keycloak 26.x,
UserSessionNoteMapperValidationTest): a brokered login keeps the provider's tokens in user session notes
(FEDERATED_ID_TOKEN here, broker/provider_logout.py), and a mapper naming one, in any case and with or without an
``:alias`` suffix, would hand it to every client that asks. Refused wherever a mapper is written (the mapper
endpoints, a client's or a client scope's representation, a realm import); a note merely containing or starting
with such a name is an ordinary one."""

from __future__ import annotations

from collections.abc import Iterable

from doorkeep.errors import AdminError
from doorkeep.model import ProtocolMapper

# UserAuthenticationIdentityProvider.FEDERATED_ACCESS_TOKEN, AbstractOAuth2IdentityProvider.FEDERATED_REFRESH_TOKEN
# and FEDERATED_TOKEN_EXPIRATION, OIDCIdentityProvider.FEDERATED_ID_TOKEN.
BROKER_CREDENTIAL_NOTES = frozenset(
    {"FEDERATED_ACCESS_TOKEN", "FEDERATED_REFRESH_TOKEN", "FEDERATED_TOKEN_EXPIRATION", "FEDERATED_ID_TOKEN"}
)
# The mapper types that read a user session note, and the config key naming it (UserSessionNoteMapper's
# ProtocolMapperUtils.USER_SESSION_NOTE, UserSessionNoteStatementMapper's "note").
NOTE_KEYS = {"oidc-usersessionmodel-note-mapper": "user.session.note", "saml-user-session-note-mapper": "note"}


def blocked_note(mapper: ProtocolMapper) -> str | None:
    """The broker credential note this mapper would copy, or None."""
    key = NOTE_KEYS.get(mapper.mapper)
    note = mapper.config.get(key) if key is not None else None
    if not isinstance(note, str):
        return None
    return note if note.split(":", 1)[0].upper() in BROKER_CREDENTIAL_NOTES else None


def refusal(note: str) -> str:
    return f"User session note '{note}' holds identity provider credentials and cannot be mapped"


def check(mappers: Iterable[ProtocolMapper]) -> None:
    """400 (the error and its description the refusal, as ProtocolMappersResource's validateModel answers a
    mapper's config error) for the first mapper copying a broker credential note."""
    for mapper in mappers:
        note = blocked_note(mapper)
        if note is not None:
            raise AdminError(400, refusal(note), key="error", description=refusal(note))
