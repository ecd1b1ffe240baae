"""smtp.one_line and the headers built from a realm's texts: every line boundary Python's email package refuses in a
header (CR, LF, U+2028, U+2029, NEL, VT, FF, the separators FS/GS/RS) becomes one space, so no header is refused (a
500 before) and none starts a header of its own."""

from __future__ import annotations

import pytest

from doorkeep.email import smtp
from doorkeep.email.smtp import Mail

SETTINGS = {"from": "auto@example.com", "host": "localhost", "port": "25"}


@pytest.mark.parametrize("separator", ["\r\n", "\n", "\r", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\x1c", "\x1e"])
def test_every_line_boundary_becomes_one_space(separator: str) -> None:
    assert smtp.one_line(f"Hello{separator}Bcc: x@evil.example") == "Hello Bcc: x@evil.example"
    assert smtp.one_line(f"a{separator}{separator}b") == "a b"


@pytest.mark.parametrize("text", ["", "plain", "tab\tkept", "trailing\n"])
def test_text_without_inner_breaks_is_kept(text: str) -> None:
    assert smtp.one_line(text) == text.rstrip("\n")


@pytest.mark.parametrize("field", ["fromDisplayName", "replyToDisplayName"])
def test_display_names_and_subjects_with_breaks_build(field: str) -> None:
    settings = SETTINGS | {field: "Evil\u2028Bcc: x@evil.example\r\nTo: y@evil.example", "replyTo": "r@example.com"}
    message = smtp.build(settings, Mail("user@example.com", "Subject\u2029Bcc: z@evil.example", "text", "<p>html</p>"))
    assert message["Bcc"] is None and message.get_all("To") == ["user@example.com"]
    assert message["Subject"] == "Subject Bcc: z@evil.example"
    assert "\n" not in str(message["From"]) and "\n" not in str(message["Reply-To"])
