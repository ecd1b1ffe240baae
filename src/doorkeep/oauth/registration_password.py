"""Whether the registration form asks for the password (Keycloak 26.7's RegistrationPassword.isVerifyEmail).

Where the realm verifies e-mails (``verifyEmail``, or the VERIFY_EMAIL required action a default action) the
form leaves the password out: RegistrationPassword.buildPage sets no ``passwordRequired``, validate checks no
password and success gives the new user UPDATE_PASSWORD instead, so the password is chosen once the e-mail is
verified. The Password Validation execution's ``always_set_password_on_register_form`` set to ``"true"`` (a
deprecated switch kept for the old behaviour) puts the password back on the form.
"""

from __future__ import annotations

from doorkeep.model import Realm
from doorkeep.realms import flow_support
from doorkeep.realms import required_actions as registered

VERIFY_EMAIL = "VERIFY_EMAIL"


def deferred(realm: Realm) -> bool:
    """True where the password is set after the e-mail is verified, not on the registration form."""
    if flow_support.registration_password_config(realm).get(flow_support.ALWAYS_SET_PASSWORD) == "true":
        return False
    if realm.verify_email:
        return True
    # getRequiredActionProviderByAlias(VERIFY_EMAIL).isDefaultAction(), enabled or not
    return any(a.alias == VERIFY_EMAIL and a.default_action for a in registered.of(realm))
