"""The realm's user profile on the first broker login's Review Profile (IdpReviewProfileAuthenticator, the IDP_REVIEW
context; IdpReviewProfileBean and idp-review-user-profile.ftl).

The page shows the declared attributes the user may write (``init(session, true)``, as registration: a read-only one
is not rendered), as the login's requested client scopes select and require them, in the configuration's order and
groups, each with the value the brokered identity holds (``getAttributeDefaultValues``: what the provider's mappers
put there). Posted, they are validated as DeclarativeUserProfileProvider validates IDP_REVIEW (the identity being
the user: a read-only attribute keeps the identity's value, a required one the user may not write never blocks), and
a valid profile's attributes become the identity's, which the new user is created with. The four root attributes
stay oauth/login_broker_first.py's.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from doorkeep.model import JSON, Client, Realm
from doorkeep.oauth import profile_scopes
from doorkeep.oauth.authorize import AuthRequest
from doorkeep.users import declared
from doorkeep.users.declared import IDP_REVIEW, Values

if TYPE_CHECKING:
    from doorkeep.store.tx import Tx


async def config_for(tx: Tx, realm: Realm, client: Client, request: AuthRequest) -> dict[str, Any]:
    """The realm's user profile configuration as this login's requested client scopes see it
    (DeclarativeUserProfileProvider's requestedScopePredicate, the authentication session's scopes)."""
    return profile_scopes.config(realm, await profile_scopes.requested(tx, client, request))


def fields(config: dict[str, Any]) -> list[dict[str, str]]:
    """The declared attributes the page renders: those the user may write (IdpReviewProfileBean's writeable only)."""
    return declared.form_fields(config, IDP_REVIEW)


def labels(config: dict[str, Any]) -> dict[str, str]:
    """Each rendered attribute's label, for the ``{0}`` of its errors."""
    return {f["name"]: f["label"] for f in fields(config)}


def attributes_of(context: JSON) -> Values:
    """The brokered identity's user attributes (the mappers' preprocessFederatedIdentity), as the tab keeps them."""
    found = context.get("attributes")
    if not isinstance(found, dict):
        return {}
    return {str(k): [str(x) for x in v] for k, v in found.items() if isinstance(v, list)}


def shown(config: dict[str, Any], context: JSON) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The values the page shows for the declared attributes: the identity's first value of each (``values``) and
    every value of each (``lists``: a multivalued attribute has an input per value)."""
    held = attributes_of(context)
    values = {f["name"]: held[f["name"]][0] for f in fields(config) if held.get(f["name"])}
    return values, {f["name"]: list(held.get(f["name"], [])) for f in fields(config)}


def invalid(config: dict[str, Any], context: JSON) -> list[dict[str, Any]]:
    """The identity's declared attributes validated as they stand (``update.profile.on.first.login`` ``missing``:
    ``create(IDP_REVIEW, userCtx.getAttributes()).validate()``)."""
    held = attributes_of(context)
    return declared.errors(config, IDP_REVIEW, declared.values(config, IDP_REVIEW, dict(held), held), held)


@dataclass(frozen=True)
class Reviewed:
    """The posted declared attributes: the errors, the values typed (for the page again), and the identity's
    attributes a valid profile leaves (DefaultUserProfile.update: the editable ones as posted, blank ones dropped)."""

    found: list[dict[str, Any]]
    values: dict[str, str]
    lists: dict[str, list[str]]
    attributes: dict[str, list[str]]


def posted(
    config: dict[str, Any], context: JSON, read: Callable[[str], str | None], read_all: Callable[[str], list[str]]
) -> Reviewed:
    """The page's answer for the declared attributes: what the user may write taken from the form (anything
    posted under a read-only attribute's name is ignored), validated with the identity as the user."""
    held = attributes_of(context)
    sent = declared.from_form(config, IDP_REVIEW, read, read_all)
    chosen = declared.values(config, IDP_REVIEW, sent, held)
    found = declared.errors(config, IDP_REVIEW, chosen, held)
    lists = {name: declared.as_values(value) for name, value in sent.items()}
    values = {name: typed[0] for name, typed in lists.items() if typed}
    return Reviewed(found, values, lists, declared.written(config, IDP_REVIEW, chosen, held, held))
