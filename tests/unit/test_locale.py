"""Locale matching (DefaultLocaleSelectorProviderTest's cases) and the message catalogs."""

from __future__ import annotations

import pytest

from doorkeep.console.i18n import CATALOGS, Language
from doorkeep.console.messages import en
from doorkeep.users.locale import accepted_languages, best_match


@pytest.mark.parametrize(
    ("supported", "asked", "found"),
    [
        (("de",), "de-CH", "de"),  # a region falls back to its language
        (("de-CH",), "de", "de-CH"),  # and a language finds a regional locale
        (("de-AT",), "de-CH", None),  # never another region
        (("de", "de-CH"), "de-CH", "de-CH"),  # the exact region wins
        (("de-CH", "de"), "de", "de"),
        (("de",), "de_CH", None),  # not a language tag
        (("en", "de"), "fr", None),
    ],
)
def test_best_match_is_keycloaks_find_best_matching_locale(
    supported: tuple[str, ...], asked: str, found: str | None
) -> None:
    assert best_match(supported, asked) == found


def test_accept_language_is_ordered_by_quality_without_wildcards_or_zero_weights() -> None:
    assert accepted_languages("fr;q=0.3, *;q=0.9, de-CH, en;q=0, es;q=0.5") == ["de-CH", "es", "fr"]


def test_every_catalog_uses_only_keys_english_has() -> None:
    for tag, messages in CATALOGS.items():
        assert set(messages) <= set(en.MESSAGES), tag


def test_english_pages_show_the_cores_texts_unchanged_and_other_languages_translate_them() -> None:
    assert Language("en").translate("Invalid Request") == "Invalid Request"
    assert Language("de").translate("Invalid Request") == "Ungültiger Request."
    assert Language("de").translate("Invalid parameter: redirect_uri") == "Ungültiger Parameter: redirect_uri"
    assert Language("de").translate("Something Doorkeep says") == "Something Doorkeep says"
    assert Language("de-CH").text("doLogIn") == "Anmelden" and Language("xx").text("doLogIn") == "Sign In"


def test_a_message_naming_its_parameter_twice_fills_both_places() -> None:
    """oauthGrantInformation says "{0}" twice: both are the client's name, and the translation patterns built
    from the English catalog accept the repeat (a backreference, not a second group of the same name)."""
    text = Language("en").text("oauthGrantInformation", "Shop")
    assert text == "Make sure you trust Shop by learning how Shop will handle your data."
    german = "Stellen Sie sicher, dass Sie Shop vertrauen können und informieren Sie sich darüber, wie Shop mit Ihren"
    assert Language("de").translate(text) == german + " Daten umgeht."  # both places filled in German too
