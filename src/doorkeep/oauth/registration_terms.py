"""Terms and conditions on the registration form (Keycloak 26's RegistrationTermsAndConditions form action).

Where the realm's registration flow has its Terms and conditions execution REQUIRED, the form shows the terms
and a ``termsAccepted`` checkbox (buildPage's ``termsAcceptanceRequired``, register-commons.ftl's
termsAcceptance), and a submission without that parameter, whatever its value, fails with REGISTER_ERROR
``invalid_registration`` and "You must agree to our terms and conditions." on the checkbox, the other fields kept
(validate). The form action's own success does nothing: RegistrationUserCreation.success stores the acceptance,
and only where the checkbox came as ``on`` and the realm's TERMS_AND_CONDITIONS required action is enabled; then
the new user's ``terms_and_conditions`` attribute holds the time, and the TERMS_AND_CONDITIONS required action is
taken off (a default action would otherwise ask again right after the registration). As in Keycloak this reads the
posted checkbox whether or not the form action runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from doorkeep.oauth.required_actions import TERMS_AND_CONDITIONS, TERMS_ATTRIBUTE
from doorkeep.realms import flow_support
from doorkeep.realms import required_actions as registered

if TYPE_CHECKING:
    from doorkeep.model import Realm
    from doorkeep.oauth.context import Form

FIELD = "termsAccepted"  # RegistrationTermsAndConditions.FIELD
REQUIRED_TEXT = "You must agree to our terms and conditions."  # termsAcceptanceRequired
ACCEPTED = "on"  # what a browser posts for a checked box without a value of its own


def shown(realm: Realm) -> bool:
    """buildPage: the registration form asks for the terms where the flow's form action is REQUIRED."""
    return flow_support.registration_terms_required(realm)


def errors(realm: Realm, form: Form) -> dict[str, str]:
    """validate: the checkbox's error where the form action runs and the submission lacks ``termsAccepted``."""
    if not shown(realm) or form.all(FIELD):  # present, whatever its value (containsKey)
        return {}
    return {FIELD: REQUIRED_TEXT}


def accept(
    realm: Realm, form: Form, attributes: dict[str, list[str]], actions: tuple[str, ...], now: int
) -> tuple[dict[str, list[str]], tuple[str, ...]]:
    """RegistrationUserCreation.success: the new user's attributes and required actions once the terms posted as
    ``on`` are recorded (``terms_and_conditions`` = now, TERMS_AND_CONDITIONS removed) where the realm's
    TERMS_AND_CONDITIONS required action is enabled; unchanged otherwise."""
    if form.get(FIELD) != ACCEPTED:
        return attributes, actions
    if not any(a.alias == TERMS_AND_CONDITIONS and a.enabled for a in registered.of(realm)):
        return attributes, actions
    recorded = {**attributes, TERMS_ATTRIBUTE: [str(now)]}
    return recorded, tuple(a for a in actions if a != TERMS_AND_CONDITIONS)
