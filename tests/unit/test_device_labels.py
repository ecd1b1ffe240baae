"""Device labels and the offline-session cap value, as pure rules (docs/offline-devices.md)."""

from __future__ import annotations

import pytest

from doorkeep.sessions import device
from doorkeep.sessions.offline_cap import cap_error


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("Kitchen tablet", "Kitchen tablet"),
        ("  two\t\tspaces\n", "two spaces"),
        ("bell\x07 and\u202e bidi\u200b", "bell and bidi"),
        ("ü Ω 漢字", "ü Ω 漢字"),
        ("x" * 255, "x" * 64),
        ("\x00\x01", None),
        ("", None),
    ],
)
def test_a_label_keeps_printable_text_collapsed_and_cut(raw: str, stored: str | None) -> None:
    assert device.clean_label(raw) == stored


def test_a_label_longer_than_255_characters_is_refused_not_cut() -> None:
    with pytest.raises(device.LabelError, match="Invalid parameter: device_label"):
        device.clean_label("x" * 256)


def test_a_session_without_a_stored_label_is_labelled_from_its_user_agent_notes() -> None:
    notes = device.notes_for("Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) Version/17.1 Mobile Safari/604.1")
    assert device.label_of(notes) == "Mobile Safari/17.1 on iOS 17.1"  # uap-core names the mobile browser
    assert device.label_of({}) == "Other/Unknown on Other"
    assert device.label_of({**notes, device.LABEL_NOTE: "My phone"}) == "My phone"


@pytest.mark.parametrize("value", [None, "", " ", "0", "1", "1000", " 7 "])
def test_an_empty_or_small_whole_number_is_a_cap(value: str | None) -> None:
    assert cap_error(value) is None


@pytest.mark.parametrize("value", ["-1", "1001", "1.5", "two", "٣", "99999999999999999999", "1e3"])
def test_anything_else_is_not_a_cap(value: str) -> None:
    assert cap_error(value) is not None
