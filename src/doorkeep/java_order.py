"""The iteration order of Java's ``HashSet``/``HashMap`` over strings, which Keycloak's messages show whenever they
print or join one (``HashSet.toString``, ``CollectionUtil.join``): names in the order of their bucket (the spread
``String.hashCode`` masked by the table size), names sharing a bucket in the order they were added. Tree bins
(eight or more names in one bucket) are out of reach of the short lists these messages carry.
"""

from __future__ import annotations

from collections.abc import Iterable

DEFAULT_CAPACITY = 16


def string_hash(text: str) -> int:
    """``String.hashCode`` over UTF-16 code units, as an unsigned 32-bit value."""
    units = text.encode("utf-16-be")
    value = 0
    for i in range(0, len(units), 2):
        value = (31 * value + int.from_bytes(units[i : i + 2], "big")) & 0xFFFFFFFF
    return value


def grown_capacity(added: int) -> int:
    """The table size of a default ``HashSet`` after ``added`` distinct adds: 16, doubled past three quarters full."""
    capacity = DEFAULT_CAPACITY
    while added > capacity * 3 // 4:
        capacity *= 2
    return capacity


def copied_capacity(size: int) -> int:
    """The table size of ``new HashSet<>(collection)`` for a collection of ``size`` elements:
    ``max(size / .75 + 1, 16)`` rounded up to a power of two."""
    wanted = max(int(size / 0.75) + 1, DEFAULT_CAPACITY)
    capacity = 1
    while capacity < wanted:
        capacity *= 2
    return capacity


def hash_order(names: Iterable[str], capacity: int | None = None) -> list[str]:
    """The distinct ``names``, added in this order, as a hash table of ``capacity`` buckets iterates them
    (by default the capacity of adding them one by one)."""
    ordered = list(dict.fromkeys(names))
    size = grown_capacity(len(ordered)) if capacity is None else capacity

    def bucket(name: str) -> int:
        h = string_hash(name)
        return (h ^ (h >> 16)) & (size - 1)

    position = {name: i for i, name in enumerate(ordered)}
    return sorted(ordered, key=lambda name: (bucket(name), position[name]))
