"""memoryInfo of the server info: Keycloak's MemoryInfoRepresentation arithmetic and formatMemory."""

from __future__ import annotations

from doorkeep.admin.memory_info import format_memory, memory_info


def test_sizes_are_formatted_as_keycloaks_format_memory() -> None:
    assert [format_memory(n) for n in (0, 1024, 1025, 1024 * 1024, 1024 * 1024 + 1, 5 * 1024**3)] == [
        "0 B",
        "1024 B",
        "1 kB",
        "1024 kB",
        "1 MB",
        "5120 MB",
    ]


def test_free_is_total_minus_used_and_its_percentage_rounds_down() -> None:
    assert memory_info(total=3000, used=1000) == {
        "total": 3000,
        "totalFormated": "2 kB",
        "used": 1000,
        "usedFormated": "1000 B",
        "free": 2000,
        "freePercentage": 66,
        "freeFormated": "1 kB",
    }


def test_this_process_uses_some_memory_and_no_more_than_the_total() -> None:
    info = memory_info()
    assert 0 < info["used"] <= info["total"]
