"""The user profile as a login page's form renders it (Keycloak's user-profile-commons.ftl): the attributes in the
configuration's order (the GUI order), a group's header (``header-{group}``) and description
(``description-{group}``) before its first attribute, and each attribute's input as its ``inputType`` annotation
asks: ``text`` (the default) or an ``html5-*`` type, ``textarea``, ``select`` and ``multiselect``,
``select-radiobuttons`` and ``multiselect-checkboxes``, with the options of its ``options`` validator (or of the
validator ``inputOptionsFromValidation`` names) and their labels (``inputOptionLabels``, else
``inputOptionLabelsI18nPrefix`` + "." + option, else the option).

Helper texts (``inputHelperTextBefore`` / ``After``) keep a few inline tags, as Keycloak's kcSanitize keeps
simple formatting; everything else in them is escaped.
"""

from __future__ import annotations

import html
import re
from typing import Any

ROOT = ("username", "email", "firstName", "lastName")
_KEPT_TAGS = re.compile(r"&lt;(/?)(b|i|em|strong|u|br|small|code)&gt;")


def options(attribute: dict[str, Any]) -> list[str]:
    """The attribute's options: those of the validator ``inputOptionsFromValidation`` names, else of its
    ``options`` validator."""
    annotations = attribute.get("annotations") or {}
    validations = attribute.get("validations") or {}
    source = annotations.get("inputOptionsFromValidation") or "options"
    found = (validations.get(source) or {}).get("options")
    return [str(o) for o in found] if isinstance(found, list) else []


def option_label(attribute: dict[str, Any], option: str) -> str:
    """The label of one option (a ``${key}`` label is left for the page to resolve)."""
    annotations = attribute.get("annotations") or {}
    labels = annotations.get("inputOptionLabels")
    if isinstance(labels, dict) and option in labels:
        return str(labels[option])
    prefix = annotations.get("inputOptionLabelsI18nPrefix")
    return "${" + f"{prefix}.{option}" + "}" if prefix else option


def helper_html(text: str) -> str:
    """A helper text as HTML: escaped, but for a few attribute-less inline tags."""
    return _KEPT_TAGS.sub(r"<\1\2>", html.escape(text, quote=False))


def ordered(
    config: dict[str, Any], declared: list[dict[str, Any]], roots: dict[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """The form's fields in the configuration's order: ``roots`` (the root attributes the page shows, by name)
    and ``declared`` (``users.declared.form_fields``, then the unmanaged ones) each where the configuration puts
    it; a root attribute it leaves out comes first, an attribute it does not know last. Each field gains its
    ``annotations``, ``options`` (value, label) and, the first of a group, ``header`` and ``description``."""
    by_name = {a.get("name"): a for a in config.get("attributes") or []}
    groups = {g.get("name"): g for g in config.get("groups") or []}
    pending = {f["name"]: f for f in declared}
    out = [roots[n] for n in ROOT if n in roots and n not in by_name]
    for name in by_name:
        if name in roots:
            out.append(roots[name])
        elif name in pending:
            out.append(pending.pop(name))
    out.extend(pending.values())
    shown: list[dict[str, Any]] = []
    last: str | None = None
    for field in out:
        rep = by_name.get(field["name"], {})
        group = rep.get("group")
        header = description = ""
        if group is not None and group != last:
            found = groups.get(group, {})
            header = str(found.get("displayHeader") or group)
            description = str(found.get("displayDescription") or "")
        last = group
        pairs = [(o, option_label(rep, o)) for o in options(rep)]
        extra = {"group": group or "", "header": header, "description": description, "options": pairs}
        shown.append({**field, **extra, "annotations": dict(rep.get("annotations") or {})})
    return shown
