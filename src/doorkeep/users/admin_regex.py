"""Regular expressions a realm administrator writes (the user profile's ``pattern`` validator, the password
policy's ``regexPattern``), compiled on the ``regex`` engine, whose matches take a time limit.

The engine unrolls a counted repeat (``x{1000}``) into that many copies of what it repeats, and nested repeats
multiply: ``(?:x{65535}){65535}`` compiles for hours, holding the interpreter and every realm with it, where Java's
Pattern (and Python's ``re``) keep one loop. Such a pattern is refused as invalid before it is compiled: its
expansion (each counted repeat's minimum times what it repeats, branches and sequences added up) may be at most
MAX_EXPANSION, which the engine compiles in a tenth of a second and ordinary patterns (``[a-z]{3,255}``, a date, an
e-mail shape) stay far below.
"""

from __future__ import annotations

import re

import regex

MAX_EXPANSION = 100_000
_COUNTED = re.compile(r"\{(\d+)(?:,\d*)?\}")


class UnsafePattern(ValueError):
    """A pattern the engine cannot compile, or would take too long to."""


def compiled(pattern: str) -> regex.Pattern[str]:
    """``pattern`` compiled; UnsafePattern when it is invalid or expands beyond MAX_EXPANSION."""
    if expansion(pattern) > MAX_EXPANSION:
        raise UnsafePattern("pattern expands beyond the bound")
    try:
        return regex.compile(pattern)
    except (regex.error, RecursionError):  # the engine's parser recurses per group: (((…))) 500 deep
        raise UnsafePattern("invalid pattern") from None


def _class_end(pattern: str, at: int) -> int:
    """Where the character class opening at ``at`` ends (after its ``]``; nested classes as Java writes them)."""
    i = at + 1
    if pattern.startswith("^", i):
        i += 1
    if pattern.startswith("]", i):
        i += 1
    depth = 1
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        depth += (ch == "[") - (ch == "]")
        i += 1
        if depth == 0:
            break
    return i


def expansion(pattern: str) -> int:
    """About how many nodes the engine makes of ``pattern``; more than MAX_EXPANSION stops the count early."""
    groups = [0]  # the size so far of each open group, the pattern's own first
    last, i = 0, 0  # the size of what a quantifier here repeats
    while i < len(pattern):
        ch = pattern[i]
        counted = _COUNTED.match(pattern, i) if ch == "{" else None
        if counted is not None:
            digits = counted.group(1)
            times = max(int(digits), 1) if len(digits) <= 9 else MAX_EXPANSION + 1
            groups[-1] += last * (times - 1)
            last *= times
            i = counted.end()
        elif ch == "(":
            groups.append(0)
            last, i = 0, i + 1
        elif ch == ")" and len(groups) > 1:
            last = groups.pop()
            groups[-1] += last
            i += 1
        else:
            step = 2 if ch == "\\" else _class_end(pattern, i) - i if ch == "[" else 1
            groups[-1] += 1
            last, i = 1, i + step
        if sum(groups) > MAX_EXPANSION:
            break
    return sum(groups)
