"""Reads a login page's user-profile form as Keycloak's WebDriver tests do (By.cssSelector on ids, labels,
options): every element of the form with its attributes and its text (inner tags' text included)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"input", "br", "img", "meta", "link", "hr"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    text: str = ""
    children: list[Element] = field(default_factory=list)

    def get(self, name: str) -> str | None:
        return self.attrs.get(name)


class _Reader(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id, self.depth, self.stack = form_id, 0, list[Element]()
        self.found: list[Element] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "form" and values.get("id") == self.form_id:
            self.depth = 1
            return
        if not self.depth:
            return
        element = Element(tag, values)
        self.found.append(element)
        for open_element in self.stack:
            open_element.children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.depth:
            self.depth = 0
            return
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index].tag == tag:
                del self.stack[index:]
                break

    def handle_data(self, data: str) -> None:
        for element in self.stack:
            element.text += data


def form_elements(page: str, form_id: str) -> list[Element]:
    """Every element inside ``<form id=form_id>``, in document order."""
    reader = _Reader(form_id)
    reader.feed(page)
    return reader.found


def by_id(elements: list[Element], tag: str, element_id: str) -> Element:
    """``driver.findElement(By.cssSelector(tag#id))``."""
    found = [e for e in elements if e.tag == tag and e.get("id") == element_id]
    assert len(found) == 1, (tag, element_id, [(e.tag, e.attrs) for e in elements])
    return found[0]


def text(element: Element) -> str:
    """``getText()``: the text, blanks collapsed."""
    return " ".join(element.text.split())


# RegisterWithUserProfileTest.UP_CONFIG_PART_INPUT_TYPES (UserProfileUtil.PERMISSIONS_ALL on each attribute)
_ALL = {"view": ["admin", "user"], "edit": ["admin", "user"]}
_LABELS = {"opt1": "Option 1", "opt2": "${username}"}
_VLABELS = {"vopt1": "Option 1", "vopt2": "${username}"}
_OPTS = {"options": {"options": ["opt1", "opt2", "opt3"]}}
# The Java suite's server deploys a validator ``dummyOptions`` (DummyOptionsValidator, a testsuite provider) that
# Keycloak itself, like Doorkeep, does not know: the configuration would be refused. The ``options`` validator
# stands in, named by ``inputOptionsFromValidation`` all the same.
_DUMMY = {"options": {"options": ["vopt1", "vopt2", "vopt3"]}}
INPUT_TYPES: list[dict[str, object]] = [
    {"name": "defaultType"},
    {"name": "placeholderAttribute", "annotations": {"inputType": "text", "inputTypePlaceholder": "Example."}},
    {
        "name": "helperTexts",
        "annotations": {
            "inputType": "text",
            "inputHelperTextBefore": "Example <b>bold text</b> before.",
            "inputHelperTextAfter": "Example <i>i text</i> after.",
        },
    },
    {
        "name": "textWithBasicAttributes",
        "annotations": {
            "inputType": "text",
            "inputTypeSize": "35",
            "inputTypeMinlength": "1",
            "inputTypeMaxlength": "10",
            "inputTypePattern": ".*",
        },
    },
    {
        "name": "html5NumberWithAttributes",
        "annotations": {"inputType": "html5-number", "inputTypeMin": "10", "inputTypeMax": "20", "inputTypeStep": 1},
    },
    {
        "name": "textareaWithAttributes",
        "annotations": {
            "inputType": "textarea",
            "inputTypeCols": "35",
            "inputTypeRows": "7",
            "inputTypeMaxlength": "10",
        },
    },
    {"name": "selectWithoutOptions", "annotations": {"inputType": "select", "inputTypeSize": "5"}},
    {
        "name": "selectWithOptionsWithoutLabels",
        "validations": {"options": {"options": ["opt1", "opt2"]}},
        "annotations": {"inputType": "select"},
    },
    {
        "name": "multiselectWithOptionsAndSimpleI18nLabels",
        "validations": {"options": {"options": ["totp", "opt2"]}},
        "annotations": {"inputType": "multiselect", "inputOptionLabelsI18nPrefix": "loginTotp"},
    },
    {
        "name": "multiselectWithOptionsAndLabels",
        "validations": _OPTS,
        "annotations": {"inputType": "multiselect", "inputOptionLabels": _LABELS},
    },
    {
        "name": "selectWithOptionsFromCustomValidatorAndLabels",
        "validations": _DUMMY,
        "annotations": {
            "inputType": "select",
            "inputOptionsFromValidation": "options",
            "inputOptionLabels": _VLABELS,
        },
    },
    {
        "name": "selectRadiobuttons",
        "validations": _OPTS,
        "annotations": {"inputType": "select-radiobuttons", "inputOptionLabels": _LABELS},
    },
    {
        "name": "selectRadiobuttonsWithOptionsFromCustomValidatorAndLabels",
        "validations": _DUMMY,
        "annotations": {
            "inputType": "select-radiobuttons",
            "inputOptionsFromValidation": "options",
            "inputOptionLabels": _VLABELS,
        },
    },
    {
        "name": "multiselectCheckboxes",
        "validations": _OPTS,
        "annotations": {"inputType": "multiselect-checkboxes", "inputOptionLabels": _LABELS},
    },
]
INPUT_TYPES = [{**a, "permissions": _ALL} for a in INPUT_TYPES]


def _option(elements: list[Element], select: str, value: str) -> str:
    element = by_id(elements, "select", select)
    (found,) = [c for c in element.children if c.tag == "option" and c.get("value") == value]
    return text(found)


def _label_for(elements: list[Element], target: str) -> str:
    (found,) = [e for e in elements if e.tag == "label" and e.get("for") == target]
    return text(found)


def assert_field_types(elements: list[Element]) -> None:
    """RegisterWithUserProfileTest.assertFieldTypes (testsuite version): the inputs UP_CONFIG_PART_INPUT_TYPES asks
    for, their attributes, options and labels."""
    assert by_id(elements, "input", "defaultType").get("type") == "text"
    placeholder = by_id(elements, "input", "placeholderAttribute")
    assert (placeholder.get("type"), placeholder.get("placeholder")) == ("text", "Example.")
    before = by_id(elements, "div", "form-help-text-before-helperTexts")
    assert text(before) == "Example bold text before."
    assert [text(c) for c in before.children if c.tag == "b"] == ["bold text"]
    after = by_id(elements, "div", "form-help-text-after-helperTexts")
    assert text(after) == "Example i text after." and [text(c) for c in after.children if c.tag == "i"] == ["i text"]
    basic = by_id(elements, "input", "textWithBasicAttributes")
    wanted = {"type": "text", "size": "35", "minlength": "1", "maxlength": "10", "pattern": ".*"}
    assert {k: basic.get(k) for k in wanted} == wanted
    number = by_id(elements, "input", "html5NumberWithAttributes")
    wanted = {"type": "number", "min": "10", "max": "20", "step": "1"}
    assert {k: number.get(k) for k in wanted} == wanted
    area = by_id(elements, "textarea", "textareaWithAttributes")
    assert {k: area.get(k) for k in ("cols", "rows", "maxlength")} == {"cols": "35", "rows": "7", "maxlength": "10"}
    assert by_id(elements, "select", "selectWithoutOptions").get("size") == "5"
    assert "multiple" not in by_id(elements, "select", "selectWithOptionsWithoutLabels").attrs
    for value in ("opt1", "opt2"):
        assert _option(elements, "selectWithOptionsWithoutLabels", value) == value
    assert _option(elements, "selectWithOptionsWithoutLabels", "") == ""  # the default empty option
    assert "multiple" in by_id(elements, "select", "multiselectWithOptionsAndSimpleI18nLabels").attrs
    assert _option(elements, "multiselectWithOptionsAndSimpleI18nLabels", "totp") == "Time-based"
    assert _option(elements, "multiselectWithOptionsAndSimpleI18nLabels", "opt2") == "loginTotp.opt2"
    assert "multiple" in by_id(elements, "select", "multiselectWithOptionsAndLabels").attrs
    labelled = ["Option 1", "Username", "opt3"]
    assert [_option(elements, "multiselectWithOptionsAndLabels", v) for v in ("opt1", "opt2", "opt3")] == labelled
    custom = "selectWithOptionsFromCustomValidatorAndLabels"
    assert "multiple" not in by_id(elements, "select", custom).attrs
    assert [_option(elements, custom, v) for v in ("vopt1", "vopt2", "vopt3")] == ["Option 1", "Username", "vopt3"]
    for name, box, values in (
        ("selectRadiobuttons", "radio", ("opt1", "opt2", "opt3")),
        ("selectRadiobuttonsWithOptionsFromCustomValidatorAndLabels", "radio", ("vopt1", "vopt2", "vopt3")),
        ("multiselectCheckboxes", "checkbox", ("opt1", "opt2", "opt3")),
    ):
        assert [by_id(elements, "input", f"{name}-{v}").get("type") for v in values] == [box] * 3
        assert [_label_for(elements, f"{name}-{v}") for v in values] == ["Option 1", "Username", values[2]]
