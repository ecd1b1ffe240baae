"""What a migration carried (or, in a dry run, would carry) per realm, and what it could not, and why."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Report:
    realm: str
    counts: dict[str, int] = field(default_factory=dict)
    cannot_carry: list[tuple[str, str]] = field(default_factory=list)  # (what, why)

    def cannot(self, what: str, why: str) -> None:
        self.cannot_carry.append((what, why))

    def lines(self, dry_run: bool) -> list[str]:
        verb = "would carry" if dry_run else "carried"
        counted = ", ".join(f"{n} {what}" for what, n in self.counts.items())
        out = [f"realm '{self.realm}': {verb} {counted}"]
        out += [f"realm '{self.realm}': cannot carry {what}: {why}" for what, why in self.cannot_carry]
        return out
