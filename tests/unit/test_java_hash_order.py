"""doorkeep.java_order: Java's HashSet iteration order over strings, as Keycloak's messages print it."""

from __future__ import annotations

from doorkeep import java_order


def test_string_hash_is_javas() -> None:
    # "Aa" and "BB" are the classic colliding pair of String.hashCode
    assert java_order.string_hash("Aa") == java_order.string_hash("BB") == 2112
    assert java_order.string_hash("") == 0
    assert java_order.string_hash("hello") == 99162322


def test_names_come_in_bucket_order_then_insertion_order() -> None:
    assert java_order.hash_order(["target-client3", "target-client2"]) == ["target-client2", "target-client3"]
    assert java_order.hash_order(["BB", "Aa"]) == ["BB", "Aa"]  # one bucket: the order they were added
    assert java_order.hash_order(["a", "a", "b"]) == ["a", "b"]


def test_a_copied_set_is_sized_for_its_collection_and_a_grown_one_by_its_adds() -> None:
    assert [java_order.copied_capacity(n) for n in (0, 11, 12, 24, 25)] == [16, 16, 32, 64, 64]
    assert [java_order.grown_capacity(n) for n in (0, 12, 13, 24, 25)] == [16, 16, 32, 32, 64]
