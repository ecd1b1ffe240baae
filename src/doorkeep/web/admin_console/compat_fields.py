"""The client Advanced tab's "OpenID Connect Compatibility Modes" switches of Keycloak 26.6.2: "Allow token
introspection without audience check" (``allow.token.introspection.without.audience.check``, read on the client that
*introspects*) and "Allow UserInfo with lightweight access token" (``allow.userinfo.with.lightweight.access.token``,
read on the client that *issued* the token). Both are deprecated escape hatches; the checks are
oauth/introspection_checks.py and oauth/userinfo.py.
"""

from __future__ import annotations

from collections.abc import Mapping

from doorkeep.oauth.provider_config import CLIENT_INTROSPECTS_WITHOUT_AUDIENCE, CLIENT_USERINFO_LIGHTWEIGHT
from doorkeep.web.admin_console.forms import FormState, checkbox

SWITCHES = (CLIENT_INTROSPECTS_WITHOUT_AUDIENCE, CLIENT_USERINFO_LIGHTWEIGHT)


def show(attributes: Mapping[str, object], state: FormState) -> None:
    for name in SWITCHES:
        state.values[name] = str(attributes.get(name) or "").lower() == "true"


def read(form: Mapping[str, str], state: FormState, attributes: dict[str, object]) -> None:
    """Put the switches in ``attributes``: off is stored as "false" once set, as Keycloak's console sends it."""
    for name in SWITCHES:
        on = checkbox(form, name)
        state.values[name] = on
        if on or name in attributes:
            attributes[name] = "true" if on else "false"
