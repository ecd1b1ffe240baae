"""Console forms: fields declared once (name, label, realm or client attribute), read back with errors in words."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from doorkeep.web.admin_console.timefields import UNITS, FieldError, TimeValue, from_form, to_form


@dataclass(frozen=True)
class TimeField:
    """A duration field: ``name`` is the form field (and the RealmRepresentation name), ``attr`` where it lives."""

    name: str
    label: str
    attr: str
    help: str
    required: bool = False
    minimum: int = 0


@dataclass
class FormState:
    """What a form shows: values by field name, and an error sentence per refused field."""

    values: dict[str, object] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


class FormErrors(Exception):
    """The form was refused; ``state`` holds what was typed and why each field was refused."""

    def __init__(self, state: FormState) -> None:
        super().__init__("; ".join(state.errors.values()))
        self.state = state


def shown(seconds: int) -> TimeValue:
    return to_form(seconds)


def read_time(form: Mapping[str, str], spec: TimeField, state: FormState) -> int | None:
    """Seconds for ``spec`` from the form, or None with the error recorded and the typed value kept."""
    amount, unit = form.get(spec.name, ""), form.get(f"{spec.name}.unit", "")
    state.values[spec.name] = TimeValue(amount.strip(), unit if unit in UNITS else "minutes")
    try:
        return from_form(spec.name, spec.label, amount, unit, allow_empty=not spec.required, minimum=spec.minimum)
    except FieldError as err:
        state.errors[err.field] = str(err)
        return None


def checkbox(form: Mapping[str, str], name: str) -> bool:
    """An HTML checkbox: present (any value) means on."""
    return name in form
