"""The client Advanced tab's "Offline sessions per user" field: the attribute
``offline.session.max.per.user`` (empty or 0: no cap), checked as the admin API checks it."""

from __future__ import annotations

from collections.abc import Mapping

from doorkeep.sessions.offline_cap import CAP_ATTR, cap_error
from doorkeep.web.admin_console.forms import FormState


def show(attributes: Mapping[str, object], state: FormState) -> None:
    state.values[CAP_ATTR] = str(attributes.get(CAP_ATTR) or "").strip()


def read(form: Mapping[str, str], state: FormState, attributes: dict[str, object]) -> None:
    """Put the field's value in ``attributes`` (removed when empty or 0), or an error in ``state``."""
    value = form.get(CAP_ATTR, "").strip()
    state.values[CAP_ATTR] = value
    if cap_error(value) is not None:
        state.errors[CAP_ATTR] = "Offline sessions per user: a whole number from 0 to 1000, or empty."
    elif value and int(value) > 0:
        attributes[CAP_ATTR] = str(int(value))
    else:
        attributes.pop(CAP_ATTR, None)
