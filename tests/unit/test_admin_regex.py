"""users.admin_regex: how much the regex engine would unroll an administrator's pattern, and the bound."""

from __future__ import annotations

import pytest
import regex

from doorkeep.users import admin_regex


@pytest.mark.parametrize(
    ("pattern", "size"),
    [
        ("[a-z]{3,255}", 3),
        (r"\d{4}-\d{2}-\d{2}", 10),
        (r"\p{L}{1,20}", 4),  # \p is one escape; {L} no repeat
        ("[{]{50}", 50),  # a brace inside a class is no repeat, the class is what repeats
        (r"\{5}", 3),  # an escaped brace neither: three characters
        ("(?:ab){3}", 12),  # the group's four characters (with ?:) three times
        ("(?:x{10}){10}", 120),
    ],
)
def test_the_expansion_counts_what_a_counted_repeat_copies(pattern: str, size: int) -> None:
    assert admin_regex.expansion(pattern) == size


@pytest.mark.parametrize("pattern", ["(?:x{65535}){65535}", "(?:(?:x{1000}){1000}|y)", "x{99999999999999999999}"])
def test_a_pattern_beyond_the_bound_is_refused_without_being_compiled(
    pattern: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[str] = []  # the engine is never asked: compiling these would hold the interpreter for hours
    monkeypatch.setattr(regex, "compile", lambda sent, *_a, **_k: asked.append(sent))
    with pytest.raises(admin_regex.UnsafePattern, match="beyond the bound"):
        admin_regex.compiled(pattern)
    assert asked == []


def test_a_pattern_within_the_bound_compiles_and_an_invalid_one_is_refused() -> None:
    assert admin_regex.compiled("(?:x{90}){1000}").fullmatch("x" * 90_000) is not None
    for broken in ("(", "(" * 5000 + ")" * 5000):
        with pytest.raises(admin_regex.UnsafePattern):
            admin_regex.compiled(broken)
