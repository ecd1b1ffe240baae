"""axe-core in headless Chromium: the accessibility rules a page breaks, and the pages a crawl audits.

``audit`` runs axe-core (tests/browser/node_modules, pinned in package.json) over the page as it stands and
returns its violations of WCAG 2.x A/AA and axe's best practices. Only ``serious`` and ``critical`` ones fail a
test (``BLOCKING``); the lesser ones are printed so they stay visible. axe's source is evaluated through the
DevTools protocol rather than added as a script, so the page's own CSP (no inline script) stays in force.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from console_crawl_support import Crawler, Visit
from playwright.sync_api import Page

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
BLOCKING = ("serious", "critical")
# Rules switched off, each with its reason. None at present: every page passes every rule of TAGS at
# serious/critical impact.
EXCLUDED: dict[str, str] = {}
RUN = """async ([tags, excluded]) => {
  const rules = Object.fromEntries(excluded.map((id) => [id, {enabled: false}]));
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, rules, resultTypes: ["violations"]});
  return result.violations.map((v) => ({
    id: v.id, impact: v.impact || "", help: v.help,
    nodes: v.nodes.map((n) => n.target.join(" ") + (n.failureSummary ? " (" + n.failureSummary.replace(/\\s+/g, " ") + ")" : "")),
  }));
}"""


@dataclass(frozen=True)
class Violation:
    """One axe rule a page breaks: its id, impact, summary and the elements that break it."""

    url: str
    rule: str
    impact: str
    help: str
    nodes: tuple[str, ...]

    @property
    def blocking(self) -> bool:
        return self.impact in BLOCKING

    def __str__(self) -> str:
        shown = "; ".join(self.nodes[:4]) + (f"; … {len(self.nodes) - 4} more" if len(self.nodes) > 4 else "")
        return f"{self.url}: [{self.impact}] {self.rule} — {self.help}: {shown}"


# Doorkeep's own rule, which axe has not: a field marked invalid names its error message (aria-describedby), and
# every field error message describes a field or a group of fields.
UNDESCRIBED = """() => {
  const described = new Set([...document.querySelectorAll("[aria-describedby]")]
    .flatMap((e) => e.getAttribute("aria-describedby").split(/\\s+/)));
  const isError = (id) => { const e = id && document.getElementById(id); return !!e && e.matches(".field-error"); };
  return [
    ...[...document.querySelectorAll(".field-error")].filter((e) => !described.has(e.id))
      .map((e) => `message "${e.textContent.trim()}" describes no field`),
    ...[...document.querySelectorAll("[aria-invalid=true]")]
      .filter((e) => !(e.getAttribute("aria-describedby") || "").split(/\\s+/).some(isError))
      .map((e) => `#${e.id} is invalid without naming its error`),
  ];
}"""
ERRORS_RULE = "field-error-described"


def audit(page: Page) -> list[Violation]:
    """The axe-core violations of the page now shown (its script added once per document), and those of
    Doorkeep's field-error rule (``UNDESCRIBED``)."""
    if not AXE.exists():
        raise AssertionError(f"{AXE} is missing: `make node` installs it with npm")
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())  # evaluated, not a <script>: the page's CSP stays as it is
    found: list[dict[str, Any]] = page.evaluate(RUN, [TAGS, list(EXCLUDED)])
    out = [Violation(page.url, v["id"], v["impact"], v["help"], tuple(v["nodes"])) for v in found]
    undescribed: list[str] = page.evaluate(UNDESCRIBED)
    if undescribed:
        help_ = "Field errors must be tied to their fields with aria-describedby"
        out.append(Violation(page.url, ERRORS_RULE, "serious", help_, tuple(undescribed)))
    return out


def blocking(violations: list[Violation]) -> list[str]:
    """One line per serious or critical violation; the lesser ones printed to the test's output."""
    for v in violations:
        if not v.blocking:
            print(v)
    return [str(v) for v in violations if v.blocking]


class AuditingCrawler(Crawler):
    """A console crawl that runs axe-core on each page it opens."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.violations: list[Violation] = []

    def visit(self, url: str) -> Visit:
        visit = super().visit(url)
        self.violations += audit(self.page)
        return visit
