"""The HTML e-mail's ``dir``: FreeMarkerEmailTemplateProvider's ``ltr`` (Java's Bidi over the language's name)."""

from __future__ import annotations

from doorkeep.console.i18n import Language
from doorkeep.email.messages import direction


def test_the_catalog_languages_are_left_to_right() -> None:
    assert direction(Language("en")) == "ltr"
    assert direction(Language("de-CH")) == "ltr"


def test_a_language_named_in_a_right_to_left_script_is_right_to_left() -> None:
    assert direction(Language("ar", overrides={"locale_ar": "عربي"})) == "rtl"
    assert direction(Language("he", overrides={"locale_he": "עברית"})) == "rtl"


def test_a_language_without_a_name_is_read_as_its_tag() -> None:
    assert direction(Language("xx")) == "ltr"
